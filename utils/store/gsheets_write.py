"""Writing the pending saves to the Google Sheet, idempotently.

`apply_ops(sheet, queue, items)` writes the queue's saves in order, tab by tab, through `sheet`
(a `SheetAccess`: the requests, the cache, the tab layout) and settles them in `queue`:

- a run of appends is one `values:append` request (RAW, INSERT_ROWS, `'Tab'!A1`; bulk loads in
  chunks of `APPEND_CHUNK` rows), laid out by the tab's header (reordered or extra columns are
  fine; a missing column is added to the header first);
- an update is one read of the row (or none, when the conflict check read it a moment ago) and
  one write of the cells it changes, the cells in between sent as null (left as they are).

Before a request is sent, a marker `<queue file>.sent` is written beside the queue file. When a
save whose marker exists is written again — after a timeout, a 5xx, a crash — its IDs are looked
up first (so is an ID the last read saw in the tab: one typed by someone): an append whose ID
is in the tab with the save's `updated_at` and `updated_by` is already there; an update is
settled by `reconcile.decide` against the row as it is now (already there when its cells hold
the save's values; a conflict when a cell it writes no longer holds what the person saw — a
hand edit in the browser included). So a save is applied once, however often it is tried, and
never over a change made meanwhile: that sends the save to the queue's conflicts, for a person
to decide.

A save's change-history rows (`PendingOp.history`) go to the `changes` tab right after the
records, before any queue file is removed (`gsheets_history`); a queue file is removed only when
its records and its history are both in the sheet, and its marks with it (`gsheets_marks`).

Transient failures are retried a bounded number of times (backoff with jitter) within one
deadline per save — an append chunk or an update, its look-ups and reads included (30 s, see
`gsheets_api`); after that the saves stay in the queue with the reason, and the next flush tries
again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sheets_schema.tables import TAB_NAMES, TABLES
from utils.errors import SheetdeskError
from utils.store.gsheets_api import OutOfGrid, TabGone, Transient
from utils.store.gsheets_cells import (
    RowRef,
    cell_id,
    encode,
    first_cell,
    letter,
    moment,
    quote_title,
)
from utils.store.gsheets_history import history_due, write_history
from utils.store.gsheets_marks import (
    Outcomes,
    mark_sent,
    read_landed,
    remove_marks,
    was_sent,
    write_landed,
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
from utils.store.pending import PendingOp, PendingQueue
from utils.store.reconcile import decide
from utils.store.saves import same_moment

APPEND_CHUNK = 2000  # rows per append request: well under Google's request size limit
WRITE_TABS = (*TAB_NAMES, "settings")  # the tabs whose records saves write (history apart)


def apply_ops(sheet: SheetAccess, queue: PendingQueue, items: list[tuple[Path, PendingOp]]) -> str:
    """Write the saves; '' when all are written, else why some are still pending."""
    if not items:
        return ""
    outcomes: Outcomes = {}
    for path in dict.fromkeys(p for p, _ in items):  # settled by an earlier flush: only their
        outcomes.update(read_landed(path))  # history was still to be written
    logged: set[Path] = set()  # queue files whose history rows are in the sheet
    error = ""
    try:
        for tab in WRITE_TABS:
            ops = [
                (p, op)
                for p, op in items
                if op.tab == tab and op.kind != "history" and op.op_id not in outcomes
            ]
            k = 0
            while k < len(ops):
                if ops[k][1].kind == "append":
                    j = k
                    while j < len(ops) and ops[j][1].kind == "append" and j - k < APPEND_CHUNK:
                        j += 1
                    _append(sheet.for_operation(), tab, ops[k:j], outcomes)
                    k = j
                else:
                    _update(sheet.for_operation(), tab, ops[k][0], ops[k][1], outcomes)
                    k += 1
        write_history(sheet.for_operation(), items, outcomes, logged)
    except Transient as exc:
        error = f"Google Sheets cannot be reached: {exc.reason}"
    except SheetdeskError as exc:
        error = exc.message("en")
    except (TabGone, OutOfGrid) as exc:  # a tab was deleted or renamed again and again
        sheet.cache.forget_metadata()
        error = f"the spreadsheet's tabs changed while saving ({exc})"
    _settle(queue, items, outcomes, error, logged)
    return error


# ---- appends ----
def _append(
    sheet: SheetAccess, tab: str, chunk: list[tuple[Path, PendingOp]], outcomes: Outcomes
) -> None:
    table = TABLES[tab]
    fields = {f for _, op in chunk for f in op.values} | {table.id_field, "updated_at"}
    target = tab_target(sheet, tab, fields)
    todo = chunk
    known = sheet.cache.known_ids(tab, table.id_field)
    # tried before: it may be in the sheet; an ID typed by someone: another row may have it
    look = any(was_sent(p) or op.record_id in known for p, op in chunk)
    attempt = 0
    while todo:
        if look:
            todo = _drop_present(sheet, tab, target, todo, outcomes)
            look = False
            if not todo:
                return
        lang = header_lang(tab, target.title, target.layout.headers) or sheet_lang(sheet)
        rows = [row_cells(tab, target.layout, op.values, lang) for _, op in todo]
        # the search range for Google's table detection: A1 (so a row with empty cells is not
        # shifted right), or the first header cell when A1 is blank (else the rows would be
        # inserted above the header)
        start = target.first_column
        sent = [r[start:] for r in rows]
        for path in dict.fromkeys(p for p, _ in todo):
            mark_sent(path)
        try:
            reply = sheet.api.append(f"{quote_title(target.title)}!{letter(start)}1", sent)
        except Transient as exc:
            attempt += 1
            if not sheet.api.retry_wait(attempt):
                raise
            look = exc.ambiguous  # a timeout or 5xx may have landed: look before appending
            continue
        except TabGone:
            attempt += 1
            if not sheet.api.retry_wait(attempt, backoff=False):
                raise
            sheet.cache.forget_metadata()
            target = tab_target(sheet, tab, fields)
            continue
        first, landed = first_cell((reply.get("updates") or {}).get("updatedRange", ""))
        if first and landed is not None and landed != start:
            realign(sheet, target, first, landed, start, sent)
        for k, ((_, op), cells) in enumerate(zip(todo, rows, strict=True)):
            outcomes[op.op_id] = ("done", "")
            if first:
                sheet.remember(
                    tab, op.record_id, RowRef(target.title, first + k, target.layout, list(cells))
                )
        sheet.cache.note_applied([op for _, op in todo])
        return


def _drop_present(
    sheet: SheetAccess,
    tab: str,
    target: Target,
    todo: list[tuple[Path, PendingOp]],
    outcomes: Outcomes,
) -> list:
    """Look the IDs up (one read: the ID, updated_at and updated_by columns); keep the saves
    that are not there. A row with the save's ID, stamp and author is the save itself."""
    index = target.layout.index
    q = quote_title(target.title)
    wanted = [TABLES[tab].id_field, "updated_at", "updated_by"]
    columns = [f for f in wanted if f in index]
    got = dict(
        zip(
            columns,
            sheet.api.batch_get([f"{q}!{letter(index[f])}:{letter(index[f])}" for f in columns]),
            strict=True,
        )
    )

    def cell(fname: str, n: int) -> object:
        rows = got.get(fname) or []
        return rows[n][0] if n < len(rows) and rows[n] else None

    found: dict[str, tuple[object, str]] = {}
    for n, row in enumerate(got[TABLES[tab].id_field]):
        value = cell_id(row[0]) if n and row else None
        if value and value not in found:
            found[value] = (moment(cell("updated_at", n)), str(cell("updated_by", n) or ""))
    still, present = [], []
    for path, op in todo:
        if op.record_id not in found:
            still.append((path, op))
            continue
        stamp, author = found[op.record_id]
        if same_moment(stamp, op.values.get("updated_at")) and author == str(
            op.values.get("updated_by") or ""
        ):
            outcomes[op.op_id] = ("done", "")  # it landed the last time
            present.append(op)
        else:
            outcomes[op.op_id] = ("conflict", "another row already has this ID")
    sheet.cache.note_applied(present)
    return still


# ---- updates ----
def _update(sheet: SheetAccess, tab: str, path: Path, op: PendingOp, outcomes: Outcomes) -> None:
    table = TABLES[tab]
    attempt = 0
    while True:
        ref = None if was_sent(path) else sheet.recent(tab, op.record_id)
        sent = None
        if ref is None:
            sent = sheet.now()
            ref = sheet.locate(tab, op.record_id)
        if ref is None:
            outcomes[op.op_id] = ("conflict", "the row is no longer in the spreadsheet")
            return
        current = {
            f: ref.cells[i] if i < len(ref.cells) else None for f, i in ref.layout.index.items()
        }
        decision, fields = decide(tab, op, current)
        if decision == "done":
            outcomes[op.op_id] = ("done", "")  # already written
            if sent is not None:  # read just now: the row as it is, with this save in it
                sheet.remember(tab, op.record_id, ref, seen_at=sent)
            sheet.cache.note_applied([op])
            return
        if decision == "conflict":
            reason = "changed in the spreadsheet meanwhile: " + ", ".join(fields)
            outcomes[op.op_id] = ("conflict", reason)
            return
        missing = [f for f in op.values if f not in ref.layout.index]
        if missing:
            ref = replace(
                ref, layout=tab_target(sheet, tab, set(op.values) | {table.id_field}).layout
            )
        lang = header_lang(tab, ref.title, ref.layout.headers) or sheet_lang(sheet)
        cells = {
            ref.layout.index[f]: encode(v, table.by_field[f].kind, table.by_field[f].choices, lang)
            for f, v in op.values.items()
            if f in ref.layout.index
        }
        lo, hi = min(cells), max(cells)
        mark_sent(path)
        try:
            sheet.api.update(
                f"{quote_title(ref.title)}!{letter(lo)}{ref.number}:{letter(hi)}{ref.number}",
                [[cells.get(i) for i in range(lo, hi + 1)]],
            )
        except (Transient, TabGone) as exc:
            attempt += 1
            if not sheet.api.retry_wait(attempt):
                raise
            if isinstance(exc, TabGone):
                sheet.cache.forget_metadata()
            continue  # the marker is set: the row is read again before writing again
        outcomes[op.op_id] = ("done", "")
        row = list(ref.cells) + [""] * (hi + 1 - len(ref.cells))
        for i, v in cells.items():
            row[i] = v
        sheet.remember(tab, op.record_id, replace(ref, cells=row))
        sheet.cache.note_applied([op])
        return


# ---- the queue files ----
def _settle(
    queue: PendingQueue,
    items: list[tuple[Path, PendingOp]],
    outcomes: Outcomes,
    error: str,
    logged: set[Path],
) -> None:
    """Remove the queue files whose saves and history rows are all in the sheet (moving the
    saves that turned out to be conflicts aside); note why the others still wait."""
    groups: dict[Path, list[PendingOp]] = {}
    for path, op in items:
        groups.setdefault(path, []).append(op)
    for path, ops in groups.items():
        results = [outcomes.get(op.op_id) for op in ops]
        history_waits = path not in logged and any(history_due(path, op, outcomes) for op in ops)
        if all(r is not None for r in results) and not history_waits:
            for op, result in zip(ops, results, strict=True):
                assert result is not None
                if result[0] == "conflict":
                    # one conflict file per save, also for a bulk file of many saves
                    where = (
                        path if len(ops) == 1 else path.with_name(f"{path.stem}-{op.op_id}.json")
                    )
                    queue.to_conflicts(where, op, result[1])
            queue.done(path)
            remove_marks(path)
            continue
        saves = [op for op in ops if op.kind != "history"]
        if saves and all(op.op_id in outcomes for op in saves):  # only the history waits
            write_landed(path, {op.op_id: outcomes[op.op_id] for op in saves})
        if error and len(ops) == 1 and ops[0].error != error:
            queue.set_error(path, ops[0], error)  # (never on a bulk file: it holds many)
