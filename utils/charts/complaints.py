"""Complaint charts: received over time (split by category, channel or severity), counts by one
dimension, open complaints by level or by person (overdue part in red), and the time-to-resolve
histogram with its median and 90th percentile marked."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from sheets_schema import choices as ch
from utils.charts.common import (
    BAR_COLOR,
    CHOICES,
    COUNT,
    DECIMAL2,
    LABEL_LIMIT,
    MAX_BARS,
    MEDIAN_COLOR,
    P90_COLOR,
    SHARE,
    Width,
    bucket_labels,
    cap_rows,
    color_scale,
    count_axis,
    dim_title,
    label_of,
    labelled,
    period_axis,
    props,
)
from utils.i18n import t

# the median and p90 labels of the resolve-time chart: one row each above the plot, so they
# never overlap however close the two values are
MARK_ROW_PX = 14  # height of one label row
MARK_GAP_PX = 4  # between the plot's top edge and the lowest label row
RIGHT_SIDE = 0.7  # a mark this far along the axis has its label on its left (stays inside)


def over_time_chart(
    frame: pd.DataFrame,
    lang: str,
    by: str = "category",
    freq: str = "W",
    width: Width = "container",
    height: int = 260,
) -> alt.Chart:
    """Stacked bars: complaints received per week/month, split by `by` (frame from
    `metrics.series.complaints_over_time`)."""
    df = labelled(frame, by, lang)
    periods = pd.Series(sorted(pd.to_datetime(df["bucket"]).unique()))
    short, long = bucket_labels(df["bucket"], freq, lang)
    df["period"], df["period_long"] = short, long
    domain = list(bucket_labels(periods, freq, lang)[0]) if len(periods) else []
    scale = color_scale(by, sorted(set(df["key"].astype(str))), lang)
    rank = {v: i for i, v in enumerate(CHOICES[by].values)} if by in CHOICES else {}
    df["rank"] = df["key"].astype(str).map(rank).fillna(len(rank)).astype("int64")
    df = cap_rows(df[df["count"] > 0][["period", "period_long", "key", "label", "rank", "count"]])
    axis_title = t("dash.axis.month" if freq == "M" else "dash.axis.week", lang)
    count_title = t("dash.axis.complaints", lang)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                scale=alt.Scale(domain=domain),
                sort=domain,
                axis=period_axis(len(domain), axis_title),
            ),
            y=alt.Y("sum(count):Q", axis=count_axis(count_title), stack="zero"),
            color=alt.Color(
                "label:N",
                scale=scale,
                sort=scale.domain,
                legend=alt.Legend(title=dim_title(by, lang), labelLimit=LABEL_LIMIT),
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("period_long:N", title=axis_title),
                alt.Tooltip("label:N", title=dim_title(by, lang)),
                alt.Tooltip("sum(count):Q", title=count_title, format=COUNT),
            ],
        )
    )
    return props(chart, t(f"dash.chart.over_time.{by}", lang), width, height)


def breakdown_chart(
    frame: pd.DataFrame,
    lang: str,
    dimension: str,
    width: Width = "container",
    title_key: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars with counts and shares (frame from `metrics.series.counts_by`)."""
    df = labelled(frame, dimension, lang)[["key", "label", "count", "share"]]
    df = cap_rows(df)
    scale = color_scale(dimension, list(df["key"].astype(str)), lang)
    count_title = t("dash.axis.complaints", lang)
    base = alt.Chart(df).encode(
        y=alt.Y(
            "label:N",
            sort=list(df.sort_values("count", ascending=False)["label"]),
            title=None,
            axis=alt.Axis(labelLimit=LABEL_LIMIT),
        ),
        x=alt.X("count:Q", axis=count_axis(count_title)),
        tooltip=[
            alt.Tooltip("label:N", title=dim_title(dimension, lang)),
            alt.Tooltip("count:Q", title=count_title, format=COUNT),
            alt.Tooltip("share:Q", title=t("dash.axis.share", lang), format=SHARE),
        ],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", scale=scale, legend=None))
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("count:Q", format=COUNT)
    )
    title = t(title_key or f"dash.chart.by_{dimension}", lang)
    return props(alt.layer(bars, text), title, width, max(60, 26 * len(df) + 10))


def open_by_chart(
    frame: pd.DataFrame, lang: str, by: str = "level", width: Width = "container"
) -> alt.Chart:
    """Open complaints per level or per owner (`by="owner"`), overdue part in red (frame from
    `metrics.series.open_by`). At most `MAX_BARS` people, the busiest."""
    df = frame.sort_values("open", ascending=False).head(MAX_BARS) if by == "owner" else frame
    if by == "level":
        order = {v: i for i, v in enumerate(ch.LEVEL.values)}
        df = df.assign(_o=df["key"].map(order).fillna(len(order))).sort_values("_o")
        df = labelled(df, "level", lang)
    else:
        df = df.assign(label=df["key"].replace("", t("dash.unassigned", lang)))
    y_order = list(df["label"])
    df = df.assign(n_open=df["open"].astype("int64"), n_overdue=df["overdue"].astype("int64"))
    long = df.melt(
        id_vars=["key", "label", "n_open", "n_overdue"],
        value_vars=["on_time", "overdue"],
        var_name="state",
        value_name="count",
    )
    long["state_label"] = [label_of("state", s, lang) for s in long["state"]]
    long = cap_rows(long[long["count"] > 0])
    scale = color_scale("state", ["on_time", "overdue"], lang)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=y_order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("sum(count):Q", axis=count_axis(t("dash.axis.open", lang)), stack="zero"),
            color=alt.Color(
                "state_label:N", scale=scale, legend=alt.Legend(title=None, orient="bottom")
            ),
            order=alt.Order("state:N", sort="descending"),
            tooltip=[
                alt.Tooltip("label:N", title=t(f"dash.dim.{by}", lang)),
                alt.Tooltip("n_open:Q", title=t("dash.axis.open", lang), format=COUNT),
                alt.Tooltip("n_overdue:Q", title=t("dash.state.overdue", lang), format=COUNT),
            ],
        )
    )
    return props(chart, t(f"dash.chart.open_by_{by}", lang), width, max(60, 24 * len(y_order) + 10))


def _mark_layers(marks: list[tuple[str, float, str]], top: float, lang: str) -> list[Any]:
    """A dashed rule per mark (median, p90) and its label, each label on its own row above the
    plot (the first mark's row nearest the plot), so two close values never overlap; a mark
    far to the right has its label on its left."""
    unit = t("dash.unit.days", lang)
    layers: list[Any] = []
    for row, (key, value, color) in enumerate(marks):
        x = min(value, top)
        one = pd.DataFrame(
            {
                "x": [x],
                "value": [round(value, 2)],
                "name": [t(f"dash.kpi.{key}_days", lang)],
                "text": [f"{t(f'dash.short.{key}', lang)} {value:,.1f}"],
            }
        )
        base = alt.Chart(one).encode(x="x:Q")
        layers.append(
            base.mark_rule(color=color, strokeWidth=2, strokeDash=[4, 3]).encode(
                tooltip=[
                    alt.Tooltip("name:N", title=" "),
                    alt.Tooltip("value:Q", title=unit, format=DECIMAL2),
                ]
            )
        )
        right = top > 0 and x > RIGHT_SIDE * top
        layers.append(
            base.mark_text(
                align="right" if right else "left",
                dx=-4 if right else 4,
                baseline="bottom",
                fontSize=11,
                color=color,
            ).encode(y=alt.value(-(MARK_GAP_PX + row * MARK_ROW_PX)), text="text:N")
        )
    return layers


def resolve_time_chart(
    frame: pd.DataFrame,
    lang: str,
    median: float | None = None,
    p90: float | None = None,
    width: Width = "container",
    height: int = 220,
) -> alt.LayerChart:
    """Histogram of working days to resolve, with the median and 90th percentile marked
    (frame from `metrics.series.resolve_time_distribution`); their labels sit one above the
    other over the plot."""
    df = frame.copy()
    finite = df["bin_end"].replace(np.inf, np.nan)
    top = float(df["bin_start"].max()) + 2 if len(df) else 12.0
    df["draw_end"] = finite.fillna(top)
    unit = t("dash.unit.days", lang)
    df["range"] = [
        f"{a:g}+ {unit}" if not np.isfinite(b) else f"{a:g}–{b:g} {unit}"
        for a, b in zip(df["bin_start"], df["bin_end"], strict=True)
    ]
    df = cap_rows(df[["bin_start", "draw_end", "range", "count"]])
    count_title = t("dash.axis.complaints", lang)
    bars = (
        alt.Chart(df)
        .mark_bar(color=BAR_COLOR, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "bin_start:Q",
                bin="binned",
                scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(title=t("dash.axis.working_days", lang), tickMinStep=1, format="d"),
            ),
            x2="draw_end:Q",
            y=alt.Y("count:Q", axis=count_axis(count_title)),
            tooltip=[
                alt.Tooltip("range:N", title=t("dash.axis.working_days", lang)),
                alt.Tooltip("count:Q", title=count_title, format=COUNT),
            ],
        )
    )
    marks = [
        (key, float(v), color)
        for key, v, color in (("median", median, MEDIAN_COLOR), ("p90", p90, P90_COLOR))
        if v is not None and np.isfinite(v)
    ]
    return props(
        alt.layer(bars, *_mark_layers(marks, top, lang)),
        t("dash.chart.resolve_time", lang),
        width,
        height,
    )
