"""Complaint lifecycle rules: due dates, overdue, the progress log, actions and permissions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.frames import frame
from utils.errors import WorkflowError
from utils.settings import Settings
from utils.workflow import (
    allowed_actions,
    assign,
    close,
    compute_due_at,
    effective_due_at,
    escalate,
    fill_due,
    is_open,
    is_overdue,
    new_complaint_fields,
    open_mask,
    overdue_mask,
    record_feedback,
    record_progress,
    reopen,
    resolve,
)

S = Settings()
NOW = dt.datetime(2026, 11, 23, 10, 5)  # a Monday
FRI_16 = dt.datetime(2026, 11, 20, 16, 0)


def complaint(**fields: object) -> dict:
    base = {
        "complaint_id": "TS-1",
        "client_id": "KH-1",
        "received_at": FRI_16,
        "severity": "normal",
        "description": "空调不制冷",
        "first_receiver": "王芳",
        "handler": "",
        "level": "frontline",
        "status": "received",
        "due_at": None,
        "resolved_at": None,
        "resolution": "",
        "closed_at": None,
        "progress_log": "",
    }
    base.update(fields)
    return base


def resolved(**fields: object) -> dict:
    base: dict[str, object] = {
        "status": "resolved",
        "resolved_at": dt.datetime(2026, 11, 24, 9, 0),
        "resolution": "已更换压缩机",
    }
    return complaint(**{**base, **fields})


def followup(reached: str, solved: str = "", attitude: str = "", **fields: object) -> dict:
    row = {
        "revisit_id": f"HF-{reached}-{solved}-{attitude}",
        "client_id": "KH-1",
        "complaint_id": "TS-1",
        "kind": "complaint_followup",
        "done_at": dt.datetime(2026, 11, 25, 10, 0),
        "staff": "李雷",
        "reached": reached,
        "solved": solved,
        "attitude": attitude,
    }
    row.update(fields)
    return row


NO_REVISITS = frame("revisits", [])


# --- due dates -----------------------------------------------------------------------------


def test_due_friday_normal_is_wednesday_same_time() -> None:
    assert compute_due_at(FRI_16, "normal", S) == dt.datetime(2026, 11, 25, 16, 0)


def test_due_blank_severity_counts_as_normal() -> None:
    assert compute_due_at(FRI_16, "", S) == dt.datetime(2026, 11, 25, 16, 0)


def test_due_serious_and_critical() -> None:
    assert compute_due_at(FRI_16, "serious", S) == dt.datetime(2026, 11, 24, 16, 0)
    assert compute_due_at(FRI_16, "critical", S) == dt.datetime(2026, 11, 23, 16, 0)


def test_due_holiday_in_between_pushes_a_day() -> None:
    settings = Settings(holidays=frozenset({dt.date(2026, 11, 24)}))
    assert compute_due_at(FRI_16, "normal", settings) == dt.datetime(2026, 11, 26, 16, 0)


def test_due_received_on_saturday_counts_from_monday() -> None:
    sat = dt.datetime(2026, 11, 21, 9, 30)
    assert compute_due_at(sat, "critical", S) == dt.datetime(2026, 11, 24, 9, 30)


def test_due_uses_configured_limits() -> None:
    settings = Settings(time_limits={"normal": 5, "serious": 2, "critical": 1})
    assert compute_due_at(FRI_16, "normal", settings) == dt.datetime(2026, 11, 27, 16, 0)


# --- overdue -------------------------------------------------------------------------------


def test_overdue_mask_matches_hand_computed_rows() -> None:
    rows = [
        # due Wed 16:00 (computed, due_at blank), still open → overdue on Thursday
        complaint(complaint_id="a", status="in_progress"),
        # blank status counts as received
        complaint(complaint_id="b", status=""),
        # resolved complaints are never overdue
        resolved(complaint_id="c"),
        # explicit due_at in the future wins over the computed one
        complaint(complaint_id="d", due_at=dt.datetime(2026, 12, 1, 9, 0)),
        # holiday-free critical: due Mon 16:00
        complaint(complaint_id="e", severity="critical"),
        # no dates at all: cannot be overdue
        complaint(complaint_id="f", received_at=None),
    ]
    df = frame("complaints", rows)
    thursday = dt.datetime(2026, 11, 26, 8, 0)
    mask = overdue_mask(df, thursday, S)
    assert mask.tolist() == [True, True, False, False, True, False]
    assert [is_overdue(r, thursday, S) for r in rows] == mask.tolist()


def test_overdue_only_strictly_after_due() -> None:
    df = frame("complaints", [complaint()])
    due = dt.datetime(2026, 11, 25, 16, 0)
    assert not overdue_mask(df, due, S).iloc[0]
    assert overdue_mask(df, due + dt.timedelta(minutes=1), S).iloc[0]
    assert not is_overdue(complaint(), due, S)
    assert is_overdue(complaint(), due + dt.timedelta(minutes=1), S)


def test_overdue_mask_keeps_the_index_and_handles_holidays() -> None:
    settings = Settings(holidays=frozenset({dt.date(2026, 11, 24)}))
    df = frame("complaints", [complaint(), complaint(severity="serious")]).set_index(
        pd.Index([10, 20])
    )
    wed_17 = dt.datetime(2026, 11, 25, 17, 0)  # normal due Thu 16:00, serious due Wed 16:00
    mask = overdue_mask(df, wed_17, settings)
    assert mask.index.tolist() == [10, 20]
    assert mask.tolist() == [False, True]


def test_blank_status_counts_as_open() -> None:
    """One rule for every part of the app: a hand-typed row with no status is "received"."""
    assert is_open("") and is_open("  ") and is_open(None)
    assert is_open("received") and is_open(" in_progress ")
    assert not is_open("resolved") and not is_open("closed")
    status = pd.Series(
        ["", "received", "in_progress", "resolved", "closed", None], index=range(5, 11)
    )
    assert open_mask(status).tolist() == [True, True, True, False, False, True]
    assert open_mask(status).index.equals(status.index)
    blank = complaint(status="")
    assert "resolve" in allowed_actions(blank, "manager", NO_REVISITS, S)
    assert is_overdue(blank, dt.datetime(2026, 11, 26, 8, 0), S)  # due Wed 25 Nov 16:00


def test_fill_due_computes_only_blank_due_dates() -> None:
    given = dt.datetime(2026, 12, 1, 9, 0)
    rows = [complaint(), complaint(due_at=given), complaint(received_at=None)]
    df = frame("complaints", rows).set_index(pd.Index([7, 8, 9]))
    due = fill_due(df, S)
    assert due.index.tolist() == [7, 8, 9]
    assert due.loc[7] == pd.Timestamp("2026-11-25 16:00")  # Fri 16:00 + 3 working days
    assert due.loc[8] == pd.Timestamp(given) and pd.isna(due.loc[9])
    assert [effective_due_at(r, S) for r in rows[:2]] == [due.loc[7], due.loc[8]]
    assert pd.isna(df.loc[7, "due_at"])  # the frame itself is left as it is


# --- the log -------------------------------------------------------------------------------


def test_log_lines_come_from_progress_log() -> None:
    """The rules write their lines through utils.progress_log (tested there)."""
    changes = escalate(complaint(), actor="王芳", now=NOW, reason="客户要求赔偿", role="manager")
    assert changes["progress_log"].splitlines()[-1] == (
        "2026-11-23 10:05 王芳 escalate→department: 客户要求赔偿"
    )


# --- new complaint -------------------------------------------------------------------------


def test_new_complaint_fields() -> None:
    fields = new_complaint_fields("KH-1", "phone", "attitude", "", "态度差", "王芳", FRI_16, S)
    assert fields["status"] == "received"
    assert fields["level"] == "frontline"
    assert fields["first_receiver"] == "王芳"
    assert fields["received_at"] == FRI_16
    assert fields["severity"] == "normal"
    assert fields["due_at"] == dt.datetime(2026, 11, 25, 16, 0)
    assert fields["progress_log"] == "2026-11-20 16:00 王芳 receive"
    assert "updated_at" not in fields


def test_new_complaint_needs_description() -> None:
    with pytest.raises(WorkflowError) as e:
        new_complaint_fields("KH-1", "phone", "attitude", "normal", "  ", "王芳", FRI_16, S)
    assert e.value.key == "workflow.need_description"


# --- assign --------------------------------------------------------------------------------


def test_first_receiver_assigns_unassigned_complaint() -> None:
    out = assign(complaint(progress_log="旧记录"), actor="王芳", now=NOW, handler="李雷")
    assert out == {"handler": "李雷", "progress_log": "旧记录\n2026-11-23 10:05 王芳 assign→李雷"}


def test_staff_cannot_reassign_but_manager_can() -> None:
    c = complaint(handler="李雷")
    with pytest.raises(WorkflowError) as e:
        assign(c, actor="王芳", now=NOW, handler="赵敏")
    assert e.value.key == "workflow.reassign_manager_only"
    out = assign(c, actor="周主管", now=NOW, handler="赵敏", role="manager")
    assert out["handler"] == "赵敏"


def test_assign_refusals() -> None:
    with pytest.raises(WorkflowError) as e:
        assign(complaint(), actor="王芳", now=NOW, handler=" ")
    assert e.value.key == "workflow.need_handler"
    with pytest.raises(WorkflowError) as e:
        assign(resolved(), actor="王芳", now=NOW, handler="李雷")
    assert e.value.key == "workflow.wrong_state.assign"
    with pytest.raises(WorkflowError) as e:
        assign(complaint(handler="李雷"), actor="x", now=NOW, handler="李雷", role="admin")
    assert e.value.key == "workflow.same_handler"


# --- permissions ---------------------------------------------------------------------------


def test_staff_cannot_act_on_someone_elses_complaint() -> None:
    c = complaint(handler="李雷")
    with pytest.raises(WorkflowError) as e:
        escalate(c, actor="赵敏", now=NOW, reason="太难")
    assert e.value.key == "workflow.not_yours"
    assert e.value.params["first_receiver"] == "王芳"
    assert allowed_actions(c, "staff", NO_REVISITS, S, actor="赵敏") == []


def test_handler_and_first_receiver_may_act() -> None:
    c = complaint(handler="李雷")
    assert record_progress(c, actor="李雷", now=NOW, note="已联系维修")["status"] == "in_progress"
    assert record_progress(c, actor=" 王芳 ", now=NOW, note="已安抚")["status"] == "in_progress"


def test_manager_may_act_on_any_complaint() -> None:
    out = escalate(complaint(), actor="周主管", now=NOW, reason="金额大", role="manager")
    assert out["level"] == "department"


# --- escalate ------------------------------------------------------------------------------


def test_escalate_one_level_with_reason_in_log() -> None:
    out = escalate(complaint(level="department"), actor="王芳", now=NOW, reason="需分管领导协调")
    assert out == {
        "level": "management",
        "progress_log": "2026-11-23 10:05 王芳 escalate→management: 需分管领导协调",
    }


def test_escalate_blank_level_counts_as_frontline() -> None:
    assert escalate(complaint(level=""), actor="王芳", now=NOW, reason="r")["level"] == "department"


def test_escalate_refused_past_executive_without_reason_or_when_resolved() -> None:
    with pytest.raises(WorkflowError) as e:
        escalate(complaint(level="executive"), actor="王芳", now=NOW, reason="r")
    assert e.value.key == "workflow.top_level"
    with pytest.raises(WorkflowError) as e:
        escalate(complaint(), actor="王芳", now=NOW, reason="")
    assert e.value.key == "workflow.need_reason"
    with pytest.raises(WorkflowError) as e:
        escalate(resolved(), actor="王芳", now=NOW, reason="r")
    assert e.value.key == "workflow.wrong_state.escalate"


# --- progress, resolve, feedback -----------------------------------------------------------


def test_first_progress_moves_to_in_progress_later_ones_do_not() -> None:
    first = record_progress(complaint(), actor="王芳", now=NOW, note="已派维修工")
    assert first == {
        "status": "in_progress",
        "progress_log": "2026-11-23 10:05 王芳 progress: 已派维修工",
    }
    again = record_progress(complaint(status="in_progress"), actor="王芳", now=NOW, note="x")
    assert "status" not in again


def test_progress_refusals() -> None:
    with pytest.raises(WorkflowError) as e:
        record_progress(complaint(), actor="王芳", now=NOW, note="")
    assert e.value.key == "workflow.need_note"
    with pytest.raises(WorkflowError) as e:
        record_progress(resolved(status="closed"), actor="王芳", now=NOW, note="x")
    assert e.value.key == "workflow.wrong_state.record_progress"


def test_resolve_sets_status_time_and_texts() -> None:
    out = resolve(
        complaint(status="in_progress"),
        actor="王芳",
        now=NOW,
        resolution="已退款",
        root_cause="计费错误",
        corrective_action="核对计费规则",
    )
    assert out["status"] == "resolved"
    assert out["resolved_at"] == NOW
    assert out["resolution"] == "已退款"
    assert out["root_cause"] == "计费错误"
    assert out["corrective_action"] == "核对计费规则"
    assert out["progress_log"].endswith("王芳 resolve: 已退款")
    assert "updated_at" not in out and "updated_by" not in out


def test_resolve_refusals() -> None:
    with pytest.raises(WorkflowError) as e:
        resolve(complaint(), actor="王芳", now=NOW, resolution="")
    assert e.value.key == "workflow.need_resolution"
    with pytest.raises(WorkflowError) as e:
        resolve(resolved(), actor="王芳", now=NOW, resolution="again")
    assert e.value.key == "workflow.wrong_state.resolve"


def test_feedback_only_when_resolved() -> None:
    out = record_feedback(resolved(), actor="王芳", now=NOW, note="电话告知")
    assert out["feedback_at"] == NOW
    assert out["progress_log"] == "2026-11-23 10:05 王芳 feedback: 电话告知"
    with pytest.raises(WorkflowError) as e:
        record_feedback(complaint(), actor="王芳", now=NOW)
    assert e.value.key == "workflow.wrong_state.record_feedback"


# --- close ---------------------------------------------------------------------------------


def test_close_after_reached_solved_followup() -> None:
    revisits = frame("revisits", [followup("yes", "yes", "satisfied", revisit_id="HF-9")])
    out = close(resolved(), actor="王芳", now=NOW, revisits=revisits, settings=S)
    assert out["status"] == "closed"
    assert out["closed_at"] == NOW
    assert out["progress_log"].endswith("close: follow-up HF-9: client reached, problem solved")
    zh = close(resolved(), actor="王芳", now=NOW, revisits=revisits, settings=S, lang="zh")
    assert zh["progress_log"].endswith("结案：回访 HF-9：已联系上客户，问题已解决")  # a zh sheet


def test_close_refused_without_reached_solved_followup() -> None:
    cases = {
        "workflow.close_needs_followup": [],
        "workflow.close_not_solved": [followup("yes", "no", "average")],
    }
    for key, rows in cases.items():
        with pytest.raises(WorkflowError) as e:
            close(resolved(), actor="王芳", now=NOW, revisits=frame("revisits", rows), settings=S)
        assert e.value.key == key
    unhappy = frame("revisits", [followup("yes", "yes", "unsatisfied")])
    with pytest.raises(WorkflowError) as e:
        close(resolved(), actor="王芳", now=NOW, revisits=unhappy, settings=S)
    assert e.value.key == "workflow.close_not_solved"


def test_close_ignores_followups_before_the_resolution_day() -> None:
    old = followup("yes", "yes", "satisfied", done_at=dt.datetime(2026, 11, 1, 10, 0))
    with pytest.raises(WorkflowError) as e:
        close(resolved(), actor="王芳", now=NOW, revisits=frame("revisits", [old]), settings=S)
    assert e.value.key == "workflow.close_needs_followup"


def test_close_refused_for_other_complaints_followup_and_wrong_state() -> None:
    other = frame("revisits", [followup("yes", "yes", "satisfied", complaint_id="TS-2")])
    with pytest.raises(WorkflowError):
        close(resolved(), actor="王芳", now=NOW, revisits=other, settings=S)
    ok = frame("revisits", [followup("yes", "yes", "satisfied")])
    with pytest.raises(WorkflowError) as e:
        close(complaint(status="in_progress"), actor="王芳", now=NOW, revisits=ok, settings=S)
    assert e.value.key == "workflow.wrong_state.close"


def _unreached(n: int) -> pd.DataFrame:
    return frame(
        "revisits",
        [
            followup(
                "no", revisit_id=f"HF-{i}", attempt=i, done_at=dt.datetime(2026, 11, 24 + i, 9)
            )
            for i in range(1, n + 1)
        ],
    )


def test_manager_closes_with_reason_after_three_unreached() -> None:
    out = close(
        resolved(),
        actor="周主管",
        now=NOW,
        revisits=_unreached(3),
        settings=S,
        reason="号码停机",
        role="manager",
    )
    assert out["status"] == "closed"
    assert out["progress_log"].endswith(
        "周主管 close: client not reached after 3 attempts; 号码停机"
    )


def test_unreachable_close_refusals() -> None:
    with pytest.raises(WorkflowError) as e:  # staff may not
        close(resolved(), actor="王芳", now=NOW, revisits=_unreached(3), settings=S, reason="r")
    assert e.value.key == "workflow.close_unreachable_manager"
    with pytest.raises(WorkflowError) as e:  # manager needs a reason
        close(resolved(), actor="周", now=NOW, revisits=_unreached(3), settings=S, role="manager")
    assert e.value.key == "workflow.need_reason"
    with pytest.raises(WorkflowError) as e:  # only 2 attempts so far
        close(
            resolved(),
            actor="周",
            now=NOW,
            revisits=_unreached(2),
            settings=S,
            reason="r",
            role="manager",
        )
    assert e.value.key == "workflow.close_needs_followup"
    assert e.value.params == {"attempts": 2, "max": 3}


# --- reopen --------------------------------------------------------------------------------


def test_reopen_closed_clears_closed_at() -> None:
    c = resolved(status="closed", closed_at=dt.datetime(2026, 11, 26, 9, 0))
    out = reopen(c, actor="王芳", now=NOW, reason="客户再次来电", settings=S)
    assert out == {
        "status": "in_progress",
        "closed_at": None,
        # the earlier result leaves the record (it is in the log) and a new deadline runs
        "resolution": "",
        "resolved_at": None,
        "due_at": dt.datetime(2026, 11, 26, 10, 5),  # Mon 10:05 + 3 working days
        "progress_log": "2026-11-23 10:05 王芳 reopen: 客户再次来电 — resolved 2026-11-24 09:00 "
        "as: 已更换压缩机",
    }


def test_reopen_resolved_and_refusals() -> None:
    out = reopen(resolved(), actor="王芳", now=NOW, reason="r")
    assert out["status"] == "in_progress" and out["resolution"] == "" and out["resolved_at"] is None
    assert out["progress_log"].startswith("2026-11-23 10:05 王芳 reopen: r — resolved ")
    with pytest.raises(WorkflowError) as e:
        reopen(resolved(), actor="王芳", now=NOW, reason="")
    assert e.value.key == "workflow.need_reason"
    with pytest.raises(WorkflowError) as e:
        reopen(complaint(), actor="王芳", now=NOW, reason="r")
    assert e.value.key == "workflow.wrong_state.reopen"


# --- allowed actions -----------------------------------------------------------------------


def test_allowed_actions_by_state_and_role() -> None:
    open_ = complaint()
    assert allowed_actions(open_, "staff", NO_REVISITS, S, actor="王芳") == [
        "assign",
        "escalate",
        "record_progress",
        "resolve",
    ]
    top = complaint(level="executive", handler="李雷")
    assert allowed_actions(top, "staff", NO_REVISITS, S, actor="李雷") == [
        "record_progress",
        "resolve",
    ]
    assert allowed_actions(top, "manager", NO_REVISITS, S) == [
        "assign",
        "record_progress",
        "resolve",
    ]
    assert allowed_actions(resolved(), "staff", NO_REVISITS, S, actor="王芳") == [
        "record_feedback",
        "reopen",
    ]
    ok = frame("revisits", [followup("yes", "yes", "satisfied")])
    assert "close" in allowed_actions(resolved(), "staff", ok, S, actor="王芳")
    assert "close" not in allowed_actions(resolved(), "staff", _unreached(3), S, actor="王芳")
    assert "close" in allowed_actions(resolved(), "admin", _unreached(3), S)
    closed = resolved(status="closed", closed_at=NOW)  # the client may still be told
    assert allowed_actions(closed, "manager", NO_REVISITS, S) == ["record_feedback", "reopen"]


def test_every_allowed_action_is_accepted_by_the_action_itself() -> None:
    ok = frame("revisits", [followup("yes", "yes", "satisfied")])
    c = resolved()
    for action in allowed_actions(c, "staff", ok, S, actor="王芳"):
        if action == "close":
            assert close(c, actor="王芳", now=NOW, revisits=ok, settings=S)["status"] == "closed"
        elif action == "reopen":
            assert reopen(c, actor="王芳", now=NOW, reason="r")["status"] == "in_progress"
        else:
            assert record_feedback(c, actor="王芳", now=NOW)["feedback_at"] == NOW
