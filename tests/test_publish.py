"""Publishing the course under another repository, and installing it the way Colab does.

One temporary copy of this working tree is published with `python -m instructor publish` to a fake repository on a
local git host (`file://`), committed and tagged there. Then a fresh venv shaped like Colab (this venv's torch and
numpy 2 seen as already installed, ipywidgets 7.7.1 from PyPI, a fake `google.colab`) runs the released 01 notebook's
setup cell: it must install `helpers` from `git+file://…@ref` without touching torch, numpy or ipywidgets. pip runs
with PIP_NO_INDEX there, so a dependency that Colab's stack does not satisfy fails the test instead of downloading
torch. PyPI is used once, before that, for ipywidgets 7.7.1 and the setuptools wheel the build needs (pip caches both).
"""
import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course import ASSIGNMENTS, REPO
from instructor.course import Course
from instructor.publish import Location, PublishError, apply, bootstrap, package_version, with_bootstrap

OLD = Location.load(REPO)
AID = "01_unpooling"
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
# What Colab has and the course must not replace; ipywidgets comes from PyPI at Colab's version instead.
NOT_FROM_THIS_VENV = re.compile(r"cv_seminar_notebooks.*|__editable__.*|.*\.pth|(ipywidgets|widgetsnbextension|"
                                r"jupyterlab_widgets)([-_.].*)?|__pycache__")


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail the test with its output."""
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def copy_working_tree(target: Path) -> None:
    """Copy what git would commit from this working tree (tracked and new files, nothing ignored) to target."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Location]:
    """A copy of the course published to test-org/cv-course@v-test on a file:// git host, committed and tagged."""
    hosts = tmp_path_factory.mktemp("hosts")
    location = Location("test-org/cv-course", "v-test", hosts.as_uri())
    root = hosts / location.repository
    root.mkdir(parents=True)
    copy_working_tree(root)
    run(sys.executable, "-m", "instructor", "publish", f"{location.repository}@{location.ref}",
        "--git-host", location.git_host, cwd=root)
    run("git", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    run(*GIT, "commit", "-q", "-m", "published for the test", cwd=root)
    run("git", "tag", location.ref, cwd=root)
    return root, location


def text_files(root: Path):
    """Every file of the copy that reads as text, outside .git."""
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def test_publish_leaves_no_old_url(published):
    root, location = published
    assert Location.load(root) == location
    stale = [f"{p.relative_to(root)}: {old}" for p, text in text_files(root)
             for old in (OLD.repository, OLD.repo_url) if old in text]
    assert not stale, stale


def test_every_badge_and_setup_cell_points_at_the_new_repository(published):
    # Not parametrized: each parameter could land on another xdist worker and publish again.
    root, location = published
    for folder, aid in [(folder, aid) for folder in ("solutions", "notebooks") for aid in ASSIGNMENTS]:
        nb = nbformat.read(root / folder / aid / f"{aid}.ipynb", as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        links = re.findall(r"https://colab\.research\.google\.com/github/[^)\s\"]+", text)
        assert links == [location.colab_url(aid)], (folder, aid, links)
        setup = next(c.source for c in nb.cells if c.get("id") == "setup")
        assert setup.startswith(bootstrap(location, package_version(root)) + "\n"), (folder, aid)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert all(location.colab_url(aid) in readme for aid in ASSIGNMENTS)


def test_release_after_publish_changes_nothing(published):
    root, location = published
    assert apply(Course(root), location, ASSIGNMENTS) == []


@pytest.mark.parametrize("spec", ["no-owner", "a/b/c", "owner/name@bad ref", "owner/name@a..b", 'o/n@x"y'])
def test_publish_rejects_what_is_not_owner_name_at_ref(spec):
    with pytest.raises(PublishError):
        Location.parse(spec)


def test_publish_command_says_what_is_wrong_and_writes_nothing(tmp_path):
    (tmp_path / "solutions").mkdir()
    result = subprocess.run([sys.executable, "-m", "instructor", "--course", str(tmp_path), "publish", "just-a-name"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode != 0 and "owner/name" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solutions"]


def test_with_bootstrap_replaces_the_install_block_and_keeps_the_rest():
    old = ('import sys\nif "google.colab" in sys.modules:\n    %pip install -q "git+https://x/y"\n'
           '\nimport torch\nsetup()')
    assert with_bootstrap(old, "BOOT\n") == "BOOT\n\nimport torch\nsetup()"
    assert with_bootstrap(with_bootstrap(old, "BOOT pip\n"), "NEW pip\n") == "NEW pip\n\nimport torch\nsetup()"
    assert with_bootstrap("import torch", "BOOT\n") == "BOOT\n\nimport torch"


# --- Colab-shaped install -------------------------------------------------------------------------------------------

REPORT = """\
import importlib.metadata, json, sys
import helpers, ipywidgets, numpy, torch
dist = importlib.metadata.distribution("cv-seminar-notebooks")
print(json.dumps({"helpers": helpers.__file__, "torch": torch.__file__, "numpy": numpy.__file__,
                  "numpy_version": numpy.__version__, "ipywidgets": ipywidgets.__version__,
                  "direct_url": json.loads(dist.read_text("direct_url.json") or "{}"),
                  "colab": "google.colab" in sys.modules}))
"""
TQDM = "from tqdm.auto import tqdm\nfor _ in tqdm(range(3)):\n    pass"


@pytest.fixture(scope="module")
def colab(published, tmp_path_factory):
    """A venv shaped like Colab and a kernel spec for it: (its site-packages, run(cells) -> executed notebook,
    {package: version} pip installed there before the course)."""
    root, _ = published
    tmp = tmp_path_factory.mktemp("colab")
    here = Path(sysconfig.get_paths()["purelib"])
    stack = tmp / "colab-stack"  # Colab's preinstalled packages: this venv's, minus the course and ipywidgets 8
    stack.mkdir()
    for entry in here.iterdir():
        if not NOT_FROM_THIS_VENV.fullmatch(entry.name):
            (stack / entry.name).symlink_to(entry)
    fake = tmp / "fake-colab" / "google" / "colab"  # a namespace package next to any real google.*
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s module: its presence is what notebooks test."""\n')
    venv = tmp / "venv"
    run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "colab-stack.pth").write_text(f"{stack}\n")  # after the venv's own packages, like a system site
    wheels = tmp / "wheels"
    run(python, "-m", "pip", "install", "-q", "ipywidgets==7.7.1")
    run(python, "-m", "pip", "download", "-q", "--no-deps", "-d", wheels, "setuptools>=77")
    kernel = tmp / "jupyter" / "kernels" / "colab-test"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-shaped", "language": "python",
        "env": {"PYTHONPATH": str(fake.parent.parent), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels),
                "CV_SEMINAR_CACHE": str(tmp / "cache")}}))
    workdir = tmp / "student"  # where the student's notebook sits: no helpers/ next to it
    workdir.mkdir()

    def run_cells(sources: list[str]) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        with pytest.MonkeyPatch.context() as env:
            env.setenv("JUPYTER_PATH", str(tmp / "jupyter"))
            NotebookClient(nb, kernel_name="colab-test", timeout=300, allow_errors=True,
                           resources={"metadata": {"path": str(workdir)}}).execute()
        return nb

    return site, run_cells, venv_packages(site)


def venv_packages(site: Path) -> dict[str, str]:
    """What pip lists in the venv's own site-packages (not the Colab stack behind it), name -> version."""
    listed = run(site.parents[2] / "bin" / "python", "-m", "pip", "list", "--path", site, "--format", "json").stdout
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(listed)}


def released_cells(root: Path) -> tuple[str, str]:
    """The released 01 notebook's setup cell and the code cell after it."""
    cells = nbformat.read(root / "notebooks" / AID / f"{AID}.ipynb", as_version=4).cells
    index = next(i for i, c in enumerate(cells) if c.get("id") == "setup")
    return cells[index].source, next(c.source for c in cells[index + 1:] if c.cell_type == "code")


def errors(cell) -> list[dict]:
    return [o for o in cell.outputs if o.output_type == "error"]


@pytest.fixture(scope="module")
def colab_runs(published, colab):
    """First the setup cell with a broken repository URL, then the published one (in that order: the first must
    find helpers missing)."""
    root, location = published
    run_cells = colab[1]
    setup, first_exercise = released_cells(root)
    broken = Location("test-org/no-such-course", location.ref, location.git_host)
    broken_setup = with_bootstrap(setup, bootstrap(broken, package_version(root)))
    broken_run = run_cells(["import google.colab", broken_setup])
    good_run = run_cells(["import google.colab", setup, first_exercise, TQDM, REPORT])
    return broken, broken_run, good_run


def test_broken_repository_url_raises_one_clear_error(colab_runs):
    broken, nb, _ = colab_runs
    failure = errors(nb.cells[1])
    assert [e.ename for e in failure] == ["RuntimeError"], "not ModuleNotFoundError: the install itself must fail"
    message = failure[0].evalue
    assert broken.pip_url in message and "tell your instructor" in message and "publish the course" in message


def test_colab_installs_helpers_without_touching_its_stack(colab, colab_runs):
    site, _, preinstalled = colab
    _, _, nb = colab_runs
    for cell in nb.cells:
        assert not errors(cell), (cell.source[:80], [(e.ename, e.evalue) for e in errors(cell)])
    assert "mode='fast'" in "".join(o.get("text", "") for o in nb.cells[1].outputs)
    report = json.loads(nb.cells[4].outputs[-1].text)
    assert report["colab"]
    assert Path(report["helpers"]).is_relative_to(site), "helpers must come from the installed package"
    assert report["direct_url"]["vcs_info"]["requested_revision"] == "v-test"
    assert not report["direct_url"].get("dir_info", {}).get("editable")
    for package in ("torch", "numpy"):
        assert not Path(report[package]).is_relative_to(site), f"{package} was reinstalled"
    expected = {**preinstalled, "cv-seminar-notebooks": package_version(REPO)}
    assert venv_packages(site) == expected, "pip changed more than the course in the venv"
    assert int(report["numpy_version"].split(".")[0]) >= 2
    assert report["ipywidgets"] == "7.7.1", "Colab's ipywidgets 7 must not be upgraded"


def test_tqdm_shows_a_widget_bar_under_colabs_ipywidgets_7(colab_runs):
    assert_widget_bar(colab_runs[2].cells[3])


def test_tqdm_shows_a_widget_bar_under_ipywidgets_8():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TQDM)])
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    assert_widget_bar(nb.cells[0])


def assert_widget_bar(cell) -> None:
    """tqdm.auto drew an ipywidgets progress bar, and complained about nothing."""
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs), cell.outputs
    assert not any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs), cell.outputs


def test_gallery_links_open_from_the_repository_in_colab_too():
    from instructor.publish import publish_notebook
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("budget = 1", id="setup"),
        nbformat.v4.new_markdown_cell("Roughly like [this](../../docs/gallery/06-results.png) and "
                                      "[that](https://github.com/old/repo/blob/main/docs/gallery/06-layers.png).")])
    location = Location("test-org/cv-course", "v-test", "https://github.com")
    assert publish_notebook(nb, "06_style_transfer", location, "0.1.0")
    assert nb.cells[1].source == ("Roughly like [this](https://github.com/test-org/cv-course/blob/v-test/docs/gallery/"
                                  "06-results.png) and [that](https://github.com/test-org/cv-course/blob/v-test/docs/"
                                  "gallery/06-layers.png).")
