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
    for (_, mask), (_, target) in zip(dataset, VOCDetection(voc_root, year="2012", image_set="train")):
        labels = np.asarray(mask)
        void = labels == 255
        for entry in target["annotation"]["object"]:
            if entry["difficult"] == "1":  # wholly void, as in VOC: not part of the outline band
                box = {key: int(value) for key, value in entry["bndbox"].items()}
                void[box["ymin"] - 1:box["ymax"], box["xmin"] - 1:box["xmax"]] = False
        # A thin outline like real VOC's: apart from sharp tips and slivers,
        # nothing of it is 5 px wide.
        assert void.any()
        assert binary_erosion(void, np.ones((3, 3)), iterations=2).sum() < 0.1 * void.sum()
        # Every labelled neighbour pair across a void-free edge has the same class.
        void = labels == 255
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
        entries = annotation["object"]
        shown = {i for i, entry in enumerate(entries, start=1) if entry["difficult"] == "0"}
        # As in VOC, difficult objects are void in the masks; every other object has its own id.
        assert set(np.unique(objects).tolist()) - {0, 255} == shown
        for instance_id, entry in enumerate(entries, start=1):
            box = {key: int(value) for key, value in entry["bndbox"].items()}
            assert 1 <= box["xmin"] <= box["xmax"] <= image.width and 1 <= box["ymin"] <= box["ymax"] <= image.height
            window = (slice(box["ymin"] - 1, box["ymax"]), slice(box["xmin"] - 1, box["xmax"]))
            if instance_id not in shown:
                assert (objects[window] == 255).any()
                continue
            rows, cols = np.nonzero(objects == instance_id)
            # The box is the tight box of the object's visible pixels; the void band may cover its edges.
            inside = np.zeros_like(objects, dtype=bool)
            inside[window] = True
            assert inside[rows, cols].all()
            edges = [objects[window][0], objects[window][-1], objects[window][:, 0], objects[window][:, -1]]
            assert all(((edge == instance_id) | (edge == 255)).any() for edge in edges)
            assert np.unique(classes[rows, cols]).tolist() == [VOC_CLASSES.index(entry["name"])]


@pytest.fixture(scope="module")
def larger_set(tmp_path_factory):
    """A set big enough for statistics: 120 training and 60 validation images of 96x72."""
    return make_offline_voc(tmp_path_factory.mktemp("voc-large"), 120, 60, IMAGE_SIZE, seed=1)


def annotations(root, image_set):
    """Every object entry of a split, with the image size."""
    dataset = VOCDetection(root, year="2012", image_set=image_set, download=False)
    return [(image.size, entry) for image, target in dataset for entry in target["annotation"]["object"]]


def test_classes_scales_aspects_and_flags_vary_like_voc(larger_set):
    entries = annotations(larger_set, "train")
    names = {entry["name"] for _, entry in entries}
    assert len(names) >= 8 and names <= set(VOC_CLASSES[1:]) and "horse" in names
    boxes = [{k: int(v) for k, v in entry["bndbox"].items()} for _, entry in entries
             if entry["truncated"] == "0" and entry["difficult"] == "0"]
    sides = np.array([((b["xmax"] - b["xmin"] + 1) * (b["ymax"] - b["ymin"] + 1)) ** 0.5 for b in boxes])
    aspects = np.array([(b["xmax"] - b["xmin"] + 1) / (b["ymax"] - b["ymin"] + 1) for b in boxes])
    assert sides.max() >= 6 * sides.min(), "object scales should vary at least 6x"
    # Drawn between 1:3 and 3:1; an occluded object's visible box may be narrower.
    assert aspects.min() < 1 / 2 and aspects.max() > 2
    assert 1 / 3.3 <= np.percentile(aspects, 10) and np.percentile(aspects, 90) <= 3.3
    flags = [(entry["truncated"], entry["difficult"]) for _, entry in entries]
    assert {"0", "1"} <= {t for t, _ in flags} and {"0", "1"} <= {d for _, d in flags}
    per_image = [len(t["annotation"]["object"]) for _, t in VOCDetection(larger_set, image_set="train")]
    assert max(per_image) >= 3 and min(per_image) == 1


def test_truncated_objects_touch_the_border(larger_set):
    touching = {"0": [], "1": []}
    for (width, height), entry in annotations(larger_set, "train"):
        box = {k: int(v) for k, v in entry["bndbox"].items()}
        touching[entry["truncated"]].append(box["xmin"] == 1 or box["ymin"] == 1 or box["xmax"] == width
                                            or box["ymax"] == height)
    # A truncated object's visible part ends at the border unless another object hides that part.
    assert len(touching["1"]) >= 10 and np.mean(touching["1"]) > 0.8


def test_colour_alone_cannot_segment_it(larger_set):
    """A per-pixel colour classifier (a 1x1 conv on RGB, trained to convergence) stays at mIoU <= 0.35."""
    import torch
    import torch.nn.functional as F

    def pixels(image_set):
        dataset = VOCSegmentation(larger_set, image_set=image_set, download=False)
        colours = torch.cat([torch.from_numpy(np.array(image)).reshape(-1, 3) for image, _ in dataset]).float() / 255
        labels = torch.cat([torch.from_numpy(np.array(mask)).reshape(-1) for _, mask in dataset]).long()
        valid = labels != 255
        return colours[valid], labels[valid]

    def features(rgb):  # colour and its quadratic terms: a small non-linear colour rule
        return torch.cat([rgb, rgb ** 2, rgb.prod(1, keepdim=True)], dim=1)

    generator = torch.Generator().manual_seed(0)
    (train_x, train_y), (val_x, val_y) = pixels("train"), pixels("val")
    chosen = torch.randperm(len(train_y), generator=generator)[:40_000]
    train_x, train_y = features(train_x[chosen]), train_y[chosen]
    classifier = torch.nn.Linear(7, len(VOC_CLASSES))
    optimizer = torch.optim.LBFGS(classifier.parameters(), max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(classifier(train_x), train_y)
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        predicted = classifier(features(val_x)).argmax(1)
        train_accuracy = (classifier(train_x).argmax(1) == train_y).float().mean()
    ious = [((predicted == c) & (val_y == c)).sum().item() / ((predicted == c) | (val_y == c)).sum().item()
            for c in range(len(VOC_CLASSES)) if ((predicted == c) | (val_y == c)).any()]
    assert train_accuracy > 0.5, "the colour classifier did not even learn the background"
    print(f"colour-only classifier: train pixel accuracy {train_accuracy:.2f}, val mIoU {np.mean(ious):.3f}")
    assert np.mean(ious) <= 0.35, f"colour alone reaches mIoU {np.mean(ious):.2f}: classes must differ by shape"


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
    assert (root / "VOCdevkit" / "VOC2012" / "ImageSets" / "Main" / "horse_train.txt").exists()


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
