"""The README's two commands exist and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_two_commands_and_ci_runs_the_test_one() -> None:
    run_app, run_tests = readme_commands()
    assert "streamlit run app.py" in run_app and "requirements.txt" in run_app
    assert "pytest" in run_tests
    assert run_tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_no_secrets_committed_only_the_example() -> None:
    assert (
        not (ROOT / ".streamlit" / "secrets.toml").exists()
        or ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text()
    )


def floor_constraints(requirements: str) -> str:
    """What .ci/floor-constraints.txt must say: `name==floor` for every `name>=floor` line."""
    lines = [
        "# The floors of requirements.txt, pinned: CI installs these on the oldest supported",
        "# Python (pip install -c .ci/floor-constraints.txt -r requirements-dev.txt).",
        "# Generated from requirements.txt; tests/test_readme.py checks the two agree.",
    ]
    for raw in requirements.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, floor = re.fullmatch(r"([A-Za-z0-9._-]+)\s*>=\s*([^,\s]+)\s*,.*", line).groups()
        lines.append(f"{name}=={floor}")
    return "\n".join(lines) + "\n"


def test_every_requirement_has_a_floor_and_an_upper_bound() -> None:
    for raw in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9._-]+>=[^,\s]+,<[^,\s]+", line), line


def test_floor_constraints_match_requirements() -> None:
    want = floor_constraints((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    have = (ROOT / ".ci" / "floor-constraints.txt").read_text(encoding="utf-8")
    assert have == want, f"regenerate .ci/floor-constraints.txt as:\n{want}"


def test_ci_runs_the_oldest_python_the_project_supports() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    oldest = re.search(r'^requires-python = ">=(\d+)\.(\d+)"$', pyproject, re.M).groups()
    target = re.search(r'^target-version = "py(\d)(\d+)"$', pyproject, re.M).groups()
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_oldest = re.search(r"^OLDEST=(\d+)\.(\d+)\b", run, re.M).groups()
    assert oldest == target == ci_oldest
    assert ".venv-floor/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
