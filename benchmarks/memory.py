"""Peak resident memory of a process and its children, sampled from a background thread."""
import threading
from pathlib import Path

import psutil


def high_water_mark(pid: int) -> int:
    """The kernel's own exact peak RSS in bytes (Linux VmHWM), or 0 where /proc does not tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakMemory:
    """Poll a process tree every `interval` seconds; keep the largest total RSS and the CPU time used.

    Polling alone can miss a short spike, so each sample also reads the kernel's own high-water mark,
    which the OS keeps exactly. Call `sample()` once more before the process exits.
    """

    def __init__(self, pid: int, interval: float = 0.1):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_bytes = 0
        self.cpu_seconds = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self):
        try:
            tree = [self.process, *self.process.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in tree if p.is_running())
            times = self.process.cpu_times()
        except psutil.Error:  # the kernel (or a child) exited between the calls
            return
        with self._lock:
            self.peak_bytes = max(self.peak_bytes, rss, high_water_mark(self.process.pid))
            self.cpu_seconds = max(self.cpu_seconds, times.user + times.system + times.children_user + times.children_system)
