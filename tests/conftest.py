"""Shared fixtures, and how the suite splits over CPU cores."""
import pytest

from course import make_course


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A throwaway copy of the course; tests release the assignments they need into it."""
    return make_course(tmp_path_factory.mktemp("course"))


def pytest_collection_modifyitems(items):
    """Under `--dist loadgroup`: a notebook's cells share one kernel, so they stay on one worker.

    Every other test gets a group of its own file, or of its assignment when it is parametrized
    by one, so that the slow per-notebook tests (autograde) spread over the workers.
    """
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        params = getattr(item, "callspec", None)
        aid = params.params.get("aid") if params else None
        group = f"{item.path.name}::{aid}" if aid else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))
