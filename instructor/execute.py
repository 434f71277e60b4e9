"""nbgrader's Execute preprocessor, hardened for real submissions.

On top of nbgrader's per-cell timeout and interrupt it:
- preloads the libraries the locked cells import, before any cell's clock starts, so a timeout measures
  the cell's own work, not how long `import torch` takes on a busy machine;
- installs guard.py in the kernel and checks it before and after every graded cell: a rebound
  comparison function is put back before the test, and a test during which one was rebound fails;
- keeps at most `output_limit` bytes of output per cell (100 MB of prints costs nothing downstream);
- restarts a kernel that died or ignored the interrupt, so grading goes on with the next cell;
- starts the kernel with resource limits and watches its process tree (limits.py); a limit hit fails that
  cell with a flag, and whatever the kernel left running is killed at the end;
- optionally starts the kernel in the bubblewrap sandbox (sandbox.py);
- once the kernel is gone, removes what it planted in its folder for nbgrader to write through (a symlink to
  solutions/, a FIFO, a hard link: confine.py), before nbgrader writes the autograded notebook there;
- flags a test that failed because the answer called a forbidden function (helpers.grading.forbid).
What it did to a submission is in `executor.run` (a `Run`) after each notebook.
"""
import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Bool, Instance, Integer

from .confine import clean
from .limits import Limits, LimitedKernelManager, Watchdog, limit_in_error
from .notebooks import grade_id, is_grade, is_locked
from .scan import parse_cell

GUARD_SOURCE = (Path(__file__).parent / "guard.py").read_text(encoding="utf-8")
CHECK = "__grader_guard__.check()"
QUIET_KERNEL = "--IPKernelApp.log_level=ERROR"
PREPARE = '''
def __grader_prepare__(modules, guard_source):
    import importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    namespace = {"__name__": "grader_guard"}
    exec(compile(guard_source, "grader_guard", "exec"), namespace)
    namespace["install"]()
__grader_prepare__(%r, %r)
del __grader_prepare__
'''


@dataclass
class Run:
    """What the grader did to one notebook while running it: notes for the TA, in order, without repeats."""
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def imported_modules(nb: dict) -> list[str]:
    """Absolute modules imported by the locked cells (the course's own code), in order."""
    modules = []
    for cell in nb["cells"]:
        tree = parse_cell(cell) if is_locked(cell) else None
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Import):
                modules += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.append(node.module)
    return list(dict.fromkeys(m for m in modules if m != "__future__"))


class GuardedExecute(Execute):
    """Execute with preload, guard, output limit, resource limits, kernel restarts and an optional sandbox."""

    output_limit = Integer(1_000_000, help="Bytes of output kept per cell; the rest is dropped.").tag(config=True)
    sandbox = Bool(False, help="Run the kernel under bubblewrap (see instructor/sandbox.py).").tag(config=True)
    limits = Instance(Limits, kw={}, help="What the kernel and its processes may use (limits.py).").tag(config=True)
    # nbclient waits 4 s for a finished cell's output; 100 MB of prints on a busy machine needs longer, and
    # running out means a kernel restart (it cannot tell that from a kernel that ignored the interrupt).
    iopub_timeout = Integer(60, help="Seconds to wait for a finished cell's last output.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kernel_manager_class = LimitedKernelManager
        if self.sandbox:
            from .sandbox import SandboxedKernelManager
            self.kernel_manager_class = SandboxedKernelManager
        self.run = Run()
        self._watchdog = None

    def preprocess(self, nb, resources=None, km=None):
        """Execute `nb`; what happened is in `self.run` afterwards."""
        self.run, self._ready, self._label, self._last = Run(), False, "", ""
        self._preload = imported_modules(nb)
        if QUIET_KERNEL not in self.extra_arguments:  # ipykernel's TCP warning, once per submission, is noise
            self.extra_arguments = [*self.extra_arguments, QUIET_KERNEL]
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._stop_watching()
            folder = (resources or {}).get("metadata", {}).get("path")
            for note in clean(folder) if folder else []:
                self.run.note(note)

    def create_kernel_manager(self):
        """nbclient's kernel manager, told the limits it starts kernels with."""
        km = super().create_kernel_manager()
        km.limits = self.limits
        return km

    def start_new_kernel(self, **kwargs) -> None:
        """Start the kernel and a watchdog on its process tree."""
        super().start_new_kernel(**kwargs)
        self._watch(kwargs.get("cwd") or self.resources.get("metadata", {}).get("path") or ".")

    def _watch(self, folder: str) -> None:
        self._stop_watching()
        self._folder = folder
        self._watchdog = Watchdog(self.km.provisioner.pid, self.limits, folder)

    def _stop_watching(self) -> None:
        """Stop the watchdog and kill what the kernel left running (a process that ignores SIGINT, a daemon)."""
        if self._watchdog is not None:
            left = self._watchdog.stop()
            if self._watchdog.exceeded:  # went over after its cell had finished (a cell's is noted in _restart)
                self.run.note(f"{self.limits.describe(self._watchdog.exceeded)} exceeded after {self._label}: "
                              f"the kernel was stopped")
            if left:
                self.run.note(f"killed {left} process(es) the kernel left running")
            self._watchdog = None

    def preprocess_cell(self, cell, resources, index):
        """Run one cell between two guard checks when it is graded; survive a dead or stuck kernel."""
        if cell.cell_type != "code" or not cell.source.strip():
            return super().preprocess_cell(cell, resources, index)
        if not self._ready:
            self._prepare()
        self._label = grade_id(cell) or f"cell {index + 1}" + (f" (after {self._last})" if self._last else "")
        self._last = grade_id(cell) or self._last
        self._kept, self._cut = 0, False
        if is_grade(cell):
            rebound = self._check()
            if rebound:
                self.run.note(f"{', '.join(rebound)} rebound before {self._label}: restored, the test "
                              f"ran with the originals")
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except (CellTimeoutError, DeadKernelError) as error:
            self._restart(cell, error)
        self._note_limit_errors(cell)
        if is_grade(cell):
            self._note_forbidden_calls(cell)
        if self._watchdog is not None:
            self._watchdog.tree()  # remember what the cell left running, before it can leave the kernel's tree
        if is_grade(cell):
            rebound = self._check()
            if rebound:
                self._fail(cell, f"{', '.join(rebound)} rebound while this test ran: it does not count")
                self.run.note(f"{', '.join(rebound)} rebound while {self._label} ran: not counted")
        return cell, self.resources

    def _prepare(self) -> None:
        """Preload the course's imports and install the guard (not under any cell's timeout)."""
        reply = self._silent(PREPARE % (self._preload, GUARD_SOURCE), timeout=max(self.timeout or 0, 600))
        if not reply or reply["content"]["status"] != "ok":
            self.run.note("could not install the grader's guard in the kernel")
        self._ready = True

    def _check(self) -> list[str]:
        """What the guard found rebound (and restored); a missing guard counts as tampering."""
        reply = self._silent("", expressions={"rebound": CHECK})
        result = (reply or {}).get("content", {}).get("user_expressions", {}).get("rebound", {})
        try:
            return [str(name) for name in ast.literal_eval(result["data"]["text/plain"])]
        except (KeyError, ValueError, SyntaxError, TypeError):  # no guard, or an answer bent by student code
            return ["the grader's guard (removed or tampered with)"]

    def _silent(self, code: str, expressions: dict | None = None, timeout: int | None = None) -> dict | None:
        """Run `code` in the kernel without history, output or execution count; return the reply."""
        async def run():
            msg_id = await ensure_async(self.kc.execute(code, silent=True, store_history=False,
                                                        user_expressions=expressions or {}))
            return await self.async_wait_for_reply(msg_id)
        saved, self.timeout = self.timeout, timeout or self.timeout
        try:
            return run_sync(run)()
        finally:
            self.timeout = saved

    def _fail(self, cell, message: str) -> None:
        """Make a graded cell count as failed, with `message` as its visible error."""
        cell.outputs.append(nbformat.v4.new_output("error", ename="GraderError", evalue=message, traceback=[]))

    def _note_limit_errors(self, cell) -> None:
        """A cell whose error says an rlimit stopped it (MemoryError, File too large ...) gets a flag."""
        for out in cell.outputs:
            what = limit_in_error(f"{out.get('ename', '')}: {out.get('evalue', '')}") \
                if out.get("output_type") == "error" else None
            if what:
                self.run.note(f"{self.limits.describe(what)} exceeded in {self._label}")

    def _note_forbidden_calls(self, cell) -> None:
        """A test that failed with helpers.grading's ForbiddenCall: the answer used what the exercise forbids."""
        for out in cell.outputs:
            if out.get("output_type") == "error" and out.get("ename") == "ForbiddenCall":
                self.run.note(f"forbidden call in {self._label}: {out.get('evalue', '')}")

    def _restart(self, cell, error: Exception) -> None:
        """The kernel died, went over a limit or ignored the interrupt: fail this cell, start a fresh kernel."""
        exceeded = self._watchdog.exceeded if self._watchdog else None
        if exceeded:
            self._watchdog.exceeded = None  # noted here, not again when the watchdog stops
            what = f"went over the {self.limits.describe(exceeded)} and was stopped"
            self.run.note(f"{self.limits.describe(exceeded)} exceeded in {self._label}: the kernel was stopped, "
                          f"later cells ran in a fresh kernel")
        else:
            what = "died" if isinstance(error, DeadKernelError) else "did not stop after the timeout"
            self.run.note(f"kernel {what} in {self._label}: restarted, later cells ran in a fresh kernel")
        self._fail(cell, f"the kernel {what}; later cells ran in a fresh kernel")
        run_sync(self.km.restart_kernel)(now=True)
        self._stop_watching()  # after the restart killed the kernel: what is alive now, it left behind
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        self._watch(self._folder)
        self._ready = False

    def on_cell_executed(self, **kwargs):
        """nbgrader's error bookkeeping, plus a note when the cell hit the timeout."""
        super().on_cell_executed(**kwargs)
        if kwargs["execute_reply"]["content"].get("ename") == "CellTimeoutError":
            self.run.note(f"{self._label} timed out after {self.timeout} s: interrupted, grading went on")

    def output(self, outs, msg, display_id, cell_index):
        """Keep a cell's output up to `output_limit` bytes; errors are always kept."""
        content = msg["content"]
        if msg["msg_type"] == "error" or self.output_limit < 0:
            return super().output(outs, msg, display_id, cell_index)
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        room = self.output_limit - self._kept
        if size <= room:
            self._kept += size
            return super().output(outs, msg, display_id, cell_index)
        if msg["msg_type"] == "stream" and room > 0:
            msg = {**msg, "content": {**content, "text": content["text"][:room]}}
            super().output(outs, msg, display_id, cell_index)
        self._kept = self.output_limit
        if not self._cut:
            self._cut = True
            outs.append(nbformat.v4.new_output(
                "stream", name="stdout", text=f"\n[output cut by the grader after {self.output_limit:,} bytes]\n"))
            self.run.note(f"{self._label} printed more than {self.output_limit:,} bytes: output cut")
        return None
