"""The one training loop every training notebook uses: progress bar, loss history, resumable checkpoints."""
import time
from pathlib import Path

import torch
from tqdm.auto import tqdm


def train(model, batches, loss_fn, optimizer, epochs=1, device=None, desc="training", scheduler=None):
    """Fit `model` on `batches` (a re-iterable of (inputs, targets)) for `epochs`; return per-step losses.

    A learning-rate `scheduler`, if given, steps after every optimizer step (OneCycleLR's unit)."""
    device = device or next(model.parameters()).device
    model.train()
    history = []
    total = epochs * len(batches) if hasattr(batches, "__len__") else None
    with tqdm(total=total, desc=desc, leave=False) as progress:
        for _ in range(epochs):
            for inputs, targets in batches:
                inputs, targets = inputs.to(device), targets.to(device)
                loss = loss_fn(model(inputs), targets)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                history.append(loss.item())
                progress.update()
                progress.set_postfix(loss=f"{history[-1]:.4f}")
    model.eval()
    return history


def train_resumable(model, batches, loss_fn, optimizer, epochs, checkpoint, *, resume=False, every=1, scheduler=None,
                    settings=None, device=None, desc="training"):
    """`train` for `epochs`, saving a checkpoint every `every` epochs; with `resume`, go on from the last one.

    The checkpoint (a file path) holds the model's, optimizer's and scheduler's state, the epochs done, the per-step
    losses and the training seconds so far; one written with other `settings` is not resumed. A Colab session cut off
    mid-run thus loses at most `every` epochs. `scheduler` steps per batch, as in `train`. Returns (per-step losses,
    training seconds).
    """
    checkpoint, done = Path(checkpoint), {"epoch": 0, "losses": [], "seconds": 0.0}
    if resume and checkpoint.exists():
        saved = torch.load(checkpoint, map_location=device, weights_only=True)
        if saved["settings"] == settings:
            model.load_state_dict(saved["model"])
            optimizer.load_state_dict(saved["optimizer"])
            if scheduler is not None:
                scheduler.load_state_dict(saved["scheduler"])
            done = {key: saved[key] for key in done}
            print(f"{desc}: {done['epoch']} of {epochs} epochs loaded from {checkpoint} (delete it to start over)")
    while done["epoch"] < epochs:
        chunk = min(every, epochs - done["epoch"])
        start = time.perf_counter()
        done["losses"] += train(model, batches, loss_fn, optimizer, epochs=chunk, device=device,
                                desc=f"{desc}, epoch {done['epoch'] + chunk} of {epochs}", scheduler=scheduler)
        done.update(epoch=done["epoch"] + chunk, seconds=done["seconds"] + time.perf_counter() - start)
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "settings": settings, **done}
        if scheduler is not None:
            state["scheduler"] = scheduler.state_dict()
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save(state, checkpoint)
    return done["losses"], done["seconds"]


@torch.no_grad()
def evaluate(model, batches, metric_fn, device=None):
    """Average `metric_fn(outputs, targets)` over `batches` with the model in eval mode."""
    device = device or next(model.parameters()).device
    model.eval()
    values = [float(metric_fn(model(x.to(device)), y.to(device))) for x, y in batches]
    return sum(values) / max(len(values), 1)
