"""The course folder: where nbgrader's folders and ours are, its config, and nbgrader's API bound to it."""
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from . import notebooks
from .errors import InstructorError

CONFIG_FILE = "nbgrader_config.py"


@dataclass(frozen=True)
class Course:
    """Paths of one course folder (the repo root, or a copy of it)."""
    root: Path

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def releases(self) -> Path:
        return self.root / "notebooks"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def grades(self) -> Path:
        """Our outputs: grade CSVs, reports, the originals of repaired submissions."""
        return self.root / "grades"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def assignments(self) -> list[str]:
        """Assignment ids with a source notebook, in order (solutions/NN_topic/NN_topic.ipynb)."""
        return sorted(d.name for d in self.solutions.glob("[0-9][0-9]_*") if (d / f"{d.name}.ipynb").is_file())

    def release_path(self, aid: str) -> Path:
        return self.releases / aid / f"{aid}.ipynb"

    def release(self, aid: str) -> dict:
        """The student version of `aid`, as released."""
        path = self.release_path(aid)
        if not path.is_file():
            raise InstructorError(f"{path} is missing: run `python -m instructor release` first")
        return notebooks.read(path)

    def releases_by_id(self) -> dict[str, dict]:
        """Every released assignment, by id."""
        return {aid: self.release(aid) for aid in self.assignments() if self.release_path(aid).is_file()}

    def submission_path(self, student: str, aid: str) -> Path:
        return self.submitted / student / aid / f"{aid}.ipynb"

    def submissions(self, aid: str) -> list[str]:
        """Students with a submitted notebook for `aid`, sorted."""
        return sorted(p.parent.parent.name for p in self.submitted.glob(f"*/{aid}/{aid}.ipynb"))

    def students(self) -> list[str]:
        """Every student folder under submitted/, sorted."""
        return sorted(p.name for p in self.submitted.glob("*") if p.is_dir())

    def copy_to(self, root: Path, aids: list[str] | None = None, releases: bool = False) -> "Course":
        """A throwaway course at `root`: the config and the sources of `aids` (default all), with their
        committed releases when asked (for tests and benchmarks: grading needs no `release` run then)."""
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.root / CONFIG_FILE, root)
        copy = Course(root)
        for aid in aids or self.assignments():
            shutil.copytree(self.solutions / aid, copy.solutions / aid)
            if releases:
                shutil.copytree(self.releases / aid, copy.releases / aid)
        return copy


def load_config(course: Course, **overrides: dict) -> Config:
    """nbgrader_config.py of the course, with `overrides` ({"Section": {"trait": value}}) on top."""
    config = Config()
    if (course.root / CONFIG_FILE).is_file():
        config.merge(PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config())
    config.CourseDirectory.root = str(course.root)
    config.Exchange.root = str(course.grades / ".exchange")  # we use no exchange; keep nbgrader off /srv
    for section, traits in overrides.items():
        for name, value in traits.items():
            config[section][name] = value
    return config


def nbgrader_api(config: Config):
    """nbgrader's Python API for the course in `config` (the venv's bin goes on PATH: nbgrader calls alembic)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    os.environ.update(venv_on_path(os.environ))
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def venv_on_path(env) -> dict[str, str]:
    """A copy of `env` whose PATH starts with this Python's bin folder (nbgrader runs `alembic` and `jupyter`)."""
    bin_dir = str(Path(sys.executable).parent)
    path = env.get("PATH", "")
    return dict(env, PATH=path if bin_dir in path.split(os.pathsep) else bin_dir + os.pathsep + path)


def check(result: dict, what: str) -> None:
    """Raise with nbgrader's own log when an API call failed."""
    if not result.get("success"):
        raise RuntimeError(f"{what} failed:\n{result.get('log', '')}\n{result.get('error', '')}")


def read_json(path: Path, default):
    """A JSON file, or `default` when it does not exist yet."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default


def write_json(path: Path, data) -> None:
    """Write `data` as stable, sorted, human-readable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
