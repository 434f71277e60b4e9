"""Grading works end to end: autograded solutions score full marks, stubs score 0 in every cell (their experiments
that no graded cell needs emptied: they cannot change a grade)."""
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from answers import needed_cells
from course import ASSIGNMENTS, REPO, nbgrader, nbgrader_cells, read_notebook, release

SOLVER, BLANK = "solver", "blank"


def stub_without_experiments(aid: str, target: Path) -> None:
    """The released stub with the code cells that no graded cell needs emptied (answers.needed_cells): they cannot
    change a grade, and 06's picture grids, which run without any answer, would cost the blank a minute."""
    solution = nbformat.read(REPO / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    last = max(i for i, c in enumerate(solution.cells) if c.metadata.get("nbgrader", {}).get("grade"))
    needed = {solution.cells[i].id for i in needed_cells(solution, last)}
    stub = nbformat.read(REPO / "notebooks" / aid / f"{aid}.ipynb", as_version=4)
    for cell in stub.cells:
        if cell.cell_type == "code" and cell.id not in needed:
            cell.source = ""
    nbformat.write(stub, target)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_autograde_gives_solutions_full_marks_and_stubs_zero(scratch_course, aid):
    course = scratch_course
    release(course, aid)  # autograde needs the assignment in the gradebook
    stub = REPO / "notebooks" / aid / f"{aid}.ipynb"
    assert nbgrader_cells(read_notebook(stub), "grade"), "the release has no graded cells"
    for student in (SOLVER, BLANK):
        (course / "submitted" / student / aid).mkdir(parents=True)
    shutil.copy(REPO / "solutions" / aid / f"{aid}.ipynb", course / "submitted" / SOLVER / aid)
    stub_without_experiments(aid, course / "submitted" / BLANK / aid / f"{aid}.ipynb")
    nbgrader(course, "autograde", aid, "--create", "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solved = gradebook.find_submission(aid, SOLVER)
        blank = gradebook.find_submission(aid, BLANK)
        assert solved.max_score > 0
        assert solved.score == solved.max_score, [
            (g.name, g.score, g.max_score) for n in solved.notebooks for g in n.grades if g.score != g.max_score]
        assert blank.score == 0, [(g.name, g.score) for n in blank.notebooks for g in n.grades if g.score]
        assert all(g.auto_score is not None for n in blank.notebooks for g in n.grades), "a stub cell was not graded"
