"""The local workbook backend: an .xlsx file on this machine (the default).

Reading uses python-calamine (fast, read-only). Writing edits only the rows it changes, at the
XML level (`xlsx_patch`), into a temporary file beside the workbook that then replaces it, all
under a file lock shared by every process that uses the workbook. When the workbook cannot be
written — open in Excel/WPS/LibreOffice (their owner files `~$name.xlsx` / `.~lock.name.xlsx#`
are present, or Windows refuses the replace), read-only, disk full — the saves stay in the
pending queue beside the workbook and are written on the next chance.

A save's change-history rows (`PendingOp.history`) are added to the `changes` tab in the same
edit of the workbook as the save itself — one file replace, so they land together or not at all
— and a history row whose change ID is already in the tab is skipped (a save already written
before a crash). `init` and a new workbook get the change history and settings tabs too; an
older workbook without them gets them on its first write, in the language of its headers.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from sheets_schema.columns import CHOICE, DATE, DATETIME
from sheets_schema.parse import CellError, parse_id
from sheets_schema.tables import ALL_TAB_NAMES, TAB_NAMES, TABLES, match_tab, sheet_language
from sheets_schema.validate import read_layout
from utils.errors import BadWorkbookError, StoreError
from utils.store.base import RawTabs, Store, now_seconds
from utils.store.pending import PendingOp, PendingQueue, is_batch
from utils.store.reconcile import decide
from utils.store.snapshot_cache import SnapshotCache
from utils.store.xlsx_patch import SheetXml, XlsxError, XlsxWorkbook, from_serial
from utils.store.xlsx_read import read_workbook, remove_stale_temps

DEFAULT_WORKBOOK = "data/sheetdesk.xlsx"
WRITE_TABS = (*TAB_NAMES, "settings")  # the tabs whose records saves write (history apart)
WIDE = ("description", "progress_log", "notes", "old", "new", "note")  # wide columns
LOCK_TIMEOUT = 15.0
ID_LOCK_TIMEOUT = 3.0


class WorkbookBusy(Exception):
    """The workbook cannot be written now; the reason is in the message."""


class LocalWorkbookStore(Store):
    kind = "local"

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        lang: str = "en",
        clock: Callable[[], dt.datetime] = now_seconds,
    ) -> None:
        self.path = Path(path).expanduser().resolve()
        self.lang = lang
        super().__init__(PendingQueue(f"{self.path}.pending"), clock)
        self.file_lock = FileLock(f"{self.path}.lock", timeout=LOCK_TIMEOUT)
        self.id_lock = FileLock(f"{self.path}.ids.lock", timeout=ID_LOCK_TIMEOUT)
        self._snapshot_cache: SnapshotCache | None = None

    def describe(self) -> str:
        return str(self.path)

    def display_name(self) -> str:
        return self.path.name

    def _version(self) -> object:
        try:
            st = self.path.stat()
            return (st.st_mtime_ns, st.st_size, self.queue.state())
        except FileNotFoundError:
            return ("missing", self.queue.state())

    # ---- reading ----
    def _disk_cache(self) -> SnapshotCache | None:
        """The validated snapshot kept beside the workbook (`<workbook>.cache/`), which a new
        process reads instead of the workbook while the workbook is unchanged."""
        if os.environ.get("SHEETDESK_SNAPSHOT_CACHE", "1").strip().lower() in ("0", "no", "off"):
            return None
        if self._snapshot_cache is None:
            self._snapshot_cache = SnapshotCache(self.path)
        return self._snapshot_cache

    def _read_raw(self) -> RawTabs:
        """The tables' tabs, read by `xlsx_read` (guarded against hostile and damaged files:
        raises BadWorkbookError; the result's `problems` lists the cells it ignored)."""
        if not self.path.exists():
            return {}
        _remove_leftovers(self.path, self.file_lock)
        return read_workbook(self.path)

    def _read_row(self, tab: str, record_id: str) -> dict | None:
        if not self.path.exists():
            return None
        try:
            with XlsxWorkbook(str(self.path)) as wb:
                title = find_sheet(wb, tab)
                if title is None:
                    return None
                header = wb.header(title)
                layout, _ = read_layout(tab, header, title)
                sheet = wb.sheet(title)
                number = _find_row(wb, sheet, layout.index.get(TABLES[tab].id_field), record_id)
                if number is None:
                    return None
                cells = sheet.row_cells(number)
                raw = {}
                for fname, i in layout.index.items():
                    value = wb.cell_value(cells.get(i))
                    column = TABLES[tab].by_field[fname]
                    if column.kind in (DATE, DATETIME) and isinstance(value, float):
                        try:
                            value = from_serial(value)
                        except ValueError:
                            pass  # no calendar has it: the parser reports the number
                    raw[fname] = value
                return raw
        except XlsxError as exc:
            raise BadWorkbookError(path=str(self.path), detail=str(exc)) from exc

    def _taken_ids(self, tab: str) -> set[str]:
        register = self._id_register()
        if not register.exists():
            return set()
        return set(register.read_text(encoding="utf-8").split())

    def _id_register(self) -> Path:
        day = self.clock().strftime("%Y%m%d")
        return Path(f"{self.path}.pending") / f"ids-{day}.txt"

    def new_id(self, tab: str) -> str:
        """Draw an ID and record it in the day's register under a lock of its own (held for
        a moment, never while the workbook is being written), so another process drawing at
        the same moment sees it as taken. If the register cannot be used (its lock is held
        too long, the folder is read-only) the ID is drawn from what is known: a clash with
        another process's draw is then caught when the save is written (`reconcile.decide`
        sets it aside as a conflict), never written over another record."""
        try:
            with self.id_lock:
                record_id = super().new_id(tab)
                self._register_id(record_id)
                return record_id
        except (Timeout, OSError):
            return super().new_id(tab)

    def _register_id(self, record_id: str) -> None:
        register = self._id_register()
        register.parent.mkdir(parents=True, exist_ok=True)
        with open(register, "a", encoding="utf-8") as fh:
            fh.write(record_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        for old in register.parent.glob("ids-*.txt"):
            if old != register:
                old.unlink(missing_ok=True)

    # ---- writing ----
    def _apply_pending(self) -> str:
        try:
            with self.file_lock:
                items = list(self.queue)
                if not items:
                    return ""
                busy = self._busy_reason()
                if busy:
                    raise WorkbookBusy(busy)
                if not self.path.exists():
                    self._create(self.lang)
                done = self._write(items)
                # still under the lock: another process must never see a written save as
                # waiting (it would check it again against a newer row and set it aside)
                for path in done:
                    self.queue.done(path)
                remove_stale_temps(self.path)
        except (Timeout, WorkbookBusy, OSError, BadWorkbookError) as exc:
            reason = str(exc) or type(exc).__name__
            noted: set[Path] = set()
            for path, op in self.queue:
                if op.error != reason and path not in noted:
                    self.queue.set_error(path, op, reason)  # a bulk file once, whole
                    noted.add(path)
            return reason
        return ""

    def _busy_reason(self) -> str:
        folder, name = self.path.parent, self.path.name
        for owner in (folder / f"~${name}", folder / f".~lock.{name}#"):
            if owner.exists():
                return f"the workbook is open in a spreadsheet program ({owner.name})"
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return ""
        if not mode & stat.S_IWUSR:
            return "the workbook is read-only"
        return ""

    def _write(self, items: list[tuple[Path, PendingOp]]) -> list[Path]:
        """Apply the saves to a copy of the workbook and put it in place. Returns the queue
        files that are now in the workbook (or were already: applying twice is a no-op)."""
        try:
            wb = XlsxWorkbook(str(self.path))
        except XlsxError as exc:
            raise BadWorkbookError(path=str(self.path), detail=str(exc)) from exc
        failed: set[Path] = set()
        waiting: set[Path] = set()  # files whose tab cannot be edited: no history for them
        aside: set[str] = set()  # saves set aside (conflicts): their history is not written
        done: set[str] = set()  # saves already in the workbook (written before a crash …)
        with wb:
            for tab in WRITE_TABS:
                ops = [(path, op) for path, op in items if op.tab == tab and op.kind != "history"]
                if not ops:
                    continue
                try:
                    title = find_sheet(wb, tab) or self._add_tab(wb, tab)
                    set_aside, already = _apply_ops(
                        wb, title, tab, ops, wb.date_styles(), lang=self.lang
                    )
                except XlsxError as exc:  # this tab cannot be edited safely: its saves wait
                    for path, op in ops:
                        self.queue.set_error(path, op, str(exc))
                        failed.add(path)
                        waiting.add(path)
                    continue
                done |= already
                for path, op, reason in set_aside:
                    self.queue.to_conflicts(path, op, reason)
                    failed.add(path)
                    aside.add(op.op_id)
            rows, check = [], set()
            for path, op in items:  # (a bulk load's summary row: whatever became of its first)
                if path in waiting or (op.op_id in aside and not is_batch(path)):
                    continue
                rows += op.history
                if op.kind == "history" or op.op_id in done:  # may be there already
                    check |= {str(row["change_id"]) for row in op.history}
            self._write_history(wb, rows, check)
            tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
            try:
                wb.save(str(tmp))
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            finally:
                tmp.unlink(missing_ok=True)
        return list(dict.fromkeys(p for p, _ in items if p not in failed))

    def _add_tab(self, wb: XlsxWorkbook, tab: str) -> str:
        lang = _workbook_lang(wb, self.lang)  # a tab deleted by hand: as the others speak
        title = TABLES[tab].label(lang)
        wb.add_sheet(title, TABLES[tab].header(lang))
        return title

    def _write_history(self, wb: XlsxWorkbook, rows: list[dict], check: set[str]) -> None:
        """Add the saves' history rows at the end of the `changes` tab (made if missing),
        leaving out those in `check` whose change ID is in the tab already. A tab that cannot
        be edited keeps every save waiting: a save is never written without its history."""
        if not rows:
            return
        table = TABLES["changes"]
        try:
            title = find_sheet(wb, "changes") or self._add_tab(wb, "changes")
            header = wb.header(title)
            _add_missing_headers(wb, title, "changes", "zh" if _looks_chinese(header) else "en")
            lang = _tab_lang(wb, title, "changes", self.lang)
            layout, _ = read_layout("changes", wb.header(title), title)
            sheet = wb.sheet(title)
            id_index = layout.index[table.id_field]
            there = {c for c in check if _find_row(wb, sheet, id_index, c) is not None}
            first_new = sheet.last_data_row() + 1
            above = sheet.row_cells(first_new - 1) if first_new > 2 else {}
            styles = wb.date_styles()
            new_rows: list[dict[int, object]] = []
            new_styles: dict[int, str] = {}
            for row in rows:
                if str(row["change_id"]) in there:
                    continue
                there.add(str(row["change_id"]))
                cells, cell_styles = _cells(table, layout.index, row, above, styles, lang)
                new_rows.append(cells)
                new_styles.update(cell_styles)
            sheet.append_rows(first_new, new_rows, new_styles)
        except (XlsxError, ValueError, KeyError) as exc:
            raise WorkbookBusy(f"the change history tab cannot be written ({exc})") from exc

    # ---- creating ----
    def init(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        added: list[str] = []
        try:
            self.file_lock.acquire()
        except Timeout as exc:
            raise StoreError("store.locked", path=str(self.path)) from exc
        try:
            if not self.path.exists():
                self._create(lang)
                return [TABLES[t].label(lang) for t in ALL_TAB_NAMES]
            try:
                wb = XlsxWorkbook(str(self.path))
            except XlsxError as exc:
                raise BadWorkbookError(path=str(self.path), detail=str(exc)) from exc
            with wb:
                own = _workbook_lang(wb, lang)  # the app's own tabs: the workbook's language
                for tab in ALL_TAB_NAMES:
                    title = find_sheet(wb, tab)
                    if title is None:
                        tab_lang = lang if tab in TAB_NAMES else own
                        title = TABLES[tab].label(tab_lang)
                        wb.add_sheet(title, TABLES[tab].header(tab_lang))
                        if tab == "settings":
                            wb.sheet(title).append_rows(2, _settings_rows(tab_lang), {})
                        added.append(title)
                        continue
                    added += [f"{title}: {h}" for h in _add_missing_headers(wb, title, tab, lang)]
                if added:
                    tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
                    try:
                        wb.save(str(tmp))
                        os.replace(tmp, self.path)
                    finally:
                        tmp.unlink(missing_ok=True)
        finally:
            self.file_lock.release()
        self.invalidate()
        return added

    def _create(self, lang: str) -> None:
        """A new workbook with the three tabs, the change history and the settings (one row
        per setting, blank: the defaults): bold, frozen header row in `lang`."""
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lang_settled = True  # made in `lang`: it speaks it from now on
        wb = Workbook()
        wb.remove(wb.active)
        for tab in ALL_TAB_NAMES:
            ws = wb.create_sheet(TABLES[tab].label(lang))
            ws.append(TABLES[tab].header(lang))
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
            ws.freeze_panes = "A2"
            for i, column in enumerate(TABLES[tab].columns, start=1):
                width = 36 if column.field in WIDE else 16
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width
            if tab == "settings":
                for row in _settings_rows(lang):
                    ws.append([row.get(i) for i in range(len(TABLES[tab].columns))])
                    for cell in ws[ws.max_row]:
                        cell.number_format = "@"  # values typed later stay text
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            wb.save(tmp)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)


def _remove_leftovers(path: Path, lock: FileLock) -> None:
    """Remove the temporary copies a crashed save left beside the workbook (see
    `xlsx_read.remove_stale_temps`), only while the workbook's lock is free this instant: a
    save under way is never disturbed, and a busy lock just skips the tidying."""
    try:
        with lock.acquire(timeout=0):
            remove_stale_temps(path)
    except (Timeout, OSError):
        pass


def _settings_rows(lang: str) -> list[dict[int, object]]:
    """A new settings tab's rows (key, blank value, note) as column index → value."""
    from utils.settings_sheet import default_rows

    return [{0: key, 2: note} for key, _, note in default_rows(lang)]


def _workbook_lang(wb: XlsxWorkbook, default: str) -> str:
    """The language of the workbook's data tabs (titles and headers), else `default`."""
    found = {}
    for tab in TAB_NAMES:
        title = find_sheet(wb, tab)
        if title is not None:
            found[tab] = (title, wb.header(title))
    return sheet_language(found) or default


def _tab_lang(wb: XlsxWorkbook, title: str, tab: str, default: str) -> str:
    """The language of one tab's header (its title when the header says nothing), else that
    of the workbook, else `default`."""
    return sheet_language({tab: (title, wb.header(title))}) or _workbook_lang(wb, default)


def find_sheet(wb: XlsxWorkbook, tab: str) -> str | None:
    for title in wb.sheet_parts:
        if match_tab(title) == tab:
            return title
    return None


def _add_missing_headers(wb: XlsxWorkbook, title: str, tab: str, lang: str) -> list[str]:
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


def _find_row(wb: XlsxWorkbook, sheet: SheetXml, id_index: int | None, record_id: str):
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


def _row_values(wb: XlsxWorkbook, cells: dict, index: dict[str, int], table) -> dict:
    """A row's raw values by field (date serials as datetimes), for `reconcile.decide`."""
    out = {}
    for fname, i in index.items():
        value = wb.cell_value(cells.get(i))
        if table.by_field[fname].kind in (DATE, DATETIME) and isinstance(value, float):
            try:
                value = from_serial(value)
            except (OverflowError, ValueError):
                pass  # an absurd serial: compared as the number it is
        out[fname] = value
    return out


def _apply_ops(
    wb: XlsxWorkbook,
    title: str,
    tab: str,
    ops: list[tuple[Path, PendingOp]],
    styles: tuple[str, str],
    *,
    lang: str = "en",
) -> tuple[list[tuple[Path, PendingOp, str]], set[str]]:
    """Apply one tab's saves in order: new rows are added in one edit at the end, updates
    change their row in place when `reconcile.decide` says so. Returns the saves set aside,
    with why: a conflict, or a save that could not be written (the others go on); and the
    op IDs of the saves already in the tab (nothing to write). Choice cells are written as
    their labels in the language of the tab's header (else `lang`)."""
    table = TABLES[tab]
    _add_missing_headers(wb, title, tab, "zh" if _looks_chinese(wb.header(title)) else "en")
    lang = _tab_lang(wb, title, tab, lang)
    layout, _ = read_layout(tab, wb.header(title), title)
    sheet = wb.sheet(title)
    id_index = layout.index[table.id_field]
    rows_by_id = {op.record_id: _find_row(wb, sheet, id_index, op.record_id) for _, op in ops}
    first_new = sheet.last_data_row() + 1
    above = sheet.row_cells(first_new - 1) if first_new > 2 else {}
    new_rows: dict[str, dict[int, object]] = {}
    new_styles: dict[int, str] = {}
    failed = []
    done: set[str] = set()
    for path, op in ops:
        try:
            if op.record_id in new_rows:  # an append, or an update of a row added in this write
                if op.kind == "update":
                    cells, _ = _cells(table, layout.index, op.values, above, styles, lang)
                    new_rows[op.record_id].update(cells)
                continue
            number = rows_by_id.get(op.record_id)
            row = _row_values(wb, sheet.row_cells(number), layout.index, table) if number else None
            decision, fields = decide(tab, op, row)
            if decision == "done":
                done.add(op.op_id)
                continue
            if decision == "conflict":
                failed.append((path, op, _conflict_reason(op, fields)))
                continue
            if op.kind == "append":
                cells, cell_styles = _cells(table, layout.index, op.values, above, styles, lang)
                new_rows[op.record_id] = cells
                new_styles.update(cell_styles)
            else:
                if number is None:  # `decide` calls an update of a missing row a conflict
                    raise KeyError(op.record_id)
                model = sheet.row_cells(number)
                cells, cell_styles = _cells(table, layout.index, op.values, model, styles, lang)
                sheet.set_row(number, cells, cell_styles)
        except (ValueError, TypeError, KeyError, XlsxError) as exc:
            failed.append((path, op, f"could not be written: {exc}"))
    sheet.append_rows(first_new, list(new_rows.values()), new_styles)
    return failed, done


def _conflict_reason(op: PendingOp, fields: list[str]) -> str:
    if op.kind == "append":
        return "another record already has this ID"
    if not fields:
        return "the row is no longer in the workbook"
    return "changed in the workbook meanwhile: " + ", ".join(fields)


def _cells(table, index, values, model_row, styles, lang="en"):
    """Column index → value for one record, and the styles to give the cells: a cell keeps
    the style of `model_row`'s cell in its column (the row above, or the row itself) so
    colours and fonts carry on; dates get a date format unless that cell already has one; a
    choice is written as its label in `lang` (`来访`, `Walk-in`), as people read it."""
    date_style, dt_style = styles
    cells: dict[int, object] = {}
    cell_styles: dict[int, str] = {}
    for fname, value in values.items():
        i = index.get(fname)
        if i is None:
            continue
        column = table.by_field[fname]
        kind = column.kind
        model = model_row.get(i)
        if kind == CHOICE and column.choices is not None and isinstance(value, str):
            value = column.choices.label(value, lang)
        if kind in (DATE, DATETIME) and isinstance(value, dt.date):
            if kind == DATE and isinstance(value, dt.datetime):
                value = value.date()
            numeric = model is not None and model.type == "n" and model.inner and model.style
            cell_styles[i] = model.style if numeric else (date_style if kind == DATE else dt_style)
        elif model is not None and model.style:
            cell_styles[i] = model.style
        cells[i] = value
    return cells, cell_styles


def _looks_chinese(header: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for h in header for ch in h)
