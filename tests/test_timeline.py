"""A client's complaints and revisits on one timeline, the client's summary figures, and a
complaint's progress log read back into rows (`utils.timeline`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from utils import progress_log as plog
from utils.settings import Settings
from utils.timeline import (
    EVENT_COLUMNS,
    action_label,
    client_summary,
    client_timeline,
    log_table,
    parse_log,
    timeline_table,
)

from .test_search import frame

S = Settings()
NOW = dt.datetime(2026, 11, 23, 10, 0)


def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    complaints = frame(
        "complaints",
        [
            {
                "complaint_id": "TS-1",
                "client_id": "KH-1",
                "received_at": dt.datetime(2026, 11, 2, 9),
                "description": "电梯停运",
                "first_receiver": "王芳",
                "handler": "李娜",
                "status": "closed",
                "resolved_at": dt.datetime(2026, 11, 3, 15),
                "resolution": "已修好",
                "closed_at": dt.datetime(2026, 11, 6, 10),
                "updated_by": "李娜",
            },
            {
                "complaint_id": "TS-2",
                "client_id": "KH-1",
                "received_at": dt.datetime(2026, 11, 16, 9),
                "due_at": dt.datetime(2026, 11, 19, 9),
                "description": "多收费",
                "status": "received",
                "first_receiver": "赵敏",
            },
            {
                "complaint_id": "TS-3",
                "client_id": "KH-2",
                "received_at": dt.datetime(2026, 11, 5, 9),
                "description": "别的客户",
                "status": "received",
                "first_receiver": "王芳",
            },
        ],
    )
    revisits = frame(
        "revisits",
        [
            {
                "revisit_id": "HF-1",
                "client_id": "KH-1",
                "complaint_id": "TS-1",
                "kind": "complaint_followup",
                "done_at": dt.datetime(2026, 11, 5, 10),
                "staff": "李娜",
                "attempt": 1,
                "reached": "no",
            },
            {
                "revisit_id": "HF-2",
                "client_id": "KH-1",
                "complaint_id": "TS-1",
                "kind": "complaint_followup",
                "done_at": dt.datetime(2026, 11, 6, 10),
                "staff": "李娜",
                "attempt": 2,
                "reached": "yes",
                "solved": "yes",
                "attitude": "satisfied",
                "score": 9,
                "suggestions": "谢谢",
            },
            {
                "revisit_id": "HF-3",
                "client_id": "KH-1",
                "kind": "routine",
                "done_at": dt.datetime(2026, 10, 1, 10),
                "staff": "王芳",
                "reached": "yes",
                "score": 7,
            },
            {
                "revisit_id": "HF-4",
                "client_id": "KH-2",
                "kind": "",
                "staff": "王芳",
                "done_at": dt.datetime(2026, 10, 2, 10),
                "reached": "yes",
            },
        ],
    )
    return complaints, revisits


def test_timeline_has_every_event_of_the_client_latest_first():
    complaints, revisits = data()
    events = client_timeline("KH-1", complaints, revisits)
    assert list(events.columns) == EVENT_COLUMNS
    assert list(zip(events["event"], events["record_id"], strict=True)) == [
        ("received", "TS-2"),
        ("closed", "TS-1"),
        ("complaint_followup", "HF-2"),
        ("complaint_followup", "HF-1"),
        ("resolved", "TS-1"),
        ("received", "TS-1"),
        ("routine", "HF-3"),
    ]
    assert events["at"].is_monotonic_decreasing
    first = events.iloc[-2]
    assert (first["by"], first["detail"], first["status"]) == ("王芳", "电梯停运", "closed")
    assert events.loc[events["event"] == "resolved", "detail"].tolist() == ["已修好"]
    assert events.loc[events["record_id"] == "HF-2", "complaint_id"].tolist() == ["TS-1"]
    assert events.loc[events["record_id"] == "HF-2", "score"].tolist() == [9]


def test_timeline_of_another_client_and_of_nobody():
    complaints, revisits = data()
    other = client_timeline(" KH-2 ", complaints, revisits)
    assert other["record_id"].tolist() == ["TS-3", "HF-4"]
    assert other["event"].tolist() == ["received", "routine"]  # blank kind: routine
    empty = client_timeline("KH-9", complaints, revisits)
    assert empty.empty and list(empty.columns) == EVENT_COLUMNS


def test_timeline_table_for_people_in_both_languages():
    complaints, revisits = data()
    events = client_timeline("KH-1", complaints, revisits)
    zh = timeline_table(events, "zh")
    assert list(zh.columns) == ["时间", "事项", "编号", "当前状态", "经手人", "详情"]
    row = zh.iloc[2]
    assert row["事项"] == "投诉回访" and row["编号"] == "HF-2 → TS-1"
    assert row["详情"] == "已联系上 · 已解决 · 满意 · 9/10 · 谢谢"
    assert zh.iloc[3]["详情"] == "未联系上"
    assert zh.iloc[0]["当前状态"] == "已受理"
    en = timeline_table(events, "en")
    assert en.iloc[1]["What"] == "Complaint closed" and en.iloc[1]["Status now"] == "Closed"
    assert en.iloc[-1]["Details"] == "reached · 7/10"


def test_client_summary():
    complaints, revisits = data()
    summary = client_summary("KH-1", complaints, revisits, NOW, S)
    assert summary == {
        "complaints": 2,
        "open": 1,
        "overdue": 1,
        "revisits": 3,
        "reached": 2,
        "last_reached": dt.datetime(2026, 11, 6, 10),
        "avg_score": 8.0,
    }
    nobody = client_summary("KH-9", complaints, revisits, NOW, S)
    assert nobody["complaints"] == 0 and nobody["last_reached"] is None
    assert nobody["avg_score"] is None


def test_parse_log_reads_the_apps_lines_and_keeps_hand_typed_ones():
    log = plog.append("", plog.line(dt.datetime(2026, 11, 23, 10, 5), "王芳", "receive"))
    log = plog.append(
        log,
        plog.line(
            dt.datetime(2026, 11, 23, 11, 0),
            "王芳",
            "escalate",
            "客户要求: 尽快处理",
            target="department",
        ),
    )
    log = plog.append(log, "周主任 电话说明了情况")  # typed by hand in the spreadsheet
    log += "\n\n"
    rows = parse_log(log)
    assert rows["by"].tolist() == ["王芳", "王芳", ""]
    assert rows["action"].tolist() == ["receive", "escalate→department", ""]
    assert rows["detail"].tolist() == ["", "客户要求: 尽快处理", "周主任 电话说明了情况"]
    assert rows["at"].iloc[1] == pd.Timestamp(2026, 11, 23, 11, 0)
    assert pd.isna(rows["at"].iloc[2])
    assert parse_log(None).empty and parse_log("").empty


def test_action_labels_and_the_log_table():
    assert action_label("escalate→management", "zh") == "上报 → 分管领导"
    assert action_label("assign→李娜", "en") == "Assigned → 李娜"
    assert action_label("close", "en") == "Closed"
    assert action_label("催办", "zh") == "催办"  # unknown: as typed
    table = log_table("2026-11-23 10:05 王芳 receive\n2026-11-24 09:00 李娜 resolve: 已退款", "en")
    assert list(table.columns) == ["When", "By", "What", "Details"]
    assert table["What"].tolist() == ["Received", "Resolved"]
    assert table["Details"].tolist() == ["", "已退款"]
