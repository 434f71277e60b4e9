"""Wall-clock timing of a piece of notebook code, fair to GPUs (which run asynchronously)."""
import time

import torch


def _wait_for(device) -> None:
    """Block until the queued work of a CUDA or MPS `device` is done (a no-op on the CPU)."""
    kind = torch.device(device).type if device is not None else "cpu"
    if kind == "cuda":
        torch.cuda.synchronize()
    elif kind == "mps":
        torch.mps.synchronize()


def seconds_per_call(fn, repeats: int = 1, device=None) -> float:
    """Mean wall seconds of fn() over `repeats` calls, after one untimed warm-up call, waiting for `device`."""
    fn()
    _wait_for(device)
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    _wait_for(device)
    return (time.perf_counter() - start) / repeats
