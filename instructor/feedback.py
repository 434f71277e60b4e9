"""Feedback for a student: per exercise pass/fail and the assertion message, never a hidden test's text.

nbgrader's own feedback renders the autograded notebook, hidden tests and tracebacks included (nbgrader
issues #917, #1363). This page is built from scratch instead: the exercise, its points, and the one line
the failing check said (`AssertionError: expected (1, 1, 4, 4), got (1, 1, 2, 2)`). Lines of hidden tests
that a crafted message might echo are blanked out as well.
"""
import html
import re

from .notebooks import grade_cells, grade_id, source

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MAX_MESSAGE = 800
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def hidden_lines(nb: dict) -> set[str]:
    """Every non-trivial line inside the hidden-test blocks of the autograded notebook."""
    return {line.strip() for cell in grade_cells(nb) for block in HIDDEN.findall(source(cell))
            for line in block.splitlines() if len(line.strip()) >= 8}


def redact(text: str, secret: set[str]) -> str:
    """`text` with every hidden-test line blanked out, cut to MAX_MESSAGE characters."""
    for line in sorted(secret, key=len, reverse=True):
        text = text.replace(line, "[hidden test]")
    text = ANSI.sub("", text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ..."


def outcome(cell: dict) -> tuple[bool, str]:
    """(passed, message) of a graded cell from its outputs, judged the way nbgrader judges it."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    for ename in ("GraderError", "CellTimeoutError"):
        for o in errors:
            if o.get("ename") == ename:
                return False, ("took longer than the time limit and was stopped" if ename == "CellTimeoutError"
                               else o.get("evalue", ""))
    if errors:
        first = errors[0]
        text = f"{first.get('ename', 'Error')}: {first.get('evalue', '')}".rstrip(": ")
        return False, text
    stderr = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    if stderr:
        line = "".join(o.get("text", "") for o in stderr).strip().splitlines()[:1]
        return False, f"wrote to stderr, which counts as a failure: {line[0] if line else ''}"
    return True, "passed"


def results(autograded: dict | None, points: dict) -> list[dict]:
    """One row per exercise: grade_id, points scored and possible, passed, message (already redacted)."""
    cells = {grade_id(c): c for c in grade_cells(autograded)} if autograded else {}
    secret = hidden_lines(autograded) if autograded else set()
    rows = []
    for gid, (score, max_score) in points.items():
        cell = cells.get(gid)
        passed, message = outcome(cell) if cell else (False, "not graded")
        rows.append({"exercise": gid, "score": score, "max": max_score, "passed": passed,
                     "message": redact(message, secret)})
    return rows


def render(student: str, aid: str, rows: list[dict], notes: list[str]) -> str:
    """The feedback page."""
    total = sum(r["score"] or 0 for r in rows)
    possible = sum(r["max"] for r in rows)
    body = "".join(
        f"<tr class='{'pass' if r['passed'] else 'fail'}'><td>{html.escape(r['exercise'])}</td>"
        f"<td>{'pass' if r['passed'] else 'fail'}</td><td>{_num(r['score'])} / {_num(r['max'])}</td>"
        f"<td><pre>{html.escape(r['message'])}</pre></td></tr>\n" for r in rows)
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(aid)}: feedback for {html.escape(student)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}} td,th{{padding:.3em .6em;vertical-align:top;
border-bottom:1px solid #ddd;text-align:left}} .pass td:nth-child(2){{color:#176317}}
.fail td:nth-child(2){{color:#a11}} pre{{white-space:pre-wrap;margin:0}}</style></head><body>
<h1>{html.escape(aid)}</h1>
<p>Student: <b>{html.escape(student)}</b> &middot; score <b>{_num(total)} / {_num(possible)}</b></p>
<table><tr><th>exercise</th><th>result</th><th>points</th><th>what the check said</th></tr>
{body}</table>
{"<h2>Notes from grading</h2><ul>" + notes_html + "</ul>" if notes else ""}
<p><small>Hidden tests check your functions on more inputs than the visible ones; their code is not shown.</small></p>
</body></html>
"""


def _num(x) -> str:
    """1.0 -> '1', None -> '-'."""
    return "-" if x is None else f"{x:g}"
