"""Resource limits per grading kernel: memory, CPU time, processes, open files, file size and folder size.

Two layers, both portable (no root, no systemd, no cgroups needed):
- the kernel is launched through `launcher()`, which sets rlimits on it before it starts: RLIMIT_DATA (memory
  a process may allocate: an allocation past it fails with MemoryError instead of waking the OOM killer),
  RLIMIT_CPU, RLIMIT_NOFILE and RLIMIT_FSIZE (a write past it fails with "File too large");
- a `Watchdog` thread in the grader looks at the kernel's whole process tree twice a second and kills
  it when the tree together exceeds the memory, process, CPU-time or folder-size limit (a fork bomb, or many
  processes each under the per-process limit). RLIMIT_NPROC is not used: it counts every process of the
  user, and root ignores it.
The watchdog polls, so a fast exponential fork bomb can create processes between two looks; the bubblewrap
sandbox's own PID namespace then takes them all down with the kernel. At the end, every process the kernel
left behind (one that ignores SIGINT, a daemon) is killed with its process group.
"""
import json
import os
import re
import signal
import sys
import threading
from dataclasses import asdict, dataclass

import psutil
from jupyter_client.manager import AsyncKernelManager

GB = 1 << 30
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": GB, "T": 1 << 40}
# Sets the limits, then becomes the kernel: runs as `python -c LAUNCH '<limits json>' kernel command...`.
LAUNCH = """\
import json, os, resource, sys
limits = json.loads(sys.argv[1])
for name, key in (("RLIMIT_DATA", "memory"), ("RLIMIT_CPU", "cpu_seconds"), ("RLIMIT_NOFILE", "open_files"),
                  ("RLIMIT_FSIZE", "file_size")):
    value = limits[key] + (10 if key == "cpu_seconds" else 0)  # the watchdog stops CPU hogs first, and says why
    hard = resource.getrlimit(getattr(resource, name))[1]
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # a user cannot raise a hard limit
    resource.setrlimit(getattr(resource, name), (value, value))
os.execvp(sys.argv[2], sys.argv[2:])
"""


def parse_size(text: str) -> int:
    """'4G', '512M', '1.5G' or a number of bytes -> bytes."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)i?B?\s*", str(text), re.I)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 4G, 512M)")
    return int(float(match[1]) * UNITS[match[2].upper()])


def show_size(n: int) -> str:
    """Bytes as the flags print them: 4 GB, 512 MB."""
    for unit, size in (("TB", 1 << 40), ("GB", GB), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


@dataclass(frozen=True)
class Limits:
    """What one grading kernel (with everything it starts) may use."""
    memory: int = 4 * GB         # bytes, per process (rlimit) and for the whole tree (watchdog)
    cpu_seconds: int = 1800      # per kernel, all its processes together
    processes: int = 64          # processes in the kernel's tree, the kernel included
    open_files: int = 4096       # per process
    file_size: int = 2 * GB      # largest file a process may write
    folder_size: int = 4 * GB    # everything in the submission's folder together

    def launcher(self) -> list[str]:
        """The command prefix that starts a kernel with these limits."""
        return [sys.executable, "-c", LAUNCH, json.dumps(asdict(self))]

    def describe(self, what: str) -> str:
        """'memory limit 4 GB' and the like, as flags name a limit."""
        value = getattr(self, what)
        shown = f"{value} s" if what == "cpu_seconds" else str(value) if what in COUNTS else show_size(value)
        return f"{NAMES[what]} limit {shown}"


NAMES = {"memory": "memory", "cpu_seconds": "CPU time", "processes": "process", "open_files": "open-file",
         "file_size": "file size", "folder_size": "folder size"}
COUNTS = ("processes", "open_files")


class LimitedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start under `limits` (set by the executor before it starts one)."""

    limits = Limits()

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        await super()._async_launch_kernel([*self.limits.launcher(), *kernel_cmd], **kw)


# What a cell's error says when an rlimit stopped it -> the limit it hit.
ERRORS = (
    (re.compile(r"^MemoryError|can't allocate memory|Unable to allocate|out of memory", re.I), "memory"),
    (re.compile(r"File too large|\[Errno 27\]"), "file_size"),
    (re.compile(r"Too many open files|\[Errno 24\]"), "open_files"),
)


def limit_in_error(text: str) -> str | None:
    """Which limit an error message ('MemoryError: ...') shows was hit, if any."""
    return next((what for pattern, what in ERRORS if pattern.search(text)), None)


class Watchdog:
    """Watches one kernel's process tree; kills it when it goes over `limits`, and remembers why."""

    def __init__(self, pid: int, limits: Limits, folder: str, interval: float = 0.5):
        self.root = psutil.Process(pid)
        self.limits, self.folder, self.interval = limits, folder, interval
        self.seen: dict[int, psutil.Process] = {pid: self.root}
        self.exceeded: str | None = None  # the limit that made it kill the tree ("memory", "processes", ...)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name=f"watchdog-{pid}")
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            what = self.over_limit()
            if what:
                self.exceeded = what
                self.kill()
                return

    def tree(self) -> list[psutil.Process]:
        """The kernel and every descendant still alive (remembered, so orphans are killed at the end too)."""
        try:
            for child in self.root.children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.Error:
            pass
        return [p for p in self.seen.values() if _alive(p)]

    def over_limit(self) -> str | None:
        """The first limit the tree exceeds now, or None."""
        procs = self.tree()
        if len(procs) > self.limits.processes:
            return "processes"
        memory, cpu = 0, 0.0
        for p in procs:
            try:
                memory += p.memory_info().rss
                times = p.cpu_times()
                cpu += times.user + times.system
            except psutil.Error:
                continue
        if memory > self.limits.memory:
            return "memory"
        if cpu > self.limits.cpu_seconds:
            return "cpu_seconds"
        if folder_size(self.folder, self.limits.folder_size) > self.limits.folder_size:
            return "folder_size"
        return None

    def kill(self) -> int:
        """SIGKILL the kernel, everything it started and its process group; how many others were alive."""
        procs = self.tree()
        for p in procs:
            try:
                p.kill()
            except psutil.Error:
                pass
        try:
            os.killpg(self.root.pid, signal.SIGKILL)  # jupyter starts each kernel in its own session
        except OSError:
            pass
        psutil.wait_procs(procs, timeout=5)
        return len([p for p in procs if p.pid != self.root.pid])

    def stop(self, grace: float = 3.0) -> int:
        """Stop watching; kill whatever the kernel left running. Returns how many processes that was.

        What exits on its own within `grace` seconds of the kernel (the sandbox's bwrap) was not left behind.
        """
        self._stop.set()
        self._thread.join()
        _, alive = psutil.wait_procs(self.tree(), timeout=grace)
        return self.kill() if alive else 0


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def folder_size(folder: str, stop_above: int) -> int:
    """Bytes in the files under `folder` (counting stops once past `stop_above`)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
            if total > stop_above:
                return total
    return total
