"""Roles enforced where the rules live (SPEC "Who may do what"): each rule refuses, with a
specific translated error, what the acting person may not do — whatever a page shows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from utils import operations as ops
from utils.auth import User
from utils.errors import WorkflowError
from utils.settings import Settings
from utils.workflow import allowed_actions, assign, record_progress, resolve

S = Settings(calendar="none")
WHEN = dt.datetime(2026, 11, 23, 10, 0)  # Monday
STAFF, OTHER, MANAGER = User("王芳", "staff"), User("赵敏", "staff"), User("周主任", "manager")


def complaint(**fields: object) -> dict:
    return {
        "complaint_id": "TS-1",
        "client_id": "KH-1",
        "received_at": WHEN,
        "severity": "normal",
        "description": "服务态度差",
        "first_receiver": "王芳",
        "handler": "李娜",
        "level": "frontline",
        "status": "in_progress",
        "due_at": dt.datetime(2026, 11, 26, 10, 0),
        "responsible_staff": "李娜",
        "progress_log": "",
        **fields,
    }


def test_the_person_a_complaint_is_about_may_neither_handle_nor_decide() -> None:
    c = complaint()
    with pytest.raises(WorkflowError) as err:
        record_progress(c, actor="李娜", now=WHEN, note="我来处理", role="staff")
    assert err.value.key == "workflow.about_you"
    assert "complaint about you" in err.value.message("en")
    assert "针对您本人" in err.value.message("zh")
    assert allowed_actions(c, "manager", pd.DataFrame(), S, "李娜") == []
    with pytest.raises(WorkflowError) as err:
        assign(complaint(handler=""), actor="王芳", now=WHEN, handler="李娜", role="staff")
    assert err.value.key == "workflow.handler_is_about"
    assert resolve(c, actor="王芳", now=WHEN, resolution="已道歉", role="staff")["status"] == (
        "resolved"
    )


def test_staff_may_not_decide_severity_verified_or_who_it_is_about(fresh_store) -> None:
    basis = complaint(responsible_staff="")
    for field, value in (("severity", "critical"), ("verified", "yes"), ("responsible_staff", "x")):
        with pytest.raises(WorkflowError) as err:
            ops.edit_complaint(
                fresh_store, basis, {**basis, field: value}, user=STAFF, when=WHEN, settings=S
            )
        assert err.value.key == "workflow.manager_only_fields", field
    with pytest.raises(WorkflowError) as err:  # not theirs at all
        ops.edit_complaint(
            fresh_store, basis, {**basis, "category": "billing"}, user=OTHER, when=WHEN, settings=S
        )
    assert err.value.key == "workflow.not_yours"


def _logged(store, severity: str = "critical") -> dict:
    saved, _ = ops.log_complaint(
        store,
        client_id="KH-1",
        channel="phone",
        category="attitude",
        severity=severity,
        description="x",
        user=STAFF,
        when=WHEN,
        settings=S,
    )
    return store.read().record("complaints", saved.record_id)


def test_a_lighter_severity_keeps_the_earlier_deadline_unless_a_manager_gives_a_reason(
    fresh_store,
) -> None:
    row = _logged(fresh_store)  # critical: due in 1 working day, Tue 10:00
    assert row["due_at"] == dt.datetime(2026, 11, 24, 10, 0)
    ops.edit_complaint(
        fresh_store, row, {**row, "severity": "normal"}, user=MANAGER, when=WHEN, settings=S
    )
    after = fresh_store.read().record("complaints", row["complaint_id"])
    assert after["severity"] == "normal" and after["due_at"] == dt.datetime(2026, 11, 24, 10, 0)
    row = _logged(fresh_store)
    ops.edit_complaint(
        fresh_store,
        row,
        {**row, "severity": "normal"},
        user=MANAGER,
        when=WHEN,
        settings=S,
        reason="客户同意延期",
    )
    after = fresh_store.read().record("complaints", row["complaint_id"])
    assert after["due_at"] == dt.datetime(2026, 11, 26, 10, 0)
    assert "修改时限" in after["progress_log"] or "deadline" in after["progress_log"]
    assert "客户同意延期" in after["progress_log"]


def test_a_stricter_severity_brings_the_deadline_forward(fresh_store) -> None:
    row = _logged(fresh_store, "normal")  # due Thu 26 10:00
    ops.edit_complaint(
        fresh_store, row, {**row, "severity": "critical"}, user=MANAGER, when=WHEN, settings=S
    )
    after = fresh_store.read().record("complaints", row["complaint_id"])
    assert after["due_at"] == dt.datetime(2026, 11, 24, 10, 0)
