"""A snapshot: what one read of the spreadsheet gives, the same for both backends.

The snapshot holds the three data tables and the settings tab (`frames`), validated alike, with
bad settings values among its `problems` (`utils.settings`). The change history is validated
when it is first used (`Snapshot.changes`, `Snapshot.history_problems`: its bad rows and the
records the app saved that are no longer in the spreadsheet) — it grows with every save, and
the pages that do not show it should not wait for it (`utils.store.lazy_history`);
`Snapshot.all_problems` is everything, for Data health and `check`. A store lays its own saves
over the snapshot it holds (`with_record`, `with_new_rows`) rather than reading again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field, replace

import pandas as pd

from sheets_schema.problems import Problem
from sheets_schema.tables import TAB_NAMES, TABLES
from sheets_schema.validate import Layout, records_frame
from utils.settings_sheet import sheet_values
from utils.store.lazy_history import LazyHistory
from utils.store.pending import DamagedSave, PendingOp


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


def settings_lang(snapshot: Snapshot) -> str | None:
    """The settings tab's `language`, if it is set there (and readable)."""
    frame = snapshot.frames.get("settings")
    if frame is None or not len(frame):
        return None
    return sheet_values(frame).get("language") or None
