"""Shared fixtures."""
import pytest

from course import make_course


@pytest.fixture(scope="session")
def scratch_course(tmp_path_factory):
    """The root of a throwaway copy of the course; tests release the assignments they need into it."""
    return make_course(tmp_path_factory.mktemp("course")).root
