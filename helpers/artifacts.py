"""How much of an image's detail is a checkerboard: the score of notebook 02, reused by notebook 08."""
import torch


def checkerboard_score(image: torch.Tensor, period: int = 2) -> float:
    """Share of the mean-free power of a (C, H, W) or (H, W) image at the frequencies of a period-`period` grid.

    NaN for an image with no mean-free power (a constant image): nothing to measure, the course's convention.
    """
    x = image.detach().to("cpu", torch.float64)
    if x.ndim == 2:
        x = x[None]
    _, height, width = x.shape
    if height % period or width % period:
        raise ValueError(f"H={height} and W={width} must be divisible by period={period}")
    x = x - x.mean(dim=(-2, -1), keepdim=True)
    power = torch.fft.fft2(x).abs().pow(2).sum(dim=0)
    total = power.sum()
    if total == 0:
        return float("nan")
    grid = torch.zeros(height, width, dtype=torch.bool)
    grid[::height // period, ::width // period] = True
    grid[0, 0] = False  # the mean (zero frequency) is not a pattern
    return float(power[grid].sum() / total)
