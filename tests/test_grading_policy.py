"""README's "How grading works" states the grading policy as the code and the notebooks implement it."""
import re

from answers import exercises
from course import ASSIGNMENTS, REPO, nbgrader_cells, read_notebook

import nbformat

from helpers.grading import FLOAT32_TOLERANCE, FLOAT64_TOLERANCE


def grading_section() -> str:
    """README's "How grading works" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## How grading works\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert match, "README has a '## How grading works' section"
    return match.group(1)


def test_readme_points_table_matches_the_notebooks():
    rows = dict(re.findall(r"^\| (\d\d_\w+) \| (\d+ \| \d+ \| \d+) \|$", grading_section(), re.MULTILINE))
    for aid in ASSIGNMENTS:
        path = REPO / "solutions" / aid / f"{aid}.ipynb"
        graded = nbgrader_cells(read_notebook(path), "grade")
        points = sum(c["metadata"]["nbgrader"]["points"] for c in graded)
        count = len(exercises(nbformat.read(path, as_version=4)))
        assert rows.get(aid) == f"{points} | {len(graded)} | {count}", f"README's row for {aid}"
    assert set(rows) == set(ASSIGNMENTS), "README lists exactly the course's notebooks"


def test_readme_states_the_tolerances_the_comparison_helper_uses():
    section = grading_section()
    for tol in (FLOAT32_TOLERANCE, FLOAT64_TOLERANCE):
        assert f"rtol={tol['rtol']:.0e}, atol={tol['atol']:.0e}".replace("e-0", "e-") in section
