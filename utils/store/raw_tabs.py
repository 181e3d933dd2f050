"""The spreadsheet's cells as read (`RawTabs`), made into what a snapshot holds.

- `validate_tabs` validates each tab with the pending saves laid over its cells (`overlay`:
  updates replace cells of their row, appends are added at the end, where they will land; a
  save that would conflict shows the sheet's version), then checks the references between the
  tabs, the complaints' levels and the settings values;
- `history_of` prepares the change history (its cells and the waiting saves' history rows) for
  validation on first use (`utils.store.lazy_history`);
- `raw_lang` is the language the tabs' titles and headers are in; `pending_ids` the records
  with a save waiting; `parse_row` one row's raw cells parsed by column.
"""

from __future__ import annotations

from collections.abc import Sequence

from sheets_schema.parse import parser_for
from sheets_schema.problems import Problem
from sheets_schema.tables import (
    ALL_TAB_NAMES,
    SYSTEM_TAB_NAMES,
    TAB_NAMES,
    TABLES,
    sheet_language,
)
from sheets_schema.validate import TabResult, check_references, read_layout, validate_rows
from utils.policy_checks import level_problems
from utils.settings_sheet import sheet_problems
from utils.store.lazy_history import LazyHistory
from utils.store.pending import PendingOp
from utils.store.reconcile import decide

RawTabs = dict[str, tuple[str, list[list[object]]]]  # tab → (sheet title, rows incl. header)


def validate_tabs(raw: RawTabs, ops: list[PendingOp]) -> tuple[dict[str, TabResult], list[Problem]]:
    """Every tab but the change history validated, the pending saves `ops` laid over its
    cells; and all the problems found — in the tabs, between them, and by the reader itself."""
    results: dict[str, TabResult] = {}
    rows: Sequence[Sequence[object]]
    for tab in ALL_TAB_NAMES:
        if tab == "changes":
            continue  # validated on first use (`history_of`)
        title, rows = raw.get(tab, (TABLES[tab].en, []))
        tab_ops = [op for op in ops if op.tab == tab]
        if not rows and (tab_ops or not raw or tab in SYSTEM_TAB_NAMES):
            # nothing created yet (a new workbook; an older one without the app's own
            # tabs, made on the first write): an empty tab, not a problem
            rows = [TABLES[tab].header("en")]
        if tab_ops:
            rows = overlay(tab, rows, tab_ops)
        results[tab] = validate_rows(tab, rows, title)
    problems = [p for r in results.values() for p in r.problems]
    problems += check_references(results)
    problems += level_problems(results["complaints"].frame, results["complaints"].layout)
    settings = results["settings"]
    problems += sheet_problems(settings.frame, settings.layout)
    problems += getattr(raw, "problems", [])  # what the reader itself found (far cells)
    return results, problems


def parse_row(tab: str, raw: dict) -> dict:
    """One row's raw cell values by field, parsed by column (a cell that does not parse is
    kept as it is)."""
    out = {}
    for c in TABLES[tab].columns:
        try:
            out[c.field] = parser_for(c)(raw.get(c.field))
        except ValueError:
            out[c.field] = raw.get(c.field)
    return out


def raw_lang(raw: RawTabs) -> str | None:
    """The language of the tabs as read (`sheet_language` of their titles and header rows)."""
    return sheet_language({t: (title, rows[0] if rows else []) for t, (title, rows) in raw.items()})


def pending_ids(ops: list[PendingOp]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {t: set() for t in ALL_TAB_NAMES}
    for op in ops:
        out.setdefault(op.tab, set()).add(op.record_id)
    return out


def history_ops(ops: Sequence[PendingOp]) -> list[PendingOp]:
    """The pending saves' history rows as appends to the `changes` tab (for `overlay`)."""
    return [
        PendingOp("append", "changes", str(row["change_id"]), row, op_id=op.op_id)
        for op in ops
        for row in op.history
    ]


def history_of(raw: RawTabs, results: dict[str, TabResult], ops: list[PendingOp]) -> LazyHistory:
    """The change history of a snapshot, to be validated on first use: its cells as read, the
    waiting saves' history rows, and the IDs each data tab holds now (for the records the app
    saved that are gone: rows left out for bad cells still count as there)."""
    title, rows = raw.get("changes", (TABLES["changes"].en, []))
    pending = history_ops(ops)
    present: dict[str, object] = {}
    skip = set()
    for tab in TAB_NAMES:
        result = results.get(tab)
        if result is None or result.layout is None or tab not in raw or not raw[tab][1]:
            skip.add(tab)
            continue
        index = result.layout.index.get(TABLES[tab].id_field)
        if index is None:
            skip.add(tab)
            continue
        ids: object = result.frame[TABLES[tab].id_field]
        if any(p.level == "error" and p.row for p in result.problems):  # rows left out for
            ids = {  # bad cells are still in the sheet
                str(r[index]).strip()
                for r in raw[tab][1][1:]
                if index < len(r) and r[index] not in (None, "")
            }
        present[tab] = ids
    if not rows and not pending:
        return LazyHistory.of(title, [], present, skip)
    return LazyHistory.of(
        title,
        rows,
        present,
        skip,
        overlay=(lambda cells: overlay("changes", cells, pending)) if pending else None,
    )


def overlay(tab: str, rows: Sequence[Sequence[object]], ops: Sequence[PendingOp]) -> list:
    """The tab's rows with pending saves laid over them: updates replace cells of the row with
    that ID, appends are added at the end (where they will land)."""
    layout, _ = read_layout(tab, rows[0], tab)
    id_index = layout.index.get(TABLES[tab].id_field)
    if id_index is None:
        return list(rows)
    out = [list(r) for r in rows]
    width = len(rows[0])
    where: dict[str, int] = {}
    for pos, row in enumerate(out[1:], start=1):
        if id_index < len(row) and row[id_index] not in (None, ""):
            where.setdefault(str(row[id_index]).strip(), pos)
    for op in ops:
        n = where.get(op.record_id)
        if op.kind == "append" and n is None:
            out.append([None] * width)
            n = len(out) - 1
            where[op.record_id] = n
        elif n is None:
            continue
        row = out[n]
        row.extend([None] * (width - len(row)))
        if op.kind == "update":
            cells = {f: row[i] for f, i in layout.index.items()}
            if decide(tab, op, cells)[0] == "conflict":
                continue  # would conflict when applied: show the sheet's version
        for fname, value in op.values.items():
            i = layout.index.get(fname)
            if i is not None:
                row[i] = value
    return out
