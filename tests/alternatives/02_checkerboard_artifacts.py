"""Correct answers to 02's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "overlap_map": {
        "outer product of 1-D counts": '''
def overlap_map(kernel_size, stride, in_size):
    """(H_out, W_out) float32 map: how many k x k footprints of a stride-s transposed conv cover each output pixel."""
    out = (in_size - 1) * stride + kernel_size
    row = torch.zeros(out)
    for p in range(in_size):
        row[p * stride:p * stride + kernel_size] += 1
    return torch.outer(row, row)
''',
        "vectorised count of the windows that contain each pixel": '''
def overlap_map(kernel_size, stride, in_size):
    i = torch.arange((in_size - 1) * stride + kernel_size)[:, None]
    start = stride * torch.arange(in_size)[None, :]
    counts = ((i >= start) & (i < start + kernel_size)).sum(dim=1).float()
    return counts[:, None] * counts[None, :]
''',
        "ones on a stuffed grid, summed by a full conv2d with a ones kernel": '''
def overlap_map(kernel_size, stride, in_size):
    side = (in_size - 1) * stride + 1
    nails = torch.zeros(1, 1, side, side)
    nails[..., ::stride, ::stride] = 1
    return F.conv2d(nails, torch.ones(1, 1, kernel_size, kernel_size), padding=kernel_size - 1)[0, 0]
''',
    },
    "checkerboard_score": {
        "Parseval: variance of the average tile, no FFT": '''
def checkerboard_score(img, period=2):
    x = img.double()
    x = x[None] if x.dim() == 2 else x
    C, H, W = x.shape
    if H % period or W % period:
        raise ValueError("period must divide H and W")
    x = x - x.mean(dim=(1, 2), keepdim=True)
    total = (x ** 2).sum()
    if total == 0:
        return float("nan")
    tile = x.reshape(C, H // period, period, W // period, period).mean(dim=(1, 3))
    return ((tile ** 2).sum() * (H // period) * (W // period) / total).item()
''',
        "numpy FFT and a modulo mask": '''
import numpy as np


def checkerboard_score(img, period=2):
    x = img.detach().cpu().numpy().astype(np.float64)
    if x.ndim == 2:
        x = x[None]
    _, H, W = x.shape
    if H % period != 0 or W % period != 0:
        raise ValueError(f"{H}x{W} is not divisible by {period}")
    x = x - x.mean(axis=(1, 2), keepdims=True)
    power = (np.abs(np.fft.fft2(x)) ** 2).sum(axis=0)
    u, v = np.arange(H)[:, None], np.arange(W)[None, :]
    grid = (u % (H // period) == 0) & (v % (W // period) == 0)
    grid[0, 0] = False
    total = power.sum()
    return float("nan") if total == 0 else float(power[grid].sum() / total)
''',
        "float32 FFT, NaN below a tiny power threshold": '''
def checkerboard_score(img, period=2):
    x = img.float()
    if x.ndim == 2:
        x = x.unsqueeze(0)
    H, W = x.shape[-2:]
    if H % period or W % period:
        raise ValueError("H and W must be divisible by period")
    spectrum = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True))
    power = (spectrum.real ** 2 + spectrum.imag ** 2).sum(dim=0)
    total = power.sum()
    if total < 1e-30:
        return float("nan")
    on_grid = power[::H // period, ::W // period].sum() - power[0, 0]
    return float(on_grid / total)
''',
    },
    "resize_conv": {
        "nn.Sequential(Upsample, Conv2d) with self.conv pointing into it": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.body = nn.Sequential(nn.Upsample(scale_factor=scale, mode="nearest"),
                                  nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2))
        self.conv = self.body[1]

    def forward(self, x):
        return self.body(x)
''',
        "repeat_interleave upsampling, conv without bias": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        return self.conv(x.repeat_interleave(self.scale, dim=2).repeat_interleave(self.scale, dim=3))
''',
        "padding='same' and F.interpolate with a float factor": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.scale = float(scale)
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=(kernel_size, kernel_size), padding="same")

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=self.scale, mode="nearest"))
''',
    },
}
