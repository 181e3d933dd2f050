"""Read a workbook that may be damaged or hostile without ever taking the process down.

python-calamine is fast, but it turns a sheet into a *dense* grid: one value typed in XFD1048576
makes it allocate 16,384 × 1,048,576 cells (~500 GB) and the process aborts — no exception, no
message. A shared-string table that claims a trillion entries aborts it the same way, and a
date cell holding -1e300 makes it panic. So before calamine sees a sheet, a guard
(`xlsx_guard`) looks at what the sheet's XML really holds. The scans run in a worker thread,
one sheet ahead of calamine (which releases the GIL while it parses, so on two cores the scan
costs little time). A sheet the guard finds unsafe, and one calamine still fails on (a cell it
cannot parse, a panic), is read by the careful reader (`xlsx_careful`) instead.

Everything that makes a workbook unreadable — an empty file, a file that is not a zip, a cut or
corrupted zip, a sheet part listed but missing, cut XML — becomes a `BadWorkbookError` whose
message names the file and says what to do.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from sheets_schema.problems import Problem
from sheets_schema.tables import match_tab
from utils.errors import BadWorkbookError
from utils.store.xlsx_archive import entry_info, file_identity, open_zip, read_part
from utils.store.xlsx_careful import Careful
from utils.store.xlsx_guard import Verdict, cached_verdict, shared_strings_sane
from utils.store.xlsx_package import parse_sheet_parts

MAX_PART_BYTES = 1 << 30  # a sheet part larger than this (uncompressed) is refused
STALE_TEMP_SECONDS = 600.0


class ReadResult(dict):
    """The tabs read (tab → (sheet title, rows), as `RawTabs`) and the problems found while
    reading: cells outside the table that were ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[Problem] = []


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


def _read_open(path: Path, fh) -> ReadResult:
    ident = file_identity(os.fstat(fh.fileno()))
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
            info = entry_info(zf, part)
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
        careful = Careful(path, zf)
        cal = _open_calamine(path) if shared_strings_sane(zf) else None
        result = ReadResult()
        rows_by_tab: dict[str, tuple[str, list]] = {}
        try:
            if cal is not None and file_identity(os.stat(path)) != ident:
                raise _Replaced
            order = sorted(wanted, key=lambda w: w[2].file_size)  # small first: less to wait
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-guard")
            try:
                verdicts: dict[str, Future[Verdict]] = {}
                if cal is not None:
                    for _tab, _title, info in order:  # the guard runs one sheet ahead
                        verdicts[info.filename] = pool.submit(cached_verdict, path, ident, info)
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


def _sheet_parts_of(path: Path, zf: zipfile.ZipFile) -> dict[str, str]:
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        if "[Content_Types].xml" not in names:
            raise BadWorkbookError("store.workbook_not_xlsx", path=str(path))
        raise BadWorkbookError(
            "store.workbook_part_missing", path=str(path), sheet="-", part="xl/workbook.xml"
        )
    workbook = read_part(path, zf, "xl/workbook.xml").decode("utf-8", "replace")
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = read_part(path, zf, rels_name).decode("utf-8", "replace") if rels_name in names else ""
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


__all__ = ["ReadResult", "read_workbook", "remove_stale_temps"]
