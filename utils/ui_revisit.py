"""The revisit questionnaire: kind, method, when, reached, solved, attitude, charged, score,
suggestions and the next revisit; on save, the follow-up's effect on its complaint (closed,
reopened and escalated, flagged for a manager) is announced. Glue only:
`operations.record_revisit` saves and applies the effect."""

from __future__ import annotations

from typing import cast

import streamlit as st

from sheets_schema import choices as ch
from utils import auth, ui
from utils import operations as ops
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils.errors import InvalidRecord, SheetdeskError
from utils.settings import Settings
from utils.store import Store

TAB = "revisits"
FORM = "revisit_form"
RADIO_CHOICES = {
    "reached": ch.YES_NO,
    "solved": ch.YES_NO,
    "charged": ch.YES_NO,
    "attitude": ch.ATTITUDE,
}
EFFECT_KIND = {
    "closed": "success",
    "reopened": "warning",
    "unreachable": "warning",
    "not_independent": "info",
}


def radio(field: str, key: str) -> str | None:
    """A question answered by one choice, none picked at first."""
    choices = RADIO_CHOICES[field]
    lang = ui.lang()
    return st.radio(
        fields.field_label(TAB, field),
        choices.values,
        index=None,
        horizontal=True,
        key=f"{key}_{field}",
        format_func=lambda v: choices.label(v, lang),
    )


def answered(field: str, key: str, slots: dict) -> str | None:
    """`radio` with a slot under it for its validation message."""
    value = radio(field, key)
    slots[field] = st.empty()
    return value


def kind_input(kind_default: str, complaint_id: str, key: str) -> str:
    """A follow-up's kind is fixed; a routine revisit may be a key-client revisit instead."""
    lang = ui.lang()
    if complaint_id:
        kind = "complaint_followup"
        st.text_input(
            fields.field_label(TAB, "kind"), disabled=True, value=ch.REVISIT_KIND.label(kind, lang)
        )
        return kind
    # cast: under mypy's python_version 3.10, Streamlit's stubs lose `typing.Never` (3.11+) and
    # their empty-options overload (-> None) matches every call; a str is picked here
    return cast(
        str,
        st.selectbox(
            fields.field_label(TAB, "kind"),
            ["routine", "key_client"],
            index=0 if kind_default == "routine" else 1,
            format_func=lambda k: ch.REVISIT_KIND.label(k, lang),
            key=f"{key}_kind",
        ),
    )


def record_form(
    kind_default: str,
    client_id: str,
    complaint_id: str,
    attempt: int,
    *,
    who: auth.User,
    store: Store,
    settings: Settings,
) -> None:
    gen = uf.generation(FORM)
    key = f"revisit_{complaint_id or client_id}_{gen}"
    values: dict = {"client_id": client_id, "complaint_id": complaint_id}
    slots: dict = {}
    with st.form(key):
        a, b, c = st.columns(3)
        with a:
            values["kind"] = kind_input(kind_default, complaint_id, key)
            slots["kind"] = st.empty()
        with b:
            values["method"] = fields.field_input(TAB, "method", "phone", key=f"{key}_method")
            slots["method"] = st.empty()
        with c:
            values["done_at"] = fields.field_input(TAB, "done_at", ops.now(), key=f"{key}_done_at")
            slots["done_at"] = st.empty()
        if complaint_id:
            st.caption(ui.tr("revisits.attempt_note", attempt=attempt))
        values["reached"] = answered("reached", key, slots)
        st.caption(ui.tr("revisits.unreached_note"))
        for col, field in zip(st.columns(3), ("solved", "attitude", "charged"), strict=True):
            with col:
                values[field] = answered(field, key, slots)
        values["score"] = st.pills(
            fields.field_label(TAB, "score"), list(range(1, 11)), key=f"{key}_score"
        )
        slots["score"] = st.empty()
        values["suggestions"] = st.text_area(
            fields.field_label(TAB, "suggestions"), key=f"{key}_suggestions", height=80
        )
        slots["suggestions"] = st.empty()
        values["next_revisit_on"] = st.date_input(
            fields.field_label(TAB, "next_revisit_on"),
            value=None,
            key=f"{key}_next",
            format="YYYY-MM-DD",
        )
        slots["next_revisit_on"] = st.empty()
        st.caption(ui.tr("revisits.staff_note", name=who.name))
        submitted = st.form_submit_button(
            ui.tr("revisits.submit"), type="primary", icon=":material/call:"
        )
    general = st.empty()
    if submitted:
        save(values, slots, general, who=who, store=store, settings=settings)


def save(
    values: dict, slots: dict, general, *, who: auth.User, store: Store, settings: Settings
) -> None:
    """Record the revisit; say what it did to its complaint; back to the queues."""
    lang = ui.lang()
    complaint_id = values["complaint_id"]
    try:
        outcome = ops.record_revisit(
            store, values, user=who, when=ops.now(), settings=settings, lang=lang
        )
    except InvalidRecord as err:
        fields.show_problems(err, slots, general)
        return
    except SheetdeskError as err:
        general.error(err.message(lang), icon=":material/warning:")
        return
    saved = outcome.revisit
    attempt = saved.record.get("attempt")
    uf.saved(saved, ui.tr("revisits.saved", record_id=saved.record_id, attempt=attempt or 1))
    if outcome.complaint is not None or outcome.effect == "not_independent":
        level = ch.LEVEL.label(outcome.level, lang) if outcome.level else ""
        uf.flash(
            EFFECT_KIND[outcome.effect],
            ui.tr(
                f"revisits.effect.{outcome.effect}",
                record_id=complaint_id,
                level=level,
                attempts=attempt or 0,
            ),
            tab="complaints",
            record_id=complaint_id,
        )
    uf.bump(FORM)
    uf.close_record("complaint", "client")
