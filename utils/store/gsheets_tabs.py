"""The tab a save of the Google backend is written to, and how a record becomes its cells.

- `tab_target` finds the tab and its header layout (from the last read when it is recent, else
  read now); a tab that is missing — deleted by hand, or never made — is created with its
  header, as the local store does, so the save is not lost; missing columns are added to the
  header (and the grid widened when it must be);
- `row_cells` lays a record out by the header, choices written as labels in the tab's language;
- `header_lang` and `sheet_lang` tell the language of one tab and of the spreadsheet (titles and
  headers as last read: no request of their own);
- `realign` moves appended rows that Google put under a table beginning in another column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheets_schema.tables import TABLES, sheet_language
from sheets_schema.validate import Layout, read_layout
from utils.store.gsheets_api import TabGone
from utils.store.gsheets_cells import encode, letter, quote_title
from utils.store.gsheets_sheet import SheetAccess


@dataclass
class Target:
    title: str
    layout: Layout

    @property
    def first_column(self) -> int:
        """The first column with a header (0 = A)."""
        return next((i for i, h in enumerate(self.layout.headers) if h), 0)


def row_cells(tab: str, layout: Layout, values: dict[str, Any], lang: str = "en") -> list[object]:
    """A record's values as the row's cells, laid out by the tab's header (`layout`)."""
    table = TABLES[tab]
    cells: dict[int, object] = {}
    for fname, value in values.items():
        i = layout.index.get(fname)
        if i is not None:
            column = table.by_field[fname]
            cells[i] = encode(value, column.kind, column.choices, lang)
    width = max((i for i, v in cells.items() if v != ""), default=-1) + 1
    return [cells.get(i, "") for i in range(width)]


def realign(
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


def sheet_lang(sheet: SheetAccess) -> str:
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
    return sheet_lang(sheet)


def tab_target(sheet: SheetAccess, tab: str, fields: set[str]) -> Target:
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
