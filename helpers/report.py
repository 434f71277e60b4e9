"""Results a notebook reports about itself: a markdown table to read, a JSON file for benchmarks/."""
import json
import os
from pathlib import Path



def _format(value) -> str:
    """Numbers with 3-4 significant digits, everything else as text."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def results_table(rows: list[dict], title: str | None = None) -> str:
    """Show `rows` (dicts with the same keys) as a markdown table; return the markdown text."""
    if not rows:
        raise ValueError("results_table needs at least one row")
    columns = list(rows[0])
    lines = [f"**{title}**\n"] if title else []
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_format(row.get(c, "")) for c in columns) + " |" for row in rows]
    text = "\n".join(lines)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)
    return text


RESULTS_ENV = "CV_SEMINAR_RESULTS"  # folder for <aid>.results.json; default: the notebook's own folder


def save_results(aid: str, metrics: dict, headline: str) -> Path:
    """Write what a notebook measured to `<aid>.results.json` (git-ignored) for benchmarks/ to collect."""
    if headline not in metrics:
        raise KeyError(f"headline {headline!r} is not one of the metrics {sorted(metrics)}")
    folder = Path(os.environ.get(RESULTS_ENV) or ".")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{aid}.results.json"
    record = {"notebook": aid, "headline": headline, "metrics": {k: _plain(v) for k, v in metrics.items()}}
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def _plain(value):
    """Tensors and numpy scalars as plain Python numbers, so they serialise to JSON."""
    return value.item() if hasattr(value, "item") else value
