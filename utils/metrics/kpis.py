"""The KPI tiles: complaint, revisit and client figures for one period (`period_figures`),
paired with the previous period's as `Kpi`s (`make_kpis`), and how a value or a change is
written (`format_value`, `format_change`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from utils.metrics.lists import reopen_events
from utils.metrics.periods import Period
from utils.metrics.prepare import (
    Masks,
    conform,
    days_to_resolve,
    not_started_at,
    open_overdue,
    prepare_complaints,
    prepare_revisits,
    resolved_in,
)
from utils.settings import Settings

# key → (kind, higher is better); kind: count / share (0..1) / days / score / rate (per 100)
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
    "not_started": ("count", False),
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
    "not_started",
)
REVISIT_KPIS = ("completion", "reach_rate", "solved_share", "satisfied_share", "avg_score")
CLIENT_KPIS = ("active_clients", "new_clients", "per_100")


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
    not_started: pd.Series | None = None,
) -> dict[str, Any]:
    """Complaint figures for one period: received, open, overdue (as of min(end, now)),
    resolved, closed, within_limit (share of those resolved in the period with
    resolved_at <= due_at), median_days / p90_days (working days to resolve), not_started
    (`prepare.not_started_at` min(end, now); pass it when computed)."""
    c = prepare_complaints(complaints, settings)
    open_, overdue = masks or open_overdue(c, period.as_of(now), settings)
    if not_started is None:
        not_started = not_started_at(c, period.as_of(now), settings)
    res = resolved_in(c, period, ["received_at", "resolved_at", "_due"])
    known = res["_due"].notna()
    within = int((res.loc[known, "resolved_at"] <= res.loc[known, "_due"]).sum())
    days = days_to_resolve(res, settings).dropna()
    return {
        "received": int(period.contains(c["received_at"]).sum()),
        "open": int(open_.sum()),
        "overdue": int(overdue.sum()),
        "resolved": len(res),
        "closed": int(((c["status"] == "closed") & period.contains(c["closed_at"])).sum()),
        "within_limit": _share(within, int(known.sum())),
        "median_days": _num(days.median()) if len(days) else None,
        "p90_days": _num(days.quantile(0.9)) if len(days) else None,
        "not_started": int(not_started.sum()),
    }


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
    res_ids = resolved_in(c, period, ["complaint_id"])["complaint_id"]
    f = prepare_revisits(followups) if followups is not None else r
    reached_ids = f.loc[f["_followup"] & f["_reached"], "complaint_id"]
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


def feedback_timeliness(
    complaints: pd.DataFrame | None, period: Period, settings: Settings
) -> dict[str, Any]:
    """Feedback to the client (反馈, seeds: 及时反馈) of the complaints resolved in the period:
    resolved, timely (feedback_at recorded no later than one working day after resolved_at,
    on the team's calendar) and share (timely / resolved; None when none was resolved)."""
    c = prepare_complaints(complaints, settings)
    res = resolved_in(c, period, ["resolved_at", "feedback_at"])
    if res.empty:
        return {"resolved": 0, "timely": 0, "share": None}
    limit = settings.work_calendar.add_working_days_series(res["resolved_at"], 1)
    told = pd.to_datetime(res["feedback_at"])
    timely = int((told.notna() & (told <= limit)).sum())
    return {"resolved": len(res), "timely": timely, "share": _share(timely, len(res))}


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
    not_started: pd.Series | None = None,
) -> dict[str, Any]:
    """`complaint_figures` + reopened + `revisit_figures` + `client_figures` for one period, in
    one dict. `followups` = revisits to look complaint follow-ups up in (default `revisits`);
    `events`: `reopen_events(...)` restricted to these complaints, if computed; `masks`:
    `open_overdue(...)` and `not_started`: `not_started_at(...)` at `period.as_of(now)`, if
    computed."""
    co = prepare_complaints(complaints, settings)
    if events is None:
        events = reopen_events(co, followups if followups is not None else revisits)
        events = events[events["complaint_id"].isin(co["complaint_id"])]
    out = complaint_figures(co, period, now, settings, masks, not_started)
    out["reopened"] = int(events.loc[period.contains(events["at"]), "complaint_id"].nunique())
    out.update(revisit_figures(revisits, co, period, settings, followups))
    out.update(client_figures(clients, co, period))
    return out


def make_kpis(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Kpi]:
    """Kpi tiles from two `period_figures` results. A client's status and a complaint's are
    only known as they are now, so active clients and complaints not started have no previous
    value."""
    previous = {**previous, "active_clients": None, "not_started": None}
    return {
        key: Kpi(key, current.get(key), previous.get(key), kind, better)
        for key, (kind, better) in KPI_SPECS.items()
    }


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
