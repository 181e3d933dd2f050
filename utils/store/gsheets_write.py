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

Transient failures are retried a bounded number of times (backoff with jitter) within one
deadline per save — an append chunk or an update, its look-ups and reads included (30 s, see
`gsheets_api`); after that the saves stay in the queue with the reason, and the next flush tries
again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sheets_schema.tables import TAB_NAMES, TABLES, sheet_language
from sheets_schema.validate import Layout, read_layout
from utils.errors import SheetdeskError
from utils.store.base import same_moment
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
from utils.store.gsheets_sheet import SheetAccess
from utils.store.pending import PendingOp, PendingQueue, is_batch
from utils.store.reconcile import decide

APPEND_CHUNK = 2000  # rows per append request: well under Google's request size limit
WRITE_TABS = (*TAB_NAMES, "settings")  # the tabs whose records saves write (history apart)
Outcomes = dict[str, tuple[str, str]]  # op_id → ("done" | "conflict", reason)


@dataclass
class Target:
    title: str
    layout: Layout

    @property
    def first_column(self) -> int:
        """The first column with a header (0 = A)."""
        return next((i for i, h in enumerate(self.layout.headers) if h), 0)


def apply_ops(sheet: SheetAccess, queue: PendingQueue, items: list[tuple[Path, PendingOp]]) -> str:
    """Write the saves; '' when all are written, else why some are still pending."""
    if not items:
        return ""
    outcomes: Outcomes = {}
    for path in dict.fromkeys(p for p, _ in items):  # settled by an earlier flush: only their
        outcomes.update(_read_landed(path))  # history was still to be written
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
        _history(sheet.for_operation(), items, outcomes, logged)
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
    target = _target(sheet, tab, fields)
    todo = chunk
    known = sheet.cache.known_ids(tab, table.id_field)
    # tried before: it may be in the sheet; an ID typed by someone: another row may have it
    look = any(_was_sent(p) or op.record_id in known for p, op in chunk)
    attempt = 0
    while todo:
        if look:
            todo = _drop_present(sheet, tab, target, todo, outcomes)
            look = False
            if not todo:
                return
        lang = header_lang(tab, target.title, target.layout.headers) or _sheet_lang(sheet)
        rows = [_row(tab, target.layout, op.values, lang) for _, op in todo]
        # the search range for Google's table detection: A1 (so a row with empty cells is not
        # shifted right), or the first header cell when A1 is blank (else the rows would be
        # inserted above the header)
        start = target.first_column
        sent = [r[start:] for r in rows]
        for path in dict.fromkeys(p for p, _ in todo):
            _mark_sent(path)
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
            target = _target(sheet, tab, fields)
            continue
        first, landed = first_cell((reply.get("updates") or {}).get("updatedRange", ""))
        if first and landed is not None and landed != start:
            _realign(sheet, target, first, landed, start, sent)
        for k, ((_, op), cells) in enumerate(zip(todo, rows, strict=True)):
            outcomes[op.op_id] = ("done", "")
            if first:
                sheet.remember(
                    tab, op.record_id, RowRef(target.title, first + k, target.layout, list(cells))
                )
        sheet.cache.note_applied([op for _, op in todo])
        return


def _realign(
    sheet: SheetAccess,
    target: Target,
    first: int,
    landed: int,
    start: int,
    sent: list[list[object]],
) -> None:
    """Google put the new rows under a table that begins in another column (a column without
    a header but with values, left of the first header): move the cells where they belong.
    The rows are new, so the cells blanked here held only what was just written."""
    lo = min(landed, start)
    width = max(len(r) for r in sent) + abs(landed - start)
    block = [[""] * (start - lo) + r + [""] * (width - (start - lo) - len(r)) for r in sent]
    sheet.api.update(
        f"{quote_title(target.title)}!{letter(lo)}{first}:"
        f"{letter(lo + width - 1)}{first + len(sent) - 1}",
        block,
    )


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


def _row(tab: str, layout: Layout, values: dict[str, Any], lang: str = "en") -> list[object]:
    table = TABLES[tab]
    cells: dict[int, object] = {}
    for fname, value in values.items():
        i = layout.index.get(fname)
        if i is not None:
            column = table.by_field[fname]
            cells[i] = encode(value, column.kind, column.choices, lang)
    width = max((i for i, v in cells.items() if v != ""), default=-1) + 1
    return [cells.get(i, "") for i in range(width)]


# ---- updates ----
def _update(sheet: SheetAccess, tab: str, path: Path, op: PendingOp, outcomes: Outcomes) -> None:
    table = TABLES[tab]
    attempt = 0
    while True:
        ref = None if _was_sent(path) else sheet.recent(tab, op.record_id)
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
            ref = replace(ref, layout=_target(sheet, tab, set(op.values) | {table.id_field}).layout)
        lang = header_lang(tab, ref.title, ref.layout.headers) or _sheet_lang(sheet)
        cells = {
            ref.layout.index[f]: encode(v, table.by_field[f].kind, table.by_field[f].choices, lang)
            for f, v in op.values.items()
            if f in ref.layout.index
        }
        lo, hi = min(cells), max(cells)
        _mark_sent(path)
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


# ---- the change history ----
def _history_due(path: Path, op: PendingOp, outcomes: Outcomes) -> bool:
    """Whether `op`'s history rows are to be written: a register row always, a bulk load's
    summary once its file is settled, a save's once the save is in the sheet (a save set
    aside as a conflict has no history)."""
    if not op.history:
        return False
    outcome = (outcomes.get(op.op_id) or ("",))[0]
    return op.kind == "history" or outcome == "done" or (is_batch(path) and outcome != "")


def _history(
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
        due = [row for op in ops if _history_due(path, op, outcomes) for row in op.history]
        if due:
            rows += due
            paths.append(path)
    if not rows:
        return
    table = TABLES["changes"]
    target = _target(sheet, "changes", set(table.by_field))
    known = sheet.cache.known_ids("changes", table.id_field)
    look = any(_hist_sent(p).exists() for p in paths) or any(
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
        lang = header_lang("changes", target.title, target.layout.headers) or _sheet_lang(sheet)
        cells = [_row("changes", target.layout, r, lang) for r in todo]
        start = target.first_column
        sent = [r[start:] for r in cells]
        for path in paths:
            _mark(_hist_sent(path))
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
            target = _target(sheet, "changes", set(table.by_field))
            look = True
            continue
        first, landed = first_cell((reply.get("updates") or {}).get("updatedRange", ""))
        if first and landed is not None and landed != start:
            _realign(sheet, target, first, landed, start, sent)
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


def _sheet_lang(sheet: SheetAccess) -> str:
    """The spreadsheet's language: that of its tabs' titles and headers as last read (the
    metadata and the cache: no request of its own), else the one a new sheet is made in."""
    tabs = sheet.tabs()
    found = {}
    for name, props in tabs.items():
        cached = sheet.cache.header(name)
        found[name] = (str(props.get("title", "")), cached[0] if cached else [])
    return sheet_language(found) or sheet.lang


def header_lang(tab: str, title: str, header: Sequence[object]) -> str | None:
    """The language of one tab's header (its title when the header names no column)."""
    return sheet_language({tab: (title, header)})


def _tab_lang(sheet: SheetAccess, tab: str) -> str:
    """The language of a new tab (one never made, or deleted by hand): the spreadsheet's."""
    return _sheet_lang(sheet)


# ---- the tab, its header ----
def _target(sheet: SheetAccess, tab: str, fields: set[str]) -> Target:
    """The tab to write to and its header layout (from the last read when it is recent, else
    read now); a missing tab is created, missing columns are added to the header."""
    for attempt in range(2):
        info = sheet.tabs(force=attempt > 0).get(tab)
        if info is None:
            info = _add_tab(sheet, tab)
            made = "zh" if info.get("title") == TABLES[tab].zh else "en"  # as `_add_tab` made it
            header: list[object] = list(TABLES[tab].header(made))
        else:
            cached = sheet.cache.header(tab)
            if cached is not None and cached[1] < sheet.cache_seconds:
                header = cached[0]
            else:
                try:
                    got = sheet.api.batch_get([f"{quote_title(info['title'])}!1:1"])[0]
                except TabGone:
                    continue
                header = list(got[0]) if got else []
        layout = read_layout(tab, header, info["title"])[0]
        missing = [
            c for c in TABLES[tab].columns if c.field in fields and c.field not in layout.index
        ]
        if missing:
            header = _extend_header(sheet, info, header, missing)
            layout = read_layout(tab, header, info["title"])[0]
        return Target(info["title"], layout)
    raise TabGone(tab)


def _add_tab(sheet: SheetAccess, tab: str) -> dict[str, Any]:
    """The tab was deleted (or never made): create it with its header, as the local store
    does, so the save is not lost."""
    lang = _tab_lang(sheet, tab)
    header = TABLES[tab].header(lang)
    title = TABLES[tab].label(lang)
    reply = sheet.api.structure(
        [
            {
                "addSheet": {
                    "properties": {
                        "title": title,
                        "gridProperties": {
                            "frozenRowCount": 1,
                            "columnCount": max(26, len(header)),
                        },
                    }
                }
            }
        ]
    )
    sheet.cache.forget_metadata()
    sheet.api.update(f"{quote_title(title)}!A1", [list(header)])
    return reply["replies"][0]["addSheet"]["properties"]


def _extend_header(
    sheet: SheetAccess, info: dict[str, Any], header: list[object], missing: list
) -> list[object]:
    start = len(header)
    while start and (header[start - 1] is None or not str(header[start - 1]).strip()):
        start -= 1
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for h in header for ch in str(h)) else "en"
    labels = [c.label(lang) for c in missing]
    need = start + len(labels)
    columns = int((info.get("gridProperties") or {}).get("columnCount", 26))
    if need > columns:
        sheet.api.structure(
            [
                {
                    "appendDimension": {
                        "sheetId": info.get("sheetId", 0),
                        "dimension": "COLUMNS",
                        "length": need - columns,
                    }
                }
            ]
        )
        sheet.cache.forget_metadata()
    q = quote_title(info["title"])
    sheet.api.update(f"{q}!{letter(start)}1:{letter(need - 1)}1", [labels])
    sheet.cache.expire()  # the header held in the cache is out of date
    return list(header[:start]) + labels


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
        history_waits = path not in logged and any(_history_due(path, op, outcomes) for op in ops)
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
            _sent(path).unlink(missing_ok=True)
            _hist_sent(path).unlink(missing_ok=True)
            _landed(path).unlink(missing_ok=True)
            continue
        saves = [op for op in ops if op.kind != "history"]
        if saves and all(op.op_id in outcomes for op in saves):  # only the history waits
            _write_landed(path, {op.op_id: outcomes[op.op_id] for op in saves})
        if error and len(ops) == 1 and ops[0].error != error:
            queue.set_error(path, ops[0], error)  # (never on a bulk file: it holds many)


def _sent(path: Path) -> Path:
    return path.with_name(path.name + ".sent")


def _was_sent(path: Path) -> bool:
    return _sent(path).exists()


def _hist_sent(path: Path) -> Path:
    return path.with_name(path.name + ".hsent")


def _landed(path: Path) -> Path:
    return path.with_name(path.name + ".landed")


def _read_landed(path: Path) -> Outcomes:
    """What became of a queue file's saves, noted while its history waited ({} if nothing)."""
    try:
        data = json.loads(_landed(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}


def _write_landed(path: Path, outcomes: Outcomes) -> None:
    marker = _landed(path)
    tmp = marker.with_name(f".{marker.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({k: list(v) for k, v in outcomes.items()}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, marker)
    except OSError:
        pass  # without the note the saves are decided again: as before, never lost


def _mark_sent(path: Path) -> None:
    _mark(_sent(path))


def _mark(marker: Path) -> None:
    if marker.exists():
        return
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write("sent\n")
        fh.flush()
        os.fsync(fh.fileno())
