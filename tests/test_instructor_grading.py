"""The instructor workflow on crafted submissions of notebook 01 (issue 7): every robustness case, the
grades CSV against a committed one, two gradings identical, feedback without hidden tests, the sandbox.

The crafted set (tests/crafted.py) is graded twice, at the same time, with `python -m instructor grade`:
once plainly and once with --sandbox (plainly again where bubblewrap is missing). Both CSVs must equal
tests/submissions/expected_01_unpooling.csv byte for byte.
"""
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import crafted
from course import REPO, read_notebook, source

AID = crafted.AID
EXPECTED = Path(__file__).parent / "submissions" / f"expected_{AID}.csv"
TIMEOUT = 30  # seconds per cell: the infinite loop costs this much, every honest cell takes far less
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def bwrap_works() -> bool:
    try:
        from instructor.sandbox import check_available
        check_available()
        return True
    except Exception:
        return False


SANDBOX = bwrap_works()


def make_course(root: Path) -> Path:
    """A course holding notebooks 01 and 02 only (solutions, releases, config)."""
    for aid in (AID, crafted.OTHER):
        shutil.copytree(REPO / "solutions" / aid, root / "solutions" / aid)
        shutil.copytree(REPO / "notebooks" / aid, root / "notebooks" / aid)
    shutil.copy(REPO / "nbgrader_config.py", root)
    return root


def targets(root: Path, port: int) -> dict:
    """What the snoop submission tries to reach from inside its kernel."""
    return {"repo_solution": str(REPO / "solutions" / AID / f"{AID}.ipynb"),
            "course_solution": str(root / "solutions" / AID / f"{AID}.ipynb"),
            "gradebook": str(root / "gradebook.db"), "submitted": str(root / "submitted"),
            "outside": str(root.parent / "outside.txt"), "port": port}


@pytest.fixture(scope="module")
def listener():
    """A TCP server on the grader's loopback: a kernel with network can connect, a sandboxed one cannot."""
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=lambda: [server.accept()[0].close() for _ in iter(int, 1)], daemon=True).start()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, listener):
    """{"plain": course root, "sandboxed": course root}, both graded from the same crafted downloads."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    roots, procs = {}, {}
    for name, flags in (("plain", []), ("sandboxed", ["--sandbox"] if SANDBOX else [])):
        root = make_course(tmp_path_factory.mktemp(name) / "course")
        downloads = crafted.write_downloads(root.parent / "downloads", targets(root, listener))
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "instructor", "--course", str(root), "grade", str(downloads),
             "--assignments", AID, "--timeout", str(TIMEOUT), *flags],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        roots[name] = root
    for name, proc in procs.items():
        out = proc.communicate()[0]
        assert proc.returncode == 0, f"`instructor grade` ({name}) failed:\n{out[-5000:]}"
    return roots


def csv_rows(root: Path) -> dict[str, dict]:
    import csv
    with open(root / "grades" / f"{AID}.csv", newline="") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def autograded(root: Path, student: str) -> dict:
    return read_notebook(root / "autograded" / student / AID / f"{AID}.ipynb")


def outputs_text(nb: dict) -> str:
    text = lambda t: "".join(t) if isinstance(t, list) else t
    return "\n".join(text(o.get("text", "")) + o.get("evalue", "") for c in nb["cells"] for o in c.get("outputs", []))


def test_grades_csv_equals_the_committed_one(runs):
    produced = (runs["plain"] / "grades" / f"{AID}.csv").read_text()
    assert produced == EXPECTED.read_text(), f"grades changed; produced:\n{produced}"


def test_two_gradings_give_identical_csvs(runs):
    first, second = ((runs[n] / "grades" / f"{AID}.csv").read_bytes() for n in ("plain", "sandboxed"))
    assert first == second


def test_every_student_has_a_row_and_none_is_silently_zero(runs):
    rows = csv_rows(runs["plain"])
    assert sorted(rows) == sorted(crafted.STUDENTS)
    for student, r in rows.items():
        assert r["total"] == r["max"] or r["flags"] or student == "hidden_fail", f"{student}: points lost, no flag"
        assert r["total"] or r["flags"], f"{student}: no grade and no reason"


def test_infinite_loop_times_out_and_the_other_exercises_still_score(runs):
    r = csv_rows(runs["plain"])["loop"]
    assert r["max_unpool_tests"] == "0" and r["total"] == "6", r
    assert f"max_unpool_tests timed out after {TIMEOUT} s" in r["flags"]


def test_exception_in_the_first_cell_does_not_stop_grading(runs):
    first = autograded(runs["plain"], "first_error")["cells"][0]
    assert first["outputs"][0]["ename"] == "RuntimeError"
    assert csv_rows(runs["plain"])["first_error"]["total"] == "8"


def test_edited_test_cell_is_graded_on_the_original(runs):
    r = csv_rows(runs["plain"])["edited_test"]
    assert r["nearest_unpool_tests"] == "0", "the student's `print('all tests pass')` must not be what ran"
    assert "test cell nearest_unpool_tests was edited" in r["flags"]
    cell = next(c for c in autograded(runs["plain"], "edited_test")["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "nearest_unpool_tests")
    assert "BEGIN HIDDEN TESTS" in source(cell)


def test_deleted_test_cell_is_put_back_and_graded(runs):
    r = csv_rows(runs["plain"])["deleted_test"]
    assert r["bed_of_nails_unpool_tests"] == "1" and r["total"] == "8", r
    assert "bed_of_nails_unpool_tests was deleted: put back" in r["flags"]


def test_stripped_metadata_is_restored_from_the_release(runs):
    r = csv_rows(runs["plain"])["stripped"]
    assert r["total"] == "8" and "restored nbgrader metadata" in r["flags"], r


def test_colab_notebook_is_upgraded_and_graded(runs):
    r = csv_rows(runs["plain"])["colab"]
    assert r["total"] == "8", r
    assert "nbformat 4.0 without cell ids (saved by Colab)" in r["flags"]
    assert "restored nbgrader metadata" in r["flags"]


def test_rebinding_comparisons_earns_nothing_and_is_flagged(runs):
    r = csv_rows(runs["plain"])["cheat"]
    # only transposed_conv_output_size is honestly solved (the cheat cannot fake an int comparison)
    assert [r[g] for g in ("nearest_unpool_tests", "bed_of_nails_unpool_tests", "max_unpool_tests",
                           "transposed_conv_output_size_tests", "conv_transpose2d_naive_tests")] == \
        ["0", "0", "0", "1", "0"], r
    for name in ("torch.allclose", "torch.testing.assert_close", "numpy.allclose"):
        assert f"rebinds {name}" in r["flags"], name
    assert "torch.testing.assert_close rebound before nearest_unpool_tests: restored" in r["flags"]
    assert "rebound while conv_transpose2d_naive_tests ran: not counted" in r["flags"]


def test_100_mb_of_output_is_cut_and_grading_goes_on(runs):
    path = runs["plain"] / "autograded" / "flood" / AID / f"{AID}.ipynb"
    assert path.stat().st_size < 5_000_000, "the flood reached the autograded notebook"
    r = csv_rows(runs["plain"])["flood"]
    assert r["total"] == "8" and "printed more than 1,000,000 bytes: output cut" in r["flags"], r


def test_wrong_assignment_is_reported_not_graded_as_zero(runs):
    r = csv_rows(runs["plain"])["wrong"]
    assert r["total"] == "" and r["nearest_unpool_tests"] == ""
    assert "no submission" in r["flags"] and "is 02_checkerboard_artifacts" in r["flags"]


def test_empty_notebook_is_reported(runs):
    r = csv_rows(runs["plain"])["empty"]
    assert r["total"] == "" and "an empty notebook" in r["flags"], r


def test_feedback_shows_pass_fail_and_messages_but_never_hidden_tests(runs):
    solution = read_notebook(REPO / "solutions" / AID / f"{AID}.ipynb")
    hidden = {line.strip() for c in solution["cells"] for block in HIDDEN.findall(source(c))
              for line in block.splitlines() if len(line.strip()) >= 12}
    assert len(hidden) > 30
    pages = [p for name in ("plain", "sandboxed") for p in sorted((runs[name] / "feedback").rglob("*.html"))]
    assert len(pages) == 2 * 11, [p.parent.parent.name for p in pages]
    for page in pages:
        text = html.unescape(page.read_text())
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page}: hidden test lines in the feedback: {leaked[:3]}"
    hidden_fail = (runs["plain"] / "feedback" / "hidden_fail" / AID / f"{AID}.html").read_text()
    assert "dtype must be kept: expected torch.float64, got torch.float32" in hidden_fail
    edited = (runs["plain"] / "feedback" / "edited_test" / AID / f"{AID}.html").read_text()
    assert "must give (1, 1, 4, 4), got (1, 1, 2, 2)" in edited and "<td>fail</td>" in edited
    assert edited.count("<td>pass</td>") == 4


def snoop(root: Path) -> dict:
    """What the snoop submission managed to do from its kernel."""
    line = next(l for l in outputs_text(autograded(root, "snoop")).splitlines() if l.startswith("SNOOP "))
    return json.loads(line[len("SNOOP "):])


def test_without_the_sandbox_a_submission_reaches_everything(runs):
    """The threat is real: this is what --sandbox must stop."""
    found = snoop(runs["plain"])
    assert found["read_repo_solution"] is True and found["read_course_solution"] is True
    assert found["write_outside"] is True and found["connect"] is True


def test_sandbox_blocks_solutions_writes_outside_and_network(runs):
    assert SANDBOX, "bubblewrap is missing or unusable here: run `make sandbox-tools` (README, For instructors)"
    root = runs["sandboxed"]
    found = snoop(root)
    for key in ("read_repo_solution", "read_course_solution", "read_gradebook", "list_other_students", "connect"):
        assert str(found[key]).startswith("denied"), (key, found)
    # the write "succeeds" into the sandbox's throw-away /tmp; nothing reaches the real disk
    assert found["write_inside"] is True
    assert not (root.parent / "outside.txt").exists()
    assert (root / "autograded" / "snoop" / AID / "inside.txt").read_text() == "my own folder"
    assert csv_rows(root)["snoop"]["total"] == "8", "grading works inside the sandbox"
