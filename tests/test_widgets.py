"""helpers.widgets: a live kernel gets widgets, an unattended run gets the same picture once."""
import ipywidgets
import pytest

from helpers import widgets as course_widgets
from helpers.widgets import UNATTENDED_ENVS, interactive, live_kernel


class FakeShell:
    kernel = object()


@pytest.fixture
def attended(monkeypatch):
    """A kernel with a person at it: no nbgrader/CI/pytest markers, an IPython shell with a kernel."""
    for name in UNATTENDED_ENVS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("IPython.get_ipython", lambda: FakeShell())
    return monkeypatch


def test_plain_python_is_not_live(attended):
    attended.setattr("IPython.get_ipython", lambda: None)
    assert not live_kernel()


@pytest.mark.parametrize("name", UNATTENDED_ENVS)
def test_unattended_runs_are_not_live(attended, name):
    assert live_kernel()
    attended.setenv(name, "1")
    assert not live_kernel()


def test_unattended_run_renders_once_with_the_starting_values(monkeypatch):
    calls = []
    live = interactive(lambda alpha, style: calls.append((alpha, style)),
                       alpha=ipywidgets.FloatSlider(value=0.25), style=ipywidgets.Dropdown(options=[("a", 0), ("b", 1)], value=1))
    assert live is False and calls == [(0.25, 1)]


@pytest.mark.parametrize("manual", [False, True])
def test_live_kernel_builds_the_widgets(attended, manual):
    built = []
    attended.setattr(ipywidgets, "interact", lambda render, **controls: built.append(("interact", sorted(controls))))
    attended.setattr(ipywidgets, "interact_manual", lambda render, **controls: built.append(("manual", sorted(controls))))
    assert interactive(lambda alpha: None, manual=manual, alpha=ipywidgets.FloatSlider()) is True
    assert built == [("manual" if manual else "interact", ["alpha"])]


def test_no_controls_is_an_error():
    with pytest.raises(ValueError, match="at least one control"):
        course_widgets.interactive(lambda: None)
