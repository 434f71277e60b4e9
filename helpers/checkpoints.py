"""Checkpoints that do not depend on attribute names: parameters in the order a forward pass uses them.

Notebook 08 lets students name their layers as they like, so a state_dict written by one implementation of the
network does not load into another. Two implementations of one architecture do call their layers in the same order,
and those layers own parameters of the same shapes and names (a Conv2d's weight and bias, a CIN's gamma and beta):
that order is the key here. The weights that notebook 08 loads in fast mode ship in helpers/data/.
"""
from pathlib import Path

import torch
import torch.nn as nn

DATA_DIR = Path(__file__).resolve().parent / "data"


def pretrained_path(name: str) -> Path:
    """A weights file that ships with the course (helpers/data/<name>); FileNotFoundError says where it looked."""
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the course's helpers were installed without their data files "
                                "(reinstall the course: pip install --force-reinstall <the course's git URL>)")
    return path


@torch.no_grad()
def parameters_in_call_order(model: nn.Module, *inputs) -> list[tuple[str, nn.Parameter]]:
    """(name, parameter) of every parameter `model(*inputs)` uses, module by module in the order of first call,
    each module's own parameters sorted by name (so registering beta before gamma changes nothing)."""
    called, hooks = [], []

    def remember(module, _args):
        if all(module is not seen for seen in called):
            called.append(module)

    for module in model.modules():
        if next(module.parameters(recurse=False), None) is not None:
            hooks.append(module.register_forward_pre_hook(remember))
    try:
        model(*inputs)
    finally:
        for hook in hooks:
            hook.remove()
    return [(f"{type(module).__name__}.{name}", parameter) for module in called
            for name, parameter in sorted(module.named_parameters(recurse=False))]


def state_in_call_order(model: nn.Module, *inputs) -> list[torch.Tensor]:
    """Detached CPU copies of the parameters, in call order: what a checkpoint stores."""
    return [parameter.detach().cpu().clone() for _, parameter in parameters_in_call_order(model, *inputs)]


@torch.no_grad()
def load_in_call_order(model: nn.Module, tensors: list[torch.Tensor], *inputs) -> nn.Module:
    """Copy `tensors` (from state_in_call_order) into `model`'s parameters; ValueError on a count or shape mismatch."""
    named = parameters_in_call_order(model, *inputs)
    if len(named) != len(tensors):
        raise ValueError(f"the checkpoint holds {len(tensors)} tensors, the model's forward uses {len(named)} "
                         "parameters: not the same architecture")
    for index, ((name, parameter), tensor) in enumerate(zip(named, tensors)):
        if parameter.shape != tensor.shape:
            raise ValueError(f"parameter {index} ({name}) has shape {tuple(parameter.shape)}, the checkpoint's "
                             f"tensor {tuple(tensor.shape)}: not the same architecture")
        parameter.copy_(tensor)
    return model
