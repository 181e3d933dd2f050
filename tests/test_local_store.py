"""The local workbook store against real .xlsx files, re-read with openpyxl and calamine."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import stat

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from utils.errors import ConflictError, InvalidRecord
from utils.store.local import LocalWorkbookStore

CLIENT = {"name": "张三", "phone": "0138 0000 1111", "grade": "重点客户"}


def sheet(path, title):
    return openpyxl.load_workbook(path)[title]


def test_new_workbook_has_three_tabs_with_headers_in_the_language(tmp_path) -> None:
    store = LocalWorkbookStore(tmp_path / "zh.xlsx")
    assert store.init("zh") == ["客户档案", "投诉记录", "回访记录", "变更记录", "设置"]
    wb = openpyxl.load_workbook(tmp_path / "zh.xlsx")
    assert wb.sheetnames == ["客户档案", "投诉记录", "回访记录", "变更记录", "设置"]
    assert wb["客户档案"]["A1"].value == "客户编号"
    assert wb["客户档案"].freeze_panes == "A2"
    assert store.init("zh") == []  # nothing to add the second time


def test_append_then_read(fresh_store) -> None:
    result = fresh_store.append("clients", CLIENT, user="王芳")
    assert not result.pending
    assert result.record_id.startswith("KH-20261123-")
    snap = fresh_store.read()  # the writer's cache already shows it, without a re-read
    record = snap.record("clients", result.record_id)
    assert record["name"] == "张三" and record["grade"] == "A"
    assert record["updated_by"] == "王芳"
    fresh = fresh_store.read(fresh=True).record("clients", result.record_id)
    assert {**fresh, "_row": None} == record and fresh["_row"] == 2


def test_text_is_stored_as_text_never_as_a_formula(fresh_store, workbook_path) -> None:
    tricky = ["=1+1", "+86 138 0000 1111", "-5", "@SUM(A1)", "0012"]
    for i, text in enumerate(tricky):
        fresh_store.append(
            "clients", {"name": text, "phone": "+86 138" if i else "0138", "notes": text}, user="w"
        )
    ws = sheet(workbook_path, "Clients")
    for row, text in enumerate(tricky, start=2):
        for col in (2, 14):  # name, notes
            cell = ws.cell(row, col)
            assert cell.value == text and cell.data_type == "s", (row, col, cell.data_type)
    assert ws.cell(2, 6).value == "0138" and ws.cell(2, 6).data_type == "s"  # leading zero kept
    names = list(fresh_store.read().clients["name"])
    assert names == tricky


def test_dates_are_real_dates(fresh_store, workbook_path) -> None:
    fresh_store.append("clients", {**CLIENT, "registered_on": "2026年10月5日"}, user="w")
    ws = sheet(workbook_path, "Clients")
    cell = ws.cell(2, 13)
    assert cell.is_date and cell.value == dt.datetime(2026, 10, 5)
    assert ws.cell(2, 15).is_date  # updated_at


def test_invalid_record_is_refused_and_nothing_written(fresh_store) -> None:
    with pytest.raises(InvalidRecord) as err:
        fresh_store.append("clients", {"name": "", "phone": "call me"}, user="w")
    assert {p.column for p in err.value.problems} == {"name"}
    assert "必填" in err.value.message("zh")
    assert fresh_store.read().clients.empty
    assert fresh_store.pending_count() == 0


def test_update_and_conflict_carry_both_versions(fresh_store) -> None:
    rid = fresh_store.append("clients", CLIENT, user="王芳").record_id
    opened = fresh_store.read().record("clients", rid)
    # someone else saves first
    other = LocalWorkbookStore(fresh_store.path, clock=fresh_store.clock)
    other.update(
        "clients",
        rid,
        {"name": "张三（他人改）", "notes": "changed elsewhere"},
        seen=opened,
        user="李娜",
    )
    with pytest.raises(ConflictError) as err:
        fresh_store.update("clients", rid, {"name": "张三丰"}, seen=opened, user="王芳")
    assert err.value.mine["name"] == "张三丰"
    assert err.value.theirs["name"] == "张三（他人改）"
    assert err.value.theirs["updated_by"] == "李娜"
    # the user saw both and keeps theirs: their field wins, the other change stays
    fresh_store.update("clients", rid, {"name": "张三丰"}, seen=opened, user="王芳", force=True)
    record = fresh_store.read().record("clients", rid)
    assert (record["name"], record["notes"]) == ("张三丰", "changed elsewhere")


def test_hand_edit_in_the_workbook_is_a_conflict(fresh_store, workbook_path) -> None:
    rid = fresh_store.append("clients", CLIENT, user="王芳").record_id
    opened = fresh_store.read().record("clients", rid)
    wb = openpyxl.load_workbook(workbook_path)
    wb["Clients"]["B2"] = "张三（手改）"  # someone retyped the name; nobody retypes updated_at
    wb.save(workbook_path)
    with pytest.raises(ConflictError) as err:
        fresh_store.update("clients", rid, {"name": "x"}, seen=opened, user="王芳")
    assert err.value.theirs["name"] == "张三（手改）"


def test_keeps_other_tabs_unknown_columns_formatting_and_notes(fresh_store, workbook_path) -> None:
    rid = fresh_store.append("clients", CLIENT, user="w").record_id
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Clients"]
    ws["Q1"] = "我的备注列"
    ws["Q2"] = "keep me"
    ws["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["B2"].comment = Comment("VIP, call before noon", "经理")
    wb.create_sheet("统计").append(["自己的表", 42])
    wb.save(workbook_path)

    opened = fresh_store.read().record("clients", rid)
    fresh_store.update("clients", rid, {"name": "张三丰"}, seen=opened, user="w")
    fresh_store.append("clients", {"name": "李四", "phone": "139"}, user="w")

    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Clients"]
    assert ws["B2"].value == "张三丰"
    assert ws["B2"].fill.fgColor.rgb.endswith("FFFF00")
    assert ws["B2"].comment is not None and "noon" in ws["B2"].comment.text
    assert (ws["Q1"].value, ws["Q2"].value) == ("我的备注列", "keep me")
    assert ws["B3"].value == "李四"
    assert ws["B3"].fill.fgColor.rgb.endswith("FFFF00")  # new rows carry on the row above's look
    assert list(wb["统计"].values) == [("自己的表", 42)]


def test_blank_rows_and_hand_typed_rows_are_read(fresh_store, workbook_path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Clients"]
    ws.append(
        [
            "KH-A",
            "手工录入",
            "个人",
            "b",
            None,
            13900000000,
            None,
            None,
            None,
            None,
            None,
            "活跃",
            "2026/10/05",
        ]
    )
    ws.append([])
    ws.append(["KH-B", "", None, None, None, "139"])
    wb.save(workbook_path)
    snap = fresh_store.read()
    assert list(snap.clients["client_id"]) == ["KH-A"]
    assert snap.clients["phone"].iloc[0] == "13900000000"
    assert [(p.row, p.column) for p in snap.problems] == [(4, "name")]
    # the app appends after the last row with data, not in the blank row
    fresh_store.append("clients", CLIENT, user="w")
    assert sheet(workbook_path, "Clients").max_row == 5


def test_locked_workbook_queues_the_save_and_applies_it_once(fresh_store, workbook_path) -> None:
    owner = workbook_path.parent / f"~${workbook_path.name}"  # Excel's "file is open" marker
    owner.write_text("王芳")
    result = fresh_store.append("clients", CLIENT, user="w")
    assert result.pending and "open in a spreadsheet program" in result.error
    assert fresh_store.pending_count() == 1
    snap = fresh_store.read()
    assert result.record_id in snap.pending_ids["clients"]
    assert snap.record("clients", result.record_id)["name"] == "张三"  # reads include it
    assert sheet(workbook_path, "Clients").max_row == 1  # not in the file yet

    owner.unlink()
    assert fresh_store.flush() == ""
    assert fresh_store.flush() == ""  # nothing left: never twice
    assert fresh_store.pending_count() == 0
    ids = [row[0] for row in sheet(workbook_path, "Clients").iter_rows(min_row=2, values_only=True)]
    assert ids == [result.record_id]


def test_a_crash_after_writing_before_dequeuing_does_not_duplicate(
    fresh_store, workbook_path
) -> None:
    result = fresh_store.append("clients", CLIENT, user="w")
    rid = result.record_id
    opened = fresh_store.read().record("clients", rid)
    fresh_store.update("clients", rid, {"notes": "once"}, seen=opened, user="w")
    # put the same saves back in the queue, as if the process died before removing them
    from utils.store.pending import PendingOp

    fresh_store.queue.put(PendingOp("append", "clients", rid, result.record))
    fresh_store.flush()
    ws = sheet(workbook_path, "Clients")
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [rid]
    assert fresh_store.read().conflicts == []


def test_read_only_workbook_queues(fresh_store, workbook_path) -> None:
    os.chmod(workbook_path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        result = fresh_store.append("clients", CLIENT, user="w")
        assert result.pending and "read-only" in result.error
    finally:
        os.chmod(workbook_path, stat.S_IRUSR | stat.S_IWUSR)
    fresh_store.flush()
    assert fresh_store.pending_count() == 0
    assert fresh_store.read(fresh=True).record("clients", result.record_id)["_row"] == 2


def _append_many_times(path: str, n: int, tag: str) -> list[str]:
    store = LocalWorkbookStore(path)
    return [
        store.append("clients", {"name": f"{tag}-{i}", "phone": "139"}, user=tag).record_id
        for i in range(n)
    ]


def test_concurrent_appends_from_several_processes_lose_nothing(fresh_store, workbook_path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        results = pool.starmap(
            _append_many_times, [(str(workbook_path), 8, f"p{k}") for k in range(3)]
        )
    ids = [i for r in results for i in r]
    assert len(set(ids)) == 24
    snap = LocalWorkbookStore(workbook_path).read()
    assert sorted(snap.clients["client_id"]) == sorted(ids)
    assert snap.problems == []
    openpyxl.load_workbook(workbook_path)  # still a valid workbook


def test_corrupt_workbook_gives_a_clear_error(tmp_path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip file")
    from utils.errors import BadWorkbookError

    with pytest.raises(BadWorkbookError) as err:
        LocalWorkbookStore(path).read()
    assert "broken.xlsx" in err.value.message("zh")


def test_init_upgrades_an_old_workbook_without_touching_data(tmp_path) -> None:
    path = tmp_path / "old.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户编号", "客户名称", "电话"])
    ws.append(["KH-1", "老客户", "13800000000"])
    wb.save(path)
    store = LocalWorkbookStore(path)
    added = store.init("zh")
    assert "投诉记录" in added and "回访记录" in added
    assert any("客户等级" in a for a in added)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["客户", "投诉记录", "回访记录", "变更记录", "设置"]
    assert [c.value for c in wb["客户"][2]][:3] == ["KH-1", "老客户", "13800000000"]
    snap = store.read()
    assert snap.problems == [] and list(snap.clients["name"]) == ["老客户"]
    store.append(
        "complaints",
        {
            "client_id": "KH-1",
            "received_at": "2026-11-23 10:00",
            "description": "电梯坏了",
            "first_receiver": "王芳",
        },
        user="王芳",
    )
    assert store.read().complaints["description"].iloc[0] == "电梯坏了"


def test_a_workbook_not_created_yet_reads_as_empty_without_problems(tmp_path) -> None:
    store = LocalWorkbookStore(tmp_path / "new" / "sheetdesk.xlsx")
    snap = store.read()
    assert snap.is_empty() and snap.problems == []
    store.append("clients", CLIENT, user="w")  # the first save creates it
    assert (tmp_path / "new" / "sheetdesk.xlsx").exists()
    assert len(store.read(fresh=True).clients) == 1


def test_a_renamed_tab_is_one_clear_error(fresh_store, workbook_path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    wb["Revisits"].title = "回访资料"
    wb.save(workbook_path)
    problems = fresh_store.read().problems
    assert [(p.tab, p.key) for p in problems] == [("revisits", "problem.missing_tab")]
    assert "init" in problems[0].message("en")


def test_bulk_saves_survive_a_locked_workbook(fresh_store, workbook_path) -> None:
    owner = workbook_path.parent / f"~${workbook_path.name}"
    owner.write_text("someone")
    saved, refused = fresh_store.append_many(
        "clients", [{"name": f"客户{i}", "phone": "139"} for i in range(5)], user="import"
    )
    assert len(saved) == 5 and refused == []
    fresh_store.flush()  # still locked: the bulk file gets its note, no save is dropped
    assert len(fresh_store.queue.ops()) == 5
    owner.unlink()
    fresh_store.flush()
    assert sorted(fresh_store.read(fresh=True).clients["client_id"]) == sorted(saved)
