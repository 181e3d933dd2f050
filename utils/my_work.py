"""My work (我的工作): what one staff member should look at first when they open the app.

- **my cases** — open complaints they first received or handle (首问负责, 经办), in three lists
  that never repeat a case: overdue (past the due moment), due today (due before the day ends,
  not yet overdue), not started (still received one working day after it arrived, on the
  team's calendar; `deadlines.not_started_mask`);
- **follow-ups** offered to them (`queues.followups_for`) and **routine revisits** of the clients
  they own that are due or late (`queues.routine_for`);
- **my clients' recent complaints**: complaints of the clients they own received in the last
  `RECENT_DAYS` days, newest first, whoever logged them.

Pure: frames + the person's name + now + settings in, small frames out; no streamlit, no store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from utils import deadlines
from utils.cells import clean_text, open_mask
from utils.queues import followup_queue, followups_for, routine_for, routine_queue
from utils.settings import Settings

RECENT_DAYS = 30  # "recent" complaints of my clients: received in the last 30 days
CASE_LISTS = ("overdue", "due_today", "not_started")
LISTS = (*CASE_LISTS, "followups", "routine", "recent")


@dataclass(frozen=True)
class MyWork:
    """The lists of the My work page. The case lists and `recent` are complaint rows (every
    column of the tab, plus `overdue`, `not_started` and `due` — the due moment as the rules
    read it); `followups` and `routine` are rows of the revisit queues."""

    overdue: pd.DataFrame
    due_today: pd.DataFrame
    not_started: pd.DataFrame
    followups: pd.DataFrame
    routine: pd.DataFrame
    recent: pd.DataFrame

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in LISTS}

    def is_empty(self) -> bool:
        return not any(self.counts().values())


def _names(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip().str.casefold()


def _is(column: pd.Series, name: str) -> pd.Series:
    me = clean_text(name).casefold()
    if not me:
        return pd.Series(False, index=column.index)
    return _names(column) == me


def mine_mask(complaints: pd.DataFrame, name: str) -> pd.Series:
    """Complaints `name` first received or handles (case and spaces ignored)."""
    return _is(complaints["first_receiver"], name) | _is(complaints["handler"], name)


def my_cases(
    complaints: pd.DataFrame, name: str, now: dt.datetime, settings: Settings
) -> dict[str, pd.DataFrame]:
    """{overdue, due_today, not_started}: `name`'s open cases, each case in the first list it
    belongs to (overdue, then due today, then not started). Overdue and due today: earliest
    due first; not started: earliest received first."""
    mine = complaints.loc[mine_mask(complaints, name) & open_mask(complaints["status"])]
    due = deadlines.fill_due(mine, settings)
    overdue = deadlines.past_due(due, now)
    end_of_day = pd.Timestamp(now.date()) + pd.Timedelta(days=1)
    today = ~overdue & due.notna() & (due < end_of_day)
    waiting = deadlines.not_started_mask(mine, now, settings)
    rows = mine.assign(due=due, overdue=overdue, not_started=waiting)
    late = rows.loc[overdue].sort_values("due", kind="stable")
    due_today = rows.loc[today].sort_values("due", kind="stable")
    idle = rows.loc[waiting & ~overdue & ~today].sort_values("received_at", kind="stable")
    return {"overdue": late, "due_today": due_today, "not_started": idle}


def recent_of_my_clients(
    clients: pd.DataFrame,
    complaints: pd.DataFrame,
    name: str,
    now: dt.datetime,
    settings: Settings,
    days: int = RECENT_DAYS,
) -> pd.DataFrame:
    """Complaints of the clients `name` owns received in the last `days` days (up to now),
    newest first, with the lists' `overdue`, `not_started` and `due` columns."""
    ids = set(_names(clients.loc[_is(clients["owner"], name), "client_id"]))
    received = pd.to_datetime(complaints["received_at"])
    since = pd.Timestamp(now) - pd.Timedelta(days=days)
    keep = _names(complaints["client_id"]).isin(ids) & (received >= since)
    keep &= received <= pd.Timestamp(now)
    rows = complaints.loc[keep]
    due = deadlines.fill_due(rows, settings)
    rows = rows.assign(
        due=due,
        overdue=open_mask(rows["status"]) & deadlines.past_due(due, now),
        not_started=deadlines.not_started_mask(rows, now, settings),
    )
    return rows.sort_values("received_at", ascending=False, kind="stable")


def my_work(
    frames: dict[str, pd.DataFrame], name: str, now: dt.datetime, settings: Settings
) -> MyWork:
    """Every list of the My work page for `name` at `now` (frames: the snapshot's clients,
    complaints and revisits)."""
    clients, complaints, revisits = frames["clients"], frames["complaints"], frames["revisits"]
    cases = my_cases(complaints, name, now, settings)
    followups = followups_for(followup_queue(complaints, revisits, settings), name, settings)
    routine = routine_for(routine_queue(clients, revisits, now.date(), settings), name)
    return MyWork(
        overdue=cases["overdue"],
        due_today=cases["due_today"],
        not_started=cases["not_started"],
        followups=followups,
        routine=routine,
        recent=recent_of_my_clients(clients, complaints, name, now, settings),
    )
