"""Tests for helpers.voc: the offline VOC set must read like the real one."""

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import binary_erosion
from torchvision.datasets import VOCDetection, VOCSegmentation

from helpers.voc import VOC_CLASSES, default_cache_dir, find_voc_root, make_offline_voc, voc_colormap

NUM_TRAIN, NUM_VAL, IMAGE_SIZE = 6, 3, (96, 72)


@pytest.fixture(scope="module")
def voc_root(tmp_path_factory):
    """Generate one small offline set for the read-only tests."""
    return make_offline_voc(tmp_path_factory.mktemp("voc"), NUM_TRAIN, NUM_VAL, IMAGE_SIZE)


def read_labels(path):
    """Read a palette PNG's label values as an array."""
    with Image.open(path) as mask:
        return np.array(mask)


def all_files(root):
    """Map each generated file's relative path to its bytes."""
    return {path.relative_to(root): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_voc_classes_and_colormap():
    assert len(VOC_CLASSES) == 21 and VOC_CLASSES[0] == "background" and VOC_CLASSES[-1] == "tvmonitor"
    palette = voc_colormap()
    assert len(palette) == 768
    assert palette[0:3] == [0, 0, 0]
    assert palette[3:6] == [128, 0, 0]  # aeroplane
    assert palette[15 * 3:16 * 3] == [192, 128, 128]  # person
    assert palette[255 * 3:] == [224, 224, 192]  # void


@pytest.mark.parametrize("image_set, length", [("train", NUM_TRAIN), ("val", NUM_VAL)])
def test_segmentation_reads_with_torchvision(voc_root, image_set, length):
    dataset = VOCSegmentation(voc_root, year="2012", image_set=image_set, download=False)
    assert len(dataset) == length
    for image, mask in dataset:
        assert image.mode == "RGB" and image.size == IMAGE_SIZE
        assert mask.mode == "P" and mask.size == IMAGE_SIZE
        assert mask.getpalette() == voc_colormap()
        values = set(np.unique(np.asarray(mask)).tolist())
        assert values <= set(range(21)) | {255}
        assert 255 in values
        assert values - {0, 255}, "no object class in the mask"


def test_void_band_is_a_few_pixels_wide(voc_root):
    dataset = VOCSegmentation(voc_root, year="2012", image_set="train", download=False)
    for _, mask in dataset:
        labels = np.asarray(mask)
        void = labels == 255
        # A thin outline like real VOC's: apart from sharp tips and slivers,
        # nothing of it is 5 px wide.
        assert void.any()
        assert binary_erosion(void, np.ones((3, 3)), iterations=2).sum() < 0.1 * void.sum()
        # Every labelled neighbour pair across a void-free edge has the same class.
        horizontal = (labels[:, 1:] != labels[:, :-1]) & ~void[:, 1:] & ~void[:, :-1]
        vertical = (labels[1:] != labels[:-1]) & ~void[1:] & ~void[:-1]
        assert not horizontal.any() and not vertical.any()


def test_detection_boxes_match_object_masks(voc_root):
    dataset = VOCDetection(voc_root, year="2012", image_set="train", download=False)
    voc_dir = voc_root / "VOCdevkit" / "VOC2012"
    for index, (image, target) in enumerate(dataset):
        annotation = target["annotation"]
        image_id = annotation["filename"].removesuffix(".jpg")
        assert annotation["size"] == {"width": str(image.width), "height": str(image.height), "depth": "3"}
        objects = read_labels(voc_dir / "SegmentationObject" / f"{image_id}.png")
        classes = read_labels(voc_dir / "SegmentationClass" / f"{image_id}.png")
        instance_ids = set(np.unique(objects).tolist()) - {0, 255}
        assert instance_ids == set(range(1, len(annotation["object"]) + 1))
        for instance_id, entry in enumerate(annotation["object"], start=1):
            rows, cols = np.nonzero(objects == instance_id)
            box = {key: int(value) for key, value in entry["bndbox"].items()}
            assert box == {"xmin": cols.min() + 1, "ymin": rows.min() + 1, "xmax": cols.max() + 1, "ymax": rows.max() + 1}
            class_ids = np.unique(classes[rows, cols])
            assert class_ids.tolist() == [VOC_CLASSES.index(entry["name"])]


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    first = all_files(make_offline_voc(tmp_path / "a", 4, 2, IMAGE_SIZE, seed=3))
    second = all_files(make_offline_voc(tmp_path / "b", 4, 2, IMAGE_SIZE, seed=3))
    other = all_files(make_offline_voc(tmp_path / "c", 4, 2, IMAGE_SIZE, seed=4))
    assert first == second
    jpegs = [path for path in first if path.suffix == ".jpg"]
    assert len(jpegs) == 6
    assert all(first[path] != other[path] for path in jpegs)


def test_second_call_does_not_rewrite(tmp_path):
    root = make_offline_voc(tmp_path, 2, 1, IMAGE_SIZE)
    before = {path: path.stat().st_mtime_ns for path in root.rglob("*")}
    assert make_offline_voc(tmp_path, 2, 1, IMAGE_SIZE) == root
    assert {path: path.stat().st_mtime_ns for path in root.rglob("*")} == before


def test_other_parameters_regenerate(tmp_path):
    make_offline_voc(tmp_path, 2, 1, IMAGE_SIZE)
    make_offline_voc(tmp_path, 3, 1, IMAGE_SIZE)
    assert len(VOCSegmentation(tmp_path, year="2012", image_set="train")) == 3


def test_refuses_to_overwrite_a_foreign_voc_folder(tmp_path):
    (tmp_path / "VOCdevkit" / "VOC2012" / "JPEGImages").mkdir(parents=True)
    with pytest.raises(FileExistsError):
        make_offline_voc(tmp_path, 2, 1, IMAGE_SIZE)


def test_images_are_textured_not_flat(voc_root):
    for path in VOCSegmentation(voc_root, year="2012", image_set="val").images:
        with Image.open(path) as image:
            pixels = np.asarray(image, dtype=np.float32)
        assert pixels.std() > 20
        # Within the background too, not only between objects and background.
        assert pixels[:8, :8].std() + pixels[-8:, -8:].std() > 2


def test_find_voc_root_fast_generates_offline_set(tmp_path):
    root = find_voc_root("fast", root=tmp_path)
    assert root == tmp_path
    assert len(VOCSegmentation(root, year="2012", image_set="trainval")) == 40 + 16


def test_find_voc_root_full_without_data_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        find_voc_root("full", root=tmp_path, download=False)
    message = str(error.value)
    assert str(tmp_path / "VOCdevkit" / "VOC2012" / "JPEGImages") in message
    assert "VOCtrainval_11-May-2012.tar" in message
    assert "CV_SEMINAR_MODE=fast" in message


def test_find_voc_root_full_accepts_extracted_voc(tmp_path):
    (tmp_path / "VOCdevkit" / "VOC2012" / "JPEGImages").mkdir(parents=True)
    assert find_voc_root("full", root=tmp_path) == tmp_path


def test_find_voc_root_full_rejects_the_offline_set(tmp_path):
    make_offline_voc(tmp_path, 2, 1, IMAGE_SIZE)
    with pytest.raises(FileNotFoundError):
        find_voc_root("full", root=tmp_path)


def test_find_voc_root_rejects_unknown_mode(tmp_path):
    with pytest.raises(ValueError):
        find_voc_root("quick", root=tmp_path)


def test_default_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CV_SEMINAR_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("CV_SEMINAR_CACHE")
    assert default_cache_dir().parts[-2:] == (".cache", "cv-seminar")


def test_find_voc_root_full_reports_a_failed_download(monkeypatch, tmp_path):
    def unreachable(*args, **kwargs):
        raise OSError("host unreachable")

    monkeypatch.setattr("helpers.voc.download_voc", unreachable)
    with pytest.raises(FileNotFoundError, match="host unreachable") as error:
        find_voc_root("full", root=tmp_path, download=True)
    assert "VOCtrainval_11-May-2012.tar" in str(error.value)


def test_find_voc_root_fast_keeps_each_size_in_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CV_SEMINAR_CACHE", str(tmp_path))
    small = find_voc_root("fast", num_train=4, num_val=2, image_size=(64, 48))
    large = find_voc_root("fast", num_train=6, num_val=2, image_size=(64, 48))
    assert small != large and small.parent == large.parent == tmp_path / "offline-voc"
    assert len(VOCSegmentation(small, image_set="train")) == 4  # the larger set did not overwrite it
    assert len(VOCSegmentation(large, image_set="train")) == 6
