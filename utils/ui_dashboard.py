"""The managers' dashboard on the screen: the cached figures, the filter widgets, the KPI tiles,
charts side by side, the tabs' tables and the downloads tab. Glue only: the figures come from
`utils.metrics`, the charts from `utils.charts`, the tables from `utils.dashboard_view`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Literal, cast

import altair as alt
import pandas as pd
import streamlit as st

from sheets_schema.tables import TABLES
from utils import dashboard_view as dv
from utils import downloads, report, ui, ui_auth
from utils import metrics as m
from utils import operations as ops
from utils.errors import SheetdeskError
from utils.metrics.periods import this_week
from utils.search import staff_names
from utils.store import Snapshot

FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
DeltaColor = Literal["normal", "inverse", "off"]  # the ones st.metric's tiles use here
DELTA_COLOR: dict[bool | None, DeltaColor] = {True: "normal", False: "inverse", None: "off"}


# --- cached figures: keyed on the snapshot (source + read_at), the selection and the minute ----


@st.cache_data(ttl=900, max_entries=32, show_spinner=False)
def figures(
    source: str,
    read_at: dt.datetime,
    selection: tuple,
    now: str,
    freq: str,
    _snap: Snapshot,
) -> m.Dashboard:
    """`metrics.dashboard` for one snapshot and selection (`dashboard_view.selection_key`),
    without the filtered frames (the downloads take them from the snapshot when asked; a cache
    hit then copies little)."""
    d = m.dashboard(
        _snap.clients,
        _snap.complaints,
        _snap.revisits,
        dv.filters_of(selection),
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


# --- filters ----------------------------------------------------------------------------------


def clear_filters() -> None:
    for key, *_ in dv.FILTERS:
        st.session_state[key] = []


def filter_widgets(opts: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """One multiselect per filter (choices from the data, labels in the page's language) and
    the button that clears them; the values picked, by `Filters` field."""
    lang = ui.lang()
    picked: dict[str, tuple[str, ...]] = {}
    cols = [*st.columns(3), *st.columns(3, vertical_alignment="bottom")]  # chips need room
    for col, (key, field, opt_key, dim) in zip(cols, dv.FILTERS, strict=False):
        chosen = col.multiselect(
            ui.tr(f"dash.dim.{dv.FILTER_TITLES[field]}"),
            opts[opt_key],
            key=key,
            format_func=partial(dv.dim_label, dim, lang=lang),
            placeholder=ui.tr("dash.ctl.all"),
        )
        picked[field] = tuple(chosen)
    cols[-1].button(
        ui.tr("dash.ctl.clear"),
        key="dash_clear",
        on_click=clear_filters,
        icon=":material/filter_alt_off:",
        disabled=not any(picked.values()),
    )
    return picked


# --- tiles and charts -------------------------------------------------------------------------


def chart(c: alt.TopLevelMixin) -> None:
    """A chart at the container's width. The builders give the plot's height: "fit-x" keeps
    it (Streamlit's default "fit" would squeeze title, axes and plot into that height)."""
    st.altair_chart(c.properties(autosize=FIT_X), width="stretch")


def pair(left: alt.TopLevelMixin, right: alt.TopLevelMixin) -> None:
    a, b = st.columns(2, gap="large")
    with a:
        chart(left)
    with b:
        chart(right)


def kpi_tiles(d: m.Dashboard) -> None:
    """The tiles, row by row; a row wraps on a narrow screen (two or three tiles to a row on
    a phone) instead of stacking one tile per row."""
    for heading, keys in dv.KPI_ROWS:
        if heading:
            st.markdown(f"**{ui.tr(heading)}**")
        row = st.container(horizontal=True)
        for key in keys:
            k = d.kpis[key]
            # st.metric reads the sign from a leading ASCII "-": not the typographic minus
            change = m.format_change(k.kind, k.change).replace("−", "-")
            row.metric(
                ui.tr(dv.tile_key(key)),
                m.format_value(k.kind, k.value),
                delta=change or None,
                delta_color="off" if k.trend == "neutral" else DELTA_COLOR[k.higher_is_better],
                help=ui.tr(f"dash.help.{key}"),
                border=True,
            )


# --- the tabs ---------------------------------------------------------------------------------


def list_frame(table: pd.DataFrame, height: int | Literal["auto"] = "auto") -> None:
    """A list at the container's width: date-times to the minute, working days to one
    decimal. (The formats are built here: their type, Streamlit's `ColumnConfig`, is not
    public.)"""
    formats = {
        c: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
        for c in table.columns
        if str(table[c].dtype).startswith("datetime")
    }
    for name in ("overdue_days", "waiting_days"):
        days = ui.tr(dv.LIST_KEYS[name])
        if days in table.columns:
            formats[days] = st.column_config.NumberColumn(format="%.1f")
    st.dataframe(table, hide_index=True, width="stretch", height=height, column_config=formats)


def complaints_tab(d: m.Dashboard, graphs: dict[str, alt.TopLevelMixin]) -> None:
    split = st.segmented_control(
        ui.tr("dash.ctl.split"),
        dv.SPLITS,
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
        share = ui.tr("dash.axis.share")
        st.dataframe(
            dv.top_table(d.top_categories, d.root_causes, ui.lang()),
            hide_index=True,
            width="stretch",
            column_config={share: st.column_config.NumberColumn(format="%.1f%%")},
        )


def open_tab(d: m.Dashboard, graphs: dict[str, alt.TopLevelMixin]) -> None:
    lang = ui.lang()
    pair(graphs["open_by_level"], graphs["open_by_owner"])
    st.subheader(ui.tr("report.h.overdue", when=dv.when(d.as_of)))
    if d.overdue.empty:
        st.success(ui.tr("dash.list.none_overdue"))
    else:
        if len(d.overdue) > dv.MAX_LIST_ROWS:
            st.caption(ui.tr("dash.list.first", shown=dv.MAX_LIST_ROWS, n=len(d.overdue)))
        list_frame(dv.list_table(d.overdue, dv.OVERDUE_COLUMNS, lang), height=320)
    st.subheader(ui.tr("dash.list.not_started", when=dv.when(d.as_of)))
    if d.not_started.empty:
        st.success(ui.tr("dash.list.none_not_started"))
    else:
        if len(d.not_started) > dv.MAX_LIST_ROWS:
            st.caption(ui.tr("dash.list.first", shown=dv.MAX_LIST_ROWS, n=len(d.not_started)))
        list_frame(dv.list_table(d.not_started, dv.NOT_STARTED_COLUMNS, lang), height=240)
    st.subheader(ui.tr("report.h.reopened"))
    if d.reopened.empty:
        st.caption(ui.tr("report.none"))
    else:
        list_frame(dv.list_table(d.reopened, dv.REOPENED_COLUMNS, lang))


def staff_tab(d: m.Dashboard) -> None:
    lang = ui.lang()
    month = report.month_label(m.month_period(d.star_month), lang)
    n = ui.get_settings().star_min_revisits
    stars = d.stars or ([d.star] if d.star is not None else [])
    if not stars:
        st.info(ui.tr("dash.star.none", month=month, n=n), icon=":material/star_outline:")
    else:
        s = stars[0]
        names = "、".join(x.staff for x in stars)
        key = "dash.star.joint" if len(stars) > 1 else "dash.star.line_served"
        line = ui.tr(
            key,
            month=month,
            name=names,
            names=names,
            score=f"{s.avg_score:.2f}",
            n=n,
            scored=s.scored,
        )
        verified = sum(x.verified for x in stars)
        if verified:
            line += " " + ui.tr("dash.star.verified_note", verified=verified)
        st.success(line, icon=":material/star:")
    st.caption(ui.tr("dash.star.served_note"))
    if d.staff.empty:
        st.caption(ui.tr("report.none"))
    else:
        st.dataframe(
            dv.staff_table(d.staff, [x.staff for x in stars], lang),
            hide_index=True,
            width="stretch",
            column_config={
                ui.tr("dash.staff.within_limit"): st.column_config.NumberColumn(format="%.1f%%"),
                ui.tr("dash.staff.avg_score"): st.column_config.NumberColumn(format="%.2f"),
            },
        )
    handover_form()


def handover_form() -> None:
    """Someone leaves: a manager hands all their clients and open complaints to someone else
    in one step (`operations.handover`)."""
    who = ui_auth.signed_in()
    if who is None or not who.is_manager:
        return
    st.subheader(ui.tr("dash.handover.title"))
    st.caption(ui.tr("dash.handover.note"))
    snap = ui.snapshot()
    people = staff_names(snap.frames)
    with st.form("dash_handover", border=False):
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        leaving = a.selectbox(ui.tr("dash.handover.from"), people, index=None, key="ho_from")
        taking = b.selectbox(
            ui.tr("dash.handover.to"), people, index=None, accept_new_options=True, key="ho_to"
        )
        go = c.form_submit_button(ui.tr("dash.handover.button"), icon=":material/move_up:")
    if not go:
        return
    lang = ui.lang()
    try:
        out = ops.handover(ui.get_store(), who, leaving or "", taking or "", ops.now())
    except SheetdeskError as err:
        st.error(err.message(lang), icon=":material/error:")
        return
    st.success(
        ui.tr(
            "dash.handover.done",
            from_name=leaving,
            to_name=taking,
            clients=out.clients,
            complaints=out.complaints,
        ),
        icon=":material/check_circle:",
    )
    for conflict in out.conflicts:
        st.warning(
            ui.tr(
                f"dash.handover.conflict.{conflict.reason}",
                record_id=conflict.record_id,
                to_name=taking,
            ),
            icon=":material/warning:",
        )


def _registered(what: str, rows: int, note: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """The file's contents, made when the person downloads it — and registered in the change
    history first (the seeds: client data taken out of the system is registered)."""
    store, who = ui.get_store(), ui.user()

    def data() -> bytes:
        content = make()
        if who is not None:
            ops.record_export(store, who, what, rows, note)
        return content

    return data


def downloads_tab(snap: Snapshot, sel: m.Filters, now: pd.Timestamp) -> None:
    """The filtered tables as CSV files and one workbook, and the monthly report; every file
    handed out is registered in the change history."""
    lang = ui.lang()
    settings = ui.get_settings()
    st.subheader(ui.tr("dash.dl.data"))
    st.caption(ui.tr("dash.dl.note"))
    tables = m.download_tables(snap.clients, snap.complaints, snap.revisits, sel)
    frames = {tab: getattr(tables, tab) for tab in downloads.TABS}
    stem = downloads.file_stem(sel.start, sel.period.last_day)
    cols = st.columns(len(frames) + 1)
    for col, (tab, frame) in zip(cols, frames.items(), strict=False):
        col.download_button(
            ui.tr("dash.dl.csv", table=TABLES[tab].label(lang), rows=f"{len(frame):,}"),
            data=_registered(
                tab,
                len(frame),
                downloads.csv_name(tab, stem),
                partial(downloads.csv_bytes, tab, frame, lang),
            ),
            file_name=downloads.csv_name(tab, stem),
            mime=downloads.CSV_MIME,
            key=f"dash_dl_{tab}",
            on_click="ignore",
            icon=":material/download:",
        )
    cols[-1].download_button(
        ui.tr("dash.dl.xlsx"),
        data=_registered(
            "workbook",
            sum(len(f) for f in frames.values()),
            downloads.xlsx_name(stem),
            lambda: downloads.xlsx_bytes(frames, lang),
        ),
        file_name=downloads.xlsx_name(stem),
        mime=downloads.XLSX_MIME,
        key="dash_dl_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
    st.subheader(ui.tr("dash.dl.week_title"))
    st.caption(ui.tr("dash.dl.week_note"))
    weeks = [report.week_label(this_week(now - pd.Timedelta(weeks=i))) for i in range(12)]
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    week = a.selectbox(ui.tr("dash.dl.week"), weeks, key="dash_week") or weeks[0]
    b.download_button(
        ui.tr("dash.dl.week_button", week=week),
        data=_registered(
            "weekly",
            0,
            report.weekly_filename(week, lang),
            lambda: report.weekly_csv(snap.complaints, snap.clients, week, lang, settings),
        ),
        file_name=report.weekly_filename(week, lang),
        mime=downloads.CSV_MIME,
        key="dash_dl_week",
        on_click="ignore",
        icon=":material/table_rows:",
    )
    st.subheader(ui.tr("dash.dl.report"))
    st.caption(ui.tr("dash.dl.report_note"))
    months = dv.report_months(snap.complaints["received_at"], now)
    default = report.default_month(now)
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    # cast: under mypy's python_version 3.10, Streamlit's stubs lose `typing.Never` (3.11+) and
    # their empty-options overload (-> None) matches every call; a str is picked here
    month = cast(
        str,
        a.selectbox(
            ui.tr("dash.dl.month"),
            months,
            index=months.index(default) if default in months else 0,
            format_func=lambda mo: report.month_label(m.month_period(mo), lang),
            key="dash_month",
        ),
    )
    b.download_button(
        ui.tr("dash.dl.report_button", month=report.month_label(m.month_period(month), lang)),
        data=_registered(
            "report",
            0,
            report.report_filename(month, lang),
            lambda: report.build_report(
                snap.clients,
                snap.complaints,
                snap.revisits,
                month,
                lang,
                settings,
                now,
                filters=sel,
            ).encode("utf-8"),
        ),
        file_name=report.report_filename(month, lang),
        mime="text/html",
        key="dash_dl_report",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )
