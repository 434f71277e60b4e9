"""The student notebooks are exactly what nbgrader generates from solutions/, and leak nothing."""
import re
import subprocess

import pytest

from course import ASSIGNMENTS, REPO, nbgrader_cells, read_notebook, release, source

def tracked_files(folder):
    """Files git tracks under `folder` (not what a student's run left there: checkpoints, results)."""
    listed = subprocess.run(["git", "ls-files", "-z", "."], cwd=folder, capture_output=True, text=True, check=True)
    return sorted(name for name in listed.stdout.split("\0") if name)


BLOCK = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def test_there_are_assignments():
    assert ASSIGNMENTS, "no solutions/NN_topic/ folders found"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_is_in_sync_with_solutions(scratch_course, aid):
    committed = REPO / "notebooks" / aid
    generated = release(scratch_course, aid)
    files = lambda folder: sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert tracked_files(committed) == files(generated), "run `make release` and commit notebooks/"
    for name in files(generated):
        if name.endswith(".ipynb"):
            assert read_notebook(committed / name) == read_notebook(generated / name), (
                f"notebooks/{aid}/{name} is stale: run `make release` and commit it")
        else:
            assert (committed / name).read_bytes() == (generated / name).read_bytes(), name


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_holds_no_solution_or_hidden_test(aid):
    solution = read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")
    release_text = "\n".join(source(c) for c in read_notebook(REPO / "notebooks" / aid / f"{aid}.ipynb")["cells"])
    assert "BEGIN SOLUTION" not in release_text and "BEGIN HIDDEN TESTS" not in release_text
    secret_lines = {line.strip() for cell in solution["cells"] for _, block in BLOCK.findall(source(cell))
                    for line in block.splitlines() if len(line.strip()) >= 25}
    assert secret_lines, "found no solution or hidden-test code to check for"
    leaked = sorted(line for line in secret_lines if line in release_text)
    assert not leaked, f"released notebook contains solution/hidden lines: {leaked[:5]}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_every_graded_cell_has_hidden_tests_and_points(aid):
    solution = read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")
    graded = nbgrader_cells(solution, "grade")
    assert graded and nbgrader_cells(solution, "solution")
    for cell in graded:
        meta = cell["metadata"]["nbgrader"]
        assert meta["locked"] and meta["points"] > 0, meta["grade_id"]
        assert "### BEGIN HIDDEN TESTS" in source(cell), f"{meta['grade_id']} has no hidden tests"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_grade_ids_are_unique_and_well_formed(aid):
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")["cells"]
           if "nbgrader" in c.get("metadata", {})]
    assert len(ids) == len(set(ids)), "duplicated grade_id"
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]+", i) for i in ids), ids


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_solutions_are_stored_without_outputs(aid):
    for cell in read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")["cells"]:
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell["execution_count"] is None, "strip outputs (keep cell ids)"
        assert cell.get("id"), "every cell needs a stable id"
