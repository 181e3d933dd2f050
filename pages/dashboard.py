"""Managers' dashboard: period and filters, KPI tiles, charts, overdue list, staff and star of
the month, downloads and the monthly report. The figures come from one `metrics.dashboard`
call (cached per snapshot and selection), the charts from `charts.dashboard_charts`; this page
only arranges them. Refreshes itself while open (a fragment on a timer) from the store's
shared read cache: the timer never forces a fresh read of the spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from sheets_schema.tables import TABLES
from utils import charts, clock, downloads, report, ui, ui_frame
from utils import metrics as m
from utils import ui_forms as uf
from utils.errors import SheetdeskError
from utils.store import Snapshot

MAX_LIST_ROWS = 500  # rows of the overdue / reopened lists on the page
KPI_ROWS = (
    ("report.section.complaints", ("received", "open", "overdue", "resolved", "closed")),
    (None, ("within_limit", "median_days", "p90_days", "reopened")),
    ("report.section.revisits", m.REVISIT_KPIS),
    ("report.section.clients", m.CLIENT_KPIS),
)
TILES_PER_ROW = 5
SHORT_TILES = {"within_limit", "median_days", "p90_days", "completion", "per_100"}
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
DELTA_COLOR = {True: "normal", False: "inverse", None: "off"}
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
LIST_FIELDS = {
    "complaint_id": ("complaints", "complaint_id"),
    "received_at": ("complaints", "received_at"),
    "due_at": ("complaints", "due_at"),
    "category": ("complaints", "category"),
    "severity": ("complaints", "severity"),
    "channel": ("complaints", "channel"),
    "level": ("complaints", "level"),
    "status": ("complaints", "status"),
}
LIST_KEYS = {
    "client_name": "dash.list.client",
    "owner": "dash.dim.owner",
    "overdue_days": "report.col.overdue_days",
    "reopened_at": "report.col.reopened_at",
    "times": "report.col.times",
}
LIST_DIMS = {
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
STAFF_COLUMNS = [
    "staff",
    "handled",
    "within_limit",
    "open",
    "overdue",
    "revisits",
    "reached",
    "avg_score",
]


# ---------------------------------------------------------------------------------------------
# cached figures: keyed on the snapshot (source + read_at), the selection and the minute
# ---------------------------------------------------------------------------------------------


@st.cache_data(ttl=900, max_entries=32, show_spinner=False)
def figures(
    source: str,
    read_at: dt.datetime,
    selection: tuple,
    now: str,
    freq: str,
    _snap: Snapshot,
) -> m.Dashboard:
    """`metrics.dashboard` for one snapshot and selection, without the filtered frames (the
    downloads take them from the snapshot when asked; a cache hit then copies little)."""
    start, end, *attrs = selection
    filters = m.Filters(pd.Timestamp(start), pd.Timestamp(end), *attrs)
    d = m.dashboard(
        _snap.clients,
        _snap.complaints,
        _snap.revisits,
        filters,
        pd.Timestamp(now),
        ui.get_settings(),
        freq,
    )
    empty = m.Filtered(
        d.filtered.clients.head(0), d.filtered.complaints.head(0), d.filtered.revisits.head(0)
    )
    return replace(d, filtered=empty)


@st.cache_data(ttl=900, max_entries=8, show_spinner=False)
def options(source: str, read_at: dt.datetime, _snap: Snapshot) -> dict[str, list[str]]:
    return m.filter_options(_snap.clients, _snap.complaints, _snap.revisits)


# ---------------------------------------------------------------------------------------------
# small display helpers
# ---------------------------------------------------------------------------------------------


def when(value: object, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime(fmt)


def dim_label(dimension: str | None, value: str, lang: str) -> str:
    return charts.label_of(dimension, value, lang) if dimension else value


def list_table(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """An overdue / reopened list for people: choice labels, client name (or ID), labelled
    headers, first MAX_LIST_ROWS rows."""
    out = frame.head(MAX_LIST_ROWS).copy()
    out["client_name"] = out["client_name"].where(out["client_name"] != "", out["client_id"])
    out = out[columns]
    for col, dim in LIST_DIMS.items():
        if col in out.columns:
            out[col] = [charts.label_of(dim, str(v), lang) for v in out[col]]
    if "owner" in out.columns:
        out["owner"] = out["owner"].replace("", ui.tr("dash.unassigned"))
    names = {
        c: (
            TABLES[LIST_FIELDS[c][0]].by_field[LIST_FIELDS[c][1]].label(lang)
            if c in LIST_FIELDS
            else ui.tr(LIST_KEYS[c])
        )
        for c in columns
    }
    return out.rename(columns=names)


def list_columns(frame: pd.DataFrame) -> dict[str, object]:
    """Column formats of a list: date-times to the minute, working days to one decimal."""
    out: dict[str, object] = {
        c: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
        for c in frame.columns
        if str(frame[c].dtype).startswith("datetime")
    }
    days = ui.tr(LIST_KEYS["overdue_days"])
    if days in frame.columns:
        out[days] = st.column_config.NumberColumn(format="%.1f")
    return out


def clear_filters() -> None:
    for key, *_ in FILTERS:
        st.session_state[key] = []


def filters_line(filters: m.Filters, lang: str) -> str:
    parts = []
    for _key, field, _opts, dim in FILTERS:
        values = getattr(filters, field)
        if values:
            title = ui.tr(f"dash.dim.{FILTER_TITLES[field]}")
            parts.append(f"{title}: {', '.join(dim_label(dim, v, lang) for v in values)}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------------

ui_frame.page_frame()
who = uf.require_user()
st.title(ui.tr("dash.page.title"))
if not who.is_manager:
    st.info(ui.tr("dash.page.managers_only", name=who.name), icon=":material/lock:")
    st.stop()

store = ui.get_store()
settings = ui.get_settings()
lang = ui.lang()
try:
    snap = store.read()  # the shared, cached read: never fresh=True here
except SheetdeskError as err:
    ui.show_error(err)
    st.stop()
if snap.is_empty():
    st.info(ui.tr("dash.page.empty"), icon=":material/inbox:")
    st.stop()
st.caption(ui.tr("dash.page.intro"))

# --- period, frequency, live switch
today = clock.today()
c_period, c_freq, c_live = st.columns([5, 3, 2], vertical_alignment="bottom")
choice = c_period.segmented_control(
    ui.tr("dash.ctl.period"),
    m.PERIOD_CHOICES,
    default="this_month",
    required=True,
    format_func=lambda c: ui.tr(f"dash.period.{c}"),
    key="dash_period",
)
freq = c_freq.segmented_control(
    ui.tr("dash.ctl.freq"),
    m.FREQS,
    default="W",
    required=True,
    format_func=lambda f: ui.tr(f"dash.freq.{f}"),
    key="dash_freq",
)
refresh = max(5.0, float(settings.dashboard_refresh_seconds))
live = c_live.toggle(
    ui.tr("dash.ctl.live"),
    value=True,
    key="dash_live",
    help=ui.tr("dash.ctl.live_help", seconds=f"{refresh:g}"),
)
first_day = last_day = None
if choice == "custom":
    c_range = st.columns([2, 3])[0]
    picked = c_range.date_input(
        ui.tr("dash.ctl.range"),
        value=(today - dt.timedelta(days=29), today),
        max_value=today + dt.timedelta(days=366),
        key="dash_range",
        format="YYYY-MM-DD",
    )
    picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    if len(picked) < 2 or picked[1] is None:
        c_range.caption(ui.tr("dash.ctl.range_hint"))
    first_day = picked[0] if picked else today
    last_day = picked[1] if len(picked) > 1 and picked[1] is not None else first_day

# --- filters (choices from the data; labels in the page's language)
opts = options(snap.source, snap.read_at, snap)
picked_filters: dict[str, tuple[str, ...]] = {}
filter_cols = [*st.columns(3), *st.columns(3, vertical_alignment="bottom")]  # chips need room
for col, (key, field, opt_key, dim) in zip(filter_cols, FILTERS, strict=False):
    chosen = col.multiselect(
        ui.tr(f"dash.dim.{FILTER_TITLES[field]}"),
        opts[opt_key],
        key=key,
        format_func=lambda v, d=dim: dim_label(d, v, lang),
        placeholder=ui.tr("dash.ctl.all"),
    )
    picked_filters[field] = tuple(chosen)
filter_cols[-1].button(
    ui.tr("dash.ctl.clear"),
    key="dash_clear",
    on_click=clear_filters,
    icon=":material/filter_alt_off:",
    disabled=not any(picked_filters.values()),
)


@st.fragment(run_every=refresh if live else None)
def live_part() -> None:
    """Everything that depends on the data: re-run on the timer while live."""
    try:
        snap = store.read()  # cached by the store; a timer tick costs no spreadsheet read
    except SheetdeskError as err:
        ui.show_error(err)
        return
    now = pd.Timestamp(clock.now()).floor("min")
    period = m.period_for(choice or "this_month", now, first_day, last_day)
    sel = m.Filters.for_period(period, **picked_filters)
    selection = (
        str(sel.start),
        str(sel.end),
        sel.categories,
        sel.channels,
        sel.severities,
        sel.handlers,
        sel.grades,
    )
    d = figures(snap.source, snap.read_at, selection, str(now), freq or "W", snap)
    status = "dash.status.live" if live else "dash.status.paused"
    st.caption(
        ui.tr(
            status,
            read_at=when(snap.read_at, "%H:%M:%S"),
            as_of=when(d.as_of),
            seconds=f"{refresh:g}",
        )
    )
    prev = d.previous
    period_name = ui.tr(f"dash.period.{choice}") if choice else ""
    st.markdown(
        ui.tr(
            "dash.status.period",
            period=period_name,
            start=f"{period.start:%Y-%m-%d}",
            end=f"{period.last_day:%Y-%m-%d}",
            prev_start=f"{prev.start:%Y-%m-%d}",
            prev_end=f"{prev.last_day:%Y-%m-%d}",
        )
    )
    shown_filters = filters_line(sel, lang)
    if shown_filters:
        st.caption(ui.tr("dash.status.filtered", filters=shown_filters))
    kpi_tiles(d)
    graphs = charts.dashboard_charts(d, lang)
    tabs = st.tabs(
        [
            ui.tr(f"dash.tab.{name}")
            for name in ("complaints", "open", "revisits", "clients", "staff", "downloads")
        ]
    )
    with tabs[0]:
        complaints_tab(d, graphs)
    with tabs[1]:
        open_tab(d, graphs)
    with tabs[2]:
        pair(graphs["revisit_rates"], graphs["score_trend"])
    with tabs[3]:
        pair(graphs["clients"], graphs["per_100"])
        chart(graphs["new_clients"])
    with tabs[4]:
        staff_tab(d)
    with tabs[5]:
        downloads_tab(snap, sel, now)


def chart(c: alt.TopLevelMixin) -> None:
    """A chart at the container's width. The builders give the plot's height: "fit-x" keeps
    it (Streamlit's default "fit" would squeeze title, axes and plot into that height)."""
    st.altair_chart(c.properties(autosize=FIT_X), width="stretch")


def pair(left: object, right: object) -> None:
    a, b = st.columns(2, gap="large")
    with a:
        chart(left)
    with b:
        chart(right)


def kpi_tiles(d: m.Dashboard) -> None:
    for heading, keys in KPI_ROWS:
        if heading:
            st.markdown(f"**{ui.tr(heading)}**")
        cols = st.columns(TILES_PER_ROW)
        for col, key in zip(cols, keys, strict=False):
            k = d.kpis[key]
            # st.metric reads the sign from a leading ASCII "-": not the typographic minus
            change = m.format_change(k.kind, k.change).replace("−", "-")
            col.metric(
                ui.tr(f"dash.tile.{key}" if key in SHORT_TILES else f"dash.kpi.{key}"),
                m.format_value(k.kind, k.value),
                delta=change or None,
                delta_color="off" if k.trend == "neutral" else DELTA_COLOR[k.higher_is_better],
                help=ui.tr(f"dash.help.{key}"),
                border=True,
            )


def complaints_tab(d: m.Dashboard, graphs: dict[str, object]) -> None:
    split = st.segmented_control(
        ui.tr("dash.ctl.split"),
        ("category", "channel", "severity"),
        default="category",
        required=True,
        format_func=lambda s: ui.tr(f"dash.dim.{s}"),
        key="dash_split",
    )
    chart(graphs[f"over_time_{split or 'category'}"])
    pair(graphs["by_category"], graphs["by_channel"])
    pair(graphs["by_severity"], graphs["resolve_time"])
    if not d.top_categories.empty:
        st.subheader(ui.tr("report.h.top"))
        top = d.top_categories.merge(
            d.root_causes, on="category", how="left", suffixes=("", "_cause")
        )
        table = pd.DataFrame(
            {
                ui.tr("dash.dim.category"): [
                    charts.label_of("category", v, lang) for v in top["category"]
                ],
                ui.tr("dash.axis.complaints"): top["count"],
                ui.tr("dash.axis.share"): top["share"] * 100,
                TABLES["complaints"].by_field["root_cause"].label(lang): top["root_cause"].fillna(
                    ""
                ),
                ui.tr("dash.top.cause_count"): top["count_cause"].astype("Int64"),
                ui.tr("report.action"): top["corrective_action"].fillna(""),
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                ui.tr("dash.axis.share"): st.column_config.NumberColumn(format="%.1f%%")
            },
        )


def open_tab(d: m.Dashboard, graphs: dict[str, object]) -> None:
    pair(graphs["open_by_level"], graphs["open_by_owner"])
    st.subheader(ui.tr("report.h.overdue", when=when(d.as_of)))
    if d.overdue.empty:
        st.success(ui.tr("dash.list.none_overdue"))
    else:
        if len(d.overdue) > MAX_LIST_ROWS:
            st.caption(ui.tr("dash.list.first", shown=MAX_LIST_ROWS, n=len(d.overdue)))
        table = list_table(d.overdue, OVERDUE_COLUMNS, lang)
        st.dataframe(
            table, hide_index=True, width="stretch", height=320, column_config=list_columns(table)
        )
    st.subheader(ui.tr("report.h.reopened"))
    if d.reopened.empty:
        st.caption(ui.tr("report.none"))
    else:
        table = list_table(d.reopened, REOPENED_COLUMNS, lang)
        st.dataframe(table, hide_index=True, width="stretch", column_config=list_columns(table))


def staff_tab(d: m.Dashboard) -> None:
    month = report.month_label(m.month_period(d.star_month), lang)
    n = settings.star_min_revisits
    if d.star is None:
        st.info(ui.tr("dash.star.none", month=month, n=n), icon=":material/star_outline:")
    else:
        s = d.star
        line = ui.tr(
            "dash.star.line",
            month=month,
            name=s.staff,
            score=f"{s.avg_score:.2f}",
            reached=s.reached,
            n=n,
        )
        st.success(line, icon=":material/star:")
    if d.staff.empty:
        st.caption(ui.tr("report.none"))
        return
    staff = d.staff[STAFF_COLUMNS].copy()
    if d.star is not None:
        staff["staff"] = staff["staff"].where(staff["staff"] != d.star.staff, "★ " + d.star.staff)
    staff["within_limit"] = staff["within_limit"] * 100
    names = {c: ui.tr(f"dash.staff.{c}") for c in STAFF_COLUMNS}
    staff = staff.rename(columns=names)
    st.dataframe(
        staff,
        hide_index=True,
        width="stretch",
        column_config={
            names["within_limit"]: st.column_config.NumberColumn(format="%.1f%%"),
            names["avg_score"]: st.column_config.NumberColumn(format="%.2f"),
        },
    )


def downloads_tab(snap: Snapshot, sel: m.Filters, now: pd.Timestamp) -> None:
    st.subheader(ui.tr("dash.dl.data"))
    st.caption(ui.tr("dash.dl.note"))
    tables = m.download_tables(snap.clients, snap.complaints, snap.revisits, sel)
    frames = {tab: getattr(tables, tab) for tab in downloads.TABS}
    stem = downloads.file_stem(sel.start, sel.period.last_day)
    cols = st.columns(len(frames) + 1)
    for col, (tab, frame) in zip(cols, frames.items(), strict=False):
        col.download_button(
            ui.tr("dash.dl.csv", table=TABLES[tab].label(lang), rows=f"{len(frame):,}"),
            data=lambda tab=tab, frame=frame: downloads.csv_bytes(tab, frame, lang),
            file_name=downloads.csv_name(tab, stem),
            mime=downloads.CSV_MIME,
            key=f"dash_dl_{tab}",
            on_click="ignore",
            icon=":material/download:",
        )
    cols[-1].download_button(
        ui.tr("dash.dl.xlsx"),
        data=lambda: downloads.xlsx_bytes(frames, lang),
        file_name=downloads.xlsx_name(stem),
        mime=downloads.XLSX_MIME,
        key="dash_dl_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
    st.subheader(ui.tr("dash.dl.report"))
    st.caption(ui.tr("dash.dl.report_note"))
    months = report_months(snap, now)
    default = report.default_month(now)
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    month = a.selectbox(
        ui.tr("dash.dl.month"),
        months,
        index=months.index(default) if default in months else 0,
        format_func=lambda mo: report.month_label(m.month_period(mo), lang),
        key="dash_month",
    )
    b.download_button(
        ui.tr("dash.dl.report_button", month=report.month_label(m.month_period(month), lang)),
        data=lambda: report.build_report(
            snap.clients, snap.complaints, snap.revisits, month, lang, settings, now, filters=sel
        ).encode("utf-8"),
        file_name=report.report_filename(month, lang),
        mime="text/html",
        key="dash_dl_report",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )


def report_months(snap: Snapshot, now: pd.Timestamp, most: int = 24) -> list[str]:
    """Months with data, newest first: from the first complaint (at most `most` back) to now."""
    first = snap.complaints["received_at"].min() if len(snap.complaints) else pd.NaT
    start = m.month_period(now).start
    oldest = start - pd.DateOffset(months=most - 1)
    if pd.notna(first):
        oldest = max(oldest, m.month_period(first).start)
    months = pd.date_range(oldest, start, freq="MS")
    return [f"{x:%Y-%m}" for x in reversed(months)] or [f"{start:%Y-%m}"]


live_part()
