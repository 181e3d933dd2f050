"""Revisits (回访): the queues — resolved complaints waiting for a follow-up that reaches the
client (attempts so far; flagged for a manager after the last attempt) and routine revisits due
or late by client grade — filtered to "mine" or by staff; the revisits recorded; and the record
form with the questionnaire (`?complaint=TS-…` for a follow-up, `?client=KH-…` for a routine
revisit). A follow-up's effect on its complaint (closed, reopened and escalated, flagged) is
applied and announced."""

import numpy as np
import pandas as pd
import streamlit as st

from sheets_schema import choices as ch
from utils import operations as ops
from utils import ui
from utils import ui_forms as uf
from utils import workflow as wf
from utils.access import mask_record
from utils.display import labelled, md
from utils.errors import InvalidRecord, SheetdeskError
from utils.queues import followup_queue, followups_for, routine_for, routine_queue
from utils.search import REVISIT_VIEWS, queue_for_staff, revisit_list, staff_names

MAX_ROWS = 300
FOLLOWUP_SHOW = [
    "complaint_id",
    "client_id",
    "handler",
    "first_receiver",
    "severity",
    "category",
    "resolved_at",
    "attempts",
    "next_attempt",
    "last_attempt_at",
]
ROUTINE_SHOW = ["client_id", "name", "grade", "owner", "last_reached", "due_on", "days_late"]
RECORDED_COLUMNS = [
    "revisit_id",
    "done_at",
    "client_id",
    "complaint_id",
    "kind",
    "method",
    "staff",
    "attempt",
    "reached",
    "solved",
    "attitude",
    "score",
    "suggestions",
]
EXTRA_LABELS = {
    "attempts": "workflow.col.attempts",
    "next_attempt": "workflow.col.next_attempt",
    "last_attempt_at": "workflow.col.last_attempt_at",
    "last_reached": "workflow.col.last_reached",
    "due_on": "workflow.col.due_on",
    "days_late": "workflow.col.days_late",
}

who, store, settings, lang, snap = uf.open_staff_page(conflicts=False)
today = ops.now().date()


def people() -> list[str]:
    return uf.memo(snap, "staff_names", lambda: staff_names(snap.frames))


def client_names() -> pd.Series:
    return uf.memo(
        snap,
        "client_names",
        lambda: pd.Series(
            snap.clients["name"].to_numpy(), index=snap.clients["client_id"].to_numpy()
        ),
    )


def queue_display(tab: str, rows: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """A queue for people: table labels, choice labels, and the queue's own columns."""
    display = labelled(tab, rows, lang, fields)
    return display.rename(columns={k: ui.tr(v) for k, v in EXTRA_LABELS.items()})


def staff_filter(key: str) -> tuple[bool, list[str]]:
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    mine = a.toggle(ui.tr("revisits.mine"), key=f"{key}_mine")
    staff = b.multiselect(
        ui.tr("revisits.staff"), people(), key=f"{key}_staff", placeholder=ui.tr("list.anyone")
    )
    return mine, staff


def followups_tab(queue: pd.DataFrame) -> None:
    st.caption(ui.tr("revisits.followups_intro", max=settings.max_attempts))
    mine, staff = staff_filter("fu")
    rows = followups_for(queue, who.name) if mine else queue
    rows = queue_for_staff(rows, ("handler", "first_receiver"), staff)
    shown = rows.head(MAX_ROWS)
    uf.count_caption(len(shown), len(rows))
    if shown.empty:
        return
    display = queue_display("complaints", shown, FOLLOWUP_SHOW)
    display.insert(
        2,
        ui.tr("complaints.col.client"),
        shown["client_id"].map(client_names()).fillna("").to_numpy(),
    )
    flagged = shown["unreachable"].to_numpy(dtype=bool)
    display.insert(
        1,
        ui.tr("workflow.col.unreachable"),
        np.where(flagged, "⚠️ " + ui.tr("revisits.unreachable"), ""),
    )
    picked = uf.pick_row(
        display, shown["complaint_id"].tolist(), key="fu_table", tint=flagged, color="orange"
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
    display = queue_display("clients", shown, ROUTINE_SHOW)
    late = shown["late"].to_numpy(dtype=bool)
    picked = uf.pick_row(
        display, shown["client_id"].tolist(), key="rt_table", tint=late, color="orange"
    )
    if picked:
        uf.open_record(picked, "client")
    st.caption(ui.tr("revisits.click_to_record"))


def recorded_tab() -> None:
    a, b, c = st.columns([1, 2, 2], vertical_alignment="bottom")
    view = "mine" if a.toggle(ui.tr("revisits.mine"), key="rv_mine") else REVISIT_VIEWS[0]
    staff = b.multiselect(
        ui.tr("revisits.staff"), people(), key="rv_staff", placeholder=ui.tr("list.anyone")
    )
    kinds = c.multiselect(
        uf.field_label("revisits", "kind", False),
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
        labelled("revisits", shown, lang, RECORDED_COLUMNS), targets.tolist(), key="rv_table"
    )
    if picked:
        page = "pages/complaints.py" if picked in set(shown["complaint_id"]) else "pages/clients.py"
        st.switch_page(page, query_params={"id": picked})
    st.caption(ui.tr("revisits.recorded_hint"))


# --- the record form ------------------------------------------------------------------------


def radio(field: str, key: str, options: tuple[str, ...] | None = None) -> str | None:
    column_choices = {
        "reached": ch.YES_NO,
        "solved": ch.YES_NO,
        "charged": ch.YES_NO,
        "attitude": ch.ATTITUDE,
    }[field]
    return st.radio(
        uf.field_label("revisits", field),
        options or column_choices.values,
        index=None,
        horizontal=True,
        key=f"{key}_{field}",
        format_func=lambda v: column_choices.label(v, lang),
    )


def record_form(kind_default: str, client_id: str, complaint_id: str, attempt: int) -> None:
    gen = uf.generation("revisit_form")
    key = f"revisit_{complaint_id or client_id}_{gen}"
    with st.form(key):
        a, b, c = st.columns(3)
        slots: dict = {}
        with a:
            if complaint_id:
                kind = "complaint_followup"
                st.text_input(
                    uf.field_label("revisits", "kind"),
                    disabled=True,
                    value=ch.REVISIT_KIND.label(kind, lang),
                )
            else:
                kind = st.selectbox(
                    uf.field_label("revisits", "kind"),
                    ["routine", "key_client"],
                    index=0 if kind_default == "routine" else 1,
                    format_func=lambda k: ch.REVISIT_KIND.label(k, lang),
                    key=f"{key}_kind",
                )
            slots["kind"] = st.empty()
        with b:
            method = uf.field_input("revisits", "method", "phone", key=f"{key}_method")
            slots["method"] = st.empty()
        with c:
            done_at = uf.field_input("revisits", "done_at", ops.now(), key=f"{key}_done_at")
            slots["done_at"] = st.empty()
        if complaint_id:
            st.caption(ui.tr("revisits.attempt_note", attempt=attempt))
        reached = radio("reached", key)
        slots["reached"] = st.empty()
        st.caption(ui.tr("revisits.unreached_note"))
        a, b, c = st.columns(3)
        with a:
            solved = radio("solved", key)
            slots["solved"] = st.empty()
        with b:
            attitude = radio("attitude", key)
            slots["attitude"] = st.empty()
        with c:
            charged = radio("charged", key)
            slots["charged"] = st.empty()
        score = st.pills(
            uf.field_label("revisits", "score"), list(range(1, 11)), key=f"{key}_score"
        )
        slots["score"] = st.empty()
        suggestions = st.text_area(
            uf.field_label("revisits", "suggestions"), key=f"{key}_suggestions", height=80
        )
        slots["suggestions"] = st.empty()
        next_on = st.date_input(
            uf.field_label("revisits", "next_revisit_on"),
            value=None,
            key=f"{key}_next",
            format="YYYY-MM-DD",
        )
        slots["next_revisit_on"] = st.empty()
        st.caption(ui.tr("revisits.staff_note", name=who.name))
        submitted = st.form_submit_button(ui.tr("revisits.submit"), type="primary", icon="📞")
    general = st.empty()
    if not submitted:
        return
    values = {
        "kind": kind,
        "client_id": client_id,
        "complaint_id": complaint_id,
        "method": method,
        "done_at": done_at,
        "reached": reached,
        "solved": solved,
        "attitude": attitude,
        "charged": charged,
        "score": score,
        "suggestions": suggestions,
        "next_revisit_on": next_on,
    }
    try:
        outcome = ops.record_revisit(
            store, values, actor=who.name, when=ops.now(), settings=settings, lang=lang
        )
    except InvalidRecord as err:
        uf.show_problems(err, slots, general)
        return
    except SheetdeskError as err:
        general.error(err.message(lang), icon="⚠️")
        return
    saved = outcome.revisit
    uf.saved(
        saved,
        ui.tr(
            "revisits.saved", record_id=saved.record_id, attempt=saved.record.get("attempt") or 1
        ),
    )
    if outcome.complaint is not None:
        level = ch.LEVEL.label(outcome.level, lang) if outcome.level else ""
        kind_of = {"closed": "success", "reopened": "warning", "unreachable": "warning"}
        uf.flash(
            kind_of[outcome.effect],
            ui.tr(
                f"revisits.effect.{outcome.effect}",
                record_id=complaint_id,
                level=level,
                attempts=saved.record.get("attempt") or 0,
            ),
            tab="complaints",
            record_id=complaint_id,
        )
    uf.bump("revisit_form")
    uf.close_record("complaint", "client")


def record_page(complaint_id: str, client_id: str) -> None:
    uf.back_button("revisits.back", "complaint", "client", key="revisits_back")
    kind_default = "routine"
    attempt = 1
    if complaint_id:
        complaint = snap.record("complaints", complaint_id)
        if complaint is None:
            st.warning(ui.tr("complaints.not_found", record_id=complaint_id), icon="🔍")
            return
        client_id = complaint.get("client_id") or ""
        st.title(ui.tr("revisits.record_followup", record_id=complaint_id))
        status = wf.status_of(complaint)
        label = " · ".join(
            part
            for part in (
                complaint_id,
                ch.CATEGORY.label(complaint.get("category") or "", lang),
                ch.COMPLAINT_STATUS.label(status, lang),
            )
            if part
        )
        st.page_link(
            "pages/complaints.py", query_params={"id": complaint_id}, icon="📨", label=label
        )
        st.markdown(f"> {md(complaint.get('description') or '')}")
        if complaint.get("resolution"):
            st.markdown(
                f"**{uf.field_label('complaints', 'resolution', False)}**: "
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
        label = " · ".join(
            part
            for part in (client["name"], client_id, ch.GRADE.label(client.get("grade") or "", lang))
            if part
        )
        st.page_link("pages/clients.py", query_params={"id": client_id}, icon="👤", label=label)
        phone = mask_record(client, who.name, who.role).get("phone")
        if phone:
            st.caption(f"☎️ {md(phone)}")
    elif not complaint_id:
        st.warning(ui.tr("clients.not_found", record_id=client_id), icon="🔍")
        return
    record_form(kind_default, client_id, complaint_id, attempt)


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
