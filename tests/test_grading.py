"""Grading works end to end: solutions pass every graded cell and score full marks, stubs pass none and score 0."""
import shutil

import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from course import ASSIGNMENTS, REPO, nbgrader, nbgrader_cells, read_notebook

SOLVER, BLANK = "solver", "blank"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_solution_passes_every_graded_cell(aid):
    result = Validator().validate(str(REPO / "solutions" / aid / f"{aid}.ipynb"))
    assert result == {}, "\n\n".join(f["raw_error"] for f in result.get("failed", [])) or result


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_released_stub_passes_no_graded_cell(aid):
    stub = REPO / "notebooks" / aid / f"{aid}.ipynb"
    assert nbgrader_cells(read_notebook(stub), "grade"), "the release has no graded cells"
    result = Validator(invert=True).validate(str(stub))
    assert result == {}, f"graded cells pass without a solution: {[c['source'][:80] for c in result.get('passed', [])]}"


@pytest.fixture(scope="module")
def graded_course(course):
    """The course where `solver` submitted every solution and `blank` every untouched release; all autograded."""
    for aid in ASSIGNMENTS:
        for student, folder in ((SOLVER, "solutions"), (BLANK, "notebooks")):
            submission = course / "submitted" / student / aid
            submission.mkdir(parents=True)
            shutil.copy(REPO / folder / aid / f"{aid}.ipynb", submission)
            nbgrader(course, "autograde", aid, "--student", student, "--create", "--force")
    return course


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_autograde_gives_solutions_full_marks_and_stubs_zero(graded_course, aid):
    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gradebook:
        solved = gradebook.find_submission(aid, SOLVER)
        blank = gradebook.find_submission(aid, BLANK)
        assert solved.max_score > 0
        assert solved.score == solved.max_score, [
            (g.name, g.score, g.max_score) for n in solved.notebooks for g in n.grades if g.score != g.max_score]
        assert blank.score == 0, [(g.name, g.score) for n in blank.notebooks for g in n.grades if g.score]
        assert all(g.auto_score is not None for n in blank.notebooks for g in n.grades), "a stub cell was not graded"
