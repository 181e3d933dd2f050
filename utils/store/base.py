"""The store interface and what both backends share: snapshots, saves, the pending overlay.

A backend supplies four primitives — read the three tabs' raw cells, read one row fresh, apply
the pending saves, create missing tabs and headers — and this base class does the rest the same
way for the local workbook and for Google Sheets:

- `read()`   → a `Snapshot` (valid records as DataFrames + problems), pending saves included,
  cached until the spreadsheet changes (local) or for the cache window (Google);
- `append()` → validate, give the record an ID, stamp `updated_at`/`updated_by`, put it in the
  pending queue, then try to write it;
- `update()` → validate the changed fields, read the row fresh and refuse with `ConflictError`
  (both versions) if its `updated_at` is not the one the user edited, then queue and write;
- every save carries its change-history rows (`utils.history`) in the same queue file, and the
  backend writes them to the `changes` tab with the save (`PendingOp.history`);
  `record_export()` registers data taken out of the app (a download, a report) the same way.

The snapshot holds the three data tables and the settings tab (`frames`), validated alike, with
bad settings values among its `problems` (`utils.settings`). The change history is validated
when it is first used (`Snapshot.changes`, `Snapshot.history_problems`: its bad rows and the
records the app saved that are no longer in the spreadsheet) — it grows with every save, and
the pages that do not show it should not wait for it (`utils.store.lazy_history`);
`Snapshot.all_problems` is everything, for Data health and `check`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from sheets_schema.parse import parse_datetime, parser_for
from sheets_schema.problems import Problem
from sheets_schema.tables import (
    ALL_TAB_NAMES,
    SYSTEM_TAB_NAMES,
    TAB_NAMES,
    TABLES,
    sheet_language,
)
from sheets_schema.validate import (
    Layout,
    TabResult,
    check_references,
    read_layout,
    records_frame,
    validate_record,
    validate_rows,
)
from utils import clock
from utils import history as hist
from utils.errors import ConflictError, InvalidRecord, RecordNotFound, SheetdeskError
from utils.policy_checks import level_problems
from utils.settings_sheet import sheet_problems, sheet_values
from utils.store.lazy_history import LazyHistory
from utils.store.pending import DamagedSave, PendingOp, PendingQueue
from utils.store.reconcile import STAMPS, changed_cells, decide

RawTabs = dict[str, tuple[str, list[list[object]]]]  # tab → (sheet title, rows incl. header)


def now_seconds() -> dt.datetime:
    return clock.now()


@dataclass
class Snapshot:
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]
    read_at: dt.datetime
    source: str
    pending: int = 0
    pending_ids: dict[str, set[str]] = field(default_factory=dict)
    conflicts: list[PendingOp] = field(default_factory=list)
    damaged: list[DamagedSave] = field(default_factory=list)  # unreadable pending-save files
    layouts: dict[str, Layout | None] = field(default_factory=dict)
    # the change history, validated on first use (see `changes`)
    history: LazyHistory = field(default_factory=LazyHistory.empty, repr=False)
    # the language the spreadsheet's headers are in, found when it was read (None: no
    # header to go by — a new workbook); `Store.sheet_lang()` is what to write in
    sheet_lang: str | None = None

    @property
    def clients(self) -> pd.DataFrame:
        return self.frames["clients"]

    @property
    def complaints(self) -> pd.DataFrame:
        return self.frames["complaints"]

    @property
    def revisits(self) -> pd.DataFrame:
        return self.frames["revisits"]

    @property
    def changes(self) -> pd.DataFrame:
        """The change history tab, validated on first use (`utils.history.history` gives one
        record's, newest first)."""
        return self.history.result()[0]

    @property
    def history_problems(self) -> list[Problem]:
        """The change history's bad rows, and the records the app saved that are no longer in
        the spreadsheet (validated on first use, with `changes`)."""
        return self.history.result()[1]

    @property
    def all_problems(self) -> list[Problem]:
        """`problems` and `history_problems`: everything, for Data health and `check`."""
        return [*self.problems, *self.history_problems]

    @property
    def settings(self) -> pd.DataFrame:
        """The settings tab's rows (`utils.settings.load_settings(sheet_rows=…)` reads them)."""
        return self.frames["settings"]

    def record(self, tab: str, record_id: str) -> dict | None:
        """One valid record as a dict (NaT/NA → None), or None."""
        frame = self.frames[tab]
        hits = frame[frame[TABLES[tab].id_field] == record_id]
        if hits.empty:
            return None
        return row_dict(hits.iloc[0])

    def with_record(self, tab: str, record: dict) -> Snapshot:
        """A copy with one record added or replaced (our own save, before a re-read)."""
        id_field = TABLES[tab].id_field
        frame = self.frames[tab]
        new = records_frame(tab, [record])
        at = frame.index[frame[id_field] == record[id_field]]
        if len(at):
            new["_row"] = frame.loc[at[0], "_row"]
            frame = frame.copy()
            for column in new.columns:
                frame.loc[at[0], column] = new[column].iloc[0]
        else:
            frame = pd.concat([frame, new], ignore_index=True) if len(frame) else new
        return replace(self, frames={**self.frames, tab: frame})

    def with_new_rows(self, tab: str, records: list[dict]) -> Snapshot:
        """A copy with rows added at the end (history rows: new IDs, no look-up)."""
        if not records:
            return self
        if tab == "changes":
            return replace(self, history=self.history.plus(records))
        frame, new = self.frames[tab], records_frame(tab, records)
        new["_row"] = pd.array([None] * len(new), dtype="Int64")
        frame = pd.concat([frame, new], ignore_index=True) if len(frame) else new
        return replace(self, frames={**self.frames, tab: frame})

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def is_empty(self) -> bool:
        """No client, complaint or revisit (history and settings do not count)."""
        return all(self.frames[t].empty for t in TAB_NAMES if t in self.frames)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def row_dict(row: pd.Series) -> dict:
    out: dict[Hashable, object] = {}
    for key, value in row.items():
        if key == "_row":
            out[key] = None if pd.isna(value) else int(value)
        elif isinstance(value, pd.Timestamp):
            out[key] = value.to_pydatetime()
        elif value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out


@dataclass
class SaveResult:
    tab: str
    record_id: str
    record: dict
    pending: bool  # True: kept in the pending queue, not in the spreadsheet yet
    error: str = ""  # why it is pending, in English (pages show their own words)


def same_moment(a: object, b: object) -> bool:
    """updated_at equality, to the second; both blank counts as equal."""
    a = a if isinstance(a, dt.datetime) or a is None else parse_datetime(a)
    b = b if isinstance(b, dt.datetime) or b is None else parse_datetime(b)
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).total_seconds()) < 1


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
                with _no_gc():  # a read allocates millions of small objects and frees none:
                    raw = self._read_raw()  # the cyclic GC would walk them all, for nothing
                    snapshot = self._snapshot(raw)
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
            configured = _settings_lang(snapshot)
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
        if snapshot is not None and (snapshot.sheet_lang or _settings_lang(snapshot)):
            self._lang_settled = True
            return
        if len(self.queue):
            return
        self.lang = "zh" if str(lang).lower().startswith("zh") else "en"

    def _snapshot(self, raw: RawTabs) -> Snapshot:
        ops = self.queue.ops()
        results: dict[str, TabResult] = {}
        rows: Sequence[Sequence[object]]
        for tab in ALL_TAB_NAMES:
            if tab == "changes":
                continue  # validated on first use (`_history`)
            title, rows = raw.get(tab, (TABLES[tab].en, []))
            tab_ops = [op for op in ops if op.tab == tab]
            if not rows and (tab_ops or not raw or tab in SYSTEM_TAB_NAMES):
                # nothing created yet (a new workbook; an older one without the app's own
                # tabs, made on the first write): an empty tab, not a problem
                rows = [TABLES[tab].header("en")]
            if tab_ops:
                rows = overlay(tab, rows, tab_ops)
            results[tab] = validate_rows(tab, rows, title)
        problems = [p for r in results.values() for p in r.problems]
        problems += check_references(results)
        problems += level_problems(results["complaints"].frame, results["complaints"].layout)
        settings = results["settings"]
        problems += sheet_problems(settings.frame, settings.layout)
        problems += getattr(raw, "problems", [])  # what the reader itself found (far cells)
        return Snapshot(
            frames={t: r.frame for t, r in results.items()},
            problems=problems,
            read_at=self.clock(),
            source=self.describe(),
            pending=len(ops),
            pending_ids=_pending_ids(ops),
            conflicts=[op for op in self.queue.conflicts() if op.kind != "history"],
            damaged=self.queue.damaged(),
            layouts={t: r.layout for t, r in results.items()},
            history=_history(raw, results, ops),
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
        out = {}
        for c in TABLES[tab].columns:
            try:
                out[c.field] = parser_for(c)(raw.get(c.field))
            except ValueError:
                out[c.field] = raw.get(c.field)
        return out

    # ---- writing ----
    def new_id(self, tab: str) -> str:
        from utils.store.ids import new_id

        table = TABLES[tab]
        # the last snapshot is enough, even if stale: IDs this app drew since are in the
        # queue or (local) in the day's register; a person would have to type one of our
        # random IDs by hand to collide
        snapshot = self._cached[1] if self._cached is not None else self.read()
        taken = set(snapshot.frames[tab][table.id_field]) | self._taken_ids(tab)
        taken |= {op.record_id for op in self.queue.ops() if op.tab == tab}
        return new_id(table.id_prefix, taken, self.clock().date())

    def append(self, tab: str, record: dict, *, user: str) -> SaveResult:
        table = TABLES[tab]
        record = {k: v for k, v in record.items() if k in table.by_field}
        with self._lock:
            if not record.get(table.id_field):
                record[table.id_field] = self.new_id(tab)
            record["updated_at"] = self.clock()
            record["updated_by"] = user
            clean, problems = validate_record(tab, record)
            if problems:
                raise InvalidRecord(problems)
            clean = {k: v for k, v in clean.items() if v is not None}
            op = PendingOp("append", tab, clean[table.id_field], clean)
            op.history = hist.create_rows(
                tab,
                clean,
                op_id=op.op_id,
                user=user,
                at=record["updated_at"],
                lang=self.sheet_lang(),
            )
            return self._save(op)

    def append_many(self, tab: str, records: list[dict], *, user: str) -> tuple[list, list]:
        """Bulk load (import, demo): every valid record is appended in one write. Returns
        (saved IDs, [(index, problems)] of the records refused)."""
        from utils.store.ids import new_id

        table = TABLES[tab]
        stamp = self.clock()
        taken = set(self.read().frames[tab][table.id_field]) | self._taken_ids(tab)
        ops, refused = [], []
        with self._lock:
            for n, record in enumerate(records):
                record = {k: v for k, v in record.items() if k in table.by_field}
                if not record.get(table.id_field):
                    record[table.id_field] = new_id(table.id_prefix, taken, stamp.date())
                record.setdefault("updated_at", stamp)
                record.setdefault("updated_by", user)
                clean, problems = validate_record(tab, record)
                if problems:
                    refused.append((n, problems))
                    continue
                taken.add(clean[table.id_field])
                clean = {k: v for k, v in clean.items() if v is not None}
                ops.append(PendingOp("append", tab, clean[table.id_field], clean))
            if ops:  # one summary row for the batch, carried by its first save
                ops[0].history = [
                    hist.bulk_row(
                        tab,
                        len(ops),
                        op_id=ops[0].op_id,
                        user=user,
                        at=stamp,
                        lang=self.sheet_lang(),
                    )
                ]
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
        table = TABLES[tab]
        changes = {
            k: v
            for k, v in changes.items()
            if k in table.by_field and k not in (table.id_field, "updated_at")
        }
        with self._lock:
            current = self.current(tab, record_id)
            if current is None:
                raise RecordNotFound(tab=tab, record_id=record_id)
            clean, problems = validate_record(tab, changes, partial=True)
            if problems:
                raise InvalidRecord(problems)
            merged = {**current, **clean}
            _, problems = validate_record(tab, merged)
            if problems:
                raise InvalidRecord(problems)
            written = [f for f in clean if f not in STAMPS]
            seen_cells = {f: seen.get(f) for f in written}
            if not force and changed_cells(tab, seen_cells, current):
                raise ConflictError(tab, record_id, mine={**seen, **clean}, theirs=current)
            before = current.get("updated_at")
            before = before if isinstance(before, dt.datetime) else None
            stamp = self.clock()
            if before is not None and stamp <= before:
                stamp = before + dt.timedelta(seconds=1)  # stamps only ever move forward
            values = {**clean, "updated_at": stamp, "updated_by": user}
            op = PendingOp(
                "update",
                tab,
                record_id,
                values,
                expected_updated_at=before,
                expected={f: current.get(f) for f in written},
            )
            op.history = hist.update_rows(
                tab,
                record_id,
                current,
                {f: clean[f] for f in written},
                op_id=op.op_id,
                user=user,
                at=stamp,
                lang=self.sheet_lang(),
            )
            return self._save(op, merged={**merged, **values})

    def record_export(
        self, user: str, what: str, rows: int, note: str = "", *, kind: str | None = None
    ) -> SaveResult:
        """Register data taken out of the app — a table downloaded as CSV or Excel (`what` =
        clients / complaints / revisits / settings: kind "download"), a monthly report or
        anything else (`what` = "report" …: kind "export") — as one `changes` row, through the
        same pending queue as a save. `rows`: how many rows left; `note`: e.g. "report
        2026-11". Returns the row as a SaveResult (tab "changes", record_id its change ID)."""
        with self._lock:
            op = PendingOp("history", "changes", "", {})
            op.history = [
                hist.export_row(
                    what,
                    rows,
                    op_id=op.op_id,
                    user=user,
                    at=self.clock(),
                    lang=self.sheet_lang(),
                    note=note,
                    kind=kind,
                )
            ]
            op.record_id = op.history[0]["change_id"]
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
        snapshot = replace(snapshot, pending=len(ops), pending_ids=_pending_ids(ops))
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


def raw_lang(raw: RawTabs) -> str | None:
    """The language of the tabs as read (`sheet_language` of their titles and header rows)."""
    return sheet_language({t: (title, rows[0] if rows else []) for t, (title, rows) in raw.items()})


def _settings_lang(snapshot: Snapshot) -> str | None:
    """The settings tab's `language`, if it is set there (and readable)."""
    frame = snapshot.frames.get("settings")
    if frame is None or not len(frame):
        return None
    return sheet_values(frame).get("language") or None


def _pending_ids(ops: list[PendingOp]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {t: set() for t in ALL_TAB_NAMES}
    for op in ops:
        out.setdefault(op.tab, set()).add(op.record_id)
    return out


def history_ops(ops: Sequence[PendingOp]) -> list[PendingOp]:
    """The pending saves' history rows as appends to the `changes` tab (for `overlay`)."""
    return [
        PendingOp("append", "changes", str(row["change_id"]), row, op_id=op.op_id)
        for op in ops
        for row in op.history
    ]


def _history(raw: RawTabs, results: dict[str, TabResult], ops: list[PendingOp]) -> LazyHistory:
    """The change history of a snapshot, to be validated on first use: its cells as read, the
    waiting saves' history rows, and the IDs each data tab holds now (for the records the app
    saved that are gone: rows left out for bad cells still count as there)."""
    title, rows = raw.get("changes", (TABLES["changes"].en, []))
    pending = history_ops(ops)
    present: dict[str, object] = {}
    skip = set()
    for tab in TAB_NAMES:
        result = results.get(tab)
        if result is None or result.layout is None or tab not in raw or not raw[tab][1]:
            skip.add(tab)
            continue
        index = result.layout.index.get(TABLES[tab].id_field)
        if index is None:
            skip.add(tab)
            continue
        ids: object = result.frame[TABLES[tab].id_field]
        if any(p.level == "error" and p.row for p in result.problems):  # rows left out for
            ids = {  # bad cells are still in the sheet
                str(r[index]).strip()
                for r in raw[tab][1][1:]
                if index < len(r) and r[index] not in (None, "")
            }
        present[tab] = ids
    if not rows and not pending:
        return LazyHistory.of(title, [], present, skip)
    return LazyHistory.of(
        title,
        rows,
        present,
        skip,
        overlay=(lambda cells: overlay("changes", cells, pending)) if pending else None,
    )


def overlay(tab: str, rows: Sequence[Sequence[object]], ops: Sequence[PendingOp]) -> list:
    """The tab's rows with pending saves laid over them: updates replace cells of the row with
    that ID, appends are added at the end (where they will land)."""
    layout, _ = read_layout(tab, rows[0], tab)
    id_index = layout.index.get(TABLES[tab].id_field)
    if id_index is None:
        return list(rows)
    out = [list(r) for r in rows]
    width = len(rows[0])
    where: dict[str, int] = {}
    for pos, row in enumerate(out[1:], start=1):
        if id_index < len(row) and row[id_index] not in (None, ""):
            where.setdefault(str(row[id_index]).strip(), pos)
    for op in ops:
        n = where.get(op.record_id)
        if op.kind == "append" and n is None:
            out.append([None] * width)
            n = len(out) - 1
            where[op.record_id] = n
        elif n is None:
            continue
        row = out[n]
        row.extend([None] * (width - len(row)))
        if op.kind == "update":
            cells = {f: row[i] for f, i in layout.index.items()}
            if decide(tab, op, cells)[0] == "conflict":
                continue  # would conflict when applied: show the sheet's version
        for fname, value in op.values.items():
            i = layout.index.get(fname)
            if i is not None:
                row[i] = value
    return out
