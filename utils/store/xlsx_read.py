"""Read a workbook that may be damaged or hostile without ever taking the process down.

python-calamine is fast, but it turns a sheet into a *dense* grid: one value typed in XFD1048576
makes it allocate 16,384 × 1,048,576 cells (~500 GB) and the process aborts — no exception, no
message. A shared-string table that claims a trillion entries aborts it the same way, and a
date cell holding -1e300 makes it panic. So before calamine sees a sheet, a guard looks at what
the sheet's XML really holds (never at its `<dimension>`, which any tool may get wrong):

- `scan_part` inflates the sheet part itself and runs one compiled bytes pattern over it that
  matches only what a plain table never has: a cell reference with three letters (column AAA or
  beyond), a two-letter column in a 5-digit row, a 6-digit row, or a cell with no explicit
  position (`<c>` without `r=`). A sheet that matches gets its exact extent measured; a sheet
  whose grid would exceed `MAX_DENSE_CELLS`, whose cells are positioned implicitly or in a
  prefixed namespace, or that holds a number at or below -1e11 (calamine's panic), is read by
  the careful reader instead of calamine. The scans run in a worker thread, one sheet ahead of
  calamine (which releases the GIL while it parses, so on two cores the scan costs little
  time), and a sheet part already found safe (same name, CRC and sizes) is not scanned again.
- A shared-string table whose claimed count its size cannot hold keeps calamine away from the
  whole workbook. Should calamine still fail on a sheet (a cell it cannot parse, a panic), the
  careful reader reads that sheet.
- `CarefulReader` is a streaming expat reader over one sheet part: it keeps only the cells of
  the table (the header row's columns, rows up to the last one with a value there), reports
  every ignored cell outside it as a warning naming its reference, and turns any unreadable cell
  into a value the validator reports for that cell alone.

Everything that makes a workbook unreadable — an empty file, a file that is not a zip, a cut or
corrupted zip, a sheet part listed but missing, cut XML — becomes a `BadWorkbookError` whose
message names the file and says what to do.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import struct
import threading
import time
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from python_calamine import CalamineError, CalamineWorkbook

from sheets_schema.columns import column_letter
from sheets_schema.problems import WARNING, Problem
from sheets_schema.tables import match_tab
from utils.errors import BadWorkbookError
from utils.store.xlsx_patch import MAX_ROWS, TABLE_COLUMNS, parse_sheet_parts

MAX_DENSE_CELLS = 10_000_000  # the largest grid calamine is asked for (~320 MB in Rust)
MAX_CELLS = 20_000_000  # the most cells the careful reader keeps before it gives up
MAX_PART_BYTES = 1 << 30  # a sheet part larger than this (uncompressed) is refused
REPORTED_CELLS = 20  # ignored cells named one by one; the rest are counted
STALE_TEMP_SECONDS = 600.0

MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)

# What a plain table's XML never holds (see the module docstring). One pattern with the
# literal prefix `<c`, so the regex engine skims from one cell start to the next.
_SUSPECT = re.compile(
    rb"<c(?:[>/]|\s(?!r=\")|\sr=\"(?:(?![A-Za-z])|[A-Za-z]{3}"
    rb"|[A-Za-z]{1,2}(?![A-Za-z])(?:(?<=[A-Za-z]{2})\d{5}|\d{6}|(?!\d))))"
)
_IMPLICIT = re.compile(rb"<c(?:[>/]|\s(?!r=\")|\sr=\"(?:(?![A-Za-z])|[A-Za-z]+(?![A-Za-z\d])))")
_WIDE_COLUMNS = re.compile(rb"<c\sr=\"([A-Za-z]{2,})\d")
_FAR_ROWS = re.compile(rb"<c\sr=\"[A-Za-z]+(\d{5,})\"")
_PREFIXED_MAIN = re.compile(
    rb"xmlns:\w+=\"(?:http://schemas\.openxmlformats\.org/spreadsheetml/2006/main|"
    rb"http://purl\.oclc\.org/ooxml/spreadsheetml/main)\""
)
_ROOT = re.compile(rb"<(?:(\w+):)?worksheet\b")
_SST_COUNT = re.compile(rb"\b(?:uniqueCount|count)=\"(\d+)\"")
_CHUNK = 1 << 22  # inflate 4 MB of XML at a time

_safe_parts: OrderedDict[tuple, bool] = OrderedDict()  # parts found safe, by name/CRC/sizes
_safe_lock = threading.Lock()


class ReadResult(dict):
    """The tabs read (tab → (sheet title, rows), as `RawTabs`) and the problems found while
    reading: cells outside the table that were ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[Problem] = []


@dataclass
class Verdict:
    """What the guard found in one sheet part."""

    safe: bool  # calamine may read it as it is
    reason: str = ""  # why not (for tests and logs)


# ---- the whole workbook ------------------------------------------------------------------
def read_workbook(path: str | os.PathLike) -> ReadResult:
    """The tables' tabs of the workbook at `path` (header row first), never crashing on a
    damaged or hostile file: raises `BadWorkbookError` with a readable message instead."""
    path = Path(path)
    for _attempt in range(3):
        try:
            with open(path, "rb") as fh:
                return _read_open(path, fh)
        except _Replaced:
            continue  # the file was replaced while it was being read: read the new one
        except FileNotFoundError:
            return ReadResult()
        except OSError as exc:  # permission denied, an I/O error
            raise BadWorkbookError(
                "store.workbook_unreadable", path=str(path), detail=exc.strerror or str(exc)
            ) from exc
    raise BadWorkbookError(
        "store.workbook_unreadable", path=str(path), detail="it kept changing while being read"
    )


class _Replaced(Exception):
    """The path no longer names the file that was opened."""


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _read_open(path: Path, fh) -> ReadResult:
    ident = _identity(os.fstat(fh.fileno()))
    zf = open_zip(path, fh, ident[2])
    with zf:
        parts = _sheet_parts_of(path, zf)
        wanted: list[tuple[str, str, zipfile.ZipInfo]] = []  # (tab, title, part): first of each
        seen: set[str] = set()
        for title, part in parts.items():
            tab = match_tab(title)
            if tab is None or tab in seen:
                continue
            seen.add(tab)
            info = _info(zf, part)
            if info is None:
                raise BadWorkbookError(
                    "store.workbook_part_missing", path=str(path), sheet=title, part=part
                )
            if info.file_size > MAX_PART_BYTES:
                raise BadWorkbookError(
                    "store.workbook_too_big",
                    path=str(path),
                    sheet=title,
                    size=f"{info.file_size / 1e9:.1f} GB",
                )
            wanted.append((tab, title, info))
        if not wanted:
            _open_calamine(path).close()  # no table here: still say so if it cannot be opened
            return ReadResult()
        careful = _Careful(path, zf)
        cal = _open_calamine(path) if _shared_strings_sane(zf) else None
        result = ReadResult()
        rows_by_tab: dict[str, tuple[str, list]] = {}
        try:
            if cal is not None and _identity(os.stat(path)) != ident:
                raise _Replaced
            order = sorted(wanted, key=lambda w: w[2].file_size)  # small first: less to wait
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-guard")
            try:
                verdicts: dict[str, Future[Verdict]] = {}
                if cal is not None:
                    for _tab, _title, info in order:  # the guard runs one sheet ahead
                        verdicts[info.filename] = pool.submit(_verdict, path, ident, info)
                for tab, title, info in order:
                    rows = None
                    if cal is not None and verdicts[info.filename].result().safe:
                        rows, cal = _calamine_rows(path, cal, title)
                    if rows is None:
                        rows, problems = careful.read(info.filename, tab, title)
                        result.problems += problems
                    rows_by_tab[tab] = (title, rows)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        finally:
            if cal is not None:
                cal.close()
        for tab in (w[0] for w in wanted):  # in workbook order
            result[tab] = rows_by_tab[tab]
        return result


def open_zip(path: Path, fh, size: int) -> zipfile.ZipFile:
    """The workbook's zip directory, or a `BadWorkbookError` saying what kind of file it is."""
    if size == 0:
        raise BadWorkbookError("store.workbook_empty", path=str(path))
    try:
        return zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        fh.seek(0)
        head = fh.read(8)
        if not head.startswith(b"PK"):
            raise BadWorkbookError("store.workbook_not_xlsx", path=str(path)) from exc
        raise BadWorkbookError("store.workbook_damaged", path=str(path), detail=str(exc)) from exc
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise BadWorkbookError("store.workbook_damaged", path=str(path), detail=str(exc)) from exc


def _damaged(path: Path, exc: BaseException) -> BadWorkbookError:
    return BadWorkbookError("store.workbook_damaged", path=str(path), detail=str(exc) or repr(exc))


def _read_part(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _damaged(path, exc) from exc
    except RuntimeError as exc:  # an encrypted entry
        raise _damaged(path, exc) from exc


def _info(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return zf.getinfo(name)
    except KeyError:
        return None


def _sheet_parts_of(path: Path, zf: zipfile.ZipFile) -> dict[str, str]:
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        if "[Content_Types].xml" not in names:
            raise BadWorkbookError("store.workbook_not_xlsx", path=str(path))
        raise BadWorkbookError(
            "store.workbook_part_missing", path=str(path), sheet="-", part="xl/workbook.xml"
        )
    workbook = _read_part(path, zf, "xl/workbook.xml").decode("utf-8", "replace")
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = _read_part(path, zf, rels_name).decode("utf-8", "replace") if rels_name in names else ""
    return parse_sheet_parts(workbook, rels)


def _open_calamine(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise BadWorkbookError("store.bad_workbook", path=str(path), detail=str(exc)) from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise BadWorkbookError("store.bad_workbook", path=str(path), detail=str(exc)) from exc
        raise


def _is_panic(exc: BaseException) -> bool:
    """Is this a Rust panic inside python-calamine? pyo3 raises those as
    `pyo3_runtime.PanicException`, which derives from BaseException (not Exception) and cannot
    be imported by name. A panic there means "this input is beyond calamine", so the careful
    reader takes over; any other BaseException (KeyboardInterrupt, SystemExit) is re-raised by
    the callers. This is the one place that recognises it."""
    return type(exc).__name__ == "PanicException"


def _calamine_rows(
    path: Path, cal: CalamineWorkbook, title: str
) -> tuple[list | None, CalamineWorkbook]:
    """The sheet through calamine, or None (with a fresh calamine handle) when calamine cannot
    read it: a cell it chokes on, a panic. The careful reader then reads it."""
    try:
        return cal.get_sheet_by_name(title).to_python(skip_empty_area=False), cal
    except CalamineError:
        return None, cal
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        cal.close()  # a panic may leave the handle half-way: start afresh
        return None, _open_calamine(path)


def _shared_strings_sane(zf: zipfile.ZipFile) -> bool:
    """calamine reserves the shared-string table's claimed `uniqueCount` up front: a table that
    claims more entries than its size can hold would abort the process. False: don't let
    calamine open this workbook (the careful reader reads it)."""
    info = _info(zf, "xl/sharedStrings.xml")
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


# ---- the guard ------------------------------------------------------------------------------
def _verdict(path: Path, ident: tuple, info: zipfile.ZipInfo) -> Verdict:
    key = (info.filename, info.CRC, info.compress_size, info.file_size, info.compress_type)
    with _safe_lock:
        if key in _safe_parts:
            _safe_parts.move_to_end(key)
            return Verdict(True, "known")
    with open(path, "rb") as fh:
        if _identity(os.fstat(fh.fileno())) != ident:
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
        for buf, end in _inflate(fh, info):
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
        if _PREFIXED_MAIN.match(buf, at, end):
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
    for buf, end in _inflate(fh, info):
        if _IMPLICIT.search(buf, 0, end):
            return Verdict(False, "implicit cell positions")
        columns.update(_WIDE_COLUMNS.findall(buf, 0, end))
        rows = _FAR_ROWS.findall(buf, 0, end)
        if rows:
            longest = max(map(len, rows))
            if longest > 7:
                return Verdict(False, "far row")
            max_row = max(max_row, max(int(r) for r in rows if len(r) == longest))
    width = max((_col_index(c.decode().upper()) + 1 for c in columns), default=26)
    if width > TABLE_COLUMNS or max_row > MAX_ROWS:
        return Verdict(False, "far cell")
    if width * max_row > MAX_DENSE_CELLS:
        return Verdict(False, f"grid of {width} x {max_row} cells")
    return Verdict(True, "measured")


def _inflate(fh, info: zipfile.ZipInfo) -> Iterator[tuple[bytes, int]]:
    """The part's bytes, inflated straight from the file (no CRC check: calamine checks it), as
    (buffer, end) pairs: `buffer[:end]` ends before a `<`, so no tag is split between two."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ValueError("bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise NotImplementedError(f"compression {info.compress_type}")
    carry = b""
    produced = 0
    while True:
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        elif left > 0:
            raw = fh.read(min(left, 1 << 20))
            if not raw:
                raise EOFError("the part is cut short")
            left -= len(raw)
            data = raw if inflater is None else inflater.decompress(raw, _CHUNK)
        elif inflater is not None:
            data = inflater.flush()
            inflater = None
            if not data:
                break
        else:
            break
        produced += len(data)
        if produced > info.file_size + 1:
            raise ValueError("the part is longer than its zip entry says")
        buf = carry + data if carry else data
        cut = buf.rfind(b"<")
        if cut <= 0:
            carry = buf
            continue
        carry = buf[cut:]
        yield buf, cut
    if carry:
        yield carry, len(carry)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# ---- the careful reader -------------------------------------------------------------------
@dataclass
class Styles:
    """Which cell styles show a number as a date, a time or a duration (as calamine decides)."""

    kinds: list[str] = field(default_factory=list)  # per cellXfs index: "", "date", "duration"

    _DATE_IDS = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
    _DURATION_IDS = frozenset([46])

    @classmethod
    def of(cls, zf: zipfile.ZipFile) -> Styles:
        info = _info(zf, "xl/styles.xml")
        if info is None or info.file_size > 64 << 20:
            return cls()
        try:
            xml = zf.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            return cls()
        formats: dict[int, str] = {}
        kinds: list[str] = []
        state = {"xfs": False}

        def start(name: str, attrs: dict) -> None:
            local = name.rpartition("}")[2]
            if local == "numFmt":
                try:
                    formats[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif local == "cellXfs":
                state["xfs"] = True
            elif local == "xf" and state["xfs"]:
                try:
                    fid = int(attrs.get("numFmtId", "0"))
                except ValueError:
                    fid = 0
                kinds.append(cls._kind(fid, formats.get(fid)))

        def end(name: str) -> None:
            if name.rpartition("}")[2] == "cellXfs":
                state["xfs"] = False

        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        try:
            parser.Parse(xml, True)
        except expat.ExpatError:
            pass  # what was read so far still helps
        return cls(kinds)

    @classmethod
    def _kind(cls, fid: int, code: str | None) -> str:
        if code is None:
            if fid in cls._DURATION_IDS:
                return "duration"
            return "date" if fid in cls._DATE_IDS else ""
        plain = re.sub(r'"[^"]*"|\\.|_.|\*.', "", code)
        if re.search(r"\[(?:h+|m+|s+)\]", plain, re.I):
            return "duration"
        plain = re.sub(r"\[[^\]]*\]", "", plain)
        return "date" if re.search(r"[dmyhs]", plain, re.I) else ""

    def kind(self, index: int) -> str:
        return self.kinds[index] if 0 <= index < len(self.kinds) else ""


def _shared_strings(path: Path, zf: zipfile.ZipFile) -> list[str]:
    info = _info(zf, "xl/sharedStrings.xml")
    if info is None:
        return []
    out: list[str] = []
    parts: list[str] = []
    state = [0, 0]  # inside <si>, inside <rPh> (phonetic runs are not part of the text)
    collecting = [False]

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition("}")[2]
        if local == "si":
            state[0] = 1
            parts.clear()
        elif local == "rPh":
            state[1] += 1
        elif local == "t" and state[0] and not state[1]:
            collecting[0] = True

    def end(name: str) -> None:
        local = name.rpartition("}")[2]
        if local == "si":
            out.append("".join(parts))
            state[0] = 0
        elif local == "rPh":
            state[1] -= 1
        elif local == "t":
            collecting[0] = False

    def text(data: str) -> None:
        if collecting[0]:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with zf.open(info) as f:
            parser.ParseFile(f)
    except expat.ExpatError as exc:
        raise BadWorkbookError(
            "store.workbook_bad_xml", path=str(path), sheet="-", detail=f"shared strings: {exc}"
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _damaged(path, exc) from exc
    except RuntimeError as exc:  # an encrypted entry
        raise _damaged(path, exc) from exc
    return out


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
                col = _col_index(m.group(1).upper())
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


class _Careful:
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
            self._shared = _shared_strings(path, self.zf)
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
            raise _damaged(path, exc) from exc
        except RuntimeError as exc:  # an encrypted entry
            raise _damaged(path, exc) from exc
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


# ---- leftovers of interrupted saves --------------------------------------------------------
def remove_stale_temps(
    workbook: str | os.PathLike, older_than: float = STALE_TEMP_SECONDS
) -> list[Path]:
    """Delete the temporary copies `.<name>.<8 hex>.tmp` beside `workbook` that a save
    interrupted by a crash left behind, if they are older than `older_than` seconds (a save in
    progress is younger). Call it holding the workbook's lock. Returns what was removed."""
    workbook = Path(workbook)
    prefix = f".{workbook.name}."
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(workbook.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        middle = name[len(prefix) : -len(".tmp")]
        if not re.fullmatch(r"[0-9a-f]{8}", middle):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < older_than:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


__all__ = [
    "MAX_DENSE_CELLS",
    "TABLE_COLUMNS",
    "CarefulReader",
    "ReadResult",
    "Verdict",
    "read_workbook",
    "remove_stale_temps",
    "scan_part",
]
