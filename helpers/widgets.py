"""Widgets wherever a person is looking at a live kernel; one static picture everywhere else.

A widget waits for a person. Under nbgrader, CI or the test suite nobody moves it, and a widget-only cell would
show nothing; there `interactive` draws the same picture once, with the widgets' starting values.
"""
import os

from .setup import TEST_SUITE_ENV

SCRIPTED_RUN_ENV = "CV_SEMINAR_UNATTENDED"  # set by benchmarks.runner: `python -m benchmarks`, `make gallery`
# Set by nbgrader (autograding), CI services, pytest (nbval kernels inherit it) and the course's own notebook runner:
# no person is watching.
UNATTENDED_ENVS = ("NBGRADER_EXECUTION", "CI", TEST_SUITE_ENV, SCRIPTED_RUN_ENV)


def live_kernel() -> bool:
    """True in a Jupyter kernel that a person drives (Colab, JupyterLab, VS Code), not under nbgrader/CI/pytest."""
    if any(os.environ.get(name) for name in UNATTENDED_ENVS):
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def interactive(render, manual: bool = False, **controls) -> bool:
    """Show `render` with ipywidgets controls in a live kernel, else call it once with their values; True if live.

    `controls` are ipywidgets (Dropdown, FloatSlider, ...) named after render's arguments. With manual=True a
    "Run Interact" button starts each render (for slow ones); the static call is made either way elsewhere.
    """
    if not controls:
        raise ValueError("interactive needs at least one control, e.g. alpha=widgets.FloatSlider(...)")
    if live_kernel():
        import ipywidgets

        (ipywidgets.interact_manual if manual else ipywidgets.interact)(render, **controls)
        return True
    render(**{name: control.value for name, control in controls.items()})
    return False
