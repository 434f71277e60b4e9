"""Execute one notebook the way a student's "Run all" would, in fast mode, and measure it."""
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.widgets import SCRIPTED_RUN_ENV

from .memory import PeakMemory

MiB = 2 ** 20


def run_notebook(path: Path, timeout: int = 300, env: dict | None = None, on_executed=None) -> dict:
    """Run `path` in a temporary copy of its folder; return time, memory, metric and status.

    The kernel gets CV_SEMINAR_MODE=fast and CV_SEMINAR_RESULTS=<temp dir>, so the notebook's
    `save_results(...)` lands where we read it and nothing is written into the repository.
    `timeout` is per cell, as in nbclient and nbgrader; `env` adds variables for the kernel;
    `on_executed(notebook)` sees the executed notebook (outputs included) when every cell ran.
    """
    path = Path(path).resolve()
    aid = path.stem
    record = {"notebook": aid, "status": "ok", "error": None, "wall_s": None, "cpu_s": None,
              "peak_rss_mib": None, "headline": None, "value": None, "metrics": {}}
    with tempfile.TemporaryDirectory(prefix=f"bench-{aid}-") as tmp:
        tmp = Path(tmp)
        workdir = tmp / aid
        shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns("*.results.json", ".ipynb_checkpoints"))
        # Nobody moves a slider here: widgets draw their static picture (a live widget can stall nbclient).
        env = dict(os.environ, CV_SEMINAR_MODE="fast", CV_SEMINAR_RESULTS=str(tmp / "results"),
                   **{SCRIPTED_RUN_ENV: "1"}, **(env or {}))
        client = NotebookClient(nbformat.read(workdir / path.name, as_version=4), timeout=timeout,
                                kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
        monitor = None
        start = time.perf_counter()
        # The kernel's own stderr (transport warnings, C-level noise) goes to a log, not into the table.
        with (tmp / "kernel.log").open("w") as log:
            try:
                with client.setup_kernel(env=env, cwd=str(workdir), stdout=log, stderr=log):
                    with PeakMemory(client.km.provisioner.process.pid) as monitor:
                        client.on_cell_executed = lambda **_: monitor.sample()
                        for index, cell in enumerate(client.nb.cells):
                            client.execute_cell(cell, index)
                if on_executed is not None:
                    on_executed(client.nb)
            except Exception as error:  # a failing cell, a timeout, a dead kernel: report it and go on
                record.update(status="failed", error=_describe(error))
        record["wall_s"] = round(time.perf_counter() - start, 1)
        if hasattr(os, "getloadavg"):  # a busy machine inflates wall time, not CPU time: keep the context
            record["load_1min"] = round(os.getloadavg()[0], 1)
        if monitor is not None:
            record.update(cpu_s=round(monitor.cpu_seconds, 1), peak_rss_mib=round(monitor.peak_bytes / MiB))
        record.update(_read_results(tmp / "results" / f"{aid}.results.json"))
    return record


def _read_results(path: Path) -> dict:
    """The notebook's own `save_results` record: headline name, its value, all metrics ({} if none)."""
    if not path.exists():
        return {}
    saved = json.loads(path.read_text())
    return {"headline": saved["headline"], "value": saved["metrics"][saved["headline"]], "metrics": saved["metrics"]}


def _describe(error: Exception) -> str:
    """One line: for a failing cell the exception the notebook raised (its last line), else the first line."""
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", str(error)).splitlines() if line.strip()]
    line = (lines[-1] if type(error).__name__ == "CellExecutionError" else lines[0]) if lines else ""
    return f"{type(error).__name__}: {line[:200]}"
