"""Complaint log (投诉记录): the lists (open, overdue, mine, all) with filters, overdue rows
standing out; the log form (pick a client or register one on the spot; the logger is the first
receiver; due date from severity in working days); and a complaint's page (`?id=TS-…`) with
its details, progress log, follow-ups and the actions its state allows."""

import numpy as np
import pandas as pd
import streamlit as st

from sheets_schema import choices as ch
from utils import operations as ops
from utils import ui
from utils import ui_forms as uf
from utils import workflow as wf
from utils.display import labelled, md
from utils.errors import DuplicatePhone, InvalidRecord, SheetdeskError, WorkflowError
from utils.forms import format_value
from utils.queues import followup_attempts
from utils.search import COMPLAINT_VIEWS, client_choices, complaint_list, staff_names
from utils.timeline import log_table

TAB = "complaints"
MAX_ROWS = 300
LIST_COLUMNS = [
    "complaint_id",
    "received_at",
    "client_id",
    "category",
    "severity",
    "status",
    "level",
    "handler",
    "due_at",
    "description",
]
DETAIL_FIELDS = [
    "received_at",
    "channel",
    "category",
    "severity",
    "first_receiver",
    "handler",
    "level",
    "status",
    "due_at",
    "resolved_at",
    "resolution",
    "root_cause",
    "corrective_action",
    "feedback_at",
    "responsible_staff",
    "verified",
    "closed_at",
    "updated_at",
    "updated_by",
]
REVISIT_COLUMNS = [
    "revisit_id",
    "done_at",
    "staff",
    "attempt",
    "reached",
    "solved",
    "attitude",
    "score",
    "suggestions",
]
STATUS_COLORS = {"received": "blue", "in_progress": "orange", "resolved": "green", "closed": "gray"}
SEVERITY_COLORS = {"normal": "gray", "serious": "orange", "critical": "red"}

who, store, settings, lang, snap = uf.open_staff_page()


def labels(choices: ch.Choices):
    return lambda value: choices.label(value, lang)


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


# --- the lists ------------------------------------------------------------------------------


def filters() -> dict:
    with st.expander(ui.tr("complaints.filters"), icon="🔎"):
        a, b, c = st.columns(3)
        every = ui.tr("list.all")
        out = {
            "statuses": a.multiselect(
                ui.tr("complaints.f.status"),
                ch.COMPLAINT_STATUS.values,
                format_func=labels(ch.COMPLAINT_STATUS),
                key="cf_status",
                placeholder=every,
            ),
            "categories": b.multiselect(
                ui.tr("complaints.f.category"),
                ch.CATEGORY.values,
                format_func=labels(ch.CATEGORY),
                key="cf_category",
                placeholder=every,
            ),
            "severities": c.multiselect(
                ui.tr("complaints.f.severity"),
                ch.SEVERITY.values,
                format_func=labels(ch.SEVERITY),
                key="cf_severity",
                placeholder=every,
            ),
        }
        d, e, f = st.columns(3)
        out["handlers"] = d.multiselect(
            ui.tr("complaints.f.handler"),
            ["", *people()],
            key="cf_handler",
            format_func=lambda name: name or ui.tr("complaints.unassigned"),
            placeholder=ui.tr("list.anyone"),
        )
        period = e.date_input(
            ui.tr("complaints.f.period"), value=(), key="cf_period", format="YYYY-MM-DD"
        )
        period = tuple(period) if isinstance(period, tuple | list) else (period,)
        out["start"] = period[0] if period else None
        out["end"] = period[1] if len(period) > 1 else None
        out["text"] = f.text_input(
            ui.tr("complaints.f.text"), key="cf_text", placeholder=ui.tr("complaints.f.text_hint")
        )
    return out


def complaint_table() -> None:
    view = (
        st.segmented_control(
            ui.tr("complaints.view"),
            COMPLAINT_VIEWS,
            default="open",
            key="complaints_view",
            format_func=lambda v: ui.tr(f"complaints.view.{v}"),
            label_visibility="collapsed",
        )
        or "open"
    )
    chosen = filters()
    found = complaint_list(
        snap.complaints, view=view, actor=who.name, now=ops.now(), settings=settings, **chosen
    )
    shown = found.head(MAX_ROWS)
    uf.count_caption(len(shown), len(found))
    overdue_count = int(found["overdue"].sum())
    if overdue_count and view != "overdue":
        st.caption(ui.tr("complaints.overdue_in_list", count=overdue_count))
    if shown.empty:
        return
    display = labelled(TAB, shown, lang, LIST_COLUMNS)
    client_label = ui.tr("complaints.col.client")
    display.insert(3, client_label, shown["client_id"].map(client_names()).fillna("").to_numpy())
    overdue = shown["overdue"].to_numpy(dtype=bool)
    display.insert(1, ui.tr("workflow.overdue"), np.where(overdue, "⚠", ""))
    picked = uf.pick_row(
        display,
        shown["complaint_id"].tolist(),
        key="complaints_table",
        tint=overdue,
        height=min(38 + 35 * len(shown), 600),
    )
    if picked:
        uf.open_record(picked)
    st.caption(ui.tr("list.click_to_open"))


# --- the log form ---------------------------------------------------------------------------


def log_form() -> None:
    gen = uf.generation("complaint_log")
    prefill = uf.current_id("client")
    new_client = st.toggle(ui.tr("complaints.log.new_client"), key=f"log_new_client_{gen}")
    client_id = ""
    client_slot = None
    if not new_client:
        a, b = st.columns([2, 3])
        query = a.text_input(
            ui.tr("complaints.log.find_client"),
            key=f"log_client_q_{gen}",
            placeholder=ui.tr("clients.search_hint"),
        )
        options = client_choices(snap.clients, query) if query.strip() else {}
        known = snap.record("clients", prefill) if prefill else None
        if known is not None:
            options = {prefill: f"{known['name']} · {prefill}", **options}
        client_id = (
            b.selectbox(
                ui.tr("complaints.log.client") + " *",
                list(options),
                index=0 if known is not None else None,
                format_func=lambda cid: options.get(cid, cid),
                placeholder=ui.tr("complaints.log.client_hint"),
                key=f"log_client_{gen}",
            )
            or ""
        )
        client_slot = b.empty()
        if query.strip() and not options:
            b.caption(ui.tr("complaints.log.no_client"))
    with st.form(f"complaint_log_{gen}"):
        slots: dict = {}
        client_values: dict = {}
        anyway = False
        if new_client:
            st.markdown(f"**{ui.tr('complaints.log.new_client_fields')}**")
            client_values, slots = uf.fields_block(
                "clients",
                ["name", "phone", "grade", "contact_person"],
                {},
                key=f"log_nc_{gen}",
                required=("name", "phone"),
            )
            anyway = st.checkbox(ui.tr("complaints.log.register_anyway"), key=f"log_any_{gen}")
            st.divider()
        a, b, c = st.columns(3)
        with a:
            channel = uf.field_input(TAB, "channel", "phone", key=f"log_channel_{gen}")
            slots["channel"] = st.empty()
        with b:
            category = uf.field_input(TAB, "category", None, key=f"log_category_{gen}")
            slots["category"] = st.empty()
        with c:
            limits = settings.time_limits
            severity = uf.field_input(
                TAB,
                "severity",
                "normal",
                key=f"log_severity_{gen}",
                required=True,
                help=ui.tr(
                    "complaints.log.severity_help",
                    normal=limits.get("normal", 3),
                    serious=limits.get("serious", 2),
                    critical=limits.get("critical", 1),
                ),
            )
            slots["severity"] = st.empty()
        description = st.text_area(
            uf.field_label(TAB, "description"), key=f"log_desc_{gen}", height=120
        )
        slots["description"] = st.empty()
        st.caption(ui.tr("complaints.log.first_receiver", name=who.name))
        submitted = st.form_submit_button(ui.tr("complaints.log.submit"), type="primary", icon="📨")
    general = st.empty()
    if not submitted:
        return
    if not new_client and not client_id:
        client_slot.error(ui.tr("complaints.log.need_client"), icon="⚠️")
        return
    try:
        result, client_save = ops.log_complaint(
            store,
            client_id=client_id,
            channel=channel,
            category=category,
            severity=severity,
            description=description,
            actor=who.name,
            when=ops.now(),
            settings=settings,
            new_client=client_values if new_client else None,
            allow_duplicate_phone=anyway,
        )
    except DuplicatePhone as err:
        names = "、".join(f"{m['name']} ({m['client_id']})" for m in err.matches[:5])
        slots["phone"].warning(ui.tr("complaints.log.phone_exists", clients=names), icon="☎️")
        return
    except WorkflowError as err:
        slots["description"].error(err.message(lang), icon="⚠️")
        return
    except InvalidRecord as err:
        uf.show_problems(err, slots, general)
        return
    except SheetdeskError as err:
        general.error(err.message(lang), icon="⚠️")
        return
    if client_save is not None:
        uf.saved(
            client_save,
            ui.tr(
                "clients.added",
                name=client_save.record.get("name", ""),
                record_id=client_save.record_id,
            ),
        )
    due = format_value(TAB, "due_at", result.record.get("due_at"), lang)
    uf.saved(result, ui.tr("complaints.logged", record_id=result.record_id, due=due))
    uf.bump("complaint_log")
    for param in ("client", "new"):
        st.query_params.pop(param, None)
    uf.open_record(result.record_id)


# --- one complaint --------------------------------------------------------------------------


def action_inputs(action: str, complaint: dict, key: str) -> dict:
    """The inputs of one action's form."""
    if action == "assign":
        handler = st.selectbox(
            ui.tr("complaints.a.handler"),
            people(),
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
        return {
            "reason": st.text_area(
                ui.tr("complaints.a.reason") + " *", key=f"{key}_reason", height=80
            )
        }
    if action == "record_progress":
        return {
            "note": st.text_area(ui.tr("complaints.a.note") + " *", key=f"{key}_note", height=80)
        }
    if action == "resolve":
        return {
            "resolution": st.text_area(
                uf.field_label(TAB, "resolution", True), key=f"{key}_resolution", height=80
            ),
            "root_cause": st.text_area(
                uf.field_label(TAB, "root_cause"), key=f"{key}_cause", height=68
            ),
            "corrective_action": st.text_area(
                uf.field_label(TAB, "corrective_action"), key=f"{key}_action", height=68
            ),
        }
    if action == "record_feedback":
        st.caption(ui.tr("complaints.a.feedback_hint"))
        return {"note": st.text_input(ui.tr("complaints.a.note"), key=f"{key}_note")}
    if action == "close":
        state = ops.followup_state(complaint, snap.revisits)
        if state["closable"]:
            st.caption(ui.tr("complaints.a.close_solved", revisit_id=state["closing_revisit"]))
        else:
            st.caption(ui.tr("complaints.a.close_unreached", attempts=state["attempts"]))
        return {"reason": st.text_input(ui.tr("complaints.a.reason"), key=f"{key}_reason")}
    return {
        "reason": st.text_area(ui.tr("complaints.a.reason") + " *", key=f"{key}_reason", height=80)
    }


def action_form(action: str, complaint: dict, basis: dict) -> None:
    rid = complaint["complaint_id"]
    form = f"action_{rid}"
    key = f"{form}_{action}_{uf.generation(form)}"
    with st.form(key, border=False):
        params = action_inputs(action, complaint, key)
        submitted = st.form_submit_button(ui.tr(f"workflow.action.{action}"), type="primary")
    slot = st.empty()
    if not submitted:
        return
    done = ui.tr("complaints.action_done", action=ui.tr(f"workflow.action.{action}"), record_id=rid)

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


def details_form(complaint: dict) -> None:
    """Correct the complaint's details (category, severity, staff complained about, verified,
    root cause, corrective action); conflict-safe like every edit."""
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
            icon="🔄",
        )
        if st.button(ui.tr("form.reload"), key=f"{form}_reload"):
            uf.bump(form)
            st.rerun()
    gen = uf.generation(form)
    with st.form(f"{form}_{gen}"):
        values, slots = uf.fields_block(
            TAB, list(ops.COMPLAINT_DETAILS), basis, key=f"{form}_{gen}"
        )
        st.caption(ui.tr("complaints.edit_note"))
        submitted = st.form_submit_button(ui.tr("form.save"), type="primary", icon="💾")
    general = st.empty()
    if not submitted:
        return
    done = ui.tr("complaints.saved", record_id=rid)

    def save(onto: dict | None = None):
        return ops.edit_complaint(
            store, basis, values, user=who, when=ops.now(), settings=settings, lang=lang, onto=onto
        )

    uf.submit(save, save, done, form=form, slots=slots, general=general)


def actions_panel(complaint: dict, basis: dict) -> None:
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
            icon="🔒",
        )
        return
    if wf.status_of(complaint) == "resolved" and "close" not in allowed:
        st.caption(
            "🔒 "
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
            action_form(action, complaint, basis)


def complaint_page(rid: str) -> None:
    uf.back_button("complaints.back", "id", key="complaints_back")
    complaint = snap.record(TAB, rid)
    if complaint is None:
        st.warning(ui.tr("complaints.not_found", record_id=rid), icon="🔍")
        st.page_link("pages/health.py", label=ui.tr("list.see_health"), icon="🩺")
        return
    basis = uf.seen_version(TAB, complaint)
    status = wf.status_of(complaint)
    st.title(md(rid))
    severity = complaint.get("severity") or "normal"
    badges = [
        f":{STATUS_COLORS.get(status, 'gray')}-badge[{ch.COMPLAINT_STATUS.label(status, lang)}]",
        f":violet-badge[{ch.LEVEL.label(wf.level_of(complaint), lang)}]",
        f":{SEVERITY_COLORS[severity]}-badge[{ch.SEVERITY.label(severity, lang)}]",
    ]
    if wf.is_overdue(complaint, ops.now(), settings):
        badges.append(f":red-badge[⏰ {ui.tr('workflow.overdue')}]")
    due = wf.effective_due_at(complaint, settings)
    if due is not None and status in wf.OPEN_STATUSES:
        badges.append(ui.tr("complaints.due", due=f"{due:%Y-%m-%d %H:%M}"))
    st.markdown(" ".join(badges))
    client_id = complaint.get("client_id") or ""
    client = snap.record("clients", client_id) if client_id else None
    if client is not None:
        st.page_link(
            "pages/clients.py",
            query_params={"id": client_id},
            icon="👤",
            label=md(f"{client['name']} · {client_id}"),
        )
    elif client_id:
        st.caption(ui.tr("complaints.unknown_client", client_id=client_id))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"> {md(complaint.get('description') or '')}")
        uf.details(TAB, complaint, DETAIL_FIELDS)
        if wf.may_edit(complaint, who.role, who.name):
            with st.expander(ui.tr("complaints.edit_details"), icon="✏️"):
                details_form(complaint)
    with right:
        st.subheader(ui.tr("complaints.actions"))
        actions_panel(complaint, basis)
        if status == "resolved":
            st.divider()
            attempts = followup_attempts(
                rid, snap.revisits, wf.as_datetime(complaint.get("resolved_at"))
            )
            st.markdown(
                ui.tr("complaints.followup_state", attempts=attempts, max=settings.max_attempts)
            )
            st.page_link(
                "pages/revisits.py",
                query_params={"complaint": rid},
                icon="📞",
                label=ui.tr("complaints.record_followup"),
            )
    st.subheader(ui.tr("complaints.log"))
    log = log_table(complaint.get("progress_log"), lang)
    if log.empty:
        st.caption(ui.tr("complaints.log_empty"))
    else:
        uf.table(log)
    visits = snap.revisits.loc[snap.revisits["complaint_id"] == rid]
    if len(visits):
        st.subheader(ui.tr("complaints.revisits"))
        uf.table(labelled("revisits", visits.sort_values("done_at"), lang, REVISIT_COLUMNS))


current = uf.current_id()
if current:
    uf.show_flash()
    complaint_page(current)
else:
    st.title(ui.tr("complaints.title"))
    uf.show_flash()
    wants_log = bool(uf.current_id("new") or uf.current_id("client"))
    tab_list, tab_log = st.tabs(
        [ui.tr("complaints.tab.list"), ui.tr("complaints.tab.log")],
        key="complaints_mode",
        on_change="rerun",
        default=ui.tr("complaints.tab.log") if wants_log else None,
    )
    if tab_list.open:
        with tab_list:
            complaint_table()
    if tab_log.open:
        with tab_log:
            log_form()
