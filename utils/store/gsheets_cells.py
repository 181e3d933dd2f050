"""Cells and A1 notation for the Google backend: what is written, what is read back, and where.

Dates are written as serial numbers (days since 1899-12-30, what Sheets stores for a date and
returns with UNFORMATTED_VALUE + SERIAL_NUMBER), everything else RAW, so `=1+1`, `0138` and
`+86 …` stay text. Serials read back from a date column are turned into datetimes rounded to
the second. No requests are made here: this module knows cells, not Google.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sheets_schema.choices import Choices
from sheets_schema.columns import CHOICE, DATE, DATETIME
from sheets_schema.parse import parse_datetime, parse_id
from sheets_schema.tables import TABLES
from sheets_schema.validate import Layout, read_layout

EPOCH = dt.datetime(1899, 12, 30)


# ---- A1 notation ----
def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def letter(index: int) -> str:
    """0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def first_cell(a1_range: str) -> tuple[int | None, int | None]:
    """`'Tab'!B52:W53` → (52, 1): the first row (1-based) and column (0-based)."""
    m = re.search(r"!\$?([A-Za-z]*)\$?(\d+)", a1_range or "")
    if not m:
        return None, None
    column = None
    if m.group(1):
        column = 0
        for ch in m.group(1).upper():
            column = column * 26 + ord(ch) - 64
        column -= 1
    return int(m.group(2)), column


# ---- values ----
def encode(
    value: object, kind: str = "", choices: Choices | None = None, lang: str = "en"
) -> object:
    """A normalised record value → what is written RAW into a cell: a choice (`kind`
    "choice", its list `choices`) as its label in `lang` (`来访`, `Walk-in`)."""
    if value is None:
        return ""
    if kind == CHOICE and choices is not None and isinstance(value, str):
        return choices.label(value, lang)
    if isinstance(value, dt.datetime):
        if kind == "date":
            return (value.date() - EPOCH.date()).days
        return round((value.replace(tzinfo=None) - EPOCH).total_seconds()) / 86400
    if isinstance(value, dt.date):
        return (value - EPOCH.date()).days
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | str):
        return value
    return str(value)


def decode_serial(value: object) -> object:
    """A serial number read from a date column → datetime to the second; others unchanged."""
    if type(value) is float and 1 <= value < 2958466:
        return EPOCH + dt.timedelta(seconds=round(value * 86400))
    return value


def moment(value: object) -> dt.datetime | None:
    """updated_at as written by anyone (a serial, a datetime, text); None if unreadable."""
    try:
        return parse_datetime(decode_serial(value))
    except ValueError:
        return None


def cell_id(value: object) -> str | None:
    """An ID cell's ID, or None (blank, or not an ID)."""
    try:
        return parse_id(value)
    except ValueError:
        return None


def id_at(cells: list[object], index: int) -> str | None:
    return cell_id(cells[index]) if index < len(cells) else None


def decode_dates(tab: str, rows: list[list[object]]) -> list[list[object]]:
    """Serial numbers in date columns → datetimes rounded to the second (a float read back from
    Google may sit a hair below the second it means). In place; returns `rows`."""
    if len(rows) < 2:
        return rows
    layout, _ = read_layout(tab, rows[0], tab)
    columns = [
        i for f, i in layout.index.items() if TABLES[tab].by_field[f].kind in (DATE, DATETIME)
    ]
    for row in rows[1:]:
        width = len(row)
        for i in columns:
            if i < width and type(row[i]) is float:
                row[i] = decode_serial(row[i])
    return rows


# ---- a record's row ----
@dataclass
class RowRef:
    """Where a record is in a tab, as just read: row number (1-based), header layout, cells."""

    title: str
    number: int
    layout: Layout
    cells: list[object]

    def raw(self, tab: str) -> dict[str, object]:
        out = {}
        for fname, i in self.layout.index.items():
            value = self.cells[i] if i < len(self.cells) else None
            if TABLES[tab].by_field[fname].kind in (DATE, DATETIME):
                value = decode_serial(value)
            out[fname] = value
        return out
