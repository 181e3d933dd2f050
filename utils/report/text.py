"""How a value is written in the report, as plain text (escaping is the template's job): moments
to the minute, field and choice labels, shares and scores, clients' names, a table of records."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sheets_schema.tables import TABLES
from utils import charts as ch
from utils.metrics.prepare import conform


def when(value: Any) -> str:
    """A moment to the minute (`2026-10-05 09:30`); blank when missing."""
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def field_label(tab: str, name: str, lang: str) -> str:
    """The column label of a field of `tab` in `lang`."""
    return TABLES[tab].by_field[name].label(lang)


def choice_label(dimension: str, value: Any, lang: str) -> str:
    """A choice value (a category, severity …) as its label in `lang`."""
    return ch.label_of(dimension, "" if value is None else str(value), lang)


def share(value: Any) -> str:
    """A share as a percentage with one decimal (`42.5%`); "—" when missing."""
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def score(value: Any) -> str:
    """A score with two decimals; "—" when missing."""
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


def client_names(clients: pd.DataFrame | None) -> pd.Series:
    """Clients' names by client_id."""
    cl = conform(clients, "clients").drop_duplicates("client_id")
    return cl.set_index("client_id")["name"]


def record_table(tab: str, frame: pd.DataFrame, fields: list[str], lang: str) -> dict[str, Any]:
    """A table of records for the template: labelled headers, choice labels, date-times to
    the minute; `client_name` (clients' name label) where asked for."""
    heads, columns = [], []
    for f in fields:
        if f == "client_name":
            heads.append(field_label("clients", "name", lang))
        else:
            heads.append(field_label(tab, f, lang))
        columns.append(f)
    rows = []
    for r in frame[columns].itertuples(index=False):
        cells = []
        for f, v in zip(columns, r, strict=True):
            column = TABLES[tab].by_field.get(f)
            if isinstance(v, pd.Timestamp) or (column is not None and column.kind == "datetime"):
                cells.append(when(v))
            elif column is not None and column.choices is not None:
                cells.append(column.choices.label(str(v or ""), lang) if v else "")
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                cells.append("")
            else:
                cells.append(str(v))
        rows.append(cells)
    return {"columns": heads, "rows": rows}
