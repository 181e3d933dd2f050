"""What forms need besides widgets: which fields an edit changed, validation problems by field,
values as people read them, and the two versions of a record side by side after a conflict.
Pure (no streamlit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd

from sheets_schema.columns import DATE
from sheets_schema.parse import CellError, parser_for
from sheets_schema.problems import Problem
from sheets_schema.tables import TABLES
from utils.cells import is_missing
from utils.i18n import t

# stamped by the store; never compared or edited in a form
STAMPS = ("updated_at", "updated_by")


def _normal(tab: str, field: str, value: object) -> object:
    column = TABLES[tab].by_field.get(field)
    if is_missing(value):
        return None
    if column is None:
        return value
    try:
        parsed = parser_for(column)(value)
    except CellError:
        return value
    if column.kind == DATE and isinstance(parsed, dt.datetime):
        return parsed.date()
    return parsed


def changed_fields(tab: str, original: dict, edited: dict) -> dict:
    """The fields of `edited` whose value differs from `original` (both read the way the
    spreadsheet is read: "" and None are both blank, a date equals midnight of that date)."""
    out = {}
    for field, value in edited.items():
        if field in STAMPS or field not in TABLES[tab].by_field:
            continue
        if _normal(tab, field, value) != _normal(tab, field, original.get(field)):
            out[field] = value
    return out


def field_messages(problems: Iterable[Problem], lang: str) -> dict[str, list[str]]:
    """Validation messages by field name ("" for problems about no single field)."""
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.column or "", []).append(p.message(lang))
    return out


def format_value(tab: str, field: str, value: object, lang: str) -> str:
    """A record's value as people read it: choice labels, `2026-11-23 10:05`, "" for blank."""
    if is_missing(value):
        return ""
    column = TABLES[tab].by_field.get(field)
    if column is not None and column.choices is not None:
        return column.choices.label(str(value), lang)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if column is not None and column.kind == DATE:
            return f"{value:%Y-%m-%d}"
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def record_details(
    tab: str, record: dict, lang: str, fields: Sequence[str] | None = None, *, blanks: bool = False
) -> list[tuple[str, str]]:
    """(label, text) pairs of a record for a details panel, in the table's column order."""
    table = TABLES[tab]
    names = fields or [c.field for c in table.columns]
    out = []
    for name in names:
        column = table.by_field.get(name)
        if column is None:
            continue
        text = format_value(tab, name, record.get(name), lang)
        if text or blanks:
            out.append((column.label(lang), text))
    return out


def conflict_table(tab: str, mine: dict, theirs: dict, lang: str) -> pd.DataFrame:
    """The fields where the user's version and the spreadsheet's differ, side by side, plus who
    changed the spreadsheet's version and when. Columns labelled in `lang`."""
    table = TABLES[tab]
    rows = []
    for column in table.columns:
        name = column.field
        a, b = mine.get(name), theirs.get(name)
        if name in STAMPS:
            continue
        if _normal(tab, name, a) == _normal(tab, name, b):
            continue
        rows.append(
            (column.label(lang), format_value(tab, name, a, lang), format_value(tab, name, b, lang))
        )
    for name in STAMPS:
        column = table.by_field[name]
        rows.append(
            (
                column.label(lang),
                format_value(tab, name, mine.get(name), lang),
                format_value(tab, name, theirs.get(name), lang),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            t("conflict.col.field", lang),
            t("conflict.col.mine", lang),
            t("conflict.col.theirs", lang),
        ],
    )
