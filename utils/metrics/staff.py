"""Figures per person: the staff table (complaints owned, resolved in time, open, overdue;
revisits made, reached; the scores of the clients they served; complaints about them and how
many were verified) and the star of the month (每月之星).

Scores go to the person who SERVED the client, not to whoever made the call (`served_by`): a
complaint follow-up's score to the complaint's handler (else the client's owner), any other
revisit's to the client's owner (客服负责人). The seeds give the monthly award for the service
clients rate; a complaint about a person verified as true (查证属实) counts against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from utils.metrics.periods import Period, month_period
from utils.metrics.prepare import (
    Masks,
    conform,
    group_stats,
    open_overdue,
    prepare_complaints,
    prepare_revisits,
    resolved_in,
)
from utils.settings import Settings


def _positions(ids: pd.Series, keys: np.ndarray) -> np.ndarray:
    """Row positions in `ids` of each key (-1 where none; the first row of a repeated ID). Only
    the rows holding one of the keys are indexed: a few thousand keys against a whole tab."""
    wanted = pd.unique(pd.Series(keys, dtype=object))
    rows = np.flatnonzero(ids.isin(wanted).to_numpy(dtype=bool))
    index = pd.Index(ids.iloc[rows].to_numpy(dtype=object))
    if not index.is_unique:
        first = ~index.duplicated()
        rows, index = rows[first], index[first]
    pos = index.get_indexer(keys)
    return np.where(pos >= 0, rows[np.where(pos >= 0, pos, 0)] if len(rows) else -1, -1)


def _take(values: pd.Series, pos: np.ndarray) -> np.ndarray:
    """values at `pos` as text ("" where pos is -1 or the cell is blank)."""
    out = np.full(len(pos), "", dtype=object)
    hit = pos >= 0
    if hit.any():
        found = values.iloc[pos[hit]].to_numpy(dtype=object)  # only the rows asked for
        out[hit] = np.where(pd.isna(found), "", found)
    return out


def served_by(
    revisits: pd.DataFrame, complaints: pd.DataFrame | None, clients: pd.DataFrame | None
) -> pd.Series:
    """Who served the client of each revisit (aligned with `revisits`): for a complaint
    follow-up, the complaint's handler; otherwise — or when the complaint has no handler —
    the owner of the revisit's client (or of the complaint's client). "" when unknown."""
    co = conform(complaints, "complaints")
    cl = conform(clients, "clients")

    def column(name: str) -> np.ndarray:  # only the two columns it reads: no `conform`
        if name not in revisits.columns:
            return np.full(len(revisits), "", dtype=object)
        values = revisits[name].to_numpy(dtype=object)
        return np.where(pd.isna(values), "", values)

    linked = _positions(co["complaint_id"], column("complaint_id"))
    handler = _take(co["handler"], linked)
    client = column("client_id")
    client = np.where(client != "", client, _take(co["client_id"], linked))
    owner = _take(cl["owner"], _positions(cl["client_id"], client))
    return pd.Series(np.where(handler != "", handler, owner), index=revisits.index, dtype=object)


# the staff table's columns, in the order the dashboard and the report show them
STAFF_COLUMNS = (
    "staff",
    "handled",
    "within_limit",
    "open",
    "overdue",
    "revisits",
    "reached",
    "avg_score",
    "scored",
    "complaints_about",
    "verified",
)
SERVED_COLUMNS = ["complaint_id", "client_id"]  # what `served_by` reads of a revisit


def _scores(
    r: pd.DataFrame, complaints: Any, clients: Any, served: pd.Series | None = None
) -> pd.DataFrame:
    """The scored reached revisits of `r` (prepared; `_reached`, `score` and, without
    `served`, complaint_id and client_id): staff served, score. `served`: `served_by(...)` of
    revisits including these, if computed."""
    score = pd.to_numeric(r["score"], errors="coerce")
    keep = (r["_reached"].to_numpy(dtype=bool)) & score.notna().to_numpy()
    scored_index = r.index[keep]
    if served is not None:
        staff = served.reindex(scored_index).fillna("").to_numpy(dtype=object)
    else:
        staff = served_by(r.loc[keep, SERVED_COLUMNS], complaints, clients).to_numpy(dtype=object)
    return pd.DataFrame(
        {"staff": staff, "score": score.to_numpy(dtype=float, na_value=np.nan)[keep]}
    )


def scored_served(
    revisits: pd.DataFrame | None,
    periods: list[Period],
    complaints: pd.DataFrame | None,
    clients: pd.DataFrame | None,
) -> pd.Series:
    """`served_by` of the scored reached revisits done in any of `periods` (for
    `staff_table(served=)` and `star_ranking(served=)`: worked out once for both)."""
    r = prepare_revisits(revisits)
    inside = pd.Series(False, index=r.index)
    for p in periods:
        inside |= p.contains(r["done_at"])
    rows = r.loc[inside & r["_reached"] & r["score"].notna(), SERVED_COLUMNS]
    return served_by(rows, complaints, clients)


def complaints_about(complaints: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per person complained about (responsible_staff) in complaints received in the period:
    n (complaints about them) and verified (of those, verified as true)."""
    c = conform(complaints, "complaints")
    sub = c.loc[period.contains(c["received_at"]), ["responsible_staff", "verified"]]
    sub = sub[sub["responsible_staff"].fillna("") != ""]  # the store's text is stripped
    who = sub["responsible_staff"].to_numpy(dtype=object)
    return group_stats(
        who, verified=(sub["verified"] == "yes").to_numpy(dtype=float, na_value=np.nan)
    )


def staff_table(
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    period: Period,
    now: Any,
    settings: Settings,
    masks: Masks | None = None,
    clients: pd.DataFrame | None = None,
    served: pd.Series | None = None,
    about: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per person who owns complaints, made revisits, served clients or was
    complained about: staff, handled (complaints they own resolved in the period),
    within_limit (share of those resolved by due_at), open (complaints they own open at
    min(end, now)), overdue, revisits (done in the period), reached, avg_score and scored (the
    scored reached revisits in the period of the clients and complaints they served,
    `served_by`; `clients` give the owners; `served`: `scored_served(...)`, if computed),
    complaints_about (complaints about them received in the period; `about`:
    `complaints_about(...)`, if computed) and verified (of those, verified as true). Busiest
    first."""
    c = prepare_complaints(complaints, settings)
    r = prepare_revisits(revisits)
    res = resolved_in(c, period, ["_owner", "resolved_at", "_due"])
    h = group_stats(
        res["_owner"],
        within=(res["resolved_at"] <= res["_due"]).to_numpy(dtype=float, na_value=np.nan),
    )
    open_, overdue = masks or open_overdue(c, period.as_of(now), settings)
    o = group_stats(
        c.loc[open_, "_owner"], overdue=overdue[open_].to_numpy(dtype=float, na_value=np.nan)
    )
    wanted = ["staff", "_reached", "score"] + (SERVED_COLUMNS if served is None else [])
    done = r.loc[period.contains(r["done_at"]), wanted]
    v = group_stats(done["staff"], reached=done["_reached"].to_numpy(dtype=float, na_value=np.nan))
    scores = _scores(done, c, clients, served)
    sc = group_stats(scores["staff"], score=scores["score"])
    sc = sc[sc.index != ""]
    about = about if about is not None else complaints_about(c, period)
    people = sorted(
        (set(h.index) | set(o.index) | set(v.index) | set(sc.index) | set(about.index)) - {""}
    )
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
        scored = col(sc, "score_n")
        out["avg_score"] = np.where(scored > 0, col(sc, "score") / np.maximum(scored, 1), np.nan)
        out["scored"] = scored.astype("int64")
        out["complaints_about"] = col(about, "n").astype("int64")
        out["verified"] = col(about, "verified").astype("int64")
    out = out.sort_values(["handled", "revisits", "staff"], ascending=[False, False, True])
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Star:
    staff: str
    avg_score: float
    reached: int  # scored reached revisits of the clients they served in the month
    scored: int  # the same: the scores the average is of
    verified: int = 0  # complaints about them received in the month and verified as true


def star_ranking(
    revisits: pd.DataFrame | None,
    month: str | Period | Any,
    min_revisits: int = 5,
    *,
    complaints: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    served: pd.Series | None = None,
    about: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Staff with at least `min_revisits` scored reached revisits in the month of the clients
    and complaints they served (`served_by`: without `complaints` and `clients` nobody is
    known to have served anyone), ranked by average score, then more scored revisits, then
    fewer complaints about them verified as true in the month; equal on all three = the
    same rank (joint), listed by name: staff, avg_score, reached, scored, verified, rank.
    `served`: `scored_served(...)` covering the month and `about`: `complaints_about(...)` of
    the month, if computed."""
    p = month if isinstance(month, Period) else month_period(month)
    r = prepare_revisits(revisits)
    wanted = ["_reached", "score"] + (SERVED_COLUMNS if served is None else [])
    scores = _scores(r.loc[p.contains(r["done_at"]), wanted], complaints, clients, served)
    g = group_stats(scores["staff"].to_numpy(dtype=object), score=scores["score"])
    enough = (g.index != "") & (g["score_n"].to_numpy() >= max(int(min_revisits), 1))
    g = g[enough]
    if about is None and len(g):
        about = complaints_about(conform(complaints, "complaints"), p)
    verified = about["verified"].to_dict() if about is not None and len(g) else {}
    # a handful of people: ranked in plain Python
    people = [
        (str(name), float(total) / int(n), int(n), int(verified.get(name, 0)))
        for name, total, n in zip(g.index, g["score"], g["score_n"], strict=True)
    ]
    people.sort(key=lambda x: (-round(x[1], 9), -x[2], x[3], x[0]))
    ranks: list[int] = []
    for i, x in enumerate(people):
        same = i > 0 and (round(x[1], 9), x[2], x[3]) == (
            round(people[i - 1][1], 9),
            people[i - 1][2],
            people[i - 1][3],
        )
        ranks.append(ranks[-1] if same else i + 1)
    return pd.DataFrame(
        {
            "staff": pd.Series([x[0] for x in people], dtype=object),
            "avg_score": pd.Series([x[1] for x in people], dtype=float),
            "reached": pd.Series([x[2] for x in people], dtype="int64"),
            "scored": pd.Series([x[2] for x in people], dtype="int64"),
            "verified": pd.Series([x[3] for x in people], dtype="int64"),
            "rank": pd.Series(ranks, dtype="int64"),
        }
    )


def stars_of_the_month(
    revisits: pd.DataFrame | None,
    month: str | Period | Any,
    min_revisits: int = 5,
    *,
    complaints: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    served: pd.Series | None = None,
    about: pd.DataFrame | None = None,
) -> list[Star]:
    """每月之星: the people ranked first by `star_ranking` — several when they tie on average
    score, scored revisits and verified complaints (joint stars); [] when nobody qualifies."""
    ranking = star_ranking(
        revisits,
        month,
        min_revisits,
        complaints=complaints,
        clients=clients,
        served=served,
        about=about,
    )
    top = ranking[ranking["rank"] == 1]
    return [
        Star(str(name), float(avg), int(reached), int(scored), int(verified))
        for name, avg, reached, scored, verified in zip(
            top["staff"],
            top["avg_score"],
            top["reached"],
            top["scored"],
            top["verified"],
            strict=True,
        )
    ]


def star_of_the_month(
    revisits: pd.DataFrame | None,
    month: str | Period | Any,
    min_revisits: int = 5,
    *,
    complaints: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
) -> Star | None:
    """The first of `stars_of_the_month` (by name among joint stars), or None."""
    stars = stars_of_the_month(
        revisits, month, min_revisits, complaints=complaints, clients=clients
    )
    return stars[0] if stars else None
