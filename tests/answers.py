"""Run catalogues of other answers against a notebook's graded cells, in one kernel per notebook.

An exercise is a run of consecutive solution cells plus the graded test cells that follow them. The kernel executes
the solution notebook from the top; right after an exercise's last test cell it defines each catalogued answer in
place of the solution, re-runs only that exercise's test cells, and puts the solution back. Cells no graded cell
needs are skipped: those after the last graded cell, and experiment cells none of whose names a later needed cell
reads (`needed_cells`; a cell skipped wrongly shows as a NameError in the solution's own tests). At the end, each
exercise in turn is put back to its release stub (`raise NotImplementedError()`) while the test cells of every later
exercise run again: they must all pass, so a missing or broken answer costs points in its own exercise only.

Catalogues are `tests/alternatives/<aid>.py` and `tests/wrong_answers/<aid>.py`, each defining
`ANSWERS = {exercise: {label: source}}`, where `exercise` is the grade_id of any solution cell of the exercise and
`source` redefines its function(s) or class(es).
"""
import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course import REPO

CATALOGUES = Path(__file__).resolve().parent


@dataclass
class Exercise:
    """Consecutive solution cells and the graded test cells after them (indices into the notebook)."""

    names: list[str]
    solution_cells: list[int] = field(default_factory=list)
    test_cells: list[int] = field(default_factory=list)


@dataclass
class Outcome:
    """What one catalogued answer did: the test cells it failed (by grade_id) and the first error seen."""

    kind: str
    exercise: str
    label: str
    failed: list[str]
    error: str = ""


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _stderr(cell) -> str:
    """What the cell wrote to stderr (nbgrader scores such a cell 0), "" if nothing."""
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stderr").strip()


def exercises(nb) -> list[Exercise]:
    """The notebook's exercises in order; every one has at least one solution cell."""
    found: list[Exercise] = []
    for index, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if meta.get("solution") and cell.cell_type == "code":
            if not found or found[-1].test_cells:
                found.append(Exercise(names=[]))
            found[-1].names.append(meta["grade_id"])
            found[-1].solution_cells.append(index)
        elif meta.get("grade") and found:
            found[-1].test_cells.append(index)
    return found


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds anywhere, names it reads without binding them itself); IPython magic lines dropped."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):  # a parameter: bound inside its function
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound, read - bound


def needed_cells(nb, last: int) -> list[int]:
    """The code cells up to `last` that the graded cells need: every graded cell, the first code cell (setup), and,
    walking back, every cell that binds a name some needed later cell reads."""
    code = [index for index in range(last + 1) if nb.cells[index].cell_type == "code"]
    needed, wanted = [], set()
    for index in reversed(code):
        bound, read = _names(nb.cells[index].source)
        meta = _nbgrader(nb.cells[index])
        if meta.get("solution") or meta.get("grade") or index == code[0] or bound & wanted:
            needed.append(index)
            wanted |= read
    return needed[::-1]


def catalogue(kind: str, aid: str) -> dict[str, dict[str, str]]:
    """tests/<kind>/<aid>.py's ANSWERS, or {} when the file does not exist."""
    path = CATALOGUES / kind / f"{aid}.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"{kind}_{aid}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ANSWERS


class NotebookKernel:
    """A live kernel that has run a solution notebook up to some cell; runs extra sources in between."""

    def __init__(self, path: Path, workdir: Path, timeout: int = 600):
        self.nb = nbformat.read(path, as_version=4)
        self.nb.cells.append(nbformat.v4.new_code_cell(""))  # where extra sources run (nbclient stores each cell back)
        self.scratch = len(self.nb.cells) - 1
        self.client = NotebookClient(self.nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(workdir)}})

    def run_cell(self, index: int) -> None:
        """Execute the notebook's cell `index`; CellExecutionError if it raises."""
        self.client.execute_cell(self.nb.cells[index], index)

    def run_source(self, source: str) -> None:
        """Execute `source` as an extra code cell; CellExecutionError if it raises."""
        self.nb.cells[self.scratch] = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(self.nb.cells[self.scratch], self.scratch)

    def failing_tests(self, exercise: Exercise) -> tuple[list[str], str]:
        """The grade_ids of the exercise's test cells that nbgrader would score 0 now (an error, or anything written
        to stderr, such as a warning), and the first such message."""
        failed, first = [], ""
        for index in exercise.test_cells:
            try:
                self.run_cell(index)
                message = _stderr(self.nb.cells[index])
            except CellExecutionError as error:
                message = (str(error).strip().splitlines() or ["error"])[-1]
            if message:
                failed.append(_nbgrader(self.nb.cells[index])["grade_id"])
                first = first or message[:300]
        return failed, first


def stubs(aid: str) -> dict[str, str]:
    """The release's source of every solution cell (the student's starting point), by grade_id."""
    release = nbformat.read(REPO / "notebooks" / aid / f"{aid}.ipynb", as_version=4)
    return {_nbgrader(c)["grade_id"]: c.source for c in release.cells if _nbgrader(c).get("solution")}


def run_catalogues(aid: str, workdir: Path) -> tuple[list[Exercise], list[Outcome]]:
    """Execute solutions/<aid> once, trying every catalogued answer right after its exercise's test cells, then
    stubbing each exercise in turn under the later exercises' test cells (kind "isolation")."""
    kernel = NotebookKernel(REPO / "solutions" / aid / f"{aid}.ipynb", workdir)
    found = exercises(kernel.nb)
    by_name = {name: ex for ex in found for name in ex.names}
    answers = {kind: catalogue(kind, aid) for kind in ("alternatives", "wrong_answers")}
    unknown = {name for kind in answers.values() for name in kind} - set(by_name)
    assert not unknown, f"catalogues of {aid} name exercises that do not exist: {sorted(unknown)}"
    last = max(i for ex in found for i in ex.test_cells)
    outcomes: list[Outcome] = []
    needed = set(needed_cells(kernel.nb, last))
    with kernel.client.setup_kernel():
        for index in range(last + 1):
            if index in needed:
                kernel.run_cell(index)
            for ex in found:
                if ex.test_cells and index == ex.test_cells[-1]:
                    outcomes += _try_answers(kernel, ex, answers)
        outcomes += _isolation(kernel, found, stubs(aid))
    return found, outcomes


def _isolation(kernel: NotebookKernel, found: list[Exercise], stub_sources: dict[str, str]) -> list[Outcome]:
    """With one exercise stubbed at a time, the later exercises' test cells that fail (none, when tests are fair)."""
    outcomes = []
    for position, ex in enumerate(found[:-1]):
        later = Exercise(names=[], test_cells=[i for other in found[position + 1:] for i in other.test_cells])
        for name in ex.names:
            kernel.run_source(stub_sources[name])
        failed, error = kernel.failing_tests(later)
        outcomes.append(Outcome("isolation", ex.names[0], "release stub", failed, error))
        for index in ex.solution_cells:
            kernel.run_cell(index)
    return outcomes


def _try_answers(kernel: NotebookKernel, ex: Exercise, answers: dict) -> list[Outcome]:
    """Each catalogued answer of `ex` against its test cells; the solution is put back after each."""
    outcomes = []
    for kind, entries in answers.items():
        for name in ex.names:
            for label, source in entries.get(name, {}).items():
                try:
                    kernel.run_source(source)
                    failed, error = kernel.failing_tests(ex)
                except CellExecutionError as defining:
                    failed, error = ["<defining the answer>"], str(defining).strip().splitlines()[-1][:300]
                outcomes.append(Outcome(kind, name, label, failed, error))
                for index in ex.solution_cells:
                    kernel.run_cell(index)
    return outcomes
