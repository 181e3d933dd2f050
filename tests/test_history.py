"""The change history (变更记录): what its rows say, a record's history for its page, every save's
rows written with it exactly once on both backends (crashes, timeouts, a busy workbook), data
taken out registered, records deleted by hand reported by `check` and on Data health.

The behaviour both backends share is in tests/store_contract.py (run by test_local_contract.py
and test_gsheets_store.py); this module holds the pure functions and each backend's own ways
of failing.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sheets_schema.tables import TABLES
from tests.fake_sheets import FakeSheetsAPI, make_client
from tests.store_contract import CLIENT
from tests.test_cli import cli
from utils import history as hist
from utils import operations as ops
from utils.auth import User
from utils.store import read_cache
from utils.store.gsheets import GoogleSheetsStore
from utils.store.gsheets_api import RetryPolicy
from utils.store.local import LocalWorkbookStore

AT = dt.datetime(2026, 11, 23, 10, 5, 0)


# ---- the rows ----
def test_change_ids_are_readable_stable_and_distinct() -> None:
    a = hist.change_id("3f9c0a1b2c3d", 1, AT.date())
    assert a == hist.change_id("3f9c0a1b2c3d", 1, AT.date())  # a retry makes the same ID
    assert a.startswith("BG-20261123-") and a.endswith("-1")
    assert a != hist.change_id("3f9c0a1b2c3d", 2, AT.date())
    assert a != hist.change_id("3f9c0a1b2c3e", 1, AT.date())
    assert not set(a.split("-")[2]) & set("ILOU")  # Crockford's alphabet, as record IDs


def test_update_rows_hold_changed_fields_as_people_read_them() -> None:
    before = {
        "status": "received",
        "level": "frontline",
        "due_at": dt.datetime(2026, 11, 26, 10, 5),
        "progress_log": "2026-11-23 10:05 王芳 log",
        "handler": None,
    }
    after = {
        "status": "in_progress",
        "level": "frontline",  # unchanged: no row
        "due_at": dt.datetime(2026, 11, 26, 10, 5, 30),  # the same to the minute shown
        "progress_log": "2026-11-23 10:05 王芳 log\n2026-11-24 09:00 周主任 assign→李娜",
        "handler": "李娜",
        "updated_at": AT,  # stamps are never rows
        "updated_by": "周主任",
    }
    rows = hist.update_rows(
        "complaints", "TS-1", before, after, op_id="ab12", user="周主任", at=AT, lang="zh"
    )
    assert [(r["field"], r.get("old", ""), r["new"]) for r in rows] == [
        ("handler", "", "李娜"),
        ("status", "已受理", "处理中"),
        ("progress_log", "", "2026-11-24 09:00 周主任 assign→李娜"),  # the added line alone
    ]
    assert rows[2]["note"] == "新增记录行"
    assert all(r["kind"] == "update" and r["by"] == "周主任" and r["at"] == AT for r in rows)
    assert len({r["change_id"] for r in rows}) == 3


def test_export_rows_say_what_left_and_how_much() -> None:
    row = hist.export_row("clients", 1234, op_id="ff", user="ann", at=AT, lang="en")
    assert (row["kind"], row["tab"], row["new"], row["note"]) == (
        "download",
        "clients",
        "1234",
        "Clients: 1,234 rows",
    )
    row = hist.export_row(
        "report", 9, op_id="ff", user="ann", at=AT, lang="zh", note="月报 2026-11"
    )
    assert (row["kind"], "tab" in row, row["note"]) == ("export", False, "月报 2026-11")
    with pytest.raises(ValueError):
        hist.export_row("clients", 1, op_id="ff", user="ann", at=AT, lang="en", kind="update")


def _changes(*rows: dict) -> pd.DataFrame:
    from sheets_schema.validate import records_frame

    return records_frame("changes", list(rows))


def test_a_records_history_newest_first_labelled_in_either_language() -> None:
    changes = _changes(
        {
            "change_id": "BG-1",
            "at": AT,
            "by": "王芳",
            "tab": "complaints",
            "record_id": "TS-1",
            "kind": "create",
        },
        {
            "change_id": "BG-2",
            "at": AT + dt.timedelta(hours=1),
            "by": "周主任",
            "tab": "complaints",
            "record_id": "TS-1",
            "field": "status",
            "old": "已受理",
            "new": "处理中",
            "kind": "update",
        },
        {
            "change_id": "BG-3",
            "at": AT + dt.timedelta(hours=1),
            "by": "周主任",
            "tab": "complaints",
            "record_id": "TS-1",
            "field": "handler",
            "new": "李娜",
            "kind": "update",
        },
        {
            "change_id": "BG-4",
            "at": AT,
            "by": "王芳",
            "tab": "clients",
            "record_id": "TS-1",
            "kind": "create",
        },  # another table, same ID
        {
            "change_id": "BG-5",
            "at": AT,
            "by": "x",
            "tab": "complaints",
            "record_id": "TS-2",
            "kind": "create",
        },
    )
    zh = hist.history(changes, "complaints", "TS-1", "zh")
    assert list(zh.columns) == ["时间", "操作人", "操作", "字段", "原值", "新值", "说明"]
    assert list(zh["字段"]) == ["处理状态", "经办人", ""]  # newest first, a save's own order
    assert list(zh["操作"]) == ["修改", "修改", "新建"]
    assert zh["时间"].iloc[0] == "2026-11-23 11:05"
    en = hist.history(changes, "complaints", "TS-1", "en")
    assert list(en["Field"]) == ["Status", "Handler", ""] and en["What"].iloc[2] == "Created"
    assert hist.history(changes, "complaints", "TS-9", "en").empty
    assert hist.history(changes.iloc[0:0], "complaints", "TS-1", "en").empty
    assert "typed directly into the spreadsheet" in hist.hand_edits_note("en")
    assert "手工修改" in hist.hand_edits_note("zh")


def test_deleted_records_are_warned_about_once_with_the_last_save() -> None:
    changes = _changes(
        {
            "change_id": "BG-1",
            "at": AT,
            "by": "ann",
            "tab": "clients",
            "record_id": "KH-1",
            "kind": "create",
        },
        {
            "change_id": "BG-2",
            "at": AT + dt.timedelta(days=1),
            "by": "bob",
            "tab": "clients",
            "record_id": "KH-1",
            "field": "notes",
            "new": "x",
            "kind": "update",
        },
        {
            "change_id": "BG-3",
            "at": AT,
            "by": "ann",
            "tab": "clients",
            "record_id": "KH-2",
            "kind": "create",
        },
        {
            "change_id": "BG-4",
            "at": AT,
            "by": "ann",
            "tab": "clients",
            "kind": "create",
            "new": "500",
        },  # a bulk load's summary: no record named
        {
            "change_id": "BG-5",
            "at": AT,
            "by": "ann",
            "tab": "revisits",
            "record_id": "HF-1",
            "kind": "create",
        },
    )
    problems = hist.deleted_records(changes, {"clients": {"KH-2"}, "revisits": set()})
    assert [(p.tab, p.params["value"], p.params["by"], p.params["at"]) for p in problems] == [
        ("clients", "KH-1", "bob", "2026-11-24 10:05"),
        ("revisits", "HF-1", "ann", "2026-11-23 10:05"),
    ]
    assert "KH-1" in problems[0].message("zh") and "bob" in problems[0].message("zh")
    skipped = hist.deleted_records(
        changes, {"clients": {"KH-2"}, "revisits": set()}, skip={"revisits"}
    )
    assert [p.tab for p in skipped] == ["clients"]  # a missing tab is its own problem


# ---- the local workbook ----
@pytest.fixture
def local(tmp_path: Path, clock) -> LocalWorkbookStore:
    store = LocalWorkbookStore(tmp_path / "desk.xlsx", clock=clock, lang="zh")
    store.init("zh")
    return store


def _history_cells(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(r) for r in wb["变更记录"].iter_rows(min_row=2, values_only=True)]


def test_local_queue_file_holds_the_save_and_its_history(local, tmp_path) -> None:
    saved = local.append("clients", CLIENT, user="王芳")
    owner = tmp_path / "~$desk.xlsx"
    owner.write_text("someone")  # open in Excel
    local.update("clients", saved.record_id, {"grade": "B"}, seen=saved.record, user="王芳")
    (file,) = [p for p in (tmp_path / "desk.xlsx.pending").glob("*.json")]
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data["kind"] == "update" and data["values"]["grade"] == "B"
    (row,) = data["history"]
    assert (row["field"], row["old"], row["new"], row["by"]) == (
        "grade",
        "A 重点客户",
        "B 普通客户",
        "王芳",
    )
    assert _history_cells(local.path)[-1][0] != row["change_id"]  # not in the workbook yet
    owner.unlink()
    assert local.flush() == ""
    cells = _history_cells(local.path)
    assert [c[0] for c in cells].count(row["change_id"]) == 1
    assert cells[-1][3:9] == (  # choices as the sheet's labels (客户档案 = clients, 修改 = update)
        "客户档案",
        saved.record_id,
        "grade",
        "A 重点客户",
        "B 普通客户",
        "修改",
    )


def test_local_crash_after_the_write_before_the_file_was_removed(local, tmp_path) -> None:
    """The workbook was replaced (record and history in it) but the process died before the
    queue file was removed: the next flush finds both there and writes neither again."""
    saved = local.append("clients", CLIENT, user="王芳")
    owner = tmp_path / "~$desk.xlsx"
    owner.write_text("someone")
    local.update("clients", saved.record_id, {"notes": "once"}, seen=saved.record, user="王芳")
    local.record_export("王芳", "clients", 3, "clients.csv")
    kept = tmp_path / "kept"
    shutil.copytree(tmp_path / "desk.xlsx.pending", kept)
    owner.unlink()
    assert local.flush() == "" and local.pending_count() == 0
    for file in kept.glob("*.json"):  # the crash: the files are back
        shutil.copy(file, tmp_path / "desk.xlsx.pending" / file.name)
    later = LocalWorkbookStore(local.path, lang="zh")
    assert later.pending_count() == 2
    assert later.flush() == "" and later.pending_count() == 0
    ids = [c[0] for c in _history_cells(local.path)]
    assert len(ids) == len(set(ids)) == 3  # create, update, download: once each
    assert later.read(fresh=True).changes["change_id"].is_unique


def test_local_history_tab_that_cannot_be_edited_keeps_the_save_waiting(local, monkeypatch) -> None:
    """A save is never written without its history: when the history rows cannot be added
    to the tab, the save waits too (with the reason), and both land once that is fixed."""
    from utils.store import local_write

    saved = local.append("clients", CLIENT, user="王芳")
    real = local_write.record_cells

    def refuse_history(table, *args):
        if table.name == "changes":
            raise local_write.XlsxError("cell A9 holds an array formula")
        return real(table, *args)

    monkeypatch.setattr(local_write, "record_cells", refuse_history)
    result = local.update("clients", saved.record_id, {"notes": "x"}, seen=saved.record, user="a")
    assert result.pending and "change history" in result.error and "A9" in result.error
    in_file = local._read_row("clients", saved.record_id) or {}
    assert in_file.get("notes") in (None, "")  # not written without its history
    monkeypatch.undo()
    assert local.flush() == ""
    fresh = LocalWorkbookStore(local.path).read(fresh=True)
    assert fresh.record("clients", saved.record_id)["notes"] == "x"
    assert list(fresh.changes["kind"]) == ["create", "update"]


def test_an_old_workbook_gets_the_history_tab_on_its_first_save(tmp_path) -> None:
    path = tmp_path / "old.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户档案"
    ws.append(["客户编号", "客户名称", "联系电话"])
    ws.append(["KH-1", "老客户", "13800000000"])
    wb.save(path)
    store = LocalWorkbookStore(path)  # configured in English; the workbook is Chinese
    snapshot = store.read()
    assert [p.key for p in snapshot.problems] == ["problem.missing_tab", "problem.missing_tab"]
    assert snapshot.changes.empty and snapshot.settings.empty  # no problem for those two
    saved = store.update("clients", "KH-1", {"notes": "备注"}, seen={}, user="王芳")
    assert not saved.pending
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["客户档案", "变更记录"]  # made on the first write, in the workbook's language
    rows = store.read(fresh=True).changes
    assert list(zip(rows["record_id"], rows["field"], rows["new"], strict=True)) == [
        ("KH-1", "notes", "备注")
    ]


def test_bulk_load_and_import_write_one_summary_row(local, tmp_path) -> None:
    csv = tmp_path / "legacy.csv"
    csv.write_text("客户名称,联系电话\n甲,13800000001\n乙,13800000002\n丙,13800000003\n", "utf-8")
    out = cli("import", "clients", str(csv), "--workbook", str(local.path))
    assert out.returncode == 0, out.stderr
    changes = LocalWorkbookStore(local.path).read(fresh=True).changes
    assert list(zip(changes["by"], changes["kind"], changes["new"], strict=True)) == [
        ("import", "create", "3")
    ]
    assert "3" in changes["note"].iloc[0]


# ---- hand-deleted records: check and Data health ----
def _delete_row(path: Path, title: str, record_id: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[title]
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if row[0] == record_id:
            ws.delete_rows(n)
            break
    wb.save(path)


def test_check_names_a_record_deleted_by_hand(local) -> None:
    gone = local.append("clients", CLIENT, user="王芳")
    kept = local.append("clients", {**CLIENT, "name": "留下"}, user="王芳")
    local.update("clients", gone.record_id, {"notes": "最后一次"}, seen=gone.record, user="周主任")
    _delete_row(local.path, "客户档案", gone.record_id)
    out = cli("check", "--workbook", str(local.path), "--lang", "zh")
    assert out.returncode == 0, out.stdout + out.stderr  # a warning, not an error
    lines = [x for x in out.stdout.splitlines() if gone.record_id in x]
    assert len(lines) == 1 and lines[0].startswith("warning clients client_id:")
    assert "周主任" in lines[0] and "已不在表格中" in lines[0]
    assert kept.record_id not in out.stdout
    as_json = json.loads(cli("check", "--workbook", str(local.path), "--json").stdout)
    (item,) = [p for p in as_json if gone.record_id in p["message"]]
    assert (item["level"], item["tab"], item["row"], item["column"]) == (
        "warning",
        "clients",
        None,
        "client_id",
    )
    assert "deleted by hand" in item["message"]


def test_rows_with_bad_cells_are_not_taken_for_deleted(local) -> None:
    saved = local.append("clients", CLIENT, user="王芳")
    wb = openpyxl.load_workbook(local.path)
    ws = wb["客户档案"]
    ws.cell(2, 2).value = None  # the name (required) blanked by hand: an error row
    wb.save(local.path)
    problems = LocalWorkbookStore(local.path).read(fresh=True).all_problems
    assert [p.key for p in problems] == ["problem.missing_value"]
    assert saved.record_id not in {p.params.get("value") for p in problems}


def test_a_deleted_tab_is_one_problem_not_one_per_record(local) -> None:
    for n in range(3):
        local.append("clients", {**CLIENT, "name": f"客户{n}"}, user="王芳")
    wb = openpyxl.load_workbook(local.path)
    del wb["客户档案"]
    wb.save(local.path)
    problems = LocalWorkbookStore(local.path).read(fresh=True).all_problems
    assert [(p.tab, p.key) for p in problems] == [("clients", "problem.missing_tab")]


# ---- Google Sheets: the history write after the record's ----
NO_WAIT = RetryPolicy(sleep=lambda seconds: None)


@pytest.fixture
def google(tmp_path: Path):
    read_cache.reset()
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Sheetdesk test", tabs={"Sheet1": []})

    def store(**kwargs):
        kwargs.setdefault("retry", NO_WAIT)
        return GoogleSheetsStore(
            sid, client=make_client(api), pending_dir=tmp_path / "pending", **kwargs
        )

    store.api, store.sid = api, sid
    store().init("en")
    yield store
    read_cache.reset()


def _to_changes(call) -> bool:
    return call.op == "values.append" and "Changes" in call.path


def _column(google, title: str) -> list[object]:
    return [r[0] if r else "" for r in google.api.values(google.sid, title)[1:]]


def test_google_history_append_landing_unanswered_is_not_repeated(google) -> None:
    store = google()
    store.read()
    google.api.inject("timeout_after_commit", times=1, match=_to_changes)
    saved = store.append("clients", CLIENT, user="ann")
    assert not saved.pending and store.pending_count() == 0
    ids = _column(google, "Changes")
    assert len(ids) == 1 and len(set(ids)) == 1
    assert _column(google, "Clients").count(saved.record_id) == 1


def test_google_crash_between_the_record_and_its_history(google) -> None:
    """The record landed; its history could not be sent (Google down for the changes tab,
    then the process ended). The queue file stays; the next process writes the history once
    and the record not again."""
    store = google()
    store.read()
    google.api.inject(503, times=10**6, match=_to_changes)
    saved = store.append("clients", CLIENT, user="ann")
    assert saved.pending and "cannot be reached" in saved.error
    assert _column(google, "Clients").count(saved.record_id) == 1  # the record is there …
    assert _column(google, "Changes") == []  # … its history is not: the file waits
    assert store.pending_count() == 1
    google.api.clear_faults()
    read_cache.reset()
    later = google()
    assert later.flush() == "" and later.pending_count() == 0
    assert _column(google, "Clients").count(saved.record_id) == 1
    assert len(_column(google, "Changes")) == 1
    assert later.flush() == "" and len(_column(google, "Changes")) == 1
    rows = later.read(fresh=True).changes
    assert list(zip(rows["record_id"], rows["kind"], strict=True)) == [(saved.record_id, "create")]


def test_google_a_landed_save_waiting_for_its_history_is_not_decided_again(
    google, tmp_path
) -> None:
    """The update landed, its history could not be sent; meanwhile another session changed
    the same cell. The next flush writes the history only: the landed save is not taken for
    a conflict (it is not decided again against a cell someone has changed since)."""
    store = google()
    saved = store.append("clients", CLIENT, user="ann")
    google.api.inject(503, times=10**6, match=_to_changes)
    mine = store.update(
        "clients", saved.record_id, {"notes": "mine"}, seen=saved.record, user="ann"
    )
    assert mine.pending
    assert len(list((tmp_path / "pending").glob("*.landed"))) == 1  # what landed is noted
    google.api.clear_faults()
    other = GoogleSheetsStore(
        google.sid, client=make_client(google.api), pending_dir=tmp_path / "other", retry=NO_WAIT
    )
    seen = other.current("clients", saved.record_id)
    other.update("clients", saved.record_id, {"notes": "theirs"}, seen=seen, user="bob")
    assert store.flush() == "" and store.pending_count() == 0
    assert store.queue.conflicts() == []
    assert not list((tmp_path / "pending").glob("*.landed"))
    rows = google().read(fresh=True).changes
    updates = rows[rows["kind"] == "update"]
    assert sorted(zip(updates["by"], updates["new"], strict=True)) == [
        ("ann", "mine"),
        ("bob", "theirs"),
    ]


def test_google_one_history_request_per_flush(google) -> None:
    """Saves that waited are written together: the records, then every waiting save's history
    rows in one request."""
    store = google()
    store.read()
    google.api.inject(503, times=10**6)
    a = store.append("clients", CLIENT, user="ann")
    b = store.append("clients", {**CLIENT, "name": "Bea"}, user="ann")
    e = store.record_export("ann", "clients", 2, "clients.csv")
    assert a.pending and b.pending and e.pending and store.pending_count() == 3
    google.api.clear_faults()
    before = len(google.api.history)
    assert store.flush() == "" and store.pending_count() == 0
    calls = [c for c in google.api.history[before:] if c.op == "values.append"]
    assert sum(_to_changes(c) for c in calls) == 1
    assert len(_column(google, "Changes")) == 3


def test_operations_register_a_download_for_a_user(local) -> None:
    user = User("周主任", "manager")
    saved = ops.record_export(local, user, "complaints", 40, "投诉记录.xlsx")
    assert not saved.pending
    (row,) = local.read(fresh=True).changes.itertuples()
    assert (row.by, row.kind, row.tab, row.new, row.note) == (
        "周主任",
        "download",
        "complaints",
        "40",
        "投诉记录.xlsx",
    )
    assert TABLES["changes"].label("zh") == "变更记录"
