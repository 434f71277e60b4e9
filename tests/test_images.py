"""Loading images by skimage name or path, resizing, and converting back."""
import numpy as np
import pytest
import torch

from helpers import load_image, save_image, to_numpy_image, to_uint8


def test_skimage_name_gives_rgb_in_unit_range():
    image = load_image("chelsea")
    assert image.shape == (3, 300, 451) and image.dtype == torch.float32
    assert 0 <= image.min() and image.max() <= 1 and image.std() > 0.05


def test_grayscale_becomes_three_channels():
    image = load_image("camera", size=32)
    assert image.shape == (3, 32, 32)
    assert torch.equal(image[0], image[1])


def test_int_size_sets_longer_side_and_keeps_aspect():
    assert load_image("chelsea", size=90).shape == (3, 60, 90)


def test_tuple_size_is_exact():
    assert load_image("astronaut", size=(40, 24)).shape == (3, 40, 24)


def test_roundtrip_through_a_file(tmp_path):
    image = load_image("coffee", size=48)
    path = save_image(image, tmp_path / "coffee.png")
    again = load_image(path)
    assert torch.equal(to_uint8(again), to_uint8(image))


def test_unknown_name_says_what_exists():
    with pytest.raises(FileNotFoundError, match="astronaut"):
        load_image("mona_lisa")


def test_numpy_view_is_channels_last():
    assert to_numpy_image(torch.zeros(3, 4, 5)).shape == (4, 5, 3)
    assert to_numpy_image(torch.zeros(4, 5)).shape == (4, 5)


def test_to_numpy_image_reads_uint8_images_as_drawn_by_torchvision():
    image = torch.tensor([[[0, 128, 255]]], dtype=torch.uint8).expand(3, 1, 3)
    np.testing.assert_allclose(to_numpy_image(image)[0, :, 0], [0, 128 / 255, 1])
