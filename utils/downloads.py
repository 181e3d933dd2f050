"""Files to download from the dashboard: the filtered tables as CSV and as one Excel workbook.

Pure: frames in (the store's data contract, e.g. `metrics.download_tables(...)`), bytes out.
Headers are the columns' labels and choice values their labels in the chosen language
(`utils.display.labelled`), so the files read like the spreadsheet.

- CSV: UTF-8 with a byte-order mark (Excel on Windows then shows Chinese correctly), CRLF line
  ends, dates as 2026-10-05 and date-times as 2026-10-05 14:30. A text cell that Excel would run
  as a formula (it starts with = @ or + - followed by letters) gets a leading apostrophe.
- Excel: one sheet per table, bold frozen header row with a filter, dates as real dates, text
  kept as text (IDs and phone numbers are never turned into numbers, nothing into a formula).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from sheets_schema.columns import DATE, DATETIME, INT
from sheets_schema.tables import TABLES
from utils.display import labelled

TABS = ("complaints", "revisits", "clients")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# OWASP's CSV injection advice: a text cell starting with any of these is prefixed with an
# apostrophe, so no spreadsheet program reads it as a formula ("+86 …" and "-5" typed as text
# included); number columns stay numbers
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in an .xlsx cell
_MAX_WIDTH = 60  # characters, the widest column in the workbook


def _fields(tab: str, frame: pd.DataFrame) -> list[str]:
    return [c.field for c in TABLES[tab].columns if c.field in frame.columns]


def _kind(tab: str, name: str) -> str | None:
    column = TABLES[tab].by_field.get(name)
    return column.kind if column is not None else None


def defuse(value: str) -> str:
    """A text cell made safe to open in a spreadsheet program: a value that starts with =, +,
    -, @, a tab or a carriage return gets a leading apostrophe (OWASP), so it is never read as
    a formula."""
    return "'" + value if value and _FORMULA_START.match(value) else value


def export_frame(tab: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` as it goes into a file: the schema's columns in order (`_row` and helper columns
    dropped), choice values as labels, headers as labels in `lang`. Dates stay datetime64."""
    return labelled(tab, frame, lang, _fields(tab, frame))


def csv_bytes(tab: str, frame: pd.DataFrame, lang: str) -> bytes:
    """One table as CSV bytes: UTF-8 with BOM, labelled headers, CRLF line ends."""
    fields = _fields(tab, frame)
    out = export_frame(tab, frame, lang)
    for name, header in zip(fields, out.columns, strict=True):
        kind = _kind(tab, name)
        col = out[header]
        if kind in (DATE, DATETIME):
            fmt = DATE_FORMAT if kind == DATE else DATETIME_FORMAT
            out[header] = pd.to_datetime(col).dt.strftime(fmt).fillna("")
        elif kind == INT:
            out[header] = col.astype("Int64").astype(object).where(col.notna(), "")
        else:
            text = col.fillna("").astype(str)
            risky = text.str.match(_FORMULA_START)
            out[header] = text.where(~risky, "'" + text) if risky.any() else text
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _width(header: str, values: Iterable[str]) -> float:
    """A column width (in Excel's character units) from the header and a sample of values;
    Chinese characters count double."""

    def size(text: str) -> int:
        first_line = text.split("\n", 1)[0]
        return len(first_line) + sum(1 for ch in first_line if ord(ch) > 0x2E7F)

    widest = max([size(header), *(size(v) for v in values)], default=8)
    return float(min(max(widest + 2, 8), _MAX_WIDTH))


def _sheet_title(name: str, taken: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _column(kind: str | None, col: pd.Series) -> tuple[str, pd.Series]:
    """A column for the workbook: ("date" | "datetime" | "int" | "text", its values) — dates
    as datetime64 (a date's time dropped, a date-time's seconds kept), whole numbers as
    nullable integers, text as str without the control characters a workbook cannot hold,
    None for blanks."""
    if kind in (DATE, DATETIME):
        stamps = pd.to_datetime(col)
        return (
            ("date", stamps.dt.normalize()) if kind == DATE else ("datetime", stamps.dt.floor("s"))
        )
    if kind == INT:
        return "int", pd.to_numeric(col, errors="coerce").astype("Int64")
    text = col.astype("str")  # Arrow-backed: blanks stay missing
    if text.str.contains(_ILLEGAL.pattern, regex=True).any():
        text = text.str.replace(_ILLEGAL.pattern, "", regex=True)
    return "text", text.where(text != "")


def xlsx_bytes(tables: Mapping[str, pd.DataFrame], lang: str) -> bytes:
    """The tables (tab name → frame, in the order given) as one .xlsx workbook: one sheet per
    table named by the tab's label, labelled header row (bold, frozen, with a filter); dates as
    dates, whole numbers as numbers, text always as text (never a formula, phone numbers keep
    their digits). Written column by column with vectorised string operations
    (`utils.xlsx_write`): 50,000 rows in well under a second."""
    from utils.xlsx_write import Column, Sheet, workbook_bytes

    sheets = []
    taken: set[str] = set()
    for tab, frame in tables.items():
        fields = _fields(tab, frame)
        out = export_frame(tab, frame, lang)
        columns = []
        for name, header in zip(fields, out.columns, strict=True):
            kind, values = _column(_kind(tab, name), out[header])
            head = values.head(200).dropna()
            sample = [v if isinstance(v, str) else _sample_text(v) for v in head]
            width = _width(str(header), sample)
            if kind in ("date", "datetime"):
                width = max(width, 12)
            columns.append(Column(str(header), kind, values, width))
        sheets.append(Sheet(_sheet_title(TABLES[tab].label(lang), taken), columns))
    if not sheets:
        sheets.append(Sheet("Sheet", []))
    return workbook_bytes(sheets)


def _sample_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return str(value.to_pydatetime())
    return str(value)


def file_stem(start: dt.date | pd.Timestamp, last_day: dt.date | pd.Timestamp) -> str:
    """sheetdesk-2026-10-01_2026-10-31: the period the files hold."""
    return f"sheetdesk-{pd.Timestamp(start):%Y-%m-%d}_{pd.Timestamp(last_day):%Y-%m-%d}"


def csv_name(tab: str, stem: str) -> str:
    return f"{stem}-{tab}.csv"


def xlsx_name(stem: str) -> str:
    return f"{stem}.xlsx"
