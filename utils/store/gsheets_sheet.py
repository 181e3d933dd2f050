"""One spreadsheet as the Google backend's helpers see it — what `gsheets_write` and
`gsheets_init` are handed, rather than the store (as gspread hands a Worksheet its HTTP client).

`SheetAccess` holds the request runner (`SheetsApi`: timeouts, bounded retries, the deadline),
the process-wide cache of the spreadsheet (`SpreadsheetCache`: metadata, cells, headers, where
records were), the language of new tabs and headers, the cache window, and a way to ask where
the store's last snapshot saw a record. On top of that it looks up the layout: which tab holds
each table (`tabs`) and which row holds a record (`locate`: normally one read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sheets_schema.tables import TABLES, match_tab
from sheets_schema.validate import read_layout
from utils.store.gsheets_api import OutOfGrid, SheetsApi, TabGone
from utils.store.gsheets_cells import RowRef, id_at, letter, quote_title
from utils.store.read_cache import SpreadsheetCache

HINT_SECONDS = 5.0  # a row just read or written may be written without reading it again


def _nowhere(tab: str, record_id: str) -> int | None:
    return None


@dataclass(frozen=True)
class SheetAccess:
    api: SheetsApi
    cache: SpreadsheetCache
    lang: str = "en"  # the language of tabs and header cells this creates
    cache_seconds: float = 30.0  # a header read this recently is used as it is
    # the row where the store's last snapshot saw (tab, record ID), if it did
    snapshot_row: Callable[[str, str], int | None] = field(default=_nowhere)

    def for_operation(self) -> SheetAccess:
        """This access for one operation: its requests and waits share one deadline."""
        return replace(self, api=self.api.bounded())

    # ---- the tabs ----
    def metadata(self, *, force: bool = False) -> dict[str, Any]:
        """The spreadsheet's metadata, from the cache (fetched once per process)."""
        return self.cache.metadata(self.api.metadata, force=force)

    def tabs(self, *, force: bool = False) -> dict[str, dict[str, Any]]:
        """tab → the sheet properties of the tab that holds it (first match, like Excel)."""
        out: dict[str, dict[str, Any]] = {}
        for sheet in self.metadata(force=force).get("sheets") or []:
            props = sheet.get("properties") or {}
            tab = match_tab(props.get("title", ""))
            if tab and tab not in out and props.get("sheetType", "GRID") == "GRID":
                out[tab] = props
        return out

    # ---- where records are ----
    def remember(self, tab: str, record_id: str, ref: RowRef, seen_at: float | None = None) -> None:
        """Where a record was just read (at `seen_at`: when the read was sent) or written
        (now), for every session; an older sighting never replaces a newer one."""
        self.cache.remember_row(tab, record_id, ref, seen_at)

    def now(self) -> float:
        return self.cache.monotonic()

    def recent(self, tab: str, record_id: str) -> RowRef | None:
        """The row as read or written a moment ago (by any session): no need to read it again."""
        return self.cache.row(tab, record_id, max_age=HINT_SECONDS)

    def guess_row(self, tab: str, record_id: str) -> int | None:
        ref = self.cache.row(tab, record_id)
        if ref is not None:
            return ref.number
        return self.snapshot_row(tab, record_id)

    def locate(self, tab: str, record_id: str) -> RowRef | None:
        """Find a record's row by its ID: normally one read (the header and the row where the
        last read saw it, checked by its ID cell); the ID column only when rows moved."""
        id_field = TABLES[tab].id_field
        for attempt in range(2):
            info = self.tabs(force=attempt > 0).get(tab)
            if info is None:
                return None
            title = info["title"]
            q = quote_title(title)
            guess = self.guess_row(tab, record_id) if attempt == 0 else None
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
                    if id_at(cells, id_index) == record_id:
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
                        if n > 1 and id_at(r, 0) == record_id
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
