"""Which cell of a submission is which cell of the release: by grade_id, cell id, source, then similarity.

Colab and "clear metadata" drop nbgrader's metadata, Colab drops cell ids too, students edit and delete
cells. A release cell (one with nbgrader metadata) is found in a submission by, in order of trust:
its grade_id; its cell id; its exact source (unedited locked cells, untouched stubs); and last, among the
cells between its matched neighbours, the one holding most of its lines (an answer keeps the stub's
signature and docstring, an edited test keeps most of its asserts).
"""
from dataclasses import dataclass

from .notebooks import grade_id, normalized, source

SIMILAR_ENOUGH = 0.5  # share of a release cell's lines a submission cell must contain to be taken for it
STUB_LINES = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}


@dataclass(frozen=True)
class Match:
    """Release cell `release` is submission cell `submission`, found `how` (grade_id, id, source, similar)."""
    release: int
    submission: int
    how: str


def reference_cells(release_nb: dict) -> list[int]:
    """Indices of the release cells nbgrader knows (they carry a grade_id)."""
    return [i for i, cell in enumerate(release_nb["cells"]) if grade_id(cell)]


def _lines(cell: dict) -> set[str]:
    """The non-blank, non-stub lines of a cell, stripped."""
    return {line.strip() for line in source(cell).splitlines() if line.strip() and line.strip() not in STUB_LINES}


def similarity(release_cell: dict, cell: dict) -> float:
    """Share of the release cell's lines found in `cell` (1.0: all of them)."""
    wanted = _lines(release_cell)
    return len(wanted & _lines(cell)) / len(wanted) if wanted else 0.0


def match_cells(release_nb: dict, nb: dict) -> dict[int, Match]:
    """Release cell index -> Match in `nb`, for every release cell that can be found."""
    rel, sub = release_nb["cells"], nb["cells"]
    matches: dict[int, Match] = {}
    taken: set[int] = set()

    def take(r: int, s: int, how: str) -> None:
        matches[r] = Match(r, s, how)
        taken.add(s)

    wanted = reference_cells(release_nb)
    for how, key in (("grade_id", grade_id), ("id", lambda c: c.get("id")),
                     ("source", lambda c: normalized(source(c)) or None)):
        for r in wanted:
            if r in matches or key(rel[r]) is None:
                continue
            candidates = [s for s, cell in enumerate(sub) if s not in taken
                          and cell.get("cell_type") == rel[r]["cell_type"] and key(cell) == key(rel[r])]
            if candidates:  # duplicates (a copied cell): the one closest to the release wins, then the first
                take(r, max(candidates, key=lambda s: (similarity(rel[r], sub[s]), -s)), how)
    for r in wanted:
        if r not in matches:
            s = _most_similar(rel[r], sub, _window(r, matches, len(sub)), taken)
            if s is not None:
                take(r, s, "similar")
    return matches


def _window(r: int, matches: dict[int, Match], n: int) -> range:
    """Submission positions between the matches of release cell r's nearest matched neighbours."""
    before = [m.submission for k, m in matches.items() if k < r]
    after = [m.submission for k, m in matches.items() if k > r]
    return range(max(before) + 1 if before else 0, min(after) if after else n)


def _most_similar(release_cell: dict, cells: list[dict], window: range, taken: set[int]) -> int | None:
    """The untaken cell of the same type in `window` most similar to `release_cell`, if similar enough."""
    scored = [(similarity(release_cell, cells[s]), -s) for s in window
              if s not in taken and cells[s].get("cell_type") == release_cell["cell_type"]]
    best = max(scored, default=None)
    return -best[1] if best and best[0] >= SIMILAR_ENOUGH else None


def strong_overlap(release_nb: dict, nb: dict) -> float:
    """Share of the release's cells found by grade_id, id or exact source: how much `nb` is this notebook."""
    wanted = reference_cells(release_nb)
    found = [m for m in match_cells(release_nb, nb).values() if m.how != "similar"]
    return len(found) / len(wanted) if wanted else 0.0


def best_assignment(nb: dict, releases: dict[str, dict], minimum: float = 0.2) -> tuple[str | None, float]:
    """(assignment id, overlap) of the release `nb` matches best; (None, best overlap) when none reaches `minimum`.

    Ties go to None as well: a notebook that is equally two assignments is not either of them.
    """
    scores = sorted(((strong_overlap(rel, nb), aid) for aid, rel in releases.items()), reverse=True)
    if not scores or scores[0][0] < minimum or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None, scores[0][0] if scores else 0.0
    return scores[0][1], scores[0][0]
