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
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from sheets_schema.columns import DATE, DATETIME
from sheets_schema.parse import parse_datetime, parse_id
from sheets_schema.tables import TAB_NAMES, TABLES, match_tab
from sheets_schema.validate import Layout, read_layout
from utils.errors import StoreError
from utils.store.base import RawTabs, Snapshot, Store, now_seconds
from utils.store.gsheets_api import (
    OutOfGrid,
    RetryPolicy,
    SheetsApi,
    TabGone,
    decode_serial,
    letter,
    quote_title,
    spreadsheet_key,
)
from utils.store.pending import PendingQueue
from utils.store.read_cache import SpreadsheetCache, shared_cache

HINT_SECONDS = 5.0  # a row just read may be written without reading it again
LOCK_TIMEOUT = 30.0
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, and between two bytes of an answer (seconds)


@dataclass
class RowRef:
    """Where a record is in a tab, as just read: row number (1-based), header layout, cells."""

    title: str
    number: int
    layout: Layout
    cells: list[object]

    def raw(self, tab: str) -> dict[str, object]:
        out = {}
        for fname, i in self.layout.index.items():
            value = self.cells[i] if i < len(self.cells) else None
            if TABLES[tab].by_field[fname].kind in (DATE, DATETIME):
                value = decode_serial(value)
            out[fname] = value
        return out


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
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        cache: SpreadsheetCache | None = None,
    ) -> None:
        import gspread

        self.key = spreadsheet_key(spreadsheet)
        if client is None:
            client = gspread.Client(auth=credentials, session=session)
        if timeout is not None:
            client.http_client.set_timeout(timeout)
        self.api = SheetsApi(client.http_client, self.key, retry=retry, account=account)
        self.lang = lang
        self.cache_seconds = cache_seconds
        self.cache = cache or shared_cache(self.key)
        folder = Path(pending_dir or pending_folder("data", self.key)).expanduser().resolve()
        super().__init__(PendingQueue(folder), clock)
        self.file_lock = FileLock(f"{folder}.lock", timeout=LOCK_TIMEOUT)

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
        self._meta()

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
        ref = self._locate(tab, record_id)
        if ref is None:
            return None
        self._hint(tab, record_id, ref)
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
            from utils.store.ids import new_id  # with a row in the sheet is caught on writing

            taken = {op.record_id for op in self.queue.ops() if op.tab == tab}
            return new_id(TABLES[tab].id_prefix, taken, self.clock().date())

    def init(self, lang: str | None = None) -> list[str]:
        from utils.store.gsheets_init import init_spreadsheet

        added = init_spreadsheet(self, lang or self.lang)
        self.cache.expire()
        self.invalidate()
        return added

    # ---- metadata and reading ----
    def _meta(self, *, force: bool = False) -> dict[str, Any]:
        return self.cache.metadata(self.api.metadata, force=force)

    def _sheets(self, *, force: bool = False) -> dict[str, dict[str, Any]]:
        """tab → the sheet properties of the tab that holds it (first match, like Excel)."""
        out: dict[str, dict[str, Any]] = {}
        for sheet in self._meta(force=force).get("sheets") or []:
            props = sheet.get("properties") or {}
            tab = match_tab(props.get("title", ""))
            if tab and tab not in out and props.get("sheetType", "GRID") == "GRID":
                out[tab] = props
        return out

    def _fetch_all(self) -> RawTabs:
        """The one batch read of the tabs (and the metadata again if a tab is missing)."""
        for attempt in range(3):
            sheets = self._sheets(force=attempt > 0)
            if len(sheets) < len(TAB_NAMES) and attempt == 0 and self.cache.raw is not None:
                sheets = self._sheets(force=True)  # maybe someone has added it since
            if not sheets:
                return {}
            tabs = list(sheets)
            try:
                values = self.api.batch_get([quote_title(sheets[t]["title"]) for t in tabs])
            except TabGone:  # deleted or renamed since the metadata was read
                continue
            return {
                t: (sheets[t]["title"], _decode_dates(t, rows))
                for t, rows in zip(tabs, values, strict=False)
            }
        raise StoreError("gsheets.api_error", detail="the tabs changed while being read")

    def _locate(self, tab: str, record_id: str) -> RowRef | None:
        """Find a record's row by its ID: normally one read (the header and the row where the
        last read saw it, checked by its ID cell); the ID column only when rows moved."""
        id_field = TABLES[tab].id_field
        for attempt in range(2):
            info = self._sheets(force=attempt > 0).get(tab)
            if info is None:
                return None
            title = info["title"]
            q = quote_title(title)
            guess = self._guess_row(tab, record_id) if attempt == 0 else None
            cached = self.cache.header(tab)
            known = read_layout(tab, cached[0], title)[0].index.get(id_field) if cached else None
            ranges = [f"{q}!1:1"]
            if guess:
                ranges.append(f"{q}!{guess}:{guess}")
            elif known is not None:
                ranges.append(f"{q}!{letter(known)}:{letter(known)}")
            try:
                got = self.api.batch_get(ranges)
                layout = read_layout(tab, got[0][0] if got[0] else [], title)[0]
                id_index = layout.index.get(id_field)
                if id_index is None:
                    return None
                if guess:
                    cells = got[1][0] if len(got) > 1 and got[1] else []
                    if _id_at(cells, id_index) == record_id:
                        return RowRef(title, guess, layout, list(cells))
                    column = self.api.batch_get([f"{q}!{letter(id_index)}:{letter(id_index)}"])[0]
                elif known == id_index and len(got) > 1:
                    column = got[1]
                else:
                    column = self.api.batch_get([f"{q}!{letter(id_index)}:{letter(id_index)}"])[0]
                number = next(
                    (
                        n
                        for n, r in enumerate(column, start=1)
                        if n > 1 and _id_at(r, 0) == record_id
                    ),
                    None,
                )
                if number is None:
                    return None
                row = self.api.batch_get([f"{q}!{number}:{number}"])[0]
                return RowRef(title, number, layout, list(row[0]) if row else [])
            except (TabGone, OutOfGrid):  # tab renamed or deleted; rows deleted below the guess
                continue
        return None

    def _guess_row(self, tab: str, record_id: str) -> int | None:
        ref = self.cache.row(tab, record_id)
        if ref is not None:
            return ref.number
        snapshot = self._cached[1] if self._cached is not None else None
        if snapshot is None:
            return None
        frame = snapshot.frames[tab]
        hits = frame.loc[frame[TABLES[tab].id_field] == record_id, "_row"]
        if not len(hits) or pd.isna(hits.iloc[0]):
            return None
        return int(hits.iloc[0])

    def _hint(self, tab: str, record_id: str, ref: RowRef) -> None:
        self.cache.remember_row(tab, record_id, ref)

    def _fresh_hint(self, tab: str, record_id: str) -> RowRef | None:
        """The row as read or written a moment ago (by any session): no need to read it again."""
        return self.cache.row(tab, record_id, max_age=HINT_SECONDS)

    # ---- writing ----
    def _apply_pending(self) -> str:
        with self.cache.apply_lock:  # one writer per spreadsheet in this process …
            try:
                self.file_lock.acquire()  # … and across processes sharing the queue
            except Timeout:
                return "another Sheetdesk process is writing to this spreadsheet"
            try:
                from utils.store.gsheets_write import apply_ops

                return apply_ops(self, list(self.queue))
            finally:
                self.file_lock.release()


def _id_at(cells: list[object], index: int) -> str | None:
    if index >= len(cells):
        return None
    try:
        return parse_id(cells[index])
    except ValueError:
        return None


def _decode_dates(tab: str, rows: list[list[object]]) -> list[list[object]]:
    """Serial numbers in date columns → datetimes rounded to the second (a float read back from
    Google may sit a hair below the second it means)."""
    if len(rows) < 2:
        return rows
    layout, _ = read_layout(tab, rows[0], tab)
    columns = [
        i for f, i in layout.index.items() if TABLES[tab].by_field[f].kind in (DATE, DATETIME)
    ]
    for row in rows[1:]:
        width = len(row)
        for i in columns:
            if i < width and type(row[i]) is float:
                row[i] = decode_serial(row[i])
    return rows


def moment(value: object) -> dt.datetime | None:
    """updated_at as written by anyone (a serial, a datetime, text); None if unreadable."""
    try:
        return parse_datetime(decode_serial(value))
    except ValueError:
        return None


def pending_folder(data_dir: str | os.PathLike, key: str) -> Path:
    """Where a spreadsheet's saves wait: `data/gsheets-<key>.pending/` beside the workbook's."""
    return Path(data_dir) / f"gsheets-{key}.pending"


def open_gsheets_store(config: Any, **kwargs: Any) -> GoogleSheetsStore:
    """The store for `config` (a StoreConfig with backend "gsheets"). Builds the credentials
    from `credentials_file` (GOOGLE_APPLICATION_CREDENTIALS) or `credentials_info` (secrets
    `[connections.gsheets]`), opens the spreadsheet once to check it can be used, and raises
    a ConfigError with one clear message when it cannot. `client=` skips the credentials."""
    from utils.store.gsheets_auth import cached_client

    key = spreadsheet_key(config.spreadsheet)
    client, account = kwargs.pop("client", None), kwargs.pop("account", "")
    if client is None:
        client, account = cached_client(config.credentials_file, config.credentials_info)
    data_dir = Path(getattr(config, "workbook", "") or "data/sheetdesk.xlsx").parent
    kwargs.setdefault("pending_dir", pending_folder(data_dir, key))
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
