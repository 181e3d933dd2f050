"""Working days as the team counts them: ONE calendar for due dates, overdue and metrics.

A `Calendar` is made of three things:

- a choice of country calendar: `"CN"` (China, the default: statutory days off *and* the
  make-up working days, 调休, a Saturday or Sunday that is officially a working day), `"none"`
  (Saturday and Sunday off, nothing else) or any other country code the maintained `holidays`
  package knows (that country's weekend and public holidays);
- the team's own extra days off (`Settings.holidays`);
- the team's own extra working days (`Settings.extra_working_days`); a date in both team lists
  is a working day.

Everything derives from one table: the days off of each year (`Calendar.days_off`). The scalar
functions read it directly; the vectorised ones give numpy a `busdaycalendar` whose week mask
is all seven days and whose holidays are every day off of the years covered, so a make-up
Saturday counts as a working day (a week mask alone cannot say that).

China publishes each year's schedule in November or December of the year before; the package
knows a year only once a release carries it (`Calendar.known_years`). For a year it does not
know, the package still gives its estimate — the statutory holidays, moved off weekends by its
own rule — but no make-up working days; callers warn with `unknown_years` /
`unknown_years_notice`.

Pure: no streamlit, no store, no clock. `calendar_for` / `Calendar.from_settings` are cached per
distinct inputs and every derived table is cached on the (immutable) calendar, so calling them
on every page render costs microseconds after the first time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple, overload

import numpy as np
import pandas as pd

from utils.errors import ConfigError
from utils.i18n import t

DEFAULT = "CN"
NONE = "none"
Source = Literal["package", "team"]
Moment = dt.date | np.datetime64 | str | None  # one point in time (datetime, Timestamp …)

_FIRST_YEAR = 2000  # the vectorised calendar always covers at least 2000 … the data's last year
_MIN_WORKING_DAYS_PER_YEAR = 200  # used only to size the covered range before checking it
_ONE_DAY = dt.timedelta(days=1)
_NS_PER_DAY = 86_400_000_000_000
_LOCK = threading.RLock()
_PACKAGE_LANG = {"zh": "zh_CN", "en": "en_US"}


class DayStatus(NamedTuple):
    """A date whose working status differs from plain Monday–Friday, and why."""

    date: dt.date
    working: bool
    source: Source  # "package": the country calendar; "team": the team's own settings


# ---- the country calendar (the `holidays` package), cached per code and year ----------------


@lru_cache(maxsize=64)
def normalise_choice(choice: str | None) -> str:
    """`"CN"`/`"cn"`/`"CHN"` → `"CN"`; `"none"` → `"none"`; a code the package knows → its
    canonical code; blank → the default (`"CN"`). Anything else raises ConfigError."""
    text = (choice or "").strip()
    if not text:
        return DEFAULT
    if text.lower() == NONE:
        return NONE
    import holidays as holidays_pkg

    try:
        return str(holidays_pkg.country_holidays(text.upper()).country)
    except NotImplementedError:
        raise ConfigError("calendar.unknown_choice", value=text) from None


_PACKAGE_YEARS: dict[tuple[str, int], frozenset[dt.date]] = {}


def _package_years(code: str, years: Iterable[int]) -> dict[int, frozenset[dt.date]]:
    """The days off of each year according to the country calendar `code` alone (weekends
    except make-up working days, plus holidays; "none": Saturdays and Sundays). Missing years
    are fetched from the package in one go."""
    years = sorted(set(years))
    with _LOCK:
        missing = [y for y in years if (code, y) not in _PACKAGE_YEARS]
        if missing:
            _fetch(code, missing[0], missing[-1])
        return {y: _PACKAGE_YEARS[(code, y)] for y in years}


def _fetch(code: str, first: int, last: int) -> None:
    weekend: Collection[int] = (5, 6)
    holiday_dates: set[dt.date] = set()
    makeup: set[dt.date] = set()
    if code != NONE:
        import holidays as holidays_pkg

        # one year more: a make-up day in late December can belong to next year's schedule
        package = holidays_pkg.country_holidays(code, years=range(first, min(last + 1, 9999) + 1))
        weekend = set(package.weekend)
        holiday_dates = set(package)
        makeup = set(getattr(package, "weekend_workdays", ()))
    for year in range(first, last + 1):
        day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        off = set()
        while day <= end:
            if day in holiday_dates or (day.weekday() in weekend and day not in makeup):
                off.add(day)
            day += _ONE_DAY
        _PACKAGE_YEARS[(code, year)] = frozenset(off)


@cache
def _known_years(code: str) -> Collection[int]:
    if code == NONE:
        return range(1, 10000)
    import holidays as holidays_pkg

    if code == "CN":
        # China's days off and make-up days are set each year by a State Council notice: the
        # package knows a year once a release carries that notice (its "special" holidays).
        from holidays.countries.china import ChinaStaticHolidays

        return frozenset(getattr(ChinaStaticHolidays, "special_public_holidays", {}))
    package = holidays_pkg.country_holidays(code)
    return range(getattr(package, "start_year", 1), getattr(package, "end_year", 9998) + 1)


@lru_cache(maxsize=256)
def _names(code: str, year: int, lang: str) -> Mapping[dt.date, str]:
    if code == NONE:
        return {}
    import holidays as holidays_pkg

    package = holidays_pkg.country_holidays(code, years=year)
    language = _PACKAGE_LANG.get(lang)
    if language in (getattr(package, "supported_languages", ()) or ()):
        package = holidays_pkg.country_holidays(code, years=year, language=language)
    return {d: str(name) for d, name in package.items() if d.year == year}


# ---- the calendar ------------------------------------------------------------------------


def _as_dates(days: Iterable[Any]) -> frozenset[dt.date]:
    return frozenset(
        d.date()
        if isinstance(d, dt.datetime)
        else d
        if isinstance(d, dt.date)
        else dt.date.fromisoformat(str(d))
        for d in days
    )


@dataclass(frozen=True)
class Calendar:
    """Which days are working days. Build it with `calendar_for` or `Calendar.from_settings`
    (cached); all methods are pure and cache what they derive on the instance."""

    choice: str = DEFAULT
    extra_off: frozenset[dt.date] = frozenset()
    extra_working: frozenset[dt.date] = frozenset()
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice", normalise_choice(self.choice))
        object.__setattr__(self, "extra_off", _as_dates(self.extra_off))
        object.__setattr__(self, "extra_working", _as_dates(self.extra_working))

    @staticmethod
    def from_settings(settings: Any) -> Calendar:
        """The calendar of a `Settings` (choice `calendar`, days off `holidays`, working days
        `extra_working_days`); the same object for the same settings."""
        return calendar_for(
            getattr(settings, "calendar", DEFAULT),
            getattr(settings, "holidays", frozenset()),
            getattr(settings, "extra_working_days", frozenset()),
        )

    # -- the one table --
    def days_off(self, year: int) -> frozenset[dt.date]:
        """Every day off of `year` (weekends included, make-up working days excluded)."""
        key = ("off", year)
        found = self._cache.get(key)
        if found is None:
            self._prefetch(year, year)
            found = self._cache[key]
        return found

    def _prefetch(self, first: int, last: int) -> None:
        with _LOCK:
            years = [y for y in range(first, last + 1) if ("off", y) not in self._cache]
            if not years:
                return
            for year, off in _package_years(self.choice, years).items():
                team_off = {d for d in self.extra_off if d.year == year}
                team_working = {d for d in self.extra_working if d.year == year}
                self._cache[("off", year)] = frozenset((off | team_off) - team_working)

    # -- scalar --
    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        return day not in self.days_off(day.year)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """`start` moved forward by `days` working days; the time of day carries over.

        A start on a day off counts from the same time on the next working day:
        Friday 10:00 + 1 → Monday 10:00; Saturday 10:00 + 1 → Tuesday 10:00 (and, in China, a
        make-up Saturday is a working day like any Monday)."""
        day = start.date()
        for _ in range(3660):
            if self.is_working_day(day):
                break
            day += _ONE_DAY
        else:
            raise ValueError("no working day in ten years")
        step = _ONE_DAY if days >= 0 else -_ONE_DAY
        left = abs(int(days))
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return dt.datetime.combine(day, start.timetz())

    # -- vectorised --
    def busdaycalendar(self, first: int, last: int) -> np.busdaycalendar:
        """A numpy business-day calendar valid from 1 Jan `first` to 31 Dec `last` (at least
        2000 on): week mask all seven days, holidays = every day off. Built lazily, widened
        when asked for years it does not cover, then reused."""
        return self._span(first, last)[2]

    def _span(self, first: int, last: int) -> tuple[int, int, np.busdaycalendar]:
        first, last = max(1, first), min(9998, last)
        span = self._cache.get("span")
        if span is not None and span[0] <= first and last <= span[1]:
            return span
        with _LOCK:
            span = self._cache.get("span")
            lo = min(first, _FIRST_YEAR, span[0] if span else first)
            hi = max(last, span[1] if span else last)
            self._prefetch(lo, hi)
            off = sorted(d for y in range(lo, hi + 1) for d in self._cache[("off", y)])
            cal = np.busdaycalendar(weekmask="1111111", holidays=np.array(off, "datetime64[D]"))
            self._cache["span"] = (lo, hi, cal)
            return lo, hi, cal

    def _covered(self, days: np.ndarray, pad_years: int = 0) -> tuple[np.busdaycalendar, Any]:
        """A calendar covering `days` and `pad_years` around them, and the covered span
        (first day, last day)."""
        first, last = (d.astype(dt.date).year for d in (days.min(), days.max()))
        lo, hi, cal = self._span(first - 1 - pad_years, last + 1 + pad_years)
        return cal, (np.datetime64(f"{lo:04d}-01-01"), np.datetime64(f"{hi:04d}-12-31"))

    def add_working_days_series(self, received: Any, days: Any) -> pd.Series:
        """`add_working_days` over whole columns: `received` (datetimes; NaT allowed) moved
        by `days` (an int, or one per row: ndarray or Series, by position; NaN → NaT).
        Returns a datetime64[ns] Series with `received`'s index."""
        received = received if isinstance(received, pd.Series) else pd.Series(received)
        moments, tz = _wall_clock(pd.to_datetime(received))
        counts = np.asarray(days.to_numpy() if isinstance(days, pd.Series) else days)
        counts = np.broadcast_to(counts, (len(moments),))
        values = moments.to_numpy(dtype="datetime64[ns]")
        valid = ~np.isnat(values)
        if counts.dtype.kind not in "iu":
            counts = counts.astype(float)
            valid &= np.isfinite(counts)
        out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
        if valid.any():
            day, time_of_day = _split(values[valid])
            n = counts[valid].astype(np.int64)
            pad = int(np.abs(n).max()) // _MIN_WORKING_DAYS_PER_YEAR + 1
            for _ in range(16):
                cal, (lo, hi) = self._covered(day, pad)
                moved = np.busday_offset(day, n, roll="forward", busdaycal=cal)
                # beyond the covered years every day would count: make sure we stayed inside
                if bool((moved >= lo).all() and (moved <= hi).all()):
                    break
                pad *= 2  # years with very few working days: cover more and recompute
            else:
                raise ValueError("working days beyond the years a calendar can cover")
            out[valid] = (moved.view("i8") * _NS_PER_DAY + time_of_day).view("datetime64[ns]")
        return _restore_tz(pd.Series(out, index=received.index), tz)

    @overload
    def working_days_between(self, start: pd.Series, end: pd.Series | Moment) -> pd.Series: ...
    @overload
    def working_days_between(self, start: Moment, end: pd.Series) -> pd.Series: ...
    @overload
    def working_days_between(self, start: Moment, end: Moment) -> float: ...
    def working_days_between(self, start: Any, end: Any) -> pd.Series | float:
        """Elapsed working days from `start` to `end`, fractional (only the hours of working
        days count; negative when `end` is before `start`); scalars or whole Series (by
        position; the result has `start`'s index). NaT in either gives NaN."""
        scalar = not isinstance(start, pd.Series) and not isinstance(end, pd.Series)
        s_in = pd.Series([start]) if not isinstance(start, pd.Series) else start
        e_in = pd.Series([end]) if not isinstance(end, pd.Series) else end
        s, _ = _wall_clock(pd.to_datetime(s_in))
        e, _ = _wall_clock(pd.to_datetime(e_in))
        sv = s.to_numpy(dtype="datetime64[ns]")
        ev = e.to_numpy(dtype="datetime64[ns]")
        if len(sv) != len(ev):
            sv, ev = np.broadcast_arrays(sv, ev)
        valid = ~np.isnat(sv) & ~np.isnat(ev)
        out = np.full(len(sv), np.nan)
        if valid.any():
            s_ns, e_ns = sv[valid], ev[valid]
            backwards = e_ns < s_ns  # counted forwards, then negated
            sd, s_time = _split(np.where(backwards, e_ns, s_ns))
            ed, e_time = _split(np.where(backwards, s_ns, e_ns))
            cal, _ = self._covered(np.concatenate([sd, ed]))
            whole = np.busday_count(sd, ed, busdaycal=cal).astype(float)
            s_frac, e_frac = s_time / _NS_PER_DAY, e_time / _NS_PER_DAY
            s_work = np.is_busday(sd, busdaycal=cal)
            e_work = np.is_busday(ed, busdaycal=cal)
            value = whole - np.where(s_work, s_frac, 0.0) + np.where(e_work, e_frac, 0.0)
            out[valid] = np.where(backwards, -value, value)
        if scalar:
            return float(out[0])
        index = start.index if isinstance(start, pd.Series) else end.index
        return pd.Series(out, index=index if len(index) == len(out) else None)

    # -- what the calendar knows --
    def known_years(self) -> Collection[int]:
        """The years for which the country calendar has official data ("none": all)."""
        return _known_years(self.choice)

    def unknown_years(self, years: Iterable[Any]) -> list[int]:
        """Those of `years` (ints; NaN and None ignored) the country calendar does not know:
        days off there are the package's estimate, without make-up working days."""
        known = self.known_years()
        wanted = {int(y) for y in years if y is not None and not pd.isna(y)}
        return sorted(y for y in wanted if y not in known)

    def unknown_years_notice(self, years: Iterable[Any], lang: str = "en") -> str | None:
        """The translated warning for the unknown ones among `years`, or None."""
        unknown = self.unknown_years(years)
        if not unknown:
            return None
        joined = ("、" if lang == "zh" else ", ").join(str(y) for y in unknown)
        return t("calendar.unknown_year", lang, years=joined)

    def days_differing(self, year: int) -> list[DayStatus]:
        """Every date of `year` whose working status differs from plain Monday–Friday, with
        where that comes from: the country calendar ("package") or the team ("team")."""
        off = self.days_off(year)
        package_off = _package_years(self.choice, [year])[year]
        out = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            working = day not in off
            if working != (day.weekday() < 5):
                source: Source = "package" if (day not in package_off) == working else "team"
                out.append(DayStatus(day, working, source))
            day += _ONE_DAY
        return out

    def holiday_names(self, year: int, lang: str = "en") -> Mapping[dt.date, str]:
        """The country calendar's names of its days off in `year` (in `lang` when the package
        has it)."""
        return _names(self.choice, year, lang)

    def label(self, lang: str = "en") -> str:
        if self.choice == NONE:
            return t("calendar.label.none", lang)
        if self.choice == "CN":
            return t("calendar.label.cn", lang)
        return t("calendar.label.country", lang, code=self.choice)


def calendar_for(
    choice: str = DEFAULT,
    extra_off: Iterable[dt.date] = frozenset(),
    extra_working: Iterable[dt.date] = frozenset(),
) -> Calendar:
    """The calendar for a choice and the team's extra days off / working days: the same
    object for the same inputs (cached; a frozenset argument is used as is, so a call costs
    microseconds)."""
    return _calendar_for(choice, frozenset(extra_off), frozenset(extra_working))


@lru_cache(maxsize=128)
def _calendar_for(
    choice: str, extra_off: frozenset[dt.date], extra_working: frozenset[dt.date]
) -> Calendar:
    return Calendar(choice, extra_off, extra_working)


def _split(moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] (no NaT) → (the days as datetime64[D], nanoseconds since midnight as
    int64), by integer arithmetic (much faster than casting)."""
    ns = moments.view("i8")
    days = ns // _NS_PER_DAY
    return days.view("datetime64[D]"), ns - days * _NS_PER_DAY


def _wall_clock(moments: pd.Series) -> tuple[pd.Series, Any]:
    tz = getattr(moments.dt, "tz", None)
    return (moments.dt.tz_localize(None), tz) if tz is not None else (moments, None)


def _restore_tz(moments: pd.Series, tz: Any) -> pd.Series:
    return moments if tz is None else moments.dt.tz_localize(tz, nonexistent="shift_forward")


# ---- the old free functions (callers pass a Calendar, or a holidays list meaning weekends
# plus those days) -------------------------------------------------------------------------


def _legacy(holidays: Calendar | Iterable[dt.date]) -> Calendar:
    if isinstance(holidays, Calendar):
        return holidays
    return calendar_for(NONE, frozenset(holidays), frozenset())


def is_working_day(day: dt.date, holidays: Calendar | Iterable[dt.date] = ()) -> bool:
    return _legacy(holidays).is_working_day(day)


def add_working_days(
    start: dt.datetime, days: int, holidays: Calendar | Iterable[dt.date] = ()
) -> dt.datetime:
    """`Calendar.add_working_days`; `holidays` is a Calendar, or extra days off on top of
    Saturdays and Sundays (the old signature)."""
    return _legacy(holidays).add_working_days(start, days)


def working_days_between(
    start: pd.Series | dt.datetime,
    end: pd.Series | dt.datetime,
    holidays: Calendar | Iterable[dt.date] = (),
) -> pd.Series | float:
    """`Calendar.working_days_between`; `holidays` as for `add_working_days`."""
    return _legacy(holidays).working_days_between(start, end)
