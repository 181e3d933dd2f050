"""One worksheet's XML text with row-level edits: set the cells of one row or of many, append
rows, find a row by the text in one of its cells.

Cells we write keep the cell's existing style (its colour, font, border); other cells of the
row are kept as they are. The text is made regular first (`xlsx_normalise`); a sheet that
cannot be is refused, and so are edits that would break a formula (the master cell of a shared
formula, any cell of an array formula) and rows past Excel's last row: each raises `XlsxError`
saying why.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from sheets_schema.columns import column_letter
from utils.store.xlsx_cells import (
    MAX_ROWS,
    TABLE_COLUMNS,
    Cell,
    XlsxError,
    cell_xml,
    col_index,
    unescape,
)
from utils.store.xlsx_normalise import ROW_START_RE, looks_regular, normalise, rows_in_order

_CELL_RE = re.compile(r'<c\b[^>]*?\br="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(r"<f\b([^>]*)", re.S)
_ARRAY_REF = re.compile(
    r'<f\b[^>]*\bt="(?:array|dataTable)"[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"'
)


def _has_value(cell: Cell) -> bool:
    inner = cell.inner
    if not inner:
        return False
    return "<v>" in inner or "<v " in inner or "<t>" in inner or "<t " in inner


class SheetXml:
    """One worksheet's XML text with row-level edits. The text is made regular first
    (`normalise`); `refusal` says why the sheet must not be edited ("" when it may be)."""

    def __init__(self, xml: str, raw: bytes | None = None) -> None:
        """`raw`: the part's bytes, when at hand, for the fast regularity test."""
        if raw is not None and looks_regular(raw):
            self.xml, self.refusal = xml, ""
        else:
            self.xml, self.refusal = normalise(xml)
        self.dirty = False
        self._rows: dict[int, tuple[int, int]] | None = None
        self._arrays: list[tuple[int, int, int, int]] | None = None

    def _sort_rows(self) -> None:
        start = re.search(r"<sheetData\b[^>]*>", self.xml)
        end = self.xml.find("</sheetData>")
        if start is None or end == -1:
            return
        body, why = rows_in_order(self.xml[start.end() : end])
        if why:
            self.refusal = self.refusal or why
        else:
            self.xml = self.xml[: start.end()] + body + self.xml[end:]

    def _require_editable(self) -> None:
        if self.refusal:
            raise XlsxError(self.refusal)

    # --- reading ---
    def rows(self) -> dict[int, tuple[int, int]]:
        """row number → (start, end) of its <row> element in the text. Found from the row
        starts alone (one light pass); a row ends where the next one starts. Rows out of order
        are sorted first; a row number used twice makes the sheet refused."""
        if self._rows is None:
            begin = self.xml.find("<sheetData")
            starts = [(int(m.group(1)), m.start()) for m in ROW_START_RE.finditer(self.xml, begin)]
            if any(a[0] >= b[0] for a, b in itertools.pairwise(starts)):
                self._sort_rows()
                starts = [
                    (int(m.group(1)), m.start()) for m in ROW_START_RE.finditer(self.xml, begin)
                ]
            end_all = self.xml.find("</sheetData>", begin)
            self._rows = {}
            for k, (number, start) in enumerate(starts):
                end = starts[k + 1][1] if k + 1 < len(starts) else end_all
                self._rows[number] = (start, end)
        return self._rows

    def row_cells(self, number: int) -> dict[int, Cell]:
        span = self.rows().get(number)
        if span is None:
            return {}
        text = self.xml[span[0] : span[1]]
        out: dict[int, Cell] = {}
        for m in _CELL_RE.finditer(text):
            index = col_index(m.group(1))
            if int(m.group(2)) != number or index in out:
                self.refusal = self.refusal or (
                    f"row {number} holds a cell {m.group(1)}{m.group(2)} twice or from another "
                    "row; Sheetdesk does not edit such a sheet"
                )
            out[index] = Cell(m.group(3), m.group(4))
        return out

    def table_width(self) -> int:
        """How many columns the table has: up to the header row's last cell with a value,
        never beyond column ZZ (a value typed far to the right is not a column)."""
        cells = [i for i, c in self.row_cells(1).items() if i < TABLE_COLUMNS and _has_value(c)]
        return max(cells) + 1 if cells else TABLE_COLUMNS

    def last_data_row(self) -> int:
        """The last row that has a value in one of the table's columns (styled empty rows and
        stray values far to the right don't count)."""
        width = None
        for number in sorted(self.rows(), reverse=True):
            start, end = self.rows()[number]
            chunk = self.xml[start:end]
            if "<v>" in chunk or "<v " in chunk or "<t>" in chunk or "<t " in chunk:
                if number == 1:
                    return 1
                if width is None:
                    width = self.table_width()
                cells = self.row_cells(number)
                if any(i < width and _has_value(c) for i, c in cells.items()):
                    return number
        return 0

    def find_text(self, value: str, index: int, sst_index: int | None) -> int | None:
        """The row whose cell in column `index` holds the text `value` (an ID), found by plain
        string search rather than by reading every cell: as an inline string, or as shared
        string number `sst_index`."""
        letter = column_letter(index)
        needles = [f">{escape(value)}</t>"]
        if sst_index is not None:
            needles.append(f"<v>{sst_index}</v>")
        for needle in needles:
            pos = self.xml.find(needle)
            while pos != -1:
                cell_start = self.xml.rfind("<c ", 0, pos)
                m = _CELL_RE.match(self.xml, cell_start)
                if m and m.group(1) == letter and m.end() > pos:
                    inner = m.group(4) or ""
                    shared = 't="s"' in m.group(3)
                    right_kind = needle.startswith("<v>") == shared
                    if right_kind and int(m.group(2)) > 1 and (shared or value in unescape(inner)):
                        return int(m.group(2))
                pos = self.xml.find(needle, pos + 1)
        return None

    # --- writing ---
    def set_row(self, number: int, values: Mapping[int, object], styles: Mapping[int, str]) -> None:
        """Set some cells of one row (column index → value); other cells of the row are kept.
        `styles` gives the style to use for a cell that has none yet (or must change, for
        dates)."""
        self._require_editable()
        if not 1 <= number <= MAX_ROWS:
            raise XlsxError(f"row {number} is beyond the last row a sheet can have ({MAX_ROWS:,})")
        new = self._row_xml(number, values, styles)
        span = self.rows().get(number)
        if span is not None:
            self.xml = self.xml[: span[0]] + new + self.xml[span[1] :]
        else:
            later = [n for n in self.rows() if n > number]
            if later:
                at = self.rows()[min(later)][0]
            else:
                at = self.xml.find("</sheetData>")
                if at == -1:
                    self.xml = re.sub(
                        r"<sheetData\s*/>", "<sheetData></sheetData>", self.xml, count=1
                    )
                    at = self.xml.index("</sheetData>")
            self.xml = self.xml[:at] + new + self.xml[at:]
        self._rows = None
        self.dirty = True
        self._grow_dimension(number, max(values) if values else 0)

    def _row_xml(self, number: int, values: Mapping[int, object], styles: Mapping[int, str]) -> str:
        """Row `number`'s new XML: its cells with `values` set (formulas checked first)."""
        cells = self.row_cells(number)
        self._require_editable()  # reading the row may have found it irregular
        self._check_formulas(number, cells, values)
        span = self.rows().get(number)
        row_attrs = ""
        if span is not None:
            head = self.xml[span[0] : self.xml.index(">", span[0]) + 1]
            row_attrs = re.sub(r'\s*\b(r|spans)="[^"]*"', "", head[4:].rstrip("/>").rstrip(">"))
        parts = []
        for index in sorted(set(cells) | set(values)):
            ref = f"{column_letter(index)}{number}"
            old = cells.get(index)
            if index in values:
                style = styles.get(index) or (old.style if old else None)
                parts.append(cell_xml(ref, values[index], style))
            elif old is not None:
                inner = f">{old.inner}</c>" if old.inner is not None else "/>"
                parts.append(f'<c r="{ref}"{old.attrs}{inner}')
        return f'<row r="{number}"{row_attrs}>{"".join(parts)}</row>'

    def set_cells(self, changes: Mapping[int, Mapping[int, object]]) -> None:
        """Set cells of many existing rows (row number → column index → value) in one pass
        over the text, each cell keeping its style; other cells are kept. Rows not in the
        sheet yet are added one by one (`set_row`)."""
        if not changes:
            return
        self._require_editable()
        spans = self.rows()
        later = {n: v for n, v in changes.items() if n not in spans}
        pieces: list[str] = []
        pos = 0
        for number in sorted(n for n in changes if n in spans):
            start, end = spans[number]
            pieces += [self.xml[pos:start], self._row_xml(number, changes[number], {})]
            pos = end
        pieces.append(self.xml[pos:])
        self.xml = "".join(pieces)
        self._rows = None
        self.dirty = True
        for number, values in sorted(later.items()):
            self.set_row(number, values, {})

    def append_rows(
        self, first: int, rows: Sequence[Mapping[int, object]], styles: Mapping[int, str]
    ) -> None:
        """Add many new rows at once from row `first` on (all after the last existing row:
        one text edit however many rows)."""
        if not rows:
            return
        self._require_editable()
        last = first + len(rows) - 1
        if last > MAX_ROWS:
            raise XlsxError(
                f"the tab is full: {len(rows)} new row(s) from row {first} would go past its last "
                f"row ({MAX_ROWS:,}); delete what was typed in the rows at the bottom"
            )
        existing = [n for n in self.rows() if n >= first]
        if existing:  # styled empty rows in the way: fall back to one row at a time
            for k, values in enumerate(rows):
                self.set_row(first + k, values, styles)
            return
        parts = []
        for k, values in enumerate(rows):
            number = first + k
            cells = "".join(
                cell_xml(f"{column_letter(i)}{number}", values[i], styles.get(i))
                for i in sorted(values)
            )
            parts.append(f'<row r="{number}">{cells}</row>')
        text = "".join(parts)
        at = self.xml.find("</sheetData>")
        if at == -1:  # <sheetData/>: an empty sheet
            self.xml = re.sub(r"<sheetData\s*/>", "<sheetData></sheetData>", self.xml, count=1)
            at = self.xml.index("</sheetData>")
        self.xml = self.xml[:at] + text + self.xml[at:]
        self._rows = None
        self.dirty = True
        self._grow_dimension(
            first + len(rows) - 1, max(max(r) for r in rows if r) if any(rows) else 0
        )

    def _check_formulas(
        self, number: int, cells: Mapping[int, Cell], values: Mapping[int, object]
    ) -> None:
        """Refuse to overwrite a cell a formula depends on: the master cell of a shared formula
        (the others in its range would lose their formula) or any cell of an array formula."""
        for index in values:
            old = cells.get(index)
            ref = f"{column_letter(index)}{number}"
            if old is not None and old.inner and "<f" in old.inner:
                m = _FORMULA.search(old.inner)
                attrs = m.group(1) if m else ""
                kind = re.search(r'\bt="(\w+)"', attrs)
                kind_name = kind.group(1) if kind else "normal"
                if kind_name in ("array", "dataTable") or (
                    kind_name == "shared" and re.search(r"\bref=", attrs)
                ):
                    raise XlsxError(
                        f"cell {ref} holds a {kind_name} formula that other cells depend on; "
                        "Sheetdesk does not overwrite it (clear or convert the formula first)"
                    )
            for r1, c1, r2, c2 in self._array_ranges():
                if r1 <= number <= r2 and c1 <= index <= c2:
                    raise XlsxError(
                        f"cell {ref} is part of an array formula; Sheetdesk does not overwrite it"
                    )

    def _array_ranges(self) -> list[tuple[int, int, int, int]]:
        if self._arrays is None:
            self._arrays = []
            if 't="array"' in self.xml or 't="dataTable"' in self.xml:
                for m in _ARRAY_REF.finditer(self.xml):
                    c1, r1 = col_index(m.group(1)), int(m.group(2))
                    c2 = col_index(m.group(3)) if m.group(3) else c1
                    r2 = int(m.group(4)) if m.group(4) else r1
                    self._arrays.append((r1, c1, r2, c2))
        return self._arrays

    def _grow_dimension(self, row: int, col: int) -> None:
        head = self.xml[: self.xml.find("<sheetData")]  # the dimension comes before the data
        m = re.search(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"\s*/>', head)
        if not m:
            return
        c1, r1 = m.group(1), int(m.group(2))
        c2, r2 = (m.group(3), int(m.group(4))) if m.group(3) else (c1, r1)
        c2 = column_letter(max(col_index(c2), col))
        ref = f"A1:{c2}{max(r2, row)}" if (c1, r1) != ("A", 1) else f"{c1}{r1}:{c2}{max(r2, row)}"
        self.xml = self.xml[: m.start()] + f'<dimension ref="{ref}"/>' + self.xml[m.end() :]
