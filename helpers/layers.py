"""Network building blocks that several notebooks share."""
import torch.nn as nn
import torch.nn.functional as F


class ResizeConv2d(nn.Module):
    """Nearest-neighbour upsampling by `scale`, then a "same" k×k convolution.

    Odena et al. 2016 ("Deconvolution and Checkerboard Artifacts"): unlike a strided
    ConvTranspose2d, every output pixel gets the same number of kernel taps, so no
    checkerboard pattern is built in (notebook 02 measures it; notebook 08 uses it).
    """

    def __init__(self, in_channels, out_channels, scale=2, kernel_size=3):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)

    def forward(self, x):
        """(N, in_channels, H, W) -> (N, out_channels, H·scale, W·scale)."""
        return self.conv(F.interpolate(x, scale_factor=self.scale, mode="nearest"))
