"""The instructor workflow on crafted submissions of notebook 01 (issues 7 and 17): every robustness case, the
grades CSV against a committed one, parallel and sharded gradings identical, feedback without hidden tests,
resource limits, the sandbox, and the tamper cases (a lying tensor subclass, faked comparisons put back by
event callbacks, patched course helpers, captured forbidden functions, a symlink planted for nbgrader).

The crafted set (tests/crafted.py) is graded twice, at the same time, with `python -m instructor grade`:
once with --jobs 1 --no-sandbox, and once as three shards (--shard i/3 --jobs 2, sandboxed by default, each on
its own copy of the course, as on three machines) merged with `python -m instructor merge` on a fourth copy.
Both CSVs must equal tests/submissions/expected_01_unpooling.csv byte for byte, and the course's sources (the
repo's and every copy's) must come out byte-identical.
"""
import hashlib
import html
import json
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import crafted
from course import REPO, env, make_course, read_notebook, source
from instructor import notebooks

AID = crafted.AID
EXPECTED = Path(__file__).parent / "submissions" / f"expected_{AID}.csv"
TIMEOUT = 30  # seconds per cell: the infinite loop costs this much, every honest cell takes far less
LIMITS = ["--memory", "2G", "--processes", "32", "--file-size", "64M"]  # what crafted's hogs run into
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
POINTS = {notebooks.grade_id(c): int(notebooks.meta(c)["points"]) for c in notebooks.grade_cells(crafted.release())}
FULL = str(sum(POINTS.values()))  # what a full solution scores


def bwrap_works() -> bool:
    try:
        from instructor.sandbox import check_available
        check_available()
        return True
    except Exception:
        return False


SANDBOX = bwrap_works()


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


def sources(root: Path) -> dict[str, str]:
    """sha256 of every file of a course's solutions/, notebooks/, helpers/ and gradebook.db (if any), but the
    git-ignored *.results.json that the suite's own notebook runs (nbval) write next to the solutions meanwhile."""
    files = [p for part in ("solutions", "notebooks", "helpers") for p in (root / part).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".results.json")]
    files += [root / "gradebook.db"] if (root / "gradebook.db").is_file() else []
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


@pytest.fixture(scope="module")
def repo_sources():
    """The repo's sources before the crafted set is graded."""
    return sources(REPO)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, listener, repo_sources):
    """{"plain": course root, "sharded": course root}, both graded from the same crafted downloads."""
    def course(name: str) -> Path:
        return make_course(tmp_path_factory.mktemp(name) / "course", [AID, crafted.OTHER], releases=True).root

    def grade(root: Path, *flags: str) -> subprocess.Popen:
        downloads = crafted.write_downloads(root.parent / "downloads", targets(root, listener))
        return instructor(root, "grade", str(downloads), "--assignments", AID, "--timeout", str(TIMEOUT),
                          *LIMITS, *flags)

    plain = course("plain")
    plain_run = grade(plain, "--jobs", "1", "--no-sandbox")
    shards = [course(f"shard{i}") for i in (1, 2, 3)]
    for i, root in enumerate(shards, 1):  # one shard after another, beside the plain run
        finish(grade(root, "--jobs", "2", "--shard", f"{i}/3", *([] if SANDBOX else ["--no-sandbox"])))
    finish(plain_run)
    merged = course("merged")
    finish(instructor(merged, "merge", *(str(root / "shards" / f"{i}-of-3") for i, root in enumerate(shards, 1))))
    return {"plain": plain, "sharded": merged, "shards": shards}


def instructor(root: Path, *args: str) -> subprocess.Popen:
    """`python -m instructor --course root ARGS`, started."""
    return subprocess.Popen([sys.executable, "-m", "instructor", "--course", str(root), *args], cwd=REPO, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(proc: subprocess.Popen) -> None:
    out = proc.communicate()[0]
    assert proc.returncode == 0, f"`{' '.join(proc.args[2:])}` failed:\n{out[-5000:]}"


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


def test_jobs_2_and_three_merged_shards_give_the_csv_of_jobs_1(runs):
    first, second = ((runs[n] / "grades" / f"{AID}.csv").read_bytes() for n in ("plain", "sharded"))
    assert first == second


def test_every_student_has_a_row_and_none_is_silently_zero(runs):
    rows = csv_rows(runs["plain"])
    assert sorted(rows) == sorted(crafted.STUDENTS)
    for student, r in rows.items():
        assert r["total"] == r["max"] or r["flags"] or student == "hidden_fail", f"{student}: points lost, no flag"
        assert r["total"] or r["flags"], f"{student}: no grade and no reason"


def test_infinite_loop_times_out_and_the_other_exercises_still_score(runs):
    r = csv_rows(runs["plain"])["loop"]
    assert r["max_unpool_tests"] == "0" and r["total"] == str(int(FULL) - POINTS["max_unpool_tests"]), r
    assert f"max_unpool_tests timed out after {TIMEOUT} s" in r["flags"]


def test_exception_in_the_first_cell_does_not_stop_grading(runs):
    first = autograded(runs["plain"], "first_error")["cells"][0]
    assert first["outputs"][0]["ename"] == "RuntimeError"
    assert csv_rows(runs["plain"])["first_error"]["total"] == FULL


def test_edited_test_cell_is_graded_on_the_original(runs):
    r = csv_rows(runs["plain"])["edited_test"]
    assert r["nearest_unpool_tests"] == "0", "the student's `print('all tests pass')` must not be what ran"
    assert "test cell nearest_unpool_tests was edited" in r["flags"]
    cell = next(c for c in autograded(runs["plain"], "edited_test")["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "nearest_unpool_tests")
    assert "BEGIN HIDDEN TESTS" in source(cell)


def test_deleted_test_cell_is_put_back_and_graded(runs):
    r = csv_rows(runs["plain"])["deleted_test"]
    assert r["bed_of_nails_unpool_tests"] == "1" and r["total"] == FULL, r
    assert "bed_of_nails_unpool_tests was deleted: put back" in r["flags"]


def test_stripped_metadata_is_restored_from_the_release(runs):
    r = csv_rows(runs["plain"])["stripped"]
    assert r["total"] == FULL and "restored nbgrader metadata" in r["flags"], r


def test_colab_notebook_is_upgraded_and_graded(runs):
    r = csv_rows(runs["plain"])["colab"]
    assert r["total"] == FULL, r
    assert "nbformat 4.0 without cell ids (saved by Colab)" in r["flags"]
    assert "restored nbgrader metadata" in r["flags"]


def test_rebinding_comparisons_earns_nothing_and_is_flagged(runs):
    r = csv_rows(runs["plain"])["cheat"]
    # only transposed_conv_output_size is honestly solved (the cheat cannot fake an int comparison)
    assert [r[g] for g in ("nearest_unpool_tests", "bed_of_nails_unpool_tests", "max_unpool_tests",
                           "transposed_conv_output_size_tests", "conv_transpose2d_naive_tests",
                           "conv_transpose2d_naive_tests_padding_bias", "conv_transpose2d_naive_tests_dtype_inputs")] \
        == ["0", "0", "0", "1", "0", "0", "0"], r
    for name in ("torch.allclose", "torch.testing.assert_close", "numpy.allclose"):
        assert f"rebinds {name}" in r["flags"], name
    assert "torch.testing.assert_close rebound before nearest_unpool_tests: restored" in r["flags"]
    assert "rebound while conv_transpose2d_naive_tests ran: not counted" in r["flags"]


# Not parametrized: xdist would send each parameter to another worker, which builds the runs a second time.
def test_resource_hogs_are_stopped_and_flagged_and_keep_their_points(runs):
    for run in ("plain", "sharded"):
        rows = csv_rows(runs[run])
        for student, flag in (("memory_hog", "memory limit 2 GB exceeded in cell"),
                              ("fork_bomb", "process limit 32 exceeded in cell"),
                              ("big_file", "file size limit 64 MB exceeded in cell")):
            assert rows[student]["total"] == FULL and flag in rows[student]["flags"], (run, rows[student])
        assert rows["solver"]["total"] == FULL and rows["solver"]["flags"] == "", run
        big = runs[run] / "autograded" / "big_file" / AID / "big.bin"
        assert big.stat().st_size == 64 << 20, f"{run}: the 10 GB write stopped at the file size limit"


def test_100_mb_of_output_is_cut_and_grading_goes_on(runs):
    path = runs["plain"] / "autograded" / "flood" / AID / f"{AID}.ipynb"
    assert path.stat().st_size < 5_000_000, "the flood reached the autograded notebook"
    r = csv_rows(runs["plain"])["flood"]
    assert r["total"] == FULL and "printed more than 1,000,000 bytes: output cut" in r["flags"], r


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
    pages = [p for name in ("plain", "sharded") for p in sorted((runs[name] / "feedback").rglob("*.html"))]
    not_graded = ("empty", "wrong")
    assert len(pages) == 2 * (len(crafted.STUDENTS) - len(not_graded)), [p.parent.parent.name for p in pages]
    for page in pages:
        text = html.unescape(page.read_text())
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page}: hidden test lines in the feedback: {leaked[:3]}"
    hidden_fail = html.unescape((runs["plain"] / "feedback" / "hidden_fail" / AID / f"{AID}.html").read_text())
    assert "keep x's dtype, got torch.float32" in hidden_fail  # what the failing hidden check said
    edited = (runs["plain"] / "feedback" / "edited_test" / AID / f"{AID}.html").read_text()
    assert "must give (1, 1, 4, 4), got (1, 1, 2, 2)" in edited and "<td>fail</td>" in edited
    assert edited.count("<td>pass</td>") == len(POINTS) - 1


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
    root = runs["sharded"]
    found = snoop(root)
    for key in ("read_repo_solution", "read_course_solution", "read_gradebook", "list_other_students", "connect"):
        assert str(found[key]).startswith("denied"), (key, found)
    # the write "succeeds" into the sandbox's throw-away /tmp; nothing reaches the real disk
    assert found["write_inside"] is True
    assert not any((shard.parent / "outside.txt").exists() for shard in runs["shards"])
    assert (root / "autograded" / "snoop" / AID / "inside.txt").read_text() == "my own folder"
    assert csv_rows(root)["snoop"]["total"] == FULL, "grading works inside the sandbox"


def points(row: dict, cells=crafted.FAKED) -> list[str]:
    return [row[g] for g in cells]


def test_a_tensor_subclass_that_equals_anything_earns_nothing_and_is_flagged(runs):
    r = csv_rows(runs["plain"])["liar"]
    assert points(r) == ["0"] * len(crafted.FAKED), r
    assert "defines _Liar, a torch.Tensor subclass" in r["flags"] and "defines __torch_function__" in r["flags"]


def test_comparisons_faked_by_disguised_event_callbacks_earn_nothing_and_are_flagged(runs):
    r = csv_rows(runs["plain"])["callback"]
    assert points(r) == ["0"] * len(crafted.FAKED), r
    assert "IPython event post_run_cell, IPython event pre_run_cell rebound before nearest_unpool_tests" in r["flags"]


def test_course_helpers_patched_through_import_module_earn_nothing_and_are_flagged(runs):
    r = csv_rows(runs["plain"])["patcher"]
    assert points(r) == ["0"] * len(crafted.FAKED), r
    assert "calls setattr on importlib.import_module('helpers.grading')" in r["flags"]
    assert "helpers.grading.assert_close, helpers.grading.assert_equal, torch.allclose rebound before " \
           "nearest_unpool_tests: restored" in r["flags"]


def test_forbidden_functions_captured_before_the_test_earn_nothing_and_are_flagged(runs):
    r = csv_rows(runs["plain"])["captured"]
    assert points(r, ("max_unpool_tests", "conv_transpose2d_naive_tests", "conv_transpose2d_naive_tests_padding_bias",
                      "conv_transpose2d_naive_tests_dtype_inputs")) == ["0"] * 4, r
    assert "forbidden call in max_unpool_tests" in r["flags"] and "(called torch.ops.aten.max_unpool2d)" in r["flags"]
    assert "(called torch.nn.functional.conv_transpose2d)" in r["flags"]  # the default argument


def test_a_symlink_planted_for_nbgrader_is_removed_and_flagged(runs):
    for run in ("plain", "sharded"):
        r = csv_rows(runs[run])["symlink"]
        assert "01_unpooling.ipynb: a symlink to ../../../solutions/01_unpooling/01_unpooling.ipynb" in r["flags"], r
        written = runs[run] / "autograded" / "symlink" / AID / f"{AID}.ipynb"
        assert not written.is_symlink() and "BEGIN HIDDEN TESTS" in written.read_text(), run


def test_grading_leaves_every_course_source_byte_identical(runs, repo_sources):
    assert sources(REPO) == repo_sources
    ours = ("solutions/" + AID, "notebooks/" + AID)
    original = {k: v for k, v in repo_sources.items() if k.startswith(ours)}
    for root in [runs["plain"], runs["sharded"], *runs["shards"]]:
        assert {k: v for k, v in sources(root).items() if k.startswith(ours)} == original, root
