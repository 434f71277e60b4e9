"""What the grader trusts once student code has run: no path in a submission folder, and no course file unchecked.

A kernel, sandboxed or not, can plant a symlink in its own folder (`01_unpooling.ipynb -> ../../../solutions/...`),
a FIFO or a hard link; nbgrader, which runs outside the sandbox, would then write the autograded notebook through
it, and export would read someone else's file. So:
- `clean()` removes from the folder everything that is not a plain file or folder, once the kernel is gone;
- `read_text()` opens a file only when it is a regular file inside the folder it should be in (resolve and
  compare, then O_NOFOLLOW), so a link that appears later is refused as well;
- `Snapshot` keeps the course sources and the gradebook as they were before grading, and puts back whatever a
  submission graded without the sandbox changed (the sandbox does not show them to a kernel at all).
"""
import importlib.util
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course


class Refused(ValueError):
    """A path the grader will not follow: a symlink, a special file, or a place outside its folder."""


def clean(folder: Path) -> list[str]:
    """Remove symlinks, special files and hard-linked files under `folder`; one note per removal, by path."""
    notes = []
    for root, dirs, files in os.walk(folder):  # does not descend into symlinked folders
        for name in sorted(dirs + files):
            path = os.path.join(root, name)
            what = _untrusted(os.lstat(path))
            if what:
                target = f" to {os.readlink(path)}" if what == "a symlink" else ""
                os.unlink(path)
                notes.append(f"{os.path.relpath(path, folder)}: {what}{target} in its folder after its kernel ran: "
                             f"removed before the grader wrote there")
        dirs[:] = [d for d in dirs if os.path.isdir(os.path.join(root, d))]
    return notes


def _untrusted(st: os.stat_result) -> str | None:
    """Why a folder entry must not stay, or None for a plain folder or a file with no other name."""
    if stat.S_ISLNK(st.st_mode):
        return "a symlink"
    if stat.S_ISDIR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        return "a special file (FIFO, socket or device)"
    return "a hard link to a file elsewhere" if st.st_nlink > 1 else None


def read_text(path: Path, folder: Path) -> str:
    """The text of `path`, which must be a regular file inside `folder` reached through no symlink; else Refused."""
    path, folder = Path(path), Path(folder)
    expected = os.path.join(os.path.realpath(folder), os.path.relpath(path, folder))
    if os.path.realpath(path) != expected or ".." in Path(os.path.relpath(path, folder)).parts:
        raise Refused(f"{path.name}: a symlink or a path outside {folder.name}/, not read")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise Refused(f"{path.name}: not opened ({error.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise Refused(f"{path.name}: not a regular file, not read")
        return f.read().decode("utf-8")


def course_files(course: Course) -> list[Path]:
    """What grading must leave as it found it: solutions/, notebooks/, the config, helpers/ and gradebook.db."""
    roots = [course.solutions, course.releases, course.root / "nbgrader_config.py", course.gradebook]
    roots += _helpers_dirs()
    files = []
    for root in roots:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files += [p for p in root.rglob("*") if "__pycache__" not in p.parts and (p.is_file() or p.is_symlink())]
    return sorted(set(files))


def _helpers_dirs() -> list[Path]:
    """Where the kernels import the course's `helpers` package from."""
    spec = importlib.util.find_spec("helpers")
    return [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []


@dataclass
class Snapshot:
    """The bytes of the course's files before grading; `restore()` puts back any change and names it."""
    course: Course
    files: dict[Path, bytes] = field(default_factory=dict)

    @classmethod
    def take(cls, course: Course) -> "Snapshot":
        return cls(course, {p: p.read_bytes() for p in course_files(course) if not p.is_symlink()})

    def restore(self) -> list[str]:
        """Write back every changed, replaced or removed file, remove added ones; the paths, sorted."""
        changed = []
        for path in sorted(set(course_files(self.course)) | set(self.files)):
            old = self.files.get(path)
            if old is not None and not path.is_symlink() and path.is_file() and path.read_bytes() == old:
                continue
            if path.is_symlink() or path.exists():
                path.unlink()
            if old is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(old)
            changed.append(self._label(path))
        return changed

    def _label(self, path: Path) -> str:
        """The path as the CSV names it: from the course root, or from helpers/'s parent (no machine paths)."""
        for root in (self.course.root, *(p.parent for p in _helpers_dirs())):
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return path.name
