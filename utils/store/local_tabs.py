"""A local workbook's tabs as the local store finds them (`xlsx_patch`, at the XML level).

- `find_sheet`: the tab of one of our tables, by its title in either language;
- `find_row`: the row holding a record's ID, however the ID was typed;
- `add_missing_headers`: header cells added for the columns a tab lacks;
- `workbook_lang`, `tab_lang`, `looks_chinese`: the language the tabs' titles and headers are in
  (what a new tab, a header cell or a choice label is written in).
"""

from __future__ import annotations

from sheets_schema.parse import CellError, parse_id
from sheets_schema.tables import TAB_NAMES, TABLES, match_tab, sheet_language
from sheets_schema.validate import read_layout
from utils.store.xlsx_patch import SheetXml, XlsxWorkbook


def workbook_lang(wb: XlsxWorkbook, default: str) -> str:
    """The language of the workbook's data tabs (titles and headers), else `default`."""
    found = {}
    for tab in TAB_NAMES:
        title = find_sheet(wb, tab)
        if title is not None:
            found[tab] = (title, wb.header(title))
    return sheet_language(found) or default


def tab_lang(wb: XlsxWorkbook, title: str, tab: str, default: str) -> str:
    """The language of one tab's header (its title when the header says nothing), else that
    of the workbook, else `default`."""
    return sheet_language({tab: (title, wb.header(title))}) or workbook_lang(wb, default)


def find_sheet(wb: XlsxWorkbook, tab: str) -> str | None:
    for title in wb.sheet_parts:
        if match_tab(title) == tab:
            return title
    return None


def add_missing_headers(wb: XlsxWorkbook, title: str, tab: str, lang: str) -> list[str]:
    header = wb.header(title)
    layout, _ = read_layout(tab, header, title)
    missing = [c for c in TABLES[tab].columns if c.field not in layout.index]
    if not missing:
        return []
    start = len(header)
    while start > 0 and not header[start - 1]:
        start -= 1
    values = {start + k: c.label(lang) for k, c in enumerate(missing)}
    wb.sheet(title).set_row(1, values, {})
    return [c.label(lang) for c in missing]


def find_row(wb: XlsxWorkbook, sheet: SheetXml, id_index: int | None, record_id: str):
    """The row holding `record_id`: found by its exact text (fast), else by reading the ID
    column the way the sheet is read — an ID typed by hand with spaces around it, as a
    number, or in full-width characters is the same ID."""
    if id_index is None:
        return None
    found = sheet.find_text(record_id, id_index, wb.shared_index(record_id))
    if found is not None:
        return found
    for number in sheet.rows():
        cell = sheet.row_cells(number).get(id_index) if number > 1 else None
        if cell is None:
            continue
        try:
            if parse_id(wb.cell_value(cell)) == record_id:
                return number
        except CellError:
            continue
    return None


def looks_chinese(header: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for h in header for ch in h)
