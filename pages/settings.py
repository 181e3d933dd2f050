"""Settings (设置, admins): what the team has configured — time limits, cadences, the working
calendar, thresholds, reminders — with where each value comes from, one setting changed at a
time (saved in the spreadsheet's settings tab, like any save), and how the reminders last ran.
Credentials and accounts stay in secrets and the environment, which win over the tab."""

import streamlit as st

from utils import operations as ops
from utils import ui, ui_frame
from utils import ui_forms as uf
from utils.errors import InvalidRecord, SheetdeskError
from utils.reminders.status import describe, last_run_for

ui_frame.page_frame()
who = uf.require_user()
st.title(ui.tr("settings.title"))
if not who.is_admin:
    st.info(ui.tr("settings.admins_only"), icon=":material/lock:")
    st.stop()
store = ui.get_store()
snap = ui.snapshot()
lang = ui.lang()
uf.show_flash()
st.caption(ui.tr("settings.intro"))

rows = ops.settings_rows(snap, lang, ui.secrets().get("sheetdesk", {}))
shown = rows[["label", "value", "effective", "source", "default", "problem"]].rename(
    columns={c: ui.tr_text(f"settings.col.{c}") for c in rows.columns}
)
uf.table(shown, tint=(rows["problem"] != "").to_numpy(), color="orange")

st.subheader(ui.tr("settings.change"))
labels = dict(zip(rows["key"], rows["label"], strict=True))
with st.form("settings_change", border=True):
    key = st.selectbox(ui.tr("settings.key"), list(labels), format_func=labels.__getitem__)
    value = st.text_input(ui.tr("settings.value"), help=ui.tr("settings.value_help"))
    submitted = st.form_submit_button(ui.tr("form.save"), type="primary", icon=":material/save:")
if submitted:
    try:
        ops.save_setting(store, who, key, value)
    except InvalidRecord as err:
        st.error(err.message(lang), icon=":material/warning:")
    except SheetdeskError as err:
        st.error(err.message(lang), icon=":material/warning:")
    else:
        uf.flash("success", ui.tr("settings.saved", label=labels[key]))
        st.rerun()

st.subheader(ui.tr("settings.reminders"))
for level, text in describe(last_run_for(store), lang):
    getattr(st, level)(text, icon=":material/notifications:")
