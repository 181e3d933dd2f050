"""Import rules, checked on the source (ast) and in fresh interpreters.

utils/store (the Google Sheets backend's rules):
- every module under utils/store/ imports on its own, in a fresh interpreter;
- no module under utils/store/ imports, directly or through others, a module that imports it
  back: the imports form a DAG (every import counts: at the top, in a function, under
  TYPE_CHECKING);
- the Google backend's modules are layered — `gsheets_cells`, `gsheets_api`, `gsheets_marks`
  (the bottom) ← `gsheets_sheet` ← `gsheets_tabs` ← `gsheets_history` ← `gsheets_write`,
  `gsheets_init` ← `gsheets` (the store) — and a module imports only from the layers below it;
- no import inside a function in utils/store/gsheets*.py;
- no gsheets*.py module touches another object's or module's `_private` names.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "utils" / "store"
PACKAGE = "utils.store"

# the Google backend, bottom first; a module imports only from the layers before its own
GSHEETS_LAYERS = [
    {"gsheets_cells", "gsheets_api", "gsheets_auth", "gsheets_marks"},
    {"gsheets_sheet"},
    {"gsheets_tabs"},
    {"gsheets_history"},
    {"gsheets_write", "gsheets_init"},
    {"gsheets"},
]


def _module_name(path: Path) -> str:
    return PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"


STORE_FILES = sorted(STORE.glob("*.py"))
STORE_MODULES = {_module_name(p): p for p in STORE_FILES}
GSHEETS_FILES = sorted(STORE.glob("gsheets*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(path: Path) -> set[str]:
    """The utils.store modules `path` imports, anywhere in it."""
    here = _module_name(path)
    package = here if path.stem == "__init__" else here.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .x import y
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from utils.store import read_cache` imports the module utils.store.read_cache
            names = [
                f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in STORE_MODULES
            ]
            names.append(module)
        else:
            continue
        out |= {n for n in names if n in STORE_MODULES and n != here}
    return out


def _graph() -> dict[str, set[str]]:
    return {name: _imported(path) for name, path in STORE_MODULES.items()}


# ---- utils/store: every module imports alone ----
@pytest.mark.parametrize("module", sorted(STORE_MODULES))
def test_store_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"import {module} failed:\n{result.stderr}"


# ---- utils/store: the imports form a DAG ----
def test_store_imports_have_no_cycle() -> None:
    graph = _graph()
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert not cycles, "import cycles in utils/store:\n" + "\n".join(sorted(set(cycles)))


def test_gsheets_modules_import_only_from_lower_layers() -> None:
    layer_of = {f"{PACKAGE}.{m}": n for n, layer in enumerate(GSHEETS_LAYERS) for m in layer}
    unplaced = [_module_name(p) for p in GSHEETS_FILES if _module_name(p) not in layer_of]
    assert not unplaced, f"put these in GSHEETS_LAYERS: {unplaced}"
    graph = _graph()
    wrong = [
        f"{module} imports {other}"
        for module, n in layer_of.items()
        for other in sorted(graph[module])
        if other in layer_of and layer_of[other] >= n
    ]
    assert not wrong, "\n".join(wrong)


# ---- utils/store/gsheets*.py: imports only at module level ----
def test_gsheets_modules_import_nothing_inside_a_function() -> None:
    found = []
    for path in GSHEETS_FILES:
        for fn in ast.walk(_tree(path)):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert GSHEETS_FILES and not found, f"imports inside functions: {found}"


# ---- utils/store/gsheets*.py: no other object's private names ----
def test_gsheets_modules_use_no_private_names_of_other_objects() -> None:
    found = []
    for path in GSHEETS_FILES:
        for node in ast.walk(_tree(path)):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Attribute) and _private(node.attr):
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    found.append(f"{where} .{node.attr}")
            elif isinstance(node, ast.ImportFrom):
                found += [f"{where} import {a.name}" for a in node.names if _private(a.name)]
    assert not found, "another object's private names used:\n" + "\n".join(found)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")
