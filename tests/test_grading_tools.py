"""forbid() blocks a library call inside a test block only; results_table() writes a markdown table."""
import json

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from helpers.grading import forbid
from helpers.report import results_table, save_results


def test_forbid_blocks_functions_methods_and_module_aliases():
    x, w = torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3)
    with forbid("torch.nn.functional.conv_transpose2d", "torch.conv_transpose2d",
                "torch.nn.ConvTranspose2d.forward", reason="do it by hand"):
        with pytest.raises(AssertionError, match="do it by hand"):
            F.conv_transpose2d(x, w)
        with pytest.raises(AssertionError):
            torch.conv_transpose2d(x, w)
        with pytest.raises(AssertionError):
            nn.ConvTranspose2d(1, 1, 3)(x)
        assert F.conv2d(x, w[..., :2, :2]).shape == (1, 1, 1, 1)  # other functions still work


def test_forbid_restores_everything_even_after_an_error():
    original = F.conv_transpose2d
    with pytest.raises(ZeroDivisionError):
        with forbid("torch.nn.functional.conv_transpose2d"):
            1 / 0
    assert F.conv_transpose2d is original


def test_forbid_skips_names_this_torch_does_not_have():
    with forbid("torch.no_such_function", "torch.nn.functional.max_unpool2d"):
        with pytest.raises(AssertionError):
            F.max_unpool2d(torch.ones(1, 1, 1, 1), torch.zeros(1, 1, 1, 1, dtype=torch.long), 2)


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
