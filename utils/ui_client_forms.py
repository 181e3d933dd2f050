"""Registering a client (warned when the phone is already in the register, with links to
those clients, then registered anyway or not) and correcting a client's details. Glue only:
`operations.add_client` / `operations.edit_record` save."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from utils import auth, ui, views
from utils import operations as ops
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils.errors import DuplicatePhone, InvalidRecord, SheetdeskError
from utils.forms import format_value
from utils.store import Store

TAB = "clients"
ADD_FORM = "client_add"
PENDING_KEY = "clients_add_pending"  # a PendingDuplicate while a duplicate phone waits


@dataclass(frozen=True)
class PendingDuplicate:
    """A registration held back because its phone is already in the register: what was
    typed, and the clients with that phone."""

    values: dict
    matches: list[dict]


def save_new(
    values: dict, slots: dict, general, *, who: auth.User, store: Store, anyway: bool = False
) -> None:
    """Register the client; a phone already in the register is left for the person to
    decide (`duplicate_warning`)."""
    try:
        result = ops.add_client(
            store, values, user=who, today=ops.now().date(), allow_duplicate_phone=anyway
        )
    except DuplicatePhone as err:  # the person decides: the warning below, with links
        st.session_state[PENDING_KEY] = PendingDuplicate(values, err.matches)
        return
    except InvalidRecord as err:
        fields.show_problems(err, slots, general)
        return
    except SheetdeskError as err:
        general.error(err.message(ui.lang()), icon=":material/warning:")
        return
    st.session_state.pop(PENDING_KEY, None)
    uf.bump(ADD_FORM)
    uf.saved(
        result,
        ui.tr("clients.added", name=result.record.get("name", ""), record_id=result.record_id),
    )
    uf.open_record(result.record_id)


def duplicate_warning(
    values: dict, matches: list[dict], slots: dict, general, *, who: auth.User, store: Store
) -> None:
    """The phone is already in the register: say whose it is, link to them, and let the user
    register anyway or go back to the form."""
    slots["phone"].warning(ui.tr("clients.phone_known"), icon=":material/call:")
    with st.container(border=True):
        st.warning(
            ui.tr("clients.duplicate_phone", phone=values.get("phone", ""), count=len(matches)),
            icon=":material/call:",
        )
        for match in matches[:10]:
            st.page_link(
                "pages/clients.py",
                query_params={"id": match["client_id"]},
                label=ui.tr(
                    "clients.duplicate_link",
                    name=match["name"],
                    record_id=match["client_id"],
                    owner=match["owner"] or "—",
                ),
                icon=":material/person:",
            )
        a, b = st.columns(2)
        if a.button(ui.tr("clients.add_anyway"), key="clients_add_anyway"):
            save_new(values, slots, general, who=who, store=store, anyway=True)
        if b.button(ui.tr("clients.add_cancel"), key="clients_add_cancel"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()


def add_form(*, who: auth.User, store: Store) -> None:
    """The register form, and the duplicate-phone warning while one is pending."""
    gen = uf.generation(ADD_FORM)
    defaults = ops.new_client_defaults(who.name, ops.now().date())
    with st.form(f"{ADD_FORM}_{gen}"):
        st.caption(ui.tr("form.required_note"))
        values, slots = fields.fields_block(
            TAB,
            views.CLIENT_FORM_FIELDS,
            defaults,
            key=f"{ADD_FORM}_{gen}",
            required=("name", "phone"),
        )
        submitted = st.form_submit_button(
            ui.tr("clients.add_submit"), type="primary", icon=":material/add:"
        )
    general = st.empty()
    if submitted:
        save_new(values, slots, general, who=who, store=store)
    pending: PendingDuplicate | None = st.session_state.get(PENDING_KEY)
    if pending is not None:
        duplicate_warning(pending.values, pending.matches, slots, general, who=who, store=store)


def edit_form(client: dict, *, who: auth.User, store: Store) -> None:
    """Correct a client's details; conflict-safe like every edit."""
    rid = client["client_id"]
    form = f"client_edit_{rid}"
    basis, stale = uf.form_basis(TAB, client, form)
    if stale:
        c1, c2 = st.columns([4, 1])
        c1.info(
            ui.tr(
                "form.stale",
                by=client.get("updated_by") or "?",
                at=format_value(TAB, "updated_at", client.get("updated_at"), ui.lang()),
            ),
            icon=":material/refresh:",
        )
        if c2.button(ui.tr("form.reload"), key=f"{form}_reload"):
            uf.bump(form)
            st.rerun()
    gen = uf.generation(form)
    with st.form(f"{form}_{gen}"):
        values, slots = fields.fields_block(
            TAB, views.CLIENT_FORM_FIELDS, basis, key=f"{form}_{gen}", required=("name", "phone")
        )
        submitted = st.form_submit_button(
            ui.tr("form.save"), type="primary", icon=":material/save:"
        )
    general = st.empty()
    if not submitted:
        return
    done = ui.tr("clients.saved", record_id=rid)
    uf.submit(
        lambda: ops.edit_client(store, basis, values, user=who),
        lambda theirs: ops.edit_client(store, basis, values, user=who, force=True),
        done,
        form=form,
        slots=slots,
        general=general,
    )
