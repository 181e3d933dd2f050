"""How a pending save meets its row as the spreadsheet holds it now — one decision, used by
both backends when they write and by the overlay that shows pending saves before they are
written.

An update carries the fields it writes as the person saw them (`PendingOp.expected`). It is
applied only while every one of those cells still holds what the person saw; if a cell holds
something else — typed by hand in Excel, WPS or Google Sheets, or saved by someone else in the
app — the save is a conflict and people decide. Cells the save does not write are never
compared and never touched, so a hand edit elsewhere in the row stays. A save whose cells
already hold its values is "done" (written before a crash, or the same change made twice):
applying is idempotent without trusting `updated_at`, so two saves in the same second are never
mistaken for one.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sheets_schema.parse import comparable
from sheets_schema.tables import TABLES
from utils.store.pending import PendingOp

STAMPS = ("updated_at", "updated_by")
Decision = Literal["apply", "done", "conflict"]


def same(tab: str, field: str, a: object, b: object) -> bool:
    column = TABLES[tab].by_field.get(field)
    if column is None:
        return a == b
    x, y = comparable(column, a), comparable(column, b)
    if isinstance(x, dt.datetime) and isinstance(y, dt.datetime):
        return abs((x - y).total_seconds()) < 1
    return x == y


def changed_cells(tab: str, expected: dict, row: dict) -> list[str]:
    """The fields whose cell no longer holds what the person saw."""
    return [f for f, seen in expected.items() if not same(tab, f, row.get(f), seen)]


def decide(tab: str, op: PendingOp, row: dict | None) -> tuple[Decision, list[str]]:
    """What to do with `op` given its row now (raw cell values by field; None when the row is
    not in the sheet). Returns the decision and, for a conflict, the fields that differ."""
    id_field = TABLES[tab].id_field
    written = {f: v for f, v in op.values.items() if f not in STAMPS and f != id_field}
    if op.kind == "append":
        if row is None:
            return "apply", []
        differ = [f for f, v in written.items() if not same(tab, f, row.get(f), v)]
        return ("done", []) if not differ else ("conflict", [id_field])
    if row is None:
        return "conflict", []
    if all(same(tab, f, row.get(f), v) for f, v in written.items()):
        return "done", []
    if op.expected is None:  # a save queued by an older version: its row stamp decides
        stamp = {"updated_at": op.expected_updated_at}
        differ = changed_cells(tab, stamp, row)
    else:
        differ = changed_cells(tab, op.expected, row)
    return ("conflict", differ) if differ else ("apply", [])
