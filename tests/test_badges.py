"""Every notebook's Colab badge and install line point at this course's own repo and own notebook."""
import re

import pytest

from course import ASSIGNMENTS, REPO, read_notebook, source
from helpers import COURSE_REPO

COLAB = "https://colab.research.google.com/github/" + COURSE_REPO.removeprefix("https://github.com/")


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_badge_points_at_its_own_student_notebook(folder, aid):
    text = "\n".join(source(c) for c in read_notebook(REPO / folder / aid / f"{aid}.ipynb")["cells"])
    links = re.findall(r"https://colab\.research\.google\.com/github/[^)\s\"]+", text)
    assert links == [f"{COLAB}/blob/main/notebooks/{aid}/{aid}.ipynb"], links
    assert f'%pip install -q "git+{COURSE_REPO}"' in text


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_readme_links_every_notebook(aid):
    assert f"{COLAB}/blob/main/notebooks/{aid}/{aid}.ipynb" in (REPO / "README.md").read_text()
