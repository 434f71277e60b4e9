"""Grading a class on several machines: `--shard i/n` grades a fixed slice of the students and writes a result
folder; `python -m instructor merge DIR...` puts the folders together into the same CSVs a single run gives.

Any engine that can start n copies of one command does the scheduling (a Slurm array, a CI matrix): each
copy runs `python -m instructor grade downloads/ --shard $i/$n --out shard-$i` on its own checkout. A
student's slice is fixed by a hash of their id, so every machine agrees on it without talking to the others.
A result folder holds what export needs and nothing else: the reports of its submissions (collect's whole),
and their submitted/ and autograded/ folders.
"""
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import gradebook, reports
from .course import Course, read_json, write_json
from .errors import InstructorError
from .release import register

STEPS = ("collect", "preflight", "autograde")


@dataclass(frozen=True)
class Shard:
    """Slice `index` (1-based) of `count`."""
    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """'2/3' -> Shard(2, 3)."""
        try:
            index, count = (int(x) for x in text.split("/"))
        except ValueError:
            raise InstructorError(f"--shard {text!r}: expected i/n, e.g. 2/3") from None
        if not 1 <= index <= count:
            raise InstructorError(f"--shard {text}: i must be between 1 and n")
        return cls(index, count)

    def has(self, student: str) -> bool:
        """Whether `student` is graded in this slice (the same answer on every machine)."""
        digest = hashlib.sha256(student.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def write_result(course: Course, entries: dict, out: Path) -> Path:
    """The shard's result folder: its reports, and the submitted/ and autograded/ folders of its submissions."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    write_json(out / "reports" / "collect.json", reports.load(course, "collect"))
    for step in ("preflight", "autograde"):
        step_report = reports.load(course, step)
        reports.save(_Folder(out), step, {name: step_report[name] for name in sorted(entries) if name in step_report})
    for name in sorted(entries):
        student, aid = reports.split(name)
        for kind in ("submitted", "autograded"):
            folder = getattr(course, kind) / student / aid
            if folder.is_dir():
                shutil.copytree(folder, out / kind / student / aid, symlinks=True)
    return out


def merge(course: Course, folders: list[Path]) -> dict:
    """Copy every shard's submissions into the course, merge the reports, record the grades in gradebook.db."""
    merged = {step: {} for step in STEPS}
    for folder in map(Path, folders):
        if not (folder / "reports" / "autograde.json").is_file():
            raise InstructorError(f"{folder} is not a shard's result folder (no reports/autograde.json)")
        shard = _Folder(folder)
        graded = reports.load(shard, "autograde")
        twice = sorted(set(graded) & set(merged["autograde"]))
        if twice:
            raise InstructorError(f"{folder}: {', '.join(twice[:5])} graded in more than one shard")
        merged["autograde"].update(graded)
        merged["preflight"].update(reports.load(shard, "preflight"))
        _merge_collect(merged["collect"], read_json(folder / "reports" / "collect.json", {}))
        for kind in ("submitted", "autograded"):
            if (folder / kind).is_dir():
                shutil.copytree(folder / kind, getattr(course, kind), dirs_exist_ok=True, symlinks=True)
    write_json(reports.path(course, "collect"), merged["collect"])
    for step in ("preflight", "autograde"):
        reports.update(course, step, merged[step])
    for aid in sorted({reports.split(name)[1] for name in merged["autograde"]}):
        register(course, aid)  # gradebook.db needs the assignment before it takes scores
    gradebook.record(course, merged["autograde"])
    return merged["autograde"]


def _merge_collect(into: dict, report: dict) -> None:
    """Collect reports of the same downloads agree; of different ones, the union."""
    into["students"] = sorted(set(into.get("students", [])) | set(report.get("students", [])))
    files = {f["file"]: f for f in into.get("files", []) + report.get("files", [])}
    into["files"] = [files[name] for name in sorted(files)]
    into["unmatched"] = sorted(set(into.get("unmatched", [])) | set(report.get("unmatched", [])))
    notes = into.setdefault("notes", {})
    for name, more in report.get("notes", {}).items():
        notes[name] = list(dict.fromkeys(notes.get(name, []) + more))


@dataclass(frozen=True)
class _Folder:
    """A result folder seen through reports.path(): its reports/ sit where a course keeps grades/reports/."""
    root: Path

    @property
    def grades(self) -> Path:
        return self.root
