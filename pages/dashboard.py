"""Managers' dashboard: period and filters, KPI tiles, charts, overdue list, staff and star of
the month, downloads and the monthly report. The figures come from one `metrics.dashboard`
call (cached per snapshot and selection, `ui_dashboard.figures`), the charts from
`charts.dashboard_charts`, the tables from `dashboard_view`; this page only arranges them.
Refreshes itself while open (a fragment on a timer) from the store's shared read cache: the
timer never forces a fresh read of the spreadsheet.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from utils import charts, clock, ui, ui_frame
from utils import dashboard_view as dv
from utils import metrics as m
from utils import ui_dashboard as ud
from utils import ui_forms as uf
from utils.errors import SheetdeskError
from utils.health import calendar_notice

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
notice = uf.memo(snap, f"calendar_notice:{lang}", lambda: calendar_notice(snap, settings, lang))
if notice:
    st.warning(notice, icon=":material/calendar_month:")

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
refresh = settings.dashboard_refresh_seconds  # at least MIN_REFRESH_SECONDS (utils.settings)
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
    first_day, last_day, complete = dv.custom_range(picked, today)
    if not complete:
        c_range.caption(ui.tr("dash.ctl.range_hint"))

# --- filters (choices from the data; labels in the page's language)
picked_filters = ud.filter_widgets(ud.options(snap.source, snap.read_at, snap))


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
    d = ud.figures(snap.source, snap.read_at, dv.selection_key(sel), str(now), freq or "W", snap)
    status = "dash.status.live" if live else "dash.status.paused"
    st.caption(
        ui.tr(
            status,
            read_at=dv.when(snap.read_at, "%H:%M:%S"),
            as_of=dv.when(d.as_of),
            seconds=f"{refresh:g}",
        )
    )
    prev = d.previous
    st.markdown(
        ui.tr(
            "dash.status.period",
            period=ui.tr(f"dash.period.{choice}") if choice else "",
            start=f"{period.start:%Y-%m-%d}",
            end=f"{period.last_day:%Y-%m-%d}",
            prev_start=f"{prev.start:%Y-%m-%d}",
            prev_end=f"{prev.last_day:%Y-%m-%d}",
        )
    )
    shown_filters = dv.filters_line(sel, lang)
    if shown_filters:
        st.caption(ui.tr("dash.status.filtered", filters=shown_filters))
    ud.kpi_tiles(d)
    graphs = charts.dashboard_charts(d, lang)
    tabs = st.tabs([ui.tr(f"dash.tab.{name}") for name in dv.TABS])
    with tabs[0]:
        ud.complaints_tab(d, graphs)
    with tabs[1]:
        ud.open_tab(d, graphs)
    with tabs[2]:
        ud.pair(graphs["revisit_rates"], graphs["score_trend"])
    with tabs[3]:
        ud.pair(graphs["clients"], graphs["per_100"])
        ud.chart(graphs["new_clients"])
    with tabs[4]:
        ud.staff_tab(d)
    with tabs[5]:
        ud.downloads_tab(snap, sel, now)


live_part()
