"""Results a notebook reports about itself: a markdown table, rendered in Jupyter and printed elsewhere."""


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
