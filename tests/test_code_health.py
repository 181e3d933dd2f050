"""The house stays easy to live in, checked on every run of the suite (so CI checks it too):
the linter and the formatter agree with the code (no `fmt: skip` anywhere), the type checker
is clean on `sheets_schema/` and `utils/`, no module of the core is longer than one sitting's
read, no page holds more than a page's worth, and no module imports Streamlit's private
runtime."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    p
    for p in ROOT.rglob("*.py")
    if not any(part in p.relative_to(ROOT).parts for part in (".venv", ".venv-floor", "venv"))
]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (pip install -r requirements-dev.txt)")
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_check_is_clean() -> None:
    out = _run(_tool("ruff"), "check", ".")
    assert out.returncode == 0, out.stdout[-3000:]


def test_ruff_format_has_nothing_to_change_and_nothing_is_skipped() -> None:
    out = _run(_tool("ruff"), "format", "--check", ".")
    assert out.returncode == 0, out.stdout[-3000:]
    skipped = [str(p.relative_to(ROOT)) for p in CODE if "fmt: skip" in p.read_text("utf-8")]
    skipped = [p for p in skipped if p != "tests/test_code_health.py"]
    assert not skipped, skipped


@pytest.mark.slow
@pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="the type check runs with the newest releases (CI's Python 3.13 run); the floor "
    "run on 3.10 checks that the code runs on the oldest versions",
)
def test_the_type_checker_is_clean_on_the_core() -> None:
    out = _run(_tool("mypy"))  # [tool.mypy] in pyproject.toml: sheets_schema and utils
    assert out.returncode == 0, out.stdout[-5000:]


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_core_module_is_longer_than_one_sitting() -> None:
    core = [
        p
        for top in ("utils", "sheets_schema")
        for p in (ROOT / top).rglob("*.py")
        if "i18n" not in p.parts  # the catalogues are long lists of sentences by nature
    ]
    long = {str(p.relative_to(ROOT)): _lines(p) for p in core if _lines(p) > 500}
    assert not long, long


def test_no_page_is_longer_than_a_page() -> None:
    long = {p.name: _lines(p) for p in (ROOT / "pages").glob("*.py") if _lines(p) > 300}
    assert not long, long


def test_no_private_streamlit_import() -> None:
    private = re.compile(r"^\s*(from|import)\s+streamlit\.(runtime|web|elements)\b", re.M)
    found = [
        str(p.relative_to(ROOT))
        for p in CODE
        if p.parts[len(ROOT.parts)] in ("utils", "pages", "sheets_schema", "app.py")
        and private.search(p.read_text("utf-8"))
    ]
    assert not found, found


def test_no_module_reaches_into_another_objects_private_names() -> None:
    """`thing._name` only on `self`, `cls` or `super()`: a helper another module needs is
    public in its owner (pass what it needs, as gspread passes its HTTP client)."""
    found = []
    for top in ("utils", "sheets_schema", "pages"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                    and not (
                        isinstance(node.value, ast.Call)
                        and isinstance(node.value.func, ast.Name)
                        and node.value.func.id == "super"
                    )
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert not found, found
