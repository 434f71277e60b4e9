"""The lecture's claims hold in fast mode, in the notebooks' own measured results.

Each test reads the metrics that solutions/NN_topic/NN_topic.ipynb saved (helpers.save_results) when the suite's nbval
run executed it moments before (conftest.py runs the claim right after the notebook's cells, on the same worker). Run
alone, without the notebooks, a test executes its notebook itself first (about a minute). A student's own run never
checks these: only the course's CI does, so a change that breaks the lecture's point fails CI.
"""
import json
import math
import time

import pytest

from benchmarks.runner import run_notebook
from course import REPO

COLLECTED_AT = time.time()  # the notebooks run after collection: results newer than this come from this run


def claim_03(metrics):
    """Pooling buys context, skips buy back detail: naive < FCN-32s < FCN-8s < U-Net (lecture: segmentation)."""
    order = ["miou_naive", "miou_fcn32s", "miou_fcn8s", "miou_unet"]
    values = [metrics[name] for name in order]
    assert all(a < b for a, b in zip(values, values[1:])), f"expected {' < '.join(order)}, got {values}"


def claim_04(metrics):
    """YOLOv1 learns the offline set without sitting at its ceiling: 0.4 <= mAP@0.5 <= 0.85."""
    assert 0.4 <= metrics["map50"] <= 0.85, f"mAP@0.5 = {metrics['map50']:.3f}, expected within [0.4, 0.85]"


def claim_05(metrics):
    """Proposals beat a sliding grid with the same number of boxes, at IoU 0.5 and 0.7 (lecture: R-CNN)."""
    for iou in ("50", "70"):
        ours, grid = metrics[f"recall{iou}_selective_search"], metrics[f"recall{iou}_sliding_window"]
        assert ours > grid, f"recall at IoU 0.{iou}: selective search {ours:.3f} <= sliding window {grid:.3f}"


CLAIMS = {"03_segmentation": claim_03, "04_yolo": claim_04, "05_rcnn": claim_05}


def metrics_of_this_run(aid):
    """The metrics the notebook saved during this test run, or (run alone) from executing it now."""
    saved = REPO / "solutions" / aid / f"{aid}.results.json"
    if saved.exists() and saved.stat().st_mtime >= COLLECTED_AT:
        return json.loads(saved.read_text())["metrics"]
    record = run_notebook(saved.with_name(f"{aid}.ipynb"))
    assert record["status"] == "ok", f"{aid} failed to run: {record['error']}"
    return record["metrics"]


@pytest.mark.parametrize("aid", CLAIMS)
def test_lecture_claim_holds(aid):
    metrics = metrics_of_this_run(aid)
    numbers = {name: value for name, value in metrics.items() if isinstance(value, (int, float))}
    assert numbers and all(math.isfinite(v) for v in numbers.values()), f"{aid} saved non-finite metrics: {metrics}"
    CLAIMS[aid](metrics)


@pytest.mark.parametrize("metrics, fails", [
    ({"miou_naive": 0.1, "miou_fcn32s": 0.2, "miou_fcn8s": 0.3, "miou_unet": 0.4}, False),
    ({"miou_naive": 0.1, "miou_fcn32s": 0.3, "miou_fcn8s": 0.2, "miou_unet": 0.4}, True),
    ({"miou_naive": 0.5, "miou_fcn32s": 0.2, "miou_fcn8s": 0.3, "miou_unet": 0.4}, True),
])
def test_the_03_claim_can_fail(metrics, fails):
    if fails:
        with pytest.raises(AssertionError):
            claim_03(metrics)
    else:
        claim_03(metrics)


@pytest.mark.parametrize("value, fails", [(0.39, True), (0.6, False), (0.9, True)])
def test_the_04_claim_can_fail(value, fails):
    if fails:
        with pytest.raises(AssertionError):
            claim_04({"map50": value})
    else:
        claim_04({"map50": value})


@pytest.mark.parametrize("recalls, fails", [((0.8, 0.5, 0.6, 0.3), False), ((0.8, 0.5, 0.3, 0.3), True),
                                            ((0.4, 0.5, 0.6, 0.3), True)])
def test_the_05_claim_can_fail(recalls, fails):
    names = ["recall50_selective_search", "recall50_sliding_window", "recall70_selective_search",
             "recall70_sliding_window"]
    metrics = dict(zip(names, recalls))
    if fails:
        with pytest.raises(AssertionError):
            claim_05(metrics)
    else:
        claim_05(metrics)


def test_each_claim_is_collected_right_after_its_notebook_and_on_its_worker():
    import importlib.util
    import subprocess
    import sys

    spec = importlib.util.spec_from_file_location("root_conftest", REPO / "conftest.py")  # tests/ has its own conftest
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)
    notebook_of_claim = root_conftest.notebook_of_claim

    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", "-p", "no:randomly",
                             "tests/test_lecture_claims.py", *(f"solutions/{aid}/{aid}.ipynb" for aid in CLAIMS)],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()
    for aid in CLAIMS:
        claim = f"tests/test_lecture_claims.py::test_lecture_claim_holds[{aid}]"
        notebook = f"solutions/{aid}/{aid}.ipynb"
        cells = [index for index, line in enumerate(listed) if line.startswith(notebook + "::")]
        assert cells and listed.index(claim) == cells[-1] + 1, f"{claim} should follow {notebook}'s last cell"
        assert notebook_of_claim(claim) == notebook  # the xdist scheduler keeps them in one unit
    assert notebook_of_claim("tests/test_grading.py::test_x[03_segmentation]") is None
