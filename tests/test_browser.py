"""A student's view: JupyterLab in a real browser opens a released notebook, renders it, and runs its setup cell.

Needs Debian's Chromium (`make browser` installs it: `apt-get install chromium`) and the `playwright` package
(in the [dev] extra), which drives that browser; Playwright's own browser download is never used. The test
fails, never skips, when either is missing. Screenshot: .artifacts/browser/01_unpooling.png (git-ignored).
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

import pytest

from course import REPO

AID = "01_unpooling"
SCREENSHOT = REPO / ".artifacts" / "browser" / f"{AID}.png"
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


@contextmanager
def jupyterlab(tmp_path):
    """JupyterLab on a free local port, serving a temp copy of the released notebook (the repo stays clean)."""
    root, config = tmp_path / "notebooks", tmp_path / "jupyter-config"
    shutil.copytree(REPO / "notebooks" / AID, root / AID)
    # JupyterLab's "get notified about Jupyter news?" toast would sit on top of the notebook.
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), CV_SEMINAR_MODE="fast")
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


def test_released_notebook_renders_and_runs_its_setup_cell_in_chromium(tmp_path):
    chromium = find_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    with jupyterlab(tmp_path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(120_000)  # generous limits for a loaded 2-core CI box
        expect.set_options(timeout=120_000)
        try:
            page.goto(f"{url}/lab/tree/{AID}/{AID}.ipynb?reset&token={TOKEN}")
            notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
            expect(notebook.locator(".jp-MarkdownOutput h1").first).to_contain_text("Unpooling")
            # MathJax typesets the intro's $C^\top$ into an <mjx-container>.
            expect(notebook.locator(".jp-MarkdownOutput mjx-container").first).to_be_visible()
            setup_cell = notebook.locator(".jp-CodeCell").filter(has_text="budget = setup(")
            expect(setup_cell).to_have_count(1)
            # Wait for the kernel as a student would: JupyterLab can drop a Shift+Enter sent before the
            # session is connected (the cell then stays "[ ]" with an idle kernel).
            expect(page.locator("#jp-main-statusbar").get_by_text(re.compile(r"ipykernel\) \| Idle"))).to_be_visible()
            # Run the setup cell: click into it, Shift+Enter.
            setup_cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            expect(setup_cell.locator(".jp-OutputArea-output")).to_contain_text("Budget(mode=", timeout=180_000)
            setup_cell.scroll_into_view_if_needed()
        finally:
            page.screenshot(path=SCREENSHOT)
            browser.close()
