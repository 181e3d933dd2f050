"""Working-day arithmetic: weekends and configured holidays are skipped.

Pure functions, used by the workflow rules (due dates, overdue) and by the metrics (time to
resolve in working days). Weekend = Saturday and Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd


def is_working_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(
    start: dt.datetime, days: int, holidays: Iterable[dt.date] = ()
) -> dt.datetime:
    """`start` moved forward by `days` working days; the time of day carries over.

    A start on a weekend or holiday counts from the same time on the next working day:
    Friday 10:00 + 1 → Monday 10:00; Saturday 10:00 + 1 → Tuesday 10:00.
    """
    hol = set(holidays)
    day = start.date()
    while not is_working_day(day, hol):
        day += dt.timedelta(days=1)
    added = 0
    while added < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, hol):
            added += 1
    return dt.datetime.combine(day, start.time())


def _busday_args(holidays: Iterable[dt.date]) -> list[np.datetime64]:
    return [np.datetime64(h, "D") for h in holidays]


def working_days_between(
    start: pd.Series | dt.datetime, end: pd.Series | dt.datetime, holidays: Iterable[dt.date] = ()
) -> pd.Series | float:
    """Elapsed working days from `start` to `end` (fractional; weekends and holidays don't
    count). Works on scalars or on whole Series at once (vectorised with numpy.busday_count).
    NaT in either gives NaN."""
    scalar = not isinstance(start, pd.Series) and not isinstance(end, pd.Series)
    s = pd.to_datetime(pd.Series([start]) if scalar else pd.Series(start))
    e = pd.to_datetime(pd.Series([end]) if scalar else pd.Series(end))
    s = s.reset_index(drop=True)
    e = e.reset_index(drop=True)
    valid = s.notna() & e.notna()
    out = np.full(len(s), np.nan)
    if valid.any():
        sv, ev = s[valid], e[valid]
        hol = _busday_args(holidays)
        sd = sv.dt.normalize().to_numpy().astype("datetime64[D]")
        ed = ev.dt.normalize().to_numpy().astype("datetime64[D]")
        whole = np.busday_count(sd, ed, holidays=hol).astype(float)
        # fraction of the day: time of day at end minus at start, counted only on working days
        s_frac = (sv - sv.dt.normalize()).dt.total_seconds().to_numpy() / 86400
        e_frac = (ev - ev.dt.normalize()).dt.total_seconds().to_numpy() / 86400
        s_work = np.is_busday(sd, holidays=hol)
        e_work = np.is_busday(ed, holidays=hol)
        value = whole - np.where(s_work, s_frac, 0.0) + np.where(e_work, e_frac, 0.0)
        out[valid.to_numpy()] = value
    if scalar:
        return float(out[0])
    return pd.Series(out, index=pd.Series(start).index if isinstance(start, pd.Series) else None)
