"""Writing the saves' change-history rows to the Google Sheet's `changes` tab, idempotently.

A save's change-history rows (`PendingOp.history`) go to the `changes` tab right after the
records, before any queue file is removed: once every save of a queue file is settled, the
history rows of those written (and a download register's row) are sent in one `values:append`
for the whole flush (two tabs cannot be one request). A marker `<queue file>.hsent` is written
before it is sent; when it exists — a timeout, a 5xx, a crash between the record and its history
— the `change_id` column is read first and the rows already there are left out, so a retry never
duplicates a history row, and a crash in between is completed by the next flush. A queue file is
removed only when its records and its history are both in the sheet; while its history waits,
what became of its saves is kept in `<queue file>.landed`, so the next flush writes just the
history and never decides a save again that already landed (a cell changed since by someone
else would make it look like a conflict).
"""

from __future__ import annotations

from pathlib import Path

from sheets_schema.tables import TABLES
from utils.store.gsheets_api import TabGone, Transient
from utils.store.gsheets_cells import cell_id, first_cell, letter, quote_title
from utils.store.gsheets_marks import (
    Outcomes,
    history_was_sent,
    mark_history_sent,
)
from utils.store.gsheets_sheet import SheetAccess
from utils.store.gsheets_tabs import (
    Target,
    header_lang,
    realign,
    row_cells,
    sheet_lang,
    tab_target,
)
from utils.store.pending import PendingOp, is_batch


def history_due(path: Path, op: PendingOp, outcomes: Outcomes) -> bool:
    """Whether `op`'s history rows are to be written: a register row always, a bulk load's
    summary once its file is settled, a save's once the save is in the sheet (a save set
    aside as a conflict has no history)."""
    if not op.history:
        return False
    outcome = (outcomes.get(op.op_id) or ("",))[0]
    return op.kind == "history" or outcome == "done" or (is_batch(path) and outcome != "")


def write_history(
    sheet: SheetAccess, items: list[tuple[Path, PendingOp]], outcomes: Outcomes, logged: set[Path]
) -> None:
    """Append the history rows of every queue file whose saves are all settled, in one
    request, idempotently by change ID (see the module's docstring)."""
    groups: dict[Path, list[PendingOp]] = {}
    for path, op in items:
        groups.setdefault(path, []).append(op)
    rows: list[dict] = []
    paths: list[Path] = []
    for path, ops in groups.items():
        if any(op.op_id not in outcomes for op in ops if op.kind != "history"):
            continue  # a save of this file is still waiting: so is its history
        due = [row for op in ops if history_due(path, op, outcomes) for row in op.history]
        if due:
            rows += due
            paths.append(path)
    if not rows:
        return
    table = TABLES["changes"]
    target = tab_target(sheet, "changes", set(table.by_field))
    known = sheet.cache.known_ids("changes", table.id_field)
    look = any(history_was_sent(p) for p in paths) or any(
        str(r["change_id"]) in known for r in rows
    )
    attempt = 0
    todo = rows
    while True:
        if look:
            todo = _absent(sheet, target, todo)
            look = False
        if not todo:
            break
        lang = header_lang("changes", target.title, target.layout.headers) or sheet_lang(sheet)
        cells = [row_cells("changes", target.layout, r, lang) for r in todo]
        start = target.first_column
        sent = [r[start:] for r in cells]
        for path in paths:
            mark_history_sent(path)
        try:
            reply = sheet.api.append(f"{quote_title(target.title)}!{letter(start)}1", sent)
        except Transient as exc:
            attempt += 1
            if not sheet.api.retry_wait(attempt):
                raise
            look = exc.ambiguous  # it may have landed: look before appending again
            continue
        except TabGone:
            attempt += 1
            if not sheet.api.retry_wait(attempt, backoff=False):
                raise
            sheet.cache.forget_metadata()
            target = tab_target(sheet, "changes", set(table.by_field))
            look = True
            continue
        first, landed = first_cell((reply.get("updates") or {}).get("updatedRange", ""))
        if first and landed is not None and landed != start:
            realign(sheet, target, first, landed, start, sent)
        sheet.cache.note_applied(
            [PendingOp("append", "changes", str(r["change_id"]), r) for r in todo]
        )
        break
    for op in (op for path in paths for op in groups[path] if op.kind == "history"):
        outcomes[op.op_id] = ("done", "")
    logged.update(paths)


def _absent(sheet: SheetAccess, target: Target, rows: list[dict]) -> list[dict]:
    """The history rows whose change ID is not in the tab yet (one read of that column)."""
    index = target.layout.index[TABLES["changes"].id_field]
    column = letter(index)
    got = sheet.api.batch_get([f"{quote_title(target.title)}!{column}:{column}"])[0]
    there = {cell_id(r[0]) for n, r in enumerate(got) if n and r}
    return [r for r in rows if str(r["change_id"]) not in there]
