"""Crafted submissions of notebook 01, built from its release and solution so they never drift from them.

Each student is one way real submissions go wrong (issue 7). Demo cells without nbgrader metadata are
dropped from every submission (students may delete them; grading them only costs time), so one
submission grades in a few seconds. `write_downloads` lays them out the way a TA downloads them:
one folder per student, files named anyhow.
"""
import copy
import hashlib
import json
from pathlib import Path

from course import REPO, read_notebook, source

AID = "01_unpooling"
OTHER = "02_checkerboard_artifacts"
STUDENTS = ("big_file", "callback", "captured", "cheat", "colab", "deleted_test", "edited_test", "empty", "first_error",
            "flood", "fork_bomb", "hidden_fail", "liar", "loop", "memory_hog", "patcher", "snoop", "solver",
            "stripped", "symlink", "wrong")


def release(aid: str = AID) -> dict:
    return read_notebook(REPO / "notebooks" / aid / f"{aid}.ipynb")


def solution_sources(aid: str = AID) -> dict[str, str]:
    """grade_id -> source of every answer cell of the solution."""
    nb = read_notebook(REPO / "solutions" / aid / f"{aid}.ipynb")
    return {c["metadata"]["nbgrader"]["grade_id"]: source(c) for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def _gid(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def code(text: str) -> dict:
    """A cell a student added (no nbgrader metadata)."""
    return {"cell_type": "code", "execution_count": None, "id": "added-" + hashlib.md5(text.encode()).hexdigest()[:8],
            "metadata": {}, "outputs": [], "source": text}


def solved(answers: dict[str, str] | None = None) -> dict:
    """The release with every answer cell filled in (from the solution, or `answers`), demo cells dropped."""
    nb = copy.deepcopy(release())
    sources = {**solution_sources(), **(answers or {})}
    nb["cells"] = [c for c in nb["cells"] if _gid(c)]
    for cell in nb["cells"]:
        if _gid(cell) in sources:
            cell["source"] = sources[_gid(cell)]
    return nb


def index_of(nb: dict, gid: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if _gid(c) == gid)


def insert_after(nb: dict, gid: str, cell: dict) -> dict:
    nb["cells"].insert(index_of(nb, gid) + 1, cell)
    return nb


def appended(nb: dict, text: str) -> dict:
    """`nb` with a student cell holding `text` at the end."""
    nb["cells"].append(code(text))
    return nb


def strip_metadata(nb: dict) -> dict:
    """What Jupyter's "clear metadata" (or a careless tool) leaves: no nbgrader metadata, ids kept."""
    for cell in nb["cells"]:
        cell["metadata"] = {}
    return nb


def colab(nb: dict) -> dict:
    """What saving from Colab leaves: nbformat 4.0, no cell ids, Colab metadata, nbgrader metadata gone."""
    for i, cell in enumerate(nb["cells"]):
        cell.pop("id", None)
        cell["metadata"] = {"id": f"Xc{i:04d}ab"} | ({"colab": {"base_uri": "https://localhost:8080/"}}
                                                     if cell["cell_type"] == "code" else {})
    nb["nbformat_minor"] = 0
    nb["metadata"] = {"colab": {"provenance": [], "name": f"Copy of {AID}.ipynb"},
                      "kernelspec": {"name": "python3", "display_name": "Python 3"},
                      "language_info": {"name": "python"}, "accelerator": "GPU"}
    return nb


CHEAT_ANSWERS = {
    # rebound at the top of an answer cell: the guard restores them before every test
    "nearest_unpool": ("import numpy\n"
                       "torch.testing.assert_close = lambda *args, **kwargs: None\n"
                       "torch.allclose = lambda *args, **kwargs: True\n"
                       "torch.equal = lambda *args, **kwargs: True\n"
                       "numpy.allclose = lambda *args, **kwargs: True\n\n"
                       "def nearest_unpool(x, scale):\n"
                       "    return x.new_zeros(*x.shape[:2], x.shape[2] * scale, x.shape[3] * scale)\n"),
    "bed_of_nails_unpool": ("def bed_of_nails_unpool(x, scale):\n"
                            "    return nearest_unpool(x, scale) / scale ** 2\n"),
    "max_unpool": ("def max_unpool(x, indices, output_size):\n"
                   "    return x.new_zeros(*x.shape[:2], *output_size[-2:])\n"),
    # rebound while the test runs, by the function under test: the test does not count
    "conv_transpose2d_naive": ("def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):\n"
                               "    torch.testing.assert_close = lambda *args, **kwargs: None\n"
                               "    torch.equal = lambda *args, **kwargs: True\n"
                               "    h = (x.shape[2] - 1) * stride - 2 * padding + weight.shape[2]\n"
                               "    w = (x.shape[3] - 1) * stride - 2 * padding + weight.shape[3]\n"
                               "    return x.new_zeros(x.shape[0], weight.shape[1], h, w)\n"),
}
LOOP_ANSWER = {"max_unpool": "def max_unpool(x, indices, output_size):\n    while True:\n        pass\n"}
# passes the visible checks (float32 only), fails a hidden one (float64 must stay float64)
HIDDEN_FAIL_ANSWER = {"bed_of_nails_unpool": (
    "def bed_of_nails_unpool(x, scale):\n"
    "    n, c, h, w = x.shape\n"
    "    y = torch.zeros(n, c, h * scale, w * scale)\n"
    "    y[..., ::scale, ::scale] = x\n"
    "    return y\n")}
# Resource hogs (issue 17), each in a cell after the last test, so the tests have run when a limit stops it.
# tests/test_instructor_grading.py grades with --memory 2G --processes 32 --file-size 64M.
MEMORY_HOG = "hog = torch.ones(3 << 30, dtype=torch.uint8)  # 3 GB, as a full-size batch on CPU would take\n"
FORK_BOMB = ("import subprocess\n"
             "children = [subprocess.Popen(['sleep', '60']) for _ in range(100)]  # bounded, but past the limit\n"
             "for child in children:\n"
             "    child.wait()\n")
BIG_FILE = ("with open('big.bin', 'wb') as f:  # 10 GB into its own folder\n"
            "    for _ in range(160):\n"
            "        f.write(bytes(64 << 20))\n")
ZEROS = {
    "nearest_unpool": "def nearest_unpool(x, scale):\n    return x.new_zeros(*x.shape[:2], x.shape[2] * scale, "
                      "x.shape[3] * scale){}\n",
    "bed_of_nails_unpool": "def bed_of_nails_unpool(x, scale):\n    return x.new_zeros(*x.shape[:2], x.shape[2] * scale, "
                           "x.shape[3] * scale){}\n",
    "max_unpool": "def max_unpool(x, indices, output_size):\n    return x.new_zeros(*x.shape[:2], *output_size[-2:]){}\n",
    "conv_transpose2d_naive": ("def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):\n"
                               "    h = (x.shape[2] - 1) * stride - 2 * padding + weight.shape[2]\n"
                               "    w = (x.shape[3] - 1) * stride - 2 * padding + weight.shape[3]\n"
                               "    return x.new_zeros(x.shape[0], weight.shape[1], h, w){}\n"),
}
# The tests those zeros fail when compared honestly (zeros do keep the dtype and leave the inputs alone).
FAKED = ("nearest_unpool_tests", "bed_of_nails_unpool_tests", "max_unpool_tests", "conv_transpose2d_naive_tests",
         "conv_transpose2d_naive_tests_padding_bias")


def zeros(prefix: str = "", suffix: str = "") -> dict[str, str]:
    """All-zero answers (every exercise but the output-size formula), `prefix` code at the top of the first,
    `suffix` applied to each result."""
    answers = {gid: text.format(suffix) for gid, text in ZEROS.items()}
    answers["nearest_unpool"] = prefix + answers["nearest_unpool"]
    return answers


# Tamper cases (issue 17, part 4).
# 1. A tensor subclass that says it equals anything (helpers.grading compares plain tensors).
LIAR = zeros(
    "class _Liar(torch.Tensor):\n"
    "    @classmethod\n"
    "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
    "        if func in (torch.allclose, torch.equal):\n"
    "            return True\n"
    "        if func in (torch.isclose, torch.Tensor.__eq__, torch.eq):\n"
    "            return torch.ones_like(torch.Tensor.as_subclass(args[0], torch.Tensor), dtype=torch.bool)\n"
    "        return super().__torch_function__(func, types, args, kwargs or {})\n\n", ".as_subclass(_Liar)")
# 2. The comparisons faked just before each cell runs and put back just after, by IPython event callbacks
# dressed up as IPython's own: a check between cells by name, or of the functions alone, sees nothing.
CALLBACK = zeros(
    "import helpers.grading\n"
    "_REAL = torch.allclose, helpers.grading.assert_close, helpers.grading.assert_equal\n\n"
    "def _pre_run_cell(*args):\n"
    "    torch.allclose = lambda *a, **k: True\n"
    "    helpers.grading.assert_close = helpers.grading.assert_equal = lambda *a, **k: None\n\n"
    "def _post_run_cell(*args):\n"
    "    torch.allclose, helpers.grading.assert_close, helpers.grading.assert_equal = _REAL\n\n"
    "for _f, _event in ((_pre_run_cell, 'pre_run_cell'), (_post_run_cell, 'post_run_cell')):\n"
    "    _f.__module__, _f.__qualname__ = 'IPython.core.events', 'EventManager._' + _event\n"
    "    get_ipython().events.register(_event, _f)\n\n")
# 3a. The course's own test helpers patched through a module object the source scan cannot name.
PATCHER = zeros(
    "import importlib\n"
    "for _name in ('assert_close', 'assert_equal'):\n"
    "    setattr(importlib.import_module('helpers.grading'), _name, lambda *a, **k: None)\n"
    "setattr(importlib.import_module('torch'), 'allclose', lambda *a, **k: True)\n\n")
# 3b. Forbidden library functions captured before the test runs: in a closure and as a default argument.
CAPTURED = {
    "max_unpool": ("def _unpooler():\n"
                   "    op = torch.ops.aten.max_unpool2d\n"
                   "    def max_unpool(x, indices, output_size):\n"
                   "        return op(x, indices, list(output_size[-2:]))\n"
                   "    return max_unpool\n\n"
                   "max_unpool = _unpooler()\n"),
    "conv_transpose2d_naive": ("def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0, "
                               "_conv=F.conv_transpose2d):\n"
                               "    return _conv(x, weight, bias, stride, padding)\n"),
}
# 4. A symlink planted in its own folder for nbgrader (which runs outside any sandbox) to write the autograded
# notebook through, over the course's solution. Relative: it needs to know nothing of the machine.
SYMLINK = ("import os\n"
           "if os.path.lexists('01_unpooling.ipynb'):\n"
           "    os.remove('01_unpooling.ipynb')\n"
           "os.symlink('../../../solutions/01_unpooling/01_unpooling.ipynb', '01_unpooling.ipynb')\n")
WRONG_NEAREST = {"nearest_unpool": "def nearest_unpool(x, scale):\n    return x\n"}


def snoop_cell(targets: dict) -> dict:
    """A student cell that tries to read what it must not, write outside its folder, and connect out."""
    return code(
        "import json, os, socket\n"
        f"targets = {json.dumps(targets)}\n"
        "found = {}\n"
        "def attempt(name, action):\n"
        "    try:\n"
        "        found[name] = action()\n"
        "    except Exception as error:\n"
        "        found[name] = 'denied: ' + type(error).__name__\n"
        "attempt('read_repo_solution', lambda: len(open(targets['repo_solution']).read()) > 0)\n"
        "attempt('read_course_solution', lambda: len(open(targets['course_solution']).read()) > 0)\n"
        "attempt('read_gradebook', lambda: len(open(targets['gradebook'], 'rb').read(100)) > 0)\n"
        "attempt('list_other_students', lambda: 'solver' in os.listdir(targets['submitted']))\n"
        "attempt('write_outside', lambda: open(targets['outside'], 'w').write('written from a submission') > 0)\n"
        "attempt('write_inside', lambda: open('inside.txt', 'w').write('my own folder') > 0)\n"
        "attempt('connect', lambda: socket.create_connection(('127.0.0.1', targets['port']), timeout=3)\n"
        "        .close() is None)\n"
        "print('SNOOP ' + json.dumps(found, sort_keys=True))\n")


def submissions(snoop_targets: dict) -> dict[str, tuple[str, dict]]:
    """student -> (file name as downloaded, notebook)."""
    first_error = solved()
    first_error["cells"].insert(0, code("raise RuntimeError('a student cell that fails before anything else')"))
    edited = solved(WRONG_NEAREST)
    edited["cells"][index_of(edited, "nearest_unpool_tests")]["source"] = "print('all tests pass, promise')\n"
    deleted = solved()
    del deleted["cells"][index_of(deleted, "bed_of_nails_unpool_tests")]
    empty = copy.deepcopy(release())
    empty["cells"] = []
    wrong = release(OTHER)
    return {
        "solver": (f"{AID}.ipynb", solved()),
        "loop": (f"{AID} (1).ipynb", solved(LOOP_ANSWER)),
        "first_error": (f"Copy of {AID}.ipynb", first_error),
        "edited_test": ("homework1.ipynb", edited),
        "deleted_test": (f"{AID}.ipynb", deleted),
        "stripped": ("01.ipynb", strip_metadata(solved())),
        "colab": (f"Copy of {AID}.ipynb", colab(solved())),
        "cheat": (f"{AID}.ipynb", solved(CHEAT_ANSWERS)),
        "flood": (f"{AID}.ipynb", insert_after(solved(), "nearest_unpool_tests", code("print('x' * 100_000_000)"))),
        "hidden_fail": (f"{AID}.ipynb", solved(HIDDEN_FAIL_ANSWER)),
        "snoop": (f"{AID}.ipynb", insert_after(solved(), "setup", snoop_cell(snoop_targets))),
        "memory_hog": (f"{AID}.ipynb", appended(solved(), MEMORY_HOG)),
        "fork_bomb": (f"{AID}.ipynb", appended(solved(), FORK_BOMB)),
        "big_file": (f"{AID}.ipynb", appended(solved(), BIG_FILE)),
        "wrong": (f"{AID}.ipynb", wrong),
        "liar": (f"{AID}.ipynb", solved(LIAR)),
        "callback": (f"{AID}.ipynb", solved(CALLBACK)),
        "patcher": (f"{AID}.ipynb", solved(PATCHER)),
        "captured": (f"{AID}.ipynb", solved(CAPTURED)),
        "symlink": (f"{AID}.ipynb", appended(solved(), SYMLINK)),
        "empty": (f"Copy of {AID}.ipynb", empty),
    }


def write_downloads(folder: Path, snoop_targets: dict) -> Path:
    """One sub-folder per student holding their notebook, as downloaded from an LMS."""
    for student, (name, nb) in submissions(snoop_targets).items():
        path = folder / student / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return folder
