"""Revisits (回访): the queues — resolved complaints waiting for a follow-up that reaches the
client (attempts so far; flagged for a manager after the last attempt) and routine revisits due
or late by client grade — filtered to "mine" or by staff; the revisits recorded; and the record
form with the questionnaire (`?complaint=TS-…` for a follow-up, `?client=KH-…` for a routine
revisit). A follow-up's effect on its complaint (closed, reopened and escalated, flagged) is
applied and announced."""

import pandas as pd
import streamlit as st

from sheets_schema import choices as ch
from utils import operations as ops
from utils import ui, views
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils import workflow as wf
from utils.access import mask_record
from utils.display import labelled, md
from utils.queues import followup_queue, followups_for, routine_for, routine_queue
from utils.search import REVISIT_VIEWS, queue_for_staff, revisit_list
from utils.ui_revisit import record_form

MAX_ROWS = 300

who, store, settings, lang, snap = uf.open_staff_page(conflicts=False)
today = ops.now().date()


def staff_filter(key: str) -> tuple[bool, list[str]]:
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    mine = a.toggle(ui.tr("revisits.mine"), key=f"{key}_mine")
    staff = b.multiselect(
        ui.tr("revisits.staff"),
        uf.people(snap),
        key=f"{key}_staff",
        placeholder=ui.tr("list.anyone"),
    )
    return mine, staff


def followups_tab(queue: pd.DataFrame) -> None:
    st.caption(ui.tr("revisits.followups_intro", max=settings.max_attempts))
    mine, staff = staff_filter("fu")
    rows = followups_for(queue, who.name, settings) if mine else queue
    rows = queue_for_staff(rows, ("handler", "first_receiver"), staff)
    shown = rows.head(MAX_ROWS)
    uf.count_caption(len(shown), len(rows))
    if shown.empty:
        return
    picked = uf.pick_row(
        views.followup_rows(shown, uf.client_names(snap), lang),
        shown["complaint_id"].tolist(),
        key="fu_table",
        tint=shown["unreachable"].to_numpy(dtype=bool),
        color="orange",
    )
    if picked:
        uf.open_record(picked, "complaint")
    st.caption(ui.tr("revisits.click_to_record"))


def routine_tab(queue: pd.DataFrame) -> None:
    st.caption(ui.tr("revisits.routine_intro", **{g: d for g, d in settings.cadence_days.items()}))
    mine, staff = staff_filter("rt")
    rows = routine_for(queue, who.name) if mine else queue
    rows = queue_for_staff(rows, ("owner",), staff)
    shown = rows.head(MAX_ROWS)
    uf.count_caption(len(shown), len(rows))
    if shown.empty:
        return
    picked = uf.pick_row(
        views.queue_table("clients", shown, views.ROUTINE_COLUMNS, lang),
        shown["client_id"].tolist(),
        key="rt_table",
        tint=shown["late"].to_numpy(dtype=bool),
        color="orange",
    )
    if picked:
        uf.open_record(picked, "client")
    st.caption(ui.tr("revisits.click_to_record"))


def recorded_tab() -> None:
    a, b, c = st.columns([1, 2, 2], vertical_alignment="bottom")
    view = "mine" if a.toggle(ui.tr("revisits.mine"), key="rv_mine") else REVISIT_VIEWS[0]
    staff = b.multiselect(
        ui.tr("revisits.staff"), uf.people(snap), key="rv_staff", placeholder=ui.tr("list.anyone")
    )
    kinds = c.multiselect(
        fields.field_label("revisits", "kind", False),
        ch.REVISIT_KIND.values,
        format_func=lambda k: ch.REVISIT_KIND.label(k, lang),
        key="rv_kinds",
        placeholder=ui.tr("list.all"),
    )
    found = revisit_list(snap.revisits, view=view, actor=who.name, staff=staff, kinds=kinds)
    shown = found.head(MAX_ROWS)
    uf.count_caption(len(shown), len(found))
    if shown.empty:
        return
    targets = shown["complaint_id"].where(shown["complaint_id"] != "", shown["client_id"])
    picked = uf.pick_row(
        labelled("revisits", shown, lang, views.RECORDED_COLUMNS), targets.tolist(), key="rv_table"
    )
    if picked:
        page = "pages/complaints.py" if picked in set(shown["complaint_id"]) else "pages/clients.py"
        st.switch_page(page, query_params={"id": picked})
    st.caption(ui.tr("revisits.recorded_hint"))


# --- recording one revisit ----------------------------------------------------------------


def record_page(complaint_id: str, client_id: str) -> None:
    uf.back_button("revisits.back", "complaint", "client", key="revisits_back")
    kind_default = "routine"
    attempt = 1
    if complaint_id:
        complaint = snap.record("complaints", complaint_id)
        if complaint is None:
            st.warning(
                ui.tr("complaints.not_found", record_id=complaint_id), icon=":material/search_off:"
            )
            return
        client_id = complaint.get("client_id") or ""
        st.title(ui.tr("revisits.record_followup", record_id=complaint_id))
        status = wf.status_of(complaint)
        label = views.link_label(
            complaint_id,
            ch.CATEGORY.label(complaint.get("category") or "", lang),
            ch.COMPLAINT_STATUS.label(status, lang),
        )
        st.page_link(
            "pages/complaints.py",
            query_params={"id": complaint_id},
            icon=":material/report:",
            label=label,
        )
        st.markdown(f"> {md(complaint.get('description') or '')}")
        if complaint.get("resolution"):
            st.markdown(
                f"**{fields.field_label('complaints', 'resolution', False)}**: "
                f"{md(complaint['resolution'])}"
            )
        state = ops.followup_state(complaint, snap.revisits)
        attempt = ops.followup_attempt(complaint, snap.revisits)
        if status != "resolved":
            st.info(ui.tr("revisits.not_resolved", status=ch.COMPLAINT_STATUS.label(status, lang)))
        elif state["attempts"]:
            st.caption(
                ui.tr(
                    "revisits.attempts_so_far",
                    attempts=state["attempts"],
                    max=settings.max_attempts,
                )
            )
    else:
        st.title(ui.tr("revisits.record_routine"))
    client = snap.record("clients", client_id) if client_id else None
    if client is not None:
        kind_default = ops.revisit_kind_for(client.get("grade") or "")
        label = views.link_label(
            client["name"], client_id, ch.GRADE.label(client.get("grade") or "", lang)
        )
        st.page_link(
            "pages/clients.py",
            query_params={"id": client_id},
            icon=":material/person:",
            label=label,
        )
        phone = mask_record(client, who.name, who.role).get("phone")
        if phone:
            st.caption(f":material/call: {md(phone)}")
    elif not complaint_id:
        st.warning(ui.tr("clients.not_found", record_id=client_id), icon=":material/search_off:")
        return
    record_form(
        kind_default, client_id, complaint_id, attempt, who=who, store=store, settings=settings
    )


complaint_param = uf.current_id("complaint")
client_param = uf.current_id("client")
if complaint_param or client_param:
    uf.show_flash()
    record_page(complaint_param, client_param)
else:
    st.title(ui.tr("revisits.title"))
    uf.show_flash()
    followups = uf.memo(
        snap, "followup_queue", lambda: followup_queue(snap.complaints, snap.revisits, settings)
    )
    routine = uf.memo(
        snap,
        f"routine_queue:{today}",
        lambda: routine_queue(snap.clients, snap.revisits, today, settings),
    )
    labels = [
        ui.tr("workflow.queue.followups"),
        ui.tr("workflow.queue.routine"),
        ui.tr("revisits.tab.recorded"),
    ]
    t1, t2, t3 = st.tabs(labels, key="revisits_mode", on_change="rerun")
    if t1.open:
        with t1:
            followups_tab(followups)
    if t2.open:
        with t2:
            routine_tab(routine)
    if t3.open:
        with t3:
            recorded_tab()
