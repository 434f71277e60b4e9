"""Collect a folder of downloaded notebooks into nbgrader's submitted/<student>/<aid>/<aid>.ipynb.

Files are named anyhow ("Copy of 03_segmentation.ipynb", "ivanov_03.ipynb"), so a notebook's assignment is
read from its content (grade_ids, cell ids, locked cells), never from its name. Its student is the
sub-folder it sits in, or, for files directly in the folder, the roster entry whose id, name or e-mail
appears in the file name. What cannot be matched is reported, not guessed: the report lists every unmatched file.
Names are compared in Unicode NFC and case-folded (macOS writes "й" in file names as "и" + a combining breve,
NFD), and the roster is read as Excel saves it: UTF-8 with or without a BOM, or Windows-1251, with ',' or ';'.
"""
import csv
import io
import re
import shutil
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import notebooks, reports
from .course import Course, write_json
from .errors import InstructorError
from .matching import best_assignment


@dataclass
class Roster:
    """Student ids and the aliases (name, e-mail, login ...) that identify them in file names."""
    aliases: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> "Roster":
        """A CSV with a header and a `student` column; every other column is an alias."""
        text = _decode(Path(path))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:  # one column: nothing to sniff
            dialect = csv.excel
        rows = list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))
        if not rows or "student" not in rows[0]:
            raise InstructorError(f"{path}: the roster needs a header with a 'student' column")
        roster = cls()
        for row in rows:
            student = _nfc(row["student"] or "").strip()
            names = [student] + [v.strip() for k, v in row.items() if k != "student" and v and v.strip()]
            names += [n.split("@")[0] for n in names if "@" in n]
            roster.aliases[student] = names
        return roster

    def find(self, text: str) -> list[str]:
        """Students one of whose aliases appears, as whole words, in `text`."""
        words = f" {_words(text)} "
        return sorted(s for s, names in self.aliases.items()
                      if any(f" {_words(n)} " in words for n in names if _words(n)))


@dataclass
class Found:
    """One notebook file in the downloads: whose, which assignment, and what collect did with it."""
    file: str
    student: str | None
    assignment: str | None = None
    status: str = "unmatched"  # collected, ignored (an older copy) or unmatched
    why: str = ""

    def ignore(self, why: str) -> None:
        self.status, self.why = "ignored", why


def _decode(path: Path) -> str:
    """A roster's text: UTF-8 (a BOM dropped), else Windows-1251 (what Excel saves on a Russian Windows)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _words(text: str) -> str:
    """Case-folded NFC words separated by single spaces: 'Ivanov_Ivan (1).ipynb' -> 'ivanov ivan 1 ipynb'."""
    return " ".join(re.findall(r"[^\W_]+", _nfc(text).casefold()))


def student_id(name: str) -> str:
    """A folder name made safe as an nbgrader student id (NFC, so macOS and Windows downloads agree)."""
    return re.sub(r"[^\w.-]+", "_", _nfc(name).strip()).strip("_") or "unknown"


def find_notebooks(folder: Path) -> list[Path]:
    """Every .ipynb under `folder`, skipping checkpoints and hidden folders, in a stable order."""
    return sorted(p for p in folder.rglob("*.ipynb")
                  if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def owner(path: Path, folder: Path, roster: Roster | None) -> tuple[str | None, str]:
    """(student, '') for a file, or (None, why not)."""
    rel = path.relative_to(folder)
    if len(rel.parts) > 1:
        top = rel.parts[0]
        found = roster.find(top) if roster else []
        return (found[0] if len(found) == 1 else student_id(top)), ""
    if roster is None:
        return None, "a file outside any student folder, and no --roster to tell whose it is"
    found = roster.find(path.stem)
    if len(found) == 1:
        return found[0], ""
    return None, ("no roster entry appears in the file name" if not found
                  else f"the file name fits several students: {', '.join(found)}")


def named_like(path: Path, aids: list[str]) -> str | None:
    """The one assignment whose number (or id) the file name mentions, if exactly one."""
    numbers = set(re.findall(r"(?<!\d)(\d\d)(?!\d)", path.name))
    hits = [aid for aid in aids if aid[:2] in numbers or aid in path.name]
    return hits[0] if len(hits) == 1 else None


def collect(course: Course, folder: Path, roster: Roster | None = None) -> dict:
    """Copy every matched notebook into submitted/, write grades/reports/collect.json, return the report:
    {"students": [...], "files": [Found, ...], "unmatched": ["file: why", ...], "notes": {name: [...]}}."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise InstructorError(f"{folder} is not a folder")
    releases = course.releases_by_id()
    if not releases:
        raise InstructorError("no released assignments under notebooks/: run `python -m instructor release` first")
    files, chosen, notes = [], {}, {}
    for path in find_notebooks(folder):
        name = path.relative_to(folder).as_posix()
        student, why = owner(path, folder, roster)
        entry = Found(name, student, why=why)
        files.append(entry)
        if student is None:
            continue
        entry.assignment, entry.why = _assignment_of(path, releases)
        aid = entry.assignment
        if aid is None:
            notes.setdefault(student, []).append(f"{name}: {entry.why}")
            continue
        entry.status = "collected"
        hinted = named_like(path, list(releases))
        if hinted and hinted != aid:
            notes.setdefault(reports.key(student, hinted), []).append(
                f"no {hinted} notebook: {name} is named like it but is {aid}")
        previous = chosen.get((student, aid))
        if previous is None or _newer(path, previous[0]):
            if previous:
                previous[1].ignore(f"an older copy of {aid}")
            chosen[(student, aid)] = (path, entry)
        else:
            entry.ignore(f"an older copy of {aid}")
    for (student, aid), (path, entry) in sorted(chosen.items()):
        target = course.submission_path(student, aid)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        notes.setdefault(reports.key(student, aid), []).extend(
            f"ignored {e.file}: {e.why}" for e in files
            if e.student == student and e.assignment == aid and e.status == "ignored")
    students = sorted((set(roster.aliases) if roster else set()) | {e.student for e in files if e.student})
    unmatched = [f"{e.file}: {e.why}" for e in files if e.status == "unmatched"]
    report = {"students": students, "files": files, "unmatched": unmatched, "notes": notes}
    write_json(reports.path(course, "collect"), {**report, "files": [asdict(e) for e in files]})
    return report


def _assignment_of(path: Path, releases: dict) -> tuple[str | None, str]:
    """(assignment id, '') of a notebook file by its content, or (None, why not)."""
    try:
        nb = notebooks.read(path)
    except notebooks.UnreadableNotebook as error:
        return None, str(error)
    if not nb.cells:
        return None, "an empty notebook (no cells)"
    aid, overlap = best_assignment(nb, releases)
    if aid is None:
        return None, f"matches no assignment (best: {overlap:.0%} of an assignment's cells)"
    return aid, ""


def _newer(a: Path, b: Path) -> bool:
    """Whether file a was saved after file b (ties: the later name wins, so the choice is stable)."""
    return (a.stat().st_mtime, a.name) > (b.stat().st_mtime, b.name)


def print_report(report: dict) -> None:
    """What was collected where, and what was not."""
    for e in report["files"]:
        where = f"{e.student}/{e.assignment}" if e.status == "collected" else e.status.upper()
        print(f"  {e.file}  ->  {where}" + (f"  ({e.why})" if e.why else ""))
    unmatched = report["unmatched"]
    print(f"{len(report['files'])} notebooks: {len(report['files']) - len(unmatched)} matched, "
          f"{len(unmatched)} unmatched" + (":" if unmatched else ""))
    for line in unmatched:
        print(f"  UNMATCHED {line}")
