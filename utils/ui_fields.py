"""Form fields built from the schema: one input per column kind (choices with labels,
dates, date-times, whole numbers, long text), laid out in columns with a place for each
field's validation message; a record's fields as label/value pairs. Glue only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from sheets_schema.choices import Choices
from sheets_schema.columns import CHOICE, DATE, DATETIME, EMAIL, INT, PHONE
from sheets_schema.tables import TABLES
from utils import ui
from utils.display import md
from utils.errors import InvalidRecord
from utils.forms import field_messages, record_details

BLANK = ""
LONG_TEXT = {
    "notes",
    "description",
    "resolution",
    "root_cause",
    "corrective_action",
    "suggestions",
    "address",
}


def choices_of(tab: str, field: str) -> Choices:
    """The choices of a choice column (a field without them is a programming error)."""
    choices = TABLES[tab].by_field[field].choices
    if choices is None:
        raise ValueError(f"{tab}.{field} is not a choice column")
    return choices


def choice_options(tab: str, field: str, blank: bool = True) -> list[str]:
    values = list(choices_of(tab, field).values)
    return [BLANK, *values] if blank else values


def choice_label(tab: str, field: str) -> Callable[[str], str]:
    lang = ui.lang()
    choices = choices_of(tab, field)

    def label(value: str) -> str:
        return choices.label(value, lang) if value else ui.tr("form.blank")

    return label


def field_label(tab: str, field: str, required: bool | None = None) -> str:
    column = TABLES[tab].by_field[field]
    text = column.label(ui.lang())
    return f"{text} *" if (column.required if required is None else required) else text


def field_input(
    tab: str,
    field: str,
    value: Any,
    *,
    key: str,
    required: bool | None = None,
    help: str | None = None,
) -> Any:
    """One input for a field of the table, chosen by the column's kind, showing `value`."""
    column = TABLES[tab].by_field[field]
    label = field_label(tab, field, required)
    if column.kind == CHOICE:
        blank = not (column.required if required is None else required)
        options = choice_options(tab, field, blank=blank)
        current = "" if value is None else str(value)
        index = options.index(current) if current in options else (0 if blank else None)
        return st.selectbox(
            label, options, index=index, key=key, help=help, format_func=choice_label(tab, field)
        )
    if column.kind == DATE:
        day = value.date() if isinstance(value, dt.datetime) else value
        return st.date_input(label, value=day, key=key, help=help, format="YYYY-MM-DD")
    if column.kind == DATETIME:
        return st.datetime_input(
            label,
            value=value,
            key=key,
            help=help,
            format="YYYY-MM-DD",
            step=dt.timedelta(minutes=5),
        )
    if column.kind == INT:
        return st.number_input(label, value=value, step=1, key=key, help=help)
    text = "" if value is None else str(value)
    if field in LONG_TEXT:
        return st.text_area(label, value=text, key=key, help=help, height=90)
    kind_help = help or (
        ui.tr("form.help.phone")
        if column.kind == PHONE
        else ui.tr("form.help.email")
        if column.kind == EMAIL
        else None
    )
    return st.text_input(label, value=text, key=key, help=kind_help)


def fields_block(
    tab: str,
    fields: Sequence[str],
    record: dict,
    *,
    key: str,
    columns: int = 2,
    required: Sequence[str] = (),
) -> tuple[dict, dict]:
    """Inputs for `fields` laid out in `columns`, each followed by an empty slot for its
    validation message. Returns (values by field, slots by field)."""
    values, slots = {}, {}
    cols = st.columns(columns)
    for n, field in enumerate(fields):
        with cols[n % columns]:
            values[field] = field_input(
                tab,
                field,
                record.get(field),
                key=f"{key}_{field}",
                required=True if field in required else None,
            )
            slots[field] = st.empty()
    return values, slots


def show_problems(err: InvalidRecord, slots: dict, general: Any = None) -> None:
    """Each validation message next to its field; the rest in `general` (or on the page)."""
    lang = ui.lang()
    rest = []
    for field, messages in field_messages(err.problems, lang).items():
        slot = slots.get(field)
        if slot is None:
            rest.extend(messages)
        else:
            slot.error("\n\n".join(messages), icon=":material/warning:")
    (general or st).error(
        ui.tr("form.not_saved") + ("\n\n" + "\n\n".join(rest) if rest else ""),
        icon=":material/warning:",
    )


def details(tab: str, record: dict, fields: Sequence[str], columns: int = 2) -> None:
    """A record's fields as label/value pairs (blank fields left out)."""
    pairs = record_details(tab, record, ui.lang(), fields)
    cols = st.columns(columns)
    for n, (label, text) in enumerate(pairs):
        cols[n % columns].markdown(f"**{md(label)}**  \n{md(text)}")
