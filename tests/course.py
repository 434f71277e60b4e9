"""What tests share about the course: where it is, its assignments, reading notebooks, and a throwaway copy
built with instructor's own `Course.copy_to` to release and grade in like a TA would."""
import json
import subprocess
import sys
from pathlib import Path

from instructor.course import Course, venv_on_path
from instructor.notebooks import source  # noqa: F401  (one source() for every test module)

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = Course(REPO).assignments()


def make_course(root: Path, aids: list[str] | None = None, releases: bool = False) -> Course:
    """A throwaway copy of the course at `root` (sources of `aids`, default all; their releases when asked)."""
    return Course(REPO).copy_to(root, aids, releases)


def env() -> dict[str, str]:
    """The environment tests run course tools in: this venv's bin first on PATH."""
    import os
    return venv_on_path(os.environ)


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in `course`."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


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
