"""The careful reader: a streaming expat reader over one sheet part, for the sheets calamine
must not read (see `xlsx_guard`) or could not.

It keeps only the cells of the table (the header row's columns, rows up to the last one with a
value there), reports every ignored cell outside it as a warning naming its reference, and turns
any unreadable cell into a value the validator reports for that cell alone. Numbers are given
as calamine would give them: a date-formatted number (`Styles`) becomes a date, a date-time or a
time of day.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from sheets_schema.columns import column_letter
from sheets_schema.problems import WARNING, Problem
from utils.errors import BadWorkbookError
from utils.store.xlsx_archive import damaged_error
from utils.store.xlsx_cells import MAX_ROWS, TABLE_COLUMNS, col_index
from utils.store.xlsx_shared_tables import Styles, shared_strings

MAX_CELLS = 20_000_000  # the most cells the careful reader keeps before it gives up
REPORTED_CELLS = 20  # ignored cells named one by one; the rest are counted

MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)


class CarefulReader:
    """Streaming reader of one sheet part that keeps only cells inside the table area."""

    def __init__(self, shared: list[str], styles: Styles) -> None:
        self.shared = shared
        self.styles = styles
        self.cells: dict[int, dict[int, object]] = {}  # row (1-based) → column index → value
        self.outside: list[tuple[int, int, object]] = []  # far cells: (row, col, value)
        self.outside_count = 0
        self.kept = 0
        self.row = 0
        self.col = -1
        self.in_cell = False
        self.cell_row = 0
        self.cell_col = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.text: list[str] = []
        self.collect = False
        self.phonetic = 0
        self.has_value = False

    def start(self, name: str, attrs: dict) -> None:
        ns, _, local = name.rpartition("}")
        if ns not in MAIN_NAMESPACES:
            return
        if local == "c":
            self._start_cell(attrs)
        elif local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = -1
        elif self.in_cell:
            if local == "v" or (local == "t" and not self.phonetic):
                self.collect = True
                self.has_value = True
            elif local == "rPh":
                self.phonetic += 1

    def _start_cell(self, attrs: dict) -> None:
        ref = attrs.get("r")
        row, col = self.row, self.col + 1
        if ref:
            m = re.fullmatch(r"([A-Za-z]{1,7})(\d{1,9})", ref.strip())
            if m:
                col = col_index(m.group(1).upper())
                row = int(m.group(2))
        self.col = col
        self.in_cell = True
        self.cell_row, self.cell_col = row, col
        self.cell_type = attrs.get("t", "n")
        style = attrs.get("s", "0")
        self.cell_style = int(style) if style.isdigit() else 0
        self.text = []
        self.has_value = False
        self.phonetic = 0

    def end(self, name: str) -> None:
        ns, _, local = name.rpartition("}")
        if ns not in MAIN_NAMESPACES or not self.in_cell:
            return
        if local in ("v", "t"):
            self.collect = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            self.in_cell = False
            if self.has_value:
                self._keep(self._value())

    def chars(self, data: str) -> None:
        if self.collect:
            self.text.append(data)

    def _value(self) -> object:
        raw = "".join(self.text)
        kind = self.cell_type
        if kind in ("inlineStr", "str"):
            return raw
        if kind == "s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError):
                return ""  # points at no shared string: an empty cell
        if kind == "b":
            return raw.strip() in ("1", "true", "TRUE")
        if kind == "e":
            return ""  # #N/A, #DIV/0!: calamine shows them as empty too
        if kind == "d":
            return _iso_date(raw)
        try:
            number = float(raw)
        except ValueError:
            return raw  # not a number: the validator reports the text for this cell
        style = self.styles.kind(self.cell_style)
        if style == "date":
            return _serial_value(number, raw)
        return number

    def _keep(self, value: object) -> None:
        if value == "" or value is None:
            return
        row, col = self.cell_row, self.cell_col
        if col < TABLE_COLUMNS and 1 <= row <= MAX_ROWS:
            cells = self.cells.get(row)
            if cells is None:
                cells = self.cells[row] = {}
            if col not in cells:
                self.kept += 1
                if self.kept > MAX_CELLS:
                    raise _TooBig
            cells[col] = value
        else:
            self._outside(row, col, value)

    def _outside(self, row: int, col: int, value: object) -> None:
        self.outside_count += 1
        if len(self.outside) < REPORTED_CELLS:
            self.outside.append((row, col, value))

    def table(self) -> tuple[list[list[object]], int, int]:
        """The table's rows (row 1 first), its width, and its last row; cells outside the
        table are moved to `outside`."""
        header = self.cells.get(1, {})
        width = max(header) + 1 if header else 0
        if not width:
            width = max((max(c) + 1 for c in self.cells.values() if c), default=0)
        last = 0
        for number in sorted(self.cells):
            cells = self.cells[number]
            beyond = [c for c in cells if c >= width]
            for c in sorted(beyond):
                self._outside(number, c, cells.pop(c))
            if cells:
                last = number
        blank: list[object] = [""] * width
        rows: list[list[object]] = []
        for number in range(1, last + 1):
            found = self.cells.get(number)
            if not found:
                rows.append(blank)  # one shared list for every blank row
                continue
            row: list[object] = [""] * width
            for c, v in found.items():
                row[c] = v
            rows.append(row)
        return rows, width, last


class _TooBig(Exception):
    pass


def _iso_date(text: str) -> object:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.time() == dt.time():
        return moment.date()
    return moment


_EPOCH = dt.datetime(1899, 12, 30)


def _serial_value(number: float, raw: str) -> object:
    """A date-formatted number as calamine gives it: a date, a date-time, or a time of day
    (a serial below 1). A number no calendar has stays the text it was typed as, for the
    validator to report (“-1e300”, not three hundred digits)."""
    if not math.isfinite(number) or not 0 <= number < 2958466:
        return raw.strip()
    moment = _EPOCH + dt.timedelta(seconds=round(number * 86400))
    if number < 1:
        return moment.time()
    if moment.time() == dt.time():
        return moment.date()
    return moment


class Careful:
    """The careful reader for one open workbook: styles and shared strings read once."""

    def __init__(self, path: Path, zf: zipfile.ZipFile) -> None:
        self.path, self.zf = path, zf
        self._styles: Styles | None = None
        self._shared: list[str] | None = None

    def read(self, part: str, tab: str, title: str) -> tuple[list[list[object]], list[Problem]]:
        """One sheet: its table rows, and the ignored cells as problems."""
        path = self.path
        if self._styles is None:
            self._styles = Styles.of(self.zf)
        if self._shared is None:
            self._shared = shared_strings(path, self.zf)
        reader = CarefulReader(self._shared, self._styles)
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.chars
        try:
            with self.zf.open(part) as f:
                parser.ParseFile(f)
        except expat.ExpatError as exc:
            raise BadWorkbookError(
                "store.workbook_bad_xml", path=str(path), sheet=title, detail=str(exc)
            ) from exc
        except _TooBig as exc:
            raise BadWorkbookError(
                "store.workbook_too_big", path=str(path), sheet=title, size=f"> {MAX_CELLS:,} cells"
            ) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise damaged_error(path, exc) from exc
        except RuntimeError as exc:  # an encrypted entry
            raise damaged_error(path, exc) from exc
        rows, width, last = reader.table()
        return rows, outside_problems(tab, title, reader, width, last)


def outside_problems(
    tab: str, title: str, reader: CarefulReader, width: int, last: int
) -> list[Problem]:
    out = []
    last_column = column_letter(max(width - 1, 0))
    for row, col, value in sorted(reader.outside, key=lambda c: (c[0], c[1])):
        ref = f"{column_letter(col)}{row}"
        text = str(value)
        out.append(
            Problem(
                WARNING,
                tab,
                row,
                None,
                "problem.far_cell",
                {
                    "ref": ref,
                    "sheet": title,
                    "value": text if len(text) <= 40 else text[:39] + "…",
                    "last_column": last_column,
                    "last_row": max(last, 1),
                },
            )
        )
    more = reader.outside_count - len(reader.outside)
    if more > 0:
        out.append(
            Problem(
                WARNING, tab, None, None, "problem.far_cells_more", {"count": more, "sheet": title}
            )
        )
    return out
