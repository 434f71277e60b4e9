"""--sandbox: run the grading kernel under bubblewrap, with no network and almost nothing of the machine.

Student code runs with the grader's rights. In the sandbox the kernel sees, read-only, only what it needs
to run: the system's /usr, /lib and /etc, Python and the course's venv, the `helpers` package and the data
caches. Its submission folder (autograded/<student>/<aid>/) is the one place it can write; /tmp and $HOME
are empty throw-away tmpfs. solutions/, the gradebook, other students' work and the rest of the disk are
simply not there. It has no network, its own process tree, and no capabilities. The kernel talks to the
grader over Unix sockets in a private folder (TCP would need a shared network).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import InstructorError
from .limits import LimitedKernelManager

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc", "/sys")
KEEP_ENV = ("PATH", "LANG", "LC_", "TZ", "NBGRADER_", "CV_SEMINAR_", "MPLBACKEND", "OMP_", "MKL_",
            "OPENBLAS_", "PYTHONHASHSEED", "PYTHONIOENCODING")
TMPFS_BYTES = 1 << 30  # /tmp and $HOME inside the sandbox: at most 1 GiB each, gone with the kernel
# The grader interrupts a cell by sending SIGINT to the kernel's process group, bwrap included. bwrap
# would die of it (and take the kernel along), so it starts with SIGINT ignored; ipykernel installs its
# own handler while it runs a cell, so the kernel still gets its KeyboardInterrupt.
IGNORE_SIGINT = [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                 "os.execvp(sys.argv[1], sys.argv[1:])"]
INSTALL_HINT = "install bubblewrap: `make sandbox-tools` (Debian/Ubuntu: apt-get install bubblewrap)"


class SandboxUnavailable(InstructorError):
    """bubblewrap is missing or cannot create namespaces here."""


def check_available() -> str:
    """Path of a working bwrap, or SandboxUnavailable saying why not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(f"bwrap not found: {INSTALL_HINT}")
    probe = subprocess.run([bwrap, *base_args(), *_ro_binds(SYSTEM_DIRS), "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bwrap cannot create a sandbox here ({probe.stderr.strip()}); unprivileged user namespaces "
            "may be disabled (sysctl kernel.unprivileged_userns_clone=1, or run the grader as root)")
    return bwrap


def base_args() -> list[str]:
    """Namespaces and hygiene: no network, own pids/ipc/uts, no capabilities, die with the grader."""
    return ["--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev"]


def _ro_binds(paths) -> list[str]:
    """--ro-bind for every existing path (symlinks recreated, their targets bound), parents first."""
    links, real = [], set()
    for path in {os.path.abspath(p) for p in paths if os.path.exists(p)}:
        if os.path.islink(path):
            links += ["--symlink", os.readlink(path), path]
        real.add(os.path.realpath(path))
    args = []
    for path in sorted(real, key=lambda p: (p.count("/"), p)):
        args += ["--ro-bind", path, path]
    return args + links


def python_paths() -> list[str]:
    """What the kernel's Python needs: the venv, the base installation, the `helpers` package."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    spec = importlib.util.find_spec("helpers")
    if spec and spec.submodule_search_locations:
        paths |= set(spec.submodule_search_locations)
    return sorted(paths)


def cache_dirs() -> list[str]:
    """Data and font caches the notebooks read (`helpers` data, matplotlib's font list)."""
    home = Path.home()
    return [os.environ.get("CV_SEMINAR_CACHE") or str(home / ".cache" / "cv-seminar"),
            os.environ.get("MPLCONFIGDIR") or str(home / ".cache" / "matplotlib")]


def _cache_args(cache: str) -> list[str]:
    """A cache as a writable tmpfs whose existing entries (two levels deep) are read-only binds.

    The kernel reads what earlier runs generated, and may add new entries that vanish with it.
    """
    root = Path(cache)
    if not root.is_dir():
        return []
    entries = []
    for child in sorted(root.iterdir()):
        entries += sorted(child.iterdir()) if child.is_dir() and not child.is_symlink() else [child]
    args = ["--tmpfs", str(root)]
    for entry in entries:
        args += ["--ro-bind", str(entry), str(entry)]
    return args


def environment() -> dict[str, str]:
    """The variables the kernel keeps (no tokens, no paths into the grader's world)."""
    return {k: v for k, v in os.environ.items() if k.startswith(KEEP_ENV)}


def command(kernel_cmd: list[str], workdir: str, private: str) -> list[str]:
    """`kernel_cmd` wrapped in bwrap: read-only system, writable `workdir` and `private`, nothing else."""
    home = str(Path.home())
    args = [check_available(), *base_args(), *_ro_binds(SYSTEM_DIRS)]
    for scratch in ("/tmp", "/var/tmp", home):
        args += ["--size", str(TMPFS_BYTES), "--tmpfs", scratch]
    args += _ro_binds(python_paths())
    for cache in cache_dirs():
        args += _cache_args(cache)
    args += ["--bind", workdir, workdir, "--bind", private, private, "--chdir", workdir, "--clearenv"]
    for name, value in sorted({**environment(), "HOME": home}.items()):
        args += ["--setenv", name, value]
    return [*IGNORE_SIGINT, *args, "--", *kernel_cmd]


class SandboxedKernelManager(LimitedKernelManager):
    """A kernel manager whose kernels start inside bwrap (under the limits) and listen on Unix sockets."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._private = tempfile.mkdtemp(prefix="grader-kernel-")
        self.transport = "ipc"
        self.ip = os.path.join(self._private, "kernel")
        self.connection_file = os.path.join(self._private, "kernel.json")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        """Launch the kernel command inside the sandbox, its cwd the only writable folder."""
        workdir = os.path.realpath(str(kw.get("cwd") or os.getcwd()))
        await super()._async_launch_kernel(command(kernel_cmd, workdir, self._private), **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        """Remove the private socket folder with the kernel (kept across restarts)."""
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._private, ignore_errors=True)
