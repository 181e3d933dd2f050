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

The page is utils/report/templates/report.html.j2 (CSS in report.css.j2), rendered by Jinja2
with auto-escaping and StrictUndefined; this package only works out the figures as plain text.

One module per concept, the public API re-exported here: `monthly` (build_report), `sections`
(the report's sections as template data), `text` (values written as text), `template` (the
Jinja2 environment), `svg` (charts as inline SVG), `weekly` (the weekly complaint table).
"""

from __future__ import annotations

from utils.metrics.kpis import feedback_timeliness
from utils.metrics.periods import week_label, week_period
from utils.report.monthly import NARROW as NARROW
from utils.report.monthly import WIDE as WIDE
from utils.report.monthly import build_report, default_month, month_label, report_filename
from utils.report.sections import MAX_LIST_ROWS as MAX_LIST_ROWS
from utils.report.svg import CHART_FONT as CHART_FONT
from utils.report.svg import FONT_DIRS as FONT_DIRS
from utils.report.svg import chart_svg as chart_svg
from utils.report.svg import register_fonts as register_fonts
from utils.report.template import TEMPLATE as TEMPLATE
from utils.report.template import environment as environment
from utils.report.template import render as render
from utils.report.weekly import weekly_csv, weekly_filename, weekly_table

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
