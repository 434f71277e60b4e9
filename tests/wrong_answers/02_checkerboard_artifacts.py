"""Classic wrong answers to 02's exercises: each must fail at least one graded cell of its exercise."""

ANSWERS = {
    "overlap_map": {
        "output size without the kernel": '''
def overlap_map(kernel_size, stride, in_size):
    out = in_size * stride
    counts = torch.zeros(out, out)
    for p in range(in_size):
        for q in range(in_size):
            counts[p * stride:p * stride + kernel_size, q * stride:q * stride + kernel_size] += 1
    return counts
''',
        "window one pixel short (off by one)": '''
def overlap_map(kernel_size, stride, in_size):
    out = (in_size - 1) * stride + kernel_size
    counts = torch.zeros(out, out)
    for p in range(in_size):
        for q in range(in_size):
            counts[p * stride:p * stride + kernel_size - 1, q * stride:q * stride + kernel_size - 1] += 1
    return counts
''',
        "integer counts (int64)": '''
def overlap_map(kernel_size, stride, in_size):
    out = (in_size - 1) * stride + kernel_size
    counts = torch.zeros(out, out, dtype=torch.long)
    for p in range(in_size):
        for q in range(in_size):
            counts[p * stride:p * stride + kernel_size, q * stride:q * stride + kernel_size] += 1
    return counts
''',
        "F.conv_transpose2d bound as a default argument": '''
def overlap_map(kernel_size, stride, in_size, _tconv=F.conv_transpose2d):
    return _tconv(torch.ones(1, 1, in_size, in_size), torch.ones(1, 1, kernel_size, kernel_size), stride=stride)[0, 0]
''',
    },
    "checkerboard_score": {
        "0.0 for a constant image (not the course's NaN)": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    power = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True)).abs().pow(2).sum(0)
    total = power.sum()
    if total == 0:
        return 0.0
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::H // period, ::W // period] = True
    grid[0, 0] = False
    return float(power[grid].sum() / total)
''',
        "mean not subtracted": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    power = torch.fft.fft2(x).abs().pow(2).sum(0)
    total = power.sum()
    if total == 0:
        return float("nan")
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::H // period, ::W // period] = True
    grid[0, 0] = False
    return float(power[grid].sum() / total)
''',
        "|FFT| instead of |FFT|^2": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    power = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True)).abs().sum(0)
    total = power.sum()
    if total == 0:
        return float("nan")
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::H // period, ::W // period] = True
    grid[0, 0] = False
    return float(power[grid].sum() / total)
''',
        "only the Nyquist point (H/2, W/2), stripes left out": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    power = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True)).abs().pow(2).sum(0)
    total = power.sum()
    if total == 0:
        return float("nan")
    return float(power[H // period::H // period, W // period::W // period].sum() / total)
''',
        "grid at multiples of the period instead of H / period": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    power = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True)).abs().pow(2).sum(0)
    total = power.sum()
    if total == 0:
        return float("nan")
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::period, ::period] = True
    grid[0, 0] = False
    return float(power[grid].sum() / total)
''',
        "mean of per-channel ratios instead of one ratio of summed powers": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    power = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True)).abs().pow(2)
    total = power.sum(dim=(1, 2))
    if (total == 0).all():
        return float("nan")
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::H // period, ::W // period] = True
    grid[0, 0] = False
    return float((power[:, grid].sum(1) / total).mean())
''',
        "mean subtracted in place (img changed)": '''
def checkerboard_score(img, period=2):
    x = img[None] if img.ndim == 2 else img
    _, H, W = x.shape
    if H % period or W % period:
        raise ValueError("indivisible")
    x -= x.mean(dim=(-2, -1), keepdim=True)
    power = torch.fft.fft2(x.double()).abs().pow(2).sum(0)
    total = power.sum()
    if total == 0:
        return float("nan")
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::H // period, ::W // period] = True
    grid[0, 0] = False
    return float(power[grid].sum() / total)
''',
        "no ValueError: indivisible sizes silently floor-divided": '''
def checkerboard_score(img, period=2):
    x = img.detach().double()
    x = x[None] if x.ndim == 2 else x
    _, H, W = x.shape
    power = torch.fft.fft2(x - x.mean(dim=(-2, -1), keepdim=True)).abs().pow(2).sum(0)
    total = power.sum()
    if total == 0:
        return float("nan")
    grid = torch.zeros(H, W, dtype=torch.bool)
    grid[::max(H // period, 1), ::max(W // period, 1)] = True
    grid[0, 0] = False
    return float(power[grid].sum() / total)
''',
        "helpers' answer imported under another name": '''
from helpers.artifacts import checkerboard_score as _installed_score


def checkerboard_score(img, period=2):
    return _installed_score(img, period)
''',
        "helpers' answer reached by getattr on a re-imported module": '''
import importlib


def checkerboard_score(img, period=2):
    return getattr(importlib.import_module("helpers.artifacts"), "checkerboard_" + "score")(img, period)
''',
    },
    "resize_conv": {
        "convolve first, then upsample": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)

    def forward(self, x):
        return F.interpolate(self.conv(x), scale_factor=self.scale, mode="nearest")
''',
        "bilinear instead of nearest upsampling": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=self.scale, mode="bilinear", align_corners=False))
''',
        "no padding (the map shrinks)": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=self.scale, mode="nearest"))
''',
        "a transposed convolution stored as self.conv": '''
class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.conv = nn.ConvTranspose2d(in_channels, out_channels, 2 * scale, stride=scale, padding=scale // 2)

    def forward(self, x):
        return self.conv(x)
''',
        "subclass of helpers' ResizeConv2d": '''
import helpers.layers


class ResizeConv2d(helpers.layers.ResizeConv2d):
    pass
''',
        "helpers' ResizeConv2d wrapped, its conv exposed": '''
from helpers.layers import ResizeConv2d as _Installed


class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.inner = _Installed(in_channels, out_channels, scale, kernel_size)
        self.conv = self.inner.conv

    def forward(self, x):
        return self.inner(x)
''',
    },
}
