"""The one training loop every training notebook uses: progress bar, loss history."""
import torch
from tqdm.auto import tqdm


def train(model, batches, loss_fn, optimizer, epochs=1, device=None, desc="training"):
    """Fit `model` on `batches` (a re-iterable of (inputs, targets)) for `epochs`; return per-step losses."""
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
                history.append(loss.item())
                progress.update()
                progress.set_postfix(loss=f"{history[-1]:.4f}")
    model.eval()
    return history


@torch.no_grad()
def evaluate(model, batches, metric_fn, device=None):
    """Average `metric_fn(outputs, targets)` over `batches` with the model in eval mode."""
    device = device or next(model.parameters()).device
    model.eval()
    values = [float(metric_fn(model(x.to(device)), y.to(device))) for x, y in batches]
    return sum(values) / max(len(values), 1)
