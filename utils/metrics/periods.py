"""Periods: the half-open time ranges the figures are taken over, the period picker, the
previous period to compare with, and the week/month buckets of the over-time charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

PERIOD_CHOICES = ("this_week", "this_month", "last_month", "custom")
FREQS = ("W", "M")  # bucket size of the over-time charts: week (from Monday), month


@dataclass(frozen=True)
class Period:
    """A half-open time range [start, end)."""

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", pd.Timestamp(self.start))
        object.__setattr__(self, "end", pd.Timestamp(self.end))

    @property
    def length(self) -> pd.Timedelta:
        return self.end - self.start

    @property
    def is_month(self) -> bool:
        s = self.start
        return s == s.normalize() and s.day == 1 and self.end == s + pd.DateOffset(months=1)

    @property
    def last_day(self) -> dt.date:
        """The last calendar day inside the period."""
        return (self.end - pd.Timedelta(microseconds=1)).date()

    def contains(self, values: pd.Series) -> pd.Series:
        """Mask of `values` (datetime Series) inside the period; NaT → False. Compared as
        numpy datetime64 (every figure asks this of whole columns, many times per dashboard)."""
        if not isinstance(values, pd.Series) or values.dtype != "datetime64[ns]":
            return (values >= self.start) & (values < self.end)
        v = values.to_numpy()
        start, end = self.start.to_datetime64(), self.end.to_datetime64()
        return pd.Series((v >= start) & (v < end), index=values.index, copy=False)

    def as_of(self, now: Any) -> pd.Timestamp:
        """The moment at which point-in-time figures (open, overdue) are taken."""
        return min(self.end, pd.Timestamp(now))

    def label(self) -> str:
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"


def this_week(now: Any) -> Period:
    """Monday 00:00 of `now`'s week to the next Monday."""
    day = pd.Timestamp(now).normalize()
    start = day - pd.Timedelta(days=day.weekday())
    return Period(start, start + pd.Timedelta(days=7))


def week_period(week: str) -> Period:
    """An ISO week, `2026-W48`: Monday 00:00 to the next Monday. ValueError when `week` is not
    one."""
    text = str(week).strip().upper()
    year, sep, number = text.partition("-W")
    if not (sep and year.isdigit() and number.isdigit() and len(year) == 4):
        raise ValueError(f"not an ISO week (YYYY-Www): {week}")
    start = pd.Timestamp(dt.date.fromisocalendar(int(year), int(number), 1))
    return Period(start, start + pd.Timedelta(days=7))


def week_label(period: Period) -> str:
    """The ISO week of a period's start, `2026-W48`."""
    year, week, _ = period.start.isocalendar()
    return f"{year}-W{week:02d}"


def month_period(month: str | Any) -> Period:
    """The calendar month "2026-10" (or the month of a date)."""
    start = pd.Timestamp(f"{month}-01" if isinstance(month, str) and len(month) <= 7 else month)
    start = start.normalize().replace(day=1)
    return Period(start, start + pd.DateOffset(months=1))


def this_month(now: Any) -> Period:
    return month_period(pd.Timestamp(now))


def last_month(now: Any) -> Period:
    return month_period(this_month(now).start - pd.DateOffset(months=1))


def custom_period(first_day: Any, last_day: Any) -> Period:
    """From the start of `first_day` to the end of `last_day` (both included)."""
    a, b = pd.Timestamp(first_day).normalize(), pd.Timestamp(last_day).normalize()
    if b < a:
        a, b = b, a
    return Period(a, b + pd.Timedelta(days=1))


def period_for(choice: str, now: Any, first_day: Any = None, last_day: Any = None) -> Period:
    """The period picker: this_week / this_month / last_month / custom (first_day..last_day)."""
    if choice == "this_week":
        return this_week(now)
    if choice == "last_month":
        return last_month(now)
    if choice == "custom" and first_day is not None:
        return custom_period(first_day, last_day if last_day is not None else first_day)
    return this_month(now)


def previous_period(period: Period, now: Any = None) -> Period:
    """The period of the same length just before `period` (the previous calendar month for a
    month). While `period` is still running at `now`, only its elapsed part is compared: the
    previous period is cut to the same elapsed length (1–10 Oct vs 1–10 Sep)."""
    if period.is_month:
        start = period.start - pd.DateOffset(months=1)
    else:
        start = period.start - period.length
    end = period.start
    if now is not None and period.start < pd.Timestamp(now) < period.end:
        end = min(end, start + (pd.Timestamp(now) - period.start))
    return Period(start, end)


def bucket_start(values: pd.Series, freq: str) -> pd.Series:
    """Start of each value's week (Monday) or month ("M"); NaT stays NaT."""
    v = values.to_numpy(dtype="datetime64[ns]")
    if freq == "M":
        b = v.astype("datetime64[M]").astype("datetime64[ns]")
    else:
        d = v.astype("datetime64[D]")
        weekday = (d.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
        b = (d - weekday.astype("timedelta64[D]")).astype("datetime64[ns]")
    return pd.Series(b, index=values.index)


def bucket_range(window: Period, freq: str) -> pd.DatetimeIndex:
    """The start of every week/month bucket that overlaps `window`."""
    first = bucket_start(pd.Series([window.start]), freq).iloc[0]
    return pd.date_range(
        first, window.end - pd.Timedelta(microseconds=1), freq="MS" if freq == "M" else "W-MON"
    )


def trend_window(period: Period, freq: str = "W", buckets: int = 12) -> Period:
    """The range shown by the over-time charts: at least `buckets` weeks or months ending with
    the period, or the whole period when it is longer."""
    last = pd.Timestamp(period.end - pd.Timedelta(microseconds=1))
    if freq == "M":
        first = last.normalize().replace(day=1) - pd.DateOffset(months=buckets - 1)
        end = last.normalize().replace(day=1) + pd.DateOffset(months=1)
    else:
        monday = last.normalize() - pd.Timedelta(days=last.weekday())
        first = monday - pd.Timedelta(weeks=buckets - 1)
        end = monday + pd.Timedelta(days=7)
    return Period(min(first, bucket_start(pd.Series([period.start]), freq).iloc[0]), end)
