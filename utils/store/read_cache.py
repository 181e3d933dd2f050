"""A process-wide read cache per spreadsheet, shared by every store (and so every session).

All the app's users share one service account, so they share one Google quota: what they read
must not grow with the number of people looking. Every `GoogleSheetsStore` for one spreadsheet
uses the one `SpreadsheetCache` of that key (`shared_cache(key)`), which holds

- the spreadsheet's metadata (tab titles, sheet IDs, grid sizes, protected ranges), fetched
  once and again only when a tab turns out to be gone or `init` changed the tabs;
- the three tabs' cells from the last batch read, fresh for `ttl` seconds (default 30); at most
  one read runs at a time, the others wait for it and use its result;
- the saves this process wrote since that read (`applied`): they are laid over the cells, so
  whoever saved — and everybody else — sees the change at once, without a re-read;
- the last validated snapshot, so ten sessions validate the same rows once;
- where records were last read or written (row number, cells), for the next update's read.

A read that fails (quota, network) while older cells are held serves those cells for up to
`max_stale` seconds and tries again after `retry_after` seconds, rather than failing the page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheets_schema.validate import read_layout
from utils.errors import StoreError
from utils.store.pending import PendingOp
from utils.store.raw_tabs import RawTabs, overlay

DEFAULT_TTL = 30.0


@dataclass
class SpreadsheetCache:
    key: str
    monotonic: Callable[[], float] = time.monotonic
    max_stale: float = 600.0  # serve cells this old when a refresh fails
    retry_after: float = 5.0  # … and do not try the API again before this
    meta: dict[str, Any] | None = None
    raw: RawTabs | None = None
    fetched_at: float = float("-inf")
    generation: int = 0
    applied: list[tuple[int, PendingOp]] = field(default_factory=list)  # (sequence, save)
    noted: int = 0  # saves noted so far (the sequence)
    last_error: StoreError | None = None  # why the cells held are older than the window
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    fetch_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    build_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    apply_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _view: tuple[tuple[int, int], RawTabs] | None = field(default=None, repr=False)
    _snapshot: tuple[object, Any] | None = field(default=None, repr=False)
    _failed_at: float = float("-inf")
    _expired: bool = False
    _ids: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _rows: dict[tuple[str, str], tuple[Any, float]] = field(default_factory=dict, repr=False)

    # ---- metadata ----
    def metadata(self, fetch: Callable[[], dict[str, Any]], *, force: bool = False) -> dict:
        with self.lock:
            if self.meta is None or force:
                self.meta = fetch()
            return self.meta

    def forget_metadata(self) -> None:
        with self.lock:
            self.meta = None

    # ---- cells ----
    def ensure_fresh(
        self, fetch: Callable[[], RawTabs], ttl: float, *, force: bool = False
    ) -> None:
        """Read the tabs if the cells held are older than `ttl` (or `force`): one read for the
        whole process, however many sessions ask at the same moment."""
        asked = self.monotonic()
        with self.fetch_lock:  # one read at a time; who waited for it uses its result
            with self.lock:
                now = self.monotonic()
                if self.raw is not None and self.fetched_at > asked and not self._stale(now, ttl):
                    return  # read by someone else while this caller waited
                if self.raw is not None and not force and not self._stale(now, ttl):
                    return
                if (
                    self.raw is not None
                    and not force
                    and now - self._failed_at < self.retry_after
                    and now - self.fetched_at < self.max_stale
                ):
                    return  # the last try failed a moment ago: keep serving, spare the quota
                started = self.noted
            try:
                raw = fetch()
            except StoreError as exc:
                with self.lock:
                    if self.raw is None or force or now - self.fetched_at >= self.max_stale:
                        raise
                    self.last_error, self._failed_at = exc, now
                    return
            with self.lock:
                self.raw, self.fetched_at, self.last_error = raw, now, None
                self._expired = False
                # saves noted while the read ran may be missing from it: keep laying them over
                self.applied = [(n, op) for n, op in self.applied if n >= started]
                self.generation += 1
                self._view = self._snapshot = None
                self._ids = {}

    def _stale(self, now: float, ttl: float) -> bool:
        return self._expired or now - self.fetched_at >= ttl

    def expire(self) -> None:
        """The next read goes to the spreadsheet (a forced refresh, or `init` changed it)."""
        with self.lock:
            self._expired = True
            self._failed_at = float("-inf")

    def version(self) -> tuple[int, int]:
        with self.lock:
            return self.generation, self.noted

    def age(self) -> float:
        with self.lock:
            return self.monotonic() - self.fetched_at

    def view(self, fetch: Callable[[], RawTabs], ttl: float) -> RawTabs:
        """The cells with this process's saves since the read laid over them."""
        self.ensure_fresh(fetch, ttl)
        with self.lock:
            version = (self.generation, self.noted)
            if self._view is not None and self._view[0] == version:
                return self._view[1]
            assert self.raw is not None
            out: RawTabs = {}
            for tab, (title, rows) in self.raw.items():
                ops = [op for _, op in self.applied if op.tab == tab]
                out[tab] = (title, overlay(tab, rows, ops) if ops and rows else rows)
            self._view = (version, out)
            return out

    def header(self, tab: str) -> tuple[list[object], float] | None:
        """The tab's header row as last read, and how old it is (seconds)."""
        with self.lock:
            if self.raw is None or tab not in self.raw or not self.raw[tab][1]:
                return None
            return list(self.raw[tab][1][0]), self.monotonic() - self.fetched_at

    def known_ids(self, tab: str, id_field: str) -> set[str]:
        """The IDs in the tab as last read (not counting this process's saves since)."""
        with self.lock:
            if tab not in self._ids:
                found: set[str] = set()
                if self.raw is not None and self.raw.get(tab, ("", []))[1]:
                    rows = self.raw[tab][1]
                    i = read_layout(tab, rows[0], tab)[0].index.get(id_field)
                    if i is not None:
                        found = {str(r[i]).strip() for r in rows[1:] if len(r) > i and r[i] != ""}
                self._ids[tab] = found
            return self._ids[tab]

    def note_applied(self, ops: list[PendingOp]) -> None:
        """Saves now in the spreadsheet: show them in every session at once."""
        if not ops:
            return
        with self.lock:
            for op in ops:
                self.applied.append((self.noted, op))
                self.noted += 1

    # ---- where records are ----
    def remember_row(
        self, tab: str, record_id: str, where: Any, seen_at: float | None = None
    ) -> None:
        """Where a record was just read or written (a row number and its cells), for every
        session: the next update of it reads that row, not the whole ID column. `seen_at` is
        when those cells were true (a read: when it was sent; a write: when it landed): an
        older sighting never replaces a newer one — a read that started before another
        session's write must not hide that write."""
        with self.lock:
            now = self.monotonic()
            seen = now if seen_at is None else seen_at
            if len(self._rows) > 10_000:
                self._rows = {k: v for k, v in self._rows.items() if now - v[1] < 600}
            known = self._rows.get((tab, record_id))
            if known is not None and known[1] > seen:
                return
            self._rows[(tab, record_id)] = (where, seen)

    def row(self, tab: str, record_id: str, max_age: float | None = None) -> Any:
        """What `remember_row` was told, if not older than `max_age` seconds."""
        with self.lock:
            found = self._rows.get((tab, record_id))
            if found is None or (max_age is not None and self.monotonic() - found[1] >= max_age):
                return None
            return found[0]

    # ---- validated snapshots ----
    def snapshot(self, version: object) -> Any:
        with self.lock:
            if self._snapshot is not None and self._snapshot[0] == version:
                return self._snapshot[1]
            return None

    def keep_snapshot(self, version: object, snapshot: Any) -> None:
        with self.lock:
            self._snapshot = (version, snapshot)


_CACHES: dict[str, SpreadsheetCache] = {}
_REGISTRY_LOCK = threading.Lock()


def shared_cache(key: str) -> SpreadsheetCache:
    """The one cache of spreadsheet `key` in this process."""
    with _REGISTRY_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = SpreadsheetCache(key)
        return cache


def reset() -> None:
    """Forget every cache (tests, or after changing credentials)."""
    with _REGISTRY_LOCK:
        _CACHES.clear()
