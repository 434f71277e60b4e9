"""Pictures the notebooks draw: image grids, segmentation overlays, boxes, loss curves."""
import math

import matplotlib.pyplot as plt
import torch
from torchvision.utils import draw_bounding_boxes, draw_segmentation_masks

from .images import to_numpy_image, to_uint8


def show_images(images, titles=None, ncols=None, size=3.0, cmap=None, suptitle=None):
    """Show tensors (C,H,W / H,W) or arrays in a grid, one title each; returns the figure."""
    images = list(images)
    ncols = ncols or min(len(images), 6)
    nrows = math.ceil(len(images) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, image in enumerate(images):
        ax = axes.flat[i]
        array = to_numpy_image(image) if torch.is_tensor(image) else image
        ax.imshow(array, cmap=cmap if array.ndim == 2 else None)
        if titles is not None:
            ax.set_title(titles[i], fontsize=10)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_matrix(matrix, title=None, ax=None, fmt="{:g}", cmap="viridis"):
    """Draw a small 2-D tensor as a heat map with every value written in its cell."""
    matrix = torch.as_tensor(matrix).detach().cpu().float()
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * matrix.shape[1] + 1, 0.5 * matrix.shape[0] + 1))
    shown = ax.imshow(matrix.numpy(), cmap=cmap)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix[i, j].item()
            # dark text on bright cells, light text on dark ones
            brightness = sum(shown.cmap(shown.norm(value))[:3]) / 3
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8,
                    color="black" if brightness > 0.5 else "white")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def show_matrices(matrices: dict, size=3.0, fmt="{:g}", cmap="viridis"):
    """Heat maps of several small 2-D tensors side by side, keyed by title; returns the figure."""
    fig, axes = plt.subplots(1, len(matrices), figsize=(size * len(matrices), size), squeeze=False)
    for ax, (title, matrix) in zip(axes[0], matrices.items()):
        show_matrix(matrix, title=title, ax=ax, fmt=fmt, cmap=cmap)
    fig.tight_layout()
    return fig


def overlay_segmentation(image, mask, palette, alpha=0.5, ignore_index=255, background=0):
    """Colour each class of an (H, W) integer mask over a [0, 1] image; `palette` is a list of RGB triples.

    Background and void pixels keep the photo as it is (pass background=None to colour class 0 too).
    """
    mask = torch.as_tensor(mask)
    classes = [c for c in mask.unique().tolist() if c not in (ignore_index, background)]
    if not classes:
        return to_uint8(image)
    masks = torch.stack([mask == c for c in classes])
    colors = [tuple(palette[c]) for c in classes]
    return draw_segmentation_masks(to_uint8(image), masks, alpha=alpha, colors=colors)


def draw_boxes(image, boxes, labels=None, colors="yellow", width=2):
    """Draw xyxy pixel boxes (and their labels) on a [0, 1] or uint8 image; returns a uint8 (3, H, W) tensor."""
    boxes = torch.as_tensor(boxes, dtype=torch.float).reshape(-1, 4)
    if len(boxes) == 0:  # torchvision warns on an empty list; nothing to draw is a normal case here
        return to_uint8(image)
    return draw_bounding_boxes(to_uint8(image), boxes, labels=labels, colors=colors, width=width)


def plot_history(history, title="training loss", ax=None, log=False):
    """Plot one loss curve (a list) or several (a dict name -> list)."""
    curves = history if isinstance(history, dict) else {"loss": history}
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    for name, values in curves.items():
        ax.plot(values, label=name)
    ax.set_xlabel("step")
    ax.set_title(title)
    if log:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    return ax
