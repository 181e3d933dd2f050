"""What can be done to one complaint, on its page: the workflow actions its state and the
person's role allow (one form per action, in tabs) and the form that corrects its details.
Glue only: `utils.workflow` says what is allowed, `utils.operations` does it."""

from __future__ import annotations

import streamlit as st

from sheets_schema import choices as ch
from utils import auth, ui
from utils import operations as ops
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils import workflow as wf
from utils.forms import format_value
from utils.settings import Settings
from utils.store import Snapshot, Store

TAB = "complaints"


def action_inputs(
    action: str, complaint: dict, key: str, snap: Snapshot, settings: Settings | None = None
) -> dict:
    """The inputs of one action's form; what was typed, by the action's parameter."""
    lang = ui.lang()
    if action == "assign":
        handler = st.selectbox(
            ui.tr("complaints.a.handler"),
            uf.people(snap),
            index=None,
            accept_new_options=True,
            key=f"{key}_handler",
            placeholder=ui.tr("complaints.a.handler_hint"),
        )
        return {"handler": handler or ""}
    if action == "escalate":
        target = wf.next_level(wf.level_of(complaint)) or ""
        st.caption(
            ui.tr(
                "complaints.a.escalate_to",
                current=ch.LEVEL.label(wf.level_of(complaint), lang),
                level=ch.LEVEL.label(target, lang),
            )
        )
        return {"reason": _required_text("complaints.a.reason", f"{key}_reason")}
    if action == "record_progress":
        return {"note": _required_text("complaints.a.note", f"{key}_note")}
    if action == "resolve":
        return {
            "resolution": st.text_area(
                fields.field_label(TAB, "resolution", True), key=f"{key}_resolution", height=80
            ),
            "root_cause": st.text_area(
                fields.field_label(TAB, "root_cause"), key=f"{key}_cause", height=68
            ),
            "corrective_action": st.text_area(
                fields.field_label(TAB, "corrective_action"), key=f"{key}_action", height=68
            ),
        }
    if action == "record_feedback":
        st.caption(ui.tr("complaints.a.feedback_hint"))
        return {"note": st.text_input(ui.tr("complaints.a.note"), key=f"{key}_note")}
    if action == "close":
        state = ops.followup_state(complaint, snap.revisits, settings)
        if state["closable"]:
            st.caption(ui.tr("complaints.a.close_solved", revisit_id=state["closing_revisit"]))
        else:
            st.caption(ui.tr("complaints.a.close_unreached", attempts=state["attempts"]))
        return {"reason": st.text_input(ui.tr("complaints.a.reason"), key=f"{key}_reason")}
    return {"reason": _required_text("complaints.a.reason", f"{key}_reason")}


def _required_text(label_key: str, key: str) -> str:
    return st.text_area(ui.tr(label_key) + " *", key=key, height=80)


def action_form(
    action: str,
    complaint: dict,
    basis: dict,
    *,
    who: auth.User,
    store: Store,
    settings: Settings,
    snap: Snapshot,
) -> None:
    """One action's form; on submit the action is taken on `basis`, the version the person
    saw (a change made meanwhile opens the conflict dialog)."""
    rid = complaint["complaint_id"]
    form = f"action_{rid}"
    key = f"{form}_{action}_{uf.generation(form)}"
    with st.form(key, border=False):
        params = action_inputs(action, complaint, key, snap, settings)
        submitted = st.form_submit_button(ui.tr(f"workflow.action.{action}"), type="primary")
    slot = st.empty()
    if not submitted:
        return
    done = ui.tr("complaints.action_done", action=ui.tr(f"workflow.action.{action}"), record_id=rid)
    lang = ui.lang()

    def take(version: dict):
        return ops.apply_action(
            store,
            action,
            version,
            params,
            user=who,
            when=ops.now(),
            settings=settings,
            revisits=snap.revisits,
            lang=lang,
        )

    uf.submit(lambda: take(basis), take, done, form=form, general=slot)


def actions_panel(
    complaint: dict,
    basis: dict,
    *,
    who: auth.User,
    store: Store,
    settings: Settings,
    snap: Snapshot,
) -> None:
    """The actions allowed now, one tab each; or why there are none."""
    lang = ui.lang()
    allowed = wf.allowed_actions(complaint, who.role, snap.revisits, settings, who.name)
    if not wf.may_edit(complaint, who.role, who.name):
        st.info(
            ops.refusal(
                "record_progress",
                complaint,
                user=who,
                settings=settings,
                revisits=snap.revisits,
                lang=lang,
            ),
            icon=":material/lock:",
        )
        return
    if wf.status_of(complaint) == "resolved" and "close" not in allowed:
        st.caption(
            ":material/lock: "
            + ops.refusal(
                "close", complaint, user=who, settings=settings, revisits=snap.revisits, lang=lang
            )
        )
    if not allowed:
        st.caption(ui.tr("complaints.no_actions"))
        return
    areas = st.tabs([ui.tr(f"workflow.action.{a}") for a in allowed])
    for action, area in zip(allowed, areas, strict=True):
        with area:
            action_form(
                action, complaint, basis, who=who, store=store, settings=settings, snap=snap
            )


def details_form(complaint: dict, *, who: auth.User, store: Store, settings: Settings) -> None:
    """Correct the complaint's details (category, severity, staff complained about, verified,
    root cause, corrective action, the deadline the client asked for — earlier than the
    computed one, it becomes the deadline); conflict-safe like every edit."""
    lang = ui.lang()
    rid = complaint["complaint_id"]
    form = f"complaint_edit_{rid}"
    basis, stale = uf.form_basis(TAB, complaint, form)
    if stale:
        st.info(
            ui.tr(
                "form.stale",
                by=complaint.get("updated_by") or "?",
                at=format_value(TAB, "updated_at", complaint.get("updated_at"), lang),
            ),
            icon=":material/refresh:",
        )
        if st.button(ui.tr("form.reload"), key=f"{form}_reload"):
            uf.bump(form)
            st.rerun()
    gen = uf.generation(form)
    with st.form(f"{form}_{gen}"):
        values, slots = fields.fields_block(
            TAB, list(ops.COMPLAINT_DETAILS), basis, key=f"{form}_{gen}"
        )
        st.caption(ui.tr("complaints.edit_note"))
        submitted = st.form_submit_button(
            ui.tr("form.save"), type="primary", icon=":material/save:"
        )
    general = st.empty()
    if not submitted:
        return
    done = ui.tr("complaints.saved", record_id=rid)

    def save(onto: dict | None = None):
        return ops.edit_complaint(
            store, basis, values, user=who, when=ops.now(), settings=settings, lang=lang, onto=onto
        )

    uf.submit(save, save, done, form=form, slots=slots, general=general)
