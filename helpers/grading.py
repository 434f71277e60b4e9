"""What hidden tests share: one way to compare an answer with a reference, and one forbidden-call check.

Tolerance policy (README, "For instructors and TAs"): integer and boolean results must be exact; floating results
are compared in float64 with rtol=1e-7, atol=1e-9 when both sides are float64 tensors, and with the float32
tolerance rtol=1e-4, atol=1e-5 otherwise (float32, half precision, Python floats: a student may compute in float32
where the text does not ask for float64). NaN equals NaN: NaN is the course's value for "nothing to measure".
"""
import sys
from contextlib import contextmanager
import importlib

import numpy as np
import torch

FLOAT64_TOLERANCE = {"rtol": 1e-7, "atol": 1e-9}
FLOAT32_TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def plain(x, what: str = "the answer") -> torch.Tensor:
    """A plain CPU torch.Tensor copy of `x`; tensor subclasses lose their overrides, other types must be numbers."""
    with torch._C.DisableTorchFunction():
        if isinstance(x, torch.Tensor):
            copy = torch.Tensor.clone(torch.Tensor.detach(torch.Tensor.as_subclass(x, torch.Tensor)))
            copy = torch.Tensor.cpu(copy)
        elif isinstance(x, (bool, int, float, np.ndarray, np.generic, list, tuple)):
            copy = torch.as_tensor(np.asarray(x))
        else:
            raise AssertionError(f"{what} must be a tensor or a number, got {type(x).__name__}")
    assert type(copy) is torch.Tensor, f"{what} could not be read as a plain tensor"
    return copy


def tolerance(got, expected) -> dict:
    """The policy's rtol/atol for comparing `got` with `expected` (float64 only when both are float64 tensors)."""
    both64 = all(isinstance(t, torch.Tensor) and t.dtype == torch.float64 for t in (got, expected))
    return dict(FLOAT64_TOLERANCE if both64 else FLOAT32_TOLERANCE)


def assert_close(got, expected, *, rtol: float | None = None, atol: float | None = None, msg: str = "") -> None:
    """Fail unless `got` has `expected`'s shape and values: exact for integer/bool references, else the policy's
    tolerance (or the given rtol/atol, for ill-conditioned maths); NaN matches NaN."""
    where = f"{msg}: " if msg else ""
    a, b = plain(got), plain(expected, "the reference")
    assert tuple(a.shape) == tuple(b.shape), f"{where}expected shape {tuple(b.shape)}, got {tuple(a.shape)}"
    if not (b.is_floating_point() or b.is_complex()):
        assert not a.is_floating_point() or bool((a == a.round()).all()), f"{where}expected whole numbers, got {a}"
        mismatch = a.to(torch.float64) != b.to(torch.float64)
        assert not bool(mismatch.any()), f"{where}{int(mismatch.sum())} of {b.numel()} values differ: expected\n{b}\ngot\n{a}"
        return
    tol = tolerance(plain(got) if isinstance(got, torch.Tensor) else got, expected)
    tol.update({k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None})
    a64, b64 = a.to(torch.float64), b.to(torch.float64)
    close = torch.isclose(a64, b64, equal_nan=True, **tol)
    if not bool(close.all()):
        worst = (a64 - b64).abs().nan_to_num(float("inf")).max().item()
        raise AssertionError(f"{where}{int((~close).sum())} of {b.numel()} values differ (largest difference "
                             f"{worst:.3g}, rtol={tol['rtol']}, atol={tol['atol']}): expected\n{b}\ngot\n{a}")


def assert_equal(got, expected, msg: str = "") -> None:
    """Fail unless `got` has exactly `expected`'s shape and values (integers, booleans, indices)."""
    where = f"{msg}: " if msg else ""
    a, b = plain(got), plain(expected, "the reference")
    assert tuple(a.shape) == tuple(b.shape), f"{where}expected shape {tuple(b.shape)}, got {tuple(a.shape)}"
    assert torch.equal(a.to(torch.float64), b.to(torch.float64)), f"{where}expected\n{b}\ngot\n{a}"


def _walk(parts: list[str], start: int, obj):
    """getattr along parts[start:], importing a submodule where an attribute is not there yet; None if it fails."""
    for depth in range(start, len(parts)):
        if not hasattr(obj, parts[depth]):
            try:
                importlib.import_module(".".join(parts[:depth + 1]))
            except ImportError:
                return None
        obj = getattr(obj, parts[depth], None)
        if obj is None:
            return None
    return obj


def _resolve(dotted: str):
    """The object a dotted path names, read as attributes the way an answer reaches it ('torchvision.ops.roi_align'
    is the function, not the submodule), else as a module path ('torchvision.ops.roi_align.roi_align');
    LookupError if neither exists."""
    parts = dotted.split(".")
    try:
        found = _walk(parts, 1, importlib.import_module(parts[0]))
    except ImportError:
        found = None
    for split in range(len(parts) - 1, 0, -1):
        if found is not None:
            break
        try:
            found = _walk(parts, split, importlib.import_module(".".join(parts[:split])))
        except ImportError:
            continue
    if found is None:
        raise LookupError(f"forbid: {dotted!r} does not exist here")
    return found


class ForbiddenCall(AssertionError):
    """What forbid raises when the answer called a forbidden function (the autograder flags a test by this name)."""


class _Watcher:
    """Knows the forbidden function objects and recognises a call to one from a profiler event."""

    def __init__(self, targets: dict):
        self.names = {}      # id(code object) or id(builtin) -> dotted name
        self.methods = {}    # (defining class, method name) -> dotted name, for methods of C types
        self.callables = {}  # id(callable instance) -> dotted name (e.g. torch.ops packets, called via __call__)
        self.calls = []
        for dotted, obj in targets.items():
            self._add(dotted, obj)

    def _add(self, dotted: str, obj) -> None:
        func = getattr(obj, "__func__", obj)
        if hasattr(func, "__code__"):
            self.names[id(func.__code__)] = dotted
        elif isinstance(obj, type):
            for method in ("__init__", "__call__", "forward", "__new__"):
                inner = obj.__dict__.get(method)
                if inner is not None:
                    self._add(f"{dotted}.{method}", inner)
        elif hasattr(obj, "__objclass__"):
            self.methods[(obj.__objclass__, obj.__name__)] = dotted
        elif callable(obj) and type(obj).__name__ in ("builtin_function_or_method",):
            self.names[id(obj)] = dotted
            owner = getattr(obj, "__self__", None)
            if isinstance(owner, type):
                self.methods[(owner, obj.__name__)] = dotted
        elif callable(obj):
            self.names[id(obj)] = dotted
            self.callables[id(obj)] = dotted
        else:
            raise LookupError(f"forbid: {dotted!r} is not a function")

    def __call__(self, frame, event, arg):
        if event == "call":
            hit = self.names.get(id(frame.f_code))
            if hit is None and self.callables:
                hit = self.callables.get(id(frame.f_locals.get("self")))
        elif event == "c_call":
            hit = self.names.get(id(arg))
            if hit is None and self.methods:
                owner = getattr(arg, "__self__", None)
                for cls in type(owner).__mro__ if owner is not None else ():
                    hit = self.methods.get((cls, getattr(arg, "__name__", None)))
                    if hit:
                        break
        else:
            return
        if hit is not None and hit not in self.calls:
            self.calls.append(hit)


@contextmanager
def forbid(*dotted_names: str, reason: str = "solve this exercise without the library function"):
    """Inside the block, watch every call (by function object, whatever name it is reached by); if a forbidden one
    happened, raise ForbiddenCall(reason), an AssertionError, at the end of the block. Unknown names raise LookupError at once."""
    watcher = _Watcher({name: _resolve(name) for name in dotted_names})
    previous = sys.getprofile()
    sys.setprofile(watcher)
    try:
        yield
    finally:
        replaced = sys.getprofile() is not watcher
        sys.setprofile(previous)
    if replaced:
        raise ForbiddenCall(f"{reason} (the answer replaced the profiler that watches for forbidden calls)")
    if watcher.calls:
        raise ForbiddenCall(f"{reason} (called {', '.join(watcher.calls)})")


@contextmanager
def swapped(namespace: dict, **objects):
    """Inside the block, the names in `namespace` (a notebook's globals()) are bound to `objects`; the old values come
    back after it. Checks of a later exercise run an earlier one's reference this way, so one bug costs points once."""
    saved = {name: namespace[name] for name in objects if name in namespace}
    namespace.update(objects)
    try:
        yield
    finally:
        for name in objects:
            namespace.pop(name, None)
        namespace.update(saved)
