"""In-memory spreadsheets: tabs, their grid, cells, data validation, protected ranges, and
Google's "table" detection used by ``values:append``.

Append's table detection (what ``FakeSheet.find_table`` reproduces) — checked against
gspread's cassettes ``WorksheetTest.test_append_row_with_empty_value.json`` and
``…_and_table_range.json``: after a first row ``["x", "", "y"]`` (A1, C1), appending to the
whole tab (``'Sheet1'``) finds ``tableRange: Sheet1!C1`` and writes ``Sheet1!C2:E2`` — the row
is shifted right — while appending to ``'Sheet1'!A1`` finds ``tableRange: Sheet1!A1`` and
writes ``Sheet1!A2:C2``. The model: non-empty cells form tables by 8-neighbour adjacency (an
empty cell between two values of one row splits them); among the tables that touch the
requested range, the one reaching lowest wins, the rightmost on a tie; the new rows go right
under it, starting at its first column. With no table in the range, writing starts at the
range's top-left cell and the response carries no ``tableRange``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from .a1 import WHOLE_SHEET, Bounds, format_a1, parse_a1, split_sheet
from .cells import Cell, cell_data
from .errors import bad_request, unparsable_range

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26

Run = tuple[int, int, int]  # (row, first col, last col) of consecutive non-empty cells


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class FakeSheet:
    """One tab. ``rows`` is the used part of the grid: ``rows[r][c]`` is a Cell or None."""

    sheet_id: int
    title: str
    index: int = 0
    row_count: int = DEFAULT_ROWS
    col_count: int = DEFAULT_COLS
    frozen_rows: int = 0
    frozen_cols: int = 0
    hidden: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # other SheetProperties, kept as sent
    extra_grid: dict[str, Any] = field(default_factory=dict)  # other GridProperties
    rows: list[list[Cell | None]] = field(default_factory=list)
    validations: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    _runs: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)

    # -- cells ----------------------------------------------------------------------------
    def get(self, r: int, c: int) -> Cell | None:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def put(self, r: int, c: int, cell: Cell | None) -> None:
        if cell is None and self.get(r, c) is None:
            return
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = cell
        self._runs.pop(r, None)

    def clear(self, b: Bounds) -> None:
        """Empty the values of a closed range (validation and protection stay)."""
        assert b.r1 is not None and b.c1 is not None
        for r in range(b.r0, min(b.r1, len(self.rows))):
            for c in range(b.c0, min(b.c1, len(self.rows[r]))):
                self.put(r, c, None)

    def data_rows(self) -> int:
        """1 + the last row index holding a value (0 for an empty tab)."""
        for r in range(len(self.rows) - 1, -1, -1):
            if any(cell is not None for cell in self.rows[r]):
                return r + 1
        return 0

    def read(
        self, b: Bounds, value_render: str, datetime_render: str, major: str = "ROWS"
    ) -> list[list[Any]]:
        """Values of a closed range, trimmed the way Google trims: trailing empty cells of each
        row (column) and trailing empty rows (columns) dropped, inner empties are ""."""
        assert b.r1 is not None and b.c1 is not None
        grid: list[list[Any]] = []
        for r in range(b.r0, min(b.r1, len(self.rows))):
            row = self.rows[r]
            grid.append(
                [
                    None if cell is None else cell.render(value_render, datetime_render)
                    for cell in row[b.c0 : b.c1]
                ]
            )
        if major == "COLUMNS":
            width = min(b.c1 - b.c0, max((len(line) for line in grid), default=0))
            grid = [[line[i] if i < len(line) else None for line in grid] for i in range(width)]
        for line in grid:
            while line and line[-1] is None:
                line.pop()
            for i, v in enumerate(line):
                if v is None:
                    line[i] = ""
        while grid and not grid[-1]:
            grid.pop()
        return grid

    # -- append's table detection -----------------------------------------------------------
    def runs(self, r: int) -> list[tuple[int, int]]:
        """Column spans (first, last) of consecutive non-empty cells in row r, cached."""
        if r >= len(self.rows):
            return []
        cached = self._runs.get(r)
        if cached is None:
            cached, start = [], None
            row = self.rows[r]
            for c, cell in enumerate([*row, None]):
                if cell is not None and start is None:
                    start = c
                elif cell is None and start is not None:
                    cached.append((start, c - 1))
                    start = None
            self._runs[r] = cached
        return cached

    def find_table(self, b: Bounds) -> Bounds | None:
        """The table append writes under, for a search range (see the module docstring)."""
        last_row = len(self.rows) if b.r1 is None else min(b.r1, len(self.rows))
        c_last = float("inf") if b.c1 is None else b.c1 - 1
        seen: set[Run] = set()
        best: tuple[int, int, Bounds] | None = None
        for r in range(b.r0, last_row):
            for a0, a1 in self.runs(r):
                if a1 < b.c0 or a0 > c_last or (r, a0, a1) in seen:
                    continue
                top, left, bottom, right = self._component((r, a0, a1), seen)
                key = (bottom, left)
                if best is None or key >= best[:2]:
                    best = (bottom, left, Bounds(top, left, bottom + 1, right + 1))
        return None if best is None else best[2]

    def _component(self, start: Run, seen: set[Run]) -> tuple[int, int, int, int]:
        top, bottom, left, right = start[0], start[0], start[1], start[2]
        stack = [start]
        seen.add(start)
        while stack:
            r, a0, a1 = stack.pop()
            top, bottom = min(top, r), max(bottom, r)
            left, right = min(left, a0), max(right, a1)
            for nr in (r - 1, r + 1):
                if nr < 0:
                    continue
                for b0, b1 in self.runs(nr):
                    run = (nr, b0, b1)
                    if b0 <= a1 + 1 and b1 >= a0 - 1 and run not in seen:
                        seen.add(run)
                        stack.append(run)
        return top, left, bottom, right

    # -- dimensions -------------------------------------------------------------------------
    def insert(self, dimension: str, start: int, count: int) -> None:
        """Insert empty rows/columns before ``start``; the grid grows by ``count``."""
        if dimension == "ROWS":
            if start < len(self.rows):
                self.rows[start:start] = [[] for _ in range(count)]
            self.row_count += count
        else:
            for row in self.rows:
                if start < len(row):
                    row[start:start] = [None] * count
            self.col_count += count
        self._shift(dimension, start, count)

    def delete(self, dimension: str, start: int, end: int) -> None:
        """Delete rows/columns [start, end); the grid shrinks."""
        count = end - start
        if dimension == "ROWS":
            del self.rows[start:end]
            self.row_count -= count
        else:
            for row in self.rows:
                del row[start:end]
            self.col_count -= count
        self._shift(dimension, start, -count)

    def _shift(self, dimension: str, start: int, delta: int) -> None:
        """Move validation rules and protected ranges along an insert (+) / delete (-)."""
        self._runs.clear()
        axis = 0 if dimension == "ROWS" else 1
        moved: dict[tuple[int, int], dict[str, Any]] = {}
        for key, rule in self.validations.items():
            pos = key[axis]
            if pos >= start:
                if delta < 0 and pos < start - delta:
                    continue  # deleted with its row/column
                pos += delta
            moved[(pos, key[1]) if axis == 0 else (key[0], pos)] = rule
        self.validations = moved
        names = (
            ("startRowIndex", "endRowIndex")
            if axis == 0
            else ("startColumnIndex", "endColumnIndex")
        )
        for pr in self.protected_ranges:
            rng = pr.get("range", {})
            for name, moves in zip(names, (lambda v: v >= start, lambda v: v > start), strict=True):
                if name in rng and moves(rng[name]):
                    rng[name] = max(start, rng[name] + delta)

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        if rows is not None:
            del self.rows[rows:]
            self.row_count = rows
        if cols is not None:
            for row in self.rows:
                del row[cols:]
            self.col_count = cols
        self._runs.clear()

    def snapshot(self) -> FakeSheet:
        """A copy sharing the (never mutated in place) Cell objects — cheap enough to take
        before every batchUpdate so a failing batch can be rolled back."""
        return replace(
            self,
            extra=copy.deepcopy(self.extra),
            extra_grid=copy.deepcopy(self.extra_grid),
            rows=[list(row) for row in self.rows],
            validations=dict(self.validations),
            protected_ranges=copy.deepcopy(self.protected_ranges),
            _runs={},
        )

    # -- JSON -------------------------------------------------------------------------------
    def properties(self) -> dict[str, Any]:
        """SheetProperties as spreadsheets.get returns them (frozen counts only when set)."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        grid.update(self.extra_grid)
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        props.update(self.extra)
        return props

    def set_properties(self, props: dict[str, Any]) -> None:
        """Inverse of properties(), for updateSheetProperties after its field mask."""
        grid = dict(props.get("gridProperties") or {})
        self.title = props.get("title", self.title)
        self.hidden = bool(props.get("hidden", False))
        self.frozen_rows = int(grid.pop("frozenRowCount", 0) or 0)
        self.frozen_cols = int(grid.pop("frozenColumnCount", 0) or 0)
        rows, cols = grid.pop("rowCount", None), grid.pop("columnCount", None)
        if rows != self.row_count or cols != self.col_count:
            self.resize(
                rows if rows != self.row_count else None, cols if cols != self.col_count else None
            )
        self.extra_grid = grid
        known = {"sheetId", "title", "index", "sheetType", "gridProperties", "hidden"}
        self.extra = {k: v for k, v in props.items() if k not in known and v is not None}

    def grid_data(self, b: Bounds | None = None) -> dict[str, Any]:
        """GridData for includeGridData=true: rowData/values with CellData, trimmed."""
        b = (b or WHOLE_SHEET).clip(self.row_count, self.col_count)
        assert b.r1 is not None and b.c1 is not None
        rows_out: list[dict[str, Any]] = []
        for r in range(b.r0, b.r1):
            values = [
                cell_data(self.get(r, c), self.validations.get((r, c))) for c in range(b.c0, b.c1)
            ]
            while values and not values[-1]:
                values.pop()
            rows_out.append({"values": values} if values else {})
        while rows_out and not rows_out[-1]:
            rows_out.pop()
        data: dict[str, Any] = {"rowData": rows_out}
        if b.r0:
            data["startRow"] = b.r0
        if b.c0:
            data["startColumn"] = b.c0
        return data


@dataclass
class FakeSpreadsheet:
    spreadsheet_id: str
    title: str
    shared: bool = True
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    sheets: list[FakeSheet] = field(default_factory=list)
    created_time: str = field(default_factory=now_rfc3339)
    modified_time: str = field(default_factory=now_rfc3339)

    def snapshot(self) -> FakeSpreadsheet:
        return replace(self, sheets=[sh.snapshot() for sh in self.sheets])

    def restore(self, snap: FakeSpreadsheet) -> None:
        """Roll back to a snapshot (the FakeSheet objects are swapped, not patched)."""
        self.__dict__.update(snap.__dict__)

    def sheet(self, title: str) -> FakeSheet | None:
        for sh in self.sheets:
            if sh.title == title:
                return sh
        lowered = title.lower()
        for sh in self.sheets:
            if sh.title.lower() == lowered:
                return sh
        return None

    def sheet_by_id(self, sheet_id: Any) -> FakeSheet | None:
        for sh in self.sheets:
            if sh.sheet_id == sheet_id:
                return sh
        return None

    def reindex(self) -> None:
        for i, sh in enumerate(self.sheets):
            sh.index = i

    def touch(self) -> None:
        self.modified_time = now_rfc3339()

    def resolve(self, text: str) -> tuple[FakeSheet, Bounds]:
        """A range as sent in a request → (tab, bounds); 400 "Unable to parse range" if the
        tab does not exist or the A1 part is malformed."""
        try:
            title, a1 = split_sheet(text)
        except ValueError:
            raise unparsable_range(text) from None
        if title is None:
            sheet = self.sheet(a1 or "")
            if sheet is not None:
                return sheet, WHOLE_SHEET
            try:
                return self.sheets[0], parse_a1(a1 or "")
            except ValueError:
                raise unparsable_range(text) from None
        sheet = self.sheet(title)
        if sheet is None:
            raise unparsable_range(text)
        if a1 is None:
            return sheet, WHOLE_SHEET
        try:
            return sheet, parse_a1(a1)
        except ValueError:
            raise unparsable_range(text) from None

    def metadata(
        self, grid_data: bool = False, ranges: Iterable[tuple[FakeSheet, Bounds]] = ()
    ) -> dict[str, Any]:
        """The Spreadsheet resource (checked against the spreadsheets.get bodies in the
        cassettes, e.g. ``ClientTest.test_access_private_spreadsheet.json``)."""
        wanted = list(ranges)
        sheets_out = []
        for sh in self.sheets:
            mine = [b for s, b in wanted if s is sh]
            if wanted and not mine:
                continue
            entry: dict[str, Any] = {"properties": sh.properties()}
            if sh.protected_ranges:
                entry["protectedRanges"] = [dict(pr) for pr in sh.protected_ranges]
            if grid_data:
                entry["data"] = [sh.grid_data(b) for b in (mine or [None])]
            sheets_out.append(entry)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
                "defaultFormat": {
                    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
                    "verticalAlignment": "BOTTOM",
                    "wrapStrategy": "OVERFLOW_CELL",
                    "textFormat": {"fontFamily": "arial,sans,sans-serif", "fontSize": 10},
                },
            },
            "sheets": sheets_out,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


def check_grid(sheet: FakeSheet, b: Bounds) -> Bounds:
    """Close the open ends on the grid; 400 "exceeds grid limits" when a bounded part lies
    outside the grid (Google refuses such reads and writes instead of clipping them)."""
    clipped = b.clip(sheet.row_count, sheet.col_count)
    too_far = (
        b.r0 >= sheet.row_count
        or b.c0 >= sheet.col_count
        or (b.r1 is not None and b.r1 > sheet.row_count)
        or (b.c1 is not None and b.c1 > sheet.col_count)
    )
    if too_far:
        name = "'" + sheet.title.replace("'", "''") + "'"
        raise bad_request(
            f"Range ({name}!{format_a1(clipped)}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
        )
    return clipped


# -- field masks ("fields=sheets.properties,sheets(protectedRanges)", "gridProperties/x") ----
_TOKEN = re.compile(r"\s*([^,()\s]+|[(),])")


def parse_field_mask(mask: str) -> dict[str, Any]:
    """``a.b,c(d,e/f)`` → {"a": {"b": {}}, "c": {"d": {}, "e": {"f": {}}}}; {} means all."""
    tokens = [t for t in _TOKEN.findall(mask) if t]
    pos = 0

    def parse_list() -> dict[str, Any]:
        nonlocal pos
        tree: dict[str, Any] = {}
        while pos < len(tokens) and tokens[pos] != ")":
            if tokens[pos] == ",":
                pos += 1
                continue
            path = tokens[pos].replace("/", ".").split(".")
            pos += 1
            node = tree
            for part in path[:-1]:
                node = node.setdefault(part, {})
            leaf = node.setdefault(path[-1], {})
            if pos < len(tokens) and tokens[pos] == "(":
                pos += 1
                _merge(leaf, parse_list())
                pos += 1  # ")"
        return tree

    return parse_list()


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for k, v in other.items():
        _merge(into.setdefault(k, {}), v)


def apply_field_mask(obj: Any, tree: dict[str, Any]) -> Any:
    """Keep only the masked fields of a JSON value (lists are masked element-wise)."""
    if not tree or "*" in tree:
        return obj
    if isinstance(obj, list):
        return [apply_field_mask(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    return {k: apply_field_mask(obj[k], sub) for k, sub in tree.items() if k in obj}


def copy_masked(target: dict[str, Any], source: dict[str, Any], tree: dict[str, Any]) -> None:
    """updateXxxProperties semantics: every masked field is copied from ``source`` into
    ``target`` — a masked field missing from ``source`` is reset (removed)."""
    for key, sub in tree.items():
        if key == "*":
            target.update(source)
            continue
        if sub and isinstance(source.get(key), dict):
            node = target.setdefault(key, {})
            if isinstance(node, dict):
                copy_masked(node, source[key], sub)
                continue
        if key in source:
            target[key] = source[key]
        else:
            target.pop(key, None)
