"""Images in and out: load a photo by `skimage.data` name or path as a [0, 1] RGB tensor, and back."""
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

# Photos and textures that ship inside scikit-image (CC0), so notebooks work offline.
SKIMAGE_IMAGES = ("astronaut", "chelsea", "coffee", "rocket", "cat", "brick", "grass", "gravel",
                  "camera", "coins", "moon", "text", "retina", "immunohistochemistry", "hubble_deep_field")


def read_rgb_array(name_or_path: str | Path) -> np.ndarray:
    """Pixels as a uint8 (H, W, 3) array from a file path or a `skimage.data` image name (grey -> 3 channels)."""
    path = Path(name_or_path)
    if path.suffix and path.exists():
        return np.asarray(Image.open(path).convert("RGB"))
    import skimage.data

    loader = getattr(skimage.data, str(name_or_path), None)
    if loader is None or not callable(loader):
        raise FileNotFoundError(
            f"{name_or_path!r} is neither an existing image file nor a skimage.data image; "
            f"try one of {', '.join(SKIMAGE_IMAGES)}")
    array = np.asarray(loader())
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    return array[..., :3].astype(np.uint8)


def load_image(name_or_path: str | Path, size: int | tuple[int, int] | None = None) -> torch.Tensor:
    """A (3, H, W) float tensor in [0, 1]; `size` int sets the longer side (aspect kept), a tuple sets (H, W)."""
    image = torch.from_numpy(read_rgb_array(name_or_path).copy()).permute(2, 0, 1).float() / 255
    if size is None:
        return image
    if isinstance(size, int):
        h, w = image.shape[1:]
        scale = size / max(h, w)
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
    return F.interpolate(image[None], size=tuple(size), mode="bilinear", antialias=True,
                         align_corners=False)[0].clamp(0, 1)


def to_numpy_image(image: torch.Tensor) -> np.ndarray:
    """A (3, H, W) or (H, W) tensor in [0, 1] (or uint8, as draw_* return) as an (H, W, 3) / (H, W) float array."""
    image = image.detach().cpu()
    image = image.float() / 255 if image.dtype == torch.uint8 else image.float().clamp(0, 1)
    if image.ndim == 3:
        image = image.permute(1, 2, 0)
        if image.shape[-1] == 1:
            image = image[..., 0]
    return image.numpy()


def to_uint8(image: torch.Tensor) -> torch.Tensor:
    """A [0, 1] float image as uint8 in [0, 255], the format torchvision's draw_* functions take (and return)."""
    image = image.detach().cpu()
    if image.dtype == torch.uint8:  # already drawn on: draw again on top
        return image
    return (image.clamp(0, 1) * 255).round().to(torch.uint8)


def save_image(image: torch.Tensor, path: str | Path) -> Path:
    """Write a (3, H, W) [0, 1] tensor to an image file (format from the suffix)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(to_uint8(image).permute(1, 2, 0).numpy()).save(path)
    return path
