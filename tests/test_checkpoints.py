"""helpers.checkpoints: weights move between implementations that name their layers differently, and the weights
that notebook 08 loads in fast mode ship with the helpers package."""
import pytest
import torch
import torch.nn as nn

from helpers.checkpoints import (DATA_DIR, load_in_call_order, parameters_in_call_order, pretrained_path,
                                 state_in_call_order)


class Scale(nn.Module):
    """A layer with two parameters registered in the order given (names sort the other way for `b_first`)."""

    def __init__(self, channels, b_first=False):
        super().__init__()
        if b_first:
            self.beta = nn.Parameter(torch.zeros(channels))
        self.gamma = nn.Parameter(torch.ones(channels))
        if not b_first:
            self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return x * self.gamma[:, None, None] + self.beta[:, None, None]


class Mine(nn.Module):
    def __init__(self):
        super().__init__()
        self.first, self.norm, self.last = nn.Conv2d(3, 4, 3), Scale(4), nn.Conv2d(4, 2, 1)

    def forward(self, x):
        return self.last(self.norm(self.first(x)))


class Theirs(nn.Module):
    """Mine's architecture with other names, other registration order and beta registered before gamma."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(4, 2, 1), nn.Conv2d(3, 4, 3)])  # registered last-first
        self.scale = Scale(4, b_first=True)

    def forward(self, x):
        return self.convs[0](self.scale(self.convs[1](x)))


def probe():
    return (torch.rand(1, 3, 8, 8),)


def test_weights_move_between_implementations_whatever_their_names():
    torch.manual_seed(0)
    mine, theirs = Mine(), Theirs()
    with torch.no_grad():
        mine.norm.gamma.uniform_(0.5, 2)
        mine.norm.beta.normal_()
    load_in_call_order(theirs, state_in_call_order(mine, *probe()), *probe())
    x = torch.rand(2, 3, 10, 10)
    torch.testing.assert_close(theirs(x), mine(x), rtol=0, atol=0)


def test_call_order_lists_each_used_parameter_once_with_its_layer():
    names = [name for name, _ in parameters_in_call_order(Mine(), *probe())]
    assert names == ["Conv2d.bias", "Conv2d.weight", "Scale.beta", "Scale.gamma", "Conv2d.bias", "Conv2d.weight"]


def test_call_order_leaves_no_hooks_behind():
    model = Mine()
    parameters_in_call_order(model, *probe())
    assert all(not module._forward_pre_hooks for module in model.modules())


def test_mismatched_architectures_are_refused_with_the_reason():
    tensors = state_in_call_order(Mine(), *probe())
    with pytest.raises(ValueError, match="holds 5 tensors"):
        load_in_call_order(Theirs(), tensors[:-1], *probe())
    tensors[2] = torch.zeros(5)
    with pytest.raises(ValueError, match=r"parameter 2 \(Scale.beta\) has shape \(4,\)"):
        load_in_call_order(Theirs(), tensors, *probe())


def test_a_missing_data_file_says_how_to_get_it():
    with pytest.raises(FileNotFoundError, match="reinstall the course"):
        pretrained_path("no-such-weights.pt")


def test_notebook_08_weights_ship_small_in_float16_with_their_recipe():
    path = pretrained_path("08_multi_style_fast.pt")
    assert path.parent == DATA_DIR and path.stat().st_size <= 5e6
    saved = torch.load(path, map_location="cpu", weights_only=True)
    assert saved["parameters"] and all(t.dtype == torch.float16 and torch.isfinite(t).all() for t in saved["parameters"])
    assert saved["style_names"] == ["brick", "grass", "gravel", "zig-zag"]
    assert saved["recipe"]["script"] == "benchmarks/pretrain_multi_style.py"
    assert saved["recipe"]["steps"] == len(saved["loss_history"])


def test_the_weights_file_is_package_data():
    import tomllib

    from course import REPO

    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(DATA_DIR.joinpath("08_multi_style_fast.pt").match(f"*/helpers/{pattern}")
               for pattern in package_data["helpers"])
