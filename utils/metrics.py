"""Figures for the managers' dashboard and the monthly report: plain functions over DataFrames.

Input frames follow the store's data contract: one DataFrame per tab, columns = the model's
field names (+ `_row`); text/ID/choice columns hold `str` with missing = ""; date and
date-time columns are naive datetime64 with missing = NaT; `score`/`attempt` are "Int64".
Every function is vectorised (groupby, masks; no per-row loops) and returns zeros, None
(a share or median with nothing to measure) or empty frames for empty input — never raises.

Definitions used everywhere (one home each):
- period: half-open [start, end); figures "as of" a period = at min(end, now);
- owner of a complaint = its handler, or its first receiver while no handler is set (首问负责);
- open / overdue = `utils.workflow.overdue_mask` applied to the complaints' state at a moment;
- resolved in a period = status resolved/closed and resolved_at in the period; within the limit
  = resolved_at <= due_at (due_at computed by `utils.workflow.due_series` where blank);
- time to resolve = working days from received_at to resolved_at (`utils.workdays`);
- reopened = a reopen line in progress_log, or a complaint follow-up that reached the client
  who said solved = "no" or attitude = "unsatisfied" (`reopen_events`);
- followed up = a complaint follow-up revisit that reached the client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from sheets_schema import choices as ch
from sheets_schema.columns import DATE, DATETIME, INT
from sheets_schema.tables import TABLES
from utils.settings import Settings
from utils.workdays import working_days_between
from utils.workflow import due_series, overdue_mask

MAX_CHART_ROWS = 5000
OPEN_STATUSES = ("received", "in_progress", "")
DONE_STATUSES = ("resolved", "closed")
FOLLOWUP = "complaint_followup"
FREQS = ("W", "M")
REOPEN_PATTERN = r"(?i)reopen|重开|重新打开"
_LOG_DATE = r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?)"
RESOLVE_BIN_EDGES = (0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7, 10)  # last bin: 10 and more

# ---------------------------------------------------------------------------------------------
# data contract helpers
# ---------------------------------------------------------------------------------------------


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


def frame_from_records(tab: str, records: Iterable[dict]) -> pd.DataFrame:
    """A DataFrame following the data contract from dicts of field → value (missing fields
    blank; `_row` numbered from 2 unless given). For tests, the benchmark and demo data."""
    records = list(records)
    data: dict[str, Any] = {}
    for col in TABLES[tab].columns:
        values = [r.get(col.field) for r in records]
        if col.kind in (DATE, DATETIME):
            data[col.field] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        elif col.kind == INT:
            data[col.field] = pd.Series(pd.array(values, dtype="Int64"))
        else:
            data[col.field] = pd.Series(["" if v is None else str(v) for v in values], dtype=object)
    rows = [r.get("_row", i + 2) for i, r in enumerate(records)]
    data["_row"] = pd.Series(pd.array(rows, dtype="Int64"))
    return pd.DataFrame(data)


def _ts(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value)


# ---------------------------------------------------------------------------------------------
# periods and filters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A half-open time range [start, end)."""

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _ts(self.start))
        object.__setattr__(self, "end", _ts(self.end))

    @property
    def length(self) -> pd.Timedelta:
        return self.end - self.start

    @property
    def is_month(self) -> bool:
        s = self.start
        return s == s.normalize() and s.day == 1 and self.end == s + pd.DateOffset(months=1)

    @property
    def last_day(self) -> dt.date:
        """The last calendar day inside the period."""
        return (self.end - pd.Timedelta(microseconds=1)).date()

    def contains(self, values: pd.Series) -> pd.Series:
        """Mask of `values` (datetime Series) inside the period; NaT → False."""
        return (values >= self.start) & (values < self.end)

    def as_of(self, now: Any) -> pd.Timestamp:
        """The moment at which point-in-time figures (open, overdue) are taken."""
        return min(self.end, _ts(now))

    def label(self) -> str:
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"


def this_week(now: Any) -> Period:
    """Monday 00:00 of `now`'s week to the next Monday."""
    day = _ts(now).normalize()
    start = day - pd.Timedelta(days=day.weekday())
    return Period(start, start + pd.Timedelta(days=7))


def month_period(month: str | Any) -> Period:
    """The calendar month "2026-10" (or the month of a date)."""
    start = _ts(f"{month}-01" if isinstance(month, str) and len(month) <= 7 else month)
    start = start.normalize().replace(day=1)
    return Period(start, start + pd.DateOffset(months=1))


def this_month(now: Any) -> Period:
    return month_period(_ts(now))


def last_month(now: Any) -> Period:
    return month_period(this_month(now).start - pd.DateOffset(months=1))


def custom_period(first_day: Any, last_day: Any) -> Period:
    """From the start of `first_day` to the end of `last_day` (both included)."""
    a, b = _ts(first_day).normalize(), _ts(last_day).normalize()
    if b < a:
        a, b = b, a
    return Period(a, b + pd.Timedelta(days=1))


PERIOD_CHOICES = ("this_week", "this_month", "last_month", "custom")


def period_for(choice: str, now: Any, first_day: Any = None, last_day: Any = None) -> Period:
    """The period picker: this_week / this_month / last_month / custom (first_day..last_day)."""
    if choice == "this_week":
        return this_week(now)
    if choice == "last_month":
        return last_month(now)
    if choice == "custom" and first_day is not None:
        return custom_period(first_day, last_day if last_day is not None else first_day)
    return this_month(now)


def previous_period(period: Period, now: Any = None) -> Period:
    """The period of the same length just before `period` (the previous calendar month for a
    month). While `period` is still running at `now`, only its elapsed part is compared: the
    previous period is cut to the same elapsed length (1–10 Oct vs 1–10 Sep)."""
    if period.is_month:
        start = period.start - pd.DateOffset(months=1)
    else:
        start = period.start - period.length
    end = period.start
    if now is not None and period.start < _ts(now) < period.end:
        end = min(end, start + (_ts(now) - period.start))
    return Period(start, end)


def trend_window(period: Period, freq: str = "W", buckets: int = 12) -> Period:
    """The range shown by the over-time charts: at least `buckets` weeks or months ending with
    the period, or the whole period when it is longer."""
    last = _ts(period.end - pd.Timedelta(microseconds=1))
    if freq == "M":
        first = last.normalize().replace(day=1) - pd.DateOffset(months=buckets - 1)
        end = last.normalize().replace(day=1) + pd.DateOffset(months=1)
    else:
        monday = last.normalize() - pd.Timedelta(days=last.weekday())
        first = monday - pd.Timedelta(weeks=buckets - 1)
        end = monday + pd.Timedelta(days=7)
    return Period(min(first, bucket_start(pd.Series([period.start]), freq).iloc[0]), end)


@dataclass(frozen=True)
class Filters:
    """The dashboard's selection. Empty tuples mean "all"."""

    start: pd.Timestamp
    end: pd.Timestamp
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @classmethod
    def for_period(cls, period: Period, **selection: Iterable[str]) -> Filters:
        return cls(period.start, period.end, **{k: tuple(v) for k, v in selection.items()})

    @property
    def complaint_attrs(self) -> bool:
        return bool(self.categories or self.channels or self.severities)


@dataclass
class Filtered:
    clients: pd.DataFrame
    complaints: pd.DataFrame
    revisits: pd.DataFrame


def owner_of(complaints: pd.DataFrame) -> pd.Series:
    """Who answers for each complaint: the handler, else the first receiver."""
    handler = complaints["handler"].fillna("")
    return handler.where(handler != "", complaints["first_receiver"].fillna("")).astype(object)


def _client_grade(ids: pd.Series, clients: pd.DataFrame) -> pd.Series:
    grades = clients.drop_duplicates("client_id").set_index("client_id")["grade"]
    return ids.map(grades).fillna("").astype(object)


def apply_filters(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    filters: Filters,
) -> Filtered:
    """Keep the rows matching the attribute filters (not the period: open/overdue and the
    previous period need rows outside it; the figure functions apply the period).

    - complaints: category, channel, severity, owner in handlers, client's grade in grades;
    - revisits: with category/channel/severity set, only follow-ups of matching complaints;
      staff in handlers; client's grade in grades;
    - clients: grade in grades.
    """
    cl = conform(clients, "clients")
    co = conform(complaints, "complaints")
    rv = conform(revisits, "revisits")
    f = filters
    if f.grades:
        cl = cl[cl["grade"].isin(f.grades)]
    mask = pd.Series(True, index=co.index)
    if f.categories:
        mask &= co["category"].isin(f.categories)
    if f.channels:
        mask &= co["channel"].isin(f.channels)
    if f.severities:
        mask &= co["severity"].isin(f.severities)
    if f.handlers:
        mask &= owner_of(co).isin(f.handlers)
    if f.grades:
        mask &= _client_grade(co["client_id"], cl).isin(f.grades)
    co = co[mask]
    rmask = pd.Series(True, index=rv.index)
    if f.complaint_attrs:
        kept = co["complaint_id"]
        rmask &= (rv["kind"] == FOLLOWUP) & rv["complaint_id"].isin(kept)
    if f.handlers:
        rmask &= rv["staff"].isin(f.handlers)
    if f.grades:
        rmask &= _client_grade(rv["client_id"], cl).isin(f.grades)
    return Filtered(cl, co, rv[rmask])


def filter_options(
    clients: pd.DataFrame | None, complaints: pd.DataFrame | None, revisits: pd.DataFrame | None
) -> dict[str, list[str]]:
    """Choices for the filter widgets: the choice values of each field plus the people who own
    complaints or made revisits (sorted)."""
    co = conform(complaints, "complaints")
    rv = conform(revisits, "revisits")
    people = set(owner_of(co)) | set(rv["staff"].astype(str).str.strip())
    people.discard("")
    return {
        "categories": list(ch.CATEGORY.values),
        "channels": list(ch.CHANNEL.values),
        "severities": list(ch.SEVERITY.values),
        "handlers": sorted(people),
        "grades": list(ch.GRADE.values),
    }


def download_tables(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    filters: Filters,
) -> Filtered:
    """The filtered tables for download: complaints received and revisits done in the period,
    clients matching the grade filter; columns in the schema's order, without `_row`."""
    f = apply_filters(clients, complaints, revisits, filters)
    p = filters.period

    def cols(tab: str) -> list[str]:
        return [c.field for c in TABLES[tab].columns]

    return Filtered(
        f.clients[cols("clients")].reset_index(drop=True),
        f.complaints.loc[p.contains(f.complaints["received_at"]), cols("complaints")].reset_index(
            drop=True
        ),
        f.revisits.loc[p.contains(f.revisits["done_at"]), cols("revisits")].reset_index(drop=True),
    )


# ---------------------------------------------------------------------------------------------
# prepared complaints: owner, due date, time to resolve — computed once
# ---------------------------------------------------------------------------------------------


def prepare_complaints(complaints: pd.DataFrame | None, settings: Settings) -> pd.DataFrame:
    """Complaints with helper columns `_owner`, `_due` (due_at, computed where blank) and
    `_done` (status resolved or closed).
    Idempotent: a prepared frame is returned as it is. Every figure function accepts raw or
    prepared frames."""
    if complaints is not None and "_due" in complaints.columns:
        return complaints
    c = conform(complaints, "complaints").copy(deep=False)
    c["_owner"] = owner_of(c) if len(c) else pd.Series(dtype=object)
    due = pd.to_datetime(c["due_at"])
    missing = due.isna() & c["received_at"].notna()
    if missing.any():
        due = due.copy()
        part = c.loc[missing]
        due.loc[missing] = due_series(part["received_at"], part["severity"], settings)
    c["_due"] = due
    c["_done"] = c["status"].isin(DONE_STATUSES)  # resolved or closed now
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


def _days_to_resolve(c: pd.DataFrame, settings: Settings) -> pd.Series:
    """Working days from received_at to resolved_at (NaN where either is missing; >= 0)."""
    if c.empty:
        return pd.Series(np.nan, index=c.index, dtype=float)
    days = working_days_between(c["received_at"], c["resolved_at"], settings.holidays)
    return pd.Series(days.to_numpy(), index=c.index, dtype=float).clip(lower=0)


def _done_by(c: pd.DataFrame, moment: pd.Timestamp) -> pd.Series:
    """Resolved (or closed) by `moment`: status resolved/closed and resolved_at <= moment."""
    done = c["_done"] if "_done" in c.columns else c["status"].isin(DONE_STATUSES)
    return done & (c["resolved_at"] <= moment)


def state_at(complaints: pd.DataFrame, moment: Any) -> pd.DataFrame:
    """The complaints as they stood at `moment`: only those received by then, with status,
    resolved_at and closed_at as of that moment (a complaint resolved later shows as still
    being worked on). At or after the present it is the data as it is."""
    m = _ts(moment)
    c = conform(complaints, "complaints")
    c = c[c["received_at"] <= m].copy()
    status = c["status"]
    done = _done_by(c, m)
    closed = done & (status == "closed") & (c["closed_at"] <= m)
    new = status.where(status.isin(OPEN_STATUSES) | done, "in_progress")
    c["status"] = new.where(~done | closed, "resolved")
    c["resolved_at"] = c["resolved_at"].where(done)
    c["closed_at"] = c["closed_at"].where(closed)
    return c


Masks = tuple[pd.Series, pd.Series]


def open_overdue(complaints: pd.DataFrame | None, moment: Any, settings: Settings) -> Masks:
    """(open mask, overdue mask) at `moment`, aligned with the prepared complaints. Open =
    received by then and not resolved by then; overdue = `utils.workflow.overdue_mask` applied
    to the open complaints as they stood at that moment. Functions taking `masks=` accept this
    to avoid computing it twice."""
    c = prepare_complaints(complaints, settings)
    m = _ts(moment)
    open_ = (c["received_at"] <= m) & ~_done_by(c, m)
    if not open_.any():
        return open_, open_.copy()
    status = c.loc[open_, "status"]
    view = pd.DataFrame(
        {
            "status": status.where(status.isin(OPEN_STATUSES), "in_progress"),
            "due_at": c.loc[open_, "_due"],
            "received_at": c.loc[open_, "received_at"],
            "severity": c.loc[open_, "severity"],
        }
    )
    overdue = overdue_mask(view, m.to_pydatetime(), settings).astype(bool)
    return open_, overdue.reindex(c.index, fill_value=False)


def _resolved_mask(c: pd.DataFrame, period: Period) -> pd.Series:
    done = c["_done"] if "_done" in c.columns else c["status"].isin(DONE_STATUSES)
    return done & period.contains(c["resolved_at"])


def _resolved_in(c: pd.DataFrame, period: Period, cols: list[str] | None = None) -> pd.DataFrame:
    """Complaints resolved in the period (only `cols`, when given)."""
    mask = _resolved_mask(c, period)
    return c.loc[mask, cols] if cols else c[mask]


# ---------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """One tile: the value in the period, in the previous period, and how to read the change.
    kind: count / share (0..1) / days / score / rate (per 100)."""

    key: str
    value: float | int | None
    previous: float | int | None
    kind: str = "count"
    higher_is_better: bool | None = True  # None: neither (e.g. received)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        """Relative change for counts (None when the previous value is 0 or missing)."""
        if self.change is None or not self.previous:
            return None
        return self.change / self.previous

    @property
    def trend(self) -> str:
        """good / bad / neutral, for colouring the change; a change too small to show at the
        displayed precision (`format_change`) is neutral."""
        ch = self.change
        if ch is not None and self.kind != "count":
            ch = round(ch * 100, 1) if self.kind == "share" else round(ch, 1)
        if ch is None or ch == 0 or self.higher_is_better is None:
            return "neutral"
        return "good" if (ch > 0) == self.higher_is_better else "bad"


def _share(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def complaint_figures(
    complaints: pd.DataFrame | None,
    period: Period,
    now: Any,
    settings: Settings,
    masks: Masks | None = None,
) -> dict[str, Any]:
    """Complaint figures for one period: received, open, overdue (as of min(end, now)),
    resolved, closed, within_limit (share of those resolved in the period with
    resolved_at <= due_at), median_days / p90_days (working days to resolve)."""
    c = prepare_complaints(complaints, settings)
    open_, overdue = masks or open_overdue(c, period.as_of(now), settings)
    res = _resolved_in(c, period, ["received_at", "resolved_at", "_due"])
    known = res["_due"].notna()
    within = int((res.loc[known, "resolved_at"] <= res.loc[known, "_due"]).sum())
    days = _days_to_resolve(res, settings).dropna()
    return {
        "received": int(period.contains(c["received_at"]).sum()),
        "open": int(open_.sum()),
        "overdue": int(overdue.sum()),
        "resolved": len(res),
        "closed": int(((c["status"] == "closed") & period.contains(c["closed_at"])).sum()),
        "within_limit": _share(within, int(known.sum())),
        "median_days": _num(days.median()) if len(days) else None,
        "p90_days": _num(days.quantile(0.9)) if len(days) else None,
    }


def followed_up_ids(revisits: pd.DataFrame | None) -> pd.Series:
    """IDs of complaints with a follow-up revisit that reached the client."""
    r = prepare_revisits(revisits)
    return r.loc[r["_followup"] & r["_reached"], "complaint_id"]


def revisit_figures(
    revisits: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    period: Period,
    settings: Settings,
    followups: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Revisit figures for one period.

    - completion: complaints resolved in the period that have a follow-up which reached the
      client (any time) / complaints resolved in the period (`followups` = the revisits to look
      follow-ups up in; default `revisits`);
    - reach_rate: revisits done in the period that reached the client / revisits done;
    - solved_share: "yes" among reached revisits with a solved answer;
    - satisfied_share: "satisfied" among reached revisits with an attitude answer;
    - avg_score: mean score of reached revisits with a score.
    """
    r = prepare_revisits(revisits)
    c = prepare_complaints(complaints, settings)
    res_ids = _resolved_in(c, period, ["complaint_id"])["complaint_id"]
    reached_ids = followed_up_ids(followups if followups is not None else r)
    followed = int(res_ids.isin(reached_ids).sum())
    done = r.loc[period.contains(r["done_at"]), ["_reached", "solved", "attitude", "score"]]
    reached = done[done["_reached"]]
    answered = reached["solved"].isin(("yes", "no"))
    att = reached["attitude"] != ""
    scores = pd.to_numeric(reached["score"], errors="coerce").dropna()
    return {
        "revisits": len(done),
        "reached": len(reached),
        "resolved": len(res_ids),
        "followed_up": followed,
        "completion": _share(followed, len(res_ids)),
        "reach_rate": _share(len(reached), len(done)),
        "solved_share": _share(int((reached["solved"] == "yes").sum()), int(answered.sum())),
        "satisfied_share": _share(int((reached["attitude"] == "satisfied").sum()), int(att.sum())),
        "avg_score": _num(scores.mean()) if len(scores) else None,
        "scored": len(scores),
    }


def client_figures(
    clients: pd.DataFrame | None, complaints: pd.DataFrame | None, period: Period
) -> dict[str, Any]:
    """active_clients (status active now), new_clients (registered in the period),
    per_100 (complaints received in the period per 100 active clients)."""
    cl = conform(clients, "clients")
    co = conform(complaints, "complaints")
    active = int((cl["status"] == "active").sum())
    received = int(period.contains(co["received_at"]).sum())
    return {
        "active_clients": active,
        "new_clients": int(period.contains(cl["registered_on"]).sum()),
        "per_100": (received * 100.0 / active) if active else None,
    }


# key → (kind, higher is better)
KPI_SPECS: dict[str, tuple[str, bool | None]] = {
    "received": ("count", None),
    "open": ("count", False),
    "overdue": ("count", False),
    "resolved": ("count", True),
    "closed": ("count", True),
    "within_limit": ("share", True),
    "median_days": ("days", False),
    "p90_days": ("days", False),
    "reopened": ("count", False),
    "completion": ("share", True),
    "reach_rate": ("share", True),
    "solved_share": ("share", True),
    "satisfied_share": ("share", True),
    "avg_score": ("score", True),
    "active_clients": ("count", True),
    "new_clients": ("count", True),
    "per_100": ("rate", False),
}
COMPLAINT_KPIS = (
    "received",
    "open",
    "overdue",
    "resolved",
    "closed",
    "within_limit",
    "median_days",
    "p90_days",
    "reopened",
)
REVISIT_KPIS = ("completion", "reach_rate", "solved_share", "satisfied_share", "avg_score")
CLIENT_KPIS = ("active_clients", "new_clients", "per_100")


def period_figures(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    period: Period,
    now: Any,
    settings: Settings,
    followups: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    masks: Masks | None = None,
) -> dict[str, Any]:
    """`complaint_figures` + reopened + `revisit_figures` + `client_figures` for one period, in
    one dict. `events`: `reopen_events(...)` restricted to these complaints, if computed;
    `masks`: `open_overdue(...)` at `period.as_of(now)`, if computed."""
    co = prepare_complaints(complaints, settings)
    if events is None:
        events = reopen_events(co, followups if followups is not None else revisits)
        events = events[events["complaint_id"].isin(co["complaint_id"])]
    out = complaint_figures(co, period, now, settings, masks)
    out["reopened"] = int(events.loc[period.contains(events["at"]), "complaint_id"].nunique())
    out.update(revisit_figures(revisits, co, period, settings, followups))
    out.update(client_figures(clients, co, period))
    return out


def make_kpis(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Kpi]:
    """Kpi tiles from two `period_figures` results. A client's status is only known as it is
    now, so active clients have no previous value."""
    previous = {**previous, "active_clients": None}
    return {
        key: Kpi(key, current.get(key), previous.get(key), kind, better)
        for key, (kind, better) in KPI_SPECS.items()
    }


def kpis(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    period: Period,
    now: Any,
    settings: Settings,
    followups: pd.DataFrame | None = None,
) -> dict[str, Kpi]:
    """Every KPI (keys of `KPI_SPECS`) for the period and the previous period of the same
    length (`previous_period(period, now)`). Frames are taken as already filtered;
    `followups` = revisits to look complaint follow-ups up in (default `revisits`)."""
    cl = conform(clients, "clients")
    co = prepare_complaints(complaints, settings)
    rv = conform(revisits, "revisits")
    events = reopen_events(co, followups if followups is not None else rv)
    events = events[events["complaint_id"].isin(co["complaint_id"])]
    cur = period_figures(cl, co, rv, period, now, settings, followups, events)
    prev = period_figures(
        cl, co, rv, previous_period(period, now), now, settings, followups, events
    )
    return make_kpis(cur, prev)


def format_value(kind: str, value: float | None) -> str:
    """A KPI value for display: 12 · 87.5% · 1.4 · 8.6 · —."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return f"{value * 100:.1f}%"
    return f"{value:.1f}"


def format_change(kind: str, change: float | None) -> str:
    """A KPI change for display: +3 · −2.5 pp · +0.4 · "" when there is nothing to compare."""
    if change is None or (isinstance(change, float) and np.isnan(change)):
        return ""
    if kind == "count":
        text = f"{int(change):+,}"
    elif kind == "share":
        text = f"{round(change * 100, 1) + 0.0:+.1f} pp"
    else:
        text = f"{round(change, 1) + 0.0:+.1f}"
    return text.replace("-", "−")


def group_stats(keys: pd.Series | np.ndarray, **values: pd.Series | np.ndarray) -> pd.DataFrame:
    """Per distinct key (sorted; blanks kept, NaN/NaT dropped): `n` (rows) and, for each named
    value, `<name>` (sum, NaN skipped) and `<name>_n` (non-NaN count). One factorize and one
    bincount per value: the fast path for the small per-group tables of this module."""
    codes, uniques = pd.factorize(
        np.asarray(keys, dtype=object) if not isinstance(keys, pd.Series) else keys, sort=True
    )
    ok = codes >= 0
    size = len(uniques)
    out = pd.DataFrame(
        {"n": np.bincount(codes[ok], minlength=size).astype("int64")}, index=pd.Index(uniques)
    )
    for name, v in values.items():
        arr = pd.to_numeric(pd.Series(np.asarray(v)), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        valid = ok & ~np.isnan(arr)
        out[name] = np.bincount(codes[valid], weights=arr[valid], minlength=size)
        out[f"{name}_n"] = np.bincount(codes[valid], minlength=size).astype("int64")
    return out


# ---------------------------------------------------------------------------------------------
# series for the charts (aggregated, at most MAX_CHART_ROWS rows each)
# ---------------------------------------------------------------------------------------------


def bucket_start(values: pd.Series, freq: str) -> pd.Series:
    """Start of each value's week (Monday) or month ("M"); NaT stays NaT."""
    v = values.to_numpy(dtype="datetime64[ns]")
    if freq == "M":
        b = v.astype("datetime64[M]").astype("datetime64[ns]")
    else:
        d = v.astype("datetime64[D]")
        weekday = (d.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
        b = (d - weekday.astype("timedelta64[D]")).astype("datetime64[ns]")
    return pd.Series(b, index=values.index)


def bucket_range(window: Period, freq: str) -> pd.DatetimeIndex:
    first = bucket_start(pd.Series([window.start]), freq).iloc[0]
    return pd.date_range(
        first, window.end - pd.Timedelta(microseconds=1), freq="MS" if freq == "M" else "W-MON"
    )


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
    g = group_stats(c.loc[open_, col], overdue=overdue[open_].to_numpy(dtype=float))
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
    res = _resolved_in(c, period, ["received_at", "resolved_at"])
    days = _days_to_resolve(res, settings).dropna().to_numpy()
    edges = np.asarray(RESOLVE_BIN_EDGES, dtype=float)
    idx = np.searchsorted(edges, days, side="right") - 1
    counts = np.bincount(np.clip(idx, 0, len(edges) - 1), minlength=len(edges))
    ends = np.append(edges[1:], np.inf)
    return pd.DataFrame({"bin_start": edges, "bin_end": ends, "count": counts.astype("int64")})


def revisit_rates(figures: dict[str, Any]) -> pd.DataFrame:
    """The four revisit shares as one frame for a bar chart: key, value (0..1 or NaN),
    numerator, denominator."""
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
    satisfied = np.where(answered, (att == "satisfied").to_numpy(dtype=float), np.nan)
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
    counts = _client_grade(ids, cl).value_counts()
    grades = sorted((set(active.index) | set(counts.index)) - {""})
    out = pd.DataFrame({"grade": pd.Series(grades, dtype=object)})
    out["active_clients"] = out["grade"].map(active).fillna(0).astype("int64")
    out["complaints"] = out["grade"].map(counts).fillna(0).astype("int64")
    out["per_100"] = (
        out["complaints"] * 100.0 / out["active_clients"].where(out["active_clients"] > 0)
    )
    return out


# ---------------------------------------------------------------------------------------------
# lists: overdue, reopened, top categories
# ---------------------------------------------------------------------------------------------

LIST_COLUMNS = [
    "complaint_id",
    "client_id",
    "client_name",
    "received_at",
    "due_at",
    "category",
    "severity",
    "channel",
    "level",
    "owner",
    "status",
]


def _with_client_name(c: pd.DataFrame, clients: pd.DataFrame | None) -> pd.Series:
    if clients is None or len(clients) == 0 or c.empty:
        return pd.Series("", index=c.index, dtype=object)
    cl = conform(clients, "clients")
    names = cl.loc[cl["client_id"].isin(c["client_id"]), ["client_id", "name"]]
    names = names.drop_duplicates("client_id").set_index("client_id")["name"]
    return c["client_id"].map(names).fillna("").astype(object)


def _complaint_rows(o: pd.DataFrame, clients: pd.DataFrame | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "complaint_id": o["complaint_id"],
            "client_id": o["client_id"],
            "client_name": _with_client_name(o, clients),
            "received_at": o["received_at"],
            "due_at": o["_due"],
            "category": o["category"],
            "severity": o["severity"],
            "channel": o["channel"],
            "level": o["level"],
            "owner": o["_owner"],
            "status": o["status"],
        }
    )


def overdue_list(
    complaints: pd.DataFrame | None,
    moment: Any,
    settings: Settings,
    clients: pd.DataFrame | None = None,
    masks: Masks | None = None,
) -> pd.DataFrame:
    """Complaints overdue at `moment`, most overdue first: LIST_COLUMNS + overdue_days
    (working days past due_at). `status` is the complaint's status now."""
    c = prepare_complaints(complaints, settings)
    _, overdue = masks or open_overdue(c, moment, settings)
    o = c[overdue]
    out = _complaint_rows(o, clients)
    end = pd.Series(_ts(moment), index=o.index)
    days = working_days_between(o["_due"], end, settings.holidays) if len(o) else end
    out["overdue_days"] = (
        pd.Series(np.asarray(days, dtype=float) if len(o) else [], index=o.index, dtype=float)
        .clip(lower=0)
        .round(1)
    )
    out = out.sort_values(["overdue_days", "received_at"], ascending=[False, True])
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
    fu = r[r["_followup"] & r["_reached"]]
    bad = (fu["complaint_id"] != "") & ((fu["solved"] == "no") | (fu["attitude"] == "unsatisfied"))
    r = fu
    if bad.any():
        parts.append(
            pd.DataFrame(
                {
                    "complaint_id": r.loc[bad, "complaint_id"].to_numpy(),
                    "at": r.loc[bad, "done_at"].to_numpy(dtype="datetime64[ns]"),
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


def reopened_mask(complaints: pd.DataFrame | None, revisits: pd.DataFrame | None) -> pd.Series:
    """True for complaints that were ever reopened (see `reopen_events`)."""
    c = conform(complaints, "complaints")
    return c["complaint_id"].isin(reopen_events(c, revisits)["complaint_id"])


def reopened_list(
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    period: Period | None,
    settings: Settings,
    clients: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Complaints reopened in the period (all ever reopened when `period` is None):
    LIST_COLUMNS + reopened_at (latest reopen in the period) + times (reopens in all, same-day
    log line and revisit counted once). Latest first. `events`: `reopen_events(...)` restricted
    to these complaints, if already computed."""
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
    o = c[c["complaint_id"].isin(latest.index)].drop_duplicates("complaint_id")
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


# ---------------------------------------------------------------------------------------------
# staff
# ---------------------------------------------------------------------------------------------


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
    res = _resolved_in(c, period, ["_owner", "resolved_at", "_due"])
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


# ---------------------------------------------------------------------------------------------
# everything the dashboard shows, in one call
# ---------------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    previous: Period
    as_of: pd.Timestamp
    freq: str
    window: Period
    kpis: dict[str, Kpi]
    over_time: dict[str, pd.DataFrame]  # category / channel / severity
    by_category: pd.DataFrame
    by_channel: pd.DataFrame
    by_severity: pd.DataFrame
    open_by_level: pd.DataFrame
    open_by_owner: pd.DataFrame
    resolve_hist: pd.DataFrame
    revisit_rates: pd.DataFrame
    score_trend: pd.DataFrame
    clients_by_grade_status: pd.DataFrame
    new_clients: pd.DataFrame
    per_100: pd.DataFrame
    staff: pd.DataFrame
    star: Star | None
    star_month: str
    overdue: pd.DataFrame
    reopened: pd.DataFrame
    top_categories: pd.DataFrame
    root_causes: pd.DataFrame
    filtered: Filtered = field(repr=False)

    def chart_frames(self) -> dict[str, pd.DataFrame]:
        """Every frame a chart draws (for checks such as the 5,000-row limit)."""
        out = {f"over_time_{k}": v for k, v in self.over_time.items()}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                out[f.name] = value
        return out


def dashboard(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    filters: Filters,
    now: Any,
    settings: Settings,
    freq: str = "W",
) -> Dashboard:
    """All dashboard figures for the filters' period (freq "W" or "M" for the over-time
    charts). Star of the month: the month the period ends in."""
    freq = freq if freq in FREQS else "W"
    period = filters.period
    f = apply_filters(clients, complaints, revisits, filters)
    co = prepare_complaints(f.complaints, settings)
    rv = prepare_revisits(f.revisits)
    # follow-ups count whoever made them: completion and reopen look at every revisit
    narrowed = bool(filters.complaint_attrs or filters.handlers or filters.grades)
    followups = rv
    if narrowed:
        followups = prepare_revisits(revisits)
        followups = followups[followups["complaint_id"].isin(co["complaint_id"])]
    as_of = period.as_of(now)
    window = trend_window(period, freq)
    masks = open_overdue(co, as_of, settings)
    events = reopen_events(co, followups)
    prev_period = previous_period(period, now)
    cur = period_figures(f.clients, co, rv, period, now, settings, followups, events, masks)
    prev = period_figures(f.clients, co, rv, prev_period, now, settings, followups, events)
    top, causes = top_categories(co, period)
    star_month = month_period(period.last_day)
    return Dashboard(
        period=period,
        previous=prev_period,
        as_of=as_of,
        freq=freq,
        window=window,
        kpis=make_kpis(cur, prev),
        over_time={
            by: complaints_over_time(co, window, freq, by)
            for by in ("category", "channel", "severity")
        },
        by_category=counts_by(co, period, "category"),
        by_channel=counts_by(co, period, "channel"),
        by_severity=counts_by(co, period, "severity"),
        open_by_level=open_by(co, as_of, settings, "level", masks),
        open_by_owner=open_by(co, as_of, settings, "owner", masks),
        resolve_hist=resolve_time_distribution(co, period, settings),
        revisit_rates=revisit_rates(cur),
        score_trend=score_trend(rv, window, freq),
        clients_by_grade_status=clients_by_grade_status(f.clients),
        new_clients=new_clients_per_month(f.clients, trend_window(period, "M")),
        per_100=complaints_per_100(co, f.clients, period),
        staff=staff_table(co, rv, period, now, settings, masks),
        star=star_of_the_month(rv, star_month, settings.star_min_revisits),
        star_month=star_month.label(),
        overdue=overdue_list(co, as_of, settings, f.clients, masks),
        reopened=reopened_list(co, followups, period, settings, f.clients, events),
        top_categories=top,
        root_causes=causes,
        filtered=f,
    )
