"""The settings tab (设置): made by `init` with one row per setting, read and used (a time limit
typed in the sheet moves due dates), bad cells reported with the default used meanwhile, the
precedence defaults < tab < secrets < environment, and an admin's save through the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.fake_sheets import FakeSheetsAPI, make_client
from tests.test_cli import cli
from utils import deadlines
from utils import operations as ops
from utils.auth import User
from utils.errors import InvalidRecord, WorkflowError
from utils.settings import load_settings, settings_rows, sheet_problems
from utils.settings_sheet import KEYS
from utils.store import read_cache
from utils.store.gsheets import GoogleSheetsStore
from utils.store.gsheets_api import RetryPolicy
from utils.store.local import LocalWorkbookStore

ADMIN = User("管理员", "admin")
STAFF = User("王芳", "staff")
MONDAY = dt.datetime(2026, 11, 23, 10, 0)  # no holiday near it


@pytest.fixture
def store(tmp_path: Path, clock) -> LocalWorkbookStore:
    s = LocalWorkbookStore(tmp_path / "desk.xlsx", clock=clock, lang="zh")
    s.init("zh")
    return s


def _set(path: Path, key: str, value: object, *, title: str = "设置") -> int:
    """A person types a value in the settings tab (the row of `key`, or a new row)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[title]
    rows = [n for n in range(2, ws.max_row + 1) if ws.cell(n, 1).value == key]
    number = rows[0] if rows else ws.max_row + 1
    ws.cell(number, 1).value, ws.cell(number, 2).value = key, value
    wb.save(path)
    return number


# ---- init ----
def test_init_makes_both_tabs_in_the_language_with_a_row_per_setting(store) -> None:
    wb = openpyxl.load_workbook(store.path)
    assert wb.sheetnames[-2:] == ["变更记录", "设置"]
    assert [c.value for c in wb["变更记录"][1]] == [
        "变更编号",
        "变更时间",
        "操作人",
        "数据表",
        "记录编号",
        "字段",
        "原值",
        "新值",
        "变更类型",
        "说明",
    ]
    settings = wb["设置"]
    assert [c.value for c in settings[1]] == ["设置项", "值", "说明", "更新时间", "更新人"]
    rows = list(settings.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [k.key for k in KEYS]
    assert all(r[1] is None for r in rows)  # blank: the defaults are in force
    assert rows[0][2] == "处理时限·一般（工作日）。留空：使用默认值（3）。"
    snapshot = store.read()
    assert snapshot.problems == [] and len(snapshot.settings) == len(KEYS)
    assert load_settings({}, snapshot.settings, env={}) == load_settings({}, env={})
    assert store.init("zh") == []


def test_init_on_an_english_workbook_adds_english_tabs(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    LocalWorkbookStore(path).init("en")
    assert openpyxl.load_workbook(path).sheetnames == [
        "Clients",
        "Complaints",
        "Revisits",
        "Changes",
        "Settings",
    ]
    wb = openpyxl.load_workbook(path)  # an older workbook: the two tabs deleted
    del wb["Changes"], wb["Settings"]
    wb.save(path)
    out = cli("init", "--workbook", str(path), "--lang", "zh")  # the workbook stays English
    assert out.returncode == 0, out.stderr
    assert "Changes" in out.stdout and "Settings" in out.stdout
    assert openpyxl.load_workbook(path)["Settings"]["C2"].value.startswith("Time limit, normal")


# ---- read and used ----
def test_a_time_limit_typed_in_the_sheet_moves_due_dates(store) -> None:
    default = load_settings({}, store.read().settings, env={})
    assert deadlines.compute_due_at(MONDAY, "normal", default) == dt.datetime(2026, 11, 26, 10)
    _set(store.path, "time_limit.normal", 5)  # a number cell, as Excel keeps it
    _set(store.path, "cadence.A", "45")
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    assert snapshot.problems == []
    settings = load_settings({}, snapshot.settings, env={})
    assert settings.time_limits == {"normal": 5, "serious": 2, "critical": 1}
    assert settings.cadence_days["A"] == 45
    assert deadlines.compute_due_at(MONDAY, "normal", settings) == dt.datetime(2026, 11, 30, 10)
    assert deadlines.compute_due_at(MONDAY, "serious", settings) == dt.datetime(2026, 11, 25, 10)


def test_keys_by_label_dates_one_per_row_names_and_flags(store) -> None:
    _set(store.path, "处理时限·严重（工作日）", "4")  # a key typed as its label
    _set(store.path, "holidays", "2026-11-24, 2026/11/25")
    _set(store.path, "HOLIDAYS", dt.datetime(2026, 11, 26))  # one more row, a date cell
    _set(store.path, "working_days", "2026年11月28日")
    _set(store.path, "language", "中文")
    _set(store.path, "reminders.auto_escalate", "是")
    _set(store.path, "reminders.ladder.department", "周主任，李主任")
    _set(store.path, "reminders.managers", "吴经理")
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    assert snapshot.problems == []
    s = load_settings({}, snapshot.settings, env={})
    assert s.time_limits["serious"] == 4
    assert s.holidays == {dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)}
    assert s.extra_working_days == {dt.date(2026, 11, 28)}
    assert s.language == "zh"
    assert s.reminders == {
        "auto_escalate": True,
        "ladder": {"department": ["周主任", "李主任"]},
        "managers": ["吴经理"],
    }
    # Monday + 4 working days, Tue–Thu off, Sat worked: Fri, Sat, Mon, Tue
    assert deadlines.compute_due_at(MONDAY, "serious", s) == dt.datetime(2026, 12, 1, 10)


def test_a_bad_cell_is_reported_and_the_default_used(store) -> None:
    row = _set(store.path, "time_limit.normal", "三天")
    _set(store.path, "calendar", "Narnia")
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    bad = {p.row: p for p in snapshot.problems}
    assert set(bad) == {row, row + 9}
    first = bad[row]
    assert (first.level, first.tab, first.column) == ("warning", "settings", "value")
    assert "time_limit.normal" in first.message("en") and "三天" in first.message("en")
    assert "default (3)" in first.message("en")
    assert "默认值（3）" in first.message("zh") and "B" in first.message("zh")  # column B
    settings = load_settings({}, snapshot.settings, env={})
    assert settings.time_limits["normal"] == 3 and settings.calendar == "CN"
    out = cli("check", "--workbook", str(store.path))
    assert out.returncode == 0  # warnings only
    assert f"warning settings!{row} value:" in out.stdout


def test_unknown_keys_repeats_and_credentials_are_warnings_never_used(store) -> None:
    _set(store.path, "time_limit.normal", "4")
    wb = openpyxl.load_workbook(store.path)
    ws = wb["设置"]
    for key, value in (
        ("time_limit.normal", "9"),
        ("time_limt.serious", "1"),
        ("password", "hunter2"),
        ("roles", "王芳=admin"),
    ):
        ws.append([key, value])
    wb.save(store.path)
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    keys = [p.key for p in snapshot.problems]
    assert keys == [
        "problem.setting_twice",
        "problem.unknown_setting",
        "problem.secret_setting",
        "problem.secret_setting",
    ]
    assert "row 2" in snapshot.problems[0].message("en")
    assert "hunter2" not in " ".join(p.message("en") for p in snapshot.problems)
    assert load_settings({}, snapshot.settings, env={}).time_limits["normal"] == 4


# ---- precedence ----
def test_defaults_then_sheet_then_secrets_then_environment(store) -> None:
    _set(store.path, "time_limit.normal", "5")
    _set(store.path, "holidays", "2026-11-24")
    _set(store.path, "language", "en")
    _set(store.path, "reminders.digest_hour", "7")
    rows = LocalWorkbookStore(store.path).read(fresh=True).settings
    assert load_settings({}, rows, env={}).time_limits["normal"] == 5
    secrets = {"time_limits": {"normal": 4}, "language": "zh", "reminders": {"digest_hour": 8}}
    s = load_settings(secrets, rows, env={})
    assert (s.time_limits["normal"], s.language, s.reminders["digest_hour"]) == (4, "zh", 8)
    assert s.holidays == {dt.date(2026, 11, 24)}  # not in secrets: the sheet's
    env = {"SHEETDESK_HOLIDAYS": "2026-11-25", "SHEETDESK_LANGUAGE": "en"}
    s = load_settings(secrets, rows, env=env)
    assert (s.holidays, s.language) == ({dt.date(2026, 11, 25)}, "en")
    table = settings_rows(LocalWorkbookStore(store.path).read(fresh=True), "en", secrets, env)
    by_key = table.set_index("key")
    assert by_key.loc["time_limit.normal", ["value", "effective", "source"]].tolist() == [
        "5",
        "4",
        "secrets (overrides the settings tab)",
    ]
    assert by_key.loc["holidays", "source"] == "environment (overrides the settings tab)"
    assert by_key.loc["cadence.A", ["value", "effective", "source"]].tolist() == [
        "",
        "30",
        "default",
    ]
    assert by_key.loc["reminders.digest_hour", "effective"] == "8"
    assert list(table.columns) == [
        "key",
        "label",
        "value",
        "effective",
        "source",
        "default",
        "rows",
        "problem",
    ]


# ---- saving a setting ----
def test_an_admin_saves_a_setting_through_the_store(store) -> None:
    saved = ops.save_setting(store, ADMIN, "time_limit.normal", "5")
    assert not saved.pending and saved.tab == "settings"
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    assert load_settings({}, snapshot.settings, env={}).time_limits["normal"] == 5
    assert (snapshot.settings["key"] == "time_limit.normal").sum() == 1  # the row updated
    (change,) = snapshot.changes.itertuples()
    assert (change.tab, change.record_id, change.field, change.old, change.new, change.by) == (
        "settings",
        "time_limit.normal",
        "value",
        "",
        "5",
        "管理员",
    )
    ops.save_setting(store, ADMIN, "holidays", [dt.date(2026, 11, 25), "2026-11-24"])
    ops.save_setting(store, ADMIN, "reminders.auto_escalate", True)
    ops.save_setting(store, ADMIN, "Max attempts", 2)
    rows = LocalWorkbookStore(store.path).read(fresh=True).settings.set_index("key")
    assert rows.loc["holidays", "value"] == "2026-11-24, 2026-11-25"
    assert rows.loc["reminders.auto_escalate", "value"] == "yes"
    ops.save_setting(store, ADMIN, "time_limit.normal", "")  # blank: the default again
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    assert load_settings({}, snapshot.settings, env={}).time_limits["normal"] == 3


def test_a_key_missing_from_the_tab_is_added(tmp_path: Path) -> None:
    store = LocalWorkbookStore(tmp_path / "old.xlsx", lang="zh")
    store.append("clients", {"name": "甲", "phone": "13800000000"}, user="王芳")
    wb = openpyxl.load_workbook(store.path)
    del wb["设置"]  # an older workbook: no settings tab yet
    wb.save(store.path)
    saved = ops.save_setting(LocalWorkbookStore(store.path), ADMIN, "cadence.B", "60")
    assert not saved.pending
    snapshot = LocalWorkbookStore(store.path).read(fresh=True)
    assert list(snapshot.settings["key"]) == ["cadence.B"]
    assert load_settings({}, snapshot.settings, env={}).cadence_days["B"] == 60
    assert "设置" in openpyxl.load_workbook(store.path).sheetnames


def test_save_setting_refuses_non_admins_unknown_keys_and_bad_values(store) -> None:
    with pytest.raises(WorkflowError) as err:
        ops.save_setting(store, STAFF, "time_limit.normal", "5")
    assert "管理员" in err.value.message("zh") and "staff" in err.value.message("en")
    with pytest.raises(WorkflowError) as err:
        ops.save_setting(store, ADMIN, "accounts", "x")
    assert "accounts" in err.value.message("en")
    with pytest.raises(InvalidRecord) as bad:
        ops.save_setting(store, ADMIN, "time_limit.normal", "61")
    assert bad.value.problems[0].column == "value"
    assert "1 到 60" in bad.value.message("zh")
    with pytest.raises(InvalidRecord):
        ops.save_setting(store, ADMIN, "holidays", "not a date")
    assert store.pending_count() == 0
    assert LocalWorkbookStore(store.path).read(fresh=True).changes.empty


def test_a_list_setting_on_several_rows_is_edited_in_the_sheet(store) -> None:
    _set(store.path, "holidays", "2026-11-24")
    wb = openpyxl.load_workbook(store.path)
    wb["设置"].append(["holidays", "2026-11-25"])
    wb.save(store.path)
    with pytest.raises(WorkflowError) as err:
        ops.save_setting(LocalWorkbookStore(store.path), ADMIN, "holidays", "2026-11-26")
    assert "holidays" in err.value.message("en") and "rows" in err.value.message("en")


def test_sheet_problems_of_nothing() -> None:
    assert sheet_problems(None) == []


# ---- Google Sheets ----
def test_google_init_makes_both_tabs_and_a_setting_is_read(tmp_path: Path) -> None:
    read_cache.reset()
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Sheetdesk test", tabs={"Sheet1": []})

    def google() -> GoogleSheetsStore:
        return GoogleSheetsStore(
            sid,
            client=make_client(api),
            pending_dir=tmp_path / "pending",
            retry=RetryPolicy(sleep=lambda s: None),
        )

    added = google().init("zh")
    assert added[-2:] == ["变更记录", "设置"]
    assert api.count("write") == 2  # still one structural batch and one write of cells
    rows = api.values(sid, "设置")
    assert rows[0][:3] == ["设置项", "值", "说明"] and [r[0] for r in rows[1:]] == [
        k.key for k in KEYS
    ]
    assert google().init("zh") == []
    saved = ops.save_setting(google(), ADMIN, "time_limit.critical", "2")
    assert not saved.pending
    read_cache.reset()
    snapshot = google().read(fresh=True)
    assert snapshot.problems == []
    assert load_settings({}, snapshot.settings, env={}).time_limits["critical"] == 2
    (change,) = snapshot.changes.itertuples()
    assert (change.tab, change.record_id, change.new) == ("settings", "time_limit.critical", "2")
    read_cache.reset()
