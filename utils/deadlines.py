"""Deadlines: a complaint's time limit in working days, its due moment, and whether it is
overdue — one implementation, vectorised for whole columns, on the team's working calendar
(`Settings.work_calendar`: China's statutory holidays and make-up working days by default).

The due moment is received_at + the severity's working days (a key client's — grade A — may be
shorter: `Settings.key_client_time_limit`), or the deadline the client asked for
(`requested_due`, seeds: a complaint made during service is dealt with by the time the client
asks) when that is earlier. "Not started": still received one working day after it arrived
(seeds: an investigation starts within one working day).

Used by the rules (`utils.workflow`), the lists, the dashboard figures and the report alike.
Pure: no streamlit, no store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from utils.cells import as_datetime, clean_text, is_open, open_mask
from utils.settings import Settings

DEFAULT_SEVERITY = "normal"  # a complaint logged without one, or a blank cell
KEY_GRADE = "A"  # key clients (重点客户)
START_DAYS = 1  # working days to start handling a complaint (seeds: 一个工作日内展开调查)


def severity_of(complaint: dict) -> str:
    return clean_text(complaint.get("severity")) or DEFAULT_SEVERITY


def is_key_grade(grade: object) -> bool:
    """A key client (重点客户): grade A."""
    return clean_text(grade).upper() == KEY_GRADE


def time_limit(severity: str, settings: Settings, key_client: bool = False) -> int:
    """Working days allowed to resolve a complaint of this severity (blank = normal); for a key
    client, `Settings.key_client_time_limit` when it is shorter."""
    limits = settings.time_limits
    days = int(
        limits.get(clean_text(severity) or DEFAULT_SEVERITY, limits.get(DEFAULT_SEVERITY, 3))
    )
    key = settings.key_client_time_limit
    return min(days, int(key)) if key_client and key is not None else days


def _earlier(due: dt.datetime, requested: object) -> dt.datetime:
    asked = as_datetime(requested)
    return asked if asked is not None and asked < due else due


def compute_due_at(
    received_at: dt.datetime,
    severity: str,
    settings: Settings,
    *,
    key_client: bool = False,
    requested: object = None,
) -> dt.datetime:
    """received_at + the severity's working days on the team's calendar; the time of day
    carries over (Friday 10:00 + 1 → Monday 10:00; a make-up working Saturday counts). A key
    client's limit may be shorter (`time_limit`); the deadline the client asked for
    (`requested`) wins when it is earlier."""
    days = time_limit(severity, settings, key_client)
    return _earlier(settings.work_calendar.add_working_days(received_at, days), requested)


def due_series(
    received_at: pd.Series,
    severity: pd.Series,
    settings: Settings,
    key_client: pd.Series | None = None,
) -> pd.Series:
    """`compute_due_at` over whole columns at once (NaT where received_at is NaT);
    `key_client`: a boolean column, True for key clients' complaints."""
    limits = pd.Series(settings.time_limits, dtype="int64")
    pos = limits.index.get_indexer(severity.fillna("").astype(str).str.strip())
    days = np.where(pos >= 0, limits.to_numpy()[pos], time_limit(DEFAULT_SEVERITY, settings))
    key = settings.key_client_time_limit
    if key_client is not None and key is not None:
        days = np.where(key_client.to_numpy(dtype=bool), np.minimum(days, int(key)), days)
    return settings.work_calendar.add_working_days_series(received_at, days)


def key_client_mask(complaints: pd.DataFrame, clients: pd.DataFrame | None) -> pd.Series:
    """True for complaints of key clients (grade A in `clients`); all False without clients."""
    if clients is None or len(clients) == 0 or "grade" not in clients.columns:
        return pd.Series(False, index=complaints.index)
    ids = clients.loc[clients["grade"].map(is_key_grade).astype(bool), "client_id"]
    key = complaints["client_id"].fillna("").astype(str).str.strip().isin(set(ids))
    return key.astype(bool)


def fill_due(
    complaints: pd.DataFrame, settings: Settings, clients: pd.DataFrame | None = None
) -> pd.Series:
    """The complaints' due dates: `due_at`, computed from received_at + severity
    (`due_series`; a key client's limit when `clients` are given) where the cell is blank, as
    on a hand-typed row; NaT where received_at is blank too; and the deadline the client asked
    for (`requested_due`) wherever it is earlier. The one place a due date is worked out for
    whole tabs — the overdue rule, the lists and the dashboard figures all read it
    (`effective_due_at` for one record)."""
    due = pd.to_datetime(complaints["due_at"])
    missing = due.isna() & complaints["received_at"].notna()
    if missing.any():
        due = due.copy()
        part = complaints.loc[missing]
        key = None
        if clients is not None and settings.key_client_time_limit is not None:
            key = key_client_mask(part, clients)
        due.loc[missing] = due_series(part["received_at"], part["severity"], settings, key)
    if "requested_due" in complaints.columns:
        asked = pd.to_datetime(complaints["requested_due"])
        earlier = asked.notna() & (due.isna() | (asked < due))
        if earlier.any():
            due = due.where(~earlier, asked)
    return due


def past_due(due: pd.Series, now: Any) -> pd.Series:
    """True where `now` is strictly after the due date (NaT: never)."""
    return (due.notna() & (due < pd.Timestamp(now))).astype(bool)


def overdue_mask(complaints: pd.DataFrame, now: dt.datetime, settings: Settings) -> pd.Series:
    """True for complaints still open (received / in progress / blank) with `now` past their
    due date (`fill_due`)."""
    return open_mask(complaints["status"]) & past_due(fill_due(complaints, settings), now)


def effective_due_at(
    complaint: dict, settings: Settings, key_client: bool = False
) -> dt.datetime | None:
    """`fill_due` for one record: its due_at, or received_at + severity when blank (a key
    client's limit with `key_client`); the deadline the client asked for when earlier."""
    due = as_datetime(complaint.get("due_at"))
    asked = as_datetime(complaint.get("requested_due"))
    if due is None:
        received = as_datetime(complaint.get("received_at"))
        if received is not None:
            severity = clean_text(complaint.get("severity"))
            due = compute_due_at(received, severity, settings, key_client=key_client)
    if due is None:
        return asked
    return _earlier(due, asked)


def is_overdue(
    complaint: dict, now: dt.datetime, settings: Settings, key_client: bool = False
) -> bool:
    """The same rule as `overdue_mask`, for one record."""
    if not is_open(complaint.get("status")):
        return False
    due = effective_due_at(complaint, settings, key_client)
    return due is not None and now > due


def not_started_mask(complaints: pd.DataFrame, now: Any, settings: Settings) -> pd.Series:
    """True for complaints still received (or blank) more than one working day after they
    were received (`START_DAYS`, on the team's calendar): nobody has started on them."""
    # the status as the store hands it over (stripped, "" when blank): anything not yet moved
    # on — received, blank, missing — is waiting
    moved_on = complaints["status"].isin(("in_progress", "resolved", "closed"))
    waiting = ~moved_on & complaints["received_at"].notna()
    out = pd.Series(False, index=complaints.index)
    if waiting.any():
        received = complaints.loc[waiting, "received_at"]
        start_by = settings.work_calendar.add_working_days_series(received, START_DAYS)
        out.loc[waiting] = (pd.Timestamp(now) > start_by).to_numpy(dtype=bool)
    return out


def is_not_started(complaint: dict, now: dt.datetime, settings: Settings) -> bool:
    """`not_started_mask` for one record."""
    if clean_text(complaint.get("status")) not in ("", "received"):
        return False
    received = as_datetime(complaint.get("received_at"))
    if received is None:
        return False
    return now > settings.work_calendar.add_working_days(received, START_DAYS)
