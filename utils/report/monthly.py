"""The monthly report itself: `build_report` works out the month's figures against the previous
month and renders the page; its file name and the month a report is usually wanted for."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from markupsafe import Markup

from utils import charts as ch
from utils import metrics as m
from utils.i18n import t
from utils.report.sections import (
    OVERDUE_COLUMNS,
    REOPENED_COLUMNS,
    STAFF_COLUMNS,
    complaint_list,
    filters_line,
    kpi_rows,
    month_sections,
    staff_rows,
    top_rows,
)
from utils.report.svg import chart_svg
from utils.report.template import render
from utils.report.text import field_label, when
from utils.settings import Settings

WIDE = 600  # px, plot width of a full-width chart
NARROW = 270  # px, plot width of a chart in a two-column row
WIDE_CHARTS = {"over_time_category", "over_time_channel", "over_time_severity", "resolve_time"}


def month_label(period: m.Period, lang: str) -> str:
    """The month as people write it: `2026年10月`, `October 2026`."""
    s = period.start
    return f"{s.year}年{s.month}月" if lang == "zh" else s.strftime("%B %Y")


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
        "as_of": when(d.as_of),
        "now": when(now),
        "filters": filters_line(sel, lang),
        "kpi_head": [t("report.col.figure", lang), label, prev_label, t("report.col.change", lang)],
        "kpi_groups": [
            {"title": title, "rows": kpi_rows(d.kpis, keys, lang)} for title, keys in groups
        ],
        # The one trusted markup: SVG written by vl-convert (it escapes the data in its text).
        "charts": [
            {"svg": Markup(chart_svg(c, f"c{i}")), "wide": name in WIDE_CHARTS}
            for i, (name, c) in enumerate(graphs.items())
        ],
        "overdue": complaint_list(d.overdue, lang, OVERDUE_COLUMNS),
        "reopened": complaint_list(d.reopened, lang, REOPENED_COLUMNS),
        "star": d.star,
        "stars": d.stars,
        "star_min": settings.star_min_revisits,
        "staff_head": [t(f"dash.staff.{k}", lang) for k in STAFF_COLUMNS],
        "staff": staff_rows(d.staff, d.stars),
        "top_head": [
            field_label("complaints", "category", lang),
            t("dash.axis.complaints", lang),
            t("dash.axis.share", lang),
            field_label("complaints", "root_cause", lang),
        ],
        "top": top_rows(d.top_categories, d.root_causes, lang),
        **month_sections(d, clients, period, lang, settings),
    }
    return render(context, lang)


def report_filename(month: str, lang: str) -> str:
    """A file name for the report: sheetdesk-report-2026-10-zh.html."""
    return f"sheetdesk-report-{m.month_period(month).start:%Y-%m}-{lang}.html"


def default_month(now: Any) -> str:
    """The month a report is usually wanted for: last month."""
    return m.last_month(now).start.strftime("%Y-%m")
