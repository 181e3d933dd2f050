"""What every chart shares: one colour per choice value (the palettes below are the only place
colours are defined), translated labels, the period axis, whole-number count axes and the
number formats (thousands separators everywhere), the title and size of a chart, and the row
cap on the data a chart sends to the browser."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from sheets_schema import choices as ch
from utils.i18n import t
from utils.metrics.series import MAX_CHART_ROWS

# one colour per choice value, keyed by the value (labels are translated on top)
PALETTES: dict[str, dict[str, str]] = {
    "category": {
        "attitude": "#e45756",
        "service_quality": "#4c78a8",
        "product": "#f58518",
        "process": "#72b7b2",
        "billing": "#54a24b",
        "facilities": "#b279a2",
        "other": "#9d755d",
    },
    "channel": {
        "phone": "#4c78a8",
        "walk_in": "#f58518",
        "email": "#54a24b",
        "web": "#72b7b2",
        "letter": "#eeca3b",
        "media": "#e45756",
        "other": "#9d755d",
    },
    "severity": {"normal": "#8fb3d9", "serious": "#f28e2b", "critical": "#d62728"},
    "level": {
        "frontline": "#9ecae9",
        "department": "#4c78a8",
        "management": "#f58518",
        "executive": "#d62728",
    },
    "grade": {"A": "#d62728", "B": "#f58518", "C": "#4c78a8", "D": "#9ecae9"},
    "client_status": {"active": "#54a24b", "dormant": "#eeca3b", "lost": "#9d755d"},
    "attitude": {"satisfied": "#54a24b", "average": "#eeca3b", "unsatisfied": "#e45756"},
    "complaint_status": {
        "received": "#bab0ac",
        "in_progress": "#4c78a8",
        "resolved": "#54a24b",
        "closed": "#2e6b30",
    },
    "state": {"on_time": "#4c78a8", "overdue": "#d62728"},
}
UNSET_COLOR = "#bab0ac"
OTHER_COLOR = "#bab0ac"
BAR_COLOR = "#4c78a8"
LINE_COLOR = "#4c78a8"
MEDIAN_COLOR = "#333333"
P90_COLOR = "#d62728"
CHOICES: dict[str, ch.Choices] = {
    "category": ch.CATEGORY,
    "channel": ch.CHANNEL,
    "severity": ch.SEVERITY,
    "level": ch.LEVEL,
    "grade": ch.GRADE,
    "client_status": ch.CLIENT_STATUS,
    "attitude": ch.ATTITUDE,
    "complaint_status": ch.COMPLAINT_STATUS,
}
LABEL_LIMIT = 150  # px: longer axis/legend labels are cut with "…" (full text in the tooltip)
MAX_BARS = 40  # rows of a horizontal bar chart (people): the busiest are shown

# number formats (d3): counts are whole numbers with thousands separators, figures one decimal
COUNT = ",d"
DECIMAL = ",.1f"
DECIMAL2 = ",.2f"
SHARE = ".1%"

Width = int | str


def label_of(dimension: str, value: str, lang: str) -> str:
    """The translated label of a choice value; blank → "(not set)"; unknown values as they
    are."""
    if value is None or str(value) == "":
        return t("dash.unset", lang)
    if dimension == "state":
        return t(f"dash.state.{value}", lang)
    choices = CHOICES.get(dimension)
    return choices.label(str(value), lang) if choices else str(value)


def color_scale(dimension: str, values: list[str], lang: str) -> alt.Scale:
    """A colour scale over the labels of `values` (in the choice list's order), each value in
    its fixed colour."""
    palette = PALETTES.get(dimension, {})
    order = list(CHOICES[dimension].values) if dimension in CHOICES else list(palette)
    present = [v for v in order if v in values] + sorted(v for v in set(values) if v not in order)
    domain = [label_of(dimension, v, lang) for v in present]
    colors = [palette.get(v, UNSET_COLOR if v == "" else OTHER_COLOR) for v in present]
    return alt.Scale(domain=domain, range=colors)


def count_axis(title: str | None, **extra: Any) -> alt.Axis:
    """The axis of a count: whole-number ticks (never 0.5 complaints) with thousands
    separators."""
    return alt.Axis(title=title, format=COUNT, tickMinStep=1, **extra)


def labelled(frame: pd.DataFrame, dimension: str, lang: str, col: str = "key") -> pd.DataFrame:
    out = frame.copy()
    out["label"] = [label_of(dimension, v, lang) for v in out[col].astype(str)]
    return out


def bucket_labels(buckets: pd.Series, freq: str, lang: str) -> tuple[pd.Series, pd.Series]:
    """(short axis label, long tooltip label) of each week/month start."""
    b = pd.to_datetime(buckets)
    if freq == "M":
        short = b.dt.strftime("%Y-%m")
        long = short
    else:
        short = b.dt.strftime("%m-%d")
        long = b.dt.strftime("%Y-%m-%d").map(lambda d: t("dash.week_of", lang, date=d))
    return short.astype(object), long.astype(object)


def period_axis(n: int, title: str) -> alt.Axis:
    return alt.Axis(title=title, labelAngle=0 if n <= 13 else -45, labelOverlap=True, labelLimit=80)


def props(chart: Any, title: str, width: Width, height: int) -> Any:
    """Title (left-aligned), width and height."""
    return chart.properties(
        title=alt.TitleParams(title, anchor="start"), width=width, height=height
    )


def cap_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.head(MAX_CHART_ROWS)


def dim_title(dimension: str, lang: str) -> str:
    return t(f"dash.dim.{dimension}", lang)
