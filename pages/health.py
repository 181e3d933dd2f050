"""Data health: every validation problem with tab, row, column and what to do."""

import streamlit as st

from sheets_schema.tables import ALL_TAB_NAMES, TAB_NAMES
from utils import ui, ui_frame
from utils import ui_forms as uf
from utils.health import calendar_notice, problem_table, summary
from utils.reminders.status import describe, last_run_for
from utils.ui_fix import fix_panel

ui_frame.page_frame()
who = uf.require_user()
st.title(ui.tr("health.title"))
uf.show_flash()
st.caption(ui.tr("health.intro"))
store = ui.get_store()
snap = ui.snapshot()
lang = ui.lang()
st.caption(ui.tr("health.where", source=store.display_name()))

if snap.conflicts:
    st.subheader(ui.tr("health.conflicts"))
    for op in snap.conflicts:
        cols = st.columns([5, 1])
        cols[0].warning(
            ui.tr(
                "health.conflict_line",
                tab=ui.tr(f"tab.{op.tab}"),
                record_id=op.record_id,
                created=op.created_text,
                error=op.error,
            )
        )
        if cols[1].button(ui.tr("health.drop_conflict"), key=f"drop_{op.op_id}"):
            store.queue.drop_conflict(op.op_id)
            store.invalidate()
            st.rerun()

if snap.damaged:
    st.subheader(ui.tr("health.damaged"))
    for bad in snap.damaged:
        what = (
            ui.tr_text(
                "health.damaged_what",
                tab=ui.tr_text(f"tab.{bad.tab}") if bad.tab in TAB_NAMES else bad.tab,
                record_id=bad.record_id,
            )
            if bad.tab or bad.record_id
            else ui.tr_text("health.damaged_unknown")
        )
        cols = st.columns([5, 1])
        cols[0].error(
            ui.tr(
                "health.damaged_line",
                created=bad.created_text,
                name=bad.name,
                reason=bad.reason,
                what=what,
            ),
            icon=":material/broken_image:",
        )
        if cols[1].button(ui.tr("health.drop_damaged"), key=f"drop_damaged_{bad.name}"):
            store.queue.drop_damaged(bad.name)
            store.invalidate()
            st.rerun()

notice = calendar_notice(snap, ui.get_settings(), lang)
if notice:
    st.warning(notice, icon=":material/calendar_month:")
if who.is_manager:
    for level, text in describe(last_run_for(store), lang):
        if level != "info" or text:
            getattr(st, level)(text, icon=":material/notifications:")

problems = snap.all_problems  # the change history's and the settings tab's included
if not problems:
    st.success(ui.tr("health.none"), icon=":material/check_circle:")
    st.stop()

counts = summary(problems)
shown_tabs = [tab for tab in ALL_TAB_NAMES if tab in TAB_NAMES or counts.get(tab)]
cols = st.columns(len(shown_tabs) + 1)
cols[0].metric(
    ui.tr("health.summary", errors=counts["error"], warnings=counts["warning"]), len(problems)
)
for col, tab in zip(cols[1:], shown_tabs, strict=True):
    col.metric(ui.tr(f"tab.{tab}"), counts.get(tab, 0))

f1, f2, f3 = st.columns([1, 1, 2])
tabs = f1.multiselect(
    ui.tr("health.filter_tab"),
    shown_tabs,
    format_func=lambda tab: ui.tr(f"tab.{tab}"),
    placeholder=ui.tr("health.all"),
)
levels = f2.multiselect(
    ui.tr("health.filter_level"),
    ["error", "warning"],
    format_func=lambda lv: ui.tr(f"level.{lv}"),
    placeholder=ui.tr("health.all"),
)
text = f3.text_input(ui.tr("health.search"))
table = problem_table(problems, lang, tabs=tabs, levels=levels, text=text)
message = ui.tr("health.col.message")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={message: st.column_config.TextColumn(message, width="large")},
)
fix_panel(store, problems, who)
