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

Finding tabs, rows and languages in the workbook: `local_tabs`; laying the saves and their
history rows on its tabs: `local_write`.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from sheets_schema.columns import DATE, DATETIME
from sheets_schema.tables import ALL_TAB_NAMES, TAB_NAMES, TABLES
from sheets_schema.validate import read_layout
from utils.errors import BadWorkbookError, StoreError
from utils.store.base import Store, now_seconds
from utils.store.local_tabs import add_missing_headers, find_row, find_sheet, workbook_lang
from utils.store.local_write import append_history, apply_ops
from utils.store.pending import PendingOp, PendingQueue, is_batch
from utils.store.raw_tabs import RawTabs
from utils.store.snapshot_cache import SnapshotCache
from utils.store.xlsx_patch import XlsxError, XlsxWorkbook, from_serial
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
                number = find_row(wb, sheet, layout.index.get(TABLES[tab].id_field), record_id)
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
                busy = self.busy_reason()
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

    def busy_reason(self) -> str:
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
                    set_aside, already = apply_ops(
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
        lang = workbook_lang(wb, self.lang)  # a tab deleted by hand: as the others speak
        title = TABLES[tab].label(lang)
        wb.add_sheet(title, TABLES[tab].header(lang))
        return title

    def _write_history(self, wb: XlsxWorkbook, rows: list[dict], check: set[str]) -> None:
        """Add the saves' history rows at the end of the `changes` tab (made if missing),
        leaving out those in `check` whose change ID is in the tab already. A tab that cannot
        be edited keeps every save waiting: a save is never written without its history."""
        if not rows:
            return
        try:
            title = find_sheet(wb, "changes") or self._add_tab(wb, "changes")
            append_history(wb, title, rows, check, self.lang)
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
                own = workbook_lang(wb, lang)  # the app's own tabs: the workbook's language
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
                    added += [f"{title}: {h}" for h in add_missing_headers(wb, title, tab, lang)]
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
