"""Everything the dashboard shows, in one call: `dashboard()` filters the frames once,
prepares them once, computes the open/overdue masks and the reopen events once, and hands
them to every figure, chart series and list; the result is one `Dashboard`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from utils.metrics.filters import Filtered, Filters, apply_filters
from utils.metrics.kpis import Kpi, make_kpis, period_figures
from utils.metrics.lists import (
    not_started_list,
    overdue_list,
    reopen_events,
    reopened_list,
    top_categories,
)
from utils.metrics.periods import FREQS, Period, month_period, previous_period, trend_window
from utils.metrics.prepare import (
    not_started_at,
    open_overdue,
    prepare_complaints,
    prepare_revisits,
)
from utils.metrics.series import (
    clients_by_grade_status,
    complaints_over_time,
    complaints_per_100,
    counts_by,
    new_clients_per_month,
    open_by,
    resolve_time_distribution,
    revisit_rates,
    score_trend,
)
from utils.metrics.staff import (
    Star,
    complaints_about,
    scored_served,
    staff_table,
    stars_of_the_month,
)
from utils.settings import Settings


@dataclass
class Dashboard:
    period: Period
    previous: Period
    as_of: pd.Timestamp
    freq: str
    window: Period
    kpis: dict[str, Kpi]
    over_time: dict[str, pd.DataFrame]  # category / channel / severity
    by_category: pd.DataFrame
    by_channel: pd.DataFrame
    by_severity: pd.DataFrame
    open_by_level: pd.DataFrame
    open_by_owner: pd.DataFrame
    resolve_hist: pd.DataFrame
    revisit_rates: pd.DataFrame
    score_trend: pd.DataFrame
    clients_by_grade_status: pd.DataFrame
    new_clients: pd.DataFrame
    per_100: pd.DataFrame
    staff: pd.DataFrame
    star: Star | None  # the first of `stars`
    star_month: str
    overdue: pd.DataFrame
    reopened: pd.DataFrame
    top_categories: pd.DataFrame
    root_causes: pd.DataFrame
    filtered: Filtered = field(repr=False)
    stars: list[Star] = field(default_factory=list)  # joint stars when they tie
    not_started: pd.DataFrame = field(default_factory=pd.DataFrame)


def dashboard(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    filters: Filters,
    now: Any,
    settings: Settings,
    freq: str = "W",
) -> Dashboard:
    """All dashboard figures for the filters' period (freq "W" or "M" for the over-time
    charts). Star of the month: the month the period ends in."""
    freq = freq if freq in FREQS else "W"
    period = filters.period
    f = apply_filters(clients, complaints, revisits, filters)
    co = prepare_complaints(f.complaints, settings, f.clients)
    rv = prepare_revisits(f.revisits)
    # follow-ups count whoever made them: completion and reopen look at every revisit
    narrowed = bool(filters.complaint_attrs or filters.handlers or filters.grades)
    followups = rv
    if narrowed:
        followups = prepare_revisits(revisits)
        followups = followups[followups["complaint_id"].isin(co["complaint_id"])]
    as_of = period.as_of(now)
    window = trend_window(period, freq)
    masks = open_overdue(co, as_of, settings)
    waiting = not_started_at(co, as_of, settings)
    events = reopen_events(co, followups)
    prev_period = previous_period(period, now)
    cur = period_figures(
        f.clients, co, rv, period, now, settings, followups, events, masks, waiting
    )
    # not started has no previous value (`make_kpis`): not worked out for the previous period
    idle = pd.Series(False, index=co.index)
    prev = period_figures(
        f.clients, co, rv, prev_period, now, settings, followups, events, None, idle
    )
    top, causes = top_categories(co, period)
    star_month = month_period(period.last_day)
    served = scored_served(rv, [period, star_month], co, f.clients)  # once for both
    about = complaints_about(co, period)
    same = (period.start, period.end) == (star_month.start, star_month.end)
    stars = stars_of_the_month(
        rv,
        star_month,
        settings.star_min_revisits,
        complaints=co,
        clients=f.clients,
        served=served,
        about=about if same else None,
    )
    staff = staff_table(co, rv, period, now, settings, masks, f.clients, served, about)
    if filters.handlers:  # the people picked only (others appear as served or complained about)
        staff = staff[staff["staff"].isin(filters.handlers)].reset_index(drop=True)
    return Dashboard(
        period=period,
        previous=prev_period,
        as_of=as_of,
        freq=freq,
        window=window,
        kpis=make_kpis(cur, prev),
        over_time={
            by: complaints_over_time(co, window, freq, by)
            for by in ("category", "channel", "severity")
        },
        by_category=counts_by(co, period, "category"),
        by_channel=counts_by(co, period, "channel"),
        by_severity=counts_by(co, period, "severity"),
        open_by_level=open_by(co, as_of, settings, "level", masks),
        open_by_owner=open_by(co, as_of, settings, "owner", masks),
        resolve_hist=resolve_time_distribution(co, period, settings),
        revisit_rates=revisit_rates(cur),
        score_trend=score_trend(rv, window, freq),
        clients_by_grade_status=clients_by_grade_status(f.clients),
        new_clients=new_clients_per_month(f.clients, trend_window(period, "M")),
        per_100=complaints_per_100(co, f.clients, period),
        staff=staff,
        star=stars[0] if stars else None,
        star_month=star_month.label(),
        overdue=overdue_list(co, as_of, settings, f.clients, masks),
        reopened=reopened_list(co, followups, period, settings, f.clients, events),
        top_categories=top,
        root_causes=causes,
        filtered=f,
        stars=stars,
        not_started=not_started_list(co, as_of, settings, f.clients, waiting),
    )
