"""Altair chart builders over the aggregated frames of `utils.metrics` (never raw rows).

Each builder takes the frame, `lang` ("zh"/"en"), and an optional `width` ("container" for the
page, a number of pixels for the report), and returns an `alt.Chart`/`alt.LayerChart` with
translated title, axes and legend labels, tooltips with exact numbers, and one fixed colour per
choice value (category, channel, severity …) everywhere: the palettes below are the only place
colours are defined.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from sheets_schema import choices as ch
from utils.i18n import t
from utils.metrics.overview import Dashboard
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


def _labelled(frame: pd.DataFrame, dimension: str, lang: str, col: str = "key") -> pd.DataFrame:
    out = frame.copy()
    out["label"] = [label_of(dimension, v, lang) for v in out[col].astype(str)]
    return out


def _bucket_labels(buckets: pd.Series, freq: str, lang: str) -> tuple[pd.Series, pd.Series]:
    """(short axis label, long tooltip label) of each week/month start."""
    b = pd.to_datetime(buckets)
    if freq == "M":
        short = b.dt.strftime("%Y-%m")
        long = short
    else:
        short = b.dt.strftime("%m-%d")
        long = b.dt.strftime("%Y-%m-%d").map(lambda d: t("dash.week_of", lang, date=d))
    return short.astype(object), long.astype(object)


def _x_period_axis(n: int, title: str) -> alt.Axis:
    return alt.Axis(title=title, labelAngle=0 if n <= 13 else -45, labelOverlap=True, labelLimit=80)


def _props(chart: Any, title: str, width: Width, height: int) -> Any:
    return chart.properties(
        title=alt.TitleParams(title, anchor="start"), width=width, height=height
    )


def _cap_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.head(MAX_CHART_ROWS)


def _dim_title(dimension: str, lang: str) -> str:
    return t(f"dash.dim.{dimension}", lang)


# ---------------------------------------------------------------------------------------------
# complaints
# ---------------------------------------------------------------------------------------------


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
    df = _labelled(frame, by, lang)
    periods = pd.Series(sorted(pd.to_datetime(df["bucket"]).unique()))
    short, long = _bucket_labels(df["bucket"], freq, lang)
    df["period"], df["period_long"] = short, long
    domain = list(_bucket_labels(periods, freq, lang)[0]) if len(periods) else []
    scale = color_scale(by, sorted(set(df["key"].astype(str))), lang)
    rank = {v: i for i, v in enumerate(CHOICES[by].values)} if by in CHOICES else {}
    df["rank"] = df["key"].astype(str).map(rank).fillna(len(rank)).astype("int64")
    df = _cap_rows(df[df["count"] > 0][["period", "period_long", "key", "label", "rank", "count"]])
    axis_title = t("dash.axis.month" if freq == "M" else "dash.axis.week", lang)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                scale=alt.Scale(domain=domain),
                sort=domain,
                axis=_x_period_axis(len(domain), axis_title),
            ),
            y=alt.Y("sum(count):Q", title=t("dash.axis.complaints", lang), stack="zero"),
            color=alt.Color(
                "label:N",
                scale=scale,
                sort=scale.domain,
                legend=alt.Legend(title=_dim_title(by, lang), labelLimit=LABEL_LIMIT),
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("period_long:N", title=axis_title),
                alt.Tooltip("label:N", title=_dim_title(by, lang)),
                alt.Tooltip("sum(count):Q", title=t("dash.axis.complaints", lang), format=","),
            ],
        )
    )
    title = t(f"dash.chart.over_time.{by}", lang)
    return _props(chart, title, width, height)


def breakdown_chart(
    frame: pd.DataFrame,
    lang: str,
    dimension: str,
    width: Width = "container",
    title_key: str | None = None,
) -> alt.Chart:
    """Horizontal bars with counts and shares (frame from `metrics.series.counts_by`)."""
    df = _labelled(frame, dimension, lang)[["key", "label", "count", "share"]]
    df = _cap_rows(df)
    scale = color_scale(dimension, list(df["key"].astype(str)), lang)
    base = alt.Chart(df).encode(
        y=alt.Y(
            "label:N",
            sort=list(df.sort_values("count", ascending=False)["label"]),
            title=None,
            axis=alt.Axis(labelLimit=LABEL_LIMIT),
        ),
        x=alt.X("count:Q", title=t("dash.axis.complaints", lang)),
        tooltip=[
            alt.Tooltip("label:N", title=_dim_title(dimension, lang)),
            alt.Tooltip("count:Q", title=t("dash.axis.complaints", lang), format=","),
            alt.Tooltip("share:Q", title=t("dash.axis.share", lang), format=".1%"),
        ],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", scale=scale, legend=None))
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("count:Q"))
    title = t(title_key or f"dash.chart.by_{dimension}", lang)
    return _props(alt.layer(bars, text), title, width, max(60, 26 * len(df) + 10))


def open_by_chart(
    frame: pd.DataFrame, lang: str, by: str = "level", width: Width = "container"
) -> alt.Chart:
    """Open complaints per level or per owner (`by="owner"`), overdue part in red (frame from
    `metrics.series.open_by`). At most `MAX_BARS` people, the busiest."""
    df = frame.sort_values("open", ascending=False).head(MAX_BARS) if by == "owner" else frame
    if by == "level":
        order = {v: i for i, v in enumerate(ch.LEVEL.values)}
        df = df.assign(_o=df["key"].map(order).fillna(len(order))).sort_values("_o")
        df = _labelled(df, "level", lang)
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
    long = _cap_rows(long[long["count"] > 0])
    scale = color_scale("state", ["on_time", "overdue"], lang)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=y_order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("sum(count):Q", title=t("dash.axis.open", lang), stack="zero"),
            color=alt.Color(
                "state_label:N", scale=scale, legend=alt.Legend(title=None, orient="bottom")
            ),
            order=alt.Order("state:N", sort="descending"),
            tooltip=[
                alt.Tooltip("label:N", title=t(f"dash.dim.{by}", lang)),
                alt.Tooltip("n_open:Q", title=t("dash.axis.open", lang), format=","),
                alt.Tooltip("n_overdue:Q", title=t("dash.state.overdue", lang), format=","),
            ],
        )
    )
    return _props(
        chart, t(f"dash.chart.open_by_{by}", lang), width, max(60, 24 * len(y_order) + 10)
    )


def resolve_time_chart(
    frame: pd.DataFrame,
    lang: str,
    median: float | None = None,
    p90: float | None = None,
    width: Width = "container",
    height: int = 220,
) -> alt.LayerChart:
    """Histogram of working days to resolve, with the median and 90th percentile marked
    (frame from `metrics.series.resolve_time_distribution`)."""
    df = frame.copy()
    finite = df["bin_end"].replace(np.inf, np.nan)
    top = float(df["bin_start"].max()) + 2 if len(df) else 12.0
    df["draw_end"] = finite.fillna(top)
    unit = t("dash.unit.days", lang)
    df["range"] = [
        f"{a:g}+ {unit}" if not np.isfinite(b) else f"{a:g}–{b:g} {unit}"
        for a, b in zip(df["bin_start"], df["bin_end"], strict=True)
    ]
    df = _cap_rows(df[["bin_start", "draw_end", "range", "count"]])
    bars = (
        alt.Chart(df)
        .mark_bar(color=BAR_COLOR, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "bin_start:Q",
                bin="binned",
                scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(title=t("dash.axis.working_days", lang), tickMinStep=1),
            ),
            x2="draw_end:Q",
            y=alt.Y("count:Q", title=t("dash.axis.complaints", lang)),
            tooltip=[
                alt.Tooltip("range:N", title=t("dash.axis.working_days", lang)),
                alt.Tooltip("count:Q", title=t("dash.axis.complaints", lang), format=","),
            ],
        )
    )
    layers: list[Any] = [bars]
    marks = [
        (key, v, color)
        for key, v, color in (("median", median, MEDIAN_COLOR), ("p90", p90, P90_COLOR))
        if v is not None
    ]
    if marks:
        rules = pd.DataFrame(
            {
                "x": [min(v, top) for _, v, _ in marks],
                "value": [round(v, 2) for _, v, _ in marks],
                "name": [t(f"dash.kpi.{k}_days", lang) for k, _, _ in marks],
                "text": [f"{t(f'dash.short.{k}', lang)} {v:.1f}" for k, v, _ in marks],
                "color": [c for _, _, c in marks],
            }
        )
        base = alt.Chart(rules).encode(x="x:Q")
        layers.append(
            base.mark_rule(strokeWidth=2, strokeDash=[4, 3]).encode(
                color=alt.Color("color:N", scale=None),
                tooltip=[
                    alt.Tooltip("name:N", title=" "),
                    alt.Tooltip("value:Q", title=unit, format=".2f"),
                ],
            )
        )
        layers.append(
            base.mark_text(align="left", dx=4, dy=-4, baseline="bottom", fontSize=11).encode(
                y=alt.value(0), text="text:N", color=alt.Color("color:N", scale=None)
            )
        )
    return _props(alt.layer(*layers), t("dash.chart.resolve_time", lang), width, height)


# ---------------------------------------------------------------------------------------------
# revisits
# ---------------------------------------------------------------------------------------------


def revisit_rates_chart(frame: pd.DataFrame, lang: str, width: Width = "container") -> alt.Chart:
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
            alt.Tooltip("value:Q", title=t("dash.axis.share", lang), format=".1%"),
            alt.Tooltip("detail:N", title=t("dash.axis.count", lang)),
        ],
    )
    bars = base.mark_bar(color="#54a24b")
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("value:Q", format=".1%")
    )
    return _props(
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
    df["period"], df["period_long"] = _bucket_labels(df["bucket"], freq, lang)
    df = _cap_rows(df[["period", "period_long", "avg_score", "scored", "satisfied_share"]])
    axis_title = t("dash.axis.month" if freq == "M" else "dash.axis.week", lang)
    domain = list(df["period"])
    chart = (
        alt.Chart(df)
        .mark_line(point=True, color=LINE_COLOR)
        .encode(
            x=alt.X("period:O", sort=domain, axis=_x_period_axis(len(domain), axis_title)),
            y=alt.Y(
                "avg_score:Q", scale=alt.Scale(domain=[0, 10]), title=t("dash.kpi.avg_score", lang)
            ),
            tooltip=[
                alt.Tooltip("period_long:N", title=axis_title),
                alt.Tooltip("avg_score:Q", title=t("dash.kpi.avg_score", lang), format=".2f"),
                alt.Tooltip("scored:Q", title=t("dash.axis.scored", lang), format=","),
                alt.Tooltip(
                    "satisfied_share:Q", title=t("dash.kpi.satisfied_share", lang), format=".1%"
                ),
            ],
        )
    )
    return _props(chart, t("dash.chart.score_trend", lang), width, height)


# ---------------------------------------------------------------------------------------------
# clients
# ---------------------------------------------------------------------------------------------


def clients_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container", height: int = 220
) -> alt.Chart:
    """Clients per grade, stacked by status (frame from
    `metrics.series.clients_by_grade_status`)."""
    df = _labelled(frame, "grade", lang, "grade")
    df["status_label"] = [label_of("client_status", s, lang) for s in df["status"].astype(str)]
    df = _cap_rows(df[["grade", "label", "status", "status_label", "count"]])
    grades = list(ch.GRADE.values) + sorted(set(df["grade"]) - set(ch.GRADE.values))
    order = [label_of("grade", g, lang) for g in grades if g in set(df["grade"])]
    scale = color_scale("client_status", sorted(set(df["status"].astype(str))), lang)
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
            y=alt.Y("sum(count):Q", title=t("dash.axis.clients", lang)),
            color=alt.Color(
                "status_label:N",
                scale=scale,
                sort=scale.domain,
                legend=alt.Legend(title=t("dash.dim.client_status", lang)),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("dash.dim.grade", lang)),
                alt.Tooltip("status_label:N", title=t("dash.dim.client_status", lang)),
                alt.Tooltip("sum(count):Q", title=t("dash.axis.clients", lang), format=","),
            ],
        )
    )
    return _props(chart, t("dash.chart.clients", lang), width, height)


def new_clients_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container", height: int = 200
) -> alt.Chart:
    """New clients per month (frame from `metrics.series.new_clients_per_month`)."""
    df = frame.copy()
    df["period"] = pd.to_datetime(df["bucket"]).dt.strftime("%Y-%m").astype(object)
    df = _cap_rows(df[["period", "count"]])
    domain = list(df["period"])
    chart = (
        alt.Chart(df)
        .mark_bar(color="#72b7b2")
        .encode(
            x=alt.X(
                "period:O",
                sort=domain,
                axis=_x_period_axis(len(domain), t("dash.axis.month", lang)),
            ),
            y=alt.Y("count:Q", title=t("dash.axis.clients", lang)),
            tooltip=[
                alt.Tooltip("period:N", title=t("dash.axis.month", lang)),
                alt.Tooltip("count:Q", title=t("dash.kpi.new_clients", lang), format=","),
            ],
        )
    )
    return _props(chart, t("dash.chart.new_clients", lang), width, height)


def per_100_chart(
    frame: pd.DataFrame, lang: str, width: Width = "container", height: int = 200
) -> alt.Chart:
    """Complaints per 100 active clients, per grade (frame from
    `metrics.series.complaints_per_100`)."""
    df = _labelled(frame, "grade", lang, "grade")
    df = _cap_rows(df[["grade", "label", "active_clients", "complaints", "per_100"]])
    scale = color_scale("grade", list(df["grade"].astype(str)), lang)
    base = alt.Chart(df).encode(
        x=alt.X(
            "label:N",
            sort=scale.domain,
            title=None,
            axis=alt.Axis(labelAngle=0, labelLimit=LABEL_LIMIT),
        ),
        y=alt.Y("per_100:Q", title=t("dash.axis.per_100", lang)),
        tooltip=[
            alt.Tooltip("label:N", title=t("dash.dim.grade", lang)),
            alt.Tooltip("per_100:Q", title=t("dash.axis.per_100", lang), format=".1f"),
            alt.Tooltip("complaints:Q", title=t("dash.axis.complaints", lang), format=","),
            alt.Tooltip("active_clients:Q", title=t("dash.kpi.active_clients", lang), format=","),
        ],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", scale=scale, legend=None))
    text = base.mark_text(dy=-6, fontSize=11).encode(text=alt.Text("per_100:Q", format=".1f"))
    return _props(alt.layer(bars, text), t("dash.chart.per_100", lang), width, height)


# ---------------------------------------------------------------------------------------------
# all of them
# ---------------------------------------------------------------------------------------------

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
) -> dict[str, Any]:
    """Every dashboard chart, keyed by `CHART_NAMES`. `narrow` is the width of the charts
    meant to sit two in a row (default: `width`)."""
    narrow = width if narrow is None else narrow
    k = d.kpis
    out: dict[str, Any] = {
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


def data_rows(chart: Any) -> int:
    """How many data rows a chart sends to the browser (all its inline datasets)."""
    spec = chart.to_dict()
    rows = sum(len(v) for v in spec.get("datasets", {}).values())
    return rows + len(spec.get("data", {}).get("values", []) or [])
