"""Instructor workflow for the course: release, collect, preflight, autograde, export, and merge.

Each step is one command, `python -m instructor <step>` (or `cv-seminar-instructor <step>`), run from the
course root or with --course. The steps wrap nbgrader's Python API and add what real submissions need:
matching files to assignments by content, repairing what Colab and students break, guarding the autograder
against rebinding and floods, resource limits per kernel, grading many submissions at once and on several
machines, an optional bubblewrap sandbox, and feedback that never shows hidden tests. Students never import
it; it needs the [dev] extra (nbgrader).
"""
