"""Autograde every gradable submission with nbgrader, `jobs` at a time, after preflight.

Each submission is graded by its own nbgrader app, with its own kernel and its own gradebook file (a copy of
the assignment's, made once per run), in a worker process when jobs > 1. Workers share nothing they write:
each writes only its submission's folder in autograded/ and its private gradebook. Their results come back
as `Graded` entries; this process alone writes them into gradebook.db (gradebook.py) and the report, in
submission order, so the CSV is the same whichever worker finished first. One broken submission is
reported and the others are still graded.

Student code runs in the bubblewrap sandbox wherever it can start (said once when it cannot; `sandbox=False`
turns it off). The course's sources and gradebook are kept as they were before grading (confine.Snapshot): a
change a submission made without the sandbox is put back and flagged on the submission graded when it happened.
"""
import multiprocessing
import os
import shutil
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.converters import Autograde
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)
from nbgrader.utils import capture_log, temp_attrs

from . import gradebook, reports
from .confine import Snapshot
from .course import Course, load_config, nbgrader_api
from .execute import GuardedExecute
from .limits import Limits
from .preflight import NOT_GRADABLE, preflight
from .release import register
from .reports import Graded
from .shards import Shard

GRADED, FAILED, NOT_GRADED = "graded", "autograde failed", "not graded"
# nbgrader's own list (nbgrader/converters/autograde.py) with Execute replaced by GuardedExecute.
PREPROCESSORS = [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                 AssignLatePenalties, CheckCellMetadata]
MATH_THREADS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@dataclass(frozen=True)
class Settings:
    """How to grade: the same for every submission of a run (sent to each worker)."""
    sandbox: bool | None = None  # None: wherever bubblewrap can start; True: required; False: off
    timeout: int | None = None
    output_limit: int | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Task:
    """One submission to grade, and the gradebook (with its assignment registered) its worker starts from."""
    root: Path
    student: str
    aid: str
    template: Path


class GuardedAutograde(Autograde):
    """nbgrader's autograde converter that keeps its GuardedExecute instances, to read what they did."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.executors: list[GuardedExecute] = []

    def _init_preprocessors(self) -> None:
        super()._init_preprocessors()
        self.executors += [p for p in self.exporter._preprocessors if isinstance(p, GuardedExecute)]


def grading_config(course: Course, settings: Settings, db: Path | None = None):
    """The course config with GuardedExecute in place of Execute, the settings, and a private gradebook."""
    execute = {"sandbox": settings.sandbox, "limits": settings.limits}
    if settings.timeout:
        execute["timeout"] = settings.timeout
    if settings.output_limit:
        execute["output_limit"] = settings.output_limit
    directory = {"db_url": f"sqlite:///{db}"} if db else {}
    return load_config(course, Autograde={"autograde_preprocessors": PREPROCESSORS}, GuardedExecute=execute,
                       NbGraderAPI={"log_level": "WARN"}, CourseDirectory=directory)


def autograde(course: Course, aids: list[str] | None = None, settings: Settings = Settings(), jobs: int = 1,
              shard: Shard | None = None) -> dict[str, Graded]:
    """Preflight, then grade every gradable submission of `aids` (of `shard`'s students); return the entries."""
    settings = replace(settings, sandbox=use_sandbox(settings.sandbox))
    aids = [aid for aid in (aids or course.assignments()) if course.submissions(aid)]
    if not aids:
        return {}
    checked = preflight(course, aids, shard)
    work = course.grades / ".work"
    shutil.rmtree(work, ignore_errors=True)
    stale = {aid: register(course, aid) for aid in aids}
    template = work / "gradebook.db"  # what every worker's private gradebook starts as
    work.mkdir(parents=True)
    shutil.copyfile(course.gradebook, template)
    entries, tasks = {}, []
    for aid in aids:
        for student in course.submissions(aid):
            name = reports.key(student, aid)
            if name not in checked:
                continue  # another shard's student
            if checked[name].status == NOT_GRADABLE:
                entries[name] = Graded(NOT_GRADED)
            else:
                tasks.append(Task(course.root, student, aid, template))
    sources = Snapshot.take(course)
    for task, entry in run(tasks, settings, jobs):
        changed = sources.restore()
        if changed:
            entry.notes.append(f"changed {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''} while it "
                               f"was graded (without the sandbox): put back")
        entries[reports.key(task.student, task.aid)] = entry
    for name, entry in entries.items():
        note = stale[reports.split(name)[1]]
        if note:
            entry.notes.append(note)
    entries = dict(sorted(entries.items()))
    gradebook.record(course, entries)
    reports.update(course, "autograde", entries)
    shutil.rmtree(work, ignore_errors=True)
    return entries


def use_sandbox(requested: bool | None) -> bool:
    """Whether kernels run in the sandbox: as requested, or (None) wherever it can start, saying so when not."""
    if requested is False:
        return False
    from .sandbox import SandboxUnavailable, check_available
    try:
        check_available()
        return True
    except SandboxUnavailable as error:
        if requested:
            raise
        print(f"grading WITHOUT the sandbox: {error}. Student code can then read and write everything this "
              f"user can; pass --no-sandbox to grade so on purpose.", file=sys.stderr, flush=True)
        return False


def run(tasks: list[Task], settings: Settings, jobs: int):
    """Grade `tasks`, `jobs` at a time; yield (task, entry) as they finish."""
    threads = str(max(1, (os.cpu_count() or 1) // max(jobs, 1)))
    if jobs <= 1 or len(tasks) <= 1:
        _use_threads(threads)
        for task in tasks:
            yield task, _announce(task, grade(task, settings))
        return
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no kernel state or threads copied
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_use_threads, initargs=(threads,)) as pool:
        futures = {pool.submit(grade, task, settings): task for task in tasks}
        for future in as_completed(futures):
            yield futures[future], _announce(futures[future], future.result())


def _use_threads(threads: str) -> None:
    """Math threads per kernel (kernels inherit the environment), unless the TA set them."""
    for name in MATH_THREADS:
        os.environ.setdefault(name, threads)


def _announce(task: Task, entry: Graded) -> Graded:
    print(f"graded {task.student}/{task.aid}: {entry.status}", flush=True)
    return entry


def grade(task: Task, settings: Settings) -> Graded:
    """Autograde one submission with its own nbgrader app, kernel and gradebook."""
    course = Course(task.root)
    db = task.template.parent / task.aid / f"{task.student}.db"
    db.parent.mkdir(exist_ok=True)
    shutil.copyfile(task.template, db)
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy chatter
    api = nbgrader_api(grading_config(course, settings, db))
    try:
        with temp_attrs(api.coursedir, assignment_id=task.aid, student_id=task.student):
            app = GuardedAutograde(coursedir=api.coursedir, parent=api)
            app.force, app.create_student = True, True
            result = capture_log(app)
        notes = [note for executor in app.executors for note in executor.run.notes]
        if not result.get("success"):
            last = (result.get("error") or "").strip().splitlines()[-1:] or ["unknown error"]
            return Graded(FAILED, notes + [f"nbgrader: {last[0]}"])
        return Graded(GRADED, notes, gradebook.scores(f"sqlite:///{db}", task.student, task.aid))
    finally:
        db.unlink(missing_ok=True)
