"""A student's view: JupyterLab in a real browser opens released notebooks, renders them, and runs them.

Two tests: 01's setup cell runs; 08, with its exercises done, runs up to its mixing slider, and moving the slider
changes the picture. Needs Debian's Chromium (`make browser` installs it: `apt-get install chromium`) and the
`playwright` package (in the [dev] extra), which drives that browser; Playwright's own browser download is never used.
The tests fail, never skip, when either is missing. Screenshots: .artifacts/browser/<notebook>.png (git-ignored).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from course import REPO
from helpers.widgets import UNATTENDED_ENVS

SCREENSHOTS = REPO / ".artifacts" / "browser"
BROWSERS = ["chromium", "chromium-browser", "google-chrome",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"]
# Offline, Chromium's background services (updates, sync, safe browsing, ...) only stall and spam the log.
CHROMIUM_FLAGS = ["--headless=new", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-default-apps", "--disable-sync", "--disable-gpu",
                  "--no-proxy-server", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
TOKEN = "cv-seminar-browser-test"


def find_chromium() -> str:
    """$CV_SEMINAR_CHROMIUM, else the first Chromium/Chrome found; fail (never skip) with how to install it."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("the browser test needs Playwright: `pip install -e '.[dev]'` (no `playwright install`: "
                    "it drives the system's Chromium)", pytrace=False)
    for name in [os.environ.get("CV_SEMINAR_CHROMIUM"), *BROWSERS]:
        if name and (shutil.which(name) or Path(name).is_file()):
            return shutil.which(name) or name
    pytest.fail("no Chromium found for the browser test. Install Debian's: `sudo apt-get install -y chromium` "
                "(or `make browser` as root), or set CV_SEMINAR_CHROMIUM=/path/to/chrome.", pytrace=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def solved_release(aid: str, last_cell: str) -> nbformat.NotebookNode:
    """The released notebook as a student who did every exercise has it: each answer cell holds the solution's code
    (without nbgrader's markers); cells after `last_cell` are left out, so that "Run All" stops there."""
    release = nbformat.read(REPO / "notebooks" / aid / f"{aid}.ipynb", as_version=4)
    solution = nbformat.read(REPO / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "\n".join(line for line in answers[grade_id].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    ids = [cell.id for cell in release.cells]
    release.cells = release.cells[:ids.index(last_cell) + 1]
    return release


@contextmanager
def jupyterlab(tmp_path, aid, notebook=None):
    """JupyterLab on a free local port, serving a temp copy of the released notebook `aid` (or `notebook` in its
    place), so the repo stays clean. Its kernels see no test-suite variables: to helpers.widgets a person is there."""
    root, config = tmp_path / "notebooks", tmp_path / "jupyter-config"
    shutil.copytree(REPO / "notebooks" / aid, root / aid)
    if notebook is not None:
        nbformat.write(notebook, root / aid / f"{aid}.ipynb")
    # JupyterLab's "get notified about Jupyter news?" toast would sit on top of the notebook.
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in UNATTENDED_ENVS}
    env.update(JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), CV_SEMINAR_MODE="fast",
               CV_SEMINAR_RESULTS=str(tmp_path / "results"))
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        for _ in range(120):
            assert server.poll() is None, f"JupyterLab exited:\n{(tmp_path / 'jupyterlab.log').read_text()[-3000:]}"
            try:
                no_proxy.open(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not answer on {url}:\n{(tmp_path / 'jupyterlab.log').read_text()[-3000:]}")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the kernel it started
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@contextmanager
def notebook_page(tmp_path, aid, notebook=None):
    """A Chromium page showing the notebook in JupyterLab, its kernel connected and idle; a screenshot at the end."""
    chromium = find_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with jupyterlab(tmp_path, aid, notebook) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(120_000)  # generous limits for a loaded 2-core CI box
        expect.set_options(timeout=120_000)
        try:
            page.goto(f"{url}/lab/tree/{aid}/{aid}.ipynb?reset&token={TOKEN}")
            # Wait for the kernel as a student would: JupyterLab can drop a Shift+Enter sent before the
            # session is connected (the cell then stays "[ ]" with an idle kernel).
            expect(page.locator("#jp-main-statusbar").get_by_text(re.compile(r"ipykernel\) \| Idle"))).to_be_visible()
            yield page, page.locator(".jp-NotebookPanel .jp-Notebook")
        finally:
            page.screenshot(path=SCREENSHOTS / f"{aid}.png")
            browser.close()


def test_released_notebook_renders_and_runs_its_setup_cell_in_chromium(tmp_path):
    from playwright.sync_api import expect

    with notebook_page(tmp_path, "01_unpooling") as (page, notebook):
        expect(notebook.locator(".jp-MarkdownOutput h1").first).to_contain_text("Unpooling")
        # MathJax typesets the intro's $C^\top$ into an <mjx-container>.
        expect(notebook.locator(".jp-MarkdownOutput mjx-container").first).to_be_visible()
        setup_cell = notebook.locator(".jp-CodeCell").filter(has_text="budget = setup(")
        expect(setup_cell).to_have_count(1)
        # Run the setup cell: click into it, Shift+Enter.
        setup_cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        expect(setup_cell.locator(".jp-OutputArea-output")).to_contain_text("Budget(mode=", timeout=180_000)
        setup_cell.scroll_into_view_if_needed()


def test_mixing_slider_of_08_changes_the_picture_in_chromium(tmp_path):
    """08 with its exercises done, run up to the mixing slider in fast mode (~1 min of training on 2 cores): the slider
    is a live ipywidget, and moving it draws a new picture."""
    from playwright.sync_api import expect

    solved = solved_release("08_multi_style", last_cell="mix_slider")
    with notebook_page(tmp_path, "08_multi_style", solved) as (page, notebook):
        expect(notebook.locator(".jp-MarkdownOutput h1").first).to_contain_text("Many styles")
        page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu-content").get_by_text("Run All Cells", exact=True).click()
        slider_cell = notebook.locator(".jp-CodeCell").filter(has_text="live = interactive(")
        slider = slider_cell.get_by_role("slider")
        expect(slider).to_be_visible(timeout=900_000)  # the training cells run first
        picture = slider_cell.locator(".jp-OutputArea-output img").first
        expect(picture).to_be_visible()
        slider.scroll_into_view_if_needed()
        before = picture.get_attribute("src")
        slider.focus()
        for _ in range(4):  # alpha 0.5 -> 0.7, one step of 0.05 per key
            page.keyboard.press("ArrowRight")
        expect(slider).to_have_attribute("aria-valuenow", re.compile(r"^0\.7"))
        expect(picture).not_to_have_attribute("src", before)
        expect(page.locator("#jp-main-statusbar").get_by_text(re.compile(r"ipykernel\) \| Idle"))).to_be_visible()
        assert "Error" not in slider_cell.inner_text(), slider_cell.inner_text()[-2000:]
