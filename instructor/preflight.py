"""Check every submission against its release before grading; repair what is safe to repair; say so.

Run on submitted/<student>/<aid>/<aid>.ipynb. The first run keeps the file as handed in under
grades/originals/, and every run starts from that original, so preflight can run any number of times and
always reports the same repairs. A submission preflight cannot grade (unreadable, empty, another
assignment) is marked "not gradable" and never turns into a silent 0.
"""
import copy
import hashlib
import shutil

from . import notebooks, reports
from .course import Course
from .matching import best_assignment, match_cells, reference_cells
from .notebooks import grade_id, is_grade, is_locked, is_solution, normalized, source
from .reports import Entry
from .scan import scan
from .shards import Shard

OK, REPAIRED, FLAGGED, REPAIRED_FLAGGED, NOT_GRADABLE = "ok", "repaired", "flagged", "repaired and flagged", \
    "not gradable"
NBGRADER_KEYS = ("grade", "solution", "locked", "points", "grade_id", "task")


def original_path(course: Course, student: str, aid: str):
    """Where the submission as handed in is kept."""
    return course.grades / "originals" / student / aid / f"{aid}.ipynb"


def preflight(course: Course, aids: list[str] | None = None, shard: Shard | None = None) -> dict[str, Entry]:
    """Check and repair every submission of `aids` (default: all; only the shard's students when given);
    update the report and return this run's entries."""
    releases = course.releases_by_id()
    entries = {}
    for aid in aids or course.assignments():
        for student in course.submissions(aid):
            if shard is None or shard.has(student):
                entries[reports.key(student, aid)] = check_submission(course, student, aid, releases)
    reports.update(course, "preflight", entries)
    return entries


def check_submission(course: Course, student: str, aid: str, releases: dict) -> Entry:
    """Preflight one submission in place."""
    path, original = course.submission_path(student, aid), original_path(course, student, aid)
    keep_original(path, original)
    try:
        nb = notebooks.read(original)
    except notebooks.UnreadableNotebook as error:
        return Entry(NOT_GRADABLE, [str(error)])
    problem = wrong_notebook(nb, aid, releases)
    if problem:
        return Entry(NOT_GRADABLE, [problem])
    repairs = repair(nb, releases[aid])
    notebooks.write(nb, path)
    _written(original).write_text(_sha256(path))
    findings = [f"suspicious code in {f}" for f in scan(nb)]
    status = {(False, False): OK, (True, False): REPAIRED, (False, True): FLAGGED,
              (True, True): REPAIRED_FLAGGED}[bool(repairs), bool(findings)]
    return Entry(status, repairs + findings)


def keep_original(path, original) -> None:
    """Save the file as handed in: the first time, and whenever submitted/ holds a file preflight did not write
    (a new collect, a TA's copy)."""
    written = _written(original)
    if not original.is_file() or not written.is_file() or written.read_text() != _sha256(path):
        original.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, original)
        written.unlink(missing_ok=True)


def _written(original):
    """Where the checksum of the last repaired file preflight wrote is kept."""
    return original.with_name("written.sha256")


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wrong_notebook(nb: dict, aid: str, releases: dict) -> str | None:
    """Why `nb` cannot be graded as `aid` (empty, another assignment, nothing in common), or None."""
    if not nb.cells:
        return "an empty notebook (no cells): nothing to grade"
    if aid not in releases:
        return f"{aid} has no release under notebooks/"
    best, overlap = best_assignment(nb, releases)
    if best is None:
        return f"wrong notebook: it matches no assignment (best: {overlap:.0%} of an assignment's cells)"
    if best != aid:
        return f"wrong notebook: this is {best}, not {aid}"
    return None


def repair(nb: dict, release: dict) -> list[str]:
    """Fix `nb` in place against `release`; returns what was found and repaired."""
    notes = upgrade_format(nb)
    notes += drop_foreign_metadata(nb, release)
    matches = match_cells(release, nb)
    notes += drop_duplicate_ids(nb, release, matches)
    notes += restore_metadata(nb, release, matches)
    notes += report_edits(nb, release, matches)
    notes += put_back_missing(nb, release, matches)
    assign_cell_ids(nb)
    return notes


def upgrade_format(nb: dict) -> list[str]:
    """Colab saves nbformat 4.0 without cell ids; nbgrader wants 4.5."""
    if nb.get("nbformat_minor", 0) >= 5 and all(c.get("id") for c in nb.cells):
        return []
    old = f"4.{nb.get('nbformat_minor', 0)}"
    nb["nbformat_minor"] = 5
    colab = " (saved by Colab)" if "colab" in nb.get("metadata", {}) else ""
    return [f"nbformat {old} without cell ids{colab}: upgraded to 4.5"]


def drop_foreign_metadata(nb: dict, release: dict) -> list[str]:
    """nbgrader metadata the release does not have (pasted from elsewhere, or on a cell whose type was
    changed) is removed; the release's own cell is then found or put back."""
    known = {grade_id(release.cells[i]): release.cells[i]["cell_type"] for i in reference_cells(release)}
    dropped = []
    for cell in nb.cells:
        gid = grade_id(cell)
        if "nbgrader" in cell.get("metadata", {}) and known.get(gid) != cell.get("cell_type"):
            del cell["metadata"]["nbgrader"]
            dropped.append(gid or "(no grade_id)")
    return [f"removed nbgrader metadata that does not fit the release: {', '.join(dropped)}"] if dropped else []


def drop_duplicate_ids(nb: dict, release: dict, matches: dict) -> list[str]:
    """Copied cells duplicate a grade_id; the copy that is the release's cell keeps it, the others lose it."""
    keep = {m.submission for m in matches.values()}
    notes = []
    for r in reference_cells(release):
        gid = grade_id(release.cells[r])
        copies = [s for s, cell in enumerate(nb.cells) if grade_id(cell) == gid]
        if len(copies) > 1:
            for s in copies:
                if s not in keep:
                    del nb.cells[s]["metadata"]["nbgrader"]
            kept = [s + 1 for s in copies if s in keep]
            notes.append(f"duplicated grade_id {gid} in cells {', '.join(str(s + 1) for s in copies)}: "
                         f"kept it on cell {kept[0] if kept else '-'}, removed it from the other(s)")
    return notes


def restore_metadata(nb: dict, release: dict, matches: dict) -> list[str]:
    """Cells found by id, source or similarity get the release's nbgrader metadata back."""
    restored, how = [], {}
    for r, m in sorted(matches.items()):
        cell, rel = nb.cells[m.submission], release.cells[r]
        mine = {k: notebooks.meta(cell).get(k) for k in NBGRADER_KEYS}
        theirs = {k: notebooks.meta(rel).get(k) for k in NBGRADER_KEYS}
        if mine != theirs:
            for key in ("nbgrader", "deletable", "editable"):
                if key in rel.metadata:
                    cell.metadata[key] = copy.deepcopy(rel.metadata[key])
            restored.append(grade_id(rel))
            how[m.how] = how.get(m.how, 0) + 1
    if not restored:
        return []
    found = ", ".join(f"{n} by {h}" for h, n in sorted(how.items()))
    return [f"restored nbgrader metadata of {len(restored)} cell(s) from the release ({found})"]


def report_edits(nb: dict, release: dict, matches: dict) -> list[str]:
    """Locked cells whose text was changed: nbgrader runs the original, the TA should know."""
    notes = []
    for r, m in sorted(matches.items()):
        rel = release.cells[r]
        if is_locked(rel) and normalized(source(nb.cells[m.submission])) != normalized(source(rel)):
            kind = "test cell" if is_grade(rel) else "locked cell"
            notes.append(f"{kind} {grade_id(rel)} was edited: graded with the original")
    return notes


def put_back_missing(nb: dict, release: dict, matches: dict) -> list[str]:
    """Deleted locked cells (tests, setup, text) go back after their release neighbour; answers are reported."""
    notes, inserts = [], {}
    anchor = -1
    for r in reference_cells(release):
        if r in matches:
            anchor = matches[r].submission
            continue
        rel = release.cells[r]
        if is_solution(rel):
            notes.append(f"answer cell {grade_id(rel)} is missing: its tests fail unless it is defined elsewhere")
        elif is_locked(rel):
            inserts.setdefault(anchor, []).append(copy.deepcopy(rel))
            kind = "test cell" if is_grade(rel) else "locked cell"
            notes.append(f"{kind} {grade_id(rel)} was deleted: put back from the release")
    if inserts:
        cells = inserts.get(-1, [])
        for s, cell in enumerate(nb.cells):
            cells += [cell] + inserts.get(s, [])
        nb.cells = cells
    return notes


def assign_cell_ids(nb: dict) -> None:
    """Every cell gets a unique, valid id (kept when it has one), as nbformat 4.5 requires."""
    seen = set()
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not cid or cid in seen or len(cid) > 64:
            cid = grade_id(cell) if grade_id(cell) and grade_id(cell) not in seen else f"cell-{index + 1}"
        while cid in seen:
            cid += "-x"
        cell["id"] = cid
        seen.add(cid)
