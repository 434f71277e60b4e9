"""The one writer of the course's gradebook.db: grading workers keep private gradebooks, this puts their
scores into nbgrader's, one submission after another, so no two writers ever meet on the SQLite file.

nbgrader's own tools (formgrader, `nbgrader export`) then see the same scores as grades/<aid>.csv.
"""
import warnings

from nbgrader.api import Gradebook

from . import reports
from .course import Course


def record(course: Course, entries: dict[str, reports.Graded]) -> None:
    """Write the auto scores of the graded `entries` into gradebook.db (the assignments are registered there)."""
    graded = {name: e for name, e in sorted(entries.items()) if e.scores}
    if not graded:
        return
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy chatter
    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        for name, entry in graded.items():
            student, aid = reports.split(name)
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(aid, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name in entry.scores:
                        grade.auto_score = entry.scores[grade.name]
                        grade.needs_manual_grade = False
            gb.db.commit()


def scores(url: str, student: str, aid: str) -> dict[str, float | None]:
    """grade_id -> auto score of one submission in the gradebook at `url`."""
    with Gradebook(url) as gb:
        submission = gb.find_submission(aid, student)
        return {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades}
