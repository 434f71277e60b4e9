"""Shared style losses, resize-convolution and the checkerboard score behave as notebooks 02, 06 and 08 teach."""
import pytest
import torch
import torch.nn.functional as F

from helpers.artifacts import checkerboard_score
from helpers.layers import ResizeConv2d
from helpers.style import content_loss, gram_matrix, masked_gram_matrix, style_loss, total_variation_loss


def test_gram_matrix_is_normalised_channel_correlation():
    features = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    expected = torch.einsum("nchw,ndhw->ncd", features, features) / (3 * 4 * 5)
    torch.testing.assert_close(gram_matrix(features), expected)


def test_masked_gram_with_a_full_mask_is_the_gram_and_empty_mask_gives_zero():
    features = torch.randn(2, 3, 4, 6, dtype=torch.float64)
    mask = torch.ones(2, 1, 8, 12, dtype=torch.float64)
    mask[1] = 0
    gram = masked_gram_matrix(features, mask)
    torch.testing.assert_close(gram[0], gram_matrix(features)[0])
    assert torch.equal(gram[1], torch.zeros(3, 3, dtype=torch.float64))


def test_style_loss_weights_each_layer():
    generated = {"a": torch.randn(1, 2, 3, 3), "b": torch.randn(1, 4, 2, 2)}
    targets = {"a": torch.randn(1, 2, 2), "b": torch.randn(1, 4, 4)}
    expected = 0.5 * F.mse_loss(gram_matrix(generated["a"]), targets["a"]) + 2.0 * F.mse_loss(
        gram_matrix(generated["b"]), targets["b"])
    torch.testing.assert_close(style_loss(generated, targets, {"a": 0.5, "b": 2.0}), expected)
    torch.testing.assert_close(content_loss(generated["a"], generated["a"] + 1), torch.tensor(1.0))


def test_total_variation_of_a_ramp_counts_both_directions():
    ramp = torch.arange(4.0).view(1, 1, 1, 4).expand(1, 1, 3, 4)
    assert float(total_variation_loss(ramp)) == pytest.approx(1.0)  # 0 vertically + 1 horizontally
    assert float(total_variation_loss(ramp.transpose(-1, -2))) == pytest.approx(1.0)


def test_resize_conv_doubles_the_size_and_has_no_built_in_checkerboard():
    layer = ResizeConv2d(3, 5)
    assert layer(torch.randn(2, 3, 7, 9)).shape == (2, 5, 14, 18)
    with torch.no_grad():
        layer.conv.weight.fill_(1.0)
        layer.conv.bias.zero_()
        flat = layer(torch.ones(1, 3, 8, 8))[0, :, 2:-2, 2:-2]  # away from the zero-padded border
    assert checkerboard_score(flat) == pytest.approx(0.0, abs=1e-12)


def test_checkerboard_score_is_one_for_a_pure_checkerboard_and_small_for_smooth_images():
    rows, cols = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
    board = ((rows + cols) % 2).double()
    assert checkerboard_score(board) == pytest.approx(1.0)
    smooth = torch.linspace(0, 1, 64).view(8, 8)
    assert checkerboard_score(smooth) < 0.05
    with pytest.raises(ValueError, match="divisible"):
        checkerboard_score(torch.zeros(7, 8))
