"""The monthly report's sections as data for the template: the KPI rows, the overdue and
reopened lists, the staff table, the top categories with their root causes, the seeds' monthly
summary (the month's complaints, complaints about staff, suggestions, feedback timeliness) and
the line saying which filters narrowed the figures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from utils import charts as ch
from utils import metrics as m
from utils.i18n import t
from utils.metrics.kpis import feedback_timeliness
from utils.metrics.prepare import conform
from utils.report.text import (
    choice_label,
    client_names,
    field_label,
    record_table,
    score,
    share,
    when,
)
from utils.settings import Settings

MAX_LIST_ROWS = 50  # rows of the overdue / reopened lists in the report


def kpi_rows(kpis: dict[str, m.Kpi], keys: Iterable[str], lang: str) -> list[dict[str, str]]:
    """The KPI table's rows: the figure, this period, the previous one, the change."""
    rows = []
    for key in keys:
        k = kpis[key]
        arrow = ("▲" if (k.change or 0) > 0 else "▼") if k.trend in ("good", "bad") else ""
        rows.append(
            {
                "label": t(f"dash.kpi.{key}", lang),
                "value": m.format_value(k.kind, k.value),
                "previous": m.format_value(k.kind, k.previous),
                "change": m.format_change(k.kind, k.change),
                "trend": k.trend,
                "arrow": arrow,
            }
        )
    return rows


LIST_FIELDS = {
    "complaint_id": ("complaints", "complaint_id"),
    "client_name": ("clients", "name"),
    "received_at": ("complaints", "received_at"),
    "due_at": ("complaints", "due_at"),
    "category": ("complaints", "category"),
    "severity": ("complaints", "severity"),
    "level": ("complaints", "level"),
    "status": ("complaints", "status"),
}
LIST_KEYS = {
    "owner": "dash.dim.owner",
    "overdue_days": "report.col.overdue_days",
    "reopened_at": "report.col.reopened_at",
    "times": "report.col.times",
}
CHOICE_DIMS = {
    "category": "category",
    "severity": "severity",
    "level": "level",
    "status": "complaint_status",
}
NUMERIC = {"overdue_days", "times"}
OVERDUE_COLUMNS = [
    "complaint_id",
    "client_name",
    "received_at",
    "due_at",
    "category",
    "severity",
    "level",
    "owner",
    "overdue_days",
]
REOPENED_COLUMNS = [
    "complaint_id",
    "client_name",
    "received_at",
    "category",
    "severity",
    "level",
    "owner",
    "status",
    "reopened_at",
    "times",
]
NOWRAP = {
    "complaint_id",
    "received_at",
    "due_at",
    "reopened_at",
    "category",
    "severity",
    "level",
    "owner",
    "status",
}


def _list_cell(col: str, value: Any, lang: str) -> str:
    if col in CHOICE_DIMS:
        return choice_label(CHOICE_DIMS[col], value, lang)
    if isinstance(value, pd.Timestamp) or col.endswith("_at"):
        return when(value)
    if col == "overdue_days":
        return f"{value:.1f}"
    return "" if value is None else str(value)


def complaint_list(frame: pd.DataFrame, lang: str, columns: list[str]) -> dict[str, Any]:
    """Overdue / reopened complaints for the list table (first MAX_LIST_ROWS rows); a row is
    a list of (class, text) cells."""
    heads = [
        {
            "label": field_label(*LIST_FIELDS[c], lang)
            if c in LIST_FIELDS
            else t(LIST_KEYS[c], lang),
            "cls": "num" if c in NUMERIC else ("nw" if c in NOWRAP else ""),
        }
        for c in columns
    ]
    rows = []
    if not frame.empty:
        shown = frame.head(MAX_LIST_ROWS).copy()
        shown["client_name"] = shown["client_name"].where(
            shown["client_name"] != "", shown["client_id"]
        )
        rows = [
            [(h["cls"], _list_cell(c, v, lang)) for h, c, v in zip(heads, columns, r, strict=True)]
            for r in shown[columns].itertuples(index=False)
        ]
    return {"columns": heads, "rows": rows, "more": max(len(frame) - MAX_LIST_ROWS, 0)}


STAFF_COLUMNS = m.STAFF_COLUMNS


def staff_rows(staff: pd.DataFrame, stars: list[m.Star]) -> list[dict[str, Any]]:
    """The staff table's rows, the star(s) of the month marked."""
    names = {s.staff for s in stars}
    return [
        {
            "staff": r.staff,
            "star": r.staff in names,
            "cells": [
                f"{r.handled:,}",
                share(r.within_limit),
                f"{r.open:,}",
                f"{r.overdue:,}",
                f"{r.revisits:,}",
                f"{r.reached:,}",
                score(r.avg_score),
                f"{r.scored:,}",
                f"{r.complaints_about:,}",
                f"{r.verified:,}",
            ],
        }
        for r in staff.itertuples(index=False)
    ]


MONTH_FIELDS = [
    "complaint_id",
    "received_at",
    "client_name",
    "category",
    "severity",
    "status",
    "resolution",
    "resolved_at",
    "feedback_at",
]
SUGGESTION_FIELDS = ["done_at", "client_name", "kind", "staff", "score", "suggestions"]
ABOUT_FIELDS = ["complaint_id", "responsible_staff", "received_at", "category", "verified"]


def month_sections(
    d: m.Dashboard, clients: pd.DataFrame | None, period: m.Period, lang: str, settings: Settings
) -> dict[str, Any]:
    """The seeds' monthly summary: every complaint received in the month with its result,
    complaints about staff (and how many were verified), the clients' suggestions from the
    month's revisits, and the feedback-to-client timeliness."""
    names = client_names(clients if clients is not None else d.filtered.clients)
    c = conform(d.filtered.complaints, "complaints")
    month = c[period.contains(c["received_at"])].sort_values("received_at", kind="stable")
    month = month.assign(
        client_name=month["client_id"].map(names).astype(object).fillna(month["client_id"])
    )
    about = month[month["responsible_staff"].fillna("").astype(str).str.strip() != ""]
    r = conform(d.filtered.revisits, "revisits")
    said = r[period.contains(r["done_at"]) & (r["suggestions"].fillna("").str.strip() != "")]
    said = said.sort_values("done_at", kind="stable")
    said = said.assign(
        client_name=said["client_id"].map(names).astype(object).fillna(said["client_id"])
    )
    said = said.assign(
        score=said["score"].astype("Int64").astype(object).where(said["score"].notna(), "")
    )
    fb = feedback_timeliness(d.filtered.complaints, period, settings)
    counts = d.staff[d.staff["complaints_about"] > 0] if len(d.staff) else d.staff
    return {
        "month_complaints": record_table("complaints", month, MONTH_FIELDS, lang),
        "about_staff": [
            {
                "staff": x["staff"],
                "n": f"{x['complaints_about']:,}",
                "verified": f"{x['verified']:,}",
            }
            for x in counts.to_dict("records")
        ],
        "about_list": record_table("complaints", about, ABOUT_FIELDS, lang),
        "suggestions": record_table("revisits", said, SUGGESTION_FIELDS, lang),
        "feedback": t(
            "report.feedback_line",
            lang,
            share=share(fb["share"]),
            timely=fb["timely"],
            resolved=fb["resolved"],
        ),
    }


def top_rows(top: pd.DataFrame, causes: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The top categories with their count, share and root causes."""
    rows = []
    for r in top.itertuples(index=False):
        mine = causes[causes["category"] == r.category]
        rows.append(
            {
                "category": choice_label("category", r.category, lang),
                "count": f"{r.count:,}",
                "share": share(r.share),
                "causes": [
                    {
                        "root_cause": c.root_cause,
                        "count": f"{c.count:,}",
                        "action": c.corrective_action,
                    }
                    for c in mine.itertuples(index=False)
                ],
            }
        )
    return rows


def filters_line(f: m.Filters, lang: str) -> str:
    """Which filters narrowed the figures, in `lang`; "" when none did."""
    parts = []
    for name, values, dim in (
        ("category", f.categories, "category"),
        ("channel", f.channels, "channel"),
        ("severity", f.severities, "severity"),
        ("owner", f.handlers, None),
        ("grade", f.grades, "grade"),
    ):
        if values:
            shown = [ch.label_of(dim, v, lang) if dim else v for v in values]
            parts.append(f"{t(f'dash.dim.{name}', lang)}: {', '.join(shown)}")
    return t("report.filters", lang, filters="; ".join(parts)) if parts else ""
