"""Laying the pending saves on a local workbook's tabs, in the open workbook (`xlsx_patch`: only
the rows it changes are edited, at the XML level; the store saves and replaces the file).

- `apply_ops`: one tab's saves in order — new rows added in one edit at the end, updates made
  in place when `reconcile.decide` says so; conflicts and saves that cannot be written set
  aside with why, saves already there (written before a crash) noted;
- `append_history`: the saves' history rows added to the `changes` tab, a change ID already
  there left out;
- `record_cells`: a record's cells and their styles — a cell keeps the style of the cell above
  (or its own), dates get a date format, a choice is written as its label in the tab's language.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheets_schema.columns import CHOICE, DATE, DATETIME
from sheets_schema.tables import TABLES
from sheets_schema.validate import read_layout
from utils.store.local_tabs import add_missing_headers, find_row, looks_chinese, tab_lang
from utils.store.pending import PendingOp
from utils.store.reconcile import decide
from utils.store.xlsx_patch import XlsxError, XlsxWorkbook, from_serial


def apply_ops(
    wb: XlsxWorkbook,
    title: str,
    tab: str,
    ops: list[tuple[Path, PendingOp]],
    styles: tuple[str, str],
    *,
    lang: str = "en",
) -> tuple[list[tuple[Path, PendingOp, str]], set[str]]:
    """Apply one tab's saves in order: new rows are added in one edit at the end, updates
    change their row in place when `reconcile.decide` says so. Returns the saves set aside,
    with why: a conflict, or a save that could not be written (the others go on); and the
    op IDs of the saves already in the tab (nothing to write). Choice cells are written as
    their labels in the language of the tab's header (else `lang`)."""
    table = TABLES[tab]
    add_missing_headers(wb, title, tab, "zh" if looks_chinese(wb.header(title)) else "en")
    lang = tab_lang(wb, title, tab, lang)
    layout, _ = read_layout(tab, wb.header(title), title)
    sheet = wb.sheet(title)
    id_index = layout.index[table.id_field]
    rows_by_id = {op.record_id: find_row(wb, sheet, id_index, op.record_id) for _, op in ops}
    first_new = sheet.last_data_row() + 1
    above = sheet.row_cells(first_new - 1) if first_new > 2 else {}
    new_rows: dict[str, dict[int, object]] = {}
    new_styles: dict[int, str] = {}
    failed = []
    done: set[str] = set()
    for path, op in ops:
        try:
            if op.record_id in new_rows:  # an append, or an update of a row added in this write
                if op.kind == "update":
                    cells, _ = record_cells(table, layout.index, op.values, above, styles, lang)
                    new_rows[op.record_id].update(cells)
                continue
            number = rows_by_id.get(op.record_id)
            row = _row_values(wb, sheet.row_cells(number), layout.index, table) if number else None
            decision, fields = decide(tab, op, row)
            if decision == "done":
                done.add(op.op_id)
                continue
            if decision == "conflict":
                failed.append((path, op, _conflict_reason(op, fields)))
                continue
            if op.kind == "append":
                cells, cell_styles = record_cells(
                    table, layout.index, op.values, above, styles, lang
                )
                new_rows[op.record_id] = cells
                new_styles.update(cell_styles)
            else:
                if number is None:  # `decide` calls an update of a missing row a conflict
                    raise KeyError(op.record_id)
                model = sheet.row_cells(number)
                cells, cell_styles = record_cells(
                    table, layout.index, op.values, model, styles, lang
                )
                sheet.set_row(number, cells, cell_styles)
        except (ValueError, TypeError, KeyError, XlsxError) as exc:
            failed.append((path, op, f"could not be written: {exc}"))
    sheet.append_rows(first_new, list(new_rows.values()), new_styles)
    return failed, done


def append_history(
    wb: XlsxWorkbook, title: str, rows: list[dict], check: set[str], default_lang: str
) -> None:
    """Add history rows at the end of the `changes` tab `title`, leaving out those in `check`
    whose change ID is in the tab already. Raises XlsxError, ValueError or KeyError when the
    tab cannot be edited."""
    table = TABLES["changes"]
    header = wb.header(title)
    add_missing_headers(wb, title, "changes", "zh" if looks_chinese(header) else "en")
    lang = tab_lang(wb, title, "changes", default_lang)
    layout, _ = read_layout("changes", wb.header(title), title)
    sheet = wb.sheet(title)
    id_index = layout.index[table.id_field]
    there = {c for c in check if find_row(wb, sheet, id_index, c) is not None}
    first_new = sheet.last_data_row() + 1
    above = sheet.row_cells(first_new - 1) if first_new > 2 else {}
    styles = wb.date_styles()
    new_rows: list[dict[int, object]] = []
    new_styles: dict[int, str] = {}
    for row in rows:
        if str(row["change_id"]) in there:
            continue
        there.add(str(row["change_id"]))
        cells, cell_styles = record_cells(table, layout.index, row, above, styles, lang)
        new_rows.append(cells)
        new_styles.update(cell_styles)
    sheet.append_rows(first_new, new_rows, new_styles)


def _row_values(wb: XlsxWorkbook, cells: dict, index: dict[str, int], table) -> dict:
    """A row's raw values by field (date serials as datetimes), for `reconcile.decide`."""
    out = {}
    for fname, i in index.items():
        value = wb.cell_value(cells.get(i))
        if table.by_field[fname].kind in (DATE, DATETIME) and isinstance(value, float):
            try:
                value = from_serial(value)
            except (OverflowError, ValueError):
                pass  # an absurd serial: compared as the number it is
        out[fname] = value
    return out


def _conflict_reason(op: PendingOp, fields: list[str]) -> str:
    if op.kind == "append":
        return "another record already has this ID"
    if not fields:
        return "the row is no longer in the workbook"
    return "changed in the workbook meanwhile: " + ", ".join(fields)


def record_cells(table, index, values, model_row, styles, lang="en"):
    """Column index → value for one record, and the styles to give the cells: a cell keeps
    the style of `model_row`'s cell in its column (the row above, or the row itself) so
    colours and fonts carry on; dates get a date format unless that cell already has one; a
    choice is written as its label in `lang` (`来访`, `Walk-in`), as people read it."""
    date_style, dt_style = styles
    cells: dict[int, object] = {}
    cell_styles: dict[int, str] = {}
    for fname, value in values.items():
        i = index.get(fname)
        if i is None:
            continue
        column = table.by_field[fname]
        kind = column.kind
        model = model_row.get(i)
        if kind == CHOICE and column.choices is not None and isinstance(value, str):
            value = column.choices.label(value, lang)
        if kind in (DATE, DATETIME) and isinstance(value, dt.date):
            if kind == DATE and isinstance(value, dt.datetime):
                value = value.date()
            numeric = model is not None and model.type == "n" and model.inner and model.style
            cell_styles[i] = model.style if numeric else (date_style if kind == DATE else dt_style)
        elif model is not None and model.style:
            cell_styles[i] = model.style
        cells[i] = value
    return cells, cell_styles
