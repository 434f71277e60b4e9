"""The one exception the steps raise for a problem the TA can fix; `python -m instructor` prints it and exits 2."""


class InstructorError(Exception):
    """Bad input or a course folder not ready for a step (no release, no roster header, no sandbox ...)."""
