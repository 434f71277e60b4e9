"""Read students' code (never run it) for what honest answers never do: rebinding library functions.

Rebinding `torch.allclose`, `torch.testing.assert_close` or `numpy.allclose` (or patching the grader's
kernel) is how a test can be made to pass without a solution. The autograder restores and checks those
functions at run time (guard.py); this scan flags the source for a human, including the indirect ways
(setattr, __code__, vars(module), builtins, get_ipython) the run-time check may not see.
It only parses: nothing a submission names is imported or run.
"""
import ast
from dataclasses import dataclass

from IPython.core.inputtransformer2 import TransformerManager

from .notebooks import grade_id, is_locked, source

SUSPECT_ATTRIBUTES = {"__code__", "__globals__", "__closure__", "__defaults__", "__kwdefaults__", "__builtins__"}
SUSPECT_NAMES = {"get_ipython", "__builtins__", "__grader_guard__"}
SUSPECT_MODULES = {"builtins", "ctypes", "gc"}
# A tensor subclass can answer torch.allclose, == or min() with whatever it likes (helpers.grading strips it).
TENSOR_HOOKS = {"__torch_function__", "__torch_dispatch__"}
_to_python = TransformerManager().transform_cell


def imported_names(cells: list[dict]) -> dict[str, str]:
    """Names bound by import statements anywhere in the notebook -> what they name ('F' -> 'torch.nn.functional')."""
    names = {}
    for cell in cells:
        for node in ast.walk(parse_cell(cell) or ast.Module(body=[], type_ignores=[])):
            if isinstance(node, ast.Import):
                for a in node.names:
                    names[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    return names


@dataclass(frozen=True, order=True)
class Finding:
    """Something in one cell that looks like tampering, at `line` of the cell."""
    line: int
    what: str
    cell: str = ""

    def __str__(self) -> str:
        return f"{self.cell + ': ' if self.cell else ''}{self.what} (line {self.line})"


def parse_cell(cell: dict) -> ast.AST | None:
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


def _sets_a_value(value: ast.AST) -> bool:
    """Whether an assigned value is plain data (torch.backends.cudnn.benchmark = True), not a function."""
    if isinstance(value, (ast.Tuple, ast.List)):
        return all(_sets_a_value(v) for v in value.elts)
    if isinstance(value, ast.UnaryOp):
        return _sets_a_value(value.operand)
    return isinstance(value, ast.Constant)


def _dotted(node: ast.AST) -> str:
    """Source text of an expression, shortened."""
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _names_tensor(base: ast.AST) -> bool:
    """Whether a class base is (by its text) torch.Tensor or a tensor class: Tensor, torch.Tensor, T.Tensor ..."""
    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
    return name.endswith("Tensor") or name in {"Parameter", "TensorBase"}


def findings(tree: ast.AST, modules: dict[str, str], raw: str = "") -> list[Finding]:
    """What in one cell looks like tampering, by line (`raw`: the cell's text before magics)."""
    found = []
    for node in ast.walk(tree):
        targets, value = [], None
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets, value = node.targets, getattr(node, "value", None)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets, value = [node.target], ast.Constant(0) if isinstance(node, ast.AugAssign) else node.value
        for t in _flatten(targets):
            if isinstance(t, ast.Attribute) and _root(t) in modules and not (value and _sets_a_value(value)):
                found.append(Finding(t.lineno, f"rebinds {_dotted(t)}"))
            elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Call) \
                    and getattr(t.value.func, "id", None) in {"vars", "globals"}:
                found.append(Finding(t.lineno, f"writes into {_dotted(t.value)}"))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"setattr", "delattr"} and node.args \
                and (_root(node.args[0]) in modules or isinstance(node.args[0], ast.Call)):  # import_module(...)
            found.append(Finding(node.lineno, f"calls {node.func.id} on {_dotted(node.args[0])}"))
        if isinstance(node, ast.ClassDef) and any(_names_tensor(b) for b in node.bases):
            found.append(Finding(node.lineno, f"defines {node.name}, a torch.Tensor subclass"))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in TENSOR_HOOKS:
            found.append(Finding(node.lineno, f"defines {node.name}"))
        if isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRIBUTES:
            found.append(Finding(node.lineno, f"touches {node.attr}"))
        if isinstance(node, ast.Name) and node.id in SUSPECT_NAMES and node.id in raw:  # not magics' get_ipython
            found.append(Finding(node.lineno, f"uses {node.id}"))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [Finding(node.lineno, f"imports {m}") for m in mods if m.split(".")[0] in SUSPECT_MODULES]
        if isinstance(node, ast.Attribute) and node.attr == "modules" and _root(node) == "sys":
            found.append(Finding(node.lineno, "uses sys.modules"))
    return sorted(dict.fromkeys(found), key=lambda f: f.line)  # stable: same line keeps walk order


def scan(nb: dict) -> list[Finding]:
    """Findings in every cell students may write (answer cells and cells they added), labelled by cell."""
    modules = imported_names(nb["cells"])
    out = []
    for index, cell in enumerate(nb["cells"]):
        if is_locked(cell):
            continue  # nbgrader puts the original back before running it
        tree = parse_cell(cell)
        if tree is not None:
            label = grade_id(cell) or f"cell {index + 1}"
            out += [Finding(f.line, f.what, label) for f in findings(tree, modules, source(cell))]
    return out
