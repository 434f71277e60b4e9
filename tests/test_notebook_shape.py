"""Every notebook opens with its learning goals and ends with its measured results and 2-3 open questions."""
import re

import pytest

from course import ASSIGNMENTS, REPO, nbgrader_cells, read_notebook, source

CYRILLIC_TERM = re.compile(r"\([^()]*[а-яё][^()]*\)", re.IGNORECASE)
TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$", re.MULTILINE)
NUMBERED_ITEM = re.compile(r"^\d+\. ", re.MULTILINE)
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)


def markdown_cells(aid: str) -> list[str]:
    """The markdown cells of the solution notebook, in order, without the "Before you submit" checklist that
    `python -m instructor release` appends to every notebook (tests/test_badges.py checks that one)."""
    cells = read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")["cells"]
    return [source(c) for c in cells if c["cell_type"] == "markdown" and c.get("id") != "before_you_submit"]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_opens_with_title_goals_and_a_russian_term(aid):
    intro = markdown_cells(aid)[0]
    assert intro.startswith(f"# {aid[:2]} · "), "the first cell is the notebook's title"
    goals = re.search(r"\*\*(Learning goals|You will learn to)\*\*\n((?:(?:- |  ).+\n?)+)", intro)
    assert goals, "the first cell lists the learning goals as bullets"
    assert len(re.findall(r"^- ", goals.group(2), re.MULTILINE)) >= 3
    assert CYRILLIC_TERM.search(intro), "the lecture's Russian term, in parentheses, at its first use"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_ends_with_measured_table_and_open_questions(aid):
    cells = markdown_cells(aid)
    questions = cells[-1]
    heading = re.search(r"^(#+ |\*\*)Questions to think about", questions, re.MULTILINE)
    assert heading, "the last markdown cell holds the open questions"
    assert 2 <= len(NUMBERED_ITEM.findall(questions[heading.end():])) <= 3
    measured = [c for c in cells[-3:] if TABLE_RULE.search(c) and re.search(r"\bmeasured\b", c, re.IGNORECASE)]
    assert measured, "one of the closing cells is a table of what this notebook measured"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_graded_cells_give_partial_credit_and_say_when_visible_checks_pass(aid):
    notebook = read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")
    for cell in nbgrader_cells(notebook, "grade"):
        meta = cell["metadata"]["nbgrader"]
        assert 0 < meta["points"] <= 2, f"{meta['grade_id']}: {meta['points']} points; split it into cells of <= 2"
        visible = HIDDEN_BLOCK.sub("", source(cell))
        printed = re.findall(r"^print\(.*passed.*\)\s*$", visible, re.MULTILINE)
        assert len(printed) == 1, f"{meta['grade_id']}: the visible part ends by printing one 'passed' line"
