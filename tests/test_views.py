"""The display preparation the pages show, without Streamlit: a complaint's and a client's
badge line, the complaint and follow-up lists, the dashboard's lists, filter line, staff and
top-category tables, the months offered for the monthly report; and every message key the
pages and their glue modules use is in both catalogues."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.frames import frame
from utils import dashboard_view as dv
from utils import metrics as m
from utils import views
from utils.i18n import en, zh
from utils.settings import Settings

S = Settings(calendar="none")
NOW = dt.datetime(2026, 11, 23, 10, 0)  # a Monday
ROOT = Path(__file__).resolve().parent.parent


def complaint(**fields: object) -> dict:
    base = {
        "complaint_id": "TS-20261120-AB12",
        "received_at": dt.datetime(2026, 11, 20, 9, 0),  # a Friday
        "due_at": dt.datetime(2026, 11, 25, 9, 0),
        "status": "in_progress",
        "level": "frontline",
        "severity": "normal",
    }
    return {**base, **fields}


# --- a complaint's badges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "color", "en_label", "zh_label"),
    [
        ("received", "blue", "Received", "已受理"),
        ("in_progress", "orange", "In progress", "处理中"),
        ("resolved", "green", "Resolved", "已解决"),
        ("closed", "gray", "Closed", "已结案"),
        ("", "blue", "Received", "已受理"),  # a blank status counts as received
    ],
)
def test_the_status_badge_has_its_colour_and_label(status, color, en_label, zh_label) -> None:
    c = complaint(status=status)
    assert views.complaint_badges(c, S, NOW, "en").startswith(f":{color}-badge[{en_label}]")
    assert views.complaint_badges(c, S, NOW, "zh").startswith(f":{color}-badge[{zh_label}]")


def test_the_level_badge_is_violet() -> None:
    line = views.complaint_badges(complaint(level="department"), S, NOW, "en")
    assert ":violet-badge[Department head]" in line
    assert ":violet-badge[Frontline]" in views.complaint_badges(complaint(level=""), S, NOW, "en")


@pytest.mark.parametrize(
    ("severity", "badge"),
    [
        ("normal", ":gray-badge[Normal]"),
        ("serious", ":orange-badge[Serious]"),
        ("critical", ":red-badge[Critical]"),
        ("", ":gray-badge[Normal]"),  # blank: the default severity
        (None, ":gray-badge[Normal]"),
    ],
)
def test_the_severity_badge(severity, badge) -> None:
    assert badge in views.complaint_badges(complaint(severity=severity), S, NOW, "en")


def test_an_open_complaint_shows_its_due_moment_and_not_overdue_before_it() -> None:
    line = views.complaint_badges(complaint(), S, NOW, "en")
    assert line == (
        ":orange-badge[In progress] :violet-badge[Frontline] :gray-badge[Normal] "
        "Due 2026-11-25 09\\:00"
    )
    assert views.complaint_badges(complaint(), S, NOW, "zh").endswith("时限 2026-11-25 09\\:00")


def test_an_overdue_complaint_gets_the_red_badge() -> None:
    late = complaint(due_at=dt.datetime(2026, 11, 23, 9, 0))
    line = views.complaint_badges(late, S, NOW, "en")
    assert ":red-badge[:material/alarm: Overdue] Due 2026-11-23 09\\:00" in line
    assert ":red-badge[:material/alarm: 已超时]" in views.complaint_badges(late, S, NOW, "zh")


def test_a_blank_due_date_is_computed_from_severity() -> None:
    # received Friday 09:00, critical = 1 working day → Monday 09:00, overdue at 10:00
    c = complaint(due_at=None, severity="critical")
    line = views.complaint_badges(c, S, NOW, "en")
    assert line.endswith(":red-badge[:material/alarm: Overdue] Due 2026-11-23 09\\:00")


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_done_complaint_is_never_overdue_and_shows_no_due(status) -> None:
    c = complaint(status=status, due_at=dt.datetime(2026, 11, 1, 9, 0))
    line = views.complaint_badges(c, S, NOW, "en")
    assert "Overdue" not in line and "Due" not in line
    assert len(line.split(" :")) == 3


# --- a client's badges ------------------------------------------------------------------------


def test_client_badges() -> None:
    client = {"client_id": "KH-1_2", "grade": "A", "status": "active"}
    line = views.client_badges(client, "en")
    assert line.startswith(":blue-badge[KH-1\\_2] :violet-badge[")
    assert line.endswith(":green-badge[Active]")
    assert ":orange-badge[" in views.client_badges({**client, "status": "dormant"}, "en")
    assert views.client_badges({"client_id": "KH-9", "grade": "", "status": ""}, "en") == (
        ":blue-badge[KH-9]"
    )


# --- lists on the staff pages -----------------------------------------------------------------


def test_complaint_rows_add_client_name_and_overdue_marker() -> None:
    rows = frame(
        "complaints",
        [
            {"complaint_id": "TS-1", "client_id": "KH-1", "severity": "critical"},
            {"complaint_id": "TS-2", "client_id": "KH-404"},
        ],
    )
    rows["overdue"] = [True, False]
    names = pd.Series(["张三"], index=["KH-1"])
    en_rows = views.complaint_rows(rows, names, "en")
    assert list(en_rows.columns[:5]) == [
        "Complaint ID",
        "Overdue",
        "Received at",
        "Client ID",
        "Client",
    ]
    assert en_rows["Overdue"].tolist() == ["⚠", ""]
    assert en_rows["Client"].tolist() == ["张三", ""]
    assert en_rows["Severity"].tolist()[0] == "Critical"
    zh_rows = views.complaint_rows(rows, names, "zh")
    assert "已超时" in zh_rows.columns and "客户" in zh_rows.columns


def test_followup_rows_flag_unreachable_clients() -> None:
    rows = frame("complaints", [{"complaint_id": "TS-1", "client_id": "KH-1"}] * 2)
    for name, values in {
        "unreachable": [False, True],
        "attempts": [1, 3],
        "next_attempt": [2, 4],
        "last_attempt_at": [pd.NaT, pd.NaT],
    }.items():
        rows[name] = values
    out = views.followup_rows(rows, pd.Series(["张三"], index=["KH-1"]), "en")
    assert out.columns[1] == "Needs a manager"
    assert out["Needs a manager"].tolist() == ["", "⚠ unreachable"]
    assert out.columns[3] == "Client" and out["Client"].tolist() == ["张三", "张三"]
    assert "Unreached attempts" in out.columns and "Next attempt" in out.columns


def test_link_label_leaves_out_blank_parts() -> None:
    assert views.link_label("TS-1", "", "Resolved") == "TS-1 · Resolved"


# --- the dashboard ----------------------------------------------------------------------------


def overdue_list() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "complaint_id": ["TS-1", "TS-2"],
            "overdue_days": [2.5, 0.5],
            "owner": ["王芳", ""],
            "client_id": ["KH-1", "KH-2"],
            "client_name": ["张三", ""],
            "category": ["billing", ""],
            "severity": ["critical", "normal"],
            "level": ["frontline", "department"],
            "received_at": pd.to_datetime(["2026-11-01 09:00", "2026-11-02 10:00"]),
            "due_at": pd.to_datetime(["2026-11-04 09:00", "2026-11-05 10:00"]),
        }
    )


def test_list_table_in_english() -> None:
    out = dv.list_table(overdue_list(), dv.OVERDUE_COLUMNS, "en")
    assert list(out.columns) == [
        "Complaint ID",
        "Working days overdue",
        "Handler",
        "Client",
        "Category",
        "Severity",
        "Level",
        "Received at",
        "Due at",
    ]
    assert out["Handler"].tolist() == ["王芳", "(unassigned)"]
    assert out["Client"].tolist() == ["张三", "KH-2"]  # no name: the client's ID
    assert out["Severity"].tolist() == ["Critical", "Normal"]
    assert out["Level"].tolist() == ["Frontline", "Department head"]


def test_list_table_in_chinese() -> None:
    out = dv.list_table(overdue_list(), dv.OVERDUE_COLUMNS, "zh")
    assert out.columns[1] == "超时工作日" and out.columns[2] == "经办人"
    assert out["经办人"].tolist() == ["王芳", "（未分派）"]
    assert out["严重程度"].tolist() == ["重大", "一般"]


def test_list_table_shows_at_most_max_list_rows() -> None:
    many = pd.concat([overdue_list()] * (dv.MAX_LIST_ROWS // 2 + 5), ignore_index=True)
    assert len(dv.list_table(many, dv.OVERDUE_COLUMNS, "en")) == dv.MAX_LIST_ROWS


def test_filters_line_names_the_filters_in_force() -> None:
    period = m.month_period(pd.Timestamp(NOW))
    sel = m.Filters.for_period(period, categories=("billing",), handlers=("王芳", "李娜"))
    assert dv.filters_line(sel, "en") == "Category: Billing; Handler: 王芳, 李娜"
    assert dv.filters_line(m.Filters.for_period(period), "en") == ""
    assert dv.filters_line(sel, "zh").startswith("投诉类别: ")


def test_a_selection_survives_its_cache_key() -> None:
    sel = m.Filters.for_period(m.month_period(pd.Timestamp(NOW)), grades=("A",))
    again = dv.filters_of(dv.selection_key(sel))
    assert (again.start, again.end, again.grades) == (sel.start, sel.end, sel.grades)


def test_dim_label() -> None:
    assert dv.dim_label("severity", "serious", "zh") == "严重"
    assert dv.dim_label(None, "王芳", "zh") == "王芳"


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        (
            (dt.date(2026, 11, 1), dt.date(2026, 11, 9)),
            (dt.date(2026, 11, 1), dt.date(2026, 11, 9), True),
        ),
        ((dt.date(2026, 11, 1),), (dt.date(2026, 11, 1), dt.date(2026, 11, 1), False)),
        ((), (dt.date(2026, 11, 23), dt.date(2026, 11, 23), False)),
        (dt.date(2026, 11, 5), (dt.date(2026, 11, 5), dt.date(2026, 11, 5), False)),
    ],
)
def test_custom_range(picked, expected) -> None:
    assert dv.custom_range(picked, NOW.date()) == expected


def test_staff_table_marks_the_star_and_gives_percent() -> None:
    staff = pd.DataFrame(
        {
            "staff": ["王芳", "李娜"],
            "handled": [5, 3],
            "within_limit": [0.8, 1.0],
            "open": [1, 0],
            "overdue": [0, 0],
            "revisits": [6, 2],
            "reached": [5, 2],
            "avg_score": [9.2, 8.0],
        }
    )
    out = dv.staff_table(staff, "王芳", "en")
    assert out["Staff"].tolist() == ["★ 王芳", "李娜"]
    assert out["Within the limit"].tolist() == [80.0, 100.0]
    assert dv.staff_table(staff, None, "en")["Staff"].tolist() == ["王芳", "李娜"]


def test_top_table() -> None:
    top = pd.DataFrame({"category": ["billing"], "count": [4], "share": [0.5]})
    causes = pd.DataFrame(
        {
            "category": ["billing"],
            "root_cause": ["系统错误"],
            "count": [2],
            "corrective_action": ["修复"],
        }
    )
    out = dv.top_table(top, causes, "en")
    assert out.iloc[0].tolist()[:3] == ["Billing", 4, 50.0]
    assert out.iloc[0].tolist()[3:] == ["系统错误", 2, "修复"]


# --- the months offered for the monthly report ------------------------------------------------


def received(*moments: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(moments)), dtype="datetime64[ns]")


def test_report_months_from_the_first_complaint_newest_first() -> None:
    now = pd.Timestamp("2026-11-23 10:00")
    months = dv.report_months(received("2026-08-15", "2026-10-01"), now)
    assert months == ["2026-11", "2026-10", "2026-09", "2026-08"]


def test_report_months_go_back_at_most_24_months() -> None:
    now = pd.Timestamp("2026-11-23 10:00")
    months = dv.report_months(received("2020-01-01", "2026-11-01"), now)
    assert len(months) == 24
    assert months[0] == "2026-11" and months[-1] == "2024-12"


def test_report_months_without_data_offer_this_month() -> None:
    now = pd.Timestamp("2026-11-23 10:00")
    assert dv.report_months(received(), now) == ["2026-11"]
    assert dv.report_months(pd.Series([pd.NaT], dtype="datetime64[ns]"), now) == ["2026-11"]


# --- every message the pages and their glue use is in both catalogues -------------------------


def test_every_message_of_the_pages_and_their_glue_is_in_both_catalogues() -> None:
    sources = [*(ROOT / "pages").glob("*.py"), *(ROOT / "utils").glob("ui*.py")]
    sources += [ROOT / "utils" / "views.py", ROOT / "utils" / "dashboard_view.py"]
    keys: set[str] = set()
    for source in sources:
        keys |= set(
            re.findall(r"\btr?(?:_text)?\(\s*\"([a-z_]+\.[a-z_.]+)\"\s*[,)]", source.read_text())
        )
    assert len(keys) > 200
    assert not keys - set(en.MESSAGES), sorted(keys - set(en.MESSAGES))
    assert not keys - set(zh.MESSAGES), sorted(keys - set(zh.MESSAGES))
