"""Dashboard figures on a small hand-built fixture; every expected number is worked out by hand
in the comments next to it.

Calendar: 1 Oct 2026 is a Thursday. Settings: default limits (normal 3, serious 2, critical 1
working days), no holidays. The report month is October 2026, `now` = 5 Nov 2026, so October
is complete: open/overdue are taken at 1 Nov 00:00 and the previous period is September.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace

import pandas as pd
import pytest

from tests.frames import frame
from utils.metrics.filters import Filters, apply_filters, download_tables
from utils.metrics.kpis import (
    Kpi,
    complaint_figures,
    format_change,
    format_value,
    period_figures,
    revisit_figures,
)
from utils.metrics.lists import overdue_list, reopen_events, reopened_list, top_categories
from utils.metrics.overview import Dashboard, dashboard
from utils.metrics.periods import (
    Period,
    custom_period,
    last_month,
    month_period,
    period_for,
    previous_period,
    this_month,
    this_week,
    trend_window,
)
from utils.metrics.prepare import conform, open_overdue, prepare_complaints
from utils.metrics.series import (
    MAX_CHART_ROWS,
    clients_by_grade_status,
    complaints_over_time,
    complaints_per_100,
    counts_by,
    new_clients_per_month,
    open_by,
    resolve_time_distribution,
    score_trend,
)
from utils.metrics.staff import Star, staff_table, star_of_the_month, star_ranking
from utils.settings import Settings

NOW = pd.Timestamp("2026-11-05 10:00")
OCT = month_period("2026-10")
SEP = month_period("2026-09")
SETTINGS = Settings(calendar="none")  # the fixture counts weekends only


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def fixture_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(clients, complaints, revisits) in the store's data contract."""
    clients = frame(
        "clients",
        [
            {
                "client_id": "K1",
                "name": "华润商贸",
                "grade": "A",
                "status": "active",
                "phone": "13800000001",
                "registered_on": ts("2025-01-01"),
            },
            {
                "client_id": "K2",
                "name": "王小明",
                "grade": "B",
                "status": "active",
                "phone": "13800000002",
                "registered_on": ts("2026-10-10"),
            },
            {
                "client_id": "K3",
                "name": "李四",
                "grade": "C",
                "status": "dormant",
                "phone": "13800000003",
                "registered_on": ts("2026-09-05"),
            },
            {
                "client_id": "K4",
                "name": "东方科技",
                "grade": "A",
                "status": "lost",
                "phone": "13800000004",
                "registered_on": ts("2024-03-01"),
            },
        ],
    )
    base = {"description": "…", "first_receiver": "李娜", "level": "frontline"}
    complaints = frame(
        "complaints",
        [
            # resolved exactly at due_at → within the limit; 3.0 working days
            {
                **base,
                "complaint_id": "C1",
                "client_id": "K1",
                "received_at": ts("2026-10-05 09:00"),
                "category": "billing",
                "channel": "phone",
                "severity": "normal",
                "handler": "王芳",
                "due_at": ts("2026-10-08 09:00"),
                "resolved_at": ts("2026-10-08 09:00"),
                "status": "closed",
                "closed_at": ts("2026-10-09 10:00"),
                "resolution": "退款",
                "root_cause": "计费错误",
                "corrective_action": "修正规则",
            },
            # late: due 10-07 10:00, resolved 10-09 10:00; 4.0 working days
            {
                **base,
                "complaint_id": "C2",
                "client_id": "K1",
                "received_at": ts("2026-10-05 10:00"),
                "category": "billing",
                "channel": "web",
                "severity": "serious",
                "handler": "李娜",
                "due_at": ts("2026-10-07 10:00"),
                "resolved_at": ts("2026-10-09 10:00"),
                "status": "resolved",
                "resolution": "退款",
                "root_cause": "计费错误",
                "corrective_action": "修正规则",
            },
            # due_at blank → computed 10-15 09:00; resolved 10-13 09:00 (1.0 wd); no handler:
            # the first receiver 张伟 answers for it
            {
                **base,
                "complaint_id": "C3",
                "client_id": "K2",
                "received_at": ts("2026-10-12 09:00"),
                "category": "attitude",
                "channel": "phone",
                "severity": "normal",
                "handler": "",
                "first_receiver": "张伟",
                "resolved_at": ts("2026-10-13 09:00"),
                "status": "closed",
                "closed_at": ts("2026-10-14 09:00"),
                "resolution": "致歉",
                "root_cause": "态度差",
                "corrective_action": "培训",
            },
            # reopened on 10-22 (log line + unhappy follow-up R4): in progress again, its old
            # resolved_at kept; open and overdue (due 10-23) at 1 Nov
            {
                **base,
                "complaint_id": "C4",
                "client_id": "K2",
                "received_at": ts("2026-10-20 09:00"),
                "category": "service_quality",
                "channel": "phone",
                "severity": "normal",
                "handler": "王芳",
                "level": "department",
                "due_at": ts("2026-10-23 09:00"),
                "resolved_at": ts("2026-10-21 09:00"),
                "status": "in_progress",
                "root_cause": "人手不足",
                "progress_log": "2026-10-20 09:00 李娜 receive\n"
                "2026-10-21 09:00 王芳 resolve: 已处理\n"
                "2026-10-22 10:00 钱七 reopen: 回访客户表示问题未解决",
            },
            # critical, due 10-29 09:00: overdue at 1 Nov
            {
                **base,
                "complaint_id": "C5",
                "client_id": "K3",
                "received_at": ts("2026-10-28 09:00"),
                "category": "billing",
                "channel": "phone",
                "severity": "critical",
                "handler": "王芳",
                "due_at": ts("2026-10-29 09:00"),
                "status": "received",
            },
            # due 11-04 15:00: open, not overdue at 1 Nov
            {
                **base,
                "complaint_id": "C6",
                "client_id": "K1",
                "received_at": ts("2026-10-30 15:00"),
                "category": "service_quality",
                "channel": "walk_in",
                "severity": "normal",
                "handler": "李娜",
                "due_at": ts("2026-11-04 15:00"),
                "status": "received",
            },
            # September: within the limit, 2.0 wd; an undated hand-written reopen note
            {
                **base,
                "complaint_id": "C7",
                "client_id": "K2",
                "received_at": ts("2026-09-10 09:00"),
                "category": "attitude",
                "channel": "phone",
                "severity": "normal",
                "handler": "张伟",
                "due_at": ts("2026-09-15 09:00"),
                "resolved_at": ts("2026-09-14 09:00"),
                "status": "closed",
                "closed_at": ts("2026-09-20 09:00"),
                "resolution": "致歉",
                "progress_log": "客户来电要求重开，已解释",
            },
            # received in September, resolved 10-02 09:00 (late, 5.0 wd): open and overdue at 1 Oct
            {
                **base,
                "complaint_id": "C8",
                "client_id": "K4",
                "received_at": ts("2026-09-25 09:00"),
                "category": "product",
                "channel": "email",
                "severity": "normal",
                "handler": "李娜",
                "due_at": ts("2026-09-30 09:00"),
                "resolved_at": ts("2026-10-02 09:00"),
                "status": "resolved",
                "resolution": "更换",
            },
        ],
    )
    fu = {"kind": "complaint_followup", "method": "phone", "attempt": 1}
    revisits = frame(
        "revisits",
        [
            {
                **fu,
                "revisit_id": "R1",
                "client_id": "K1",
                "complaint_id": "C1",
                "done_at": ts("2026-10-10 10:00"),
                "staff": "赵敏",
                "reached": "yes",
                "solved": "yes",
                "attitude": "satisfied",
                "score": 9,
            },
            {
                **fu,
                "revisit_id": "R2",
                "client_id": "K2",
                "complaint_id": "C3",
                "done_at": ts("2026-10-15 10:00"),
                "staff": "赵敏",
                "reached": "no",
            },
            {
                **fu,
                "revisit_id": "R3",
                "client_id": "K2",
                "complaint_id": "C3",
                "attempt": 2,
                "done_at": ts("2026-10-16 10:00"),
                "staff": "赵敏",
                "reached": "yes",
                "solved": "yes",
                "attitude": "satisfied",
                "score": 8,
            },
            {
                **fu,
                "revisit_id": "R4",
                "client_id": "K2",
                "complaint_id": "C4",
                "done_at": ts("2026-10-22 10:00"),
                "staff": "钱七",
                "reached": "yes",
                "solved": "no",
                "attitude": "unsatisfied",
                "score": 3,
            },
            {
                "revisit_id": "R5",
                "client_id": "K2",
                "kind": "routine",
                "method": "visit",
                "done_at": ts("2026-10-25 10:00"),
                "staff": "赵敏",
                "reached": "yes",
                "attitude": "average",
                "score": 6,
            },
            {
                **fu,
                "revisit_id": "R6",
                "client_id": "K2",
                "complaint_id": "C7",
                "done_at": ts("2026-09-22 10:00"),
                "staff": "赵敏",
                "reached": "yes",
                "solved": "yes",
                "attitude": "satisfied",
                "score": 10,
            },
        ],
    )
    return clients, complaints, revisits


@pytest.fixture
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return fixture_frames()


def chart_frames(d: Dashboard) -> dict[str, pd.DataFrame]:
    """Every frame a chart of the dashboard draws (to check the 5,000-row limit)."""
    out = {f"over_time_{k}": v for k, v in d.over_time.items()}
    for f in fields(d):
        value = getattr(d, f.name)
        if isinstance(value, pd.DataFrame):
            out[f.name] = value
    return out


# --- the data contract -------------------------------------------------------------------------


def test_fixture_follows_the_contract(frames):
    _, complaints, revisits = frames
    assert list(complaints.columns)[-1] == "_row"
    assert complaints["_row"].tolist() == list(range(2, 10))
    assert str(complaints["received_at"].dtype).startswith("datetime64")
    assert complaints.loc[2, "handler"] == ""  # missing text = ""
    assert pd.isna(complaints.loc[2, "due_at"])  # missing date = NaT
    assert str(revisits["score"].dtype) == "Int64" and pd.isna(revisits.loc[1, "score"])


def test_conform_adds_missing_columns_blank():
    out = conform(pd.DataFrame({"complaint_id": ["X"]}), "complaints")
    assert out.loc[0, "status"] == "" and pd.isna(out.loc[0, "received_at"])
    assert "_row" in out.columns


# --- periods -----------------------------------------------------------------------------------


def test_period_helpers():
    wed = ts("2026-10-21 15:00")
    week = this_week(wed)
    assert (week.start, week.end) == (ts("2026-10-19"), ts("2026-10-26"))
    assert this_month(wed) == OCT and OCT.is_month and OCT.last_day == dt.date(2026, 10, 31)
    assert last_month(ts("2026-01-15")) == month_period("2025-12")
    custom = custom_period(dt.date(2026, 10, 11), dt.date(2026, 10, 5))  # order-proof
    assert (custom.start, custom.end) == (ts("2026-10-05"), ts("2026-10-12"))
    assert period_for("custom", wed, dt.date(2026, 10, 5), dt.date(2026, 10, 11)) == custom
    assert period_for("last_month", wed) == SEP


def test_previous_period_same_length():
    assert previous_period(OCT, NOW) == SEP  # a finished month: the previous month
    # a month still running on 10 Oct 12:00 is compared with 1–10 Sep 12:00
    running = previous_period(OCT, ts("2026-10-10 12:00"))
    assert (running.start, running.end) == (ts("2026-09-01"), ts("2026-09-10 12:00"))
    week = custom_period(dt.date(2026, 10, 5), dt.date(2026, 10, 11))
    prev = previous_period(week, NOW)
    assert (prev.start, prev.end) == (ts("2026-09-28"), ts("2026-10-05"))


def test_trend_window_covers_twelve_buckets():
    w = trend_window(OCT, "M")
    assert (w.start, w.end) == (ts("2025-11-01"), ts("2026-11-01"))
    w = trend_window(this_week(ts("2026-10-21")), "W")
    assert w.end == ts("2026-10-26") and w.start == ts("2026-08-03")  # 12 Mondays


# --- complaint figures -------------------------------------------------------------------------


def test_complaint_figures_october(frames):
    _, complaints, _ = frames
    f = complaint_figures(complaints, OCT, NOW, SETTINGS)
    assert f["received"] == 6  # C1–C6
    assert f["resolved"] == 4  # C1, C2, C3, C8 (C4 is in progress again)
    assert f["closed"] == 2  # C1, C3
    assert f["within_limit"] == pytest.approx(0.5)  # C1 (exactly at due_at) and C3
    # days to resolve: C3 1.0, C1 3.0, C2 4.0, C8 5.0 → median 3.5, p90 4 + 0.7 × 1 = 4.7
    assert f["median_days"] == pytest.approx(3.5)
    assert f["p90_days"] == pytest.approx(4.7)
    assert f["open"] == 3  # C4, C5, C6 at 1 Nov
    assert f["overdue"] == 2  # C4 (due 10-23), C5 (due 10-29)


def test_complaint_figures_september_as_of_its_end(frames):
    _, complaints, _ = frames
    f = complaint_figures(complaints, SEP, NOW, SETTINGS)
    assert (f["received"], f["resolved"], f["closed"]) == (2, 1, 1)  # C7, C8 / C7 / C7
    assert f["within_limit"] == 1.0 and f["median_days"] == pytest.approx(2.0)
    # at 1 Oct 00:00 C8 was still open (resolved 2 Oct) and past its due time (30 Sep 09:00)
    assert (f["open"], f["overdue"]) == (1, 1)


def test_resolved_exactly_at_due_counts_within_limit():
    c = frame(
        "complaints",
        [
            {
                "complaint_id": "X",
                "received_at": ts("2026-10-05 09:00"),
                "severity": "normal",
                "due_at": ts("2026-10-08 09:00"),
                "resolved_at": ts("2026-10-08 09:00"),
                "status": "resolved",
                "resolution": "ok",
            }
        ],
    )
    assert complaint_figures(c, OCT, NOW, SETTINGS)["within_limit"] == 1.0
    one_minute_late = c.assign(resolved_at=ts("2026-10-08 09:01"))
    assert complaint_figures(one_minute_late, OCT, NOW, SETTINGS)["within_limit"] == 0.0


def test_blank_due_at_is_computed_by_the_workflow_rule(frames):
    _, complaints, _ = frames
    prepared = prepare_complaints(complaints, SETTINGS)
    assert prepared.loc[2, "_due"] == ts("2026-10-15 09:00")  # C3: Mon + 3 working days
    assert prepared.loc[2, "_owner"] == "张伟"  # no handler: the first receiver


def test_holidays_are_skipped_in_time_to_resolve():
    c = frame(
        "complaints",
        [
            {
                "complaint_id": "X",
                "received_at": ts("2026-09-30 09:00"),
                "severity": "normal",
                "due_at": ts("2026-10-12 09:00"),
                "resolved_at": ts("2026-10-09 09:00"),
                "status": "resolved",
                "resolution": "ok",
            }
        ],
    )
    plain = complaint_figures(c, OCT, NOW, SETTINGS)["median_days"]
    golden_week = replace(SETTINGS, holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)))
    # Wed 30 Sep 09:00 → Fri 9 Oct 09:00 = 7 working days; 1–7 Oct off: 2 (30 Sep, 8 Oct)
    assert plain == pytest.approx(7.0)
    assert complaint_figures(c, OCT, NOW, golden_week)["median_days"] == pytest.approx(2.0)
    # China's calendar knows the National Day week by itself (2026: 1–7 Oct off)
    china = replace(SETTINGS, calendar="CN")
    assert complaint_figures(c, OCT, NOW, china)["median_days"] == pytest.approx(2.0)


def test_open_overdue_rewinds_later_resolutions(frames):
    _, complaints, _ = frames
    open_, overdue = open_overdue(complaints, ts("2026-10-01"), SETTINGS)
    ids = complaints["complaint_id"]
    # at 1 Oct: C8 (resolved only on 2 Oct, due 30 Sep) was open and overdue; C7 was closed;
    # C1–C6 were not received yet
    assert ids[open_].tolist() == ["C8"] and ids[overdue].tolist() == ["C8"]
    assert open_.index.equals(complaints.index) and overdue.dtype == bool


def test_blank_status_counts_as_open_in_the_figures(frames):
    """A hand-typed row with no status is open (as "received"), like `workflow.open_mask`
    says: it counts as open and, once past its (computed) due date, as overdue."""
    clients, complaints, revisits = frames
    typed = frame(
        "complaints",
        [
            {
                "complaint_id": "C9",
                "client_id": "K1",
                "received_at": ts("2026-10-26 09:00"),  # due (computed) Thu 29 Oct 09:00
                "category": "other",
                "severity": "normal",
                "first_receiver": "李娜",
                "status": "",
            }
        ],
    )
    both = pd.concat([complaints, typed], ignore_index=True)
    f = complaint_figures(both, OCT, NOW, SETTINGS)
    assert (f["open"], f["overdue"]) == (4, 3)  # C4, C5, C6 + C9 / C4, C5 + C9
    d = dashboard(clients, both, revisits, Filters.for_period(OCT), NOW, SETTINGS)
    assert "C9" in d.overdue["complaint_id"].tolist()
    assert d.overdue.set_index("complaint_id").loc["C9", "due_at"] == ts("2026-10-29 09:00")


def test_empty_period_gives_zeros_and_none(frames):
    clients, complaints, revisits = frames
    jan = month_period("2024-01")
    f = period_figures(clients, complaints, revisits, jan, NOW, SETTINGS)
    assert f["received"] == f["resolved"] == f["closed"] == f["open"] == f["overdue"] == 0
    assert f["within_limit"] is None and f["median_days"] is None and f["p90_days"] is None
    assert f["completion"] is None and f["reach_rate"] is None and f["avg_score"] is None
    assert f["new_clients"] == 0 and f["per_100"] == 0.0  # 2 active clients, no complaints


def test_empty_inputs_never_raise():
    d = dashboard(None, None, None, Filters.for_period(OCT), NOW, SETTINGS)
    assert all(k.value in (0, None) for k in d.kpis.values())
    assert d.star is None and d.overdue.empty and d.reopened.empty and d.staff.empty
    assert d.over_time["category"].empty and d.top_categories.empty
    assert d.resolve_hist["count"].sum() == 0
    empty = [pd.DataFrame(columns=["client_id"]), pd.DataFrame(), pd.DataFrame()]
    d = dashboard(*empty, Filters.for_period(OCT), NOW, SETTINGS)
    assert d.kpis["received"].value == 0


# --- reopened ----------------------------------------------------------------------------------


def test_reopen_events_from_log_and_unhappy_followup(frames):
    _, complaints, revisits = frames
    ev = reopen_events(complaints, revisits)
    c4 = ev[ev["complaint_id"] == "C4"]
    assert sorted(c4["source"]) == ["log", "revisit"]
    assert set(c4["at"]) == {ts("2026-10-22 10:00")}
    c7 = ev[ev["complaint_id"] == "C7"]  # undated hand-written line: reopened, no date
    assert len(c7) == 1 and pd.isna(c7["at"].iloc[0])
    assert set(ev["complaint_id"]) == {"C4", "C7"}


def test_reopen_detection_variants():
    c = frame(
        "complaints",
        [
            {"complaint_id": "A", "progress_log": "2026/10/03 08:15 Boss REOPEN: client called"},
            {"complaint_id": "B", "progress_log": "2026年10月3日 主管重新打开"},
            {"complaint_id": "C", "progress_log": "2026-10-03 09:00 王芳 resolve: done"},
        ],
    )
    r = frame(
        "revisits",
        [
            # reached, solved, but unsatisfied → reopens; unreached or routine → does not
            {
                "revisit_id": "1",
                "complaint_id": "C",
                "kind": "complaint_followup",
                "reached": "yes",
                "solved": "yes",
                "attitude": "unsatisfied",
                "done_at": ts("2026-10-04 10:00"),
            },
            {
                "revisit_id": "2",
                "complaint_id": "A",
                "kind": "complaint_followup",
                "reached": "no",
                "solved": "no",
                "done_at": ts("2026-10-04 10:00"),
            },
            {
                "revisit_id": "3",
                "kind": "routine",
                "reached": "yes",
                "solved": "no",
                "done_at": ts("2026-10-04 10:00"),
            },
        ],
    )
    ev = reopen_events(c, r).set_index("complaint_id")
    assert ev.loc["A", "at"] == ts("2026-10-03 08:15") and ev.loc["A", "source"] == "log"
    assert pd.isna(ev.loc["B", "at"])  # a Chinese date is not a log stamp: undated
    assert ev.loc["C", "source"] == "revisit"
    assert len(ev) == 3


def test_reopened_list_for_october(frames):
    clients, complaints, revisits = frames
    out = reopened_list(complaints, revisits, OCT, SETTINGS, clients)
    assert out["complaint_id"].tolist() == ["C4"]
    row = out.iloc[0]
    # logged and recorded by the revisit the same day: one reopen
    assert row["times"] == 1 and row["reopened_at"] == ts("2026-10-22 10:00")
    assert row["client_name"] == "王小明" and row["owner"] == "王芳"
    everything = reopened_list(complaints, revisits, None, SETTINGS)
    assert set(everything["complaint_id"]) == {"C4", "C7"}


# --- revisits and clients ----------------------------------------------------------------------


def test_revisit_figures_october(frames):
    _, complaints, revisits = frames
    f = revisit_figures(revisits, complaints, OCT, SETTINGS)
    assert (f["revisits"], f["reached"]) == (5, 4)  # R1–R5; R2 not reached
    assert f["reach_rate"] == pytest.approx(0.8)
    assert f["solved_share"] == pytest.approx(2 / 3)  # R1 yes, R3 yes, R4 no (R5 blank)
    assert f["satisfied_share"] == pytest.approx(0.5)  # R1, R3 of R1, R3, R4, R5
    assert f["avg_score"] == pytest.approx(6.5)  # (9 + 8 + 3 + 6) / 4
    # resolved in Oct: C1, C2, C3, C8; followed up (reached): C1 (R1), C3 (R3)
    assert (f["followed_up"], f["resolved"]) == (2, 4) and f["completion"] == 0.5


def test_kpis_with_previous_period(frames):
    clients, complaints, revisits = frames
    k = dashboard(clients, complaints, revisits, Filters.for_period(OCT), NOW, SETTINGS).kpis
    assert (k["received"].value, k["received"].previous, k["received"].change) == (6, 2, 4)
    assert (k["overdue"].value, k["overdue"].previous) == (2, 1)
    assert k["overdue"].trend == "bad" and k["resolved"].trend == "good"
    assert k["received"].trend == "neutral"  # more complaints received is neither
    assert k["within_limit"].change == pytest.approx(-0.5)  # 0.5 vs 1.0
    assert (k["reopened"].value, k["reopened"].previous) == (1, 0)  # C4 in Oct
    assert k["avg_score"].previous == 10 and k["completion"].previous == 1.0
    assert k["active_clients"].value == 2 and k["active_clients"].previous is None
    assert (k["new_clients"].value, k["new_clients"].previous) == (1, 1)  # K2 / K3
    assert k["per_100"].value == pytest.approx(300.0)  # 6 complaints, 2 active clients
    assert k["per_100"].previous == pytest.approx(100.0)


def test_complaints_per_100_by_grade(frames):
    clients, complaints, _ = frames
    out = complaints_per_100(complaints, clients, OCT).set_index("grade")
    assert out.loc["A", "active_clients"] == 1 and out.loc["A", "complaints"] == 3  # C1 C2 C6
    assert out.loc["A", "per_100"] == pytest.approx(300.0)
    assert out.loc["B", "per_100"] == pytest.approx(200.0)  # C3, C4 / K2
    assert pd.isna(out.loc["C", "per_100"])  # C5's client is dormant: no active C client


def test_clients_by_grade_status_and_new_per_month(frames):
    clients, _, _ = frames
    g = clients_by_grade_status(clients)
    assert g.set_index(["grade", "status"])["count"].to_dict() == {
        ("A", "active"): 1,
        ("A", "lost"): 1,
        ("B", "active"): 1,
        ("C", "dormant"): 1,
    }
    new = new_clients_per_month(clients, trend_window(OCT, "M")).set_index("bucket")
    assert len(new) == 12 and new.loc[ts("2026-10-01"), "count"] == 1
    assert new.loc[ts("2026-09-01"), "count"] == 1 and new["count"].sum() == 2


# --- chart series ------------------------------------------------------------------------------


def test_complaints_over_time_weekly(frames):
    _, complaints, _ = frames
    window = Period(ts("2026-09-28"), ts("2026-11-02"))  # five weeks, Mondays
    out = complaints_over_time(complaints, window, "W", "category")
    assert out["bucket"].nunique() == 5 and set(out["key"]) == {
        "billing",
        "service_quality",
        "attitude",
    }
    cell = out.set_index(["bucket", "key"])["count"]
    assert cell[(ts("2026-10-05"), "billing")] == 2  # C1, C2
    assert cell[(ts("2026-10-26"), "billing")] == 1  # C5 (Wed 28 Oct)
    assert cell[(ts("2026-09-28"), "attitude")] == 0  # zero-filled
    assert out["count"].sum() == 6


def test_counts_open_by_and_histogram(frames):
    _, complaints, _ = frames
    by = counts_by(complaints, OCT, "channel").set_index("key")
    assert by.loc["phone", "count"] == 4 and by.loc["phone", "share"] == pytest.approx(4 / 6)
    lvl = open_by(complaints, OCT.as_of(NOW), SETTINGS, "level").set_index("key")
    assert lvl.loc["department"].tolist() == [1, 1, 0]  # C4: open, overdue, on time
    assert lvl.loc["frontline"].tolist() == [2, 1, 1]  # C5 overdue, C6 on time
    own = open_by(complaints, OCT.as_of(NOW), SETTINGS, "owner")
    assert own.iloc[0]["key"] == "王芳" and own.iloc[0]["open"] == 2  # busiest first
    hist = resolve_time_distribution(complaints, OCT, SETTINGS).set_index("bin_start")
    assert hist["count"].sum() == 4
    assert hist.loc[1.0, "count"] == 1 and hist.loc[3.0, "count"] == 1  # C3 1.0; C1 3.0
    assert hist.loc[4.0, "count"] == 1 and hist.loc[5.0, "count"] == 1  # C2 4.0; C8 5.0


def test_score_trend_monthly(frames):
    _, _, revisits = frames
    out = score_trend(revisits, Period(SEP.start, OCT.end), "M").set_index("bucket")
    assert out.loc[ts("2026-10-01"), "avg_score"] == pytest.approx(6.5)
    assert out.loc[ts("2026-10-01"), "scored"] == 4
    assert out.loc[ts("2026-10-01"), "satisfied_share"] == pytest.approx(0.5)
    assert out.loc[ts("2026-09-01"), "avg_score"] == 10


def test_chart_series_are_capped_at_5000_rows():
    many = frame(
        "complaints",
        [
            {
                "complaint_id": f"X{i}",
                "received_at": ts("1990-01-01") + pd.Timedelta(weeks=i),
                "category": ("billing", "attitude", "other")[i % 3],
            }
            for i in range(2500)
        ],
    )
    window = Period(ts("1990-01-01"), ts("2040-01-01"))
    out = complaints_over_time(many, window, "W", "category")
    assert 0 < len(out) <= MAX_CHART_ROWS
    assert out["bucket"].max() == ts("2039-12-26")  # the latest weeks are kept


# --- lists ------------------------------------------------------------------------------------


def test_overdue_list_as_of_month_end(frames):
    clients, complaints, _ = frames
    out = overdue_list(complaints, OCT.as_of(NOW), SETTINGS, clients)
    assert out["complaint_id"].tolist() == ["C4", "C5"]  # most overdue first
    # C4 due Fri 23 Oct 09:00 → Sun 1 Nov 00:00: 0.625 (Fri) + 5 (26–30 Oct) = 5.6
    assert out["overdue_days"].tolist() == [5.6, 1.6]  # C5: Thu 0.625 + Fri 1 = 1.6
    assert out.loc[0, "client_name"] == "王小明" and out.loc[1, "owner"] == "王芳"


def test_top_categories_with_root_causes(frames):
    _, complaints, _ = frames
    top, causes = top_categories(complaints, OCT, n=2)
    assert top["category"].tolist() == ["billing", "service_quality"]
    assert top["count"].tolist() == [3, 2]
    assert top["share"].iloc[0] == pytest.approx(0.5)
    billing = causes[causes["category"] == "billing"]
    assert billing[["root_cause", "count", "corrective_action"]].values.tolist() == [
        ["计费错误", 2, "修正规则"]
    ]  # C5 has no root cause: not listed
    assert causes["category"].tolist() == ["billing", "service_quality"]
    assert causes.iloc[1][["root_cause", "corrective_action"]].tolist() == ["人手不足", ""]
    no_actions = complaints.assign(corrective_action="")
    assert top_categories(no_actions, OCT)[1]["corrective_action"].tolist() == ["", "", ""]


# --- staff and star ----------------------------------------------------------------------------


def test_staff_table(frames):
    _, complaints, revisits = frames
    t = staff_table(complaints, revisits, OCT, NOW, SETTINGS)
    assert t["staff"].tolist() == ["李娜", "张伟", "王芳", "赵敏", "钱七"]
    rows = t.set_index("staff")
    assert rows.loc["李娜", "handled"] == 2 and rows.loc["李娜", "within_limit"] == 0.0  # C2 C8
    assert rows.loc["王芳", "within_limit"] == 1.0  # C1, resolved exactly at due_at
    assert rows.loc["王芳", "open"] == 2 and rows.loc["王芳", "overdue"] == 2  # C4, C5
    assert rows.loc["李娜", "open"] == 1 and rows.loc["李娜", "overdue"] == 0  # C6
    assert rows.loc["赵敏", "revisits"] == 4 and rows.loc["赵敏", "reached"] == 3
    # scores go to who served the client: 王芳 handles C1 (R1: 9) and C4 (R4: 3); 赵敏 made
    # the calls but served nobody; C3 and K2 have no handler or owner: nobody's
    assert pd.isna(rows.loc["赵敏", "avg_score"]) and rows.loc["赵敏", "scored"] == 0
    assert rows.loc["王芳", "avg_score"] == pytest.approx(6.0)
    assert rows.loc["王芳", "scored"] == 2
    assert pd.isna(rows.loc["赵敏", "within_limit"])  # handled none
    assert (t["complaints_about"] == 0).all()  # nobody is complained about in the fixture


def test_star_of_the_month_needs_enough_scored_revisits(frames):
    clients, complaints, revisits = frames
    kw = {"complaints": complaints, "clients": clients}
    assert star_of_the_month(revisits, "2026-10", 5, **kw) is None  # nobody has 5
    star = star_of_the_month(revisits, "2026-10", 2, **kw)
    # 王芳 served C1 (R1: 9) and C4 (R4: 3); 赵敏, who called, served nobody
    assert star == Star("王芳", pytest.approx(6.0), 2, 2, 0)
    assert star_ranking(revisits, "2026-10", 1, **kw)["staff"].tolist() == ["王芳"]
    assert star_of_the_month(revisits, "2026-10", 1) is None  # without who served whom


def test_star_ties_broken_by_count():
    def visits(owner: str, scores: list[int]) -> list[dict]:
        return [
            {
                "revisit_id": f"{owner}{i}",
                "client_id": f"K{owner}",
                "staff": "回访员",  # one person makes every call: the owners are rated
                "reached": "yes",
                "score": s,
                "done_at": ts("2026-10-10 10:00"),
            }
            for i, s in enumerate(scores)
        ]

    owners = frame(
        "clients",
        [{"client_id": f"K{o}", "name": o, "phone": "1", "owner": o} for o in ("甲", "乙", "丙")],
    )
    r = frame(
        "revisits",
        [
            *visits("甲", [8, 8, 8]),
            *visits("乙", [7, 9, 8, 8]),
            *visits("丙", [10]),
            {
                "revisit_id": "x",
                "client_id": "K丙",
                "staff": "回访员",
                "reached": "no",
                "done_at": ts("2026-10-11"),
            },
        ],
    )
    ranking = star_ranking(r, "2026-10", 2, clients=owners)
    assert ranking["staff"].tolist() == ["乙", "甲"]  # both average 8: 4 scored beat 3
    assert ranking["rank"].tolist() == [1, 2]
    assert star_of_the_month(r, "2026-10", 1, clients=owners).staff == "丙"  # 10 with one
    assert star_of_the_month(r, "2026-11", 1, clients=owners) is None  # another month


# --- filters and the one-call dashboard --------------------------------------------------------


def test_apply_filters(frames):
    clients, complaints, revisits = frames
    f = apply_filters(
        clients, complaints, revisits, Filters.for_period(OCT, categories=["billing"])
    )
    assert f.complaints["complaint_id"].tolist() == ["C1", "C2", "C5"]
    assert f.revisits["revisit_id"].tolist() == ["R1"]  # follow-ups of those only
    f = apply_filters(clients, complaints, revisits, Filters.for_period(OCT, grades=["A"]))
    assert f.complaints["complaint_id"].tolist() == ["C1", "C2", "C6", "C8"]
    assert f.clients["client_id"].tolist() == ["K1", "K4"]
    f = apply_filters(clients, complaints, revisits, Filters.for_period(OCT, handlers=["张伟"]))
    assert f.complaints["complaint_id"].tolist() == ["C3", "C7"]  # C3 via first receiver
    assert f.revisits.empty


def test_dashboard_with_filters(frames):
    clients, complaints, revisits = frames
    d = dashboard(
        clients,
        complaints,
        revisits,
        Filters.for_period(OCT, categories=["billing"]),
        NOW,
        SETTINGS,
        "M",
    )
    assert d.kpis["received"].value == 3 and d.kpis["overdue"].value == 1  # C5
    assert d.kpis["completion"].value == pytest.approx(0.5)  # C1 followed up, C2 not
    assert set(d.over_time["category"]["key"]) == {"billing"}
    assert d.overdue["complaint_id"].tolist() == ["C5"]
    assert d.freq == "M" and d.star_month == "2026-10"
    for name, shown in chart_frames(d).items():
        assert len(shown) <= MAX_CHART_ROWS, name


def test_dashboard_handler_filter_keeps_followups_by_others(frames):
    clients, complaints, revisits = frames
    d = dashboard(
        clients, complaints, revisits, Filters.for_period(OCT, handlers=["王芳"]), NOW, SETTINGS
    )
    # 王芳 owns C1, C4, C5; C1 was resolved in Oct and followed up by 赵敏 (R1)
    assert d.kpis["completion"].value == 1.0
    assert d.kpis["reopened"].value == 1  # C4, reopened after 钱七's follow-up
    assert d.reopened["complaint_id"].tolist() == ["C4"]


def test_download_tables(frames):
    clients, complaints, revisits = frames
    t = download_tables(
        clients, complaints, revisits, Filters.for_period(OCT, severities=["normal"])
    )
    assert t.complaints["complaint_id"].tolist() == ["C1", "C3", "C4", "C6"]
    assert "_row" not in t.complaints.columns and "_row" not in t.clients.columns
    assert t.revisits["revisit_id"].tolist() == ["R1", "R2", "R3", "R4"]
    assert len(t.clients) == 4


def test_formatting():
    assert format_value("share", 0.875) == "87.5%" and format_value("count", 1234) == "1,234"
    assert format_value("days", None) == "—"
    assert format_change("share", -0.025) == "−2.5 pp"
    assert format_change("count", 3) == "+3" and format_change("days", None) == ""
    assert format_change("days", -0.01) == "+0.0"  # no "−0.0"
    k = Kpi("overdue", 4, 2, "count", False)
    assert (k.change, k.trend) == (2, "bad")
    assert Kpi("median_days", 1.42, 1.40, "days", False).trend == "neutral"  # shows +0.0
    assert Kpi("within_limit", 0.9, 0.8, "share", True).trend == "good"


def test_benchmark_snapshot_follows_the_contract():
    """The benchmark's generator (bench/bench_dashboard.py) at a small size: contract dtypes,
    and the whole dashboard runs on it within the row limit."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "bench_dashboard.py"
    spec = importlib.util.spec_from_file_location("bench_dashboard", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    clients, complaints, revisits = bench.synthetic_snapshot(200, 600, 600, settings=SETTINGS)
    assert (len(clients), len(complaints), len(revisits)) == (200, 600, 600)
    for tab in (clients, complaints, revisits):
        kinds = {str(t) for t in tab.dtypes}
        assert kinds <= {"object", "datetime64[ns]", "Int64"}, kinds
    assert set(complaints["status"]) <= {"received", "in_progress", "resolved", "closed"}
    assert revisits["score"].dropna().between(1, 10).all()
    now = bench.NOW
    d = dashboard(clients, complaints, revisits, Filters.for_period(this_month(now)), now, SETTINGS)
    assert d.kpis["received"].value > 0 and d.kpis["reopened"].value > 0
    assert all(len(f) <= MAX_CHART_ROWS for f in chart_frames(d).values())


def test_package_reexports_what_callers_use():
    """`from utils import metrics as m` keeps working: the package re-exports the names the
    pages, the report and the charts use, as the very objects of the concept modules."""
    from utils import metrics

    assert all(hasattr(metrics, name) for name in metrics.__all__)
    assert metrics.dashboard is dashboard and metrics.Filters is Filters
    assert metrics.MAX_CHART_ROWS == MAX_CHART_ROWS and metrics.Dashboard is Dashboard
