"""Instructor workflow for the course: release, collect, preflight, autograde, export.

Each step is one command, `python -m instructor <step>`, run from the course root (the repo). The steps wrap
nbgrader's Python API and add what real submissions need: matching files to assignments by content,
repairing what Colab and students break, guarding the autograder against rebinding and floods, an optional
bubblewrap sandbox, and feedback that never shows hidden tests. This package is not installed into students'
environments (pyproject ships only `helpers`).
"""
