"""The guard that decides whether python-calamine may read a sheet part as it is.

calamine turns a sheet into a *dense* grid, so one value typed far away makes it allocate
hundreds of gigabytes and abort the process. The guard looks at what the sheet's XML really
holds (never at its `<dimension>`, which any tool may get wrong): `scan_part` inflates the part
itself and runs one compiled bytes pattern over it that matches only what a plain table never
has: a cell reference with three letters (column AAA or beyond), a two-letter column in a
5-digit row, a 6-digit row, or a cell with no explicit position (`<c>` without `r=`). A sheet
that matches gets its exact extent measured; a sheet whose grid would exceed `MAX_DENSE_CELLS`,
whose cells are positioned implicitly or in a prefixed namespace, or that holds a number at or
below -1e11 (calamine's panic), is not safe. A sheet part already found safe (same name, CRC
and sizes) is not scanned again (`cached_verdict`). A shared-string table whose claimed count
its size cannot hold keeps calamine away from the whole workbook (`shared_strings_sane`).
"""

from __future__ import annotations

import os
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from utils.store.xlsx_archive import entry_info, file_identity, inflate_part
from utils.store.xlsx_cells import MAX_ROWS, PREFIXED_MAIN_NS, TABLE_COLUMNS, col_index

MAX_DENSE_CELLS = 10_000_000  # the largest grid calamine is asked for (~320 MB in Rust)

# What a plain table's XML never holds (see the module docstring). One pattern with the
# literal prefix `<c`, so the regex engine skims from one cell start to the next.
_SUSPECT = re.compile(
    rb"<c(?:[>/]|\s(?!r=\")|\sr=\"(?:(?![A-Za-z])|[A-Za-z]{3}"
    rb"|[A-Za-z]{1,2}(?![A-Za-z])(?:(?<=[A-Za-z]{2})\d{5}|\d{6}|(?!\d))))"
)
_IMPLICIT = re.compile(rb"<c(?:[>/]|\s(?!r=\")|\sr=\"(?:(?![A-Za-z])|[A-Za-z]+(?![A-Za-z\d])))")
_WIDE_COLUMNS = re.compile(rb"<c\sr=\"([A-Za-z]{2,})\d")
_FAR_ROWS = re.compile(rb"<c\sr=\"[A-Za-z]+(\d{5,})\"")
_ROOT = re.compile(rb"<(?:(\w+):)?worksheet\b")
_SST_COUNT = re.compile(rb"\b(?:uniqueCount|count)=\"(\d+)\"")

_safe_parts: OrderedDict[tuple, bool] = OrderedDict()  # parts found safe, by name/CRC/sizes
_safe_lock = threading.Lock()


@dataclass
class Verdict:
    """What the guard found in one sheet part."""

    safe: bool  # calamine may read it as it is
    reason: str = ""  # why not (for tests and logs)


def shared_strings_sane(zf: zipfile.ZipFile) -> bool:
    """calamine reserves the shared-string table's claimed `uniqueCount` up front: a table that
    claims more entries than its size can hold would abort the process. False: don't let
    calamine open this workbook (the careful reader reads it)."""
    info = entry_info(zf, "xl/sharedStrings.xml")
    if info is None:
        return True
    try:
        with zf.open(info) as f:
            head = f.read(4096)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        return True  # calamine reports it as the damage it is
    start = head.find(b"<")
    end = head.find(b">", head.find(b"sst"))
    for m in _SST_COUNT.finditer(head, start, end if end != -1 else len(head)):
        if int(m.group(1)) > info.file_size // 5 + 16:  # `<si/>` is 5 bytes
            return False
    return True


def cached_verdict(path: Path, ident: tuple, info: zipfile.ZipInfo) -> Verdict:
    """The verdict on the sheet part `info` of the file at `path` (`ident`: the identity of the
    file being read, see `file_identity`): known safe from an earlier scan, or scanned now."""
    key = (info.filename, info.CRC, info.compress_size, info.file_size, info.compress_type)
    with _safe_lock:
        if key in _safe_parts:
            _safe_parts.move_to_end(key)
            return Verdict(True, "known")
    with open(path, "rb") as fh:
        if file_identity(os.fstat(fh.fileno())) != ident:
            return Verdict(False, "the file changed")
        verdict = scan_part(fh, info)
    if verdict.safe:
        with _safe_lock:
            _safe_parts[key] = True
            while len(_safe_parts) > 64:
                _safe_parts.popitem(last=False)
    return verdict


def scan_part(fh, info: zipfile.ZipInfo) -> Verdict:
    """Is this sheet part safe for calamine? Reads and inflates the part from `fh` itself."""
    first = True
    try:
        for buf, end in inflate_part(fh, info):
            if first:
                first = False
                reason = _head_problem(buf[: min(end, 8192)])
                if reason:
                    return Verdict(False, reason)
            if _prefixed_main(buf, end):
                return Verdict(False, "namespace prefix")
            if _huge_negative(buf, end):
                return Verdict(False, "a negative number beyond any date")
            if _SUSPECT.search(buf, 0, end):
                return _measure(fh, info)
    except (zlib.error, EOFError, OSError, ValueError, NotImplementedError, struct.error):
        # calamine would fail on it too: the careful reader says why
        return Verdict(False, "cannot inflate")
    return Verdict(True)


def _prefixed_main(buf: bytes, end: int) -> bool:
    """Is the main namespace declared under a prefix (`xmlns:x="…main"`) here?"""
    at = buf.find(b"xmlns:", 0, end)
    while at != -1:
        if PREFIXED_MAIN_NS.match(buf, at, end):
            return True
        at = buf.find(b"xmlns:", at + 6, end)
    return False


def _huge_negative(buf: bytes, end: int) -> bool:
    """A number at or below -1e11 (or -inf) in a cell: calamine panics converting it when the
    cell has a date or duration format (chrono's TimeDelta overflows)."""
    at = buf.find(b"<v>-", 0, end)
    while at != -1:
        close = buf.find(b"<", at + 4, end)
        try:
            value = float(buf[at + 3 : close if close != -1 else end])
        except ValueError:
            value = 0.0  # not a number: calamine reports it, the careful reader takes over
        if not value > -1e11:  # NaN included
            return True
        at = buf.find(b"<v>-", at + 4, end)
    return False


def _head_problem(head: bytes) -> str:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return "document type declaration"
    root = _ROOT.search(head)
    if root is None:
        return "no worksheet root"
    if root.group(1):
        return "namespace prefix"
    return ""


def _measure(fh, info: zipfile.ZipInfo) -> Verdict:
    """The exact extent of a sheet that has wide or far references: calamine reads it only if
    its grid stays within `MAX_DENSE_CELLS` and every cell has an explicit position."""
    columns: set[bytes] = set()
    max_row = 9_999  # no 5-digit row number seen (yet)
    for buf, end in inflate_part(fh, info):
        if _IMPLICIT.search(buf, 0, end):
            return Verdict(False, "implicit cell positions")
        columns.update(_WIDE_COLUMNS.findall(buf, 0, end))
        rows = _FAR_ROWS.findall(buf, 0, end)
        if rows:
            longest = max(map(len, rows))
            if longest > 7:
                return Verdict(False, "far row")
            max_row = max(max_row, max(int(r) for r in rows if len(r) == longest))
    width = max((col_index(c.decode().upper()) + 1 for c in columns), default=26)
    if width > TABLE_COLUMNS or max_row > MAX_ROWS:
        return Verdict(False, "far cell")
    if width * max_row > MAX_DENSE_CELLS:
        return Verdict(False, f"grid of {width} x {max_row} cells")
    return Verdict(True, "measured")
