"""The layering rules of docs/architecture.md, checked on the code as it is: the import graph is
read from every module's syntax tree (imports inside functions count too), and each rule is a
statement about which modules may reach which, directly or through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("utils", "sheets_schema")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    found.update({_module_name(p): p for p in (ROOT / "pages").glob("*.py")})
    found["app"] = ROOT / "app.py"
    return found


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """Every module `name` imports (top-level names like `streamlit`, or our own modules)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def _own(target: str) -> str | None:
    """The module of ours that an imported name refers to (a module or a name in one)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


GRAPH = {name: _imports(name) for name in MODULES}


def reach(name: str) -> set[str]:
    """Everything `name` imports directly or through our own modules (external names too)."""
    seen: set[str] = set()
    expanded = {name}
    todo = [name]
    while todo:
        for target in GRAPH[todo.pop()]:
            seen.add(target)
            own = _own(target)
            if own and own not in expanded:
                expanded.add(own)
                seen.add(own)
                todo.append(own)
    return seen


def _touches(name: str, forbidden: str) -> bool:
    return any(t == forbidden or t.startswith(forbidden + ".") for t in reach(name))


GLUE = {n for n in MODULES if n.startswith("utils.ui")}  # the only Streamlit glue under utils/
STORE_USERS = {"utils.operations", "utils.cli", "utils.demo"} | GLUE  # steps that take a store
STORE_USERS |= {n for n in MODULES if n.startswith(tuple(f"{u}." for u in STORE_USERS))}  # parts
RULES = sorted(
    n
    for n in MODULES
    if n.startswith("utils.")
    and not n.startswith("utils.store")
    and n not in STORE_USERS
    and not n.startswith("utils.ui")
)


def test_the_graph_sees_our_modules() -> None:
    """Guards the checks below against reading nothing."""
    assert "utils.workflow" in RULES and "utils.store.base" in MODULES
    assert "streamlit" in reach("utils.ui")
    assert _touches("utils.operations", "utils.store")


@pytest.mark.parametrize("name", RULES)
def test_rules_and_figures_import_neither_streamlit_nor_the_store(name: str) -> None:
    assert not _touches(name, "streamlit"), f"{name} reaches streamlit"
    assert not _touches(name, "utils.store"), f"{name} reaches the store"
    assert not _touches(name, "pages"), f"{name} reaches a page"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("sheets_schema")))
def test_the_schema_knows_nothing_of_storage_or_screens(name: str) -> None:
    for forbidden in ("streamlit", "utils.store", "utils.ui", "utils.ui_forms", "pages"):
        assert not _touches(name, forbidden), f"{name} reaches {forbidden}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("utils.store")))
def test_the_store_knows_nothing_of_screens(name: str) -> None:
    for forbidden in ("streamlit", "utils.ui", "utils.ui_forms", "pages", "utils.metrics"):
        assert not _touches(name, forbidden), f"{name} reaches {forbidden}"


@pytest.mark.parametrize("name", ["utils.cli", "utils.report", "utils.downloads", "utils.access"])
def test_command_line_reports_and_access_rules_never_import_streamlit(name: str) -> None:
    assert not _touches(name, "streamlit"), f"{name} reaches streamlit"
    assert not _touches(name, "pages")


def test_no_module_imports_a_page_or_the_app() -> None:
    for name in MODULES:
        if name.startswith(("utils", "sheets_schema")):
            assert not any(
                _own(t) and _own(t).startswith(("pages.", "app")) for t in GRAPH[name]
            ), name


def test_only_the_glue_imports_streamlit_directly() -> None:
    direct = {
        n
        for n in MODULES
        if n.startswith(PACKAGES) and "streamlit" in {t.split(".")[0] for t in GRAPH[n]}
    }
    assert direct <= GLUE, direct - GLUE


def test_a_rule_module_importing_streamlit_would_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: a rule module given a streamlit import is caught."""
    monkeypatch.setitem(GRAPH, "utils.workflow", GRAPH["utils.workflow"] | {"streamlit"})
    assert _touches("utils.workflow", "streamlit")
    assert _touches("utils.queues", "streamlit"), "and so is every module that imports it"
