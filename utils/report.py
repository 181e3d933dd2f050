"""The monthly report: one self-contained HTML file (inline CSS, charts as inline SVG rendered
by vl-convert, no script, no external URL) that opens offline, can be mailed, and prints
cleanly to PDF.

Contents: the month's figures against the previous month, the charts, the overdue and reopened
complaints, the staff table and star(s) of the month, complaints about staff, the top complaint
categories with their root causes, every complaint of the month with its result, the feedback
to clients' timeliness and the clients' suggestions from revisits (the seeds' monthly
summary). `weekly_csv` is the seeds' Monday hand-over table: each complaint received in one ISO
week with its deadline, handling and result. Chinese text in the charts needs a CJK font on the
machine that renders them (Debian: fonts-wqy-microhei or fonts-noto-cjk); `register_fonts()`
adds font folders.

The page is utils/templates/report.html.j2 (CSS in report.css.j2), rendered by Jinja2 with
auto-escaping and StrictUndefined; this module only works out the figures as plain text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import altair as alt
import jinja2
import pandas as pd
from markupsafe import Markup

from sheets_schema.tables import TABLES
from utils import charts as ch
from utils import metrics as m
from utils import progress_log as plog
from utils.deadlines import fill_due
from utils.display import labelled
from utils.downloads import defuse
from utils.i18n import t
from utils.metrics.kpis import feedback_timeliness
from utils.metrics.periods import week_label, week_period
from utils.metrics.prepare import conform
from utils.settings import Settings

__all__ = [
    "build_report",
    "default_month",
    "feedback_timeliness",
    "month_label",
    "report_filename",
    "week_label",
    "week_period",
    "weekly_csv",
    "weekly_filename",
    "weekly_table",
]

CHART_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
WIDE = 600  # px, plot width of a full-width chart
NARROW = 270  # px, plot width of a chart in a two-column row
MAX_LIST_ROWS = 50  # rows of the overdue / reopened lists in the report
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
_fonts_registered = False


def register_fonts(dirs: Iterable[str] = FONT_DIRS) -> None:
    """Make the system's fonts (CJK included) known to vl-convert. Called once, lazily."""
    global _fonts_registered
    if _fonts_registered:
        return
    import os

    import vl_convert as vlc

    for d in dirs:
        if os.path.isdir(d):
            try:
                vlc.register_font_directory(d)
            except (OSError, ValueError, RuntimeError):
                continue
    _fonts_registered = True


def _vl_version() -> str | None:
    import vl_convert as vlc

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def chart_svg(chart: Any, prefix: str = "c") -> str:
    """A chart as inline SVG: rendered offline (no URL may be fetched), namespace attributes
    dropped (inline SVG in HTML needs none) and element ids made unique with `prefix` so that
    several charts can share one page."""
    import vl_convert as vlc

    register_fonts()
    # Not validated against the Vega-Lite schema again here (a third of the spec's cost):
    # tests/test_charts.py validates these charts, at the report's fixed widths too.
    spec = chart.to_dict(validate=False)
    svg = vlc.vegalite_to_svg(
        spec, vl_version=_vl_version(), config={"font": CHART_FONT}, allowed_base_urls=[]
    )
    svg = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return svg


# ---------------------------------------------------------------------------------------------
# the template
# ---------------------------------------------------------------------------------------------

TEMPLATE = "report.html.j2"


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the report: templates from utils/templates/, every value
    HTML-escaped unless it is Markup, and a missing variable an error rather than blank."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("utils", "templates"),
        autoescape=jinja2.select_autoescape(default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(context: dict[str, Any], lang: str) -> str:
    """The report template rendered with `context`; `t(key, **params)` in the template is the
    catalogue in `lang`."""
    template = environment().get_template(TEMPLATE)
    return template.render(context, t=lambda key, **params: t(key, lang, **params))


# ---------------------------------------------------------------------------------------------
# the figures as text for the template (escaping is the template's job)
# ---------------------------------------------------------------------------------------------


def month_label(period: m.Period, lang: str) -> str:
    s = period.start
    return f"{s.year}年{s.month}月" if lang == "zh" else s.strftime("%B %Y")


def _when(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def _field(tab: str, name: str, lang: str) -> str:
    return TABLES[tab].by_field[name].label(lang)


def _kpi_rows(kpis: dict[str, m.Kpi], keys: Iterable[str], lang: str) -> list[dict[str, str]]:
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


def _choice(dimension: str, value: Any, lang: str) -> str:
    return ch.label_of(dimension, "" if value is None else str(value), lang)


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
        return _choice(CHOICE_DIMS[col], value, lang)
    if isinstance(value, pd.Timestamp) or col.endswith("_at"):
        return _when(value)
    if col == "overdue_days":
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _complaint_list(frame: pd.DataFrame, lang: str, columns: list[str]) -> dict[str, Any]:
    """Overdue / reopened complaints for the list table (first MAX_LIST_ROWS rows); a row is
    a list of (class, text) cells."""
    heads = [
        {
            "label": _field(*LIST_FIELDS[c], lang) if c in LIST_FIELDS else t(LIST_KEYS[c], lang),
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


def _share(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _score(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


STAFF_COLUMNS = (
    "staff",
    "handled",
    "within_limit",
    "open",
    "overdue",
    "revisits",
    "reached",
    "avg_score",
    "scored",
    "complaints_about",
    "verified",
)


def _staff_rows(staff: pd.DataFrame, stars: list[m.Star]) -> list[dict[str, Any]]:
    names = {s.staff for s in stars}
    return [
        {
            "staff": r.staff,
            "star": r.staff in names,
            "cells": [
                f"{r.handled:,}",
                _share(r.within_limit),
                f"{r.open:,}",
                f"{r.overdue:,}",
                f"{r.revisits:,}",
                f"{r.reached:,}",
                _score(r.avg_score),
                f"{r.scored:,}",
                f"{r.complaints_about:,}",
                f"{r.verified:,}",
            ],
        }
        for r in staff.itertuples(index=False)
    ]


def _names(clients: pd.DataFrame | None) -> pd.Series:
    cl = conform(clients, "clients").drop_duplicates("client_id")
    return cl.set_index("client_id")["name"]


def _table(tab: str, frame: pd.DataFrame, fields: list[str], lang: str) -> dict[str, Any]:
    """A table of records for the template: labelled headers, choice labels, date-times to
    the minute; `client_name` (clients' name label) where asked for."""
    heads, columns = [], []
    for f in fields:
        if f == "client_name":
            heads.append(_field("clients", "name", lang))
        else:
            heads.append(_field(tab, f, lang))
        columns.append(f)
    rows = []
    for r in frame[columns].itertuples(index=False):
        cells = []
        for f, v in zip(columns, r, strict=True):
            column = TABLES[tab].by_field.get(f)
            if isinstance(v, pd.Timestamp) or (column is not None and column.kind == "datetime"):
                cells.append(_when(v))
            elif column is not None and column.choices is not None:
                cells.append(column.choices.label(str(v or ""), lang) if v else "")
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                cells.append("")
            else:
                cells.append(str(v))
        rows.append(cells)
    return {"columns": heads, "rows": rows}


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


def _month_sections(
    d: m.Dashboard, clients: pd.DataFrame | None, period: m.Period, lang: str, settings: Settings
) -> dict[str, Any]:
    """The seeds' monthly summary: every complaint received in the month with its result,
    complaints about staff (and how many were verified), the clients' suggestions from the
    month's revisits, and the feedback-to-client timeliness."""
    names = _names(clients if clients is not None else d.filtered.clients)
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
        "month_complaints": _table("complaints", month, MONTH_FIELDS, lang),
        "about_staff": [
            {
                "staff": x["staff"],
                "n": f"{x['complaints_about']:,}",
                "verified": f"{x['verified']:,}",
            }
            for x in counts.to_dict("records")
        ],
        "about_list": _table("complaints", about, ABOUT_FIELDS, lang),
        "suggestions": _table("revisits", said, SUGGESTION_FIELDS, lang),
        "feedback": t(
            "report.feedback_line",
            lang,
            share=_share(fb["share"]),
            timely=fb["timely"],
            resolved=fb["resolved"],
        ),
    }


def _top_rows(top: pd.DataFrame, causes: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    rows = []
    for r in top.itertuples(index=False):
        mine = causes[causes["category"] == r.category]
        rows.append(
            {
                "category": _choice("category", r.category, lang),
                "count": f"{r.count:,}",
                "share": _share(r.share),
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


# ---------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------

WIDE_CHARTS = {"over_time_category", "over_time_channel", "over_time_severity", "resolve_time"}


def build_report(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    month: str,
    lang: str,
    settings: Settings,
    now: Any,
    *,
    filters: m.Filters | None = None,
) -> str:
    """The monthly report for `month` ("2026-10") in `lang`, as one HTML document (str).

    Figures are for the calendar month against the previous month (cut to the same elapsed
    length while the month is still running); open/overdue are as of the month's end, or `now`
    for the current month. `filters` optionally narrows the data (its period is ignored)."""
    lang = "zh" if lang == "zh" else "en"
    period = m.month_period(month)
    sel = replace(filters or m.Filters.for_period(period), start=period.start, end=period.end)
    d = m.dashboard(clients, complaints, revisits, sel, now, settings, freq="M")
    graphs = ch.dashboard_charts(d, lang, width=WIDE, narrow=NARROW)
    label = month_label(period, lang)
    prev = d.previous
    prev_label = (
        month_label(prev, lang)
        if prev.is_month
        else f"{prev.start:%Y-%m-%d} – {prev.last_day:%Y-%m-%d}"
    )
    groups = [
        ("report.section.complaints", m.COMPLAINT_KPIS),
        ("report.section.revisits", m.REVISIT_KPIS),
        ("report.section.clients", m.CLIENT_KPIS),
    ]
    context = {
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "month": label,
        "previous": prev_label,
        "start": f"{period.start:%Y-%m-%d}",
        "end": f"{period.last_day:%Y-%m-%d}",
        "as_of": _when(d.as_of),
        "now": _when(now),
        "filters": _filters_line(sel, lang),
        "kpi_head": [t("report.col.figure", lang), label, prev_label, t("report.col.change", lang)],
        "kpi_groups": [
            {"title": title, "rows": _kpi_rows(d.kpis, keys, lang)} for title, keys in groups
        ],
        # The one trusted markup: SVG written by vl-convert (it escapes the data in its text).
        "charts": [
            {"svg": Markup(chart_svg(c, f"c{i}")), "wide": name in WIDE_CHARTS}
            for i, (name, c) in enumerate(graphs.items())
        ],
        "overdue": _complaint_list(d.overdue, lang, OVERDUE_COLUMNS),
        "reopened": _complaint_list(d.reopened, lang, REOPENED_COLUMNS),
        "star": d.star,
        "stars": d.stars,
        "star_min": settings.star_min_revisits,
        "staff_head": [t(f"dash.staff.{k}", lang) for k in STAFF_COLUMNS],
        "staff": _staff_rows(d.staff, d.stars),
        "top_head": [
            _field("complaints", "category", lang),
            t("dash.axis.complaints", lang),
            t("dash.axis.share", lang),
            _field("complaints", "root_cause", lang),
        ],
        "top": _top_rows(d.top_categories, d.root_causes, lang),
        **_month_sections(d, clients, period, lang, settings),
    }
    return render(context, lang)


def _filters_line(f: m.Filters, lang: str) -> str:
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


def report_filename(month: str, lang: str) -> str:
    """A file name for the report: sheetdesk-report-2026-10-zh.html."""
    return f"sheetdesk-report-{m.month_period(month).start:%Y-%m}-{lang}.html"


def default_month(now: Any) -> str:
    """The month a report is usually wanted for: last month."""
    return m.last_month(now).start.strftime("%Y-%m")


# ---------------------------------------------------------------------------------------------
# the weekly complaint table (seeds: 每周《客户投诉记录表》, handed over on Monday)
# ---------------------------------------------------------------------------------------------

WEEK_FIELDS = [
    "complaint_id",
    "received_at",
    "client_id",
    "client_name",
    "channel",
    "category",
    "severity",
    "description",
    "first_receiver",
    "handler",
    "level",
    "status",
    "due_at",
    "progress_log",
    "resolution",
    "resolved_at",
    "feedback_at",
    "closed_at",
]


def weekly_table(
    complaints: pd.DataFrame | None,
    clients: pd.DataFrame | None,
    week: str,
    lang: str,
    settings: Settings,
) -> pd.DataFrame:
    """Each complaint received in the ISO week `week` (`2026-W48`, Monday to Sunday), oldest
    first: its client, what it is about, who handles it, its deadline (due_at, computed where
    blank, or the deadline the client asked for when earlier), its handling (the progress log,
    in `lang`) and result — headers and choices labelled in `lang`, moments as
    `YYYY-MM-DD HH:MM` text."""
    period = week_period(week)
    c = conform(complaints, "complaints")
    sub = c[period.contains(c["received_at"])].sort_values("received_at", kind="stable")
    sub = sub.assign(
        due_at=fill_due(sub, settings, clients) if len(sub) else sub["due_at"],
        client_name=sub["client_id"].map(_names(clients)).astype(object).fillna(""),
        progress_log=[plog.translate(x, lang) for x in sub["progress_log"]],
    )
    fields = [f for f in WEEK_FIELDS if f != "client_name"]
    out = labelled("complaints", sub, lang, fields)
    for f, header in zip(fields, out.columns, strict=True):
        if TABLES["complaints"].by_field[f].kind == "datetime":
            out[header] = pd.to_datetime(out[header]).dt.strftime("%Y-%m-%d %H:%M").fillna("")
    out.insert(fields.index("client_id") + 1, _field("clients", "name", lang), sub["client_name"])
    return out.reset_index(drop=True)


def weekly_csv(
    complaints: pd.DataFrame | None,
    clients: pd.DataFrame | None,
    week: str,
    lang: str,
    settings: Settings,
) -> bytes:
    """`weekly_table` as CSV: UTF-8 with a byte-order mark (Excel shows Chinese), CRLF line
    ends, every text cell defused so that no spreadsheet program runs it as a formula."""
    table = weekly_table(complaints, clients, week, lang, settings)
    for header in table.columns:
        table[header] = table[header].fillna("").astype(str).map(defuse)
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def weekly_filename(week: str, lang: str) -> str:
    """sheetdesk-complaints-2026-W48-zh.csv"""
    return f"sheetdesk-complaints-{week_label(week_period(week))}-{lang}.csv"
