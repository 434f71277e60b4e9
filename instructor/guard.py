"""Runs inside the grading kernel: keep the functions tests trust from being rebound by student code.

The autograder sends this file's source to the kernel before the first cell. `install()` imports the
watched libraries and records their functions; the grader then calls `__grader_guard__.check()` before
and after every graded cell. `check()` puts back anything rebound (torch.allclose,
torch.testing.assert_close, numpy.allclose, a Tensor method, a builtin, IPython's input transformers)
and returns what it found, so a rebinding can neither make a test pass nor go unnoticed.

This is a tripwire, not a wall: code in the same process can hide from any in-process check. The
source scan (scan.py) flags the indirect routes for a human, and --sandbox limits what code can reach.
"""
import builtins
import importlib
import types

WATCHED_MODULES = ("torch", "torch.nn.functional", "torch.testing", "numpy", "numpy.testing")
WATCHED_CLASSES = (("torch", "Tensor"),)
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
        for modname in WATCHED_MODULES:
            try:
                module = importlib.import_module(modname)
            except Exception:
                continue
            for name, value in list(vars(module).items()):
                if callable(value) and not isinstance(value, types.ModuleType):
                    self._record(f"{modname}.{name}", module, name, value)
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
        self.shell_state["events"] = {k: list(v) for k, v in self.shell.events.callbacks.items()}
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
            if list(getattr(self.shell, name, [])) != self.shell_state[name]:
                setattr(self.shell, name, list(self.shell_state[name]))
                found.append(f"IPython {name}")
        for event, callbacks in self.shell.events.callbacks.items():
            added = [f for f in callbacks if f not in self.shell_state["events"].get(event, [])
                     and getattr(f, "__module__", None) == "__main__"]  # defined in the notebook
            for f in added:
                callbacks.remove(f)
            found += [f"IPython event {event}"] if added else []
        for name in {k for k, v in vars(self.shell).items() if callable(v)} - self.shell_state["instance"]:
            if callable(getattr(type(self.shell), name, None)):
                delattr(self.shell, name)
                found.append(f"IPython shell.{name}")
        return found


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
