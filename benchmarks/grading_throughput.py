"""Grading throughput, side by side: plain `nbgrader autograde` against ours with --jobs 1 and --jobs N.

    python benchmarks/grading_throughput.py [--notebook 01_unpooling] [--copies 8] [--jobs N] [--sandbox]
    (or: make benchmark-grading [N=8] [NOTEBOOK=...] [JOBS=...] [SANDBOX=1])

The same N copies of one notebook's solution are graded three times in one run, each in a fresh throwaway
course (nothing is written into the repo): by nbgrader's own command line (generate_assignment to register
it, then autograde: one process, one submission after another), by `python -m instructor autograde --jobs 1` (preflight, guard, limits, its own gradebook per
submission), and by the same with --jobs N (default: every core). It prints seconds per submission and
two ratios: our overhead against plain nbgrader (goal <= 1.15) and the parallel speed-up (goal >= 0.8 x N
on CPU-bound notebooks), with the machine's core count and load, so numbers can be compared.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

from instructor.course import Course, venv_on_path  # noqa: E402


def make_course(root: Path, aid: str, copies: int) -> Course:
    """A course with `aid` released and its solution submitted by `copies` students."""
    course = Course(REPO).copy_to(root, [aid], releases=True)
    solution = (course.solutions / aid / f"{aid}.ipynb").read_bytes()
    for i in range(copies):
        target = course.submission_path(f"student{i:03d}", aid)
        target.parent.mkdir(parents=True)
        target.write_bytes(solution)
    return course


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a command and everything it started; fails loudly if the command fails."""
    env = venv_on_path(os.environ)
    start, before = time.perf_counter(), os.times()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall, after = time.perf_counter() - start, os.times()
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def graded_count(course: Course, aid: str) -> int:
    """Submissions with an autograded notebook."""
    return len(list(course.autograded.glob(f"*/{aid}/{aid}.ipynb")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebook", default="01_unpooling", metavar="NN_topic")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="the parallel run's --jobs")
    parser.add_argument("--sandbox", action="store_true", help="our runs under bubblewrap (default: --no-sandbox, like plain nbgrader)")
    parser.add_argument("--timeout", type=int, default=300, help="per-cell timeout (default 300 s)")
    args = parser.parse_args(argv)
    aid, n = args.notebook, args.copies
    ours = [sys.executable, "-m", "instructor", "--course", ".", "autograde", aid, "--timeout", str(args.timeout),
            *(["--sandbox"] if args.sandbox else ["--no-sandbox"])]
    runs = {
        "plain nbgrader": [sys.executable, "-m", "nbgrader", "autograde", aid, "--create", "--force",
                           f"--ExecutePreprocessor.timeout={args.timeout}", f"--Execute.timeout={args.timeout}"],
        "ours, --jobs 1": [*ours, "--jobs", "1"],
        f"ours, --jobs {args.jobs}": [*ours, "--jobs", str(args.jobs)],
    }
    timed([sys.executable, "-c", "import torch, nbgrader.apps, nbconvert"], REPO)  # warm the file cache: the
    results = {}                                                                    # first run must not pay it
    for name, command in runs.items():
        with tempfile.TemporaryDirectory(prefix="grading-throughput-") as tmp:
            course = make_course(Path(tmp), aid, n)
            wall, cpu = 0.0, 0.0
            if name == "plain nbgrader":  # it needs the assignment in its gradebook first (ours registers it)
                wall, cpu = timed([sys.executable, "-m", "nbgrader", "generate_assignment", aid, "--force",
                                   f"--CourseDirectory.release_directory={tmp}/scratch"], course.root)
            wall, cpu = (a + b for a, b in zip((wall, cpu), timed(command, course.root)))
            if graded_count(course, aid) != n:
                raise SystemExit(f"{name}: {graded_count(course, aid)} of {n} submissions graded")
            results[name] = (wall, cpu)
            print(f"{name:>18}: {wall / n:6.1f} s wall, {cpu / n:6.1f} s CPU per submission "
                  f"({n} submissions in {wall:.0f} s)", flush=True)
    (plain, plain_cpu), (one, one_cpu), (many, _) = (results[name] for name in runs)
    print(f"\n{aid}, {n} submissions{' in the sandbox' if args.sandbox else ''}: overhead of ours vs plain "
          f"nbgrader {one / plain:.2f}x wall, {one_cpu / plain_cpu:.2f}x CPU (goal <= 1.15); speed-up with "
          f"--jobs {args.jobs} {one / many:.2f}x (goal >= {0.8 * args.jobs:.1f} on otherwise idle cores)")
    print(f"machine: {os.cpu_count()} cores, 1-min load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
