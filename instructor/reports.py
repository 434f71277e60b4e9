"""What each step found, per submission: kept as JSON under grades/reports/ and printed for the TA.

A submission is named "student/assignment". Every step adds short, deterministic notes (no times, no
temporary paths), so two gradings of the same files give the same reports and the same CSV.
"""
from dataclasses import asdict, dataclass, field

from .course import Course, read_json, write_json


@dataclass
class Entry:
    """What preflight found about one submission: one status word and the notes behind it."""
    status: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Graded(Entry):
    """What autograding gave one submission: its status, notes and points per graded cell (grade_id)."""
    scores: dict[str, float | None] = field(default_factory=dict)


ENTRIES = {"preflight": Entry, "autograde": Graded}


def key(student: str, aid: str) -> str:
    """How a submission is named in reports."""
    return f"{student}/{aid}"


def split(name: str) -> tuple[str, str]:
    """(student, aid) of a submission's name."""
    student, aid = name.rsplit("/", 1)
    return student, aid


def path(course: Course, step: str):
    return course.grades / "reports" / f"{step}.json"


def load(course: Course, step: str) -> dict:
    """The report of `step`: {submission: Entry} for preflight and autograde, plain JSON for collect."""
    data = read_json(path(course, step), {})
    return {name: ENTRIES[step](**entry) for name, entry in data.items()} if step in ENTRIES else data


def update(course: Course, step: str, entries: dict[str, Entry]) -> dict[str, Entry]:
    """Merge `entries` into the report of `step`, save it and return it all."""
    report = {**load(course, step), **entries}
    save(course, step, report)
    return report


def save(course: Course, step: str, report: dict) -> None:
    """Write a whole report (entries as JSON objects)."""
    write_json(path(course, step), {k: asdict(v) if isinstance(v, Entry) else v for k, v in report.items()})


def notes_for(course: Course, student: str, aid: str) -> list[str]:
    """Every note the steps left about one submission, in step order."""
    name = key(student, aid)
    notes = list(load(course, "collect").get("notes", {}).get(name, []))
    for step in ("preflight", "autograde"):
        entry = load(course, step).get(name)
        notes += entry.notes if entry else []
    return notes


def print_entries(title: str, entries: dict[str, Entry]) -> None:
    """A readable summary: one line per submission, its notes indented below."""
    print(title)
    for name in sorted(entries):
        print(f"  {name}: {entries[name].status}")
        for note in entries[name].notes:
            print(f"      - {note}")
