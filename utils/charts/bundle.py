"""Every dashboard chart at once, for the dashboard page and the monthly report."""

from __future__ import annotations

import altair as alt

from utils.charts.clients import clients_chart, new_clients_chart, per_100_chart
from utils.charts.common import Width
from utils.charts.complaints import (
    breakdown_chart,
    open_by_chart,
    over_time_chart,
    resolve_time_chart,
)
from utils.charts.revisits import revisit_rates_chart, score_trend_chart
from utils.metrics.overview import Dashboard

CHART_NAMES = (
    "over_time_category",
    "over_time_channel",
    "over_time_severity",
    "by_category",
    "by_channel",
    "by_severity",
    "open_by_level",
    "open_by_owner",
    "resolve_time",
    "revisit_rates",
    "score_trend",
    "clients",
    "new_clients",
    "per_100",
)


def dashboard_charts(
    d: Dashboard, lang: str, width: Width = "container", narrow: Width | None = None
) -> dict[str, alt.TopLevelMixin]:
    """Every dashboard chart, keyed by `CHART_NAMES`. `narrow` is the width of the charts
    meant to sit two in a row (default: `width`)."""
    narrow = width if narrow is None else narrow
    k = d.kpis
    out: dict[str, alt.TopLevelMixin] = {
        f"over_time_{by}": over_time_chart(d.over_time[by], lang, by, d.freq, width)
        for by in ("category", "channel", "severity")
    }
    out["by_category"] = breakdown_chart(d.by_category, lang, "category", narrow)
    out["by_channel"] = breakdown_chart(d.by_channel, lang, "channel", narrow)
    out["by_severity"] = breakdown_chart(d.by_severity, lang, "severity", narrow)
    out["open_by_level"] = open_by_chart(d.open_by_level, lang, "level", narrow)
    out["open_by_owner"] = open_by_chart(d.open_by_owner, lang, "owner", narrow)
    out["resolve_time"] = resolve_time_chart(
        d.resolve_hist, lang, k["median_days"].value, k["p90_days"].value, width
    )
    out["revisit_rates"] = revisit_rates_chart(d.revisit_rates, lang, narrow)
    out["score_trend"] = score_trend_chart(d.score_trend, lang, d.freq, narrow)
    out["clients"] = clients_chart(d.clients_by_grade_status, lang, narrow)
    out["new_clients"] = new_clients_chart(d.new_clients, lang, narrow)
    out["per_100"] = per_100_chart(d.per_100, lang, narrow)
    return out
