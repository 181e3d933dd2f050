"""Logging a new complaint: pick the client (or register one on the spot, warned when the phone
is already in the register), channel, category and severity (its time limit in the help), the
description; the person logging it is the first receiver. Glue only: `operations.log_complaint`
saves, `workflow` sets the due date."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from sheets_schema import choices as ch
from utils import auth, ui
from utils import operations as ops
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils import workflow as wf
from utils.errors import DuplicatePhone, InvalidRecord, SheetdeskError, WorkflowError
from utils.forms import format_value
from utils.search import client_choices
from utils.settings import Settings
from utils.store import Snapshot, Store

TAB = "complaints"
FORM = "complaint_log"
NEW_CLIENT_FIELDS = ["name", "phone", "grade", "contact_person"]


def client_picker(snap: Snapshot, gen: int) -> tuple[bool, str, DeltaGenerator | None]:
    """(register a new client?, the client picked, the slot for "pick a client": None when a
    new client is registered). A client in the URL (`?client=KH-…`) is picked already."""
    prefill = uf.current_id("client")
    new_client = st.toggle(ui.tr("complaints.log.new_client"), key=f"log_new_client_{gen}")
    if new_client:
        return True, "", None
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
    slot = b.empty()
    if query.strip() and not options:
        b.caption(ui.tr("complaints.log.no_client"))
    return False, client_id, slot


def severity_help(settings: Settings) -> str:
    """The working days each severity allows, as the rules count them."""
    return ui.tr(
        "complaints.log.severity_help",
        **{sev: wf.time_limit(sev, settings) for sev in ch.SEVERITY.values},
    )


def log_form(*, who: auth.User, store: Store, settings: Settings, snap: Snapshot) -> None:
    lang = ui.lang()
    gen = uf.generation(FORM)
    new_client, client_id, client_slot = client_picker(snap, gen)
    with st.form(f"{FORM}_{gen}"):
        slots: dict = {}
        client_values: dict = {}
        anyway = False
        if new_client:
            st.markdown(f"**{ui.tr('complaints.log.new_client_fields')}**")
            client_values, slots = fields.fields_block(
                "clients", NEW_CLIENT_FIELDS, {}, key=f"log_nc_{gen}", required=("name", "phone")
            )
            anyway = st.checkbox(ui.tr("complaints.log.register_anyway"), key=f"log_any_{gen}")
            st.divider()
        a, b, c = st.columns(3)
        with a:
            channel = fields.field_input(TAB, "channel", "phone", key=f"log_channel_{gen}")
            slots["channel"] = st.empty()
        with b:
            category = fields.field_input(TAB, "category", None, key=f"log_category_{gen}")
            slots["category"] = st.empty()
        with c:
            severity = fields.field_input(
                TAB,
                "severity",
                wf.DEFAULT_SEVERITY,
                key=f"log_severity_{gen}",
                required=True,
                help=severity_help(settings),
            )
            slots["severity"] = st.empty()
        description = st.text_area(
            fields.field_label(TAB, "description"), key=f"log_desc_{gen}", height=120
        )
        slots["description"] = st.empty()
        requested = fields.field_input(
            TAB,
            "requested_due",
            None,
            key=f"log_requested_{gen}",
            help=ui.tr("complaints.log.requested_help"),
        )
        slots["requested_due"] = st.empty()
        st.caption(ui.tr("complaints.log.first_receiver", name=who.name))
        submitted = st.form_submit_button(
            ui.tr("complaints.log.submit"), type="primary", icon=":material/report:"
        )
    general = st.empty()
    if not submitted:
        return
    if client_slot is not None and not client_id:  # none picked from the register
        client_slot.error(ui.tr("complaints.log.need_client"), icon=":material/warning:")
        return
    try:
        result, client_save = ops.log_complaint(
            store,
            client_id=client_id,
            channel=channel,
            category=category,
            severity=severity,
            description=description,
            user=who,
            when=ops.now(),
            settings=settings,
            new_client=client_values if new_client else None,
            allow_duplicate_phone=anyway,
            requested_due=requested,
        )
    except DuplicatePhone as err:
        names = "、".join(f"{m['name']} ({m['client_id']})" for m in err.matches[:5])
        slots["phone"].warning(
            ui.tr("complaints.log.phone_exists", clients=names), icon=":material/call:"
        )
        return
    except WorkflowError as err:
        slots["description"].error(err.message(lang), icon=":material/warning:")
        return
    except InvalidRecord as err:
        fields.show_problems(err, slots, general)
        return
    except SheetdeskError as err:
        general.error(err.message(lang), icon=":material/warning:")
        return
    if client_save is not None:
        name = client_save.record.get("name", "")
        uf.saved(client_save, ui.tr("clients.added", name=name, record_id=client_save.record_id))
    due = format_value(TAB, "due_at", result.record.get("due_at"), lang)
    uf.saved(result, ui.tr("complaints.logged", record_id=result.record_id, due=due))
    uf.bump(FORM)
    for param in ("client", "new"):
        st.query_params.pop(param, None)
    uf.open_record(result.record_id)
