"""Put an existing spreadsheet into the other language, in place: `translate_store(store, lang)`.

What changes, and nothing else:

- tab names: each tab of ours (`clients`, `Clients`, `客户` …) gets its label in `lang`
  (`客户档案` / `Clients`), unless another tab already has that name (reported, left);
- header cells: each header cell that names a column (the one the app reads, when two do) gets
  the column's label in `lang`; the team's own columns stay as they are;
- choice cells: a text cell that reads as a choice (a value, either language's label, an alias,
  in any case) gets the label in `lang` (`walk_in`, `Walk-in` → `来访`); blank cells, cells that
  do not read as a choice, numbers and true/false typed by hand stay as they are;
- progress logs: the lines the app wrote get their verbs (and escalation levels, separators)
  in `lang` (`utils.progress_log.translate`); lines typed by hand stay as they are.

Formula cells are never touched. Running it again changes nothing (every new value is already
in `lang`), and when nothing is to change nothing is written: the file's bytes stay the same.

- local workbook: under the workbook's lock (refused while it is open in a spreadsheet
  program), the changed cells are edited in the XML of their tabs (`xlsx_patch`: one pass per
  tab) and tabs renamed in xl/workbook.xml — with the formulas, defined names, charts and
  pivot caches that refer to them by name; every other part is copied byte for byte. A tab
  formatted as an Excel table keeps its header cells (the table's column names must match).
- Google Sheet: one read of the tabs (formulas as formulas), one batch of value updates (RAW;
  cells in between sent as null, left as they are), one structural batch renaming the tabs and
  setting the choice columns' dropdowns to the labels in `lang`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from filelock import Timeout

from sheets_schema.columns import CHOICE, Column
from sheets_schema.parse import CellError, parse_choice
from sheets_schema.tables import ALL_TAB_NAMES, TABLES
from sheets_schema.validate import read_layout
from utils import progress_log as plog
from utils.errors import BadWorkbookError, StoreError
from utils.store.gsheets_api import Transient
from utils.store.gsheets_cells import letter, quote_title
from utils.store.gsheets_init import dropdowns
from utils.store.local_tabs import find_sheet
from utils.store.xlsx_patch import XlsxError, XlsxWorkbook

LOG = "progress_log"


@dataclass
class Translation:
    """What a translation changed (or, with nothing changed, found already in the language)."""

    lang: str
    source: str
    tabs: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    headers: int = 0
    choices: int = 0
    logs: int = 0
    skipped: list[str] = field(default_factory=list)  # what was left as it is, and why (en)

    @property
    def changed(self) -> bool:
        return bool(self.tabs or self.headers or self.choices or self.logs)


def new_value(column: Column, value: object, lang: str) -> str | None:
    """The cell's value in `lang` when it is to change, else None: a choice's label, a
    progress log with the app's lines in `lang`. Only text that is no formula changes."""
    if not isinstance(value, str) or not value.strip() or value.startswith("="):
        return None
    if column.kind == CHOICE and column.choices is not None:
        try:
            code = parse_choice(value, column.choices)
        except CellError:
            return None
        label = column.choices.label(code, lang) if code else value
        return label if label != value else None
    if column.field == LOG:
        text = plog.translate(value, lang)
        return text if text != value else None
    return None


def header_changes(tab: str, header: Sequence[object], lang: str) -> dict[int, str]:
    """Column index → the label in `lang`, for the header cells that name a column (the one
    read, when two name the same) and are not in `lang` yet."""
    layout, _ = read_layout(tab, list(header), tab)
    out = {}
    for fname, i in layout.index.items():
        label = TABLES[tab].by_field[fname].label(lang)
        if i < len(header) and isinstance(header[i], str) and header[i] != label:
            out[i] = label
    return out


def _kept_columns(tab: str, header: Sequence[object]) -> dict[int, Column]:
    """Column index → column, for the columns whose cells may be translated."""
    layout, _ = read_layout(tab, list(header), tab)
    table = TABLES[tab]
    return {
        i: table.by_field[f]
        for f, i in layout.index.items()
        if table.by_field[f].kind == CHOICE or f == LOG
    }


def _count(result: Translation, column: Column) -> None:
    if column.field == LOG:
        result.logs += 1
    else:
        result.choices += 1


def translate_store(store: Any, lang: str) -> Translation:
    """Translate the store's spreadsheet into `lang` (see the module's docstring)."""
    lang = "zh" if str(lang).lower().startswith("zh") else "en"
    if store.kind == "local":
        result = _translate_workbook(store, lang)
    elif store.kind == "gsheets":
        result = _translate_google(store, lang)
    else:
        raise StoreError("store.translate_unsupported", source=store.describe())
    store.invalidate()
    return result


# ---- the local workbook ----
def _translate_workbook(store: Any, lang: str) -> Translation:

    path = store.path
    if not path.exists():
        raise StoreError("store.translate_missing", path=str(path))
    result = Translation(lang, store.describe())
    try:
        store.file_lock.acquire()
    except Timeout as exc:
        reason = "another Sheetdesk process is writing to it"
        raise StoreError("store.translate_busy", path=str(path), reason=reason) from exc
    try:
        busy = store.busy_reason()
        if busy:
            raise StoreError("store.translate_busy", path=str(path), reason=busy)
        try:
            wb = XlsxWorkbook(str(path))
        except XlsxError as exc:
            raise BadWorkbookError(path=str(path), detail=str(exc)) from exc
        with wb:
            try:
                renames = []
                for tab in ALL_TAB_NAMES:
                    title = find_sheet(wb, tab)
                    if title is None:
                        continue
                    _translate_tab(wb, title, tab, lang, result)
                    label = TABLES[tab].label(lang)
                    if title != label:
                        renames.append((title, label))
                for old, new in renames:
                    if any(t.casefold() == new.casefold() for t in wb.sheet_parts if t != old):
                        result.skipped.append(f"tab “{old}”: another tab is called “{new}”")
                        continue
                    wb.rename_sheet(old, new)
                    result.tabs.append((old, new))
            except XlsxError as exc:
                raise BadWorkbookError(path=str(path), detail=str(exc)) from exc
            if not result.changed:
                return result
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
            try:
                wb.save(str(tmp))
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
    finally:
        store.file_lock.release()
    return result


def _translate_tab(wb: Any, title: str, tab: str, lang: str, result: Translation) -> None:
    """One tab's header and cells, edited in its XML in one pass."""
    header = wb.header(title)
    if not header:
        return
    wb.check_editable(title)
    sheet = wb.sheet(title)
    changes: dict[int, dict[int, object]] = {}
    heads = header_changes(tab, header, lang)
    if heads and "<tablePart" in sheet.xml:
        result.skipped.append(f"“{title}”: its header is an Excel table's (left as it is)")
        heads = {}
    first = sheet.row_cells(1)
    heads = {i: v for i, v in heads.items() if not _formula(first.get(i))}
    if heads:
        changes[1] = dict(heads)
        result.headers += len(heads)
    columns = _kept_columns(tab, header)
    if columns:
        for number in sheet.rows():
            if number == 1:
                continue
            cells = sheet.row_cells(number)
            for i, column in columns.items():
                cell = cells.get(i)
                if cell is None or cell.inner is None or _formula(cell):
                    continue
                value = new_value(column, wb.cell_value(cell), lang)
                if value is not None:
                    changes.setdefault(number, {})[i] = value
                    _count(result, column)
    sheet.set_cells(changes)


def _formula(cell: Any) -> bool:
    return cell is not None and bool(cell.inner) and "<f" in cell.inner


# ---- the Google Sheet ----
def _translate_google(store: Any, lang: str) -> Translation:

    result = Translation(lang, store.describe())
    sheet = store.sheet  # each request bounded on its own: a big sheet takes a while
    try:
        store.file_lock.acquire()  # this machine's writer waits meanwhile
    except Timeout as exc:
        reason = "another Sheetdesk process is writing to it"
        raise StoreError("store.translate_busy", path=store.describe(), reason=reason) from exc
    try:
        tabs = sheet.tabs(force=True)
        present = [t for t in ALL_TAB_NAMES if t in tabs]
        if not present:
            return result
        ranges = [quote_title(tabs[t]["title"]) for t in present]
        key = sheet.api.key
        params = {"valueRenderOption": "FORMULA", "majorDimension": "ROWS"}
        body = sheet.api.read(lambda http: http.values_batch_get(key, ranges, params))
        grids = [vr.get("values") or [] for vr in body.get("valueRanges") or []]
        data: list[dict[str, Any]] = []
        structure: list[dict[str, Any]] = []
        titles = {str(p.get("title", "")) for p in tabs.values()}
        for tab, rows in zip(present, grids, strict=False):
            props = tabs[tab]
            title = str(props["title"])
            header = list(rows[0]) if rows else []
            columns: dict[int, dict[int, object]] = {}
            for i, value in header_changes(tab, header, lang).items():
                if isinstance(header[i], str) and header[i].startswith("="):
                    continue
                columns.setdefault(i, {})[1] = value
                result.headers += 1
            for i, column in _kept_columns(tab, header).items():
                for n, row in enumerate(rows[1:], start=2):
                    cell = new_value(column, row[i] if i < len(row) else None, lang)
                    if cell is not None:
                        columns.setdefault(i, {})[n] = cell
                        _count(result, column)
            q = quote_title(title)
            for i, cells in sorted(columns.items()):
                lo, hi = min(cells), max(cells)
                data.append(
                    {
                        "range": f"{q}!{letter(i)}{lo}:{letter(i)}{hi}",
                        "values": [[cells.get(n)] for n in range(lo, hi + 1)],
                    }
                )
            label = TABLES[tab].label(lang)
            if title != label:
                if any(t.casefold() == label.casefold() for t in titles if t != title):
                    result.skipped.append(f"tab “{title}”: another tab is called “{label}”")
                else:
                    structure.append(
                        {
                            "updateSheetProperties": {
                                "properties": {"sheetId": props.get("sheetId", 0), "title": label},
                                "fields": "title",
                            }
                        }
                    )
                    titles = (titles - {title}) | {label}
                    result.tabs.append((title, label))
            if header:
                new_header = [
                    columns.get(i, {}).get(1, h) if i in columns else h
                    for i, h in enumerate(header)
                ]
                layout = read_layout(tab, new_header, label)[0]
                structure += dropdowns(tab, props.get("sheetId", 0), layout, lang)
        if not result.changed:
            return result
        try:
            if data:
                for k in range(0, len(data), 200):
                    sheet.api.update_many(data[k : k + 200])
            if structure:
                sheet.api.structure(structure)
        except Transient as exc:
            raise StoreError("gsheets.unavailable", detail=exc.reason) from exc
    finally:
        store.file_lock.release()
        sheet.cache.forget_metadata()
        sheet.cache.expire()
    return result
