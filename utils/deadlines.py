"""Deadlines: a complaint's time limit in working days, its due moment, and whether it is
overdue — one implementation, vectorised for whole columns, on the team's working calendar
(`Settings.work_calendar`: China's statutory holidays and make-up working days by default).

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


def severity_of(complaint: dict) -> str:
    return clean_text(complaint.get("severity")) or DEFAULT_SEVERITY


def time_limit(severity: str, settings: Settings) -> int:
    """Working days allowed to resolve a complaint of this severity (blank = normal)."""
    limits = settings.time_limits
    return int(
        limits.get(clean_text(severity) or DEFAULT_SEVERITY, limits.get(DEFAULT_SEVERITY, 3))
    )


def compute_due_at(received_at: dt.datetime, severity: str, settings: Settings) -> dt.datetime:
    """received_at + the severity's working days on the team's calendar; the time of day
    carries over (Friday 10:00 + 1 → Monday 10:00; a make-up working Saturday counts)."""
    return settings.work_calendar.add_working_days(received_at, time_limit(severity, settings))


def due_series(received_at: pd.Series, severity: pd.Series, settings: Settings) -> pd.Series:
    """`compute_due_at` over whole columns at once (NaT where received_at is NaT)."""
    limits = pd.Series(settings.time_limits, dtype="int64")
    pos = limits.index.get_indexer(severity.fillna("").astype(str).str.strip())
    days = np.where(pos >= 0, limits.to_numpy()[pos], time_limit(DEFAULT_SEVERITY, settings))
    return settings.work_calendar.add_working_days_series(received_at, days)


def fill_due(complaints: pd.DataFrame, settings: Settings) -> pd.Series:
    """The complaints' due dates: `due_at`, computed from received_at + severity
    (`due_series`) where the cell is blank, as on a hand-typed row; NaT where received_at is
    blank too. The one place a missing due date is filled for whole tabs — the overdue rule,
    the lists and the dashboard figures all read it (`effective_due_at` for one record)."""
    due = pd.to_datetime(complaints["due_at"])
    missing = due.isna() & complaints["received_at"].notna()
    if missing.any():
        due = due.copy()
        part = complaints.loc[missing]
        due.loc[missing] = due_series(part["received_at"], part["severity"], settings)
    return due


def past_due(due: pd.Series, now: Any) -> pd.Series:
    """True where `now` is strictly after the due date (NaT: never)."""
    return (due.notna() & (due < pd.Timestamp(now))).astype(bool)


def overdue_mask(complaints: pd.DataFrame, now: dt.datetime, settings: Settings) -> pd.Series:
    """True for complaints still open (received / in progress / blank) with `now` past their
    due date (`fill_due`)."""
    return open_mask(complaints["status"]) & past_due(fill_due(complaints, settings), now)


def effective_due_at(complaint: dict, settings: Settings) -> dt.datetime | None:
    """`fill_due` for one record: its due_at, or received_at + severity when blank."""
    due = as_datetime(complaint.get("due_at"))
    if due is None:
        received = as_datetime(complaint.get("received_at"))
        if received is not None:
            due = compute_due_at(received, clean_text(complaint.get("severity")), settings)
    return due


def is_overdue(complaint: dict, now: dt.datetime, settings: Settings) -> bool:
    """The same rule as `overdue_mask`, for one record."""
    if not is_open(complaint.get("status")):
        return False
    due = effective_due_at(complaint, settings)
    return due is not None and now > due
