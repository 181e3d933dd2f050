"""Figures per person: the staff table (complaints owned, resolved in time, open, overdue;
revisits made, reached, scored) and the star of the month (每月之星)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from utils.metrics.periods import Period, month_period
from utils.metrics.prepare import (
    Masks,
    group_stats,
    open_overdue,
    prepare_complaints,
    prepare_revisits,
    resolved_in,
)
from utils.settings import Settings


def staff_table(
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    period: Period,
    now: Any,
    settings: Settings,
    masks: Masks | None = None,
) -> pd.DataFrame:
    """One row per person who owns complaints or made revisits: staff, handled (complaints
    they own resolved in the period), within_limit (share of those resolved by due_at), open
    (complaints they own open at min(end, now)), overdue, revisits (done in the period),
    reached, avg_score (of their reached revisits in the period). Busiest first."""
    c = prepare_complaints(complaints, settings)
    r = prepare_revisits(revisits)
    res = resolved_in(c, period, ["_owner", "resolved_at", "_due"])
    h = group_stats(res["_owner"], within=(res["resolved_at"] <= res["_due"]).to_numpy(float))
    open_, overdue = masks or open_overdue(c, period.as_of(now), settings)
    o = group_stats(c.loc[open_, "_owner"], overdue=overdue[open_].to_numpy(dtype=float))
    done = r.loc[period.contains(r["done_at"]), ["staff", "_reached", "score"]]
    reached = done["_reached"].to_numpy(dtype=bool)
    score = pd.to_numeric(done["score"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    v = group_stats(
        done["staff"], reached=reached.astype(float), score=np.where(reached, score, np.nan)
    )
    people = sorted((set(h.index) | set(o.index) | set(v.index)) - {""})
    idx = pd.Index(people, dtype=object)

    def col(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].reindex(idx).fillna(0).to_numpy() if len(frame) else np.zeros(len(idx))

    out = pd.DataFrame({"staff": pd.Series(people, dtype=object)})
    handled = col(h, "n").astype("int64")
    out["handled"] = handled
    with np.errstate(invalid="ignore", divide="ignore"):
        out["within_limit"] = np.where(handled > 0, col(h, "within") / handled, np.nan)
        out["open"] = col(o, "n").astype("int64")
        out["overdue"] = col(o, "overdue").astype("int64")
        out["revisits"] = col(v, "n").astype("int64")
        out["reached"] = col(v, "reached").astype("int64")
        scored = col(v, "score_n")
        out["avg_score"] = np.where(scored > 0, col(v, "score") / np.maximum(scored, 1), np.nan)
    out = out.sort_values(["handled", "revisits", "staff"], ascending=[False, False, True])
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Star:
    staff: str
    avg_score: float
    reached: int  # reached revisits in the month
    scored: int  # of which with a score


def star_ranking(
    revisits: pd.DataFrame | None, month: str | Period | Any, min_revisits: int = 5
) -> pd.DataFrame:
    """Staff with at least `min_revisits` reached revisits in the month, ranked by average
    score of those revisits, ties broken by more reached revisits, then by name:
    staff, avg_score, reached, scored, rank."""
    p = month if isinstance(month, Period) else month_period(month)
    r = prepare_revisits(revisits)
    sub = r.loc[p.contains(r["done_at"]) & r["_reached"], ["staff", "score"]]
    g = group_stats(sub["staff"], score=sub["score"])
    g = g[g.index != ""]
    out = pd.DataFrame(
        {
            "staff": g.index.astype(object),
            "avg_score": (g["score"] / g["score_n"].where(g["score_n"] > 0)).to_numpy(),
            "reached": g["n"].to_numpy(),
            "scored": g["score_n"].to_numpy(),
        }
    )
    out = out[(out["reached"] >= min_revisits) & out["avg_score"].notna()]
    out = out.sort_values(["avg_score", "reached", "staff"], ascending=[False, False, True])
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def star_of_the_month(
    revisits: pd.DataFrame | None, month: str | Period | Any, min_revisits: int = 5
) -> Star | None:
    """每月之星: the highest average revisit score among staff with at least `min_revisits`
    reached revisits in the month (ties: more reached revisits wins). None when nobody
    qualifies."""
    ranking = star_ranking(revisits, month, min_revisits)
    if ranking.empty:
        return None
    top = ranking.iloc[0]
    return Star(str(top["staff"]), float(top["avg_score"]), int(top["reached"]), int(top["scored"]))
