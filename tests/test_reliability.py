"""Nothing lost, nothing overwritten (issue: hand edits, same-second saves, full disks): each
fault is made for real on a real workbook — a second program edits cells with openpyxl, the
queue's folder cannot be created — and the test asserts what the person is told and that the
final workbook holds exactly what it should, cell for cell."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from utils.errors import ConflictError, InvalidRecord
from utils.store.local import LocalWorkbookStore
from utils.store.pending import PendingOp, PendingQueue

ROOT = Path(__file__).resolve().parent.parent
CLIENT = {"name": "张三", "phone": "13800138000", "grade": "B", "owner": "王芳", "notes": "原始"}


def cells(path: Path, record_id: str) -> dict:
    """The client's row as another program reads it: header → value."""
    ws = openpyxl.load_workbook(path)["Clients"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == record_id:
            return dict(zip(header, row, strict=False))
    raise AssertionError(f"{record_id} not in the workbook")


def hand_edit(path: Path, record_id: str, **values: object) -> None:
    """A person changes cells in Excel/WPS: the workbook is rewritten by another program."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Clients"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == record_id:
            for label, value in values.items():
                row[header.index(label)].value = value
    wb.save(path)


def busy(path: Path) -> Path:
    owner = path.parent / f"~${path.name}"  # Excel's "this file is open" marker
    owner.write_text("王芳")
    return owner


def test_a_hand_edit_after_the_form_opened_is_a_conflict_not_overwritten(fresh_store) -> None:
    rid = fresh_store.append("clients", CLIENT, user="王芳").record_id
    opened = fresh_store.read().record("clients", rid)
    hand_edit(fresh_store.path, rid, Notes="手工改的")  # updated_at is not retyped by anyone
    with pytest.raises(ConflictError) as err:
        fresh_store.update("clients", rid, {"notes": "应用改的"}, seen=opened, user="李娜")
    assert err.value.theirs["notes"] == "手工改的"
    assert cells(fresh_store.path, rid)["Notes"] == "手工改的"


def test_a_hand_edit_while_the_save_waits_is_caught_when_it_is_written(fresh_store) -> None:
    rid = fresh_store.append("clients", CLIENT, user="王芳").record_id
    opened = fresh_store.read().record("clients", rid)
    owner = busy(fresh_store.path)
    result = fresh_store.update("clients", rid, {"notes": "应用改的"}, seen=opened, user="李娜")
    assert result.pending
    owner.unlink()
    hand_edit(fresh_store.path, rid, Notes="手工改的")
    fresh_store.flush()
    assert cells(fresh_store.path, rid)["Notes"] == "手工改的", "the hand edit stays"
    (conflict,) = fresh_store.read(fresh=True).conflicts
    assert conflict.record_id == rid and "notes" in conflict.error
    assert conflict.values["notes"] == "应用改的", "the person's save is kept for them to decide"


def test_a_hand_edit_of_a_cell_the_save_does_not_write_stays(fresh_store) -> None:
    rid = fresh_store.append("clients", CLIENT, user="王芳").record_id
    opened = fresh_store.read().record("clients", rid)
    owner = busy(fresh_store.path)
    fresh_store.update("clients", rid, {"notes": "应用改的"}, seen=opened, user="李娜")
    owner.unlink()
    hand_edit(fresh_store.path, rid, Region="城西区", **{"Contact person": "李先生"})
    fresh_store.flush()
    row = cells(fresh_store.path, rid)
    assert (row["Notes"], row["Region"], row["Contact person"]) == ("应用改的", "城西区", "李先生")
    assert row["Updated by"] == "李娜"
    assert fresh_store.read(fresh=True).conflicts == []


def test_two_saves_in_the_same_second_never_vanish(tmp_path: Path) -> None:
    """Both saves carry the same stamp (one second); the second must not be taken as 'already
    written': it lands (other cells) or is reported as a conflict (the same cell)."""
    moment = dt.datetime(2026, 11, 23, 10, 0, 0)
    store = LocalWorkbookStore(tmp_path / "desk.xlsx", clock=lambda: moment)
    store.init("en")
    rid = store.append("clients", CLIENT, user="王芳").record_id
    seen = store.read().record("clients", rid)
    stamp = moment + dt.timedelta(seconds=1)
    expected = {"notes": seen["notes"]}
    owner = busy(store.path)
    for who, value in (("王芳", "王芳的"), ("李娜", "李娜的")):  # two app sessions, same second
        store.queue.put(
            PendingOp(
                "update",
                "clients",
                rid,
                {"notes": value, "updated_at": stamp, "updated_by": who},
                expected_updated_at=seen["updated_at"],
                expected=expected,
            )
        )
    store.queue.put(  # and one of another cell, saved in that second too
        PendingOp(
            "update",
            "clients",
            rid,
            {"region": "城东", "updated_at": stamp, "updated_by": "周主任"},
            expected_updated_at=seen["updated_at"],
            expected={"region": None},
        )
    )
    owner.unlink()
    assert store.flush() == ""
    row = cells(store.path, rid)
    assert row["Notes"] == "王芳的" and row["Region"] == "城东"
    (conflict,) = store.read(fresh=True).conflicts
    assert conflict.values["notes"] == "李娜的", "the other save is reported, not dropped"


def test_the_queue_folder_cannot_be_written_saves_go_to_a_fallback_and_then_memory(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")  # mkdir fails, even for root
    queue = PendingQueue(blocked / "desk.xlsx.pending", fallback=tmp_path / "fallback")
    queue.put(PendingOp("append", "clients", "KH-1", {"name": "张三"}))
    assert queue.degraded is not None and queue.degraded.where == "fallback"
    assert str(tmp_path / "fallback") == queue.degraded.folder
    assert [op.record_id for op in queue.ops()] == ["KH-1"]

    (tmp_path / "nowhere").write_text("x")
    queue = PendingQueue(blocked / "desk.xlsx.pending", fallback=tmp_path / "nowhere" / "f")
    queue.put(PendingOp("append", "clients", "KH-2", {"name": "李四"}))
    assert queue.degraded is not None and queue.degraded.where == "memory"
    assert "desk.xlsx.pending" in queue.degraded.reason
    ((path, op),) = list(queue)
    assert op.record_id == "KH-2" and len(queue) == 1
    queue.done(path)
    assert len(queue) == 0 and queue.degraded is None


def test_a_store_whose_queue_folder_is_unusable_still_saves(tmp_path: Path) -> None:
    store = LocalWorkbookStore(tmp_path / "desk.xlsx")
    store.init("en")
    Path(f"{store.path}.pending").write_text("not a folder")
    store.queue.fallback = tmp_path / "fallback"
    result = store.append("clients", CLIENT, user="王芳")
    assert not result.pending, result.error
    assert cells(store.path, result.record_id)["Name"] == "张三"
    assert store.pending_count() == 0


def test_one_bad_save_is_set_aside_and_the_others_are_written(fresh_store) -> None:
    rid = fresh_store.append("clients", CLIENT, user="王芳").record_id
    hand_edit(fresh_store.path, rid, **{"Updated at": "昨天下午"})  # a stamp typed by hand
    owner = busy(fresh_store.path)
    # a save queued by an older version (it checks the row's stamp, which is now unreadable)
    fresh_store.queue.put(
        PendingOp(
            "update",
            "clients",
            rid,
            {"notes": "旧版本的保存", "updated_at": dt.datetime(2026, 11, 23, 11, 0)},
            expected_updated_at=dt.datetime(2026, 11, 23, 9, 0),
        )
    )
    later = fresh_store.append("clients", {**CLIENT, "name": "李四"}, user="王芳")
    owner.unlink()
    assert fresh_store.flush() == ""
    assert cells(fresh_store.path, later.record_id)["Name"] == "李四"
    (aside,) = fresh_store.read(fresh=True).conflicts
    assert aside.record_id == rid and aside.error
    assert fresh_store.pending_count() == 0


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_writer_thread_says_why_it_stopped(fresh_store, monkeypatch) -> None:
    def broken() -> str:
        raise RuntimeError("disk controller on fire")

    fresh_store.background = True
    monkeypatch.setattr(fresh_store, "_apply_pending", broken)
    fresh_store.append("clients", CLIENT, user="王芳")
    fresh_store._writer.join(5)
    assert "disk controller on fire" in fresh_store.writer_failure
    assert fresh_store.pending_count() == 1, "the save is still kept"


def test_text_longer_than_a_cell_holds_is_refused_with_a_message(fresh_store) -> None:
    long = "很长的投诉内容" * 5000  # 35,000 characters
    with pytest.raises(InvalidRecord) as err:
        fresh_store.append("clients", {**CLIENT, "notes": long}, user="王芳")
    (problem,) = err.value.problems
    assert problem.column == "notes"
    assert "35,000" in problem.message("en") and "32,767" in problem.message("en")
    assert "32,767" in problem.message("zh") and "单元格" in problem.message("zh")
    assert fresh_store.read().clients.empty


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SHEETDESK_SPREADSHEET", None)
    return subprocess.run(
        [sys.executable, "-m", "utils.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_import_says_what_was_written_and_what_waits(tmp_path: Path) -> None:
    workbook = tmp_path / "desk.xlsx"
    LocalWorkbookStore(workbook).init("en")
    legacy = tmp_path / "legacy.csv"
    legacy.write_text(
        "name,phone,notes\n张三,13800138000,\n李四,13900139000,"
        + "长" * 33_000
        + "\n王五,13700137000,\n",
        encoding="utf-8",
    )
    owner = busy(workbook)  # the workbook is open in Excel
    out = _cli("import", "clients", str(legacy), "--workbook", str(workbook))
    assert out.returncode == 3, out.stdout + out.stderr
    assert "0 row(s) added" in out.stdout and "1 rejected" in out.stdout
    assert "2 more row(s) are saved but NOT in the spreadsheet yet" in out.stderr
    assert "open in a spreadsheet program" in out.stderr
    assert "32,767" in out.stdout, "the too-long row is named"
    owner.unlink()
    again = _cli("import", "clients", str(legacy), "--workbook", str(workbook))
    assert again.returncode == 1, again.stdout + again.stderr  # only the rejected row is left
    names = [c["Name"] for c in _rows(workbook)]
    assert names == ["张三", "王五"]


def _rows(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path)["Clients"]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    "typed",
    ["![x](http://host/p.png)", "[点我](http://evil.example)", ":red[假冒]", "$x^2$", "**粗**"],
)
def test_markdown_typed_in_a_cell_is_shown_as_typed(typed: str) -> None:
    from utils.display import md

    escaped = md(typed)
    assert "](" not in escaped and not any(
        escaped[i] in "[]()!:*$" and (i == 0 or escaped[i - 1] != "\\") for i in range(len(escaped))
    ), escaped
    assert escaped.replace("\\", "") == typed
