"""The monthly report: one self-contained HTML file (inline CSS, charts as inline SVG rendered
by vl-convert, no script, no external URL) that opens offline, can be mailed, and prints
cleanly to PDF.

Contents: the month's figures against the previous month, the charts, the overdue and reopened
complaints, the staff table and star of the month, and the top complaint categories with their
root causes. Chinese text in the charts needs a CJK font on the machine that renders them
(Debian: fonts-wqy-microhei or fonts-noto-cjk); `register_fonts()` adds font folders.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import altair as alt
import pandas as pd

from sheets_schema.tables import TABLES
from utils import charts as ch
from utils import metrics as m
from utils.i18n import t
from utils.settings import Settings

FONT_STACK = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)
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
    spec = chart.to_dict()
    svg = vlc.vegalite_to_svg(
        spec, vl_version=_vl_version(), config={"font": CHART_FONT}, allowed_base_urls=[]
    )
    svg = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return svg


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def month_label(period: m.Period, lang: str) -> str:
    s = period.start
    return f"{s.year}年{s.month}月" if lang == "zh" else s.strftime("%B %Y")


def _when(value: Any, with_time: bool = True) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _field(tab: str, name: str, lang: str) -> str:
    return TABLES[tab].by_field[name].label(lang)


def _table(
    headers: list[str], rows: list[list[str]], cls: str = "", numeric: Iterable[int] = ()
) -> str:
    """An HTML table from already-escaped cells; columns in `numeric` are right-aligned."""
    num = set(numeric)
    head = "".join(f"<th{' class=num' if i in num else ''}>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in num else ''}>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _kpi_rows(kpis: dict[str, m.Kpi], keys: Iterable[str], lang: str) -> list[list[str]]:
    rows = []
    for key in keys:
        k = kpis[key]
        change = m.format_change(k.kind, k.change)
        arrow = {
            "good": "▲" if (k.change or 0) > 0 else "▼",
            "bad": "▲" if (k.change or 0) > 0 else "▼",
        }.get(k.trend, "")
        cell = f'<span class="chg {k.trend}">{_e(arrow)} {_e(change)}</span>' if change else ""
        rows.append(
            [
                _e(t(f"dash.kpi.{key}", lang)),
                _e(m.format_value(k.kind, k.value)),
                _e(m.format_value(k.kind, k.previous)),
                cell,
            ]
        )
    return rows


def _choice(dimension: str, value: Any, lang: str) -> str:
    return _e(ch.label_of(dimension, "" if value is None else str(value), lang))


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
        return _e(_when(value))
    if col == "overdue_days":
        return f"{value:.1f}"
    return _e(value)


def _complaint_list(frame: pd.DataFrame, lang: str, columns: list[str]) -> str:
    """Overdue / reopened complaints as a table (first MAX_LIST_ROWS rows)."""
    if frame.empty:
        return f'<p class="none">{_e(t("report.none", lang))}</p>'
    heads = []
    for c in columns:
        label = _field(*LIST_FIELDS[c], lang) if c in LIST_FIELDS else t(LIST_KEYS[c], lang)
        cls = "num" if c in NUMERIC else ("nw" if c in NOWRAP else "")
        heads.append(f'<th class="{cls}">{_e(label)}</th>')
    body = []
    shown = frame.head(MAX_LIST_ROWS).copy()
    shown["client_name"] = shown["client_name"].where(
        shown["client_name"] != "", shown["client_id"]
    )
    for r in shown[columns].itertuples(index=False):
        cells = []
        for c, v in zip(columns, r, strict=True):
            cls = "num" if c in NUMERIC else ("nw" if c in NOWRAP else "")
            cells.append(f'<td class="{cls}">{_list_cell(c, v, lang)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    out = (
        f'<table class="list"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    if len(frame) > MAX_LIST_ROWS:
        out += f'<p class="more">{_e(t("report.more", lang, n=len(frame) - MAX_LIST_ROWS))}</p>'
    return out


def _share(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _score(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


def _staff_table(staff: pd.DataFrame, star: m.Star | None, lang: str) -> str:
    if staff.empty:
        return f'<p class="none">{_e(t("report.none", lang))}</p>'
    keys = [
        "dash.staff.staff",
        "dash.staff.handled",
        "dash.staff.within_limit",
        "dash.staff.open",
        "dash.staff.overdue",
        "dash.staff.revisits",
        "dash.staff.reached",
        "dash.staff.avg_score",
    ]
    rows = []
    for r in staff.itertuples(index=False):
        name = _e(r.staff) + (
            ' <span class="star">★</span>' if star and r.staff == star.staff else ""
        )
        rows.append(
            [
                name,
                f"{r.handled:,}",
                _share(r.within_limit),
                f"{r.open:,}",
                f"{r.overdue:,}",
                f"{r.revisits:,}",
                f"{r.reached:,}",
                _score(r.avg_score),
            ]
        )
    return _table([_e(t(k, lang)) for k in keys], rows, "staff", numeric=range(1, 8))


def _star_box(star: m.Star | None, month: str, min_revisits: int, lang: str) -> str:
    title = _e(t("report.star_title", lang, month=month))
    if star is None:
        body = _e(t("report.no_star", lang, n=min_revisits))
    else:
        body = f'<span class="star-name">★ {_e(star.staff)}</span> ' + _e(
            t(
                "report.star_line",
                lang,
                score=f"{star.avg_score:.2f}",
                n=star.reached,
                min=min_revisits,
            )
        )
    return f'<div class="star-box"><h3>{title}</h3><p>{body}</p></div>'


def _top_categories(top: pd.DataFrame, causes: pd.DataFrame, lang: str) -> str:
    if top.empty:
        return f'<p class="none">{_e(t("report.none", lang))}</p>'
    headers = [
        _e(_field("complaints", "category", lang)),
        _e(t("dash.axis.complaints", lang)),
        _e(t("dash.axis.share", lang)),
        _e(_field("complaints", "root_cause", lang)),
    ]
    rows = []
    for r in top.itertuples(index=False):
        mine = causes[causes["category"] == r.category]
        items = []
        for c in mine.itertuples(index=False):
            action = (
                (
                    f'<br><span class="action">{_e(t("report.action", lang))}: '
                    f"{_e(c.corrective_action)}</span>"
                )
                if c.corrective_action
                else ""
            )
            items.append(f"<li>{_e(c.root_cause)} <span class=n>({c.count:,})</span>{action}</li>")
        cell = f"<ul>{''.join(items)}</ul>" if items else _e(t("report.no_cause", lang))
        rows.append([_choice("category", r.category, lang), f"{r.count:,}", _share(r.share), cell])
    return _table(headers, rows, "top", numeric=(1, 2))


# ---------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2328;font:14px/1.5 %(font)s}
main{max-width:960px;margin:0 auto;padding:24px 28px;background:#fff}
header{border-bottom:3px solid #4c78a8;margin-bottom:18px;padding-bottom:8px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;border-left:4px solid #4c78a8;padding-left:8px}
h3{font-size:15px;margin:0 0 6px}
.meta{color:#57606a;margin:0;font-size:13px}
table{border-collapse:collapse;width:100%%;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid #d8dee4;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nw{white-space:nowrap}
table.list{font-size:12px}
table.list td,table.list th{padding:4px 6px}
.kpi-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(400px,1fr));gap:0 18px}
.kpi td:nth-child(n+2),.kpi th:nth-child(n+2){text-align:right;white-space:nowrap}
.chg.good{color:#1a7f37}.chg.bad{color:#cf222e}.chg.neutral{color:#57606a}
.star-box{border:1px solid #e6c200;background:#fff8db;border-radius:6px;padding:10px 14px;
  margin:10px 0}
.star-name{font-size:18px;font-weight:700;color:#9a6700}
.star{color:#d4a72c}
.charts{display:grid;align-items:start;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px 18px}
figure{margin:0;padding:6px;border:1px solid #eaeef2;border-radius:6px;background:#fff}
figure.wide{grid-column:1/-1}
figure svg{display:block;max-width:100%%;height:auto;margin:0 auto}
ul{margin:0;padding-left:18px}
.action{color:#57606a;font-size:12px}
.none,.more{color:#57606a;font-style:italic}
footer{margin-top:30px;color:#8c959f;font-size:12px;border-top:1px solid #d8dee4;
  padding-top:8px}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{background:#fff;font-size:10.5pt}
  main{max-width:none;padding:0}
  h2{break-after:avoid}
  figure,.star-box,.kpi,tr{break-inside:avoid}
  thead{display:table-header-group}
  .page-break{break-before:page}
  figure{border:none}
  .charts{gap:8px 12px}
}
"""


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
    sel = filters or m.Filters(period.start, period.end)
    sel = m.Filters(
        period.start,
        period.end,
        sel.categories,
        sel.channels,
        sel.severities,
        sel.handlers,
        sel.grades,
    )
    d = m.dashboard(clients, complaints, revisits, sel, now, settings, freq="M")
    graphs = ch.dashboard_charts(d, lang, width=WIDE, narrow=NARROW)
    svgs = {name: chart_svg(c, f"c{i}") for i, (name, c) in enumerate(graphs.items())}
    label = month_label(period, lang)
    prev = d.previous
    prev_label = (
        month_label(prev, lang)
        if prev.is_month
        else f"{prev.start:%Y-%m-%d} – {prev.last_day:%Y-%m-%d}"
    )
    k = d.kpis
    parts: list[str] = []
    parts.append(
        f"<header><h1>{_e(t('report.title', lang, month=label))}</h1>"
        f"<p class=meta>{_e(t('report.meta', lang, start=f'{period.start:%Y-%m-%d}', end=f'{period.last_day:%Y-%m-%d}', previous=prev_label))}</p>"  # noqa: E501
        f"<p class=meta>{_e(t('report.as_of', lang, when=_when(d.as_of), now=_when(now)))}</p>"
        + (f"<p class=meta>{_e(_filters_line(sel, lang))}</p>" if _filters_line(sel, lang) else "")
        + "</header>"
    )
    kpi_head = [
        _e(t("report.col.figure", lang)),
        _e(label),
        _e(prev_label),
        _e(t("report.col.change", lang)),
    ]
    groups = [
        ("report.section.complaints", m.COMPLAINT_KPIS),
        ("report.section.revisits", m.REVISIT_KPIS),
        ("report.section.clients", m.CLIENT_KPIS),
    ]
    tables = "".join(
        f"<div><h3>{_e(t(title, lang))}</h3>{_table(kpi_head, _kpi_rows(k, keys, lang), 'kpi')}"
        "</div>"
        for title, keys in groups
    )
    parts.append(
        f"<section><h2>{_e(t('report.h.figures', lang))}</h2>"
        f'<div class="kpi-grid">{tables}</div>'
        f"<p class=meta>{_e(t('report.definitions', lang))}</p></section>"
    )
    wide = {"over_time_category", "over_time_channel", "over_time_severity", "resolve_time"}
    figs = "".join(
        f'<figure class="{"wide" if name in wide else ""}">{svg}</figure>'
        for name, svg in svgs.items()
    )
    parts.append(
        f'<section class="page-break"><h2>{_e(t("report.h.charts", lang))}</h2>'
        f'<div class="charts">{figs}</div></section>'
    )
    parts.append(
        f'<section class="page-break"><h2>{_e(t("report.h.overdue", lang, when=_when(d.as_of)))}'
        f"</h2>{_complaint_list(d.overdue, lang, OVERDUE_COLUMNS)}"
        "</section>"
    )
    parts.append(
        f"<section><h2>{_e(t('report.h.reopened', lang))}</h2>"
        + _complaint_list(d.reopened, lang, REOPENED_COLUMNS)
        + "</section>"
    )
    parts.append(
        f"<section><h2>{_e(t('report.h.staff', lang))}</h2>"
        f"{_star_box(d.star, label, settings.star_min_revisits, lang)}"
        f"{_staff_table(d.staff, d.star, lang)}</section>"
    )
    parts.append(
        f"<section><h2>{_e(t('report.h.top', lang))}</h2>"
        f"{_top_categories(d.top_categories, d.root_causes, lang)}</section>"
    )
    parts.append(f"<footer>{_e(t('report.footer', lang, when=_when(now)))}</footer>")
    title = t("report.title", lang, month=label)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS % {'font': FONT_STACK}}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )


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
