"""The command line, run as a user runs it: `python -m utils.cli …` in a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from utils.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("SHEETDESK_SPREADSHEET", None)
    return subprocess.run(
        [sys.executable, "-m", "utils.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=120,
    )


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_init_creates_and_never_deletes(tmp_path: Path) -> None:
    wb = tmp_path / "w.xlsx"
    out = cli("init", "--workbook", str(wb), "--lang", "zh")
    assert out.returncode == 0, out.stderr
    assert "客户档案" in out.stdout
    assert openpyxl.load_workbook(wb).sheetnames == [
        "客户档案",
        "投诉记录",
        "回访记录",
        "变更记录",
        "设置",
    ]
    again = cli("init", "--workbook", str(wb))
    assert again.returncode == 0 and "nothing to add" in again.stdout


def test_demo_is_realistic_and_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (a, b):
        out = cli(
            "demo",
            "--workbook",
            str(path),
            "--clients",
            "50",
            "--complaints",
            "120",
            "--revisits",
            "150",
            "--seed",
            "3",
            "--today",
            "2026-11-23",
        )
        assert out.returncode == 0, out.stderr
    from utils.store.local import LocalWorkbookStore

    snaps = [LocalWorkbookStore(p).read() for p in (a, b)]
    assert snaps[0].problems == []
    for tab in ("clients", "complaints", "revisits"):
        cols = [c for c in snaps[0].frames[tab].columns if c not in ("_row",)]
        assert snaps[0].frames[tab][cols].equals(snaps[1].frames[tab][cols]), tab
    complaints = snaps[0].complaints
    assert len(snaps[0].clients) == 50 and len(complaints) == 120
    assert complaints["description"].str.contains("[\u4e00-\u9fff]").all()
    statuses = complaints["status"].value_counts()
    assert statuses.get("closed", 0) + statuses.get("resolved", 0) > len(complaints) / 2
    assert complaints["progress_log"].str.contains("reopen").any()
    scores = snaps[0].revisits["score"].dropna()
    assert (scores >= 7).mean() > 0.6


def test_check_reports_problems_and_is_read_only(tmp_path: Path) -> None:
    wb = tmp_path / "w.xlsx"
    cli("init", "--workbook", str(wb))
    book = openpyxl.load_workbook(wb)
    book["Clients"].append(["KH-1", "", None, "Z", None, "13800000000"])
    book.save(wb)
    before = md5(wb)
    out = cli("check", "--workbook", str(wb))
    assert out.returncode == 1
    assert "error clients!2 name:" in out.stdout
    assert "warning clients!2 grade:" in out.stdout
    as_json = cli("check", "--workbook", str(wb), "--json")
    assert as_json.returncode == 1
    problems = json.loads(as_json.stdout)
    assert {"level", "tab", "row", "column", "message"} == set(problems[0])
    assert {(p["tab"], p["row"], p["column"]) for p in problems} == {
        ("clients", 2, "name"),
        ("clients", 2, "grade"),
    }
    zh = cli("check", "--workbook", str(wb), "--lang", "zh")
    assert "为空" in zh.stdout
    assert md5(wb) == before  # byte for byte unchanged


def test_check_ok_exits_zero(tmp_path: Path) -> None:
    wb = tmp_path / "w.xlsx"
    cli("init", "--workbook", str(wb))
    out = cli("check", "--workbook", str(wb))
    assert out.returncode == 0 and "no problems" in out.stdout


def test_import_csv_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    wb = tmp_path / "w.xlsx"
    csv_file = tmp_path / "legacy.csv"
    csv_file.write_text(
        "客户名称,联系电话,客户等级,登记日期\n"
        "老王,13800000001,重点客户,2025/3/1\n"
        ",13800000002,B,2025-03-02\n"  # no name: rejected
        "老李,13800000003,c,2025年3月3日\n",
        encoding="utf-8-sig",
    )
    first = cli("import", "clients", str(csv_file), "--workbook", str(wb))
    assert first.returncode == 1  # one row rejected
    assert "error clients!3 name:" in first.stdout
    assert "2 row(s) added" in first.stdout
    second = cli("import", "客户档案", str(csv_file), "--workbook", str(wb))
    assert "0 row(s) added, 2 already present" in second.stdout
    from utils.store.local import LocalWorkbookStore

    clients = LocalWorkbookStore(wb).read().clients
    assert sorted(clients["name"]) == ["老李", "老王"]
    assert sorted(clients["grade"]) == ["A", "C"]


def test_import_xlsx_with_ids_skips_existing(tmp_path: Path) -> None:
    wb = tmp_path / "w.xlsx"
    legacy = tmp_path / "legacy.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Client ID", "Name", "Phone"])
    book.active.append(["OLD-1", "Acme", "010-1234"])
    book.save(legacy)
    assert cli("import", "clients", str(legacy), "--workbook", str(wb)).returncode == 0
    out = cli("import", "clients", str(legacy), "--workbook", str(wb))
    assert out.returncode == 0 and "1 already present" in out.stdout


def test_import_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    out = cli("import", "nonsense", "x.csv", "--workbook", str(tmp_path / "w.xlsx"))
    assert out.returncode == 2 and "clients, complaints or revisits" in out.stderr
    out = cli(
        "import", "clients", str(tmp_path / "missing.csv"), "--workbook", str(tmp_path / "w.xlsx")
    )
    assert out.returncode == 2 and "not found" in out.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    out = cli("check", "--workbook", str(broken))
    assert out.returncode == 2 and "Traceback" not in out.stderr and "broken.xlsx" in out.stderr


def test_cli_uses_the_configured_workbook(tmp_path: Path) -> None:
    wb = tmp_path / "configured.xlsx"
    out = cli("init", env={"SHEETDESK_WORKBOOK": str(wb)})
    assert out.returncode == 0 and wb.exists()


def test_cli_does_not_import_streamlit() -> None:
    code = "import sys, utils.cli; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


@pytest.mark.parametrize("command", ["init", "check", "demo", "import", "report"])
def test_every_command_is_documented(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"python -m utils.cli {command}" in readme
    assert command in build_parser().format_help()


def test_calendar_lists_the_days_that_differ_from_monday_to_friday() -> None:
    env = {"SHEETDESK_CALENDAR": "CN", "SHEETDESK_HOLIDAYS": "", "SHEETDESK_WORKING_DAYS": ""}
    out = cli("calendar", "--year", "2025", "--json", env=env)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {"date": "2025-01-26", "working": True, "source": "package"} in rows  # 调休 Sunday
    assert {"date": "2025-10-08", "working": False, "source": "package"} in rows
    assert all(r["date"].startswith("2025-") for r in rows) and out.stderr == ""
    env["SHEETDESK_WORKING_DAYS"] = "2025-12-27"
    text = cli("calendar", "--year", "2025", "--lang", "zh", env=env)
    assert "2025-12-27 周六  上班  团队上班日  [团队设置]" in text.stdout
    unknown = cli("calendar", "--year", "2090", "--json", env=env)
    assert unknown.returncode == 0 and "2090" in unknown.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m utils.cli calendar" in readme
    assert "calendar" in build_parser().format_help()
