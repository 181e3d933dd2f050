"""Altair chart builders over the aggregated frames of `utils.metrics` (never raw rows).

Each builder takes the frame, `lang` ("zh"/"en"), and an optional `width` ("container" for the
page, a number of pixels for the report), and returns an `alt.Chart`/`alt.LayerChart` with
translated title, axes and legend labels, count axes in whole numbers, every number with
thousands separators, tooltips with exact numbers, and one fixed colour per choice value
(category, channel, severity …) everywhere.

By concept: `common` (palettes, labels, axes, formats), `complaints`, `revisits`, `clients`,
and `bundle` (`dashboard_charts`, every chart at once). `from utils import charts` gives them
all.
"""

from utils.charts.bundle import CHART_NAMES, dashboard_charts
from utils.charts.clients import clients_chart, new_clients_chart, per_100_chart
from utils.charts.common import (
    BAR_COLOR,
    CHOICES,
    COUNT,
    DECIMAL,
    DECIMAL2,
    LABEL_LIMIT,
    LINE_COLOR,
    MAX_BARS,
    MEDIAN_COLOR,
    OTHER_COLOR,
    P90_COLOR,
    PALETTES,
    SHARE,
    UNSET_COLOR,
    Width,
    color_scale,
    count_axis,
    label_of,
)
from utils.charts.complaints import (
    breakdown_chart,
    open_by_chart,
    over_time_chart,
    resolve_time_chart,
)
from utils.charts.revisits import revisit_rates_chart, score_trend_chart

__all__ = [
    "BAR_COLOR",
    "CHART_NAMES",
    "CHOICES",
    "COUNT",
    "DECIMAL",
    "DECIMAL2",
    "LABEL_LIMIT",
    "LINE_COLOR",
    "MAX_BARS",
    "MEDIAN_COLOR",
    "OTHER_COLOR",
    "P90_COLOR",
    "PALETTES",
    "SHARE",
    "UNSET_COLOR",
    "Width",
    "breakdown_chart",
    "clients_chart",
    "color_scale",
    "count_axis",
    "dashboard_charts",
    "label_of",
    "new_clients_chart",
    "open_by_chart",
    "over_time_chart",
    "per_100_chart",
    "resolve_time_chart",
    "revisit_rates_chart",
    "score_trend_chart",
]
