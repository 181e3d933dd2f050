"""Client charts: clients per grade stacked by status, new clients per month, and complaints
per 100 active clients per grade."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sheets_schema import choices as ch
from utils.charts.common import (
    COUNT,
    DECIMAL,
    LABEL_LIMIT,
    Width,
    cap_rows,
    color_scale,
    count_axis,
    label_of,
    labelled,
    period_axis,
    props,
)
from utils.i18n import t


def clients_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container", height: int = 220
) -> alt.Chart:
    """Clients per grade, stacked by status (frame from
    `metrics.series.clients_by_grade_status`)."""
    df = labelled(frame, "grade", lang, "grade")
    df["status_label"] = [label_of("client_status", s, lang) for s in df["status"].astype(str)]
    df = cap_rows(df[["grade", "label", "status", "status_label", "count"]])
    grades = list(ch.GRADE.values) + sorted(set(df["grade"]) - set(ch.GRADE.values))
    order = [label_of("grade", g, lang) for g in grades if g in set(df["grade"])]
    scale = color_scale("client_status", sorted(set(df["status"].astype(str))), lang)
    count_title = t("dash.axis.clients", lang)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "label:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelAngle=0, labelLimit=LABEL_LIMIT),
            ),
            y=alt.Y("sum(count):Q", axis=count_axis(count_title)),
            color=alt.Color(
                "status_label:N",
                scale=scale,
                sort=scale.domain,
                legend=alt.Legend(title=t("dash.dim.client_status", lang)),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("dash.dim.grade", lang)),
                alt.Tooltip("status_label:N", title=t("dash.dim.client_status", lang)),
                alt.Tooltip("sum(count):Q", title=count_title, format=COUNT),
            ],
        )
    )
    return props(chart, t("dash.chart.clients", lang), width, height)


def new_clients_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container", height: int = 200
) -> alt.Chart:
    """New clients per month (frame from `metrics.series.new_clients_per_month`)."""
    df = frame.copy()
    df["period"] = pd.to_datetime(df["bucket"]).dt.strftime("%Y-%m").astype(object)
    df = cap_rows(df[["period", "count"]])
    domain = list(df["period"])
    chart = (
        alt.Chart(df)
        .mark_bar(color="#72b7b2")
        .encode(
            x=alt.X(
                "period:O",
                sort=domain,
                axis=period_axis(len(domain), t("dash.axis.month", lang)),
            ),
            y=alt.Y("count:Q", axis=count_axis(t("dash.axis.clients", lang))),
            tooltip=[
                alt.Tooltip("period:N", title=t("dash.axis.month", lang)),
                alt.Tooltip("count:Q", title=t("dash.kpi.new_clients", lang), format=COUNT),
            ],
        )
    )
    return props(chart, t("dash.chart.new_clients", lang), width, height)


def per_100_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container", height: int = 200
) -> alt.LayerChart:
    """Complaints per 100 active clients, per grade (frame from
    `metrics.series.complaints_per_100`)."""
    df = labelled(frame, "grade", lang, "grade")
    df = cap_rows(df[["grade", "label", "active_clients", "complaints", "per_100"]])
    scale = color_scale("grade", list(df["grade"].astype(str)), lang)
    per_100 = t("dash.axis.per_100", lang)
    base = alt.Chart(df).encode(
        x=alt.X(
            "label:N",
            sort=scale.domain,
            title=None,
            axis=alt.Axis(labelAngle=0, labelLimit=LABEL_LIMIT),
        ),
        y=alt.Y("per_100:Q", axis=alt.Axis(title=per_100, format=",~f")),
        tooltip=[
            alt.Tooltip("label:N", title=t("dash.dim.grade", lang)),
            alt.Tooltip("per_100:Q", title=per_100, format=DECIMAL),
            alt.Tooltip("complaints:Q", title=t("dash.axis.complaints", lang), format=COUNT),
            alt.Tooltip("active_clients:Q", title=t("dash.kpi.active_clients", lang), format=COUNT),
        ],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", scale=scale, legend=None))
    text = base.mark_text(dy=-6, fontSize=11).encode(text=alt.Text("per_100:Q", format=DECIMAL))
    return props(alt.layer(bars, text), t("dash.chart.per_100", lang), width, height)
