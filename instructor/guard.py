"""Runs inside the grading kernel: keep the functions tests trust from being rebound by student code.

The autograder sends this file's source to the kernel before the first cell. `install()` imports the
watched libraries and records their functions; the grader then calls `__grader_guard__.check()` before
and after every graded cell. `check()` puts back anything rebound (torch.allclose,
torch.testing.assert_close, numpy.allclose, a Tensor method, a builtin, the course's own test helpers in
helpers.grading, the profiler hooks `forbid` relies on, IPython's input transformers and event callbacks)
and returns what it found, so a rebinding can neither make a test pass nor go unnoticed. Everything is
compared by identity, never by name: a function dressed up as one of IPython's (its __module__ and
__qualname__ set to IPython's) is still not the object that was there.

This is a tripwire, not a wall: code in the same process can hide from any in-process check. The
source scan (scan.py) flags the indirect routes for a human, and --sandbox limits what code can reach.
"""
import builtins
import importlib
import types

WATCHED_MODULES = ("torch", "torch.nn.functional", "torch.testing", "numpy", "numpy.testing", "helpers.grading")
WATCHED_CLASSES = (("torch", "Tensor"), ("helpers.grading", "_Watcher"), ("IPython.core.events", "EventManager"))
WATCHED_FUNCTIONS = (("sys", "setprofile"), ("sys", "getprofile"), ("sys", "settrace"), ("sys", "gettrace"))
# Event callbacks that honest code registers after the guard is installed (pyplot's first figure in a kernel):
# recorded as objects at install time, so a later rebinding of the name does not extend the list.
ALLOWED_CALLBACKS = (("matplotlib_inline.backend_inline", "flush_figures"), ("matplotlib.pyplot", "_draw_all_if_interactive"))
WATCHED_BUILTINS = ("abs", "all", "any", "bool", "callable", "float", "getattr", "hasattr", "int", "isinstance",
                    "issubclass", "len", "list", "max", "min", "print", "range", "repr", "round", "sorted",
                    "str", "sum", "tuple", "type", "zip")
SHELL_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")


class Guard:
    """Recorded originals, and the check that restores them."""

    def __init__(self):
        self.functions = {}  # "torch.allclose" -> (owner, name, object, code object or None)
        self.classes = {}    # "torch.Tensor" -> (class, copy of its __dict__)
        self.shell = None
        self.shell_state = {}
        modules = [importlib.import_module(m) for m in WATCHED_MODULES if _importable(m)]  # all imported first:
        for module in modules:  # importing helpers may wrap a torch function, as the course's imports do
            modname = module.__name__
            for name, value in list(vars(module).items()):
                if callable(value) and not isinstance(value, types.ModuleType):
                    self._record(f"{modname}.{name}", module, name, value)
        for modname, name in WATCHED_FUNCTIONS:
            module = importlib.import_module(modname)
            self._record(f"{modname}.{name}", module, name, getattr(module, name))
        for name in WATCHED_BUILTINS:
            self._record(f"builtins.{name}", builtins, name, getattr(builtins, name))
        for modname, clsname in WATCHED_CLASSES:
            cls = getattr(importlib.import_module(modname), clsname, None) if _importable(modname) else None
            if cls is not None:
                self.classes[f"{modname}.{clsname}"] = (cls, dict(vars(cls)))
        self._record_shell()

    def _record(self, label, owner, name, value):
        self.functions[label] = (owner, name, value, getattr(value, "__code__", None))

    def _record_shell(self):
        try:
            self.shell = get_ipython()  # noqa: F821  (defined in IPython kernels)
        except NameError:
            return
        self.shell_state = {name: list(getattr(self.shell, name, [])) for name in SHELL_LISTS}
        events = self.shell.events
        self.shell_state["events"] = (events, events.callbacks, {k: list(v) for k, v in events.callbacks.items()})
        allowed = [getattr(importlib.import_module(m), n, None) for m, n in ALLOWED_CALLBACKS if _importable(m)]
        self.shell_state["allowed"] = [f for f in allowed if f is not None]
        self.shell_state["instance"] = {k for k, v in vars(self.shell).items() if callable(v)}

    def check(self):
        """Restore everything rebound since install(); return the sorted names of what was."""
        found = []
        for label, (owner, name, value, code) in self.functions.items():
            current = vars(owner).get(name)
            if current is not value:
                setattr(owner, name, value)
                found.append(label)
            elif code is not None and getattr(value, "__code__", code) is not code:
                value.__code__ = code
                found.append(f"{label}.__code__")
        for label, (cls, saved) in self.classes.items():
            for name in set(vars(cls)) | set(saved):
                if vars(cls).get(name) is not saved.get(name):
                    if name in saved:
                        setattr(cls, name, saved[name])
                    else:
                        delattr(cls, name)
                    found.append(f"{label}.{name}")
        return sorted(set(found + self._check_shell()))

    def _check_shell(self):
        """IPython hooks that could rewrite or skip a test cell before it runs."""
        if self.shell is None:
            return []
        found = []
        for name in SHELL_LISTS:
            if not _same(list(getattr(self.shell, name, [])), self.shell_state[name]):
                setattr(self.shell, name, list(self.shell_state[name]))
                found.append(f"IPython {name}")
        found += self._check_events()
        for name in {k for k, v in vars(self.shell).items() if callable(v)} - self.shell_state["instance"]:
            if callable(getattr(type(self.shell), name, None)):
                delattr(self.shell, name)
                found.append(f"IPython shell.{name}")
        return found

    def _check_events(self):
        """Every event callback list back to what it was at install (plus allowed library callbacks)."""
        events, callbacks, saved = self.shell_state["events"]
        found = []
        if self.shell.events is not events or events.callbacks is not callbacks:
            self.shell.events, events.callbacks = events, callbacks
            found.append("IPython shell.events")
        for event in sorted(set(callbacks) | set(saved)):
            current = callbacks.setdefault(event, [])
            wanted = list(saved.get(event, []))
            wanted += [f for f in current if any(f is a for a in self.shell_state["allowed"])
                       and not any(f is w for w in wanted)]
            if not _same(current, wanted):
                current[:] = wanted
                found.append(f"IPython event {event}")
        return found


def _same(a, b):
    """Whether two callback lists hold the same objects in the same order (identity: `==` can be overridden)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _importable(modname):
    try:
        importlib.import_module(modname)
        return True
    except Exception:
        return False


def install(name="__grader_guard__"):
    """Create the guard and leave it where the grader's check expression finds it."""
    guard = Guard()
    try:
        get_ipython().user_ns[name] = guard  # noqa: F821
    except NameError:
        pass
    return guard
