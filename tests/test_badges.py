"""Every notebook installs from, and its badge opens, the repository recorded in course.toml; every one ends with
the "Before you submit" checklist (both written by `python -m instructor publish` / `release`)."""
import re

import pytest

from course import ASSIGNMENTS, REPO, read_notebook, source
from instructor.publish import BEFORE_YOU_SUBMIT, CLOSING_ID, Location, bootstrap, package_version

LOCATION = Location.load(REPO)
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"]+")


def cells(folder: str, aid: str) -> list[dict]:
    return read_notebook(REPO / folder / aid / f"{aid}.ipynb")["cells"]


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_badge_points_at_its_own_student_notebook(folder, aid):
    links = COLAB_LINK.findall("\n".join(source(c) for c in cells(folder, aid)))
    assert links == [LOCATION.colab_url(aid)], "run `python -m instructor release` (README, Publishing the course)"


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_setup_cell_opens_with_the_install_bootstrap(folder, aid):
    setup = [source(c) for c in cells(folder, aid) if c.get("id") == "setup"]
    assert len(setup) == 1, "one setup cell, id 'setup'"
    assert setup[0].startswith(bootstrap(LOCATION, package_version(REPO)) + "\n"), (
        "stale install block: run `python -m instructor release`")
    assert "%pip" not in setup[0], "%pip never raises: a failed install must stop the cell"


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_ends_with_before_you_submit(folder, aid):
    last = cells(folder, aid)[-1]
    assert last.get("id") == CLOSING_ID and source(last) == BEFORE_YOU_SUBMIT.rstrip("\n")
    assert last["metadata"]["nbgrader"]["locked"]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_readme_links_every_notebook(aid):
    assert LOCATION.colab_url(aid) in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_points_students_at_the_checklist():
    assert "Before you submit" in (REPO / "README.md").read_text(encoding="utf-8")
