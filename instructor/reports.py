"""What each step found, per submission: kept as JSON under grades/reports/ and printed for the TA.

A submission is named "student/assignment". Every step adds short, deterministic notes (no times, no
temporary paths), so two gradings of the same files give the same reports and the same CSV.
"""
from .course import Course, read_json, write_json


def key(student: str, aid: str) -> str:
    """How a submission is named in reports."""
    return f"{student}/{aid}"


def path(course: Course, step: str):
    return course.grades / "reports" / f"{step}.json"


def load(course: Course, step: str) -> dict:
    """The report of `step` ({} if it has not run)."""
    return read_json(path(course, step), {})


def update(course: Course, step: str, entries: dict) -> dict:
    """Merge `entries` ({submission: {...}}) into the report of `step`, save it and return it all."""
    report = load(course, step)
    report.update(entries)
    write_json(path(course, step), report)
    return report


def notes_for(course: Course, student: str, aid: str) -> list[str]:
    """Every note the steps left about one submission, in step order."""
    name = key(student, aid)
    notes = list(load(course, "collect").get("notes", {}).get(name, []))
    for step in ("preflight", "autograde"):
        notes += load(course, step).get(name, {}).get("notes", [])
    return notes


def print_entries(title: str, entries: dict) -> None:
    """A readable summary: one line per submission, its notes indented below."""
    print(title)
    for name in sorted(entries):
        entry = entries[name]
        print(f"  {name}: {entry.get('status', '')}")
        for note in entry.get("notes", []):
            print(f"      - {note}")
