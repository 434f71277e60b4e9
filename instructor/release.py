"""Release: strip outputs from the sources (keeping cell ids) and generate every student notebook.

Also what autograde needs: the gradebook entry of an assignment (its graded cells and hidden tests),
generated from solutions/ into a scratch folder so notebooks/ is never touched while grading.
"""
import json
import subprocess
import sys

from . import notebooks, publish
from .course import Course, check, load_config, nbgrader_api


def strip_outputs(course: Course, aids: list[str]) -> None:
    """nbstripout --keep-id on the sources, exactly as `make release` does."""
    paths = [str(course.solutions / aid / f"{aid}.ipynb") for aid in aids]
    subprocess.run([sys.executable, "-m", "nbstripout", "--keep-id", *paths], check=True)


def release(course: Course, aids: list[str] | None = None) -> list[str]:
    """Write course.toml's location into solutions/ and README, regenerate notebooks/<aid>/<aid>.ipynb for `aids`
    (default: all); returns the ids released."""
    aids = aids or course.assignments()
    location = publish.Location.load(course.root)
    if location is not None:  # a throwaway course folder without course.toml keeps its notebooks as they are
        publish.apply(course, location, aids)
    strip_outputs(course, aids)
    api = nbgrader_api(load_config(course))
    for aid in aids:
        check(api.generate_assignment(aid, force=True), f"nbgrader generate_assignment {aid}")
    course.gradebook.unlink(missing_ok=True)  # generate_assignment registered the assignments; grading registers
    return aids


def register(course: Course, aid: str) -> str | None:
    """Put `aid` (cells, points, hidden tests) into the gradebook from solutions/; warn if notebooks/ differs."""
    scratch = course.grades / ".release"
    config = load_config(course, CourseDirectory={"release_directory": str(scratch)})
    check(nbgrader_api(config).generate_assignment(aid, force=True), f"registering {aid} in the gradebook")
    fresh, committed = scratch / aid / f"{aid}.ipynb", course.release_path(aid)
    if committed.is_file() and _cells(notebooks.read(fresh)) != _cells(notebooks.read(committed)):
        return (f"notebooks/{aid} differs from what solutions/{aid} generates now: students may hold an "
                f"older release (grading uses solutions/)")
    return None


def _cells(nb: dict) -> str:
    """What of a release matters to students and the grader: sources and nbgrader metadata."""
    return json.dumps([(c["cell_type"], notebooks.normalized(notebooks.source(c)), notebooks.meta(c))
                       for c in nb["cells"]], sort_keys=True)
