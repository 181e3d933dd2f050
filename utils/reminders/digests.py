"""The daily digests: on working days from the digest hour on, one digest a day per person.

- `revisits` (`digest:revisits:NAME:date`): to each staff member, the complaint follow-ups
  waiting for them (handler, else first receiver; those already unreachable after the last
  attempt are a manager's to close and are left out) and the routine revisits of their
  clients due by the end of this week (Monday to Sunday);
- `manager` (`digest:manager:NAME:date`): to each manager, the figures since the previous
  working day's digest hour: new, resolved, reopened, satisfaction of the revisits done, and
  the open overdue cases now — the dashboard's definitions (`utils.metrics`).

Pure: no streamlit, no store, no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import pandas as pd

from utils.cells import clean_text
from utils.metrics.kpis import complaint_figures, revisit_figures
from utils.metrics.lists import reopen_events
from utils.metrics.periods import Period
from utils.metrics.prepare import prepare_complaints, prepare_revisits
from utils.queues import followup_queue, followups_for, routine_for, routine_queue
from utils.reminders.config import ReminderConfig
from utils.reminders.reminder import (
    MANAGER,
    REVISITS,
    Reminder,
    client_facts,
    client_lookup,
    digest_window,
    iso_minutes,
    text_column,
)
from utils.settings import Settings

DIGEST_LINES = 5  # items listed by name in a revisit digest, per list


def revisit_digests(
    complaints: pd.DataFrame,
    clients: pd.DataFrame,
    revisits: pd.DataFrame,
    settings: Settings,
    now: dt.datetime,
) -> list[Reminder]:
    """One `revisits` digest per staff member with follow-ups waiting or routine revisits
    due by the end of the week. Who does which follow-up and whose clients are whose is the
    revisit queues' rule (`utils.queues.followups_for`, `routine_for`), as on the Revisits page;
    the staff are everyone the complaints and clients name (handlers, first receivers,
    owners)."""
    today = now.date()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    follow = followup_queue(complaints, revisits, settings)
    follow = follow.loc[~follow["unreachable"].astype(bool)]
    routine = routine_queue(clients, revisits, week_end, settings)
    if follow.empty and routine.empty:
        return []
    names = {
        *text_column(follow["handler"]),
        *text_column(follow["first_receiver"]),
        *text_column(routine["owner"]),
    } - {""}
    date = today.isoformat()
    mine = {name: (followups_for(follow, name), routine_for(routine, name)) for name in names}
    mine = {name: lists for name, lists in mine.items() if not (lists[0].empty and lists[1].empty)}
    shown = [
        c
        for f, r in mine.values()
        for c in (*f["client_id"][:DIGEST_LINES], *r["client_id"][:DIGEST_LINES])
    ]
    lookup = client_lookup(clients, shown)
    out = []
    for name in sorted(mine):
        waiting, due = mine[name]
        late = due["due_on"] < pd.Timestamp(today)
        follow_lines = [
            {
                "complaint_id": clean_text(cid),
                **client_facts(lookup, client_id),
                "attempt": int(attempt),
            }
            for cid, client_id, attempt in zip(
                waiting["complaint_id"][:DIGEST_LINES],
                waiting["client_id"][:DIGEST_LINES],
                waiting["next_attempt"][:DIGEST_LINES],
                strict=True,
            )
        ]
        routine_lines = [
            {
                "client_id": clean_text(client_id),
                **client_facts(lookup, client_id),
                "due_on": pd.Timestamp(due_on).date().isoformat(),
                "late": bool(is_late),
            }
            for client_id, due_on, is_late in zip(
                due["client_id"][:DIGEST_LINES],
                due["due_on"][:DIGEST_LINES],
                late[:DIGEST_LINES],
                strict=True,
            )
        ]
        facts = {
            "date": date,
            "week_end": week_end.isoformat(),
            "followups": len(waiting),
            "routine": len(due),
            "routine_late": int(late.sum()),
            "followup_lines": follow_lines,
            "routine_lines": routine_lines,
        }
        out.append(Reminder(REVISITS, f"digest:{REVISITS}:{name}:{date}", (name,), "", facts))
    return out


def manager_figures(
    complaints: pd.DataFrame,
    revisits: pd.DataFrame,
    settings: Settings,
    start: dt.datetime,
    now: dt.datetime,
) -> dict[str, Any]:
    """The managers' digest figures for [start, now), with the dashboard's definitions."""
    period = Period(pd.Timestamp(start), pd.Timestamp(now))
    c = prepare_complaints(complaints, settings)
    r = prepare_revisits(revisits)
    figures = complaint_figures(c, period, now, settings)
    visits = revisit_figures(r, c, period, settings)
    events = reopen_events(c, r)
    reopened = events.loc[period.contains(events["at"]), "complaint_id"].nunique()
    satisfied = visits["satisfied_share"]
    score = visits["avg_score"]
    return {
        "new": figures["received"],
        "resolved": figures["resolved"],
        "overdue": figures["overdue"],
        "open": figures["open"],
        "reopened": int(reopened),
        "revisits": visits["revisits"],
        "reached": visits["reached"],
        "satisfied": None if satisfied is None else round(float(satisfied), 3),
        "score": None if score is None else round(float(score), 1),
    }


def manager_digests(
    complaints: pd.DataFrame,
    revisits: pd.DataFrame,
    settings: Settings,
    now: dt.datetime,
    config: ReminderConfig,
    known: Collection[str] = (),
) -> list[Reminder]:
    """Today's `manager` digest for each manager whose digest the ledger does not hold yet."""
    date = now.date().isoformat()
    keys = {name: f"digest:{MANAGER}:{name}:{date}" for name in config.managers}
    wanted = [name for name, key in keys.items() if key not in known]
    if not wanted:
        return []
    start = digest_window(now, settings, config)
    figures = manager_figures(complaints, revisits, settings, start, now)
    facts = {"date": date, "since": iso_minutes(start), **figures}
    return [Reminder(MANAGER, keys[name], (name,), "", facts) for name in wanted]


__all__ = ["DIGEST_LINES", "manager_digests", "manager_figures", "revisit_digests"]
