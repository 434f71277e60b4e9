"""PASCAL VOC 2012 for the notebooks: the real data set, or an offline stand-in.

The real VOC 2012 (2 GB) cannot always be downloaded: its host is often down
and course machines may have no internet at all. `make_offline_voc` therefore
writes a small, deterministic stand-in in the exact VOC folder layout
(``VOCdevkit/VOC2012/JPEGImages``, ``SegmentationClass``, ``Annotations``, ...),
built from the real photos and textures that ship with ``skimage.data``.

It is made to need what real VOC needs. An object's class is its silhouette (ten
classes, skimage's real horse among them), never its colour: every object is
filled with a photo or texture crop chosen whatever its class and sits on a real
photo. Objects vary 6x in size and from 1:3 to 3:1 in shape, overlap, are cut by
the border, and carry honest ``truncated``/``difficult`` flags; as in VOC,
difficult objects are void in the masks.

`find_voc_root` returns a folder that ``torchvision.datasets.VOCSegmentation``
and ``VOCDetection`` read with ``download=False``: the offline set in "fast"
mode, the real one in "full" mode (downloaded from the mirrors listed in
`helpers.download`). The notebooks use the same torchvision classes for both,
so fast mode exercises the real loading code.
"""

import json
import os
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .cache import default_cache_dir
from .download import download_voc, manual_copy_instructions
from .images import read_rgb_array

VOC_CLASSES = (
    "background",
    "aeroplane", "bicycle", "bird", "boat", "bottle",
    "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person",
    "pottedplant", "sheep", "sofa", "train", "tvmonitor",
)

VOID = 255

# The offline set: ten classes, each defined by its SHAPE only. Every object is filled with a photo or texture crop
# drawn independently of its class, on a real photo, so colour alone cannot tell the classes apart (tests/test_voc.py
# trains a per-pixel colour classifier to show it). Silhouettes are drawn in a unit box: (kind, coordinates) parts,
# x to the right and y down, plus skimage's real horse silhouette; the number is the class's usual width/height.
_SILHOUETTES = {
    "aeroplane": (2.2, [("ellipse", (0.0, 0.38, 1.0, 0.62)), ("polygon", [(0.0, 0.5), (0.14, 0.45), (0.06, 0.0), (0.0, 0.0)]),
                        ("polygon", [(0.38, 0.5), (0.62, 0.5), (0.42, 1.0), (0.3, 1.0)]),
                        ("polygon", [(0.4, 0.45), (0.58, 0.45), (0.44, 0.18), (0.36, 0.18)])]),
    "bird": (1.3, [("ellipse", (0.2, 0.35, 0.85, 0.78)), ("ellipse", (0.68, 0.18, 0.94, 0.5)),
                   ("polygon", [(0.92, 0.28), (1.0, 0.36), (0.92, 0.42)]), ("polygon", [(0.28, 0.52), (0.0, 0.3), (0.0, 0.72)]),
                   ("polygon", [(0.35, 0.5), (0.6, 0.5), (0.38, 0.0)])]),
    "boat": (1.3, [("polygon", [(0.0, 0.68), (1.0, 0.68), (0.84, 1.0), (0.16, 1.0)]), ("rectangle", (0.47, 0.0, 0.53, 0.7)),
                   ("polygon", [(0.53, 0.04), (0.53, 0.64), (0.92, 0.64)]), ("polygon", [(0.47, 0.12), (0.47, 0.64), (0.14, 0.64)])]),
    "bottle": (0.36, [("rectangle", (0.08, 0.38, 0.92, 1.0)), ("ellipse", (0.08, 0.24, 0.92, 0.52)),
                      ("rectangle", (0.34, 0.0, 0.66, 0.34))]),
    "car": (2.2, [("rectangle", (0.0, 0.38, 1.0, 0.8)), ("polygon", [(0.18, 0.4), (0.3, 0.04), (0.68, 0.04), (0.84, 0.4)]),
                  ("ellipse", (0.1, 0.58, 0.32, 1.0)), ("ellipse", (0.68, 0.58, 0.9, 1.0))]),
    "cat": (0.9, [("ellipse", (0.12, 0.38, 0.82, 1.0)), ("ellipse", (0.26, 0.08, 0.7, 0.5)),
                  ("polygon", [(0.27, 0.24), (0.3, 0.0), (0.44, 0.12)]), ("polygon", [(0.52, 0.12), (0.66, 0.0), (0.69, 0.24)]),
                  ("polygon", [(0.74, 0.9), (1.0, 0.46), (0.94, 0.42), (0.7, 0.8)])]),
    "chair": (0.6, [("rectangle", (0.0, 0.52, 1.0, 0.64)), ("rectangle", (0.72, 0.0, 0.92, 0.6)),
                    ("rectangle", (0.02, 0.6, 0.16, 1.0)), ("rectangle", (0.76, 0.6, 0.9, 1.0))]),
    "horse": (1.2, "skimage.data.horse"),
    "person": (0.42, [("ellipse", (0.3, 0.0, 0.7, 0.18)), ("rectangle", (0.14, 0.2, 0.86, 0.6)),
                      ("rectangle", (0.18, 0.58, 0.46, 1.0)), ("rectangle", (0.54, 0.58, 0.82, 1.0))]),
    "tvmonitor": (1.3, [("rectangle", (0.0, 0.0, 1.0, 0.8)), ("rectangle", (0.42, 0.78, 0.58, 0.92)),
                        ("rectangle", (0.24, 0.9, 0.76, 1.0))]),
}
_MARKER = ".offline_voc.json"
_FORMAT_VERSION = 2
_JPEG_QUALITY = 90
_MAX_OBJECTS = 4
_SIZE_RANGE = (0.14, 0.9)          # an object's sqrt(width * height) as a fraction of the image height: 6.4x
_MAX_ASPECT_JITTER = 0.45          # log-uniform stretch of the class's usual width/height, kept within 1:3 .. 3:1
_MAX_CUT = 0.35                    # at most this fraction of an object's width (height) lies outside the image
_MIN_VISIBLE_FRACTION = 0.2        # layouts hiding more of an object than this are drawn again
_DIFFICULT_FRACTION = 0.45         # less visible than this (occluded or cut by the border): "difficult"
_DIFFICULT_AREA = 0.004            # or fewer visible pixels than this fraction of the image: "difficult"
_MAX_LAYOUT_TRIES = 100


def voc_colormap():
    """Return the standard VOC palette as 768 ints (256 RGB triples)."""
    palette = []
    for index in range(256):
        red = green = blue = 0
        bits = index
        # The label's bits are spread over the colour's high bits, three at a time.
        for shift in range(7, -1, -1):
            red |= (bits & 1) << shift
            green |= ((bits >> 1) & 1) << shift
            blue |= ((bits >> 2) & 1) << shift
            bits >>= 3
        palette += [red, green, blue]
    return palette


def find_voc_root(mode, root=None, download=False, **offline):
    """Return a folder holding VOCdevkit/VOC2012 for torchvision's VOC classes.

    mode "fast": the offline set, generated on first use, in root or the cache;
    `offline` are make_offline_voc's size arguments (each size has its own folder).
    mode "full": the real VOC 2012 in root (default: the cache's voc/), downloaded
    first when download is True (mirrors in order, md5 checked); FileNotFoundError
    says what to do when it is missing.
    """
    if mode == "fast":
        if root is None:
            root = default_cache_dir() / "offline-voc" / _offline_folder_name(**offline)
        return make_offline_voc(root, **offline)
    if mode != "full":
        raise ValueError(f"mode must be 'fast' or 'full', not {mode!r}")
    root = Path(root) if root is not None else default_cache_dir() / "voc"
    if _is_real_voc(root):
        return root
    failure = None
    if download:
        try:
            download_voc(root, "2012")
        except OSError as error:  # every mirror down or wrong, no network, full disk ...
            failure = error
        if failure is None and _is_real_voc(root):
            return root
    raise FileNotFoundError(_missing_voc_message(root, failure)) from failure


def make_offline_voc(root, num_train=40, num_val=16, image_size=(160, 120), seed=0):
    """Write the offline VOC stand-in under root/VOCdevkit/VOC2012 and return root.

    image_size is (width, height). The same arguments give byte-identical
    files; a folder already generated with them is left untouched.
    """
    root = Path(root)
    voc_dir = root / "VOCdevkit" / "VOC2012"
    params = {
        "format": _FORMAT_VERSION,
        "num_train": num_train,
        "num_val": num_val,
        "image_size": list(image_size),
        "seed": seed,
    }
    recorded = _read_marker(voc_dir)
    if recorded == params:
        return root
    if voc_dir.exists() and recorded is None:
        raise FileExistsError(f"{voc_dir} exists and was not made by make_offline_voc; not overwriting it")
    voc_dir.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and rename at the end, so that an interrupted
    # run never leaves a half-written set that looks complete.
    staging = voc_dir.with_name(f".VOC2012-partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        _write_offline_voc(staging, num_train, num_val, tuple(image_size), seed)
        (staging / _MARKER).write_text(json.dumps(params, sort_keys=True) + "\n")
        if _read_marker(voc_dir) == params:  # another process (a parallel notebook) made it meanwhile
            return root
        if voc_dir.exists():
            shutil.rmtree(voc_dir)
        staging.rename(voc_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _offline_folder_name(num_train=40, num_val=16, image_size=(160, 120), seed=0):
    """One cache folder per set of offline arguments, so notebooks with different sizes never clash."""
    width, height = image_size
    return f"v{_FORMAT_VERSION}-train{num_train}-val{num_val}-{width}x{height}-seed{seed}"


def _is_real_voc(root):
    """Tell whether root holds an extracted VOC 2012 that is not the offline set."""
    voc_dir = Path(root) / "VOCdevkit" / "VOC2012"
    return (voc_dir / "JPEGImages").is_dir() and not (voc_dir / _MARKER).exists()


def _missing_voc_message(root, failure):
    """Explain how to get the real VOC 2012 into root, or to use fast mode."""
    expected = Path(root) / "VOCdevkit" / "VOC2012" / "JPEGImages"
    lines = [f"PASCAL VOC 2012 not found: expected the folder {expected}"]
    if failure is not None:
        lines.append(f"The download failed: {failure}")
    lines += manual_copy_instructions(root, "2012")
    lines += [
        f"({expected} must exist afterwards.)",
        "Or set CV_SEMINAR_MODE=fast to use the small generated offline set instead.",
    ]
    return "\n".join(lines)


def _read_marker(voc_dir):
    """Return the parameters recorded in voc_dir's marker file, or None."""
    try:
        return json.loads((voc_dir / _MARKER).read_text())
    except (OSError, ValueError):
        return None


def _write_offline_voc(voc_dir, num_train, num_val, image_size, seed):
    """Write every image, mask, annotation and image-set list into voc_dir."""
    for folder in ("JPEGImages", "SegmentationClass", "SegmentationObject", "Annotations"):
        (voc_dir / folder).mkdir()
    ids = [f"2012_{index:06d}" for index in range(num_train + num_val)]
    present = []
    for index, image_id in enumerate(ids):
        # One generator per image: image i stays the same whatever the set sizes.
        rng = np.random.default_rng([seed, index])
        image, instances, objects = _render_sample(rng, image_size)
        _write_sample(voc_dir, image_id, image, instances, objects)
        present.append({item.name for item in objects})
    splits = {"train": range(num_train), "val": range(num_train, num_train + num_val)}
    splits["trainval"] = range(num_train + num_val)
    _write_image_sets(voc_dir, ids, present, splits)


def _write_sample(voc_dir, image_id, image, instances, objects):
    """Write one sample's JPEG, class and object masks, and XML annotation; difficult objects are void, as in VOC."""
    class_ids = [VOC_CLASSES.index(item.name) for item in objects]
    classes = np.array([0, *class_ids], dtype=np.uint8)[instances]
    void = _void_band(instances)
    for instance_id, item in enumerate(objects, start=1):
        void |= item.difficult & (instances == instance_id)
    classes[void] = VOID
    object_map = np.where(void, VOID, instances).astype(np.uint8)
    Image.fromarray(image).save(voc_dir / "JPEGImages" / f"{image_id}.jpg", quality=_JPEG_QUALITY)
    _save_palette_png(classes, voc_dir / "SegmentationClass" / f"{image_id}.png")
    _save_palette_png(object_map, voc_dir / "SegmentationObject" / f"{image_id}.png")
    _annotation_xml(image_id, image.shape, instances, objects).write(voc_dir / "Annotations" / f"{image_id}.xml")


def _write_image_sets(voc_dir, ids, present, splits):
    """Write ImageSets/Segmentation and ImageSets/Main, per-class lists included."""
    segmentation_dir = voc_dir / "ImageSets" / "Segmentation"
    main_dir = voc_dir / "ImageSets" / "Main"
    segmentation_dir.mkdir(parents=True)
    main_dir.mkdir(parents=True)
    for split, indices in splits.items():
        listing = "".join(f"{ids[index]}\n" for index in indices)
        (segmentation_dir / f"{split}.txt").write_text(listing)
        (main_dir / f"{split}.txt").write_text(listing)
        for name in VOC_CLASSES[1:]:
            # VOC's per-class lists mark each image 1 (class present) or -1.
            rows = "".join(f"{ids[index]} {1 if name in present[index] else -1:2d}\n" for index in indices)
            (main_dir / f"{name}_{split}.txt").write_text(rows)


def _save_palette_png(labels, path):
    """Save a label array as a VOC-style palette ("P" mode) PNG."""
    mask = Image.fromarray(labels)
    mask.putpalette(voc_colormap())  # turns the "L" image into a "P" one
    mask.save(path)


def _annotation_xml(image_id, image_shape, instances, objects):
    """Build the VOC XML annotation: each box is the tight box of its object's visible pixels."""
    height, width, depth = image_shape
    annotation = ET.Element("annotation")
    _add_fields(annotation, folder="VOC2012", filename=f"{image_id}.jpg")
    source = ET.SubElement(annotation, "source")
    _add_fields(source, database="Offline VOC2012 stand-in", annotation="helpers.voc", image="skimage.data")
    _add_fields(ET.SubElement(annotation, "size"), width=width, height=height, depth=depth)
    _add_fields(annotation, segmented=1)
    for instance_id, item in enumerate(objects, start=1):
        rows, cols = np.nonzero(instances == instance_id)
        # VOC boxes are 1-based and inclusive.
        box = {"xmin": cols.min() + 1, "ymin": rows.min() + 1, "xmax": cols.max() + 1, "ymax": rows.max() + 1}
        element = ET.SubElement(annotation, "object")
        _add_fields(element, name=item.name, pose="Unspecified", truncated=int(item.truncated),
                    difficult=int(item.difficult))
        _add_fields(ET.SubElement(element, "bndbox"), **box)
    tree = ET.ElementTree(annotation)
    ET.indent(tree, space="\t")
    return tree


def _add_fields(parent, **fields):
    """Add one text child to parent per keyword, in order."""
    for tag, value in fields.items():
        ET.SubElement(parent, tag).text = str(value)


@dataclass(frozen=True)
class _Object:
    """One drawn object: its class name and VOC's flags."""

    name: str
    truncated: bool   # part of it lies outside the image
    difficult: bool   # mostly hidden (occluded or cut) or tiny


def _render_sample(rng, image_size):
    """Return an RGB image, its instance map (0 = background, later objects in front) and its objects."""
    image = _crop(rng, _pick(rng, _photos()), image_size)
    width, height = image_size
    for _ in range(_MAX_LAYOUT_TRIES):
        names = [_pick(rng, tuple(_SILHOUETTES)) for _ in range(rng.integers(1, _MAX_OBJECTS + 1))]
        placed = [_place(rng, name, image_size) for name in names]
        instances = np.zeros((height, width), dtype=np.uint8)
        for instance_id, (mask, _) in enumerate(placed, start=1):
            instances[mask] = instance_id
        shown = [(instances == i).sum() / full for i, (_, full) in enumerate(placed, start=1)]
        if min(shown) >= _MIN_VISIBLE_FRACTION:
            break
    else:
        raise ValueError(f"image_size {image_size} is too small to place the offline objects")
    objects = []
    for instance_id, (name, (mask, full), fraction) in enumerate(zip(names, placed, shown), start=1):
        image[mask] = _fill(rng, image_size)[mask]
        visible = (instances == instance_id).sum()
        objects.append(_Object(name, truncated=bool(mask.sum() < full), difficult=bool(
            fraction < _DIFFICULT_FRACTION or visible < _DIFFICULT_AREA * width * height)))
    return image, instances, objects


def _place(rng, name, image_size):
    """Draw one object of class `name` at a random size, stretch and place; return its mask and full pixel count."""
    width, height = image_size
    aspect = _SILHOUETTES[name][0] * np.exp(rng.uniform(-_MAX_ASPECT_JITTER, _MAX_ASPECT_JITTER))
    aspect = float(np.clip(aspect, 1 / 3, 3))
    size = height * rng.uniform(*_SIZE_RANGE)
    box_width, box_height = max(4, round(size * np.sqrt(aspect))), max(4, round(size / np.sqrt(aspect)))
    silhouette = _silhouette(name, box_width, box_height, flip=bool(rng.random() < 0.5))
    # Up to a third of an object may fall outside the image: VOC's "truncated".
    left = round(rng.uniform(-_MAX_CUT * box_width, max(-_MAX_CUT * box_width, width - (1 - _MAX_CUT) * box_width)))
    top = round(rng.uniform(-_MAX_CUT * box_height, max(-_MAX_CUT * box_height, height - (1 - _MAX_CUT) * box_height)))
    mask = np.zeros((height, width), dtype=bool)
    rows = slice(max(top, 0), min(top + box_height, height))
    cols = slice(max(left, 0), min(left + box_width, width))
    mask[rows, cols] = silhouette[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left]
    return mask, int(silhouette.sum())


def _silhouette(name, box_width, box_height, flip):
    """Rasterise class `name`'s silhouette into a (box_height, box_width) boolean mask, mirrored when flip."""
    parts = _SILHOUETTES[name][1]
    if isinstance(parts, str):  # a real silhouette: skimage's horse
        picture = Image.fromarray(_horse_mask()).resize((box_width, box_height), Image.Resampling.BILINEAR)
        mask = np.asarray(picture) >= 128
        return mask[:, ::-1] if flip else mask
    canvas = Image.new("L", (box_width, box_height), 0)
    draw = ImageDraw.Draw(canvas)

    def point(x, y):
        return ((1 - x) if flip else x) * (box_width - 1), y * (box_height - 1)

    for kind, coordinates in parts:
        if kind == "polygon":
            draw.polygon([point(x, y) for x, y in coordinates], fill=1)
        else:
            (x0, y0), (x1, y1) = sorted([point(*coordinates[:2]), point(*coordinates[2:])])
            y0, y1 = sorted((y0, y1))
            (draw.ellipse if kind == "ellipse" else draw.rectangle)((x0, y0, x1, y1), fill=1)
    return np.asarray(canvas, dtype=bool)


@lru_cache(maxsize=1)
def _horse_mask():
    """skimage's horse silhouette (black on white in the file), cropped to the horse, as uint8 0/255."""
    import skimage.data

    horse = ~np.asarray(skimage.data.horse(), dtype=bool)
    rows, cols = np.nonzero(horse)
    return (horse[rows.min():rows.max() + 1, cols.min():cols.max() + 1] * 255).astype(np.uint8)


def _void_band(instances):
    """Return VOC's "void" band: about 3 px along every object outline."""
    height, width = instances.shape
    padded = np.pad(instances, 1, mode="edge")
    differs = np.zeros(instances.shape, dtype=bool)
    for dy, dx in ((0, 1), (1, 0), (1, 2), (2, 1)):
        differs |= padded[dy:dy + height, dx:dx + width] != instances
    outline = np.pad(differs & (instances > 0), 1)
    shifts = [outline[dy:dy + height, dx:dx + width] for dy in range(3) for dx in range(3)]
    return np.logical_or.reduce(shifts)


def _fill(rng, image_size):
    """Return a photo crop or a randomly tinted texture, chosen whatever the object's class, as uint8 RGB."""
    if rng.random() < 0.5:
        picture = _crop(rng, _pick(rng, _photos()), image_size)
        return picture[..., rng.permutation(3)]  # shuffled channels: a photo's colours say nothing of the class
    texture = _crop(rng, _pick(rng, _grey_textures()), image_size).mean(axis=2, keepdims=True) / 255.0
    tint = rng.uniform(40, 255, size=3)
    return ((0.3 + 0.7 * texture) * tint).astype(np.uint8)


def _pick(rng, pictures):
    """Return one of the pictures at random."""
    return pictures[rng.integers(len(pictures))]


def _crop(rng, picture, image_size):
    """Cut a random crop with the image's aspect ratio and resize it to image_size."""
    width, height = image_size
    full_height, full_width = picture.shape[:2]
    scale = rng.uniform(0.4, 1.0) * min(full_width / width, full_height / height)
    crop_width, crop_height = int(width * scale), int(height * scale)
    left = rng.integers(full_width - crop_width + 1)
    top = rng.integers(full_height - crop_height + 1)
    crop = Image.fromarray(picture[top:top + crop_height, left:left + crop_width])
    if rng.random() < 0.5:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return np.array(crop.resize(image_size, Image.Resampling.BILINEAR))


@lru_cache(maxsize=1)
def _photos():
    """Return the colour photos of skimage.data used as backgrounds and fills, as RGB arrays."""
    photos = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry")
    return tuple(read_rgb_array(name) for name in photos)


@lru_cache(maxsize=1)
def _grey_textures():
    """Return skimage's grey textures (brick, grass, gravel, ...) as RGB arrays."""
    return tuple(read_rgb_array(name) for name in ("brick", "grass", "gravel", "camera", "moon", "coins"))
