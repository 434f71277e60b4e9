"""Seconds per submission to autograde N copies of one notebook's solution, the way `make grade` does.

    python benchmarks/grading_throughput.py [--notebook 01_unpooling] [--copies 30] [--sandbox] [--timeout S]

Builds a throwaway course in a temporary folder (nothing is written into the repo), submits the solution
N times, runs `instructor.autograde` (preflight, guarded nbgrader autograde, fast mode) and prints wall
and CPU time per submission, with the machine's core count and load so numbers can be compared.
"""
import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

from instructor.autograde import GRADED, autograde  # noqa: E402
from instructor.course import Course  # noqa: E402


def make_course(root: Path, aid: str, copies: int) -> Course:
    """A course with `aid` released and its solution submitted by `copies` students."""
    course = Course(root)
    shutil.copytree(REPO / "solutions" / aid, course.solutions / aid)
    shutil.copytree(REPO / "notebooks" / aid, course.releases / aid)
    shutil.copy(REPO / "nbgrader_config.py", root)
    for i in range(copies):
        target = course.submission_path(f"student{i:03d}", aid)
        target.parent.mkdir(parents=True)
        shutil.copy(REPO / "solutions" / aid / f"{aid}.ipynb", target)
    return course


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the kernels)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebook", default="01_unpooling", metavar="NN_topic")
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--sandbox", action="store_true",
                        help="grade under bubblewrap, as python -m instructor autograde --sandbox")
    parser.add_argument("--timeout", type=int, help="per-cell timeout (default: nbgrader_config.py)")
    args = parser.parse_args(argv)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

    with tempfile.TemporaryDirectory(prefix="grading-throughput-") as tmp:
        course = make_course(Path(tmp), args.notebook, args.copies)
        wall, cpu = time.perf_counter(), cpu_seconds()
        entries = autograde(course, [args.notebook], sandbox=args.sandbox, timeout=args.timeout)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    graded = sum(e["status"] == GRADED for e in entries.values())
    print(f"\n{args.notebook}: {graded}/{args.copies} submissions graded{' in the sandbox' if args.sandbox else ''}"
          f" in {wall:.0f} s wall, {cpu:.0f} s CPU")
    print(f"per submission: {wall / args.copies:.1f} s wall, {cpu / args.copies:.1f} s CPU "
          f"({os.cpu_count()} cores, 1-min load average at the end {os.getloadavg()[0]:.1f})")
    return 0 if graded == args.copies else 1


if __name__ == "__main__":
    sys.exit(main())
