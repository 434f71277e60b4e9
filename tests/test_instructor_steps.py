"""The instructor steps one by one, without grading: collect, matching, preflight, scan, guard, feedback,
sandbox command; and one small kernel run for the restart of a kernel that ignores the interrupt."""
import copy
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

import crafted
from course import REPO, make_course, read_notebook
from instructor import feedback, notebooks
from instructor.collect import Roster, collect
from instructor.course import Course
from instructor.guard import Guard
from instructor.matching import best_assignment, match_cells
from instructor.preflight import NOT_GRADABLE, preflight
from instructor.reports import Entry
from instructor.scan import scan

AID, OTHER = crafted.AID, crafted.OTHER


@pytest.fixture
def two_released(tmp_path) -> Course:
    """A course with notebooks 01 and 02 released (copied from the repo)."""
    return make_course(tmp_path / "course", [AID, OTHER], releases=True)


def write(path, nb) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb) if isinstance(nb, dict) else nb)


def submit(course: Course, student: str, nb: dict, aid: str = AID) -> None:
    write(course.submission_path(student, aid), nb)


def test_collect_a_flat_folder_with_a_roster(two_released, tmp_path):
    course = two_released
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
    status = {e.file: (e.student, e.assignment, e.status) for e in report["files"]}
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


def test_preflight_repairs_reports_and_refuses(two_released):
    course = two_released
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
    assert first["dup/01_unpooling"].notes == [
        "duplicated grade_id nearest_unpool in cells 7, 8: kept it on cell 7, removed it from the other(s)",
        "locked cell intro was edited: graded with the original"]
    assert first["no_setup/01_unpooling"].notes == ["locked cell setup was deleted: put back from the release"]
    repaired = notebooks.read(course.submission_path("no_setup", AID))
    assert notebooks.grade_id(repaired.cells[2]) == "setup"
    assert first["swapped/01_unpooling"] == Entry(
        NOT_GRADABLE, ["wrong notebook: this is 02_checkerboard_artifacts, not 01_unpooling"])
    assert first["garbage/01_unpooling"].status == NOT_GRADABLE
    before = course.submission_path("dup", AID).read_bytes()
    assert preflight(course, [AID]) == first, "preflight starts from the original every time"
    assert course.submission_path("dup", AID).read_bytes() == before
    ids = [c.get("id") for c in notebooks.read(course.submission_path("dup", AID)).cells]
    assert len(ids) == len(set(ids)) and all(ids)


def test_scan_flags_rebinding_but_not_the_course_solutions():
    for aid in (AID, OTHER):
        solution = read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")
        for cell in solution["cells"]:
            if notebooks.is_solution(cell):
                cell["metadata"]["nbgrader"]["locked"] = False
        assert scan(solution) == [], aid
    found = [str(f) for f in scan(crafted.solved(crafted.CHEAT_ANSWERS))]
    assert "nearest_unpool: rebinds numpy.allclose (line 5)" in found
    sneaky = crafted.solved({"max_unpool": "import builtins\nsetattr(torch, 'equal', max)\nvars(np)['allclose'] = 1\n"
                                           "f.__code__ = g.__code__\nget_ipython().ast_transformers.append(1)\n"
                                           "torch.backends.cudnn.benchmark = True\n"})
    assert [str(f) for f in scan(sneaky)] == ["max_unpool: imports builtins (line 1)", "max_unpool: calls setattr on torch (line 2)",
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


def run_cells(folder, texts: list[str], **options):
    """Run code cells with GuardedExecute in `folder`, every one followed by a graded 'still grading' cell."""
    from instructor.execute import GuardedExecute
    cells = []
    for i, text in enumerate(texts):
        test = nbformat.v4.new_code_cell("print('still grading')")
        test.metadata["nbgrader"] = {"grade": True, "grade_id": f"after_{i + 1}", "points": 1, "locked": True,
                                     "solution": False}
        cells += [nbformat.v4.new_code_cell(text), test]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    executor = GuardedExecute(**options)
    executor.preprocess(nb, {"metadata": {"path": str(folder)}})
    assert [c.outputs[0].get("text") for c in nb.cells[1::2]] == ["still grading\n"] * len(texts)
    return nb, executor.run.notes


def test_a_kernel_that_ignores_the_interrupt_is_restarted_and_grading_goes_on(tmp_path):
    nb, notes = run_cells(tmp_path, ["import time\nwhile True:\n    try:\n        time.sleep(1)\n"
                                     "    except KeyboardInterrupt:\n        pass"], timeout=2, iopub_timeout=3)
    assert nb.cells[0].outputs[-1].ename == "GraderError"
    assert notes == ["kernel did not stop after the timeout in cell 1: restarted, later cells ran in a fresh kernel"]


def test_kernel_limits_stop_hogs_flag_them_and_grading_goes_on(tmp_path):
    from instructor.limits import Limits
    stray = ("import subprocess, sys\n"
             "subprocess.Popen([sys.executable, '-c', 'import os, signal, time; "  # a daemon: own session
             "signal.signal(signal.SIGINT, signal.SIG_IGN); open(\"stray.pid\", \"w\").write(str(os.getpid())); "
             "time.sleep(600)'], start_new_session=True)\n"
             "import time\nwhile not os.path.exists('stray.pid'):\n    time.sleep(0.1)\n")
    limits = Limits(memory=1 << 30, file_size=32 << 20)  # a fork bomb: test_instructor_grading.py (crafted set)
    _, notes = run_cells(tmp_path, [
        "hog = bytearray(3 << 30)",  # 3 GB: fine without the limit (overcommit), refused with it
        "with open('big.bin', 'wb') as f:\n    for _ in range(640):\n        f.write(bytes(16 << 20))",  # 10 GB
        "import os\n" + stray], timeout=60, limits=limits)
    assert notes == ["memory limit 1 GB exceeded in cell 1",
                     "file size limit 32 MB exceeded in cell 3 (after after_1)",
                     "killed 1 process(es) the kernel left running"]
    assert (tmp_path / "big.bin").stat().st_size == 32 << 20
    pid = int((tmp_path / "stray.pid").read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_watchdog_adds_up_the_memory_of_the_whole_process_tree(tmp_path):
    from instructor.limits import Limits, Watchdog
    child = "x = bytearray(150 << 20); import time; time.sleep(60)"  # each under the limit, together over it
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                               f"[subprocess.Popen([sys.executable, '-c', {child!r}]) for _ in range(2)]; "
                               "time.sleep(60)"], start_new_session=True)
    watchdog = Watchdog(parent.pid, Limits(memory=200 << 20), str(tmp_path), interval=0.1)
    deadline = time.time() + 30
    while watchdog.exceeded is None and time.time() < deadline:
        time.sleep(0.1)
    watchdog.stop()  # waits for the watchdog's own kill to finish
    assert watchdog.exceeded == "memory"
    assert len(watchdog.seen) == 3
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in watchdog.seen.values())


def test_scan_imports_nothing_a_submission_names(tmp_path, monkeypatch):
    (tmp_path / "trap.py").write_text("open(__file__ + '.ran', 'w').close()\ndef f():\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    nb = crafted.solved({"max_unpool": "import trap\ntrap.f = lambda: 0\ntrap.flag = True\n"})
    assert [str(f) for f in scan(nb)] == ["max_unpool: rebinds trap.f (line 2)"]
    assert not (tmp_path / "trap.py.ran").exists(), "scan imported a module the submission names"


def test_shards_give_every_student_exactly_one_slice():
    from instructor.errors import InstructorError
    from instructor.shards import Shard
    students = [f"student{i:03d}" for i in range(300)]
    slices = [[s for s in students if Shard(i, 3).has(s)] for i in (1, 2, 3)]
    assert sorted(sum(slices, [])) == students and all(60 < len(part) < 140 for part in slices)
    assert Shard.parse("2/3") == Shard(2, 3)
    for bad in ("0/3", "4/3", "2", "a/b"):
        with pytest.raises(InstructorError):
            Shard.parse(bad)


def test_a_problem_the_ta_can_fix_exits_2_with_a_message(two_released, tmp_path, capsys):
    from instructor.__main__ import main
    assert main(["--course", str(two_released.root), "collect", str(tmp_path / "missing")]) == 2
    assert "missing is not a folder" in capsys.readouterr().err
    assert main(["--course", str(two_released.root), "autograde", "--memory", "lots"]) == 2
    assert "not a size: 'lots'" in capsys.readouterr().err


def test_release_step_regenerates_the_committed_student_notebook(two_released):
    course = two_released
    from instructor.release import release
    shutil.copy(REPO / "nbgrader_config.py", course.root)
    shutil.rmtree(course.releases / AID)
    assert release(course, [AID]) == [AID]
    assert read_notebook(course.release_path(AID)) == crafted.release(AID)


def test_preflight_takes_a_new_hand_in_as_the_new_original(two_released):
    course = two_released
    submit(course, "s", crafted.strip_metadata(crafted.solved()))
    assert preflight(course, [AID])["s/01_unpooling"].status == "repaired"
    submit(course, "s", crafted.solved())  # collected again, now with metadata
    assert preflight(course, [AID])["s/01_unpooling"] == Entry("ok", [])


def test_one_broken_or_planted_autograded_notebook_does_not_stop_the_export_of_the_others(two_released):
    from instructor import reports
    from instructor.export import export
    course = two_released
    scores = {notebooks.grade_id(c): float(notebooks.meta(c)["points"]) for c in notebooks.grade_cells(crafted.release())}
    for student in ("broken", "linked", "solver"):
        submit(course, student, crafted.solved())
        reports.update(course, "autograde", {f"{student}/{AID}": reports.Graded("graded", [], scores)})
    graded = course.autograded / "{}" / AID / f"{AID}.ipynb"
    write(Path(str(graded).format("solver")), crafted.solved())
    write(Path(str(graded).format("broken")), "{corrupted")
    Path(str(graded).format("linked")).parent.mkdir(parents=True)
    Path(str(graded).format("linked")).symlink_to(course.solutions / AID / f"{AID}.ipynb")
    export(course, [AID])
    with open(course.grades / f"{AID}.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["solver"]["flags"] == "" and (course.feedback / "solver" / AID / f"{AID}.html").is_file()
    assert "no feedback page: the autograded notebook 01_unpooling.ipynb: not a JSON notebook" in rows["broken"]["flags"]
    assert "01_unpooling.ipynb: a symlink or a path outside" in rows["linked"]["flags"]
    assert all(rows[s]["total"] == "9" for s in rows), "points come from the report, feedback or not"
    assert not (course.feedback / "linked").exists() and not (course.feedback / "broken").exists()


def test_the_sandbox_is_the_default_where_it_starts_and_said_once_where_it_cannot(monkeypatch, capsys):
    from instructor import sandbox
    from instructor.autograde import use_sandbox
    assert use_sandbox(False) is False and capsys.readouterr().err == ""
    assert use_sandbox(None) is True, "bubblewrap works here (make sandbox-tools)"
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert use_sandbox(None) is False
    assert capsys.readouterr().err.count("grading WITHOUT the sandbox: bwrap not found") == 1
    with pytest.raises(sandbox.SandboxUnavailable):
        use_sandbox(True)


def test_collect_matches_nfd_names_reads_an_excel_cp1251_roster_and_lists_unmatched_files(two_released, tmp_path):
    import unicodedata
    course, folder = two_released, tmp_path / "downloads"
    write(folder / unicodedata.normalize("NFD", "Йованович_Иван_01.ipynb"), crafted.solved())  # as macOS names it
    write(folder / "Попов (1).ipynb", crafted.release(OTHER))
    write(folder / "notes.ipynb", crafted.solved())
    write(folder / "Кто-то.ipynb", "{not json")
    roster = tmp_path / "roster.csv"
    roster.write_bytes("student;name;email\r\ns001;ЙОВАНОВИЧ Иван;iv@uni.ru\r\ns002;Попов Пётр;pp@uni.ru\r\n"
                       .encode("cp1251"))
    report = collect(course, folder, Roster.read(roster))
    assert course.submissions(AID) == ["s001"] and course.submissions(OTHER) == []
    assert report["students"] == ["s001", "s002"]
    assert report["unmatched"] == ["notes.ipynb: no roster entry appears in the file name",
                                   "Кто-то.ipynb: no roster entry appears in the file name",
                                   "Попов (1).ipynb: no roster entry appears in the file name"]


def test_confine_removes_planted_links_and_refuses_to_read_through_them(tmp_path):
    from instructor.confine import Refused, clean, read_text
    folder = tmp_path / "autograded" / "s" / AID
    folder.mkdir(parents=True)
    secret = tmp_path / "solution.ipynb"
    secret.write_text("hidden tests")
    (folder / "ok.txt").write_text("mine")
    (folder / f"{AID}.ipynb").symlink_to(secret)
    (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    os.link(secret, folder / "hard.ipynb")
    os.mkfifo(folder / "pipe")
    with pytest.raises(Refused):
        read_text(folder / f"{AID}.ipynb", folder)
    with pytest.raises(Refused):
        read_text(folder / "pipe", folder)  # and does not hang on it
    notes = clean(folder)
    assert [n.split(":")[0] for n in notes] == [f"{AID}.ipynb", "hard.ipynb", "pipe", "sub"]
    assert sorted(p.name for p in folder.iterdir()) == ["ok.txt"] and secret.read_text() == "hidden tests"
    assert read_text(folder / "ok.txt", folder) == "mine"


def test_snapshot_puts_back_sources_and_gradebook_a_submission_changed(two_released):
    from instructor.confine import Snapshot
    course = two_released
    course.gradebook.write_bytes(b"grades")
    solution = course.solutions / AID / f"{AID}.ipynb"
    before = solution.read_bytes()
    snapshot = Snapshot.take(course)
    assert snapshot.restore() == []
    solution.write_text("overwritten by a submission")
    course.gradebook.unlink()
    (course.releases / AID / "planted.py").write_text("print('hi')")
    assert snapshot.restore() == ["gradebook.db", f"notebooks/{AID}/planted.py", f"solutions/{AID}/{AID}.ipynb"]
    assert solution.read_bytes() == before and course.gradebook.read_bytes() == b"grades"
    assert not (course.releases / AID / "planted.py").exists()


def test_scan_flags_tensor_subclasses_and_setattr_on_an_imported_module_object():
    found = [str(f) for f in scan(crafted.solved(crafted.LIAR))] + [str(f) for f in scan(crafted.solved(crafted.PATCHER))]
    assert found[:2] == ["nearest_unpool: defines _Liar, a torch.Tensor subclass (line 1)",
                         "nearest_unpool: defines __torch_function__ (line 3)"]
    assert "nearest_unpool: calls setattr on importlib.import_module('helpers.grading') (line 3)" in found
