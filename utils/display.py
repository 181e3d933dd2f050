"""Frames made for people: choice values shown as their labels, headers as column labels.
Pure pandas; pages show what these return."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sheets_schema.tables import TABLES


def labelled(
    tab: str, frame: pd.DataFrame, lang: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """`frame` (a tab's records) with choice values replaced by their labels in `lang` and the
    columns renamed to their labels. `columns` picks and orders the fields to show."""
    table = TABLES[tab]
    fields = [c for c in (columns or [c.field for c in table.columns]) if c in frame.columns]
    out = frame[fields].copy()
    for name in fields:
        column = table.by_field.get(name)
        if column is not None and column.choices is not None:
            out[name] = out[name].map(column.choices.labels(lang)).fillna(out[name])
    return out.rename(
        columns={
            name: table.by_field[name].label(lang) for name in fields if name in table.by_field
        }
    )


def choice_label(tab: str, field: str, value: str, lang: str) -> str:
    column = TABLES[tab].by_field[field]
    return column.choices.label(value, lang) if column.choices else value
