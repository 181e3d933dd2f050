"""The dashboard's and the report's lists of complaints: overdue, reopened (and the reopen
events behind them), and the top categories with their root causes.

The complaint lists share their first columns: complaint_id, client_id, client_name,
received_at, due_at (computed where blank), category, severity, channel, level, owner (handler,
else first receiver), status (the complaint's status now) and key_client (the client is a key
client, grade A: their complaints stand out)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from utils.deadlines import KEY_GRADE
from utils.metrics.periods import Period
from utils.metrics.prepare import (
    Masks,
    conform,
    not_started_at,
    open_overdue,
    prepare_complaints,
    prepare_revisits,
)
from utils.metrics.series import counts_by
from utils.settings import Settings

REOPEN_PATTERN = r"(?i)reopen|重开|重新打开"
_LOG_DATE = r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?)"


def _client_lookup(c: pd.DataFrame, clients: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """(client name, is a key client) for each complaint of `c`: one look-up over just the
    clients these complaints name."""
    n = len(c)
    if clients is None or len(clients) == 0 or n == 0:
        return np.full(n, "", dtype=object), np.zeros(n, dtype=bool)
    cl = conform(clients, "clients")
    ids = c["client_id"].to_numpy(dtype=object)
    rows = np.flatnonzero(cl["client_id"].isin(pd.unique(pd.Series(ids, dtype=object))))
    index = pd.Index(cl["client_id"].iloc[rows].to_numpy(dtype=object))
    if not index.is_unique:
        first = ~index.duplicated()
        rows, index = rows[first], index[first]
    pos = index.get_indexer(ids)
    hit = pos >= 0
    names = np.full(n, "", dtype=object)
    key = np.zeros(n, dtype=bool)
    if hit.any():
        at = rows[pos[hit]]
        found = cl["name"].iloc[at].to_numpy(dtype=object)
        names[hit] = np.where(pd.isna(found), "", found)
        key[hit] = (cl["grade"].iloc[at] == KEY_GRADE).to_numpy(dtype=bool)
    return names, key


# what `_complaint_rows` reads of prepared complaints (lists take just these rows and columns)
ROW_COLUMNS = [
    "complaint_id",
    "client_id",
    "received_at",
    "_due",
    "category",
    "severity",
    "channel",
    "level",
    "_owner",
    "status",
]


def _complaint_rows(o: pd.DataFrame, clients: pd.DataFrame | None) -> pd.DataFrame:
    """The list columns (see the module's docstring) of prepared complaints `o`."""
    names, key = _client_lookup(o, clients)
    return pd.DataFrame(
        {
            "complaint_id": o["complaint_id"],
            "client_id": o["client_id"],
            "client_name": pd.Series(names, index=o.index, dtype=object),
            "received_at": o["received_at"],
            "due_at": o["_due"],
            "category": o["category"],
            "severity": o["severity"],
            "channel": o["channel"],
            "level": o["level"],
            "owner": o["_owner"],
            "status": o["status"],
            "key_client": pd.Series(key, index=o.index, dtype=bool),
        }
    )


def overdue_list(
    complaints: pd.DataFrame | None,
    moment: Any,
    settings: Settings,
    clients: pd.DataFrame | None = None,
    masks: Masks | None = None,
) -> pd.DataFrame:
    """Complaints overdue at `moment`, most overdue first: the list columns + overdue_days
    (working days past due_at)."""
    c = prepare_complaints(complaints, settings)
    _, overdue = masks or open_overdue(c, moment, settings)
    o = c.loc[overdue, ROW_COLUMNS]
    out = _complaint_rows(o, clients)
    end = pd.Series(pd.Timestamp(moment), index=o.index)
    days = settings.work_calendar.working_days_between(o["_due"], end) if len(o) else end
    out["overdue_days"] = (
        pd.Series(np.asarray(days, dtype=float) if len(o) else [], index=o.index, dtype=float)
        .clip(lower=0)
        .round(1)
    )
    out = out.sort_values(["overdue_days", "received_at"], ascending=[False, True])
    return out.reset_index(drop=True)


def not_started_list(
    complaints: pd.DataFrame | None,
    moment: Any,
    settings: Settings,
    clients: pd.DataFrame | None = None,
    mask: pd.Series | None = None,
) -> pd.DataFrame:
    """Complaints not started at `moment` (`prepare.not_started_at`: still received one working
    day after they arrived), longest waiting first: the list columns + waiting_days (working
    days since they were received). `mask`: `not_started_at(...)`, if computed."""
    c = prepare_complaints(complaints, settings)
    waiting = mask if mask is not None else not_started_at(c, moment, settings)
    o = c.loc[waiting, ROW_COLUMNS]
    out = _complaint_rows(o, clients)
    end = pd.Series(pd.Timestamp(moment), index=o.index)
    days = settings.work_calendar.working_days_between(o["received_at"], end) if len(o) else end
    out["waiting_days"] = (
        pd.Series(np.asarray(days, dtype=float) if len(o) else [], index=o.index, dtype=float)
        .clip(lower=0)
        .round(1)
    )
    out = out.sort_values(["waiting_days", "received_at"], ascending=[False, True])
    return out.reset_index(drop=True)


def _log_hits(log: pd.Series) -> np.ndarray:
    """Rows of `log` (text Series) with a reopen line: one vectorised regex (pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(log.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        hit = pc.match_substring_regex(arr, REOPEN_PATTERN.removeprefix("(?i)"), ignore_case=True)
        return hit.fill_null(False).to_numpy(zero_copy_only=False)
    except (ImportError, TypeError, ValueError):  # no pyarrow, or odd values: pandas does it
        return log.fillna("").astype(str).str.contains(REOPEN_PATTERN, regex=True).to_numpy()


def reopen_events(complaints: pd.DataFrame | None, revisits: pd.DataFrame | None) -> pd.DataFrame:
    """Every time a complaint was reopened: complaint_id, at (NaT for an undated hand-written
    log line), source ("log" or "revisit"). A reopen is a progress-log line mentioning
    reopen/重开/重新打开, or a complaint follow-up that reached the client who said solved "no"
    or attitude "unsatisfied". The app writes both for one reopen; count complaints, not rows."""
    c = conform(complaints, "complaints")
    r = prepare_revisits(revisits)
    parts = []
    hit = _log_hits(c["progress_log"]) if len(c) else np.zeros(0, dtype=bool)
    if hit.any():
        lines = c.loc[hit, "progress_log"].astype(str).str.split("\n").explode()
        lines = lines[lines.str.contains(REOPEN_PATTERN, regex=True)]
        stamp = lines.str.extract(_LOG_DATE, expand=False).str.replace(r"[/.]", "-", regex=True)
        at = pd.to_datetime(stamp, errors="coerce", format="mixed")
        parts.append(
            pd.DataFrame(
                {
                    "complaint_id": c.loc[lines.index, "complaint_id"].to_numpy(),
                    "at": at.to_numpy(dtype="datetime64[ns]"),
                    "source": "log",
                }
            )
        )
    fu = r.loc[r["_followup"] & r["_reached"], ["complaint_id", "solved", "attitude", "done_at"]]
    bad = (fu["complaint_id"] != "") & ((fu["solved"] == "no") | (fu["attitude"] == "unsatisfied"))
    if bad.any():
        parts.append(
            pd.DataFrame(
                {
                    "complaint_id": fu.loc[bad, "complaint_id"].to_numpy(),
                    "at": fu.loc[bad, "done_at"].to_numpy(dtype="datetime64[ns]"),
                    "source": "revisit",
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "complaint_id": pd.Series(dtype=object),
                "at": pd.Series(dtype="datetime64[ns]"),
                "source": pd.Series(dtype=object),
            }
        )
    out = pd.concat(parts, ignore_index=True)
    out["complaint_id"] = out["complaint_id"].astype(object)
    return out


def reopened_list(
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    period: Period | None,
    settings: Settings,
    clients: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Complaints reopened in the period (all ever reopened when `period` is None): the list
    columns + reopened_at (latest reopen in the period) + times (reopens in all, same-day log
    line and revisit counted once). Latest first. `events`: `reopen_events(...)` restricted to
    these complaints, if already computed."""
    c = prepare_complaints(complaints, settings)
    if events is None:
        ev = reopen_events(c, revisits)
        ev = ev[ev["complaint_id"].isin(c["complaint_id"])]
    else:
        ev = events
    # one reopen = one complaint and day (the app logs it and the revisit records it)
    times = ev.assign(day=ev["at"].dt.normalize()).drop_duplicates(["complaint_id", "day"])
    times = times.groupby("complaint_id").size()
    sel = ev if period is None else ev[period.contains(ev["at"])]
    latest = sel.groupby("complaint_id")["at"].max()
    o = c.loc[c["complaint_id"].isin(latest.index), ROW_COLUMNS].drop_duplicates("complaint_id")
    out = _complaint_rows(o, clients)
    if o.empty:
        out["reopened_at"] = pd.Series(dtype="datetime64[ns]")
        out["times"] = pd.Series(dtype="int64")
        return out.reset_index(drop=True)
    out["reopened_at"] = o["complaint_id"].map(latest).astype("datetime64[ns]")
    out["times"] = o["complaint_id"].map(times).fillna(1).astype("int64")
    out = out.sort_values("reopened_at", ascending=False, na_position="last")
    return out.reset_index(drop=True)


def top_categories(
    complaints: pd.DataFrame | None, period: Period, n: int = 5, causes: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` most frequent categories of complaints received in the period, and their root
    causes. Returns (categories: category, count, share; root_causes: category, root_cause,
    count, corrective_action — the `causes` most frequent non-empty root causes per category,
    each with its most frequent corrective action)."""
    c = conform(complaints, "complaints")
    top = counts_by(c, period, "category").head(n).rename(columns={"key": "category"})
    empty = pd.DataFrame(
        {
            "category": pd.Series(dtype=object),
            "root_cause": pd.Series(dtype=object),
            "count": pd.Series(dtype="int64"),
            "corrective_action": pd.Series(dtype=object),
        }
    )
    mask = period.contains(c["received_at"]) & c["category"].isin(top["category"])
    g = c.loc[mask, ["category", "root_cause", "corrective_action"]]
    g = g[g["root_cause"].fillna("").astype(object) != ""]
    if g.empty:
        return top, empty
    sep = "\x1f"  # pairs of text as one key: one value_counts instead of a groupby + merge
    pair = g["category"].astype(object) + sep + g["root_cause"].astype(object)
    counts = pair.value_counts()
    counts = counts[counts > 0]
    out = pd.DataFrame({"pair": counts.index.astype(object), "count": counts.to_numpy("int64")})
    out[["category", "root_cause"]] = out["pair"].str.split(sep, n=1, expand=True)
    out = out.sort_values(["category", "count", "root_cause"], ascending=[True, False, True])
    out = out.groupby("category", sort=False).head(causes)
    act = g["corrective_action"].fillna("").astype(object)
    acts = (pair[act != ""] + sep + act[act != ""]).value_counts()
    acts = acts[acts > 0]
    out["corrective_action"] = ""
    if len(acts):
        best = pd.DataFrame({"key": acts.index.astype(object), "n": acts.to_numpy()})
        best[["pair", "action"]] = best["key"].str.rsplit(sep, n=1, expand=True)
        best = best.sort_values(["n", "action"], ascending=[False, True])
        best = best.drop_duplicates("pair").set_index("pair")["action"]
        out["corrective_action"] = out["pair"].map(best).fillna("")
    out["_order"] = out["category"].map({k: i for i, k in enumerate(top["category"])})
    out = out.sort_values(["_order", "count", "root_cause"], ascending=[True, False, True])
    out = out[["category", "root_cause", "count", "corrective_action"]].reset_index(drop=True)
    for col in ("category", "root_cause", "corrective_action"):
        out[col] = out[col].astype(object)
    return top, out
