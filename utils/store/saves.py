"""A person's save made into a pending save (`PendingOp`), before the store queues it.

- a new record (`new_record_op`): validated, given its stamps, blank fields left out, with its
  change-history rows; a bulk load (`bulk_ops`): every valid record, one summary row;
- a change (`checked_changes`, `update_op`): the fields it writes validated alone and in the
  merged record, refused with `ConflictError` when a cell it writes no longer holds what the
  person saw; its stamp only ever moves forward; it carries the cells as they were seen, for
  the check made again when it is written (`reconcile.decide`);
- a download or report register (`export_op`): one history row, no record.

`lang` gives the language to write the history rows in; it is asked only once the save is
valid (it may read the spreadsheet). What a save returns is a `SaveResult`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sheets_schema.parse import parse_datetime
from sheets_schema.problems import Problem
from sheets_schema.tables import TABLES
from sheets_schema.validate import validate_record
from utils import history as hist
from utils.errors import ConflictError, InvalidRecord
from utils.store.ids import new_id
from utils.store.pending import PendingOp
from utils.store.reconcile import STAMPS, changed_cells


@dataclass
class SaveResult:
    tab: str
    record_id: str
    record: dict
    pending: bool  # True: kept in the pending queue, not in the spreadsheet yet
    error: str = ""  # why it is pending, in English (pages show their own words)


def same_moment(a: object, b: object) -> bool:
    """updated_at equality, to the second; both blank counts as equal."""
    a = a if isinstance(a, dt.datetime) or a is None else parse_datetime(a)
    b = b if isinstance(b, dt.datetime) or b is None else parse_datetime(b)
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).total_seconds()) < 1


def tab_fields(tab: str, record: dict) -> dict:
    """The record's values for the tab's columns (anything else left out)."""
    table = TABLES[tab]
    return {k: v for k, v in record.items() if k in table.by_field}


def new_record_op(
    tab: str, record: dict, *, user: str, at: dt.datetime, lang: Callable[[], str]
) -> PendingOp:
    """A new record's pending save (`record` holds its ID), stamped `at` by `user`, with its
    history rows. Raises `InvalidRecord`."""
    table = TABLES[tab]
    record = {**record, "updated_at": at, "updated_by": user}
    clean, problems = validate_record(tab, record)
    if problems:
        raise InvalidRecord(problems)
    clean = {k: v for k, v in clean.items() if v is not None}
    op = PendingOp("append", tab, clean[table.id_field], clean)
    op.history = hist.create_rows(
        tab,
        clean,
        op_id=op.op_id,
        user=user,
        at=record["updated_at"],
        lang=lang(),
    )
    return op


def bulk_ops(
    tab: str,
    records: list[dict],
    *,
    user: str,
    stamp: dt.datetime,
    taken: set[str],
    lang: Callable[[], str],
) -> tuple[list[PendingOp], list[tuple[int, list[Problem]]]]:
    """A bulk load's pending saves: every valid record (an ID drawn for those without one,
    not among `taken`, to which the IDs used are added; stamped `stamp` by `user` unless
    stamped already), the first carrying one summary history row for the batch. Returns the
    saves and [(index, problems)] of the records refused."""
    table = TABLES[tab]
    ops: list[PendingOp] = []
    refused: list[tuple[int, list[Problem]]] = []
    for n, record in enumerate(records):
        record = tab_fields(tab, record)
        if not record.get(table.id_field):
            record[table.id_field] = new_id(table.id_prefix, taken, stamp.date())
        record.setdefault("updated_at", stamp)
        record.setdefault("updated_by", user)
        clean, problems = validate_record(tab, record)
        if problems:
            refused.append((n, problems))
            continue
        taken.add(clean[table.id_field])
        clean = {k: v for k, v in clean.items() if v is not None}
        ops.append(PendingOp("append", tab, clean[table.id_field], clean))
    if ops:  # one summary row for the batch, carried by its first save
        ops[0].history = [
            hist.bulk_row(
                tab,
                len(ops),
                op_id=ops[0].op_id,
                user=user,
                at=stamp,
                lang=lang(),
            )
        ]
    return ops, refused


def checked_changes(
    tab: str, record_id: str, changes: dict, current: dict, *, seen: dict, force: bool
) -> tuple[dict, list[str]]:
    """The changes to the record `current` (as it is now) that a save writes, validated, and
    the fields it writes (stamps apart). The ID and `updated_at` cannot be changed. Raises
    `InvalidRecord`, and `ConflictError` when a cell it writes no longer holds what the person
    saw (`seen`) — unless `force`."""
    table = TABLES[tab]
    changes = {
        k: v
        for k, v in changes.items()
        if k in table.by_field and k not in (table.id_field, "updated_at")
    }
    clean, problems = validate_record(tab, changes, partial=True)
    if problems:
        raise InvalidRecord(problems)
    merged = {**current, **clean}
    _, problems = validate_record(tab, merged)
    if problems:
        raise InvalidRecord(problems)
    written = [f for f in clean if f not in STAMPS]
    seen_cells = {f: seen.get(f) for f in written}
    if not force and changed_cells(tab, seen_cells, current):
        raise ConflictError(tab, record_id, mine={**seen, **clean}, theirs=current)
    return clean, written


def update_op(
    tab: str,
    record_id: str,
    current: dict,
    clean: dict,
    written: list[str],
    *,
    user: str,
    now: dt.datetime,
    lang: Callable[[], str],
) -> PendingOp:
    """The pending save of the checked changes `clean` (see `checked_changes`) to the record
    `current`, stamped `now` by `user` — or a second after its stamp, which only ever moves
    forward — with its history rows."""
    before = current.get("updated_at")
    before = before if isinstance(before, dt.datetime) else None
    stamp = now
    if before is not None and stamp <= before:
        stamp = before + dt.timedelta(seconds=1)  # stamps only ever move forward
    values = {**clean, "updated_at": stamp, "updated_by": user}
    op = PendingOp(
        "update",
        tab,
        record_id,
        values,
        expected_updated_at=before,
        expected={f: current.get(f) for f in written},
    )
    op.history = hist.update_rows(
        tab,
        record_id,
        current,
        {f: clean[f] for f in written},
        op_id=op.op_id,
        user=user,
        at=stamp,
        lang=lang(),
    )
    return op


def export_op(
    what: str,
    rows: int,
    *,
    user: str,
    at: dt.datetime,
    lang: Callable[[], str],
    note: str,
    kind: str | None,
) -> PendingOp:
    """A register of data taken out of the app (see `Store.record_export`): one history row,
    whose change ID is the save's record ID."""
    op = PendingOp("history", "changes", "", {})
    op.history = [
        hist.export_row(
            what,
            rows,
            op_id=op.op_id,
            user=user,
            at=at,
            lang=lang(),
            note=note,
            kind=kind,
        )
    ]
    op.record_id = op.history[0]["change_id"]
    return op
