"""A throwaway nbgrader course built from this repo, to release and autograde in tests like a TA would."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from instructor.course import Course

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = Course(REPO).assignments()


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in `course`, with the venv's bin on PATH (nbgrader calls alembic)."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def make_course(root: Path) -> Path:
    """Copy the sources and the config into `root`: an nbgrader course with nothing released yet."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "solutions", root / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", root)
    return root


def release(course: Path, aid: str) -> Path:
    """Release `aid` in `course` (once) and return the student notebook's folder."""
    folder = course / "notebooks" / aid
    if not folder.exists():
        nbgrader(course, "generate_assignment", aid, "--force")
    return folder


def read_notebook(path: Path) -> dict:
    """A notebook as plain JSON."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def nbgrader_cells(notebook: dict, kind: str) -> list[dict]:
    """Cells whose nbgrader metadata has `kind` ("grade", "solution", "locked") set."""
    return [c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get(kind)]


def source(cell: dict) -> str:
    """A cell's source as one string."""
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text
