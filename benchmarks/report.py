"""The benchmark's outputs: a markdown table to read, a JSON file to commit, and the machine they came from."""
import datetime
import json
import os
import platform
from pathlib import Path

BUDGET_S = 90          # fast mode, per notebook (CONVENTIONS §4)
BUDGET_MIB = 3 * 1024  # 3 GB peak RSS of the kernel


def machine() -> dict:
    """What the numbers were measured on."""
    import torch  # imported here: the table itself needs no torch

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "python": platform.python_version(), "torch": torch.__version__, "os": platform.platform(terse=True),
            "date": datetime.date.today().isoformat()}


def within_budget(record: dict) -> bool:
    return (record["status"] == "ok" and record["wall_s"] <= BUDGET_S
            and record["peak_rss_mib"] is not None and record["peak_rss_mib"] <= BUDGET_MIB)


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def markdown_table(records: list[dict]) -> str:
    """One row per notebook; a notebook that saved no results shows "—", a failed one its error."""
    lines = ["| notebook | wall s | CPU s | peak RSS MiB | headline metric | within budget (≤ 90 s, ≤ 3 GB) |",
             "|---|---|---|---|---|---|"]
    for r in records:
        metric = f"{r['headline']} = {_number(r['value'])}" if r["headline"] else "—"
        if r["status"] != "ok":
            metric = f"FAILED: {r['error']}".replace("|", "\\|")
        memory = "—" if r["peak_rss_mib"] is None else r["peak_rss_mib"]
        cpu = "—" if r["cpu_s"] is None else r["cpu_s"]
        lines.append(f"| {r['notebook']} | {r['wall_s']} | {cpu} | {memory} | {metric} | "
                     f"{'yes' if within_budget(r) else 'no'} |")
    return "\n".join(lines)


def write_json(path: Path, records: list[dict], machine_info: dict, merge: bool = False) -> None:
    """Write `records` to `path`; with `merge` (a run with --only) keep the other notebooks' last numbers."""
    old = json.loads(path.read_text()) if merge and path.exists() else {}
    by_name = {r["notebook"]: r for r in old.get("notebooks", [])}
    by_name.update({r["notebook"]: dict(r, date=machine_info["date"], within_budget=within_budget(r))
                    for r in records})
    data = {"machine": machine_info, "budget": {"wall_s": BUDGET_S, "peak_rss_mib": BUDGET_MIB},
            "notebooks": [by_name[name] for name in sorted(by_name)]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
