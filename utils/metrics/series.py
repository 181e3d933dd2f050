"""The data of the dashboard's charts: small aggregated frames (never raw rows), at most
`MAX_CHART_ROWS` rows each — complaints over time and by attribute, open complaints by level or
owner, time to resolve, revisit shares and scores, clients by grade."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from utils.metrics.periods import Period, bucket_range, bucket_start
from utils.metrics.prepare import (
    Masks,
    client_grade,
    conform,
    days_to_resolve,
    group_stats,
    open_overdue,
    prepare_complaints,
    prepare_revisits,
    resolved_in,
)
from utils.settings import Settings

MAX_CHART_ROWS = 5000
RESOLVE_BIN_EDGES = (0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7, 10)  # last bin: 10 and more


def _cap(buckets: pd.DatetimeIndex, per_bucket: int) -> pd.DatetimeIndex:
    keep = max(1, MAX_CHART_ROWS // max(per_bucket, 1))
    return buckets[-keep:]


def complaints_over_time(
    complaints: pd.DataFrame | None, window: Period, freq: str = "W", by: str = "category"
) -> pd.DataFrame:
    """Complaints received per week/month in `window`, split by `by` (category, channel or
    severity): columns bucket (start of week/month), key, count; zero-filled, long format."""
    c = conform(complaints, "complaints")
    sub = c.loc[window.contains(c["received_at"]), ["received_at", by]]
    kcodes, keys = pd.factorize(sub[by], sort=True)
    buckets = _cap(bucket_range(window, freq), len(keys))
    if not len(keys) or buckets.empty:
        return pd.DataFrame(
            {
                "bucket": pd.Series(dtype="datetime64[ns]"),
                "key": pd.Series(dtype=object),
                "count": pd.Series(dtype="int64"),
            }
        )
    starts = bucket_start(sub["received_at"], freq).to_numpy()
    bcodes = np.searchsorted(buckets.to_numpy(), starts)
    ok = (
        (kcodes >= 0)
        & (bcodes < len(buckets))
        & (buckets.to_numpy()[np.minimum(bcodes, len(buckets) - 1)] == starts)
    )
    flat = bcodes[ok] * len(keys) + kcodes[ok]
    counts = np.bincount(flat, minlength=len(buckets) * len(keys))
    return pd.DataFrame(
        {
            "bucket": np.repeat(buckets.to_numpy(), len(keys)),
            "key": np.tile(np.asarray(keys, dtype=object), len(buckets)),
            "count": counts.astype("int64"),
        }
    )


def counts_by(
    complaints: pd.DataFrame | None, period: Period, column: str, date_column: str = "received_at"
) -> pd.DataFrame:
    """Complaints received in the period per value of `column`: key, count, share; most
    frequent first."""
    c = conform(complaints, "complaints")
    counts = c.loc[period.contains(c[date_column]), column].value_counts()
    counts = counts[counts > 0]
    out = pd.DataFrame({"key": counts.index.astype(object), "count": counts.to_numpy("int64")})
    total = out["count"].sum()
    out["share"] = out["count"] / total if total else 0.0
    out = out.sort_values(["count", "key"], ascending=[False, True])
    return out.head(MAX_CHART_ROWS).reset_index(drop=True)


def open_by(
    complaints: pd.DataFrame | None,
    moment: Any,
    settings: Settings,
    by: str = "level",
    masks: Masks | None = None,
) -> pd.DataFrame:
    """Open complaints at `moment` per level or per owner (`by="owner"`): key, open, overdue,
    on_time (= open − overdue); most open first."""
    c = prepare_complaints(complaints, settings)
    open_, overdue = masks or open_overdue(c, moment, settings)
    col = "_owner" if by == "owner" else by
    g = group_stats(
        c.loc[open_, col], overdue=overdue[open_].to_numpy(dtype=float, na_value=np.nan)
    )
    out = pd.DataFrame(
        {
            "key": g.index.astype(object),
            "open": g["n"].to_numpy(),
            "overdue": g["overdue"].to_numpy().astype("int64"),
        }
    )
    out["on_time"] = out["open"] - out["overdue"]
    out = out.sort_values(["open", "key"], ascending=[False, True])
    return out.head(MAX_CHART_ROWS).reset_index(drop=True)


def resolve_time_distribution(
    complaints: pd.DataFrame | None, period: Period, settings: Settings
) -> pd.DataFrame:
    """Histogram of working days to resolve, for complaints resolved in the period: bin_start,
    bin_end (inclusive of start), count. The last bin holds 10 days and more."""
    c = prepare_complaints(complaints, settings)
    res = resolved_in(c, period, ["received_at", "resolved_at"])
    days = days_to_resolve(res, settings).dropna().to_numpy()
    edges = np.asarray(RESOLVE_BIN_EDGES, dtype=float)
    idx = np.searchsorted(edges, days, side="right") - 1
    counts = np.bincount(np.clip(idx, 0, len(edges) - 1), minlength=len(edges))
    ends = np.append(edges[1:], np.inf)
    return pd.DataFrame({"bin_start": edges, "bin_end": ends, "count": counts.astype("int64")})


def revisit_rates(figures: dict[str, Any]) -> pd.DataFrame:
    """The four revisit shares (from `kpis.period_figures`) as one frame for a bar chart: key,
    value (0..1 or NaN), numerator, denominator."""
    parts = [
        ("completion", "followed_up", "resolved"),
        ("reach_rate", "reached", "revisits"),
        ("solved_share", None, None),
        ("satisfied_share", None, None),
    ]
    rows = []
    for key, num, den in parts:
        value = figures.get(key)
        rows.append(
            {
                "key": key,
                "value": np.nan if value is None else float(value),
                "numerator": figures.get(num) if num else None,
                "denominator": figures.get(den) if den else None,
            }
        )
    out = pd.DataFrame(rows)
    for col in ("numerator", "denominator"):
        out[col] = pd.array(out[col], dtype="Int64")
    return out


def score_trend(revisits: pd.DataFrame | None, window: Period, freq: str = "W") -> pd.DataFrame:
    """Per week/month in `window`: bucket, avg_score, scored (revisits with a score),
    satisfied_share (among reached revisits with an attitude answer). Buckets with no
    revisit are left out."""
    r = prepare_revisits(revisits)
    mask = window.contains(r["done_at"]) & r["_reached"]
    sub = r.loc[mask, ["done_at", "score", "attitude"]]
    att = sub["attitude"]
    answered = (att != "").to_numpy()
    satisfied = np.where(
        answered, (att == "satisfied").to_numpy(dtype=float, na_value=np.nan), np.nan
    )
    g = group_stats(bucket_start(sub["done_at"], freq), score=sub["score"], sat=satisfied)
    out = pd.DataFrame(
        {
            "bucket": pd.to_datetime(g.index).astype("datetime64[ns]"),
            "avg_score": (g["score"] / g["score_n"].where(g["score_n"] > 0)).to_numpy(),
            "scored": g["score_n"].to_numpy(),
            "satisfied_share": (g["sat"] / g["sat_n"].where(g["sat_n"] > 0)).to_numpy(),
        }
    )
    return out.tail(MAX_CHART_ROWS).reset_index(drop=True)


def clients_by_grade_status(clients: pd.DataFrame | None) -> pd.DataFrame:
    """grade, status, count (clients as registered now)."""
    cl = conform(clients, "clients")
    out = cl.groupby(["grade", "status"]).size().rename("count").reset_index()
    out = out[out["count"] > 0]
    out["grade"] = out["grade"].astype(object)
    out["status"] = out["status"].astype(object)
    out["count"] = out["count"].astype("int64")
    return out.sort_values(["grade", "status"]).head(MAX_CHART_ROWS).reset_index(drop=True)


def new_clients_per_month(clients: pd.DataFrame | None, window: Period) -> pd.DataFrame:
    """bucket (month start), count of clients registered that month; zero-filled."""
    cl = conform(clients, "clients")
    cl = cl[window.contains(cl["registered_on"])]
    months = _cap(bucket_range(window, "M"), 1)
    counts = cl.groupby(bucket_start(cl["registered_on"], "M")).size()
    out = counts.reindex(months, fill_value=0).rename("count").rename_axis("bucket")
    out = out.reset_index()
    out["count"] = out["count"].astype("int64")
    return out


def complaints_per_100(
    complaints: pd.DataFrame | None, clients: pd.DataFrame | None, period: Period
) -> pd.DataFrame:
    """Per client grade: grade, active_clients, complaints (received in the period from
    clients of that grade), per_100 (NaN without active clients)."""
    cl = conform(clients, "clients")
    co = conform(complaints, "complaints")
    ids = co.loc[period.contains(co["received_at"]), "client_id"]
    active = cl.loc[cl["status"] == "active", "grade"].value_counts()
    counts = client_grade(ids, cl).value_counts()
    grades = sorted((set(active.index) | set(counts.index)) - {""})
    out = pd.DataFrame({"grade": pd.Series(grades, dtype=object)})
    out["active_clients"] = out["grade"].map(active).fillna(0).astype("int64")
    out["complaints"] = out["grade"].map(counts).fillna(0).astype("int64")
    out["per_100"] = (
        out["complaints"] * 100.0 / out["active_clients"].where(out["active_clients"] > 0)
    )
    return out
