"""How `pytest -n` splits the suite over CPU cores (a root conftest, so `pytest solutions/...` uses it too)."""
import os
import re

import pytest

# tests/test_lecture_claims.py::test_...[NN_topic] reads what the run of solutions/NN_topic/NN_topic.ipynb saved.
CLAIM = re.compile(r"^tests/test_lecture_claims\.py::\w+\[(?P<aid>\d\d_\w+)\]$")


def notebook_of_claim(nodeid):
    """The solution notebook whose results a lecture-claim test reads, or None for any other test."""
    match = CLAIM.match(nodeid)
    return f"solutions/{match['aid']}/{match['aid']}.ipynb" if match else None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `--dist loadscope`: keep a notebook's cells on one worker, spread parametrized tests out."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        """A notebook's cells share one kernel, so they form one unit; each parameter of a test is its own unit,
        so that the slow per-notebook tests (autograding) run on different workers."""

        def _split_scope(self, nodeid):
            # A lecture claim joins its notebook's unit: same worker, right after the notebook's cells.
            return notebook_of_claim(nodeid) or (nodeid if nodeid.endswith("]") else super()._split_scope(nodeid))

    return NotebookScheduling(config, log)


def pytest_configure(config):
    """With one worker per core, one math thread per worker: more would spin-wait for cores that are busy."""
    if config.getoption("numprocesses", default=None):
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")


def pytest_collection_modifyitems(items):
    """Move each lecture-claim test right after the last cell of its notebook, so it reads this run's results."""
    claims = [item for item in items if notebook_of_claim(item.nodeid)]
    for claim in claims:
        notebook = notebook_of_claim(claim.nodeid)
        cells = [index for index, item in enumerate(items) if item.nodeid.startswith(notebook + "::")]
        if cells:
            items.remove(claim)
            items.insert(max(index for index, item in enumerate(items) if item.nodeid.startswith(notebook + "::")) + 1,
                         claim)
