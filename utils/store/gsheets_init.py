"""`init` on a Google Sheet: create what is missing, never touch the data.

Four requests at most: the metadata, the header rows of the tabs that exist, one structural
`batchUpdate`, one `values:batchUpdate` of header cells. For each of the three data tabs and
the app's own two (the change history, the settings — made in the language of the data tabs
when they exist; a new settings tab gets one row per setting with a blank value, i.e. the
default, and a note saying what it is):

- a missing tab is created (its header in the chosen language, row 1 frozen);
- missing header cells are added after the last header (never over a cell in use);
- row 1 is frozen (unless some rows already are);
- choice columns get a dropdown (ONE_OF_LIST with the labels in the sheet's language — what the
  app writes — strict=False and shown as a dropdown, so people may still type a value or the
  other language's label, which is read as well, and a warning mark shows);
- the ID and `updated_at` columns are protected with a warning only (people may still edit);
- date columns are formatted as dates, so the serial numbers the app writes show as dates.
Validation, protection and formats change how cells look and what the browser warns about, not
their values. Running `init` again adds nothing twice.
"""

from __future__ import annotations

import random
from typing import Any

from sheets_schema.columns import CHOICE, DATE, DATETIME
from sheets_schema.tables import ALL_TAB_NAMES, TAB_NAMES, TABLES, sheet_language
from sheets_schema.validate import Layout, read_layout
from utils.errors import StoreError
from utils.settings_sheet import default_rows
from utils.store.gsheets_api import Transient
from utils.store.gsheets_cells import letter, quote_title
from utils.store.gsheets_sheet import SheetAccess

PROTECT_NOTE = "Sheetdesk writes this column ({label}); edit it only if you know why."
DATE_PATTERNS = {DATE: ("DATE", "yyyy-mm-dd"), DATETIME: ("DATE_TIME", "yyyy-mm-dd hh:mm")}


def init_spreadsheet(sheet: SheetAccess, lang: str) -> list[str]:
    """Create what is missing in the spreadsheet `sheet` gives access to; what was added."""
    try:
        return _init(sheet.for_operation(), lang)
    except Transient as exc:
        raise StoreError("gsheets.unavailable", detail=exc.reason) from exc


def _init(sheet: SheetAccess, lang: str) -> list[str]:
    meta = sheet.metadata(force=True)
    sheets = sheet.tabs()
    protected = {
        (s.get("properties") or {}).get("sheetId", 0): s.get("protectedRanges") or []
        for s in meta.get("sheets") or []
    }
    existing = [t for t in ALL_TAB_NAMES if t in sheets]
    headers: dict[str, list[object]] = {}
    if existing:
        got = sheet.api.batch_get([f"{quote_title(sheets[t]['title'])}!1:1" for t in existing])
        headers = {t: list(v[0]) if v else [] for t, v in zip(existing, got, strict=False)}
    taken = {(s.get("properties") or {}).get("sheetId", 0) for s in meta.get("sheets") or []}
    added: list[str] = []
    structure: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    own = _data_lang(sheets, headers, lang)
    made: dict[str, tuple[int, Layout, str, list[object]]] = {}  # tab → sheet, layout, header
    for tab in ALL_TAB_NAMES:
        table = TABLES[tab]
        if tab not in sheets:
            tab_lang = lang if tab in TAB_NAMES else own
            title, header = table.label(tab_lang), list(table.header(tab_lang))
            sheet_id = _new_sheet_id(taken)
            structure.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": sheet_id,
                            "title": title,
                            "gridProperties": {
                                "frozenRowCount": 1,
                                "columnCount": max(26, len(header)),
                            },
                        }
                    }
                }
            )
            values = [header]
            if tab == "settings":
                values += [[key, "", note] for key, _, note in default_rows(tab_lang)]
            cells.append({"range": f"{quote_title(title)}!A1", "values": values})
            added.append(title)
            layout = read_layout(tab, header, title)[0]
            made[tab] = (sheet_id, layout, title, list(header))
        else:
            props = sheets[tab]
            title, sheet_id = props["title"], props.get("sheetId", 0)
            grid = props.get("gridProperties") or {}
            layout, new_cells, more = _missing_headers(tab, title, headers[tab], lang)
            if new_cells:
                need = int(new_cells["need"])
                columns = int(grid.get("columnCount", 26))
                if need > columns:
                    structure.append(
                        {
                            "appendDimension": {
                                "sheetId": sheet_id,
                                "dimension": "COLUMNS",
                                "length": need - columns,
                            }
                        }
                    )
                cells.append({"range": new_cells["range"], "values": new_cells["values"]})
                added += [f"{title}: {h}" for h in more]
            made[tab] = (sheet_id, layout, title, [*headers[tab], *more])
            if not grid.get("frozenRowCount"):
                structure.append(
                    {
                        "updateSheetProperties": {
                            "properties": {
                                "sheetId": sheet_id,
                                "gridProperties": {"frozenRowCount": 1},
                            },
                            "fields": "gridProperties.frozenRowCount",
                        }
                    }
                )
    for tab, (sheet_id, layout, title, row) in made.items():
        # the labels the app writes in this tab: in the language of its header as it is now
        speaks = sheet_language({tab: (title, row)}) or lang
        structure += dropdowns(tab, sheet_id, layout, speaks)
        structure += _protections(tab, sheet_id, layout, protected.get(sheet_id, []), speaks)
        structure += _date_formats(tab, sheet_id, layout)
    if structure:
        sheet.api.structure(structure)
    if cells:
        sheet.api.update_many(cells)
    sheet.cache.forget_metadata()
    return added


def _data_lang(sheets: dict[str, Any], headers: dict[str, list[object]], default: str) -> str:
    """The language of the data tabs that exist (titles and headers), else `default`."""
    for tab in TAB_NAMES:
        if tab in sheets:
            words = [str(sheets[tab].get("title", "")), *headers.get(tab, [])]
            return "zh" if any("\u4e00" <= ch <= "\u9fff" for w in words for ch in str(w)) else "en"
    return default


def _new_sheet_id(taken: set[Any]) -> int:
    while True:
        value = random.randint(1, 2**31 - 1)
        if value not in taken:
            taken.add(value)
            return value


def _missing_headers(tab: str, title: str, header: list[object], lang: str):
    """The layout once the missing header cells are added, the write that adds them (or None)
    and their labels. They go after the last header cell in use."""
    layout = read_layout(tab, header, title)[0]
    missing = [c for c in TABLES[tab].columns if c.field not in layout.index]
    if not missing:
        return layout, None, []
    start = len(header)
    while start and (header[start - 1] is None or not str(header[start - 1]).strip()):
        start -= 1
    labels = [c.label(lang) for c in missing]
    full = list(header[:start]) + labels
    write = {
        "range": f"{quote_title(title)}!{letter(start)}1:{letter(start + len(labels) - 1)}1",
        "values": [labels],
        "need": start + len(labels),
    }
    return read_layout(tab, full, title)[0], write, labels


def _column(sheet_id: int, index: int, *, from_row: int = 1) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": from_row,
        "startColumnIndex": index,
        "endColumnIndex": index + 1,
    }


def dropdowns(tab: str, sheet_id: int, layout: Layout, lang: str) -> list[dict[str, Any]]:
    """One dropdown per choice column: the labels in the sheet's language, what the app
    writes (a value or the other language's label typed by hand is still read, with the
    warning mark of a non-strict list)."""
    out = []
    for column in TABLES[tab].columns:
        i = layout.index.get(column.field)
        if column.kind != CHOICE or column.choices is None or i is None:
            continue
        names = list(dict.fromkeys(c.label(lang) for c in column.choices.options))
        out.append(
            {
                "setDataValidation": {
                    "range": _column(sheet_id, i),
                    "rule": {
                        "condition": {
                            "type": "ONE_OF_LIST",
                            "values": [{"userEnteredValue": n} for n in names],
                        },
                        "strict": False,
                        "showCustomUi": True,
                    },
                }
            }
        )
    return out


def _protections(
    tab: str, sheet_id: int, layout: Layout, existing: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    out = []
    for fname in (TABLES[tab].id_field, "updated_at"):
        i = layout.index.get(fname)
        if i is None:
            continue
        if any(
            (pr.get("range") or {}).get("startColumnIndex", 0) == i
            and (pr.get("range") or {}).get("endColumnIndex") == i + 1
            for pr in existing
        ):  # Google leaves out an index that is 0
            continue  # already protected (by an earlier init, or by hand)
        label = TABLES[tab].by_field[fname].label(lang)
        out.append(
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": _column(sheet_id, i, from_row=0),
                        "description": PROTECT_NOTE.format(label=label),
                        "warningOnly": True,
                    }
                }
            }
        )
    return out


def _date_formats(tab: str, sheet_id: int, layout: Layout) -> list[dict[str, Any]]:
    out = []
    for column in TABLES[tab].columns:
        i = layout.index.get(column.field)
        if column.kind not in DATE_PATTERNS or i is None:
            continue
        kind, pattern = DATE_PATTERNS[column.kind]
        out.append(
            {
                "repeatCell": {
                    "range": _column(sheet_id, i),
                    "cell": {
                        "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}}
                    },
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return out
