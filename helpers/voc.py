"""PASCAL VOC 2012 for the notebooks: the real data set, or an offline stand-in.

The real VOC 2012 (2 GB) cannot always be downloaded: its host is often down
and course machines may have no internet at all. `make_offline_voc` therefore
writes a small, deterministic stand-in in the exact VOC folder layout
(``VOCdevkit/VOC2012/JPEGImages``, ``SegmentationClass``, ``Annotations``, ...),
built from the real photos and textures that ship with ``skimage.data``.

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

# The offline set uses six classes only, so that a tiny net trained for a few
# seconds learns them. Each class has its own shape and colour tint.
_OBJECT_STYLES = (
    ("aeroplane", "triangle", (230, 60, 50)),
    ("bird", "star", (240, 200, 40)),
    ("car", "rectangle", (60, 180, 70)),
    ("cat", "ellipse", (60, 200, 220)),
    ("dog", "diamond", (70, 90, 230)),
    ("person", "hexagon", (210, 70, 210)),
)
_MARKER = ".offline_voc.json"
_FORMAT_VERSION = 1
_JPEG_QUALITY = 90
_MAX_OBJECTS = 3
_MIN_VISIBLE_FRACTION = 0.5
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
    return f"train{num_train}-val{num_val}-{width}x{height}-seed{seed}"


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
        image, instances, class_ids = _render_sample(rng, image_size)
        _write_sample(voc_dir, image_id, image, instances, class_ids)
        present.append({VOC_CLASSES[class_id] for class_id in class_ids})
    splits = {"train": range(num_train), "val": range(num_train, num_train + num_val)}
    splits["trainval"] = range(num_train + num_val)
    _write_image_sets(voc_dir, ids, present, splits)


def _write_sample(voc_dir, image_id, image, instances, class_ids):
    """Write one sample's JPEG, class and object masks, and XML annotation."""
    classes = np.array([0, *class_ids], dtype=np.uint8)[instances]
    void = _void_band(instances)
    classes[void] = VOID
    objects = np.where(void, VOID, instances).astype(np.uint8)
    Image.fromarray(image).save(voc_dir / "JPEGImages" / f"{image_id}.jpg", quality=_JPEG_QUALITY)
    _save_palette_png(classes, voc_dir / "SegmentationClass" / f"{image_id}.png")
    _save_palette_png(objects, voc_dir / "SegmentationObject" / f"{image_id}.png")
    annotation = _annotation_xml(image_id, image.shape, objects, class_ids)
    annotation.write(voc_dir / "Annotations" / f"{image_id}.xml")


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


def _annotation_xml(image_id, image_shape, objects, class_ids):
    """Build the VOC XML annotation; each box is the tight box of its object's pixels."""
    height, width, depth = image_shape
    annotation = ET.Element("annotation")
    _add_fields(annotation, folder="VOC2012", filename=f"{image_id}.jpg")
    source = ET.SubElement(annotation, "source")
    _add_fields(source, database="Offline VOC2012 stand-in", annotation="helpers.voc", image="skimage.data")
    _add_fields(ET.SubElement(annotation, "size"), width=width, height=height, depth=depth)
    _add_fields(annotation, segmented=1)
    for instance_id, class_id in enumerate(class_ids, start=1):
        rows, cols = np.nonzero(objects == instance_id)
        # VOC boxes are 1-based and inclusive.
        box = {"xmin": cols.min() + 1, "ymin": rows.min() + 1, "xmax": cols.max() + 1, "ymax": rows.max() + 1}
        truncated = box["xmin"] == 1 or box["ymin"] == 1 or box["xmax"] == width or box["ymax"] == height
        element = ET.SubElement(annotation, "object")
        _add_fields(element, name=VOC_CLASSES[class_id], pose="Unspecified", truncated=int(truncated), difficult=0)
        _add_fields(ET.SubElement(element, "bndbox"), **box)
    tree = ET.ElementTree(annotation)
    ET.indent(tree, space="\t")
    return tree


def _add_fields(parent, **fields):
    """Add one text child to parent per keyword, in order."""
    for tag, value in fields.items():
        ET.SubElement(parent, tag).text = str(value)


def _render_sample(rng, image_size):
    """Return an RGB image, its instance map (0 = background) and class ids."""
    image = _crop(rng, _pick(rng, _backgrounds()), image_size)
    for _ in range(_MAX_LAYOUT_TRIES):
        masks, styles = _sample_layout(rng, image_size)
        instances = np.zeros(image.shape[:2], dtype=np.uint8)
        for instance_id, mask in enumerate(masks, start=1):
            instances[mask] = instance_id
        if _all_visible(instances, masks):
            break
    else:
        raise ValueError(f"image_size {image_size} is too small for objects with a void band")
    for mask, (_, _, tint) in zip(masks, styles):
        image[mask] = _tinted_texture(rng, tint, image_size)[mask]
    class_ids = [VOC_CLASSES.index(name) for name, _, _ in styles]
    return image, instances, class_ids


def _sample_layout(rng, image_size):
    """Draw 1 to 3 object masks with randomly chosen classes, sizes and places."""
    width, height = image_size
    count = rng.integers(1, _MAX_OBJECTS + 1)
    styles = [_OBJECT_STYLES[i] for i in rng.integers(len(_OBJECT_STYLES), size=count)]
    masks = []
    for _, shape, _ in styles:
        center = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.85) * height
        radii = rng.uniform(0.12, 0.3) * width, rng.uniform(0.15, 0.4) * height
        angle = rng.uniform(-0.35, 0.35)
        masks.append(_polygon_mask(_shape_polygon(shape, center, radii, angle), image_size))
    return masks, styles


def _all_visible(instances, masks):
    """Tell whether every object keeps enough pixels once the others and the void band cover it."""
    visible = np.where(_void_band(instances), 0, instances)
    return all((visible == i).sum() >= _MIN_VISIBLE_FRACTION * mask.sum() for i, mask in enumerate(masks, start=1))


def _shape_polygon(shape, center, radii, angle):
    """Return the corners of a shape as (x, y) points, rotated by angle (radians)."""
    corners, offset = {
        "triangle": (3, -np.pi / 2),
        "rectangle": (4, np.pi / 4),
        "diamond": (4, 0.0),
        "hexagon": (6, 0.0),
        "star": (10, -np.pi / 2),
        "ellipse": (48, 0.0),
    }[shape]
    theta = offset + 2 * np.pi * np.arange(corners) / corners
    scale = np.where(np.arange(corners) % 2, 0.45, 1.0) if shape == "star" else 1.0
    x = scale * np.cos(theta) * radii[0]
    y = scale * np.sin(theta) * radii[1]
    cos, sin = np.cos(angle), np.sin(angle)
    return [(center[0] + cos * a - sin * b, center[1] + sin * a + cos * b) for a, b in zip(x, y)]


def _polygon_mask(points, image_size):
    """Rasterise a polygon into a boolean mask of the image's size."""
    canvas = Image.new("L", image_size, 0)
    ImageDraw.Draw(canvas).polygon([(float(x), float(y)) for x, y in points], fill=1)
    return np.asarray(canvas, dtype=bool)


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


def _tinted_texture(rng, tint, image_size):
    """Return a grey texture crop coloured with a class's tint, as uint8 RGB."""
    texture = _crop(rng, _pick(rng, _grey_textures()), image_size).mean(axis=2) / 255.0
    shade = 0.3 + 0.7 * texture[..., None]
    return (shade * np.array(tint)).astype(np.uint8)


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
def _backgrounds():
    """Return the skimage photos and textures used as backgrounds, as RGB arrays."""
    photos = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field")
    return tuple(read_rgb_array(name) for name in photos) + _grey_textures()


@lru_cache(maxsize=1)
def _grey_textures():
    """Return skimage's grey textures (brick, grass, gravel, ...) as RGB arrays."""
    return tuple(read_rgb_array(name) for name in ("brick", "grass", "gravel", "camera", "moon"))
