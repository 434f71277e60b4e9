"""Shared fixtures: one throwaway nbgrader course per test session."""
import pytest

from course import make_course


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A copy of the course with every assignment freshly released by nbgrader."""
    return make_course(tmp_path_factory.mktemp("course"))
