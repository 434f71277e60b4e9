"""Tools for test cells: check that an exercise is solved by hand, not by the library call it reimplements."""
import importlib
from contextlib import contextmanager


def _resolve(dotted: str):
    """('owner object', 'attribute') for a dotted path like 'torch.nn.functional.conv_transpose2d', or None."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:-1]:
            owner = getattr(owner, name, None)
        if owner is not None and hasattr(owner, parts[-1]):
            return owner, parts[-1]
        return None
    return None


@contextmanager
def forbid(*dotted_names: str, reason: str = "solve this exercise without the library function"):
    """Inside the block, calling any of `dotted_names` raises AssertionError(reason); all are restored after."""
    targets = [t for t in map(_resolve, dotted_names) if t is not None]
    saved = [(owner, name, getattr(owner, name)) for owner, name in targets]

    def refuse(*args, **kwargs):
        raise AssertionError(reason)

    try:
        for owner, name, _ in saved:
            setattr(owner, name, refuse)
        yield
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)
