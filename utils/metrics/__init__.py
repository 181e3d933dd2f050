"""Figures for the managers' dashboard and the monthly report: plain functions over DataFrames,
one module per concept —

    periods   Period, the period picker, the previous period, week/month buckets
    prepare   the data contract, prepared frames, open/overdue at a moment, group sums
    filters   the dashboard's selection, the rows matching it, the download tables
    series    the chart data (at most MAX_CHART_ROWS rows each)
    lists     overdue and reopened complaints, reopen events, top categories and causes
    kpis      complaint / revisit / client figures of a period, Kpi tiles, formatting
    staff     the staff table and the star of the month
    overview  `dashboard()`: every figure above for one selection, as one `Dashboard`

Each module imports only from modules above it in this list, so there are no cycles.

Input frames follow the store's data contract: one DataFrame per tab, columns = the model's
field names (+ `_row`); text/ID/choice columns hold `str` with missing = ""; date and
date-time columns are naive datetime64 with missing = NaT; `score`/`attempt` are "Int64".
Every function is vectorised (groupby, masks; no per-row loops) and returns zeros, None
(a share or median with nothing to measure) or empty frames for empty input — never raises.

Definitions used everywhere (one home each):
- period: half-open [start, end); figures "as of" a period = at min(end, now);
- owner of a complaint = its handler, or its first receiver while no handler is set (首问负责);
- open = received and not resolved/closed (`utils.workflow.open_mask`: a blank status counts
  as received), taken as the complaints stood at a moment (`prepare.open_overdue`);
- due date = due_at, or received_at + the severity's working days where blank
  (`utils.workflow.fill_due`); overdue = open and past it (`utils.workflow.past_due`);
- resolved in a period = status resolved/closed and resolved_at in the period; within the limit
  = resolved_at <= the due date;
- time to resolve = working days from received_at to resolved_at (`utils.workdays`);
- reopened = a reopen line in progress_log, or a complaint follow-up that reached the client
  who said solved = "no" or attitude = "unsatisfied" (`lists.reopen_events`);
- followed up = a complaint follow-up revisit that reached the client;
- not started = still received one working day after it arrived (`prepare.not_started_at`);
- a revisit's score goes to who served the client (`staff.served_by`), not to the caller.

The names below are re-exported for callers that use the package as one facade
(`from utils import metrics as m`; `m.dashboard(...)`).
"""

from utils.metrics.filters import Filtered, Filters, download_tables, filter_options
from utils.metrics.kpis import (
    CLIENT_KPIS,
    COMPLAINT_KPIS,
    KPI_SPECS,
    REVISIT_KPIS,
    Kpi,
    format_change,
    format_value,
)
from utils.metrics.overview import Dashboard, dashboard
from utils.metrics.periods import (
    FREQS,
    PERIOD_CHOICES,
    Period,
    last_month,
    month_period,
    period_for,
    this_month,
)
from utils.metrics.prepare import conform
from utils.metrics.series import MAX_CHART_ROWS, complaints_over_time
from utils.metrics.staff import STAFF_COLUMNS, Star

__all__ = [
    "CLIENT_KPIS",
    "COMPLAINT_KPIS",
    "FREQS",
    "KPI_SPECS",
    "MAX_CHART_ROWS",
    "PERIOD_CHOICES",
    "REVISIT_KPIS",
    "STAFF_COLUMNS",
    "Dashboard",
    "Filtered",
    "Filters",
    "Kpi",
    "Period",
    "Star",
    "complaints_over_time",
    "conform",
    "dashboard",
    "download_tables",
    "filter_options",
    "format_change",
    "format_value",
    "last_month",
    "month_period",
    "period_for",
    "this_month",
]
