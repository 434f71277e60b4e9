"""Autograde every submission with nbgrader, through GuardedExecute, after preflight.

One nbgrader API call per submission (in this process, one kernel each), so one broken submission is
reported and the others are still graded.
"""
import warnings

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)

from . import reports
from .course import Course, load_config, nbgrader_api
from .execute import NOTES, GuardedExecute
from .preflight import NOT_GRADABLE, preflight
from .release import register

GRADED, FAILED, NOT_GRADED = "graded", "autograde failed", "not graded"
# nbgrader's own list (nbgrader/converters/autograde.py) with Execute replaced by GuardedExecute.
PREPROCESSORS = [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                 AssignLatePenalties, CheckCellMetadata]


def grading_config(course: Course, sandbox: bool = False, timeout: int | None = None,
                   output_limit: int | None = None):
    """The course config with GuardedExecute in place of Execute, and the options asked for."""
    execute = {"sandbox": sandbox}
    if timeout:
        execute["timeout"] = timeout
    if output_limit:
        execute["output_limit"] = output_limit
    return load_config(course, Autograde={"autograde_preprocessors": PREPROCESSORS},
                       GuardedExecute=execute, NbGraderAPI={"log_level": "WARN"})


def autograde(course: Course, aids: list[str] | None = None, sandbox: bool = False, timeout: int | None = None,
              output_limit: int | None = None) -> dict:
    """Preflight, then grade every gradable submission of `aids`; update and return the report."""
    if sandbox:
        from .sandbox import check_available
        check_available()
    aids = [aid for aid in (aids or course.assignments()) if course.submissions(aid)]
    checked = preflight(course, aids)
    api = nbgrader_api(grading_config(course, sandbox, timeout, output_limit))
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy chatter
    entries = {}
    for aid in aids:
        stale = register(course, aid)
        for student in course.submissions(aid):
            name = reports.key(student, aid)
            print(f"grading {name} ...", flush=True)
            entries[name] = grade_one(api, student, aid, checked[name])
            if stale:
                entries[name]["notes"].append(stale)
    reports.update(course, "autograde", entries)
    return entries


def grade_one(api, student: str, aid: str, checked: dict) -> dict:
    """Autograde one submission unless preflight found it cannot be graded."""
    if checked["status"] == NOT_GRADABLE:
        return {"status": NOT_GRADED, "notes": []}
    result = api.autograde(aid, student, force=True, create=True)
    notes = NOTES.pop(f"{student}/{aid}", [])
    if not result.get("success"):
        last = (result.get("error") or "").strip().splitlines()[-1:] or ["unknown error"]
        return {"status": FAILED, "notes": notes + [f"nbgrader: {last[0]}"]}
    return {"status": GRADED, "notes": notes}
