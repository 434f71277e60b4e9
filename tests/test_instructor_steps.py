"""The instructor steps one by one, without grading: collect, matching, preflight, scan, guard, feedback,
sandbox command; and one small kernel run for the restart of a kernel that ignores the interrupt."""
import copy
import json
import os
import shutil
import time

import nbformat
import pytest

import crafted
from course import REPO
from instructor import feedback, notebooks
from instructor.collect import Roster, collect
from instructor.course import Course
from instructor.guard import Guard
from instructor.matching import best_assignment, match_cells
from instructor.preflight import NOT_GRADABLE, preflight
from instructor.scan import scan

AID, OTHER = crafted.AID, crafted.OTHER


@pytest.fixture
def course(tmp_path) -> Course:
    """A course with notebooks 01 and 02 released (copied from the repo)."""
    for aid in (AID, OTHER):
        shutil.copytree(REPO / "solutions" / aid, tmp_path / "solutions" / aid)
        shutil.copytree(REPO / "notebooks" / aid, tmp_path / "notebooks" / aid)
    return Course(tmp_path)


def write(path, nb) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb) if isinstance(nb, dict) else nb)


def submit(course: Course, student: str, nb: dict, aid: str = AID) -> None:
    write(course.submission_path(student, aid), nb)


def test_collect_a_flat_folder_with_a_roster(course, tmp_path):
    folder = tmp_path / "downloads"
    write(folder / "Ivanov Ivan_homework.ipynb", crafted.colab(crafted.solved()))
    write(folder / "hw-petrov (1).ipynb", crafted.release(OTHER))
    write(folder / "hw-petrov.ipynb", crafted.release(OTHER))
    os.utime(folder / "hw-petrov.ipynb", (time.time() - 3600,) * 2)  # the older copy
    write(folder / "sidorov_01.ipynb", "{not json")
    write(folder / "notes.ipynb", crafted.solved())
    write(tmp_path / "roster.csv", "student,name,email\nivanov,Ivanov Ivan,ii@uni.edu\n"
                                   "petrov,Petr Petrov,petrov@uni.edu\nsidorov,Sidorov S,ss@uni.edu\n")
    report = collect(course, folder, Roster.read(tmp_path / "roster.csv"))
    status = {e["file"]: (e["student"], e["assignment"], e["status"]) for e in report["files"]}
    assert status == {
        "Ivanov Ivan_homework.ipynb": ("ivanov", AID, "collected"),   # matched by content, Colab-stripped
        "hw-petrov (1).ipynb": ("petrov", OTHER, "collected"),        # the newer copy
        "hw-petrov.ipynb": ("petrov", OTHER, "ignored"),
        "sidorov_01.ipynb": ("sidorov", None, "unmatched"),
        "notes.ipynb": (None, None, "unmatched")}
    assert report["students"] == ["ivanov", "petrov", "sidorov"]
    assert course.submissions(AID) == ["ivanov"] and course.submissions(OTHER) == ["petrov"]
    assert "not a JSON notebook" in report["notes"]["sidorov"][0]


def test_matching_finds_cells_without_metadata_or_ids():
    release, nb = crafted.release(), crafted.colab(crafted.solved())
    matches = match_cells(release, nb)
    graded = [i for i, c in enumerate(release["cells"]) if notebooks.meta(c)]
    assert sorted(matches) == graded
    assert {m.how for m in matches.values()} == {"source", "similar"}
    assert best_assignment(nb, {AID: release, OTHER: crafted.release(OTHER)})[0] == AID
    assert best_assignment(crafted.release(OTHER), {AID: release, OTHER: crafted.release(OTHER)})[0] == OTHER
    assert best_assignment({"cells": []}, {AID: release})[0] is None


def test_preflight_repairs_reports_and_refuses(course):
    dup = crafted.solved()
    i = crafted.index_of(dup, "nearest_unpool")
    dup["cells"].insert(i + 1, copy.deepcopy(dup["cells"][i]))  # a copied answer cell: duplicated grade_id
    dup["cells"][i + 1]["id"] = "my-copy"
    dup["cells"][0]["source"] = "# my notes"                  # an edited locked markdown cell
    no_setup = crafted.solved()
    del no_setup["cells"][crafted.index_of(no_setup, "setup")]
    submit(course, "dup", dup)
    submit(course, "no_setup", no_setup)
    submit(course, "swapped", crafted.release(OTHER))             # 02 handed in as 01
    submit(course, "garbage", "{")
    first = preflight(course, [AID])
    assert first["dup/01_unpooling"]["notes"] == [
        "duplicated grade_id nearest_unpool in cells 7, 8: kept it on cell 7, removed it from the other(s)",
        "locked cell intro was edited: graded with the original"]
    assert first["no_setup/01_unpooling"]["notes"] == ["locked cell setup was deleted: put back from the release"]
    repaired = notebooks.read(course.submission_path("no_setup", AID))
    assert notebooks.grade_id(repaired.cells[2]) == "setup"
    assert first["swapped/01_unpooling"] == {
        "status": NOT_GRADABLE, "notes": ["wrong notebook: this is 02_checkerboard_artifacts, not 01_unpooling"]}
    assert first["garbage/01_unpooling"]["status"] == NOT_GRADABLE
    before = course.submission_path("dup", AID).read_bytes()
    assert preflight(course, [AID]) == first, "preflight starts from the original every time"
    assert course.submission_path("dup", AID).read_bytes() == before
    ids = [c.get("id") for c in notebooks.read(course.submission_path("dup", AID)).cells]
    assert len(ids) == len(set(ids)) and all(ids)


def test_scan_flags_rebinding_but_not_the_course_solutions():
    for aid in (AID, OTHER):
        solution = crafted.load(REPO / "solutions" / aid / f"{aid}.ipynb")
        for cell in solution["cells"]:
            if notebooks.is_solution(cell):
                cell["metadata"]["nbgrader"]["locked"] = False
        assert scan(solution) == [], aid
    found = scan(crafted.solved(crafted.CHEAT_ANSWERS))
    assert "nearest_unpool: rebinds numpy.allclose (line 5)" in found
    sneaky = crafted.solved({"max_unpool": "import builtins\nsetattr(torch, 'equal', max)\nvars(np)['allclose'] = 1\n"
                                           "f.__code__ = g.__code__\nget_ipython().ast_transformers.append(1)\n"
                                           "torch.backends.cudnn.benchmark = True\n"})
    assert scan(sneaky) == ["max_unpool: imports builtins (line 1)", "max_unpool: calls setattr on torch (line 2)",
                            "max_unpool: writes into vars(np) (line 3)", "max_unpool: touches __code__ (line 4)",
                            "max_unpool: uses get_ipython (line 5)"]


def test_guard_puts_back_rebound_functions_and_reports_them():
    import numpy
    import torch
    guard = Guard()
    originals = torch.allclose, torch.testing.assert_close, numpy.allclose, torch.Tensor.equal
    code = torch.testing.assert_close.__code__
    try:
        torch.allclose = numpy.allclose = lambda *a, **k: True
        torch.Tensor.equal = lambda *a, **k: True
        torch.testing.assert_close.__code__ = (lambda *a, **k: None).__code__
        assert guard.check() == ["numpy.allclose", "torch.Tensor.equal", "torch.allclose",
                                 "torch.testing.assert_close.__code__"]
        assert (torch.allclose, torch.testing.assert_close, numpy.allclose, torch.Tensor.equal) == originals
        assert torch.testing.assert_close.__code__ is code
        assert guard.check() == []
    finally:
        torch.allclose, torch.testing.assert_close, numpy.allclose = originals[:3]
        torch.testing.assert_close.__code__ = code
        if "equal" in vars(torch.Tensor) and torch.Tensor.equal is not originals[3]:
            del torch.Tensor.equal


def test_feedback_blanks_hidden_lines_a_message_echoes():
    cell = {"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "grade_id": "t", "points": 1}},
            "source": ("assert f(1) == 1\n### BEGIN HIDDEN TESTS\n"
                       "assert f(12345) == 12345, 'secret case'\n### END HIDDEN TESTS"),
            "outputs": [{"output_type": "error", "ename": "AssertionError",
                         "evalue": "I read my caller: assert f(12345) == 12345, 'secret case'", "traceback": ["..."]}]}
    rows = feedback.results({"cells": [cell]}, {"t": (0, 1)})
    assert rows == [{"exercise": "t", "score": 0, "max": 1, "passed": False,
                     "message": "AssertionError: I read my caller: [hidden test]"}]
    page = feedback.render("s", "a", rows, ["a note"])
    assert "12345" not in page and "<td>fail</td>" in page


def test_sandbox_command_exposes_only_what_the_kernel_needs(tmp_path):
    from instructor import sandbox
    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as error:
        pytest.fail(f"{error} (run `make sandbox-tools`)", pytrace=False)
    cmd = sandbox.command(["python", "-m", "ipykernel_launcher"], str(tmp_path), str(tmp_path / "sock"))
    binds = [(cmd[i], cmd[i + 1]) for i in range(len(cmd) - 1) if cmd[i] in ("--bind", "--ro-bind")]
    writable = [src for flag, src in binds if flag == "--bind"]
    assert writable == [str(tmp_path), str(tmp_path / "sock")]
    visible = [src for _, src in binds]
    assert str(REPO) not in visible and not any(v.startswith(str(REPO / "solutions")) for v in visible)
    assert "--unshare-all" in cmd and "--clearenv" in cmd


def test_a_kernel_that_ignores_the_interrupt_is_restarted_and_grading_goes_on(tmp_path):
    from instructor.execute import NOTES, GuardedExecute

    def cell(text, gid=None):
        c = nbformat.v4.new_code_cell(text)
        if gid:
            c.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "points": 1, "locked": True, "solution": False}
        return c
    nb = nbformat.v4.new_notebook(cells=[
        cell("import time\nwhile True:\n    try:\n        time.sleep(1)\n    except KeyboardInterrupt:\n        pass"),
        cell("print('still grading')", gid="after")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    GuardedExecute(timeout=2, iopub_timeout=3).preprocess(nb, {"metadata": {"path": str(tmp_path)},
                                              "nbgrader": {"student": "s", "assignment": "a"}})
    assert nb.cells[0].outputs[-1].ename == "GraderError"
    assert nb.cells[1].outputs[0].text == "still grading\n"
    assert NOTES.pop("s/a") == ["kernel did not stop after the timeout in cell 1: restarted, later cells ran in a "
                                "fresh kernel"]


def test_release_step_regenerates_the_committed_student_notebook(course):
    from instructor.release import release
    shutil.copy(REPO / "nbgrader_config.py", course.root)
    shutil.rmtree(course.releases / AID)
    assert release(course, [AID]) == [AID]
    assert crafted.load(course.release_path(AID)) == crafted.release(AID)


def test_preflight_takes_a_new_hand_in_as_the_new_original(course):
    submit(course, "s", crafted.strip_metadata(crafted.solved()))
    assert preflight(course, [AID])["s/01_unpooling"]["status"] == "repaired"
    submit(course, "s", crafted.solved())  # collected again, now with metadata
    assert preflight(course, [AID])["s/01_unpooling"] == {"status": "ok", "notes": []}
