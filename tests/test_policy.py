"""The seeds' duties without loopholes (issue "Policy fidelity"): one rule test per duty, each
with its dates worked out by hand in the comments.

Calendar: Settings() counts China's working days (2026: 1–7 Oct off, Sat 10 Oct worked);
23 Nov 2026 is a Monday, 20 Nov a Friday.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from tests.frames import frame
from utils import dashboard_view as dv
from utils import deadlines, operations, views
from utils import workflow as wf
from utils.auth import User
from utils.errors import WorkflowError
from utils.i18n import en, zh
from utils.metrics import Filters, dashboard, month_period
from utils.metrics import staff as mstaff
from utils.metrics.lists import overdue_list
from utils.queues import followup_queue, followups_for, revisit_effects, routine_queue
from utils.settings import Settings

S = Settings()


def anyone() -> Settings:
    """A one-person desk: the handler may follow up their own complaint."""
    return replace(S, followup_by_anyone=True)


NOW = dt.datetime(2026, 11, 23, 10, 5)  # a Monday
MANAGER = User("周主任", "manager")
REVISITER = User("赵敏", "staff")  # nobody's handler: an independent follow-up


def complaint(**fields: object) -> dict:
    base = {
        "complaint_id": "TS-1",
        "client_id": "KH-1",
        "received_at": dt.datetime(2026, 11, 20, 9, 0),
        "severity": "normal",
        "description": "空调不制冷",
        "first_receiver": "王芳",
        "handler": "李娜",
        "level": "frontline",
        "status": "resolved",
        "resolved_at": dt.datetime(2026, 11, 24, 15, 0),
        "resolution": "已更换压缩机",
        "closed_at": None,
        "progress_log": "",
    }
    base.update(fields)
    return base


def followup(reached: str, done_at: dt.datetime, **fields: object) -> dict:
    row = {
        "revisit_id": f"HF-{done_at:%d%H%M}",
        "client_id": "KH-1",
        "complaint_id": "TS-1",
        "kind": "complaint_followup",
        "done_at": done_at,
        "staff": "赵敏",
        "reached": reached,
        "solved": "yes" if reached == "yes" else "",
        "attitude": "satisfied" if reached == "yes" else "",
    }
    row.update(fields)
    return row


def revisits(*rows: dict) -> pd.DataFrame:
    return frame("revisits", list(rows))


def close_key(c: dict, rows: pd.DataFrame, settings: Settings = S, role: str = "manager") -> str:
    """The refusal key of closing `c` ("" when it closes)."""
    actor = "周主任" if role == "manager" else "李娜"  # the manager, or the handler
    try:
        wf.close(c, actor=actor, now=NOW, revisits=rows, settings=settings, reason="r", role=role)
    except WorkflowError as err:
        return err.key
    return ""


# --- 1. a new reached follow-up after the LATEST resolution, to the minute --------------------


def test_a_followup_earlier_the_same_day_does_not_close_a_complaint_resolved_again() -> None:
    # resolved, followed up (solved) at 10:00, reopened and resolved again at 15:00 the same
    # day: the 10:00 follow-up says nothing about the new resolution
    c = complaint(resolved_at=dt.datetime(2026, 11, 24, 15, 0))
    before = followup("yes", dt.datetime(2026, 11, 24, 10, 0))
    assert close_key(c, revisits(before)) == "workflow.close_needs_followup"
    q = followup_queue(frame("complaints", [c]), revisits(before), S)
    assert q["complaint_id"].tolist() == ["TS-1"]  # still waiting for its follow-up
    after = followup("yes", dt.datetime(2026, 11, 24, 15, 30))
    assert close_key(c, revisits(before, after)) == ""
    out = wf.close(c, actor="李娜", now=NOW, revisits=revisits(before, after), settings=S)
    assert "HF-241530" in out["progress_log"]
    # the minute of the resolution itself counts as after it; a minute earlier does not
    same_minute = followup("yes", dt.datetime(2026, 11, 24, 15, 0))
    assert close_key(c, revisits(same_minute)) == ""
    minute_before = followup("yes", dt.datetime(2026, 11, 24, 14, 59))
    assert close_key(c, revisits(minute_before)) == "workflow.close_needs_followup"


def test_unreached_attempts_start_again_after_a_new_resolution() -> None:
    c = complaint(resolved_at=dt.datetime(2026, 11, 24, 15, 0))
    old = [followup("no", dt.datetime(2026, 11, 24, h, 0)) for h in (9, 10, 11)]
    q = followup_queue(frame("complaints", [c]), revisits(*old), S)
    assert q.iloc[0]["attempts"] == 0 and not q.iloc[0]["unreachable"]
    assert close_key(c, revisits(*old)) == "workflow.close_needs_followup"


# --- 2. at most max_attempts unreached calls per round; numbers from the records --------------


def test_a_typed_attempt_number_does_not_unlock_the_managers_close() -> None:
    c = complaint()
    typed = followup("no", dt.datetime(2026, 11, 25, 9, 0), attempt=3)
    with pytest.raises(WorkflowError) as e:
        wf.close(
            c,
            actor="周主任",
            now=NOW,
            revisits=revisits(typed),
            settings=S,
            reason="r",
            role="manager",
        )
    assert e.value.key == "workflow.close_needs_followup"
    assert e.value.params == {"attempts": 1, "max": 3}
    q = followup_queue(frame("complaints", [c]), revisits(typed), S)
    assert (q.iloc[0]["attempts"], q.iloc[0]["next_attempt"], q.iloc[0]["unreachable"]) == (
        1,
        2,
        False,
    )
    # nor does it make the recorded follow-up the "last attempt" that flags a manager
    effects = revisit_effects(c, typed, revisits(typed), actor="赵敏", now=NOW, settings=S)
    assert effects == {}


def test_three_recorded_unreached_calls_unlock_the_managers_close() -> None:
    calls = [followup("no", dt.datetime(2026, 11, 25, h, 0), attempt=1) for h in (9, 10, 11)]
    assert close_key(complaint(), revisits(*calls)) == ""
    assert close_key(complaint(), revisits(*calls), role="staff") == (
        "workflow.close_unreachable_manager"
    )


def test_a_fourth_unreached_call_is_refused_not_stored_as_three(fresh_store) -> None:
    cid = _resolved_complaint(fresh_store)
    for n in (1, 2, 3):
        out = _record(fresh_store, cid, "no")
        assert out.revisit.record["attempt"] == n
    with pytest.raises(WorkflowError) as e:
        _record(fresh_store, cid, "no")
    assert e.value.key == "workflow.attempts_exhausted"
    assert "manager" in e.value.message("en") and "主管" in e.value.message("zh")
    assert len(fresh_store.read().revisits) == 3  # nothing stored
    # reaching the client is still welcome: it closes the complaint
    out = _record(fresh_store, cid, "yes", solved="yes", attitude="satisfied", score=9)
    assert out.effect == "closed"


def _resolved_complaint(store, handler: str = "李娜") -> str:
    saved = store.append(
        "complaints",
        {
            "client_id": "KH-1",
            "received_at": dt.datetime(2026, 11, 20, 9, 0),
            "description": "x",
            "first_receiver": "王芳",
            "handler": handler,
            "status": "resolved",
            "resolved_at": dt.datetime(2026, 11, 23, 9, 0),
            "resolution": "退款",
        },
        user="王芳",
    )
    return saved.record_id


def _record(store, cid: str, reached: str, user: User = REVISITER, **answers: object):
    return operations.record_revisit(
        store,
        {"kind": "complaint_followup", "complaint_id": cid, "reached": reached, **answers},
        user=user,
        when=dt.datetime(2026, 11, 23, 10, 0),
        settings=S,
        lang="en",
    )


# --- 3. the follow-up is someone else's: not the handler's, not the first receiver's ----------


def test_the_handler_and_first_receiver_are_not_offered_the_followup() -> None:
    rows = frame(
        "complaints",
        [complaint(), complaint(complaint_id="TS-2", handler="", first_receiver="张伟")],
    )
    q = followup_queue(rows, revisits(), S)
    assert followups_for(q, "李娜")["complaint_id"].tolist() == ["TS-2"]  # TS-1 is hers
    assert followups_for(q, "王芳")["complaint_id"].tolist() == ["TS-2"]  # she received TS-1
    assert followups_for(q, "张伟")["complaint_id"].tolist() == ["TS-1"]
    assert followups_for(q, "赵敏")["complaint_id"].tolist() == ["TS-1", "TS-2"]
    # a one-person desk: whoever handled it follows it up
    assert followups_for(q, "李娜", anyone())["complaint_id"].tolist() == ["TS-1"]


def test_the_handlers_own_followup_does_not_close_the_complaint() -> None:
    c = complaint()
    own = followup("yes", dt.datetime(2026, 11, 25, 9, 0), staff="李娜")
    assert revisit_effects(c, own, revisits(own), actor="李娜", now=NOW, settings=S) == {}
    assert close_key(c, revisits(own)) == "workflow.close_needs_independent"
    q = followup_queue(frame("complaints", [c]), revisits(own), S)
    assert q["complaint_id"].tolist() == ["TS-1"]  # still waiting for someone else
    receiver = followup("yes", dt.datetime(2026, 11, 25, 9, 0), staff=" 王芳 ")
    assert close_key(c, revisits(receiver)) == "workflow.close_needs_independent"
    # an unhappy answer still reopens it, whoever heard it
    unhappy = followup("yes", dt.datetime(2026, 11, 25, 9, 0), staff="李娜", solved="no")
    assert revisit_effects(c, unhappy, revisits(), actor="李娜", now=NOW, settings=S)["status"] == (
        "in_progress"
    )
    # someone else's follow-up closes it; on a one-person desk the handler's own does
    other = followup("yes", dt.datetime(2026, 11, 25, 9, 0))
    assert revisit_effects(c, other, revisits(other), actor="赵敏", now=NOW, settings=S)[
        "status"
    ] == ("closed")
    assert close_key(c, revisits(own), anyone()) == ""
    assert revisit_effects(c, own, revisits(own), actor="李娜", now=NOW, settings=anyone())
    assert followup_queue(frame("complaints", [c]), revisits(own), anyone()).empty


def test_the_handlers_followup_is_recorded_and_says_why_it_does_not_close(fresh_store) -> None:
    cid = _resolved_complaint(fresh_store)
    out = _record(fresh_store, cid, "yes", user=User("李娜", "staff"), solved="yes", score=10)
    assert out.effect == "not_independent" and out.complaint is None
    assert fresh_store.read().record("complaints", cid)["status"] == "resolved"
    assert len(fresh_store.read().revisits) == 1
    assert en.MESSAGES["revisits.effect.not_independent"]
    assert zh.MESSAGES["revisits.effect.not_independent"]


# --- 4. feedback to the client whenever it is resolved or closed -------------------------------


def test_feedback_may_be_recorded_after_an_automatic_close() -> None:
    closed = complaint(status="closed", closed_at=dt.datetime(2026, 11, 25, 9, 0))
    out = wf.record_feedback(closed, actor="李娜", now=NOW, note="电话告知结果")
    assert out["feedback_at"] == NOW
    assert "record_feedback" in wf.allowed_actions(closed, "staff", revisits(), S, "李娜")
    with pytest.raises(WorkflowError):
        wf.record_feedback(complaint(status="in_progress"), actor="李娜", now=NOW)


# --- 5. next_revisit_on brings the client into the routine queue -------------------------------


def client(cid: str = "KH-1", **fields: object) -> dict:
    row = {
        "client_id": cid,
        "name": f"客户{cid}",
        "phone": "13800000000",
        "grade": "D",
        "owner": "王芳",
        "status": "active",
        "registered_on": dt.date(2025, 1, 1),
    }
    row.update(fields)
    return row


def visit(cid: str, done: dt.datetime, **fields: object) -> dict:
    row = {
        "revisit_id": f"HF-{cid}-{done:%m%d}",
        "client_id": cid,
        "kind": "routine",
        "done_at": done,
        "staff": "王芳",
        "reached": "yes",
    }
    row.update(fields)
    return row


def test_next_revisit_on_brings_the_client_in_on_that_day() -> None:
    # grade D: the cadence alone would make it due on 2027-11-01
    clients = frame("clients", [client()])
    asked = visit("KH-1", dt.datetime(2026, 11, 1, 10), next_revisit_on=dt.date(2026, 11, 20))
    rows = revisits(asked)
    assert routine_queue(clients, rows, dt.date(2026, 11, 19), S).empty
    q = routine_queue(clients, rows, dt.date(2026, 11, 20), S)
    assert q["client_id"].tolist() == ["KH-1"]
    assert q.iloc[0]["due_on"] == pd.Timestamp(2026, 11, 20)
    # a later revisit without a date replaces the request: the cadence again
    later = visit("KH-1", dt.datetime(2026, 11, 21, 10))
    assert routine_queue(clients, revisits(asked, later), dt.date(2026, 11, 25), S).empty


# --- 6. escalation levels typed by hand --------------------------------------------------------


def test_levels_that_skip_a_step_or_lack_their_log_line_are_warnings() -> None:
    from utils.policy_checks import level_problems

    dept = "2026-11-20 10:00 王芳 escalate→department: 超出权限"
    mgmt = "2026-11-21 10:00 李主任 escalate→management: 需要协调"
    rows = frame(
        "complaints",
        [
            complaint(complaint_id="A", level="department", progress_log=dept),  # row 2: fine
            complaint(complaint_id="B", level="management", progress_log=f"{dept}\n{mgmt}"),
            complaint(complaint_id="C", level="management", progress_log=mgmt),  # row 4: skip
            complaint(complaint_id="D", level="department", progress_log=""),  # row 5: no line
            complaint(complaint_id="E", level="frontline", progress_log=""),
            complaint(complaint_id="F", level="", progress_log="客户很着急"),
            complaint(
                complaint_id="G",
                level="department",
                progress_log="2026-11-20 10:00 王芳 升级→部门负责人：超出权限",
            ),
        ],
    )
    found = {(p.row, p.key) for p in level_problems(rows)}
    assert found == {(4, "problem.level_skipped"), (5, "problem.level_unexplained")}
    problems = level_problems(rows)
    assert all(p.level == "warning" and p.tab == "complaints" for p in problems)
    assert all(p.column == "level" for p in problems)
    skipped = next(p for p in problems if p.row == 4)
    assert "Frontline" in skipped.message("en") and "分管领导" in skipped.message("zh")


def test_the_store_snapshot_reports_a_hand_typed_level(fresh_store) -> None:
    fresh_store.append(
        "complaints",
        {
            "received_at": dt.datetime(2026, 11, 20, 9, 0),
            "description": "x",
            "first_receiver": "王芳",
            "level": "management",
        },
        user="王芳",
    )
    problems = [p for p in fresh_store.read(fresh=True).problems if p.column == "level"]
    assert [(p.row, p.key, p.letter is not None) for p in problems] == [
        (2, "problem.level_unexplained", True)
    ]


# --- 7. one working day to start handling ------------------------------------------------------


def test_not_started_after_one_working_day_on_the_calendar() -> None:
    rows = frame(
        "complaints",
        [
            # Fri 20 Nov 16:00 + 1 working day = Mon 23 Nov 16:00
            complaint(
                complaint_id="A", received_at=dt.datetime(2026, 11, 20, 16), status="received"
            ),
            complaint(complaint_id="B", received_at=dt.datetime(2026, 11, 20, 16), status=""),
            complaint(
                complaint_id="C", received_at=dt.datetime(2026, 11, 20, 16), status="in_progress"
            ),
            # Wed 30 Sep 10:00: 1–7 Oct off, 3–4 Oct weekend → Thu 8 Oct 10:00
            complaint(
                complaint_id="D", received_at=dt.datetime(2026, 9, 30, 10), status="received"
            ),
        ],
    )
    at_limit = deadlines.not_started_mask(rows, dt.datetime(2026, 11, 23, 16, 0), S)
    assert at_limit.tolist() == [False, False, False, True]
    after = deadlines.not_started_mask(rows, dt.datetime(2026, 11, 23, 16, 1), S)
    assert after.tolist() == [True, True, False, True]
    d_only = rows.iloc[[3]]
    assert not deadlines.not_started_mask(d_only, dt.datetime(2026, 10, 8, 10, 0), S).iloc[0]
    assert deadlines.not_started_mask(d_only, dt.datetime(2026, 10, 8, 10, 1), S).iloc[0]


def test_not_started_badge_tile_and_list() -> None:
    late = complaint(received_at=dt.datetime(2026, 11, 20, 16), status="received")
    line = views.complaint_badges(late, S, dt.datetime(2026, 11, 23, 16, 1), "en")
    assert "Not started" in line
    assert "Not started" not in views.complaint_badges(late, S, dt.datetime(2026, 11, 23, 16), "en")
    clients = frame("clients", [client(grade="A")])
    complaints = frame("complaints", [late, complaint(complaint_id="TS-2", status="in_progress")])
    now = pd.Timestamp("2026-11-23 17:00")
    d = dashboard(clients, complaints, revisits(), Filters.for_period(month_period(now)), now, S)
    assert d.kpis["not_started"].value == 1
    assert d.not_started["complaint_id"].tolist() == ["TS-1"]
    assert "not_started" in {k for _, keys in dv.KPI_ROWS for k in keys}


# --- 8. the deadline the client asked for ------------------------------------------------------


def test_an_earlier_requested_deadline_wins() -> None:
    received = dt.datetime(2026, 11, 23, 10, 5)  # normal: due Thu 26 Nov 10:05
    asked = dt.datetime(2026, 11, 24, 12, 0)
    assert deadlines.compute_due_at(received, "normal", S) == dt.datetime(2026, 11, 26, 10, 5)
    assert deadlines.compute_due_at(received, "normal", S, requested=asked) == asked
    later = dt.datetime(2026, 11, 30, 12, 0)
    assert deadlines.compute_due_at(received, "normal", S, requested=later) == dt.datetime(
        2026, 11, 26, 10, 5
    )
    rows = frame(
        "complaints",
        [
            complaint(received_at=received, due_at=None, requested_due=asked, status="received"),
            complaint(
                complaint_id="TS-2",
                received_at=received,
                due_at=dt.datetime(2026, 11, 26, 10, 5),
                requested_due=asked,
                status="received",
            ),
            complaint(
                complaint_id="TS-3", received_at=received, requested_due=later, status="received"
            ),
        ],
    )
    assert deadlines.fill_due(rows, S).tolist() == [
        pd.Timestamp(asked),
        pd.Timestamp(asked),
        pd.Timestamp(2026, 11, 26, 10, 5),
    ]
    assert deadlines.overdue_mask(rows, dt.datetime(2026, 11, 24, 12, 1), S).tolist() == [
        True,
        True,
        False,
    ]
    one = rows.iloc[1].to_dict()
    assert deadlines.effective_due_at(one, S) == asked
    fields = wf.new_complaint_fields(
        "KH-1", "phone", "billing", "normal", "x", "王芳", received, S, requested_due=asked
    )
    assert fields["due_at"] == asked and fields["requested_due"] == asked


def test_the_requested_deadline_column_is_in_the_schema() -> None:
    from sheets_schema.tables import TABLES, match_header

    column = TABLES["complaints"].by_field["requested_due"]
    assert column.label("zh") == "客户要求时限"
    assert column.label("en") == "Deadline the client asked for"
    assert match_header("complaints", "客户要求时限") == "requested_due"


# --- 9. star of the month: the people who SERVED the clients -----------------------------------


def _star_frames(verified_c1: str = "yes", extra: tuple[dict, ...] = ()):
    clients = frame(
        "clients",
        [
            client("K1", owner="王芳", grade="A"),
            client("K2", owner="李娜", grade="B"),
            client("K3", owner="张伟", grade="C"),
        ],
    )
    base = {"description": "x", "first_receiver": "张伟", "status": "closed"}
    complaints = frame(
        "complaints",
        [
            # about 王芳, handled by 李娜
            {
                **base,
                "complaint_id": "C1",
                "client_id": "K1",
                "received_at": dt.datetime(2026, 10, 5, 9),
                "handler": "李娜",
                "responsible_staff": "王芳",
                "verified": verified_c1,
                "resolution": "r",
                "resolved_at": dt.datetime(2026, 10, 6, 9),
                "closed_at": dt.datetime(2026, 10, 8, 9),
            },
            # no handler: served by the client's owner 李娜
            {
                **base,
                "complaint_id": "C2",
                "client_id": "K2",
                "received_at": dt.datetime(2026, 10, 6, 9),
                "handler": "",
                "resolution": "r",
                "resolved_at": dt.datetime(2026, 10, 7, 9),
                "closed_at": dt.datetime(2026, 10, 9, 9),
            },
            {
                **base,
                "complaint_id": "C3",
                "client_id": "K3",
                "received_at": dt.datetime(2026, 10, 7, 9),
                "handler": "张伟",
                "responsible_staff": "张伟",
                "verified": "no",
                "status": "in_progress",
            },
        ],
    )
    fu = {"kind": "complaint_followup", "staff": "赵敏", "reached": "yes", "solved": "yes"}
    rt = {"kind": "routine", "staff": "赵敏", "reached": "yes"}
    oct10 = dt.datetime(2026, 10, 10, 10)
    rows = revisits(
        {
            **fu,
            "revisit_id": "R1",
            "client_id": "K1",
            "complaint_id": "C1",
            "done_at": oct10,
            "score": 9,
        },
        {
            **fu,
            "revisit_id": "R2",
            "client_id": "K2",
            "complaint_id": "C2",
            "done_at": oct10,
            "score": 7,
        },
        {**rt, "revisit_id": "R3", "client_id": "K1", "done_at": oct10, "score": 8},
        {**rt, "revisit_id": "R4", "client_id": "K1", "done_at": oct10, "score": 8},
        {**rt, "revisit_id": "R5", "client_id": "K3", "done_at": oct10, "score": 10},
        {**rt, "revisit_id": "R6", "client_id": "K3", "done_at": oct10},  # no score
        {**rt, "revisit_id": "R7", "client_id": "K2", "done_at": oct10, "reached": "no"},
        {
            **rt,
            "revisit_id": "R8",
            "client_id": "K3",
            "done_at": dt.datetime(2026, 9, 9),
            "score": 1,
        },
        *extra,
    )
    return clients, complaints, rows


def test_the_star_is_who_served_not_who_called() -> None:
    clients, complaints, rows = _star_frames()
    # 李娜 served C1 (9) and C2 (7): 8.0 over 2; 王芳 owns K1 (8, 8): 8.0 over 2; 张伟 one
    # score (10): below N = 2; 赵敏 made every call but served nobody
    ranking = mstaff.star_ranking(rows, "2026-10", 2, complaints=complaints, clients=clients)
    assert ranking["staff"].tolist() == ["李娜", "王芳"]
    assert ranking["scored"].tolist() == [2, 2]
    assert ranking["verified"].tolist() == [0, 1]  # C1, about 王芳, verified true
    stars = mstaff.stars_of_the_month(rows, "2026-10", 2, complaints=complaints, clients=clients)
    assert [s.staff for s in stars] == ["李娜"]  # the tie goes to fewer verified complaints
    assert stars[0].avg_score == pytest.approx(8.0) and stars[0].scored == 2
    one = mstaff.star_of_the_month(rows, "2026-10", 1, complaints=complaints, clients=clients)
    assert one is not None and one.staff == "张伟"  # 10 with one score is enough at N = 1


def test_joint_stars_and_more_scores_first() -> None:
    clients, complaints, rows = _star_frames(verified_c1="no")
    stars = mstaff.stars_of_the_month(rows, "2026-10", 2, complaints=complaints, clients=clients)
    assert [s.staff for s in stars] == ["李娜", "王芳"]  # same average, count and record
    more = {
        "revisit_id": "R9",
        "client_id": "K1",
        "kind": "routine",
        "staff": "赵敏",
        "reached": "yes",
        "done_at": dt.datetime(2026, 10, 11, 10),
        "score": 8,
    }
    clients, complaints, rows = _star_frames(verified_c1="no", extra=(more,))
    stars = mstaff.stars_of_the_month(rows, "2026-10", 2, complaints=complaints, clients=clients)
    assert [s.staff for s in stars] == ["王芳"]  # 8.0 over 3 beats 8.0 over 2


def test_staff_table_shows_complaints_about_each_person() -> None:
    clients, complaints, rows = _star_frames()
    oct_ = month_period("2026-10")
    table = mstaff.staff_table(
        complaints, rows, oct_, pd.Timestamp("2026-11-05"), S, clients=clients
    ).set_index("staff")
    assert table.loc["王芳", "complaints_about"] == 1 and table.loc["王芳", "verified"] == 1
    assert table.loc["张伟", "complaints_about"] == 1 and table.loc["张伟", "verified"] == 0
    assert table.loc["李娜", "complaints_about"] == 0
    assert table.loc["李娜", "avg_score"] == pytest.approx(8.0)  # served, not called
    assert table.loc["李娜", "scored"] == 2
    assert pd.isna(table.loc["赵敏", "avg_score"]) and table.loc["赵敏", "revisits"] == 7


# --- 10. key clients, new clients, dormant and lost clients ------------------------------------


def test_key_client_complaints_stand_out_and_may_have_their_own_limit() -> None:
    line = views.complaint_badges(complaint(status="in_progress"), S, NOW, "en", grade="A")
    assert "Key client" in line
    assert "Key client" not in views.complaint_badges(complaint(), S, NOW, "en", grade="B")
    received = dt.datetime(2026, 11, 23, 10, 5)
    key = replace(S, key_client_time_limit=1)
    fields = wf.new_complaint_fields(
        "KH-1", "phone", "billing", "normal", "x", "王芳", received, key, key_client=True
    )
    assert fields["due_at"] == dt.datetime(2026, 11, 24, 10, 5)  # 1 working day, not 3
    # the default: as their severity
    fields = wf.new_complaint_fields(
        "KH-1", "phone", "billing", "normal", "x", "王芳", received, S, key_client=True
    )
    assert fields["due_at"] == dt.datetime(2026, 11, 26, 10, 5)
    # a hand-typed row without due_at: the key-client limit when the clients are known
    rows = frame("complaints", [complaint(received_at=received, status="received")])
    clients = frame("clients", [client(grade="A")])
    assert deadlines.fill_due(rows, key, clients).tolist() == [pd.Timestamp(2026, 11, 24, 10, 5)]
    shown = rows.assign(overdue=[False])
    table = views.complaint_rows(shown, pd.Series({"KH-1": "客户"}), "en", key_clients={"KH-1"})
    assert table[views.key_client_heading("en")].tolist() == ["★"]
    listed = overdue_list(rows, pd.Timestamp("2026-12-01"), key, clients)
    assert listed["key_client"].tolist() == [True]
    assert dv.list_table(listed, dv.OVERDUE_COLUMNS, "en")["Client"].tolist() == ["★ 客户KH-1"]


def test_key_client_revisits_go_to_the_owner_as_key_client_kind() -> None:
    clients = frame("clients", [client("A1", grade="A", owner="李娜"), client("B1", grade="B")])
    old = dt.datetime(2025, 6, 1, 10)
    q = routine_queue(
        clients, revisits(visit("A1", old), visit("B1", old)), dt.date(2026, 11, 23), S
    )
    rows = q.set_index("client_id")
    assert rows.loc["A1", "kind"] == "key_client" and rows.loc["A1", "owner"] == "李娜"
    assert rows.loc["B1", "kind"] == "routine"


def test_a_new_client_is_due_a_first_contact_within_a_week() -> None:
    # registered Mon 16 Nov, never reached: due Mon 23 Nov (not after 30 days for grade A)
    clients = frame("clients", [client("N1", grade="A", registered_on=dt.date(2026, 11, 16))])
    assert routine_queue(clients, revisits(), dt.date(2026, 11, 22), S).empty
    q = routine_queue(clients, revisits(), dt.date(2026, 11, 23), S)
    assert q.iloc[0]["due_on"] == pd.Timestamp(2026, 11, 23)
    # contacted on the 18th: the cadence from then on (due 18 Dec)
    reached = revisits(visit("N1", dt.datetime(2026, 11, 18, 10)))
    assert routine_queue(clients, reached, dt.date(2026, 11, 23), S).empty


def test_dormant_and_lost_clients_are_due_by_their_own_cadence() -> None:
    # last reached 1 Jun 2026: + 180 days = 28 Nov 2026
    clients = frame(
        "clients",
        [client("X1", status="dormant", grade="A"), client("X2", status="lost", grade="B")],
    )
    rows = revisits(
        visit("X1", dt.datetime(2026, 6, 1, 10)), visit("X2", dt.datetime(2026, 6, 1, 10))
    )
    assert routine_queue(clients, rows, dt.date(2026, 11, 27), S).empty
    q = routine_queue(clients, rows, dt.date(2026, 11, 28), S)
    assert q["client_id"].tolist() == ["X1", "X2"]
    assert set(q["due_on"]) == {pd.Timestamp(2026, 11, 28)}
    assert routine_queue(
        clients, rows, dt.date(2026, 11, 28), replace(S, cadence_inactive_days=365)
    ).empty


# --- 11. handover when someone leaves ----------------------------------------------------------


def test_handover_moves_clients_and_open_complaints(fresh_store) -> None:
    def add_client(owner: str) -> str:
        return fresh_store.append(
            "clients", {"name": f"{owner}的客户", "phone": "138", "owner": owner}, user="x"
        ).record_id

    mine = [add_client("王芳"), add_client("王芳")]
    theirs = add_client("李娜")

    def add_complaint(**fields: object) -> str:
        record = {
            "client_id": mine[0],
            "received_at": dt.datetime(2026, 11, 20, 9, 0),
            "description": "x",
            "first_receiver": "张伟",
            "status": "in_progress",
            **fields,
        }
        return fresh_store.append("complaints", record, user="x").record_id

    handled = add_complaint(handler="王芳")
    unassigned = add_complaint(handler="", first_receiver="王芳")
    done = add_complaint(
        handler="王芳", status="resolved", resolution="r", resolved_at=dt.datetime(2026, 11, 21)
    )
    about_her = add_complaint(handler="王芳", responsible_staff="李娜")
    with pytest.raises(WorkflowError) as e:
        operations.handover(fresh_store, User("张伟", "staff"), "王芳", "李娜", NOW)
    assert e.value.key == "workflow.handover_manager_only"
    out = operations.handover(fresh_store, MANAGER, "王芳", "李娜", NOW)
    assert (out.clients, out.complaints) == (2, 2)
    assert [(c.tab, c.record_id, c.reason) for c in out.conflicts] == [
        ("complaints", about_her, "about")
    ]
    snap = fresh_store.read()
    assert {snap.record("clients", c)["owner"] for c in mine} == {"李娜"}
    assert snap.record("clients", theirs)["owner"] == "李娜"
    for cid in (handled, unassigned):
        row = snap.record("complaints", cid)
        assert row["handler"] == "李娜"
        assert "周主任 handover→李娜: 王芳" in row["progress_log"]
    assert snap.record("complaints", unassigned)["first_receiver"] == "王芳"  # 首问 stays
    assert snap.record("complaints", done)["handler"] == "王芳"
    assert snap.record("complaints", about_her)["handler"] == "王芳"
    with pytest.raises(WorkflowError):
        operations.handover(fresh_store, MANAGER, "王芳", " 王芳 ", NOW)


# --- 12. the weekly complaint table and the monthly report ------------------------------------


def test_weekly_table_from_the_command_line(fresh_store, workbook_path, tmp_path) -> None:
    from utils.cli import main

    for received in (
        dt.datetime(2026, 11, 22, 20, 0),  # Sunday: the week before
        dt.datetime(2026, 11, 23, 10, 5),  # W48: due Thu 26 Nov 10:05
        dt.datetime(2026, 11, 29, 23, 0),  # Sunday of W48: counted from Mon 30 → Thu 3 Dec
        dt.datetime(2026, 11, 30, 9, 0),  # W49
    ):
        fresh_store.append(
            "complaints",
            {
                "received_at": received,
                "description": f"=cmd {received:%d}",
                "first_receiver": "王芳",
                "severity": "normal",
                "resolution": "已退款" if received.day == 23 else "",
                "status": "resolved" if received.day == 23 else "received",
                "resolved_at": dt.datetime(2026, 11, 24, 9) if received.day == 23 else None,
            },
            user="王芳",
        )
    out = tmp_path / "week.csv"
    code = main(
        [
            "report",
            "--week",
            "2026-W48",
            "--workbook",
            str(workbook_path),
            "--lang",
            "zh",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["受理时间"] for r in rows] == ["2026-11-23 10:05", "2026-11-29 23:00"]
    assert [r["处理时限"] for r in rows] == ["2026-11-26 10:05", "2026-12-03 23:00"]
    assert rows[0]["处理结果"] == "已退款" and rows[0]["处理状态"] == "已解决"
    assert rows[0]["投诉内容"] == "'=cmd 23"  # never a formula


def test_weekly_table_to_stdout(fresh_store, workbook_path, capsysbinary) -> None:
    from utils.cli import main

    assert main(["report", "--week", "2026-W48", "--workbook", str(workbook_path)]) == 0
    text = capsysbinary.readouterr().out
    assert text.startswith(b"\xef\xbb\xbf") and b"Complaint ID" in text
    with pytest.raises(SystemExit):
        main(["report", "--week", "2026-48", "--workbook", str(workbook_path)])


def test_monthly_report_lists_results_suggestions_staff_and_feedback() -> None:
    from utils.report import build_report, feedback_timeliness

    clients, complaints, rows = _star_frames()
    # C1 resolved Tue 6 Oct 09:00 (a day off) → the next working day ends Fri 9 Oct 09:00;
    # told Fri 9 Oct 08:00: in time. C2 resolved Wed 7 Oct 09:00 → Fri 9 Oct 09:00; told
    # Sat 10 Oct 10:00 (a make-up working day): late
    complaints.loc[complaints["complaint_id"] == "C1", "feedback_at"] = pd.Timestamp(
        "2026-10-09 08:00"
    )
    complaints.loc[complaints["complaint_id"] == "C2", "feedback_at"] = pd.Timestamp(
        "2026-10-10 10:00"
    )
    rows.loc[rows["revisit_id"] == "R3", "suggestions"] = "希望延长营业时间"
    oct_ = month_period("2026-10")
    timely = feedback_timeliness(complaints, oct_, S)
    assert (timely["resolved"], timely["timely"], timely["share"]) == (2, 1, 0.5)
    html = build_report(clients, complaints, rows, "2026-10", "zh", S, pd.Timestamp("2026-11-05"))
    assert "希望延长营业时间" in html
    assert "反馈客户及时率" in html and "50.0%" in html
    every = html[html.index("本月投诉及处理结果") :]
    assert all(cid in every for cid in ("C1", "C2", "C3"))
    about = html[html.index("员工被投诉情况") :]
    assert "王芳" in about and "C1" in about


def test_docs_policies_names_each_duty() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "policies.md").read_text("utf-8")
    for word in ("首问负责", "层级上报", "回访", "每月之星", "重点客户", "保密", "移交"):
        assert word in text


# --- 11 and 12 on the dashboard page: the handover form and the weekly download ---------------


def test_dashboard_hands_over_and_offers_the_weekly_table(tmp_path, monkeypatch) -> None:
    import streamlit
    from streamlit.testing.v1 import AppTest

    from utils import auth
    from utils.demo import load_demo
    from utils.i18n import t
    from utils.store.local import LocalWorkbookStore

    frozen = dt.datetime(2026, 11, 18, 10, 30)
    path = tmp_path / "demo.xlsx"
    load_demo(
        LocalWorkbookStore(path, clock=lambda: frozen),
        clients=30,
        complaints=60,
        revisits=40,
        today=frozen.date(),
    )
    for name in ("SHEETDESK_SPREADSHEET", "SHEETDESK_ROLES", "SHEETDESK_STAR_MIN_REVISITS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHEETDESK_NOW", frozen.isoformat())
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()
    owners = LocalWorkbookStore(path).read().clients["owner"].value_counts()
    leaving = str(owners.index[0])
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=90)
    at.session_state[auth.SESSION_KEY] = MANAGER
    at.session_state["sheetdesk_lang"] = "en"
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.label for b in at.get("download_button")]
    assert t("dash.dl.week_button", "en", week="2026-W47") in labels
    taking = str(owners.index[1])
    at.selectbox(key="ho_from").set_value(leaving)
    at.selectbox(key="ho_to").set_value(taking)
    next(b for b in at.button if b.label == t("dash.handover.button", "en")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    done = f"{leaving} → {taking}: {owners.iloc[0]} client(s)"
    assert any(done in x.value for x in at.success)
    after = LocalWorkbookStore(path).read().clients["owner"]
    assert (after == leaving).sum() == 0
    assert (after == taking).sum() == owners.iloc[0] + owners.iloc[1]
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()
