"""Home: a greeting, the first-run offer of demo data, counts, and the latest rows of the three
tables (at most `display.LATEST_ROWS` each: the lists and searches are on the tables' own pages — a
page never ships a whole register to the browser)."""

import streamlit as st

from sheets_schema.tables import TAB_NAMES
from utils import ui, ui_frame
from utils import ui_forms as uf
from utils.demo import load_demo
from utils.display import labelled, latest_rows
from utils.errors import SheetdeskError

ui_frame.page_frame()
who = uf.require_user()
st.title(ui.tr("home.title"))
store = ui.get_store()
snap = uf.view_for(ui.snapshot(), who)

if snap.is_empty():
    st.info(ui.tr("home.welcome"), icon=":material/waving_hand:")
    if who.is_admin and st.button(ui.tr("home.load_demo"), type="primary", key="load_demo"):
        with st.spinner():
            try:
                counts = load_demo(store, user=who.name)
            except SheetdeskError as err:
                ui.show_error(err)
                st.stop()
        st.success(ui.tr("home.demo_loaded", **counts))
        st.rerun()
else:
    st.markdown(ui.tr("home.counts", **{k: len(v) for k, v in snap.frames.items()}))
if snap.problems:
    st.page_link(
        "pages/health.py",
        label=ui.tr("home.problems", count=len(snap.problems)),
        icon=":material/health_and_safety:",
    )

st.subheader(ui.tr("home.tables"))
tabs = st.tabs([ui.tr(f"tab.{tab}") for tab in TAB_NAMES], key="home_tab", on_change="rerun")
for tab, area in zip(TAB_NAMES, tabs, strict=True):
    if not area.open:
        continue  # only the tab in view is built and sent
    with area:
        frame = snap.frames[tab]
        latest = uf.memo(snap, f"home_latest:{tab}", lambda f=frame: latest_rows(f))
        st.caption(ui.tr("home.latest", shown=f"{len(latest):,}", total=f"{len(frame):,}"))
        uf.table(labelled(tab, latest, ui.lang()), height=360)
