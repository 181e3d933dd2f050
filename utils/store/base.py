"""The store interface and what both backends share: reading, caching, saving, the writer.

A backend supplies four primitives — read the three tabs' raw cells, read one row fresh, apply
the pending saves, create missing tabs and headers — and this base class does the rest the same
way for the local workbook and for Google Sheets:

- `read()`   → a `Snapshot` (`utils.store.snapshot`: valid records as DataFrames + problems),
  pending saves included (`utils.store.raw_tabs`), cached until the spreadsheet changes (local)
  or for the cache window (Google);
- `append()` → validate, give the record an ID, stamp `updated_at`/`updated_by`, put it in the
  pending queue, then try to write it;
- `update()` → validate the changed fields, read the row fresh and refuse with `ConflictError`
  (both versions) if its `updated_at` is not the one the user edited, then queue and write;
- every save carries its change-history rows (`utils.history`) in the same queue file, and the
  backend writes them to the `changes` tab with the save (`PendingOp.history`);
  `record_export()` registers data taken out of the app (a download, a report) the same way
  (what a save is made of: `utils.store.saves`);
- `flush()` writes the pending saves; in the background (the app) a writer thread does, and
  retries while it cannot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from sheets_schema.tables import TABLES
from utils import clock
from utils.errors import RecordNotFound, SheetdeskError
from utils.store.ids import new_id
from utils.store.pending import PendingOp, PendingQueue
from utils.store.raw_tabs import (
    RawTabs,
    history_of,
    parse_row,
    pending_ids,
    raw_lang,
    validate_tabs,
)
from utils.store.saves import (
    SaveResult,
    bulk_ops,
    checked_changes,
    export_op,
    new_record_op,
    tab_fields,
    update_op,
)
from utils.store.snapshot import Snapshot, row_dict, settings_lang

# `row_dict` (of `utils.store.snapshot`) is imported from here by the operations and the CLI
__all__ = ["Store", "now_seconds", "row_dict"]


def now_seconds() -> dt.datetime:
    return clock.now()


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Store(ABC):
    """One interface, two backends. Pass a store in; never import a backend from a page."""

    kind = "abstract"
    lang = "en"  # the language a new spreadsheet is made in (backends set it; `offer_lang`)
    lang_configured = False  # True: `lang` is the team's configured language, not offered

    def __init__(self, queue: PendingQueue, clock: Callable[[], dt.datetime] = now_seconds):
        self.queue = queue
        self.clock = clock
        self._lock = threading.RLock()  # the cache and the queue
        self._flush_lock = threading.Lock()  # one writer at a time in this process
        self._cached: tuple[object, Snapshot] | None = None
        self.background = False
        self.retry_seconds = 10.0
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None
        # why the writer thread stopped with saves still waiting ("" while all is well): shown
        # where people look; the next save starts a new writer
        self.writer_failure = ""
        self._lang_settled = False  # True once the spreadsheet speaks a language: `lang` stays

    # ---- what a backend supplies ----
    @abstractmethod
    def describe(self) -> str:
        """Which spreadsheet or workbook, in full (the command line, logs)."""

    def display_name(self) -> str:
        """Which spreadsheet or workbook, as staff know it (a file name, not a server path)."""
        return self.describe()

    @abstractmethod
    def _read_raw(self) -> RawTabs:
        """The three tabs' cells (header row first). A missing tab is left out."""

    @abstractmethod
    def _read_row(self, tab: str, record_id: str) -> dict | None:
        """One row by ID, fresh from the spreadsheet, as raw cell values by field."""

    @abstractmethod
    def _apply_pending(self) -> str:
        """Write every pending save to the spreadsheet; '' if all written, else the reason."""

    @abstractmethod
    def init(self, lang: str = "en") -> list[str]:
        """Create missing tabs and header cells; never delete data. Returns what was added."""

    def _version(self) -> object:
        """A token that changes when the spreadsheet may have changed (None: don't cache)."""
        return None

    def _taken_ids(self, tab: str) -> set[str]:
        return set()

    # ---- reading ----
    def read(self, *, fresh: bool = False) -> Snapshot:
        with self._lock:
            version = self._version()
            if not fresh and self._cached and version is not None and self._cached[0] == version:
                return self._cached[1]
            disk = self._disk_cache()  # a validated snapshot on disk (`snapshot_cache`)
            key, snapshot = disk.lookup(self) if disk is not None else (None, None)
            if snapshot is None:
                # the waiting saves before the cells: a save the writer puts in the sheet
                # meanwhile is then in one or the other (laid over twice is harmless), never
                # in neither (read the cells first, and a save written and taken off the queue
                # in between would be missing from this snapshot)
                ops = self.queue.ops()
                with _no_gc():  # a read allocates millions of small objects and frees none:
                    raw = self._read_raw()  # the cyclic GC would walk them all, for nothing
                    snapshot = self._snapshot(raw, ops)
                snapshot.sheet_lang = raw_lang(raw)
                if key is not None:
                    disk.keep(key, snapshot)
            self._cached = (version, snapshot)
            return snapshot

    def _disk_cache(self):  # a backend's `snapshot_cache.SnapshotCache`
        """The backend's snapshot cache on disk, or None (none: every read is a full one)."""
        return None

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None

    # ---- the spreadsheet's language ----
    def sheet_lang(self) -> str:
        """The language to write in — choice labels, progress-log lines, history texts: the
        language the spreadsheet's headers are in (found with the last read, kept with its
        snapshot; read now only when nothing was read yet), else the settings tab's
        `language`, else `lang` (configured, or offered by the person about to save)."""
        with self._lock:
            snapshot = self._cached[1] if self._cached is not None else None
        if snapshot is None:
            try:
                snapshot = self.read()
            except SheetdeskError:  # cannot be read now: what a new one would be made in
                return self.lang
        if snapshot.sheet_lang:
            return snapshot.sheet_lang
        if not self.lang_configured:
            configured = settings_lang(snapshot)
            if configured:
                return configured
        return self.lang

    def offer_lang(self, lang: str) -> None:
        """The language of the person about to save (the app calls this with the session's
        language): a new spreadsheet is made in it when no language is configured. No effect
        once the spreadsheet speaks a language, or while saves wait to be written (the first
        of them is making it)."""
        if self.lang_configured or self._lang_settled:
            return
        with self._lock:
            snapshot = self._cached[1] if self._cached is not None else None
        if snapshot is not None and (snapshot.sheet_lang or settings_lang(snapshot)):
            self._lang_settled = True
            return
        if len(self.queue):
            return
        self.lang = "zh" if str(lang).lower().startswith("zh") else "en"

    def _snapshot(self, raw: RawTabs, ops: list[PendingOp]) -> Snapshot:
        results, problems = validate_tabs(raw, ops)
        return Snapshot(
            frames={t: r.frame for t, r in results.items()},
            problems=problems,
            read_at=self.clock(),
            source=self.describe(),
            pending=len(ops),
            pending_ids=pending_ids(ops),
            conflicts=[op for op in self.queue.conflicts() if op.kind != "history"],
            damaged=self.queue.damaged(),
            layouts={t: r.layout for t, r in results.items()},
            history=history_of(raw, results, ops),
        )

    def current(self, tab: str, record_id: str) -> dict | None:
        """One record as it is now in the spreadsheet (pending saves included), parsed. From
        the cache when the spreadsheet has not changed since it was read."""
        with self._lock:
            if self._cached is not None and self._cached[0] == self._version():
                found = self._cached[1].record(tab, record_id)
                if found is not None:
                    found.pop("_row", None)
                    return found
        return self._fresh_record(tab, record_id)

    def _fresh_record(self, tab: str, record_id: str) -> dict | None:
        """One record read from the spreadsheet now, pending saves laid over it, parsed."""
        raw = self._read_row(tab, record_id)
        for op in self.queue.ops():
            if op.tab == tab and op.record_id == record_id:
                raw = {**(raw or {}), **op.values}
        if raw is None:
            return None
        return parse_row(tab, raw)

    # ---- writing ----
    def new_id(self, tab: str) -> str:
        table = TABLES[tab]
        # the last snapshot is enough, even if stale: IDs this app drew since are in the
        # queue or (local) in the day's register; a person would have to type one of our
        # random IDs by hand to collide
        snapshot = self._cached[1] if self._cached is not None else self.read()
        taken = set(snapshot.frames[tab][table.id_field]) | self._taken_ids(tab)
        taken |= {op.record_id for op in self.queue.ops() if op.tab == tab}
        return new_id(table.id_prefix, taken, self.clock().date())

    def append(self, tab: str, record: dict, *, user: str) -> SaveResult:
        id_field = TABLES[tab].id_field
        record = tab_fields(tab, record)
        with self._lock:
            if not record.get(id_field):
                record[id_field] = self.new_id(tab)
            op = new_record_op(tab, record, user=user, at=self.clock(), lang=self.sheet_lang)
            return self._save(op)

    def append_many(self, tab: str, records: list[dict], *, user: str) -> tuple[list, list]:
        """Bulk load (import, demo): every valid record is appended in one write. Returns
        (saved IDs, [(index, problems)] of the records refused)."""
        table = TABLES[tab]
        stamp = self.clock()
        taken = set(self.read().frames[tab][table.id_field]) | self._taken_ids(tab)
        with self._lock:
            ops, refused = bulk_ops(
                tab, records, user=user, stamp=stamp, taken=taken, lang=self.sheet_lang
            )
            self.queue.put_many(ops)
            self.invalidate()
        self.flush()
        return [op.record_id for op in ops], refused

    def update(
        self,
        tab: str,
        record_id: str,
        changes: dict,
        *,
        seen: dict,
        user: str,
        force: bool = False,
    ) -> SaveResult:
        """Change some fields of one record. `seen` is the record as the person saw it when
        they began (the form's version). Refused with `ConflictError` when a cell this save
        writes no longer holds what they saw — changed by hand in the spreadsheet or by
        another save meanwhile — unless `force` (they saw both versions and keep theirs).
        Cells the save does not write are left as the spreadsheet has them. The same check is
        made again when the save is written (`reconcile.decide`), so a change made after this
        moment is caught too."""
        with self._lock:
            current = self.current(tab, record_id)
            if current is None:
                raise RecordNotFound(tab=tab, record_id=record_id)
            clean, written = checked_changes(
                tab, record_id, changes, current, seen=seen, force=force
            )
            op = update_op(
                tab,
                record_id,
                current,
                clean,
                written,
                user=user,
                now=self.clock(),
                lang=self.sheet_lang,
            )
            return self._save(op, merged={**current, **clean, **op.values})

    def record_export(
        self, user: str, what: str, rows: int, note: str = "", *, kind: str | None = None
    ) -> SaveResult:
        """Register data taken out of the app — a table downloaded as CSV or Excel (`what` =
        clients / complaints / revisits / settings: kind "download"), a monthly report or
        anything else (`what` = "report" …: kind "export") — as one `changes` row, through the
        same pending queue as a save. `rows`: how many rows left; `note`: e.g. "report
        2026-11". Returns the row as a SaveResult (tab "changes", record_id its change ID)."""
        with self._lock:
            op = export_op(
                what,
                rows,
                user=user,
                at=self.clock(),
                lang=self.sheet_lang,
                note=note,
                kind=kind,
            )
            return self._save(op)

    def _save(self, op: PendingOp, merged: dict | None = None) -> SaveResult:
        record = merged or op.values
        if op.kind == "history":
            record = op.history[0] if op.history else {}
        with self._lock:
            before = self._version()
            self.queue.put(op)  # durable from here on: nothing the user typed can be lost
            patch = [] if op.kind == "history" else [(op.tab, record)]
            self._patch_cache(before, patch, op.history)
        if self.background:
            self._wake_writer()
            return SaveResult(op.tab, op.record_id, record, True, "")
        error = self.flush()
        still_pending = any(o.op_id == op.op_id for o in self.queue.ops())
        return SaveResult(op.tab, op.record_id, record, still_pending, error)

    def _patch_cache(
        self, before: object, records: list[tuple[str, dict]], history: Sequence[dict] = ()
    ) -> None:
        """Our own save (and its history rows), laid over the cached snapshot — so the writer
        sees it at once without a re-read — provided the cache was current when the save was
        queued."""
        if self._cached is None or before is None or self._cached[0] != before:
            self._cached = None
            return
        snapshot = self._cached[1]
        for tab, record in records:
            snapshot = snapshot.with_record(tab, record)
        if history:
            snapshot = snapshot.with_new_rows("changes", list(history))
        ops = self.queue.ops()
        snapshot = replace(snapshot, pending=len(ops), pending_ids=pending_ids(ops))
        self._cached = (self._version(), snapshot)

    def flush(self) -> str:
        """Try to write every pending save. Returns '' or why some could not be written."""
        with self._flush_lock:
            with self._lock:
                if not len(self.queue):
                    return ""
                before = self._version()
            error = self._apply_pending()
            with self._lock:
                # the spreadsheet now holds what the cached snapshot already showed
                self._patch_cache(before, [])
            return error

    def _wake_writer(self) -> None:
        """Background writing (the app): saves return at once, a writer thread puts them in
        the spreadsheet and retries every `retry_seconds` while it cannot."""
        self._wake.set()
        if self._writer is None or not self._writer.is_alive():
            self._writer = threading.Thread(
                target=self._write_loop, daemon=True, name=f"sheetdesk-writer-{self.kind}"
            )
            self._writer.start()

    def _write_loop(self) -> None:
        try:
            while True:
                self._wake.clear()
                error = self.flush()
                if not len(self.queue):
                    self.writer_failure = ""
                    return
                self._wake.wait(self.retry_seconds if error else 0.05)
        except BaseException as exc:  # never silently: say why, then let the thread end
            self.writer_failure = f"{type(exc).__name__}: {exc}"
            raise

    def pending_count(self) -> int:
        return len(self.queue)
