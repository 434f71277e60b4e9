"""python -m benchmarks [--only 01_unpooling ...] [--timeout S]: run, print the table, write results.json."""
import argparse
import sys
from pathlib import Path

from instructor.course import Course

from .report import machine, markdown_table, update_readme, write_json
from .runner import run_notebook

REPO = Path(__file__).resolve().parents[1]


def find_notebooks(course: Course, only: list[str] | None) -> list[Path]:
    """solutions/NN_topic/NN_topic.ipynb, in order, optionally only the named ones."""
    found = course.assignments()
    unknown = sorted(set(only or []) - set(found))
    if unknown:
        raise SystemExit(f"no such notebook(s): {', '.join(unknown)}; known: {', '.join(found)}")
    return [course.solutions / aid / f"{aid}.ipynb" for aid in found if not only or aid in only]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", nargs="+", action="extend", metavar="NN_topic", help="run just these notebooks")
    parser.add_argument("--timeout", type=int, default=300, metavar="S", help="per-cell timeout (default 300 s)")
    parser.add_argument("--course", type=Path, default=REPO, help=argparse.SUPPRESS)  # tests: a tiny course
    parser.add_argument("--output", type=Path, default=None,
                        help="JSON file for the results (default benchmarks/results.json; --only merges into it)")
    args = parser.parse_args(argv)
    args.output = args.output or args.course / "benchmarks" / "results.json"

    records = []
    for path in find_notebooks(Course(args.course), args.only):
        print(f"running {path.stem} ...", file=sys.stderr, flush=True)
        records.append(run_notebook(path, timeout=args.timeout))
        r = records[-1]
        print(f"  {r['status']}: {r['wall_s']} s, {r['peak_rss_mib']} MiB", file=sys.stderr, flush=True)
    info = machine()
    print(markdown_table(records))
    loads = ", ".join(str(r.get("load_1min")) for r in records)
    print(f"\nMeasured on {info['cpu']}, {info['cores']} cores, torch {info['torch']}, {info['date']} "
          f"(1-min load average after each notebook: {loads}).")
    write_json(args.output, records, info, merge=bool(args.only))
    # Only the course's own results file feeds README: a run written elsewhere (--output) leaves README alone.
    if args.output == args.course / "benchmarks" / "results.json" and update_readme(args.course / "README.md",
                                                                                      args.output):
        print("README.md's results table rewritten from", args.output, file=sys.stderr)
    failed = [r["notebook"] for r in records if r["status"] != "ok"]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
