"""How `pytest -n` splits the suite over CPU cores (a root conftest, so `pytest solutions/...` uses it too)."""
import os

import pytest


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
            return nodeid if nodeid.endswith("]") else super()._split_scope(nodeid)

    return NotebookScheduling(config, log)


def pytest_configure(config):
    """With one worker per core, one math thread per worker: more would spin-wait for cores that are busy."""
    if config.getoption("numprocesses", default=None):
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
