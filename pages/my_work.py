"""My work (我的工作): where staff land. Their open cases that are overdue, due today or not
started; the follow-ups and routine revisits waiting for them; their clients' recent
complaints — each row a click from its record. The lists come from one `utils.my_work` call
(per snapshot, person and minute); this page only shows them."""

import streamlit as st

from utils import operations as ops
from utils import ui, views
from utils import ui_forms as uf
from utils.my_work import CASE_LISTS, RECENT_DAYS, MyWork, my_work

MAX_ROWS = 100

who, store, settings, lang, snap = uf.open_staff_page(conflicts=False)
now = ops.now()

BADGES = {  # list → badge colour of its count in the summary line
    "overdue": "red",
    "due_today": "orange",
    "not_started": "violet",
    "followups": "blue",
    "routine": "blue",
    "recent": "gray",
}
ICONS = {
    "overdue": ":material/alarm:",
    "due_today": ":material/today:",
    "not_started": ":material/hourglass_empty:",
    "followups": ":material/call:",
    "routine": ":material/event_repeat:",
    "recent": ":material/history:",
}


def summary(work: MyWork) -> None:
    """One line of coloured counts: what is waiting, at a glance (phone-sized screens too)."""
    counts = work.counts()
    st.markdown(
        " ".join(
            f":{BADGES[name]}-badge[{ICONS[name]} {ui.tr(f'my_work.{name}')} {counts[name]:,}]"
            for name in counts
        )
    )


def heading(name: str, count: int) -> bool:
    """The list's heading; False (and a one-line note) when there is nothing in it."""
    st.subheader(f"{ICONS[name]} {ui.tr(f'my_work.{name}')}", divider="gray")
    if not count:
        st.caption(ui.tr(f"my_work.{name}.none", days=RECENT_DAYS))
        return False
    st.caption(ui.tr(f"my_work.{name}.hint", days=RECENT_DAYS))
    uf.count_caption(min(count, MAX_ROWS), count)
    return True


def complaints_list(name: str, rows) -> None:
    """Complaint rows (a case list or my clients' recent complaints): a click opens the
    complaint."""
    if not heading(name, len(rows)):
        return
    shown = rows.head(MAX_ROWS)
    picked = uf.pick_row(
        views.complaint_rows(shown, uf.client_names(snap), lang),
        shown["complaint_id"].tolist(),
        key=f"my_{name}",
        tint=shown["overdue"].to_numpy(dtype=bool),
    )
    if picked:
        st.switch_page("pages/complaints.py", query_params={"id": picked})


def followups_list(rows) -> None:
    """Follow-ups waiting for me: a click opens the follow-up form of the complaint."""
    if not heading("followups", len(rows)):
        return
    shown = rows.head(MAX_ROWS)
    picked = uf.pick_row(
        views.followup_rows(shown, uf.client_names(snap), lang),
        shown["complaint_id"].tolist(),
        key="my_followups",
        tint=shown["unreachable"].to_numpy(dtype=bool),
        color="orange",
    )
    if picked:
        st.switch_page("pages/revisits.py", query_params={"complaint": picked})


def routine_list(rows) -> None:
    """Routine revisits of my clients, due or late: a click opens the revisit form."""
    if not heading("routine", len(rows)):
        return
    shown = rows.head(MAX_ROWS)
    picked = uf.pick_row(
        views.queue_table("clients", shown, views.ROUTINE_COLUMNS, lang),
        shown["client_id"].tolist(),
        key="my_routine",
        tint=shown["late"].to_numpy(dtype=bool),
        color="orange",
    )
    if picked:
        st.switch_page("pages/revisits.py", query_params={"client": picked})


st.title(ui.tr("my_work.title"))
uf.show_flash()
if snap.is_empty():
    st.info(ui.tr("my_work.empty"), icon=":material/inbox:")
    st.page_link("pages/home.py", label=ui.tr("nav.home"), icon=":material/home:")
    st.stop()

work = uf.memo(
    snap,
    f"my_work:{who.name}:{now:%Y-%m-%d %H:%M}",
    lambda: my_work(snap.frames, who.name, now, settings),
)
st.caption(ui.tr("my_work.intro", name=who.name, time=f"{now:%Y-%m-%d %H:%M}"))
summary(work)
cases = {name: getattr(work, name) for name in CASE_LISTS}
if not any(len(rows) for rows in cases.values()):
    st.success(ui.tr("my_work.all_clear"), icon=":material/task_alt:")
for name, rows in cases.items():
    if len(rows):  # an empty case list is said once, by the line above
        complaints_list(name, rows)
followups_list(work.followups)
routine_list(work.routine)
complaints_list("recent", work.recent)
st.caption(ui.tr("list.click_to_open"))
