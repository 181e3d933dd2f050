"""Revisit charts: the four revisit shares (completion, reach rate, solved, satisfied) and the
average score per week or month."""

from __future__ import annotations

import altair as alt
import pandas as pd

from utils.charts.common import (
    COUNT,
    DECIMAL2,
    LABEL_LIMIT,
    LINE_COLOR,
    SHARE,
    Width,
    bucket_labels,
    cap_rows,
    period_axis,
    props,
)
from utils.i18n import t


def revisit_rates_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container"
) -> alt.LayerChart:
    """The revisit shares (completion, reach rate, solved, satisfied) as 0–100 % bars (frame
    from `metrics.series.revisit_rates`)."""
    df = frame.copy()
    df["label"] = [t(f"dash.kpi.{k}", lang) for k in df["key"]]
    df["detail"] = [
        f"{int(n):,} / {int(d):,}" if pd.notna(n) and pd.notna(d) else ""
        for n, d in zip(df["numerator"], df["denominator"], strict=True)
    ]
    df["value"] = df["value"].astype(float)
    df = df[["key", "label", "value", "detail"]]
    base = alt.Chart(df).encode(
        y=alt.Y(
            "label:N", sort=list(df["label"]), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)
        ),
        x=alt.X("value:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", title=None)),
        tooltip=[
            alt.Tooltip("label:N", title=" "),
            alt.Tooltip("value:Q", title=t("dash.axis.share", lang), format=SHARE),
            alt.Tooltip("detail:N", title=t("dash.axis.count", lang)),
        ],
    )
    bars = base.mark_bar(color="#54a24b")
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("value:Q", format=SHARE)
    )
    return props(
        alt.layer(bars, text), t("dash.chart.revisit_rates", lang), width, 26 * len(df) + 10
    )


def score_trend_chart(
    frame: pd.DataFrame,
    lang: str,
    freq: str = "W",
    width: Width = "container",
    height: int = 220,
) -> alt.Chart:
    """Average revisit score (1–10) per week/month (frame from `metrics.series.score_trend`)."""
    df = frame.copy()
    df["period"], df["period_long"] = bucket_labels(df["bucket"], freq, lang)
    df = cap_rows(df[["period", "period_long", "avg_score", "scored", "satisfied_share"]])
    axis_title = t("dash.axis.month" if freq == "M" else "dash.axis.week", lang)
    domain = list(df["period"])
    chart = (
        alt.Chart(df)
        .mark_line(point=True, color=LINE_COLOR)
        .encode(
            x=alt.X("period:O", sort=domain, axis=period_axis(len(domain), axis_title)),
            y=alt.Y(
                "avg_score:Q", scale=alt.Scale(domain=[0, 10]), title=t("dash.kpi.avg_score", lang)
            ),
            tooltip=[
                alt.Tooltip("period_long:N", title=axis_title),
                alt.Tooltip("avg_score:Q", title=t("dash.kpi.avg_score", lang), format=DECIMAL2),
                alt.Tooltip("scored:Q", title=t("dash.axis.scored", lang), format=COUNT),
                alt.Tooltip(
                    "satisfied_share:Q", title=t("dash.kpi.satisfied_share", lang), format=SHARE
                ),
            ],
        )
    )
    return props(chart, t("dash.chart.score_trend", lang), width, height)
