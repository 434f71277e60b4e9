"""Reading, writing and looking at notebooks as submitted: tolerant of Colab, old formats and damage."""
import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode


class UnreadableNotebook(ValueError):
    """A file that is not a notebook at all (bad JSON, not nbformat 4)."""


def read(path: Path) -> NotebookNode:
    """A notebook from disk, as nbformat 4; raises UnreadableNotebook instead of JSON or schema errors."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UnreadableNotebook(f"{Path(path).name}: not a JSON notebook ({error})") from None
    return parse(text, Path(path).name)


def parse(text: str, name: str) -> NotebookNode:
    """A notebook from its file's text (`name` for messages), as `read` gives it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableNotebook(f"{name}: not a JSON notebook ({error})") from None
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(data.get("cells"), list):
        raise UnreadableNotebook(f"{name}: not an nbformat 4 notebook")
    return nbformat.from_dict(data)


def write(nb: NotebookNode, path: Path) -> None:
    """Write `nb` as nbformat 4.5, with sorted keys so that equal notebooks give equal files."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def source(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def normalized(text: str) -> str:
    """Source compared for equality: trailing spaces and blank edges do not count."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def meta(cell: dict) -> dict:
    """The cell's nbgrader metadata, {} when there is none."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell: dict) -> str | None:
    """The cell's nbgrader grade_id, if it has one."""
    return meta(cell).get("grade_id")


def is_grade(cell: dict) -> bool:
    """A graded test cell (nbgrader `grade: true`)."""
    return bool(meta(cell).get("grade"))


def is_solution(cell: dict) -> bool:
    """An answer cell (nbgrader `solution: true`)."""
    return bool(meta(cell).get("solution"))


def is_locked(cell: dict) -> bool:
    """A cell students must not edit: locked, or a graded test cell."""
    m = meta(cell)
    return bool(m.get("locked") or (m.get("grade") and not m.get("solution")))


def grade_cells(nb: dict) -> list[dict]:
    """The graded cells, in notebook order."""
    return [c for c in nb["cells"] if is_grade(c)]
