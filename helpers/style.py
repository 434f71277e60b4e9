"""Perceptual losses of neural style transfer (Gatys et al. 2016), shared by notebooks 06 and 08.

Notebook 06 has students write these by hand; notebook 08 and benchmarks/ use them from here.
"""
import torch
import torch.nn.functional as F


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) features -> (N, C, C) channel correlations F·Fᵀ / (C·H·W)."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def masked_gram_matrix(features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Gram matrix of the features inside a soft (N, 1, H0, W0) mask, normalised by C·Σmask (0 if empty)."""
    n, c, h, w = features.shape
    mask = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear", align_corners=False)
    flat = (features * mask).reshape(n, c, h * w)
    area = mask.sum(dim=(1, 2, 3)).view(n, 1, 1)
    gram = flat @ flat.transpose(1, 2)
    return torch.where(area > 0, gram / (c * area.clamp_min(1e-12)), torch.zeros_like(gram))


def content_loss(generated: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error between two feature maps."""
    return F.mse_loss(generated, target)


def style_loss(generated_features: dict, target_grams: dict, layer_weights: dict) -> torch.Tensor:
    """Σ_l w_l · mean((G_l − A_l)²) over the layers named in `layer_weights`."""
    return sum(weight * F.mse_loss(gram_matrix(generated_features[layer]), target_grams[layer])
               for layer, weight in layer_weights.items())


def total_variation_loss(image: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between vertical neighbours plus that between horizontal neighbours."""
    vertical = (image[..., 1:, :] - image[..., :-1, :]).abs().mean()
    horizontal = (image[..., :, 1:] - image[..., :, :-1]).abs().mean()
    return vertical + horizontal
