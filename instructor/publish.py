"""Where students install the course from (course.toml), written into every badge, setup cell and README.

`python -m instructor publish owner/name[@ref]` records the repository in course.toml, then releases: `release`
first writes from course.toml each solution notebook's Colab badge, the install bootstrap that opens its setup
cell and its closing "Before you submit" cell, and README's links, so publish and `make release` never disagree.
"""
import re
import string
from dataclasses import dataclass
from pathlib import Path

import nbformat

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

from .course import Course

CONFIG_FILE = "course.toml"
PACKAGE = "cv-seminar-notebooks"  # the distribution name in pyproject.toml
COLAB = "https://colab.research.google.com/github"
# A Colab link to a student notebook, whatever repository and ref it names now.
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^\s)\"'<>]+?/notebooks/"
                        r"(\d\d_[A-Za-z0-9_]+)/\1\.ipynb")
COLAB_REPOSITORY = re.compile(r"https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/")
# A link to a reference picture of docs/gallery/: relative (as written) or on the course's repository.
GALLERY_LINK = re.compile(r"\]\((?:\.\./\.\./|https?://[^\s)]+?/blob/[^\s)]+?/)docs/gallery/([\w.-]+\.png)\)")
BOOTSTRAP_PACKAGE = re.compile(r'^COURSE_PACKAGE = "git\+(.+?)@[^"]*"$', re.MULTILINE)
REPOSITORY = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
REF = re.compile(r"[\w./-]+")
SETUP_ID = "setup"
CLOSING_ID = "before_you_submit"

CONFIG_TEMPLATE = string.Template('''\
# Where students install the course from. `python -m instructor publish owner/name[@ref]` rewrites this file and,
# from it, every Colab badge, every setup cell's install line (solutions/ and the released notebooks/) and README;
# `make release` (= `python -m instructor release`) writes the same from this file.
repository = "$repository"  # GitHub owner/name of the course
ref = "$ref"  # branch or tag students install from and Colab opens
git_host = "$git_host"  # pip installs git+<git_host>/<repository>@<ref>
''')

# The first block of every setup cell (no blank line inside: publish replaces the cell's first block). It runs
# before `helpers` exists, so it uses nothing but the standard library; `%pip` is avoided because it never raises.
BOOTSTRAP = string.Template('''\
# Installs the course's helpers where they are missing (Colab, Kaggle, plain Jupyter); written by `instructor publish`.
import importlib, importlib.metadata, os, subprocess, sys
COURSE_PACKAGE = "$pip_url"
try:
    _installed = importlib.metadata.version("$package")
except importlib.metadata.PackageNotFoundError:
    _installed = None
if _installed != "$version":
    _pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", COURSE_PACKAGE], capture_output=True,
                          text=True, env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "PIP_NO_INPUT": "1"})
    if _pip.returncode:
        raise RuntimeError(f"Could not install the course helpers from {COURSE_PACKAGE}\\n{_pip.stderr[-1500:]}\\n"
                           "Student: tell your instructor, or run `pip install .` in a clone of the course. "
                           "Instructor: publish the course (README, Publishing the course).")
    importlib.invalidate_caches()
''')

BEFORE_YOU_SUBMIT = """\
## Before you submit

1. **Restart and run all**: Colab *Runtime → Restart session and run all*, Jupyter *Kernel → Restart Kernel and Run
   All Cells…*. The grader runs your notebook from the top in a fresh kernel; so should you.
2. **Every visible check passes**: each test cell printed its "passed" line, and no cell shows an error.
3. **Locked cells stay as they are**: don't copy, delete or move them (the setup cell, the tests, this text); write
   your code where it says `# YOUR CODE HERE`.
4. **Download the notebook as `.ipynb`**: Colab *File → Download → Download .ipynb*, Jupyter *File → Download*.
   Hand in that file; its name does not matter.
"""


class PublishError(ValueError):
    """A repository, ref or course folder that cannot be published."""


@dataclass(frozen=True)
class Location:
    """Where the course is published: a repository (owner/name) at a ref (branch or tag) on a git host."""
    repository: str
    ref: str = "main"
    git_host: str = "https://github.com"

    def __post_init__(self):
        if not REPOSITORY.fullmatch(self.repository):
            raise PublishError(f"repository must look like owner/name, got {self.repository!r}")
        if not REF.fullmatch(self.ref) or ".." in self.ref:
            raise PublishError(f"ref must be a branch or tag name, got {self.ref!r}")
        if not re.fullmatch(r"(https?|file|ssh)://[^\s\"']+", self.git_host) or self.git_host.endswith("/"):
            raise PublishError(f"git_host must be a URL like https://github.com, got {self.git_host!r}")

    @classmethod
    def parse(cls, spec: str, git_host: str = "https://github.com") -> "Location":
        """`owner/name` or `owner/name@ref` (ref defaults to main)."""
        repository, _, ref = spec.partition("@")
        return cls(repository, ref or "main", git_host)

    @classmethod
    def load(cls, root: Path) -> "Location | None":
        """The location recorded in root/course.toml, or None for a course folder without one."""
        path = Path(root) / CONFIG_FILE
        if not path.is_file():
            return None
        with path.open("rb") as file:
            config = tomllib.load(file)
        unknown = set(config) - {"repository", "ref", "git_host"}
        if unknown or "repository" not in config:
            raise PublishError(f"{path}: needs 'repository' (and optionally 'ref', 'git_host'); "
                               f"unknown keys: {sorted(unknown)}")
        return cls(**config)

    def save(self, root: Path) -> None:
        """Record this location in root/course.toml."""
        (Path(root) / CONFIG_FILE).write_text(CONFIG_TEMPLATE.substitute(vars(self)), encoding="utf-8")

    @property
    def repo_url(self) -> str:
        return f"{self.git_host}/{self.repository}"

    @property
    def pip_url(self) -> str:
        """What the setup cell gives to `pip install`."""
        return f"git+{self.repo_url}@{self.ref}"

    def gallery_url(self, name: str) -> str:
        """Where a reference picture of docs/gallery/ opens from anywhere, Colab included."""
        return f"{self.repo_url}/blob/{self.ref}/docs/gallery/{name}"

    def colab_url(self, aid: str) -> str:
        """The Colab link of the student notebook `aid`."""
        return f"{COLAB}/{self.repository}/blob/{self.ref}/notebooks/{aid}/{aid}.ipynb"


def publish(course: Course, location: Location) -> list[str]:
    """Record `location` in course.toml and release every assignment from it; returns the ids released."""
    from .release import release
    location.save(course.root)
    return release(course)


def apply(course: Course, location: Location, aids: list[str]) -> list[Path]:
    """Write `location` into the badges, setup cells and closing cells of solutions/`aids` and into README."""
    old_urls = published_urls(course, aids) - {location.repo_url, f"https://github.com/{location.repository}"}
    version = package_version(course.root)
    changed = []
    for aid in aids:
        path = course.solutions / aid / f"{aid}.ipynb"
        nb = nbformat.read(path, as_version=4)
        if publish_notebook(nb, aid, location, version):
            nbformat.write(nb, path)
            changed.append(path)
    readme = course.root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        new = rewrite_links(text, location, old_urls)
        if new != text:
            readme.write_text(new, encoding="utf-8")
            changed.append(readme)
    return changed


def publish_notebook(nb: nbformat.NotebookNode, aid: str, location: Location, version: str) -> bool:
    """Rewrite one solution notebook's badges, install bootstrap and closing cell in place; True if it changed."""
    before = nbformat.writes(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = COLAB_LINK.sub(location.colab_url(aid), cell.source)
            # Colab cannot follow a link relative to the notebook: gallery pictures open from the repository.
            cell.source = GALLERY_LINK.sub(lambda m: f"]({location.gallery_url(m.group(1))})", cell.source)
    setup = setup_cell(nb, aid)
    setup.source = with_bootstrap(setup.source, bootstrap(location, version))
    nb.cells = [c for c in nb.cells if c.get("id") != CLOSING_ID] + [closing_cell()]
    return nbformat.writes(nb) != before


def bootstrap(location: Location, version: str) -> str:
    """The setup cell's first block: install the course from `location` unless `version` is already there."""
    return BOOTSTRAP.substitute(pip_url=location.pip_url, package=PACKAGE, version=version)


def with_bootstrap(source: str, block: str) -> str:
    """`source` with its first block replaced by `block` if that block installs (pip), else with `block` on top."""
    first, blank, rest = source.partition("\n\n")
    if "pip" in first:
        source = rest if blank else ""
    return block + "\n" + source.lstrip("\n")


def setup_cell(nb: nbformat.NotebookNode, aid: str) -> nbformat.NotebookNode:
    """The code cell whose id or nbgrader grade_id is "setup"."""
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and SETUP_ID in (cell.get("id"), grade_id):
            return cell
    raise PublishError(f"{aid}: no code cell with id or grade_id {SETUP_ID!r} to install the course from")


def closing_cell() -> nbformat.NotebookNode:
    """The locked "Before you submit" checklist that ends every notebook."""
    cell = nbformat.v4.new_markdown_cell(BEFORE_YOU_SUBMIT.rstrip("\n"), id=CLOSING_ID)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": CLOSING_ID, "locked": True, "schema_version": 3,
                                 "solution": False}
    return cell


def rewrite_links(text: str, location: Location, old_urls: set[str]) -> str:
    """Point every Colab link at `location` (same notebook) and every old repository URL at its URL."""
    text = COLAB_LINK.sub(lambda m: location.colab_url(m.group(1)), text)
    for url in sorted(old_urls, key=len, reverse=True):
        boundary = r"(?![\w.-])"
        text = re.sub(r"git\+" + re.escape(url) + r"(@[^\s\"'`)<>]+)?" + boundary, location.pip_url, text)
        text = re.sub(re.escape(url) + boundary, location.repo_url, text)
    return text


def published_urls(course: Course, aids: list[str]) -> set[str]:
    """Repository URLs the course names now: in Colab badges (README, notebooks) and setup cells' install lines."""
    readme = course.root / "README.md"
    texts = [readme.read_text(encoding="utf-8")] if readme.is_file() else []
    for aid in aids:
        nb = nbformat.read(course.solutions / aid / f"{aid}.ipynb", as_version=4)
        texts.append("\n".join(cell.source for cell in nb.cells))
    text = "\n".join(texts)
    return {f"https://github.com/{repo}" for repo in COLAB_REPOSITORY.findall(text)} | set(
        BOOTSTRAP_PACKAGE.findall(text))


def package_version(root: Path) -> str:
    """The course package's version from pyproject.toml: the setup cell installs unless this one is there."""
    with (Path(root) / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]
