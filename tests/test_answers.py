"""Grading is fair and strict: other correct idioms pass every graded cell, classic wrong answers fail one, and an
exercise left undone costs no points in the exercises after it.

Catalogues: tests/alternatives/<aid>.py and tests/wrong_answers/<aid>.py (see tests/answers.py).
"""
import nbformat
import pytest

from answers import needed_cells, run_catalogues
from course import ASSIGNMENTS


def _cell(source, grade_id=None, solution=False):
    cell = nbformat.v4.new_code_cell(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": not solution}
    return cell


def test_needed_cells_skips_only_experiments_no_graded_cell_reads():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),                               # 0
        _cell("%pip install -q something"),                                    # 1 the first code cell always runs
        _cell("import torch\nsize = 4"),                                       # 2 read by the solution
        _cell("picture = torch.rand(size, size)\nshow(picture)"),              # 3 an experiment: skipped
        _cell("scale = 2.0\ntrained = train(torch.nn.Linear(size, 1))"),      # 4 binds scale, read by the test
        _cell("def double(x, k=2):\n    return k * x", "double", solution=True),  # 5
        _cell("for k in range(3):\n    assert double(torch.ones(size))[0] == 2 * scale / 2", "double_tests"),  # 6
        _cell("print(trained)"),                                                 # 7 after the last graded cell
    ])
    assert needed_cells(nb, last=6) == [1, 2, 4, 5, 6]


@pytest.fixture
def fast_kernel_env(monkeypatch, tmp_path):
    """Kernels inherit this: fast mode, results and caches of the run kept out of the repo."""
    monkeypatch.setenv("CV_SEMINAR_MODE", "fast")
    monkeypatch.setenv("CV_SEMINAR_RESULTS", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_alternatives_pass_and_wrong_answers_are_caught(aid, fast_kernel_env):
    exercises, outcomes = run_catalogues(aid, fast_kernel_env)
    problems = []
    for ex in exercises:
        tried = [o for o in outcomes if o.exercise in ex.names]
        alternatives = sum(o.kind == "alternatives" for o in tried)
        wrong = sum(o.kind == "wrong_answers" for o in tried)
        if alternatives < 2 or wrong < 1:
            problems.append(f"{'/'.join(ex.names)}: needs >= 2 alternatives and >= 1 wrong answer "
                            f"(has {alternatives} and {wrong})")
    for o in outcomes:
        if o.kind == "alternatives" and o.failed:
            problems.append(f"correct alternative {o.exercise}/{o.label} lost points in {o.failed}: {o.error}")
        if o.kind == "wrong_answers" and not o.failed:
            problems.append(f"wrong answer {o.exercise}/{o.label} passed every graded cell")
        if o.kind == "isolation" and o.failed:
            problems.append(f"with {o.exercise} left as its stub, later exercises lose points in {o.failed}: {o.error}")
    assert not problems, f"{aid}:\n" + "\n".join(problems)
