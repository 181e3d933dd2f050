"""The Google Sheets backend: the three tabs in one shared Google Sheet, frugal with quota.

    store = open_gsheets_store(config)          # from secrets / the environment
    store = GoogleSheetsStore(key_or_url, client=gspread_client, pending_dir=...)   # tests

Requests (all through `gsheets_api.SheetsApi`: request timeout, bounded retries with jitter):

- metadata: once per process and spreadsheet (`read_cache.SpreadsheetCache`), again only when
  a tab is missing or gone;
- read: one `values:batchGet` of the three tabs (UNFORMATTED_VALUE + SERIAL_NUMBER) per cache
  window (30 s) for the whole process, however many sessions; this process's own saves are laid
  over the cached cells at once;
- append: one `values:append` (RAW, INSERT_ROWS, range `'Tab'!A1` so Google's table detection
  cannot shift the row right); after a failure that may have landed (timeout, 5xx) the IDs are
  looked up before appending again, so a retried save never duplicates a row;
- update: one read (the header and the row where the last read saw the record, checked by its
  ID; the ID column only when rows moved) and one write of that row's changed cells, other cells
  sent as null (left as they are). The conflict check is that read: the row's `updated_at` must
  be the one the user edited. Nothing ever clears or rewrites a tab.

Saves go to the pending queue first (`data/gsheets-<key>.pending/`, the same queue code as the
local backend); what cannot be written after the retries stays there and is written later, once.
When Google does not answer, one operation (a read, or a save with its look-ups) gives up after
`RetryPolicy.deadline` seconds (30; `give_up_seconds` in the configuration).

The modules, each importing only from those above it:

    gsheets_cells   cells and A1 notation: serial dates, RAW values, RowRef   (no requests)
    gsheets_api     SheetsApi: the HTTP calls, timeouts, retries, deadline, error mapping
    gsheets_auth    service-account credentials, one gspread client per key
    gsheets_sheet   SheetAccess: the api + the process-wide cache + the tab layout and row
                    look-up — what the helpers below are handed instead of the store
    gsheets_marks   the marks beside a queue file that make a retried write idempotent
    gsheets_tabs    the tab a save is written to (made, header extended), a record's cells
    gsheets_history the saves' change-history rows, appended once
    gsheets_write   apply_ops(sheet, queue, items): writing the pending saves, idempotently
    gsheets_init    init_spreadsheet(sheet, lang): create missing tabs, headers, structure
    gsheets         this module: the store, built on all of them
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gspread
import pandas as pd
from filelock import FileLock, Timeout

from sheets_schema.tables import TAB_NAMES, TABLES
from utils.errors import StoreError
from utils.store.base import Store, now_seconds
from utils.store.gsheets_api import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    SheetsApi,
    TabGone,
    spreadsheet_key,
)
from utils.store.gsheets_auth import cached_client
from utils.store.gsheets_cells import RowRef, decode_dates, moment, quote_title
from utils.store.gsheets_init import init_spreadsheet
from utils.store.gsheets_sheet import SheetAccess
from utils.store.gsheets_write import apply_ops
from utils.store.ids import new_id
from utils.store.pending import PendingQueue
from utils.store.raw_tabs import RawTabs
from utils.store.read_cache import SpreadsheetCache, shared_cache
from utils.store.snapshot import Snapshot

LOCK_TIMEOUT = 30.0


class GoogleSheetsStore(Store):
    kind = "gsheets"

    def __init__(
        self,
        spreadsheet: str,
        *,
        client: Any = None,  # a gspread.Client (tests: tests.fake_sheets.make_client(api))
        session: Any = None,  # or a requests session (with `credentials`, if any)
        credentials: Any = None,
        pending_dir: str | os.PathLike | None = None,
        lang: str = "en",
        cache_seconds: float = 30.0,
        clock: Callable[[], dt.datetime] = now_seconds,
        retry: RetryPolicy | None = None,
        account: str = "",
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,  # None: the client's
        cache: SpreadsheetCache | None = None,
    ) -> None:
        self.key = spreadsheet_key(spreadsheet)
        if client is None:
            client = gspread.Client(auth=credentials, session=session)
        self.api = SheetsApi(
            client.http_client, self.key, retry=retry, account=account, timeout=timeout
        )
        self.lang = lang
        self.cache_seconds = cache_seconds
        self.cache = cache or shared_cache(self.key)
        folder = Path(pending_dir or pending_folder("data", self.key)).expanduser().resolve()
        super().__init__(PendingQueue(folder), clock)
        self.file_lock = FileLock(f"{folder}.lock", timeout=LOCK_TIMEOUT)

    @property
    def sheet(self) -> SheetAccess:
        """What the helpers (writing, init) get: the requests, the cache, the layout."""
        return SheetAccess(
            self.api, self.cache, self.lang, self.cache_seconds, snapshot_row=self._snapshot_row
        )

    # ---- what the base class asks for ----
    def describe(self) -> str:
        meta = self.cache.meta or {}
        title = (meta.get("properties") or {}).get("title") or self.key
        return f"Google Sheets “{title}” (https://docs.google.com/spreadsheets/d/{self.key})"

    def _version(self) -> object:
        return (self.cache.version(), self.queue.state())

    @property
    def stale_error(self) -> StoreError | None:
        """Set while the cells shown are older than the window because a refresh failed."""
        return self.cache.last_error

    def connect(self) -> None:
        """Fetch the spreadsheet's metadata (once per process): raises the ConfigError a
        person must fix — not shared, no such spreadsheet, key refused."""
        self.sheet.metadata()

    def read(self, *, fresh: bool = False) -> Snapshot:
        """One batch read per cache window for the whole process; `fresh` reads now."""
        self.cache.ensure_fresh(self._fetch_all, self.cache_seconds, force=fresh)
        with self._lock:
            version = self._version()
            if self._cached is not None and self._cached[0] == version:
                return self._cached[1]
            with self.cache.build_lock:  # sessions validate the same cells once
                shared = self.cache.snapshot(version)
                if shared is not None:
                    self._cached = (version, shared)
                    return shared
                snapshot = super().read()
                if self._cached is not None:
                    self.cache.keep_snapshot(self._cached[0], snapshot)
                return snapshot

    def flush(self) -> str:
        error = super().flush()
        with self._lock:  # the snapshot with our own saves laid over it: share it, so the
            if self._cached is not None and self._cached[0] == self._version():  # other
                self.cache.keep_snapshot(*self._cached)  # sessions need not validate again
        return error

    def _read_raw(self) -> RawTabs:
        return self.cache.view(self._fetch_all, self.cache_seconds)

    def _read_row(self, tab: str, record_id: str) -> dict | None:
        sheet = self.sheet.for_operation()
        sent = sheet.now()
        ref = sheet.locate(tab, record_id)
        if ref is None:
            return None
        sheet.remember(tab, record_id, ref, seen_at=sent)
        return ref.raw(tab)

    def current(self, tab: str, record_id: str) -> dict | None:
        """The record as it is in the sheet now: always read fresh (the conflict check), never
        from the cache — someone may have edited it in the browser a second ago."""
        try:
            return self._fresh_record(tab, record_id)
        except StoreError:  # Google cannot be reached: the last read's version will do —
            found = self._cached_record(tab, record_id)  # the save is checked again when
            if found is None:  # it is written, and set aside if the row changed meanwhile
                raise
            return found

    def _cached_record(self, tab: str, record_id: str) -> dict | None:
        snapshot = self._cached[1] if self._cached is not None else None
        found = snapshot.record(tab, record_id) if snapshot is not None else None
        if found is not None:
            found.pop("_row", None)
        return found

    def new_id(self, tab: str) -> str:
        try:
            return super().new_id(tab)
        except StoreError:  # no read possible now: the queue's IDs are what is known; a clash
            # with a row in the sheet is caught on writing
            taken = {op.record_id for op in self.queue.ops() if op.tab == tab}
            return new_id(TABLES[tab].id_prefix, taken, self.clock().date())

    def init(self, lang: str | None = None) -> list[str]:
        added = init_spreadsheet(self.sheet, lang or self.lang)
        self.cache.expire()
        self.invalidate()
        return added

    # ---- reading ----
    def _fetch_all(self) -> RawTabs:
        """The one batch read of the tabs (and the metadata again if a tab is missing)."""
        sheet = self.sheet.for_operation()
        for attempt in range(3):
            tabs = sheet.tabs(force=attempt > 0)
            missing = any(t not in tabs for t in TAB_NAMES)  # a data tab (the app's own two
            if missing and attempt == 0 and self.cache.raw is not None:  # are optional)
                tabs = sheet.tabs(force=True)  # maybe someone has added it since
            if not tabs:
                return {}
            names = list(tabs)
            try:
                values = sheet.api.batch_get([quote_title(tabs[t]["title"]) for t in names])
            except TabGone:  # deleted or renamed since the metadata was read
                continue
            return {
                t: (tabs[t]["title"], decode_dates(t, rows))
                for t, rows in zip(names, values, strict=False)
            }
        raise StoreError("gsheets.api_error", detail="the tabs changed while being read")

    def _snapshot_row(self, tab: str, record_id: str) -> int | None:
        """The row where this session's last snapshot saw a record (for `SheetAccess`)."""
        snapshot = self._cached[1] if self._cached is not None else None
        if snapshot is None:
            return None
        frame = snapshot.frames[tab]
        hits = frame.loc[frame[TABLES[tab].id_field] == record_id, "_row"]
        if not len(hits) or pd.isna(hits.iloc[0]):
            return None
        return int(hits.iloc[0])

    # ---- writing ----
    def _apply_pending(self) -> str:
        with self.cache.apply_lock:  # one writer per spreadsheet in this process …
            try:
                self.file_lock.acquire()  # … and across processes sharing the queue
            except Timeout:
                return "another Sheetdesk process is writing to this spreadsheet"
            try:
                return apply_ops(self.sheet, self.queue, list(self.queue))
            finally:
                self.file_lock.release()


def pending_folder(data_dir: str | os.PathLike, key: str) -> Path:
    """Where a spreadsheet's saves wait: `data/gsheets-<key>.pending/` beside the workbook's."""
    return Path(data_dir) / f"gsheets-{key}.pending"


def open_gsheets_store(config: Any, **kwargs: Any) -> GoogleSheetsStore:
    """The store for `config` (a StoreConfig with backend "gsheets"). Builds the credentials
    from `credentials_file` (GOOGLE_APPLICATION_CREDENTIALS) or `credentials_info` (secrets
    `[connections.gsheets]`), opens the spreadsheet once to check it can be used, and raises
    a ConfigError with one clear message when it cannot. `client=` skips the credentials."""
    key = spreadsheet_key(config.spreadsheet)
    client, account = kwargs.pop("client", None), kwargs.pop("account", "")
    if client is None:
        client, account = cached_client(config.credentials_file, config.credentials_info)
    data_dir = Path(getattr(config, "workbook", "") or "data/sheetdesk.xlsx").parent
    kwargs.setdefault("pending_dir", pending_folder(data_dir, key))
    if config.give_up_seconds is not None and "retry" not in kwargs:
        kwargs["retry"] = RetryPolicy(deadline=config.give_up_seconds)
    store = GoogleSheetsStore(
        key,
        client=client,
        account=account,
        lang=config.lang,
        cache_seconds=config.cache_seconds,
        **kwargs,
    )
    try:
        store.connect()  # a ConfigError (not shared, no such sheet, key refused) goes up
    except StoreError:
        pass  # Google cannot be reached now: open anyway; saves are kept until it can be
    return store


__all__ = ["GoogleSheetsStore", "RetryPolicy", "RowRef", "moment", "open_gsheets_store"]
