"""python -m instructor <step>: publish, release, collect, preflight, autograde, export, grade (the last four),
or merge (the result folders of `--shard i/n` runs).

Run from the course root (the repo), or pass --course. Outputs: submitted/, autograded/ and gradebook.db
(nbgrader's), grades/<aid>.csv, grades/totals.csv, grades/reports/*.json, and
feedback/<student>/<aid>/<aid>.html. Exit status: 0 done, 1 a submission could not be autograded,
2 bad input or a course not ready for the step (the message says what to do).
"""
import argparse
import os
import sys
from pathlib import Path

from . import reports
from .course import Course
from .errors import InstructorError


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    course = Course(Path(args.course).resolve())
    try:
        if not course.solutions.is_dir():
            raise InstructorError(f"{course.root} has no solutions/: run from the course root or pass --course")
        return args.run(course, args) or 0
    except InstructorError as error:
        print(f"python -m instructor {args.step}: {error}", file=sys.stderr)
        return 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m instructor", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--course", default=".", help="course root (default: the current folder)")
    steps = p.add_subparsers(dest="step", required=True, metavar="STEP")

    s = steps.add_parser("release", help="strip outputs from solutions/ and regenerate notebooks/")
    s.add_argument("assignments", nargs="*", metavar="NN_topic")
    s.set_defaults(run=run_release)

    s = steps.add_parser("publish", help="record where students install the course from (course.toml), then release")
    s.add_argument("location", metavar="owner/name[@ref]", help="GitHub repository and branch or tag (default main)")
    s.add_argument("--git-host", default="https://github.com", help="where pip clones it from (default: GitHub)")
    s.set_defaults(run=run_publish)

    s = steps.add_parser("collect", help="copy a folder of downloaded notebooks into submitted/")
    _collect_args(s)
    s.set_defaults(run=run_collect)

    s = steps.add_parser("preflight", help="check and repair submissions; report per submission")
    s.add_argument("assignments", nargs="*", metavar="NN_topic")
    s.set_defaults(run=run_preflight)

    s = steps.add_parser("autograde", help="preflight, then autograde every gradable submission")
    _grading_args(s)
    s.set_defaults(run=run_autograde)

    s = steps.add_parser("export", help="grades/<aid>.csv, grades/totals.csv and feedback pages")
    s.add_argument("assignments", nargs="*", metavar="NN_topic")
    s.set_defaults(run=run_export)

    s = steps.add_parser("grade", help="collect FOLDER, autograde and export in one go")
    _collect_args(s)
    _grading_args(s, positional=False)
    s.set_defaults(run=run_grade)

    s = steps.add_parser("merge", help="combine the result folders of --shard runs, then export")
    s.add_argument("folders", nargs="+", metavar="DIR")
    s.set_defaults(run=run_merge, assignments=[])
    return p


def _collect_args(s) -> None:
    s.add_argument("folder", help="one sub-folder per student, or a flat folder with --roster")
    s.add_argument("--roster", help="CSV with a 'student' column; other columns are names found in file names")


def _grading_args(s, positional: bool = True) -> None:
    if positional:
        s.add_argument("assignments", nargs="*", metavar="NN_topic")
    else:
        s.add_argument("--assignments", nargs="+", default=[], metavar="NN_topic")
    s.add_argument("--sandbox", action=argparse.BooleanOptionalAction,
                   help="run student code under bubblewrap: no network, read-only view, only its folder writable "
                        "(default: wherever bubblewrap can start; --sandbox requires it, --no-sandbox turns it off)")
    s.add_argument("--timeout", type=int, help="seconds per cell (default: nbgrader_config.py's Execute.timeout)")
    s.add_argument("--output-limit", type=int, help="bytes of output kept per cell (default 1,000,000)")
    s.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at once, one kernel each (default: the number of cores)")
    s.add_argument("--shard", help="i/n: grade only slice i of n (by student id) and write a result folder")
    s.add_argument("--out", help="the shard's result folder (default: shards/<i>-of-<n> in the course)")
    limits = s.add_argument_group("limits per kernel (its processes together)")
    limits.add_argument("--memory", default="4G", help="memory (default 4G)")
    limits.add_argument("--cpu-time", type=int, default=1800, help="CPU seconds (default 1800)")
    limits.add_argument("--processes", type=int, default=64, help="processes (default 64)")
    limits.add_argument("--open-files", type=int, default=4096, help="open files per process (default 4096)")
    limits.add_argument("--file-size", default="2G", help="largest file it may write (default 2G)")
    limits.add_argument("--disk", default="4G", help="everything in its submission folder (default 4G)")


def run_release(course: Course, args) -> None:
    from .release import release
    print("released:", ", ".join(release(course, args.assignments)))


def run_publish(course: Course, args) -> None:
    from .publish import Location, PublishError, publish
    try:
        location = Location.parse(args.location, args.git_host)
    except PublishError as error:
        raise SystemExit(f"publish: {error}")
    print("released:", ", ".join(publish(course, location)))
    print(f"Students install from {location.pip_url}; commit course.toml, README.md, solutions/ and notebooks/, "
          f"then push them to {location.repo_url} ({location.ref}).")


def run_collect(course: Course, args) -> None:
    from .collect import Roster, collect, print_report
    roster = Roster.read(Path(args.roster)) if args.roster else None
    print_report(collect(course, Path(args.folder), roster))


def run_preflight(course: Course, args) -> None:
    from .preflight import preflight
    reports.print_entries("preflight (grades/reports/preflight.json):", preflight(course, args.assignments))


def run_autograde(course: Course, args) -> int:
    from .autograde import FAILED, Settings, autograde
    from .limits import Limits, parse_size
    from .shards import Shard, write_result
    try:
        limits = Limits(memory=parse_size(args.memory), cpu_seconds=args.cpu_time, processes=args.processes,
                        open_files=args.open_files, file_size=parse_size(args.file_size),
                        folder_size=parse_size(args.disk))
    except ValueError as error:
        raise InstructorError(error) from None
    shard = Shard.parse(args.shard) if args.shard else None
    settings = Settings(sandbox=args.sandbox, timeout=args.timeout, output_limit=args.output_limit, limits=limits)
    entries = autograde(course, args.assignments, settings, jobs=max(1, args.jobs), shard=shard)
    reports.print_entries("autograde (grades/reports/autograde.json):", entries)
    if shard:
        out = write_result(course, entries, Path(args.out or course.root / "shards" /
                                                 f"{shard.index}-of-{shard.count}"))
        print(f"shard {shard}: result folder {out}; combine all with `python -m instructor merge DIR...`")
    return 1 if any(e.status == FAILED for e in entries.values()) else 0


def run_export(course: Course, args) -> None:
    from .export import export
    for path in export(course, args.assignments):
        print(f"  wrote {path.relative_to(course.root)}")


def run_grade(course: Course, args) -> int:
    run_collect(course, args)
    status = run_autograde(course, args)
    if not args.shard:  # a shard's CSV would list the other shards' students as not graded
        run_export(course, args)
    return status


def run_merge(course: Course, args) -> int:
    from .autograde import FAILED
    from .shards import merge
    entries = merge(course, [Path(f) for f in args.folders])
    print(f"merged {len(entries)} submissions from {len(args.folders)} result folders")
    run_export(course, args)
    return 1 if any(e.status == FAILED for e in entries.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
