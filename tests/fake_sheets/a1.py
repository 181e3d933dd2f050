"""A1 notation: parsing ranges the way the Sheets API accepts them, and formatting them the
way it answers.

Parsing (``split_sheet`` + ``parse_a1``) accepts ``'Sheet 1'!A1:B2``, ``Sheet1!A:A``, ``A2:2``,
``A5:C`` (open-ended), ``1:3``, reversed ``B2:A1`` and lower-case columns. A range without
``!`` is either a whole tab or an A1 range of the first tab; the model decides which.

Formatting (``format_range``) follows the cassettes of gspread's test-suite:
``Sheet1!A1:C2`` (plain titles unquoted), ``'D3'!A1:D4`` (a title that looks like a cell is
quoted, ``WorksheetTest.test_update_and_get.json``), ``'🌵 test_values_batch_get 1'!A1:A10``
(titles with spaces quoted, ``SpreadsheetTest.test_values_batch_get.json``), ``Sheet1!C1``
(a one-cell range is written as one cell, ``WorksheetTest.test_append_row_with_empty_value.json``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$")
_CELLISH = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")


@dataclass(frozen=True)
class Bounds:
    """A zero-based, end-exclusive rectangle; ``None`` on an end means unbounded."""

    r0: int
    c0: int
    r1: int | None
    c1: int | None

    def clip(self, rows: int, cols: int) -> Bounds:
        """Close the open ends on the grid size (what Google echoes back as ``range``)."""
        r1 = rows if self.r1 is None else self.r1
        c1 = cols if self.c1 is None else self.c1
        return Bounds(self.r0, self.c0, max(r1, self.r0 + 1), max(c1, self.c0 + 1))

    @property
    def is_single_cell(self) -> bool:
        return self.r1 == self.r0 + 1 and self.c1 == self.c0 + 1


WHOLE_SHEET = Bounds(0, 0, None, None)


def col_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    label = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        label = chr(65 + rem) + label
    return label


def col_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def cell_a1(row: int, col: int) -> str:
    """Zero-based (row, col) → ``B3``."""
    return f"{col_letters(col)}{row + 1}"


def quote_sheet(title: str) -> str:
    """A tab title as Google writes it in a range: bare when it is a plain word that cannot be
    mistaken for a cell reference, otherwise single-quoted with ``'`` doubled."""
    if title.isidentifier() and not _CELLISH.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """``'My tab'!A1:B2`` → ("My tab", "A1:B2"); ``'My tab'`` → ("My tab", None);
    ``A1:B2`` → (None, "A1:B2") — the caller decides whether a bare word is a tab title.

    Raises ValueError for an unterminated quote or text after the closing quote."""
    text = text.strip()
    if text.startswith("'"):
        i, name = 1, []
        while True:
            j = text.find("'", i)
            if j < 0:
                raise ValueError(text)
            name.append(text[i:j])
            if text[j + 1 : j + 2] == "'":
                name.append("'")
                i = j + 2
                continue
            rest = text[j + 1 :]
            break
        title = "".join(name)
        if rest == "":
            return title, None
        if not rest.startswith("!"):
            raise ValueError(text)
        return title, rest[1:] or None
    if "!" in text:
        title, _, a1 = text.rpartition("!")
        return title, a1 or None
    return None, text


def parse_a1(a1: str) -> Bounds:
    """``A1``, ``A1:B2``, ``A:C``, ``2:4``, ``A2:2``, ``A5:C`` → Bounds. Raises ValueError."""
    start, sep, end = a1.strip().partition(":")
    m1 = _ENDPOINT.match(start)
    if not m1 or start == "":
        raise ValueError(a1)
    c_start, r_start = m1.groups()
    if not sep:
        if not (c_start and r_start):  # a bare "A" or "3" is not a range (it may be a name)
            raise ValueError(a1)
        r, c = int(r_start) - 1, col_index(c_start)
        if r < 0:
            raise ValueError(a1)
        return Bounds(r, c, r + 1, c + 1)
    m2 = _ENDPOINT.match(end)
    if not m2 or end == "":
        raise ValueError(a1)
    c_end, r_end = m2.groups()
    if (r_start is None and c_start is None) or (r_end is None and c_end is None):
        raise ValueError(a1)
    if (r_start is not None and int(r_start) < 1) or (r_end is not None and int(r_end) < 1):
        raise ValueError(a1)
    rows = [int(x) - 1 for x in (r_start, r_end) if x is not None]
    cols = [col_index(x) for x in (c_start, c_end) if x is not None]
    r0 = min(rows) if rows else 0
    c0 = min(cols) if cols else 0
    # An end is bounded only when both endpoints name it ("A1:B2", "2:4", "A:C"); "A2:2" keeps
    # columns open, "A5:C" keeps rows open.
    r1 = max(rows) + 1 if len(rows) == 2 else None
    c1 = max(cols) + 1 if len(cols) == 2 else None
    return Bounds(r0, c0, r1, c1)


def format_a1(b: Bounds) -> str:
    """Bounds (closed on both ends) → ``A1`` or ``A1:C3``."""
    assert b.r1 is not None and b.c1 is not None
    first = cell_a1(b.r0, b.c0)
    if b.r1 == b.r0 + 1 and b.c1 == b.c0 + 1:
        return first
    return f"{first}:{cell_a1(b.r1 - 1, b.c1 - 1)}"


def format_range(title: str, b: Bounds) -> str:
    return f"{quote_sheet(title)}!{format_a1(b)}"


def grid_range_bounds(grid: dict) -> Bounds:
    """A GridRange dict (``startRowIndex``… with missing keys meaning unbounded) → Bounds."""
    return Bounds(
        int(grid.get("startRowIndex", 0) or 0),
        int(grid.get("startColumnIndex", 0) or 0),
        int(grid["endRowIndex"]) if grid.get("endRowIndex") is not None else None,
        int(grid["endColumnIndex"]) if grid.get("endColumnIndex") is not None else None,
    )
