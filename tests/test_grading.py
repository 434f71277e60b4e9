"""Grading works end to end: autograded solutions score full marks, untouched stubs score 0 in every cell."""
import shutil

import pytest
from nbgrader.api import Gradebook

from course import ASSIGNMENTS, REPO, nbgrader, nbgrader_cells, read_notebook, release

SOLVER, BLANK = "solver", "blank"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_autograde_gives_solutions_full_marks_and_stubs_zero(scratch_course, aid):
    course = scratch_course
    release(course, aid)  # autograde needs the assignment in the gradebook
    stub = REPO / "notebooks" / aid / f"{aid}.ipynb"
    assert nbgrader_cells(read_notebook(stub), "grade"), "the release has no graded cells"
    for student, notebook in ((SOLVER, REPO / "solutions" / aid / f"{aid}.ipynb"), (BLANK, stub)):
        submission = course / "submitted" / student / aid
        submission.mkdir(parents=True)
        shutil.copy(notebook, submission)
    nbgrader(course, "autograde", aid, "--create", "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solved = gradebook.find_submission(aid, SOLVER)
        blank = gradebook.find_submission(aid, BLANK)
        assert solved.max_score > 0
        assert solved.score == solved.max_score, [
            (g.name, g.score, g.max_score) for n in solved.notebooks for g in n.grades if g.score != g.max_score]
        assert blank.score == 0, [(g.name, g.score) for n in blank.notebooks for g in n.grades if g.score]
        assert all(g.auto_score is not None for n in blank.notebooks for g in n.grades), "a stub cell was not graded"
