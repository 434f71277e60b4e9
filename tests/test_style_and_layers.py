"""Shared style losses, resize-convolution and the checkerboard score behave as notebooks 02, 06 and 08 teach."""
import math

import pytest
import torch
import torch.nn.functional as F

from helpers.artifacts import checkerboard_score
from helpers.layers import ResizeConv2d
from helpers.style import content_loss, gram_matrix, style_loss, total_variation_loss


def test_gram_matrix_is_normalised_channel_correlation():
    features = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    expected = torch.einsum("nchw,ndhw->ncd", features, features) / (3 * 4 * 5)
    torch.testing.assert_close(gram_matrix(features), expected)


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
    torch.manual_seed(0)
    layer = ResizeConv2d(3, 5)
    x = torch.randn(2, 3, 7, 9)
    up = x.repeat_interleave(2, dim=-2).repeat_interleave(2, dim=-1)
    torch.testing.assert_close(layer(x), F.conv2d(up, layer.conv.weight, layer.conv.bias, padding=1))
    layer.conv.padding_mode = "circular"  # no border: a nearest-upsampled map has no power at period 2 to re-weight
    with torch.no_grad():
        assert checkerboard_score(layer(torch.randn(1, 3, 8, 8))[0]) < 1e-12


def test_checkerboard_score_is_one_for_a_pure_checkerboard_and_small_for_smooth_images():
    rows, cols = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
    board = ((rows + cols) % 2).double()
    assert checkerboard_score(board) == pytest.approx(1.0)
    assert checkerboard_score((rows % 2).double()) == pytest.approx(1.0)  # stripes of period 2 count too
    smooth = torch.linspace(0, 1, 64).view(8, 8)
    assert checkerboard_score(smooth) < 0.05
    with pytest.raises(ValueError, match="divisible"):
        checkerboard_score(torch.zeros(7, 8))


def test_checkerboard_score_of_a_constant_image_is_nan_and_period_4_contains_period_2():
    assert math.isnan(checkerboard_score(torch.full((3, 8, 8), 0.5)))  # nothing to measure
    image = torch.rand(3, 16, 24, generator=torch.Generator().manual_seed(0))
    assert checkerboard_score(image, 4) >= checkerboard_score(image, 2) > 0


class _TinyFeatures(torch.nn.Module):
    """Stands in for VGG19Features (model(images, layers) -> {name: activation}) and counts its forward passes."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.convs = torch.nn.ModuleDict({"relu1_1": torch.nn.Conv2d(3, 4, 3, padding=1),
                                          "relu2_1": torch.nn.Conv2d(4, 6, 3, padding=1, stride=2),
                                          "relu4_2": torch.nn.Conv2d(6, 5, 3, padding=1)})
        self.requires_grad_(False)
        self.calls = 0

    def forward(self, images, layers):
        self.calls += 1
        out, x = {}, images
        for name, conv in self.convs.items():
            x = F.relu(conv(x))
            out[name] = x
        return {name: out[name] for name in layers}


def _transfer(model, **options):
    from helpers.style import StyleTransfer

    g = torch.Generator().manual_seed(1)
    content, style_a, style_b = (torch.rand(3, 12, 10, generator=g) for _ in range(3))
    options = {"content_layer": "relu4_2", "style_layers": {"relu1_1": 1.0, "relu2_1": 0.5},
               "content_weight": 1.0, "style_weight": 10.0, **options}
    return StyleTransfer(model, content, [style_a, style_b] if "style_mix" in options else style_a, **options), content


def test_style_transfer_loss_is_the_course_formula_and_targets_are_computed_once():
    model = _TinyFeatures()
    transfer, content = _transfer(model, tv_weight=0.1, channels_last=False)
    assert model.calls == 2  # the content target and the style's Gram matrices, once each
    image = torch.rand(1, 3, 12, 10, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        features = model(image, ["relu4_2", "relu1_1", "relu2_1"])
        target = model(content[None], ["relu4_2"])["relu4_2"]
    expected = (content_loss(features["relu4_2"], target) + 10.0 * style_loss(
        features, transfer.style_targets, {"relu1_1": 1.0, "relu2_1": 0.5}) + 0.1 * total_variation_loss(image))
    model.calls = 0
    _, losses = transfer.run(image[0], steps=3)
    assert model.calls == 3  # one forward pass per step, no recomputed targets
    assert losses[0] == pytest.approx(expected.item(), rel=1e-5)


def test_style_transfer_lowers_the_loss_with_both_optimizers_and_keeps_pixels_in_range():
    for optimizer in ("lbfgs", "adam"):
        transfer, content = _transfer(_TinyFeatures(), tv_weight=0.01)
        image, losses = transfer.run(content, steps=15, optimizer=optimizer)
        assert image.shape == content.shape and not image.requires_grad
        assert 0 <= image.min() and image.max() <= 1
        assert losses[-1] < 0.5 * losses[0], (optimizer, losses)


def test_mixing_styles_has_the_gradient_of_the_weighted_style_losses():
    model = _TinyFeatures()
    mixed, _ = _transfer(model, style_mix=(0.3, 0.9), content_weight=0.0, channels_last=False)
    g = torch.Generator().manual_seed(1)
    _, style_a, style_b = (torch.rand(3, 12, 10, generator=g) for _ in range(3))
    layers = {"relu1_1": 1.0, "relu2_1": 0.5}
    with torch.no_grad():
        grams = [{k: gram_matrix(v) for k, v in model(s[None], list(layers)).items()} for s in (style_a, style_b)]
    image = torch.rand(1, 3, 12, 10, generator=g, requires_grad=True)
    features = model(image, list(layers))
    two = 10.0 * (0.3 * style_loss(features, grams[0], layers) + 0.9 * style_loss(features, grams[1], layers))
    (want,) = torch.autograd.grad(two, image)
    (got,) = torch.autograd.grad(mixed.loss(image), image)
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-7)


def test_channels_last_gives_the_same_loss():
    plain, content = _transfer(_TinyFeatures(), channels_last=False)
    fast, _ = _transfer(_TinyFeatures(), channels_last=True)
    image = content[None].clone()
    torch.testing.assert_close(fast.loss(image), plain.loss(image), rtol=1e-5, atol=1e-6)


def test_one_term_alone_reconstructs_content_or_style_and_runs_only_as_deep_as_needed():
    model = _TinyFeatures()
    g = torch.Generator().manual_seed(3)
    content, style, image = (torch.rand(3, 12, 10, generator=g) for _ in range(3))
    from helpers.style import StyleTransfer

    content_only = StyleTransfer(model, content, content_layer="relu2_1", style_layers=(), channels_last=False)
    with torch.no_grad():
        want = content_loss(model(image[None], ["relu2_1"])["relu2_1"], model(content[None], ["relu2_1"])["relu2_1"])
    torch.testing.assert_close(content_only.loss(image[None]), want)
    assert content_only.layers == ["relu2_1"]  # the pass stops at relu2_1: relu4_2 is never computed

    style_only = StyleTransfer(model, None, style, style_layers={"relu1_1": 2.0}, channels_last=False)
    with torch.no_grad():
        target = {"relu1_1": gram_matrix(model(style[None], ["relu1_1"])["relu1_1"])}
        want = style_loss(model(image[None], ["relu1_1"]), target, {"relu1_1": 2.0})
    torch.testing.assert_close(style_only.loss(image[None]), want)
    assert style_only.layers == ["relu1_1"]
    _, losses = style_only.run(image, steps=3, optimizer="adam")
    assert len(losses) == 3 and losses[-1] < losses[0]


def test_style_transfer_says_what_is_missing_or_wrong():
    from helpers.style import StyleTransfer

    content = torch.rand(3, 8, 8)
    with pytest.raises(ValueError, match="nothing to optimise"):
        StyleTransfer(_TinyFeatures(), None, style_layers=())
    with pytest.raises(ValueError, match="at least one style image"):
        StyleTransfer(_TinyFeatures(), content, style_layers=("relu1_1",))
    with pytest.raises(ValueError, match="style_mix"):
        StyleTransfer(_TinyFeatures(), content, [content, content], style_layers=("relu1_1",), style_mix=(1.0,))
    transfer = StyleTransfer(_TinyFeatures(), content, content, style_layers=("relu1_1",))
    with pytest.raises(ValueError, match="optimizer"):
        transfer.run(content, steps=1, optimizer="sgd")


def test_fast_gram_matrix_has_the_values_and_gradients_of_gram_matrix_in_both_memory_formats():
    from helpers.style import fast_gram_matrix

    features = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    for layout in (torch.contiguous_format, torch.channels_last):
        x = features.contiguous(memory_format=layout).requires_grad_(True)
        torch.testing.assert_close(fast_gram_matrix(x), gram_matrix(features))
        assert torch.autograd.gradcheck(fast_gram_matrix, (x,))
