"""The frames every figure starts from: the data contract's columns made sure of (`conform`),
helper columns computed once (`prepare_complaints`, `prepare_revisits`), and the questions
most figures ask of a complaint — who owns it, was it resolved in a period and how fast, was
it open or overdue at a moment; plus `group_stats`, the per-group sums the small tables are
built from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sheets_schema.columns import DATE, DATETIME, INT
from sheets_schema.tables import TABLES
from utils.metrics.periods import Period
from utils.settings import Settings
from utils.workflow import DONE_STATUSES, FOLLOWUP, fill_due, not_started_mask, past_due

Masks = tuple[pd.Series, pd.Series]  # (open, overdue) at one moment, see `open_overdue`


def _blank(tab: str, column: str, n: int, index: pd.Index | None = None) -> pd.Series:
    kind = TABLES[tab].by_field[column].kind if column in TABLES[tab].by_field else None
    if kind in (DATE, DATETIME):
        return pd.Series(
            pd.NaT, index=index if index is not None else range(n), dtype="datetime64[ns]"
        )
    if kind == INT or column == "_row":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"), index=index)
    return pd.Series([""] * n, index=index, dtype=object)


def conform(df: pd.DataFrame | None, tab: str) -> pd.DataFrame:
    """`df` with every column of the data contract present (missing ones added blank).
    Returns `df` itself when nothing is missing."""
    if df is None:
        df = pd.DataFrame()
    names = [c.field for c in TABLES[tab].columns] + ["_row"]
    missing = [c for c in names if c not in df.columns]
    if not missing:
        return df
    out = df.copy()
    for c in missing:
        out[c] = _blank(tab, c, len(out), out.index)
    return out


def owner_of(complaints: pd.DataFrame) -> pd.Series:
    """Who answers for each complaint: the handler, else the first receiver (首问负责)."""
    handler = complaints["handler"].fillna("")
    return handler.where(handler != "", complaints["first_receiver"].fillna("")).astype(object)


def client_grade(ids: pd.Series, clients: pd.DataFrame) -> pd.Series:
    """The grade of each client ID in `ids` ("" for a client not in `clients`)."""
    grades = clients.drop_duplicates("client_id").set_index("client_id")["grade"]
    return ids.map(grades).fillna("").astype(object)


def prepare_complaints(
    complaints: pd.DataFrame | None, settings: Settings, clients: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Complaints with helper columns `_owner` (`owner_of`), `_due` (`workflow.fill_due`:
    due_at, computed where blank — a key client's limit when `clients` are given — or the
    deadline the client asked for when earlier) and `_done` (status resolved or closed now; a
    blank status is open, as in `workflow.open_mask`).
    Idempotent: a prepared frame is returned as it is. Every figure function accepts raw or
    prepared frames."""
    if complaints is not None and "_due" in complaints.columns:
        return complaints
    c = conform(complaints, "complaints").copy(deep=False)
    c["_owner"] = owner_of(c) if len(c) else pd.Series(dtype=object)
    c["_due"] = fill_due(c, settings, clients)
    c["_done"] = c["status"].isin(DONE_STATUSES)
    return c


def prepare_revisits(revisits: pd.DataFrame | None) -> pd.DataFrame:
    """Revisits with helper columns `_reached` (reached the client) and `_followup`
    (a complaint follow-up). Idempotent, like `prepare_complaints`."""
    if revisits is not None and "_reached" in revisits.columns:
        return revisits
    r = conform(revisits, "revisits").copy(deep=False)
    r["_reached"] = (r["reached"] == "yes").astype(bool)
    r["_followup"] = (r["kind"] == FOLLOWUP).astype(bool)
    return r


def days_to_resolve(c: pd.DataFrame, settings: Settings) -> pd.Series:
    """Working days from received_at to resolved_at (NaN where either is missing; >= 0)."""
    if c.empty:
        return pd.Series(np.nan, index=c.index, dtype=float)
    days = settings.work_calendar.working_days_between(c["received_at"], c["resolved_at"])
    return pd.Series(days.to_numpy(), index=c.index, dtype=float).clip(lower=0)


def _done(c: pd.DataFrame) -> pd.Series:
    return c["_done"] if "_done" in c.columns else c["status"].isin(DONE_STATUSES)


def _done_by(c: pd.DataFrame, moment: pd.Timestamp) -> pd.Series:
    """Resolved (or closed) by `moment`: status resolved/closed and resolved_at <= moment."""
    return _done(c) & (c["resolved_at"] <= moment)


def open_overdue(complaints: pd.DataFrame | None, moment: Any, settings: Settings) -> Masks:
    """(open mask, overdue mask) at `moment`, aligned with the prepared complaints. Open =
    received by then and not resolved by then (a complaint resolved later, or reopened since,
    counts as it stood then; a blank status is open); overdue = open and past its due date
    (`workflow.past_due`, the rule of `workflow.overdue_mask`). Functions taking `masks=`
    accept this to avoid computing it twice."""
    c = prepare_complaints(complaints, settings)
    m = pd.Timestamp(moment)
    open_ = (c["received_at"] <= m) & ~_done_by(c, m)
    return open_, open_ & past_due(c["_due"], m)


def not_started_at(complaints: pd.DataFrame | None, moment: Any, settings: Settings) -> pd.Series:
    """Complaints not started at `moment`, aligned with the prepared complaints: received by
    then and more than one working day before it, and still received (or blank) — read from
    the status as it is now (`workflow.not_started_mask`)."""
    c = prepare_complaints(complaints, settings)
    m = pd.Timestamp(moment)
    return (c["received_at"] <= m) & not_started_mask(c, m, settings)


def resolved_in(c: pd.DataFrame, period: Period, cols: list[str] | None = None) -> pd.DataFrame:
    """Complaints resolved in the period: status resolved/closed and resolved_at in the period
    (only `cols`, when given)."""
    mask = _done(c) & period.contains(c["resolved_at"])
    return c.loc[mask, cols] if cols else c[mask]


def group_stats(keys: pd.Series | np.ndarray, **values: pd.Series | np.ndarray) -> pd.DataFrame:
    """Per distinct key (sorted; blanks kept, NaN/NaT dropped): `n` (rows) and, for each named
    value, `<name>` (sum, NaN skipped) and `<name>_n` (non-NaN count). One factorize and one
    bincount per value: the fast path for the small per-group tables of the figures."""
    codes, uniques = pd.factorize(
        np.asarray(keys, dtype=object) if not isinstance(keys, pd.Series) else keys, sort=True
    )
    ok = codes >= 0
    size = len(uniques)
    out = pd.DataFrame(
        {"n": np.bincount(codes[ok], minlength=size).astype("int64")}, index=pd.Index(uniques)
    )
    for name, v in values.items():
        raw = np.asarray(v)
        if raw.dtype.kind in "fiub":  # numbers already: no conversion needed
            arr = raw.astype(float, copy=False)
        else:
            arr = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
        valid = ok & ~np.isnan(arr)
        out[name] = np.bincount(codes[valid], weights=arr[valid], minlength=size)
        out[f"{name}_n"] = np.bincount(codes[valid], minlength=size).astype("int64")
    return out
