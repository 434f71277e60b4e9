"""Read students' code (never run it) for what honest answers never do: rebinding library functions.

Rebinding `torch.allclose`, `torch.testing.assert_close` or `numpy.allclose` (or patching the grader's
kernel) is how a test can be made to pass without a solution. The autograder restores and checks those
functions at run time (guard.py); this scan flags the source for a human, including the indirect ways
(setattr, __code__, vars(module), builtins, get_ipython) the run-time check may not see.
"""
import ast
import importlib
from functools import lru_cache

from IPython.core.inputtransformer2 import TransformerManager

from .notebooks import grade_id, is_locked, source

SUSPECT_ATTRIBUTES = {"__code__", "__globals__", "__closure__", "__defaults__", "__kwdefaults__", "__builtins__"}
SUSPECT_NAMES = {"get_ipython", "__builtins__", "__grader_guard__"}
SUSPECT_MODULES = {"builtins", "ctypes", "gc"}
_to_python = TransformerManager().transform_cell


def imported_names(cells: list[dict]) -> dict[str, str]:
    """Names bound by import statements anywhere in the notebook -> what they name ('F' -> 'torch.nn.functional')."""
    names = {}
    for cell in cells:
        for node in ast.walk(_parse(cell) or ast.Module(body=[], type_ignores=[])):
            if isinstance(node, ast.Import):
                for a in node.names:
                    names[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    return names


@lru_cache(maxsize=None)
def is_callable_attribute(dotted: str) -> bool:
    """Whether `dotted` ('torch.testing.assert_close') names a function or class; True if it cannot be told.

    Rebinding a function is what can fake a test; setting a flag (torch.backends.cudnn.benchmark) is not.
    """
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:split]))
        except Exception:
            continue
        for name in parts[split:]:
            if not hasattr(value, name):
                return True
            value = getattr(value, name)
        return callable(value)
    return True


def _parse(cell: dict) -> ast.AST | None:
    """The cell as Python (IPython magics translated), or None if it does not parse."""
    if cell.get("cell_type") != "code":
        return None
    try:
        return ast.parse(_to_python(source(cell)))
    except (SyntaxError, ValueError):
        return None


def _root(node: ast.AST) -> str | None:
    """'torch' for torch.testing.assert_close, None for anything not rooted at a plain name."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _flatten(targets: list[ast.AST]) -> list[ast.AST]:
    """Assignment targets with tuples unpacked: `a.x, b = ...` -> [a.x, b]."""
    out = []
    for t in targets:
        out += _flatten(t.elts) if isinstance(t, (ast.Tuple, ast.List)) else \
            _flatten([t.value]) if isinstance(t, ast.Starred) else [t]
    return out


def _names_callable(target: ast.Attribute, modules: dict[str, str]) -> bool:
    """Whether an assignment target like np.testing.assert_allclose names a library function or class."""
    text = ast.unparse(target)
    root = _root(target)
    return not all(p.isidentifier() for p in text.split(".")) or \
        is_callable_attribute(modules[root] + text[len(root):])


def _dotted(node: ast.AST) -> str:
    """Source text of an expression, shortened."""
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def findings(tree: ast.AST, modules: dict[str, str], raw: str = "") -> list[str]:
    """What in one cell looks like tampering, with line numbers (`raw`: the cell's text before magics)."""
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in _flatten(targets):
            if isinstance(t, ast.Attribute) and _root(t) in modules and _names_callable(t, modules):
                found.append(f"rebinds {_dotted(t)} (line {t.lineno})")
            elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Call) \
                    and getattr(t.value.func, "id", None) in {"vars", "globals"}:
                found.append(f"writes into {_dotted(t.value)} (line {t.lineno})")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"setattr", "delattr"} \
                and node.args and _root(node.args[0]) in modules:
            found.append(f"calls {node.func.id} on {_dotted(node.args[0])} (line {node.lineno})")
        if isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRIBUTES:
            found.append(f"touches {node.attr} (line {node.lineno})")
        if isinstance(node, ast.Name) and node.id in SUSPECT_NAMES and node.id in raw:  # not magics' get_ipython
            found.append(f"uses {node.id} (line {node.lineno})")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"imports {m} (line {node.lineno})" for m in mods if m.split(".")[0] in SUSPECT_MODULES]
        if isinstance(node, ast.Attribute) and node.attr == "modules" and _root(node) == "sys":
            found.append(f"uses sys.modules (line {node.lineno})")
    by_line = sorted(dict.fromkeys(found), key=lambda f: int(f.rsplit("line ", 1)[1].rstrip(")")))
    return by_line


def scan(nb: dict) -> list[str]:
    """Findings in every cell students may write (answer cells and cells they added), labelled by cell."""
    modules = imported_names(nb["cells"])
    out = []
    for index, cell in enumerate(nb["cells"]):
        if is_locked(cell):
            continue  # nbgrader puts the original back before running it
        tree = _parse(cell)
        if tree is not None:
            label = grade_id(cell) or f"cell {index + 1}"
            out += [f"{label}: {finding}" for finding in findings(tree, modules, source(cell))]
    return out
