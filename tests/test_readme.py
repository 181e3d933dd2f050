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
