"""Revisit queues (complaint follow-ups, routine cadence) and what a follow-up does to its
complaint."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.frames import frame
from utils.queues import (
    followup_attempts,
    followup_queue,
    followups_for,
    next_attempt,
    revisit_effects,
    routine_for,
    routine_queue,
)
from utils.settings import Settings

S = Settings()
NOW = dt.datetime(2026, 12, 1, 9, 30)
TODAY = dt.date(2026, 12, 1)
RESOLVED_AT = dt.datetime(2026, 11, 24, 15, 0)


def complaint(cid: str, status: str = "resolved", **fields: object) -> dict:
    row = {
        "complaint_id": cid,
        "client_id": "KH-1",
        "received_at": dt.datetime(2026, 11, 20, 9),
        "description": "x",
        "first_receiver": "王芳",
        "handler": "李雷",
        "status": status,
        "level": "frontline",
        "resolved_at": RESOLVED_AT if status != "received" else None,
        "resolution": "已处理" if status != "received" else "",
        "progress_log": "",
    }
    row.update(fields)
    return row


def followup(cid: str, reached: str, day: int, **fields: object) -> dict:
    row = {
        "revisit_id": f"HF-{cid}-{day}",
        "client_id": "KH-1",
        "complaint_id": cid,
        "kind": "complaint_followup",
        "done_at": dt.datetime(2026, 11, day, 10, 0),
        "staff": "赵敏",  # neither the handler nor the first receiver: the follow-up counts
        "reached": reached,
    }
    row.update(fields)
    return row


# --- follow-up queue -----------------------------------------------------------------------


def test_resolved_without_followup_is_queued_others_not() -> None:
    complaints = frame(
        "complaints",
        [
            complaint("TS-1"),
            complaint("TS-2", "in_progress"),
            complaint("TS-3", "closed", closed_at=NOW),
            complaint("TS-4", "received"),
        ],
    )
    q = followup_queue(complaints, frame("revisits", []), S)
    assert q["complaint_id"].tolist() == ["TS-1"]
    row = q.iloc[0]
    assert (row["client_id"], row["handler"], row["first_receiver"]) == ("KH-1", "李雷", "王芳")
    assert row["resolved_at"] == pd.Timestamp(RESOLVED_AT)
    assert row["attempts"] == 0
    assert row["next_attempt"] == 1
    assert not row["unreachable"]


def test_unreached_attempts_are_counted_and_flag_after_three() -> None:
    complaints = frame("complaints", [complaint("TS-1"), complaint("TS-2")])
    revisits = frame(
        "revisits",
        [
            followup("TS-1", "no", 25, attempt=1),
            followup("TS-1", "no", 26, attempt=2),
            followup("TS-2", "no", 25, attempt=1),
            followup("TS-2", "no", 26, attempt=2),
            followup("TS-2", "no", 27, attempt=3),
        ],
    )
    q = followup_queue(complaints, revisits, S).set_index("complaint_id")
    assert q.loc["TS-1", "attempts"] == 2
    assert not q.loc["TS-1", "unreachable"]
    assert q.loc["TS-1", "next_attempt"] == 3
    assert q.loc["TS-2", "attempts"] == 3
    assert q.loc["TS-2", "unreachable"]
    assert q.loc["TS-2", "next_attempt"] == 3  # the revisits tab accepts 1–3 only
    assert q.loc["TS-2", "last_attempt_at"] == pd.Timestamp(2026, 11, 27, 10)


def test_queue_drops_complaint_after_a_reached_followup() -> None:
    complaints = frame("complaints", [complaint("TS-1"), complaint("TS-2")])
    revisits = frame(
        "revisits",
        [
            followup("TS-1", "no", 25),
            followup("TS-1", "yes", 26, solved="yes"),
            followup("TS-2", "no", 25),
        ],
    )
    q = followup_queue(complaints, revisits, S)
    assert q["complaint_id"].tolist() == ["TS-2"]
    assert q.iloc[0]["attempts"] == 1


def test_reached_followup_before_the_resolution_does_not_count() -> None:
    # reached on the 10th (said not solved → reopened), re-resolved on the 24th: queued again
    complaints = frame("complaints", [complaint("TS-1")])
    revisits = frame(
        "revisits",
        [
            followup("TS-1", "yes", 10, solved="no"),
            followup("TS-1", "no", 9),
        ],
    )
    q = followup_queue(complaints, revisits, S)
    assert q["complaint_id"].tolist() == ["TS-1"]
    assert q.iloc[0]["attempts"] == 0


def test_routine_revisit_does_not_take_a_complaint_off_the_queue() -> None:
    complaints = frame("complaints", [complaint("TS-1")])
    revisits = frame("revisits", [followup("", "yes", 26, kind="routine")])
    assert followup_queue(complaints, revisits, S)["complaint_id"].tolist() == ["TS-1"]


def test_attempt_helpers() -> None:
    revisits = frame(
        "revisits",
        [
            followup("TS-1", "no", 10),
            followup("TS-1", "no", 25),
            followup("TS-1", "no", 26),
            followup("TS-9", "no", 26),
        ],
    )
    assert followup_attempts("TS-1", revisits) == 3
    assert followup_attempts("TS-1", revisits, since=RESOLVED_AT) == 2
    assert next_attempt("TS-1", revisits, since=RESOLVED_AT) == 3
    assert next_attempt("TS-1", revisits) == 3
    assert next_attempt("TS-2", revisits) == 1
    # a typed attempt number counts for nothing: only recorded calls do
    typed = frame("revisits", [followup("TS-1", "no", 25, attempt=2)])
    assert followup_attempts("TS-1", typed) == 1


def test_followups_for_staff_are_the_complaints_they_did_not_handle_or_receive() -> None:
    complaints = frame(
        "complaints",
        [
            complaint("TS-1"),
            complaint("TS-2", handler="赵敏"),
            complaint("TS-3", handler="", first_receiver="赵敏"),
        ],
    )
    q = followup_queue(complaints, frame("revisits", []), S)
    assert followups_for(q, "赵敏")["complaint_id"].tolist() == ["TS-1"]
    assert followups_for(q, "李雷")["complaint_id"].tolist() == ["TS-2", "TS-3"]
    assert followups_for(q, "王芳")["complaint_id"].tolist() == ["TS-3"]
    # a one-person desk: the ones they handle or first received
    alone = Settings(followup_by_anyone=True)
    assert followups_for(q, "赵敏", alone)["complaint_id"].tolist() == ["TS-2", "TS-3"]
    assert followups_for(q, "王芳", alone)["complaint_id"].tolist() == ["TS-1", "TS-2"]


# --- routine queue -------------------------------------------------------------------------


def client(cid: str, grade: str, registered: dt.date | None, **fields: object) -> dict:
    row = {
        "client_id": cid,
        "name": f"客户{cid}",
        "phone": "13800000000",
        "grade": grade,
        "owner": "王芳",
        "status": "active",
        "registered_on": registered,
    }
    row.update(fields)
    return row


def visit(cid: str, done: dt.datetime, reached: str = "yes", kind: str = "routine") -> dict:
    return {
        "revisit_id": f"HF-{cid}-{done:%m%d}",
        "client_id": cid,
        "kind": kind,
        "done_at": done,
        "staff": "王芳",
        "reached": reached,
    }


def test_cadence_per_grade_due_late_not_yet() -> None:
    # each client last reached on the day given (a client never reached is a new client's
    # first contact, due a week after registration: tests/test_policy.py)
    last = {
        "A1": dt.date(2026, 11, 1),  # due 12-01: due exactly today
        "A2": dt.date(2026, 11, 2),  # due 12-02: not yet
        "B1": dt.date(2026, 9, 1),  # due 11-30: 1 day late
        "C1": dt.date(2026, 6, 4),  # due 12-01
        "D1": dt.date(2025, 12, 1),  # due 12-01 (365 days)
        "D2": dt.date(2025, 12, 2),  # blank grade → D: due 12-02, not yet
    }
    grades = {"A1": "A", "A2": "A", "B1": "B", "C1": "C", "D1": "D", "D2": ""}
    clients = frame("clients", [client(c, grades[c], dt.date(2025, 1, 1)) for c in last])
    revisits = frame(
        "revisits", [visit(c, dt.datetime.combine(day, dt.time(10))) for c, day in last.items()]
    )
    q = routine_queue(clients, revisits, TODAY, S).set_index("client_id")
    assert sorted(q.index) == ["A1", "B1", "C1", "D1"]
    assert q.loc["A1", "due_on"] == pd.Timestamp(2026, 12, 1)
    assert q.loc["A1", "days_late"] == 0 and not q.loc["A1", "late"]
    assert q.loc["B1", "days_late"] == 1 and q.loc["B1", "late"]
    assert q.index[0] == "B1"  # most overdue first
    assert q.loc["A1", "last_reached"] == pd.Timestamp(2026, 11, 1, 10)
    assert q.loc["A1", "kind"] == "key_client" and q.loc["B1", "kind"] == "routine"
    assert list(q.reset_index().columns) == [
        "client_id",
        "name",
        "grade",
        "owner",
        "last_reached",
        "due_on",
        "days_late",
        "late",
        "kind",
    ]


def test_cadence_counts_from_last_reached_revisit_of_any_kind() -> None:
    clients = frame(
        "clients",
        [
            client("A1", "A", dt.date(2025, 1, 1)),
            client("A2", "A", dt.date(2025, 1, 1)),
            client("A3", "A", dt.date(2025, 1, 1)),
        ],
    )
    revisits = frame(
        "revisits",
        [
            visit("A1", dt.datetime(2026, 11, 15, 16)),  # due 12-15
            visit("A2", dt.datetime(2026, 10, 1, 9), kind="complaint_followup"),  # due 10-31
            visit("A2", dt.datetime(2026, 11, 20, 9), reached="no"),  # not reached
            visit("A3", dt.datetime(2026, 10, 20, 9)),
            visit("A3", dt.datetime(2026, 9, 1, 9)),
        ],
    )
    q = routine_queue(clients, revisits, TODAY, S).set_index("client_id")
    assert sorted(q.index) == ["A2", "A3"]
    assert q.loc["A2", "last_reached"] == pd.Timestamp(2026, 10, 1, 9)
    assert q.loc["A2", "due_on"] == pd.Timestamp(2026, 10, 31)
    assert q.loc["A2", "days_late"] == 31
    assert q.loc["A3", "due_on"] == pd.Timestamp(2026, 11, 19)


def test_dormant_and_lost_by_their_cadence_blank_status_and_no_date_due_now() -> None:
    # dormant and lost clients are revisited to win them back: registered 2020-01-01, never
    # reached, + 180 days = 2020-06-29 (seeds: 不活跃客户促进、流失客户促进)
    clients = frame(
        "clients",
        [
            client("X1", "A", dt.date(2020, 1, 1), status="dormant"),
            client("X2", "A", dt.date(2020, 1, 1), status="lost"),
            client("X3", "B", None, status=""),
        ],
    )
    q = routine_queue(clients, frame("revisits", []), TODAY, S)
    assert q["client_id"].tolist() == ["X1", "X2", "X3"]
    assert q.iloc[0]["due_on"] == pd.Timestamp(2020, 6, 29)
    assert q.iloc[2]["due_on"] == pd.Timestamp(TODAY)
    assert q.iloc[2]["days_late"] == 0


def test_configured_cadence_and_owner_filter() -> None:
    settings = Settings(cadence_days={"A": 10, "B": 90, "C": 180, "D": 365})
    clients = frame(
        "clients",
        [
            client("A1", "A", dt.date(2026, 11, 20)),
            client("A2", "A", dt.date(2026, 11, 20), owner="李雷"),
        ],
    )
    q = routine_queue(clients, frame("revisits", []), TODAY, settings)
    assert q["client_id"].tolist() == ["A1", "A2"]
    assert routine_for(q, "李雷")["client_id"].tolist() == ["A2"]
    assert routine_for(q, "nobody").empty


# --- revisit effects -----------------------------------------------------------------------


def test_reached_and_solved_closes() -> None:
    c = complaint("TS-1", progress_log="旧")
    r = followup("TS-1", "yes", 25, solved="yes", attitude="satisfied")
    out = revisit_effects(c, r, frame("revisits", [r]), actor="赵敏", now=NOW, settings=S)
    assert out == {
        "status": "closed",
        "closed_at": NOW,
        "progress_log": "旧\n2026-12-01 09:30 赵敏 close: follow-up HF-TS-1-25: client reached, "
        "problem solved",
    }


def test_not_solved_reopens_and_escalates_one_level() -> None:
    c = complaint("TS-1", level="department")
    r = followup("TS-1", "yes", 25, solved="no", attitude="average")
    out = revisit_effects(c, r, frame("revisits", []), actor="李雷", now=NOW, settings=S)
    assert out["status"] == "in_progress"
    assert out["level"] == "management"
    reopened, escalated = out["progress_log"].splitlines()
    assert reopened.startswith(
        "2026-12-01 09:30 李雷 reopen: follow-up HF-TS-1-25: the client says the problem is "
        "not solved — resolved "
    )
    assert escalated == (
        "2026-12-01 09:30 李雷 escalate→management: follow-up HF-TS-1-25: the client says the "
        "problem is not solved"
    )
    assert out["resolution"] == "" and out["resolved_at"] is None and out["due_at"] > NOW


def test_unsatisfied_reopens_closed_complaint_and_clears_closed_at() -> None:
    c = complaint("TS-1", "closed", closed_at=NOW, level="")
    r = followup("TS-1", "yes", 25, solved="yes", attitude="unsatisfied")
    out = revisit_effects(c, r, frame("revisits", []), actor="李雷", now=NOW, settings=S, lang="zh")
    assert out["status"] == "in_progress"
    assert out["closed_at"] is None
    assert out["level"] == "department"
    assert "客户不满意" in out["progress_log"]


def test_reopen_at_executive_stays_at_top_level() -> None:
    c = complaint("TS-1", level="executive")
    r = followup("TS-1", "yes", 25, solved="no", attitude="unsatisfied")
    out = revisit_effects(c, r, frame("revisits", []), actor="李雷", now=NOW, settings=S)
    assert out["status"] == "in_progress"
    assert "level" not in out
    assert out["progress_log"].endswith("already at the top level, not escalated")
    assert len(out["progress_log"].splitlines()) == 1


def test_third_unreached_attempt_flags_for_manager() -> None:
    c = complaint("TS-1")
    earlier = [followup("TS-1", "no", 25), followup("TS-1", "no", 26)]
    third = followup("TS-1", "no", 27)
    for revisits in (frame("revisits", earlier), frame("revisits", [*earlier, third])):
        out = revisit_effects(c, third, revisits, actor="李雷", now=NOW, settings=S)
        assert list(out) == ["progress_log"]
        assert (
            "李雷 unreachable: follow-up HF-TS-1-27: attempt 3, client not reached"
            in (out["progress_log"])
        )
    second = revisit_effects(
        c, earlier[1], frame("revisits", earlier[:1]), actor="李雷", now=NOW, settings=S
    )
    assert second == {}
    # a typed "3" on the first recorded call is not the third call
    typed = followup("TS-1", "no", 27, attempt=3)
    out = revisit_effects(c, typed, frame("revisits", []), actor="李雷", now=NOW, settings=S)
    assert out == {}


def test_no_effect_cases() -> None:
    c = complaint("TS-1")
    revisits = frame("revisits", [])
    solved = followup("TS-1", "yes", 25, solved="yes", attitude="satisfied")
    # a routine revisit, another complaint's follow-up, an unresolved complaint
    assert (
        revisit_effects(c, {**solved, "kind": "routine"}, revisits, actor="a", now=NOW, settings=S)
        == {}
    )
    assert (
        revisit_effects(
            c, {**solved, "complaint_id": "TS-2"}, revisits, actor="a", now=NOW, settings=S
        )
        == {}
    )
    open_ = complaint("TS-1", "in_progress")
    assert revisit_effects(open_, solved, revisits, actor="a", now=NOW, settings=S) == {}
    closed = complaint("TS-1", "closed", closed_at=NOW)
    assert revisit_effects(closed, solved, revisits, actor="a", now=NOW, settings=S) == {}
