"""Working days as China counts them: one calendar (utils/workdays.py), scalar and vectorised.

The hand-computed dates come from the State Council's notice on the 2025 holidays
(国办发明电〔2024〕12号):
- 元旦 1 Jan (Wed) off;
- 春节 28 Jan (Tue, 除夕) – 4 Feb (Tue) off, 8 days; Sunday 26 Jan and Saturday 8 Feb worked;
- 清明 4–6 Apr off (Fri–Sun);
- 劳动节 1–5 May off; Sunday 27 Apr worked;
- 端午 31 May – 2 Jun off (Sat–Mon);
- 国庆 + 中秋 1–8 Oct off, 8 days; Sunday 28 Sep and Saturday 11 Oct worked.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.errors import ConfigError
from utils.settings import Settings, load_settings
from utils.workdays import (
    Calendar,
    DayStatus,
    add_working_days,
    calendar_for,
    is_working_day,
    working_days_between,
)

D = dt.date
T = dt.datetime
CN = calendar_for("CN")
PLAIN = calendar_for("none")

OFF_2025 = [D(2025, 1, 1)]
OFF_2025 += [D(2025, 1, d) for d in (28, 29, 30, 31)] + [D(2025, 2, 3), D(2025, 2, 4)]
OFF_2025 += [D(2025, 4, 4), D(2025, 5, 1), D(2025, 5, 2), D(2025, 5, 5), D(2025, 6, 2)]
OFF_2025 += [D(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)]
MAKEUP_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]


def test_2025_matches_the_official_notice() -> None:
    expected = sorted(
        [DayStatus(d, False, "package") for d in OFF_2025]
        + [DayStatus(d, True, "package") for d in MAKEUP_2025]
    )
    assert CN.days_differing(2025) == expected
    # the weekend days inside the holidays stay days off
    assert not CN.is_working_day(D(2025, 2, 1)) and not CN.is_working_day(D(2025, 10, 5))


def test_spring_festival_deadline_lands_after_the_holiday() -> None:
    received = T(2025, 1, 27, 10, 0)  # Monday before 除夕, a working day
    assert CN.add_working_days(received, 1) == T(2025, 2, 5, 10, 0)
    assert CN.add_working_days(received, 3) == T(2025, 2, 7, 10, 0)
    # weekends only would have put it in the middle of Spring Festival
    assert PLAIN.add_working_days(received, 3) == T(2025, 1, 30, 10, 0)
    # the make-up Sunday before the holiday is a working day
    friday = T(2025, 1, 24, 16, 0)
    assert CN.add_working_days(friday, 1) == T(2025, 1, 26, 16, 0)
    assert CN.add_working_days(friday, 3) == T(2025, 2, 5, 16, 0)
    # received during the holiday: counts from the same time on the first working day
    assert CN.add_working_days(T(2025, 1, 30, 9, 30), 0) == T(2025, 2, 5, 9, 30)
    assert CN.add_working_days(T(2025, 1, 30, 9, 30), 1) == T(2025, 2, 6, 9, 30)


def test_make_up_saturday_counts_as_a_working_day() -> None:
    assert CN.is_working_day(D(2025, 2, 8)) and not PLAIN.is_working_day(D(2025, 2, 8))
    assert CN.add_working_days(T(2025, 2, 7, 9, 0), 1) == T(2025, 2, 8, 9, 0)
    # received on the make-up Saturday: that day counts like any Monday
    assert CN.add_working_days(T(2025, 2, 8, 11, 0), 1) == T(2025, 2, 10, 11, 0)
    # the Sunday after is an ordinary day off
    assert CN.add_working_days(T(2025, 2, 9, 11, 0), 1) == T(2025, 2, 11, 11, 0)
    assert CN.working_days_between(T(2025, 2, 7, 12, 0), T(2025, 2, 10, 12, 0)) == 2.0


def test_national_day_week() -> None:
    assert CN.add_working_days(T(2025, 9, 26, 14, 0), 1) == T(2025, 9, 28, 14, 0)  # Sunday
    before = T(2025, 9, 30, 10, 0)
    assert [CN.add_working_days(before, n).date() for n in (1, 2, 3, 4)] == [
        D(2025, 10, 9),
        D(2025, 10, 10),
        D(2025, 10, 11),  # make-up Saturday
        D(2025, 10, 13),
    ]
    assert CN.add_working_days(T(2025, 10, 2, 9, 0), 1) == T(2025, 10, 10, 9, 0)
    assert CN.working_days_between(before, T(2025, 10, 9, 10, 0)) == pytest.approx(1.0)
    assert CN.working_days_between(before, T(2025, 10, 9, 22, 0)) == pytest.approx(1.5)
    assert CN.working_days_between(T(2025, 10, 3), T(2025, 10, 8, 23)) == 0.0
    assert PLAIN.working_days_between(before, T(2025, 10, 9, 10, 0)) == pytest.approx(7.0)


def test_the_same_answers_on_whole_columns() -> None:
    received = pd.Series(
        [T(2025, 1, 27, 10), T(2025, 2, 7, 9), pd.NaT, T(2025, 9, 30, 10), T(2025, 10, 2, 9)],
        index=[10, 11, 12, 13, 14],
    )
    due = CN.add_working_days_series(received, np.array([3, 1, 2, 3, 1]))
    assert due.index.tolist() == [10, 11, 12, 13, 14]
    assert due.tolist()[:2] == [pd.Timestamp(2025, 2, 7, 10), pd.Timestamp(2025, 2, 8, 9)]
    assert pd.isna(due.iloc[2])
    assert due.tolist()[3:] == [pd.Timestamp(2025, 10, 11, 10), pd.Timestamp(2025, 10, 10, 9)]
    assert str(due.dtype) == "datetime64[ns]"
    elapsed = CN.working_days_between(received, due)
    assert elapsed.index.tolist() == received.index.tolist()
    assert elapsed.tolist()[:2] == [3.0, 1.0] and np.isnan(elapsed.iloc[2])


def test_nat_and_missing_counts() -> None:
    received = pd.Series([pd.NaT, T(2025, 2, 7, 9), T(2025, 2, 7, 9)])
    due = CN.add_working_days_series(received, pd.Series([1.0, np.nan, 1.0]))
    assert due.isna().tolist() == [True, True, False]
    assert CN.add_working_days_series(pd.Series([pd.NaT, pd.NaT]), 2).isna().all()
    assert CN.add_working_days_series(pd.Series([], dtype="datetime64[ns]"), 2).empty
    assert np.isnan(CN.working_days_between(pd.NaT, T(2025, 1, 1)))
    both = CN.working_days_between(pd.Series([pd.NaT, T(2025, 2, 7)]), T(2025, 2, 10))
    assert np.isnan(both.iloc[0]) and both.iloc[1] == 2.0


def test_team_extra_days_both_ways() -> None:
    team = calendar_for(
        "CN",
        frozenset({D(2025, 2, 5), D(2025, 12, 24), D(2025, 10, 7)}),  # extra days off
        frozenset({D(2025, 2, 9), D(2025, 10, 8), D(2025, 12, 27)}),  # extra working days
    )
    # 5 Feb off for the team; Sunday 9 Feb worked
    assert team.add_working_days(T(2025, 1, 27, 10), 1) == T(2025, 2, 6, 10)
    assert team.add_working_days(T(2025, 2, 8, 11), 1) == T(2025, 2, 9, 11)
    assert team.is_working_day(D(2025, 10, 8))  # the team works on a statutory day off
    differing = {s.date: s for s in team.days_differing(2025)}
    assert differing[D(2025, 2, 5)] == DayStatus(D(2025, 2, 5), False, "team")
    assert differing[D(2025, 12, 24)] == DayStatus(D(2025, 12, 24), False, "team")
    assert differing[D(2025, 12, 27)] == DayStatus(D(2025, 12, 27), True, "team")
    assert differing[D(2025, 2, 9)].source == "team"
    assert differing[D(2025, 10, 7)].source == "package"  # off anyway
    assert D(2025, 10, 8) not in differing  # a working Wednesday, like any Wednesday
    # a date in both team lists is a working day
    both = calendar_for("none", frozenset({D(2025, 3, 3)}), frozenset({D(2025, 3, 3)}))
    assert both.is_working_day(D(2025, 3, 3))


def test_weekends_only_and_another_country() -> None:
    assert PLAIN.days_differing(2025) == []
    assert PLAIN.is_working_day(D(2025, 1, 28)) and not PLAIN.is_working_day(D(2025, 1, 26))
    us = calendar_for("us")
    assert us.choice == "US" and calendar_for("CHN").choice == "CN"
    assert not us.is_working_day(D(2025, 7, 4)) and us.is_working_day(D(2025, 1, 28))
    assert us.add_working_days(T(2025, 7, 3, 10), 1) == T(2025, 7, 7, 10)
    assert us.add_working_days(T(2025, 11, 26, 10), 1) == T(2025, 11, 28, 10)  # Thanksgiving
    assert DayStatus(D(2025, 12, 25), False, "package") in us.days_differing(2025)
    with pytest.raises(ConfigError) as err:
        calendar_for("XX")
    assert "XX" in err.value.message("zh")


def test_unknown_years_are_reported() -> None:
    assert {2001, 2025, 2026} <= set(CN.known_years())
    assert CN.unknown_years([2025, 2090, float("nan"), None, np.int64(2090)]) == [2090]
    assert CN.unknown_years_notice([2025], "en") is None
    assert "2090" in CN.unknown_years_notice([2025, 2090], "en")
    assert "2090、2091" in CN.unknown_years_notice([2091, 2090], "zh")
    assert PLAIN.unknown_years([2090, 3000]) == []
    assert calendar_for("US").unknown_years([2090, 2500]) == [2500]
    # a year the package does not know: its estimate of the statutory days, no make-up days
    estimated = CN.days_differing(2090)
    assert len(estimated) >= 7 and not any(s.working for s in estimated)


def test_old_signatures_still_work() -> None:
    friday = T(2026, 11, 20, 16, 0)
    assert add_working_days(friday, 3, {D(2026, 11, 24)}) == T(2026, 11, 26, 16)
    assert not is_working_day(D(2026, 11, 24), [D(2026, 11, 24)])
    assert working_days_between(friday, T(2026, 11, 23, 16)) == pytest.approx(1.0)
    # a Calendar may be passed where the holidays went
    assert add_working_days(T(2025, 1, 27, 10), 3, CN) == T(2025, 2, 7, 10)
    assert working_days_between(T(2025, 2, 7, 12), T(2025, 2, 10, 12), CN) == 2.0


def test_settings_give_the_cached_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SHEETDESK_CALENDAR", "SHEETDESK_WORKING_DAYS", "SHEETDESK_HOLIDAYS"):
        monkeypatch.delenv(name, raising=False)
    default = Settings()
    assert default.calendar == "CN" and default.work_calendar is Settings().work_calendar
    assert default.work_calendar is CN
    s = load_settings({"calendar": "none", "working_days": ["2026-10-10"], "holidays": []})
    assert s.calendar == "none" and s.extra_working_days == frozenset({D(2026, 10, 10)})
    assert s.work_calendar.is_working_day(D(2026, 10, 10))
    monkeypatch.setenv("SHEETDESK_CALENDAR", "hk")
    monkeypatch.setenv("SHEETDESK_WORKING_DAYS", "2026-10-11, 2026-10-18")
    monkeypatch.setenv("SHEETDESK_HOLIDAYS", "2026-10-12")
    s = load_settings({"calendar": "none"})
    assert s.calendar == "HK"
    assert s.extra_working_days == frozenset({D(2026, 10, 11), D(2026, 10, 18)})
    cal = s.work_calendar
    assert cal == Calendar("HK", frozenset({D(2026, 10, 12)}), s.extra_working_days)
    assert cal.is_working_day(D(2026, 10, 11)) and not cal.is_working_day(D(2026, 10, 12))
    monkeypatch.setenv("SHEETDESK_CALENDAR", "Narnia")
    with pytest.raises(ConfigError):
        load_settings()
    # building is microseconds once cached: every page render may ask for it
    start = time.perf_counter()
    for _ in range(1000):
        assert default.work_calendar is CN
    assert time.perf_counter() - start < 0.2


# ---- vectorised == scalar --------------------------------------------------------------

TEAM = calendar_for(
    "CN", frozenset({D(2025, 2, 5), D(2026, 3, 2)}), frozenset({D(2025, 2, 9), D(2026, 5, 3)})
)
CALENDARS = {"CN": CN, "none": PLAIN, "team": TEAM, "US": calendar_for("US")}


def _overlap_reference(cal: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    """Working days from start to end by definition: the part of each working day between."""
    if end < start:
        return -_overlap_reference(cal, end, start)
    total, day = 0.0, start.date()
    while day <= end.date():
        if cal.is_working_day(day):
            lo = max(start, dt.datetime.combine(day, dt.time()))
            hi = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
            total += max(0.0, (hi - lo).total_seconds() / 86400)
        day += dt.timedelta(days=1)
    return total


moments = st.one_of(
    st.none(),
    st.datetimes(min_value=T(2024, 12, 1), max_value=T(2027, 1, 31)),
)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(CALENDARS)),
    st.lists(st.tuples(moments, st.integers(0, 12), moments), min_size=1, max_size=80),
)
def test_vectorised_equals_scalar(name: str, rows: list) -> None:
    cal = CALENDARS[name]
    received = pd.Series([r[0] for r in rows], dtype="datetime64[ns]")
    days = np.array([r[1] for r in rows])
    ends = pd.Series([r[2] for r in rows], dtype="datetime64[ns]")
    due = cal.add_working_days_series(received, days)
    between = cal.working_days_between(received, ends)
    for i, (start, n, end) in enumerate(rows):
        if start is None:
            assert pd.isna(due.iloc[i])
        else:
            start = pd.Timestamp(start).to_pydatetime()  # as stored: nanoseconds
            assert due.iloc[i].to_pydatetime() == cal.add_working_days(start, n)
        if start is None or end is None:
            assert np.isnan(between.iloc[i])
        else:
            expected = _overlap_reference(cal, start, pd.Timestamp(end).to_pydatetime())
            assert between.iloc[i] == pytest.approx(expected, abs=1e-9)


def test_thousands_of_random_moments_and_far_years() -> None:
    rng = np.random.default_rng(7)
    seconds = rng.integers(0, 40 * 365 * 86400, 5000)
    received = pd.Series(pd.Timestamp("1995-01-01") + pd.to_timedelta(seconds, unit="s"))
    days = rng.integers(0, 30, 5000)
    days[:5] = 1500  # several years of working days: the covered range grows as needed
    for cal in (CN, TEAM):
        due = cal.add_working_days_series(received, days)
        for start, n, got in zip(received, days, due, strict=True):
            assert got.to_pydatetime() == cal.add_working_days(start.to_pydatetime(), int(n))
    far = pd.Series([T(2150, 1, 30, 8), T(1980, 2, 15, 8)])
    assert CN.add_working_days_series(far, 5).tolist() == [
        pd.Timestamp(CN.add_working_days(m, 5)) for m in far
    ]


def test_time_zone_aware_columns_keep_their_zone() -> None:
    received = pd.Series(pd.to_datetime([T(2025, 1, 27, 10), T(2025, 9, 30, 10)]))
    aware = received.dt.tz_localize("Asia/Shanghai")
    due = CN.add_working_days_series(aware, 1)
    assert str(due.dt.tz) == "Asia/Shanghai"
    assert due.dt.tz_localize(None).tolist() == [T(2025, 2, 5, 10), T(2025, 10, 9, 10)]


def test_fifty_thousand_rows_in_milliseconds() -> None:
    rng = np.random.default_rng(1)
    seconds = rng.integers(0, 3 * 365 * 86400, 50_000)
    received = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s"))
    received[rng.integers(0, 50_000, 500)] = pd.NaT
    days = rng.integers(1, 4, 50_000)
    CN.add_working_days_series(received, days)  # the calendar is built once, then reused
    best = min(_timed(lambda: CN.add_working_days_series(received, days)) for _ in range(5))
    print(f"add_working_days_series on 50,000 rows: {best * 1000:.1f} ms")
    assert best < 0.5  # ~10–20 ms on a laptop; generous for a loaded CI machine


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ---- the command line ------------------------------------------------------------------


def test_cli_calendar_json(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from utils.cli import main

    for name in ("SHEETDESK_CALENDAR", "SHEETDESK_WORKING_DAYS", "SHEETDESK_HOLIDAYS"):
        monkeypatch.delenv(name, raising=False)
    assert main(["calendar", "--year", "2025", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"date": "2025-02-08", "working": True, "source": "package"} in rows
    assert {"date": "2025-01-28", "working": False, "source": "package"} in rows
    assert len(rows) == len(OFF_2025) + len(MAKEUP_2025)
    monkeypatch.setenv("SHEETDESK_HOLIDAYS", "2025-12-24")
    assert main(["calendar", "--year", "2025", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "2025-02-08 周六  上班  调休上班  [节假日日历]" in out
    assert "2025-12-24 周三  休息  团队休息日  [团队设置]" in out
    assert main(["calendar", "--year", "2090"]) == 0
    assert "does not know 2090" in capsys.readouterr().out
    monkeypatch.setenv("SHEETDESK_CALENDAR", "XX")
    assert main(["calendar", "--year", "2025"]) == 2
    assert "XX" in capsys.readouterr().err
