"""helpers.grading (forbidden calls by function object, plain-tensor comparison); results_table() and save_results()."""
import importlib
import json
import sys

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

import helpers.artifacts
from helpers.grading import assert_close, assert_equal, forbid, plain, swapped
from helpers.report import results_table, save_results

X, W = torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3)
ALIAS = F.conv_transpose2d


def _default_argument(f=F.conv_transpose2d):
    return f(X, W)


def _closure():
    captured = torch.conv_transpose2d
    return lambda: captured(X, W)


ROUTES = {
    "direct": lambda: F.conv_transpose2d(X, W),
    "alias bound before the test": lambda: ALIAS(X, W),
    "default argument": _default_argument,
    "closure": _closure(),
    "getattr": lambda: getattr(torch.nn.functional, "conv_" + "transpose2d")(X, W),
    "re-import": lambda: importlib.import_module("torch.nn.functional").conv_transpose2d(X, W),
    "the nn.Module": lambda: nn.ConvTranspose2d(1, 1, 3)(X),
}


@pytest.mark.parametrize("route", ROUTES)
def test_forbid_sees_the_function_object_by_every_route(route):
    with pytest.raises(AssertionError, match="by hand.*conv_transpose2d"):
        with forbid("torch.nn.functional.conv_transpose2d", "torch.nn.ConvTranspose2d", reason="do it by hand"):
            ROUTES[route]()


def test_forbid_sees_helpers_functions_tensor_methods_and_torch_ops():
    boxes, scores = torch.tensor([[0, 0, 1, 1.0]]), torch.tensor([1.0])
    calls = {"helpers.artifacts.checkerboard_score": lambda: helpers.artifacts.checkerboard_score(torch.rand(4, 4)),
             "torch.Tensor.unfold": lambda: torch.rand(5, 5).unfold(0, 2, 1),
             "torch.ops.torchvision.nms": lambda: torch.ops.torchvision.nms(boxes, scores, 0.5),
             "torchvision.ops.box_iou": lambda: torchvision.ops.box_iou(boxes, boxes)}
    for name, call in calls.items():
        with pytest.raises(AssertionError, match=name.replace(".", r"\.")):
            with forbid(name):
                call()


def test_forbid_lets_other_functions_run_and_restores_the_profiler():
    before = sys.getprofile()
    with forbid("torch.nn.functional.conv_transpose2d"):
        assert F.conv2d(X, W[..., :2, :2]).shape == (1, 1, 1, 1)
    assert sys.getprofile() is before


def test_forbid_fails_loudly_on_a_name_it_cannot_resolve():
    with pytest.raises(LookupError, match="no_such_function"):
        with forbid("torch.no_such_function"):
            pass


def test_forbid_notices_an_answer_that_switches_the_profiler_off():
    with pytest.raises(AssertionError, match="profiler"):
        with forbid("torch.nn.functional.conv_transpose2d"):
            sys.setprofile(None)
            F.conv_transpose2d(X, W)


def test_forbid_lets_the_answer_s_own_error_through():
    with pytest.raises(ZeroDivisionError):
        with forbid("torch.nn.functional.conv_transpose2d"):
            1 / 0
    assert sys.getprofile() is None


class LyingTensor(torch.Tensor):
    """A tensor whose comparisons all say "equal" (a tampering answer)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.isclose, torch.allclose, torch.equal, torch.Tensor.__eq__):
            return torch.tensor(True)
        return super().__torch_function__(func, types, args, kwargs or {})


def test_plain_strips_a_tensor_subclass_so_comparisons_cannot_lie():
    liar = torch.zeros(3).as_subclass(LyingTensor)
    assert torch.equal(liar, torch.ones(3))  # the lie works on torch itself
    assert type(plain(liar)) is torch.Tensor
    with pytest.raises(AssertionError, match="3 of 3 values differ"):
        assert_close(liar, torch.ones(3))
    with pytest.raises(AssertionError):
        assert_equal(liar.long(), torch.ones(3, dtype=torch.long))


def test_plain_rejects_what_is_not_a_number():
    with pytest.raises(AssertionError, match="tensor or a number"):
        plain("0.5")


def test_tolerance_policy_float32_answers_float64_strict_integers_exact_nan_matches():
    assert_close(torch.tensor([1.0, float("nan")]), torch.tensor([1.0 + 5e-5, float("nan")], dtype=torch.float64))
    assert_close(0.5, 0.5 + 1e-6)  # a Python float may come from float32 maths
    with pytest.raises(AssertionError, match="largest difference"):
        assert_close(torch.tensor([1.0], dtype=torch.float64), torch.tensor([1.0 + 1e-6], dtype=torch.float64))
    assert_close(torch.tensor([1.0], dtype=torch.float64), torch.tensor([1.0 + 1e-6], dtype=torch.float64), rtol=1e-5)
    with pytest.raises(AssertionError, match="expected shape"):
        assert_close(torch.zeros(2, 1), torch.zeros(2))
    with pytest.raises(AssertionError, match="1 of 3 values differ"):
        assert_close(torch.tensor([1, 2, 4]), torch.tensor([1, 2, 3]))
    assert_equal([1, 2], torch.tensor([1, 2]))


def test_results_table_is_markdown_with_formatted_numbers(capsys):
    text = results_table([{"decoder": "k3s2", "score": 0.123456}, {"decoder": "resize", "score": 2.5e-05}], title="scores")
    assert text.splitlines()[2:] == ["| decoder | score |", "|---|---|", "| k3s2 | 0.1235 |", "| resize | 2.5e-05 |"]
    assert "| k3s2 | 0.1235 |" in capsys.readouterr().out


def test_results_table_needs_rows():
    with pytest.raises(ValueError):
        results_table([])


def test_save_results_writes_json_for_benchmarks(tmp_path, monkeypatch):
    monkeypatch.setenv("CV_SEMINAR_RESULTS", str(tmp_path))
    path = save_results("03_segmentation", {"unet_miou": torch.tensor(0.8125), "seconds": 12}, headline="unet_miou")
    assert path == tmp_path / "03_segmentation.results.json"
    record = json.loads(path.read_text())
    assert record == {"notebook": "03_segmentation", "headline": "unet_miou",
                      "metrics": {"unet_miou": 0.8125, "seconds": 12}}


def test_save_results_rejects_an_unknown_headline(tmp_path, monkeypatch):
    monkeypatch.setenv("CV_SEMINAR_RESULTS", str(tmp_path))
    with pytest.raises(KeyError, match="miou"):
        save_results("03_segmentation", {"accuracy": 0.5}, headline="miou")


def test_forbid_reads_names_as_attributes_like_an_answer_does():
    boxes = torch.tensor([[0, 0, 0, 4, 4.0]])
    with pytest.raises(AssertionError, match="roi_align"):
        with forbid("torchvision.ops.roi_align", "torchvision.ops.roi_pool.roi_pool"):  # a name and a module path
            torchvision.ops.roi_align(torch.rand(1, 1, 8, 8), boxes, output_size=2)


def test_forbid_raises_forbidden_call_an_assertion_error_the_grader_flags_by_name():
    from helpers.grading import ForbiddenCall
    with pytest.raises(ForbiddenCall, match=r"by hand \(called torch.nn.functional.conv_transpose2d\)") as caught:
        with forbid("torch.nn.functional.conv_transpose2d", reason="by hand"):
            _default_argument()
    assert isinstance(caught.value, AssertionError) and type(caught.value).__name__ == "ForbiddenCall"


def test_swapped_binds_names_inside_the_block_only_even_after_an_error():
    namespace = {"box_iou": "yours"}
    with pytest.raises(ZeroDivisionError):
        with swapped(namespace, box_iou="reference", extra=1):
            assert namespace == {"box_iou": "reference", "extra": 1}
            1 / 0
    assert namespace == {"box_iou": "yours"}
