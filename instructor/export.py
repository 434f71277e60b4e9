"""Export: grades/<aid>.csv (student, points per exercise, total, max, flags), grades/totals.csv, and a
feedback page per graded submission at feedback/<student>/<aid>/<aid>.html.

Rows are sorted by student, columns follow the notebook, numbers are printed the same way every time, and
flags are the steps' deterministic notes: grading the same files twice gives byte-identical CSVs.
An autograded notebook is student-controlled data: it is read only as a regular file in its own folder
(confine.read_text), and one that cannot be read costs that student's feedback page, with a flag, never the
export of the others.
"""
import csv
import os
from pathlib import Path

from . import feedback, notebooks, reports
from .autograde import GRADED
from .confine import Refused, read_text
from .course import Course

SCAN_PREFIX = "suspicious code"


def export(course: Course, aids: list[str] | None = None) -> list[Path]:
    """Write the CSVs and feedback pages for `aids` (default: every released assignment)."""
    aids = [aid for aid in (aids or course.assignments()) if course.release_path(aid).is_file()]
    written, totals = [], {}
    graded = reports.load(course, "autograde")
    for aid in aids:
        exercises = {notebooks.grade_id(c): float(notebooks.meta(c)["points"])
                     for c in notebooks.grade_cells(course.release(aid))}
        rows = []
        for student in students(course, aid):
            entry, problems = graded.get(reports.key(student, aid)), []
            if entry and entry.status == GRADED:
                try:
                    written.append(write_feedback(course, student, aid, exercises, entry.scores))
                except (Refused, notebooks.UnreadableNotebook, UnicodeDecodeError, OSError) as error:
                    problems.append(f"no feedback page: the autograded notebook {error}")
                except Exception as error:  # valid JSON shaped like no notebook the grader wrote: still one row
                    problems.append(f"no feedback page: the autograded notebook is malformed "
                                    f"({type(error).__name__}: {error})")
            rows.append(row(course, student, aid, exercises, entry, problems))
            totals.setdefault(student, {})[aid] = rows[-1]["total"]
        written.append(write_csv(course.grades / f"{aid}.csv", ["student", *exercises, "total", "max", "flags"], rows))
    written.append(write_totals(course, aids, totals))
    return written


def students(course: Course, aid: str) -> list[str]:
    """Everyone who should have a row: the roster (via collect) and whoever submitted."""
    known = set(reports.load(course, "collect").get("students", []))
    return sorted(known | set(course.submissions(aid)))


def row(course: Course, student: str, aid: str, exercises: dict[str, float], entry: reports.Graded | None,
        problems: tuple[str, ...] = ()) -> dict:
    """One CSV row: points per exercise, total, max and flags (blank points when not graded), `problems` last."""
    graded = entry is not None and entry.status == GRADED
    points = entry.scores if graded else {}
    r = {"student": student, **{gid: _fmt(points.get(gid)) for gid in exercises}}
    r["total"] = _fmt(sum(p or 0 for p in points.values())) if graded else ""
    r["max"] = _fmt(sum(exercises.values()))
    r["flags"] = "; ".join([*flags(course, student, aid, entry.status if entry else None), *problems])
    return r


def flags(course: Course, student: str, aid: str, status: str | None) -> list[str]:
    """Why a row needs a look: missing, not gradable, failed, repaired, rebinding, timeouts ..."""
    out = []
    if not course.submission_path(student, aid).is_file():
        out.append("no submission")
        out += reports.load(course, "collect").get("notes", {}).get(student, [])  # unmatched files
    elif status is None:
        out.append("not autograded yet")
    elif status != GRADED:
        out.append(status)
    return out + reports.notes_for(course, student, aid)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    """A CSV with '\\n' line ends, columns in the given order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_totals(course: Course, aids: list[str], totals: dict) -> Path:
    """grades/totals.csv: one row per student, one total per assignment."""
    rows = [{"student": s, **{aid: t.get(aid, "") for aid in aids}} for s, t in sorted(totals.items())]
    return write_csv(course.grades / "totals.csv", ["student", *aids], rows)


def write_feedback(course: Course, student: str, aid: str, exercises: dict[str, float],
                   points: dict[str, float | None]) -> Path:
    """feedback/<student>/<aid>/<aid>.html from the autograded notebook and its scores."""
    folder = course.autograded / student / aid
    path = folder / f"{aid}.ipynb"
    autograded = notebooks.parse(read_text(path, folder), path.name) if os.path.lexists(path) else None
    rows = feedback.results(autograded, {gid: (points.get(gid), m) for gid, m in exercises.items()})
    notes = [n for n in reports.notes_for(course, student, aid) if not n.startswith(SCAN_PREFIX)]
    path = course.feedback / student / aid / f"{aid}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback.render(student, aid, rows, notes), encoding="utf-8")
    return path


def _fmt(x) -> str:
    """Points as the CSV shows them: 1, 0.5, '' for none."""
    return "" if x is None else f"{x:g}"
