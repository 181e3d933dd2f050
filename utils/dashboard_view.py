"""What the managers' dashboard shows, prepared for people: the tile rows, the filter list, the
overdue / reopened / staff / top-category tables with labels in the page's language, the line
naming the filters in force, and the months offered for the monthly report. Pure: the page
and `utils.ui_dashboard` put these on the screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from sheets_schema.tables import TABLES
from utils import metrics as m
from utils.charts import label_of
from utils.i18n import t

MAX_LIST_ROWS = 500  # rows of the overdue / reopened lists on the page
REPORT_MONTHS = 24  # months offered for the monthly report, at most
TABS = ("complaints", "open", "revisits", "clients", "staff", "downloads")
SPLITS = ("category", "channel", "severity")  # how the complaints-over-time chart is split
KPI_ROWS = (
    ("report.section.complaints", ("received", "open", "overdue", "resolved", "closed")),
    (None, ("within_limit", "median_days", "p90_days", "reopened", "not_started")),
    ("report.section.revisits", m.REVISIT_KPIS),
    ("report.section.clients", m.CLIENT_KPIS),
)
SHORT_TILES = {"within_limit", "median_days", "p90_days", "completion", "per_100"}
FILTERS = (  # widget key, Filters field, option list, dimension for labels
    ("dash_f_category", "categories", "categories", "category"),
    ("dash_f_channel", "channels", "channels", "channel"),
    ("dash_f_severity", "severities", "severities", "severity"),
    ("dash_f_handler", "handlers", "handlers", None),
    ("dash_f_grade", "grades", "grades", "grade"),
)
FILTER_TITLES = {
    "categories": "category",
    "channels": "channel",
    "severities": "severity",
    "handlers": "owner",
    "grades": "grade",
}
LIST_FIELDS = {  # list column → (tab, field) whose label heads it
    "complaint_id": ("complaints", "complaint_id"),
    "received_at": ("complaints", "received_at"),
    "due_at": ("complaints", "due_at"),
    "category": ("complaints", "category"),
    "severity": ("complaints", "severity"),
    "channel": ("complaints", "channel"),
    "level": ("complaints", "level"),
    "status": ("complaints", "status"),
}
LIST_KEYS = {  # list column → catalogue key of its heading
    "client_name": "dash.list.client",
    "owner": "dash.dim.owner",
    "overdue_days": "report.col.overdue_days",
    "reopened_at": "report.col.reopened_at",
    "times": "report.col.times",
    "waiting_days": "report.col.waiting_days",
}
LIST_DIMS = {  # list column → dimension of its values' labels
    "category": "category",
    "severity": "severity",
    "channel": "channel",
    "level": "level",
    "status": "complaint_status",
}
OVERDUE_COLUMNS = [
    "complaint_id",
    "overdue_days",
    "owner",
    "client_name",
    "category",
    "severity",
    "level",
    "received_at",
    "due_at",
]
NOT_STARTED_COLUMNS = [
    "complaint_id",
    "waiting_days",
    "owner",
    "client_name",
    "category",
    "severity",
    "received_at",
    "due_at",
]
REOPENED_COLUMNS = [
    "complaint_id",
    "reopened_at",
    "times",
    "status",
    "owner",
    "client_name",
    "category",
    "severity",
    "level",
    "received_at",
]
STAFF_COLUMNS = m.STAFF_COLUMNS
KEY_MARK = "★ "  # before a key client's name in the lists


def when(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as text; blank for none (None or NaT)."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime(fmt)


def tile_key(key: str) -> str:
    """The catalogue key of a KPI tile's label (short on the tiles that need it)."""
    return f"dash.tile.{key}" if key in SHORT_TILES else f"dash.kpi.{key}"


def dim_label(dimension: str | None, value: str, lang: str) -> str:
    """A filter value as people read it (handlers are names: shown as they are)."""
    return label_of(dimension, value, lang) if dimension else value


def custom_range(picked: object, today: dt.date) -> tuple[dt.date, dt.date, bool]:
    """The range picker's value as (first day, last day, complete): a range still being
    picked (one day so far) counts as that one day; nothing picked yet, as today."""
    days = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
    complete = len(days) >= 2 and days[1] is not None
    first = days[0] if days else today
    last = days[1] if complete else first
    return first, last, complete


def selection_key(sel: m.Filters) -> tuple:
    """A selection as plain values (a cache key); `filters_of` makes it a `Filters` again."""
    return (
        str(sel.start),
        str(sel.end),
        sel.categories,
        sel.channels,
        sel.severities,
        sel.handlers,
        sel.grades,
    )


def filters_of(selection: tuple) -> m.Filters:
    start, end, *attrs = selection
    return m.Filters(pd.Timestamp(start), pd.Timestamp(end), *attrs)


def filters_line(filters: m.Filters, lang: str) -> str:
    """The filters in force, e.g. `Category: Billing, Delivery; Handler: 王芳`; "" for none."""
    parts = []
    for _key, field, _opts, dim in FILTERS:
        values = getattr(filters, field)
        if values:
            title = t(f"dash.dim.{FILTER_TITLES[field]}", lang)
            parts.append(f"{title}: {', '.join(dim_label(dim, v, lang) for v in values)}")
    return "; ".join(parts)


def list_table(frame: pd.DataFrame, columns: Sequence[str], lang: str) -> pd.DataFrame:
    """An overdue / reopened / not-started list for people: choice labels, client name (or ID
    when the client has none; ★ before a key client's), "(unassigned)" for no handler,
    labelled headers, first MAX_LIST_ROWS rows."""
    out = frame.head(MAX_LIST_ROWS).copy()
    out["client_name"] = out["client_name"].where(out["client_name"] != "", out["client_id"])
    if "key_client" in out.columns:
        key = out["key_client"].fillna(False).astype(bool)
        out["client_name"] = out["client_name"].where(~key, KEY_MARK + out["client_name"])
    out = out[list(columns)]
    for col, dim in LIST_DIMS.items():
        if col in out.columns:
            out[col] = [label_of(dim, str(v), lang) for v in out[col]]
    if "owner" in out.columns:
        out["owner"] = out["owner"].replace("", t("dash.unassigned", lang))
    names = {
        c: (
            TABLES[LIST_FIELDS[c][0]].by_field[LIST_FIELDS[c][1]].label(lang)
            if c in LIST_FIELDS
            else t(LIST_KEYS[c], lang)
        )
        for c in columns
    }
    return out.rename(columns=names)


def top_table(top_categories: pd.DataFrame, root_causes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The top complaint categories with their share and most cited root cause and action."""
    top = top_categories.merge(root_causes, on="category", how="left", suffixes=("", "_cause"))
    return pd.DataFrame(
        {
            t("dash.dim.category", lang): [label_of("category", v, lang) for v in top["category"]],
            t("dash.axis.complaints", lang): top["count"],
            t("dash.axis.share", lang): top["share"] * 100,
            TABLES["complaints"].by_field["root_cause"].label(lang): top["root_cause"].fillna(""),
            t("dash.top.cause_count", lang): top["count_cause"].astype("Int64"),
            t("report.action", lang): top["corrective_action"].fillna(""),
        }
    )


def staff_table(staff: pd.DataFrame, star: str | Sequence[str] | None, lang: str) -> pd.DataFrame:
    """The staff figures for people: the star(s) of the month marked ★, the within-limit share
    in percent, complaints about each person and how many were verified, labelled headers."""
    out = staff[[c for c in STAFF_COLUMNS if c in staff.columns]].copy()
    stars = {star} if isinstance(star, str) else set(star or ())
    if stars:
        out["staff"] = out["staff"].where(~out["staff"].isin(stars), "★ " + out["staff"])
    out["within_limit"] = out["within_limit"] * 100
    return out.rename(columns={c: t(f"dash.staff.{c}", lang) for c in out.columns})


def report_months(received_at: pd.Series, now: object, most: int = REPORT_MONTHS) -> list[str]:
    """The months offered for the monthly report (`YYYY-MM`), newest first: from the month of
    the first complaint received to this month, at most `most` months; this month alone when
    there is no data."""
    first = received_at.min() if len(received_at) else pd.NaT
    start = m.month_period(now).start
    if pd.isna(first):
        return [f"{start:%Y-%m}"]
    oldest = max(start - pd.DateOffset(months=most - 1), m.month_period(first).start)
    months = pd.date_range(oldest, start, freq="MS")
    return [f"{x:%Y-%m}" for x in reversed(months)] or [f"{start:%Y-%m}"]
