"""How the rules read a record's cells: text stripped, dates as `datetime`, and the status —
open or done — with one definition for every part of the app (rules, lists, queues, figures,
deadlines). Pure: no streamlit, no store.

A blank status — a row typed into the sheet by hand without one — counts as "received", so it
is open: it has not been dealt with. `status_of` / `is_open` read one record that way,
`status_values` / `open_mask` a whole column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

OPEN_STATUSES = ("received", "in_progress")
DONE_STATUSES = ("resolved", "closed")


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or NA: a cell with nothing in it (text, even "", is not missing)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def clean_text(value: Any) -> str:
    """A record's text value, stripped; None/NaN/NA → ""."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def as_datetime(value: Any) -> dt.datetime | None:
    """A record's date or date-time as a naive `datetime`; None/NaT/"" → None."""
    if value is None or isinstance(value, str) or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return None


def datetime_column(moments: Iterable[dt.date | None]) -> pd.Series:
    """Dates or date-times (None for none) as a datetime column, None → NaT."""
    return pd.to_datetime(pd.Series(list(moments), dtype=object))


def status_of(complaint: dict) -> str:
    """The complaint's status; blank counts as received."""
    return clean_text(complaint.get("status")) or "received"


def is_open(status: Any) -> bool:
    """A status is open: received or in progress; blank counts as received."""
    return (clean_text(status) or "received") in OPEN_STATUSES


def status_values(status: pd.Series) -> pd.Series:
    """A status column as the rules read it: stripped, blank → "received"."""
    return status.fillna("").astype(str).str.strip().replace("", "received")


def open_mask(status: pd.Series) -> pd.Series:
    """`is_open` over a whole status column (same index)."""
    return status_values(status).isin(OPEN_STATUSES)
