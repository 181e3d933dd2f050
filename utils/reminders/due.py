"""What is due: the store's frames, the team's settings and a moment in, a list of `Reminder`s
out, each with a stable `key` (what `utils.reminders.ledger` de-duplicates on). Pure and
vectorised over whole tabs: no streamlit, no store, no clock, no I/O.

The kinds, each with its key:

- to the complaint's handler, else its first receiver (首问负责): `assigned`
  (`assigned:ID:handler`), `due_soon` (`due_soon:ID:due-moment`), `overdue`
  (`overdue:ID:date`), `not_started` (`not_started:ID`) — `utils.reminders.cases`;
- to the level above (the ladder in the settings): `escalate` (`escalate:ID:target-level`) —
  `utils.reminders.cases`;
- on working days from the digest hour on, one digest a day per person: `revisits`
  (`digest:revisits:NAME:date`) to each staff member and `manager`
  (`digest:manager:NAME:date`) to each manager — `utils.reminders.digests`.

The `Reminder` record, the kinds and the client details a reminder carries (masked, whoever
the recipient is): `utils.reminders.reminder`, re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

import pandas as pd

from utils.reminders.cases import ESCALATION_WORDS, case_reminders, still_due
from utils.reminders.config import ReminderConfig
from utils.reminders.digests import (
    DIGEST_LINES,
    manager_digests,
    manager_figures,
    revisit_digests,
)
from utils.reminders.reminder import (
    ASSIGNED,
    CASE_KINDS,
    DIGEST_KINDS,
    DUE_SOON,
    ESCALATE,
    KINDS,
    MANAGER,
    NOT_STARTED,
    OVERDUE,
    REVISITS,
    STICKY,
    Reminder,
    client_lookup,
    digest_window,
    is_daily_time,
)
from utils.settings import Settings


def decide(
    frames: Mapping[str, pd.DataFrame],
    settings: Settings,
    now: dt.datetime,
    config: ReminderConfig,
    *,
    since: dt.datetime | None = None,
    known: Collection[str] = (),
) -> list[Reminder]:
    """Every reminder due at `now`, in a stable order (by kind, then case).

    `frames`: the store's `clients`, `complaints`, `revisits`. `since`: the previous run's
    moment (default: a day before `now`). `known`: the keys the ledger already holds (sent or
    tried). Case reminders are returned whether known or not (the ledger decides what still
    needs sending); today's digests are made once — the first run that makes them records
    them, and the ledger retries any that failed from the copy it keeps — so a run after
    that does not compute them again, which keeps a run with nothing new cheap."""
    complaints, clients = frames["complaints"], frames["clients"]
    revisits = frames["revisits"]
    out = case_reminders(complaints, clients, settings, now, config, since=since)
    if is_daily_time(now, settings, config):
        suffix = f":{now.date().isoformat()}"
        made = any(k.startswith(f"digest:{REVISITS}:") and k.endswith(suffix) for k in known)
        if not made:
            out += revisit_digests(complaints, clients, revisits, settings, now)
        out += manager_digests(complaints, revisits, settings, now, config, known)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(out, key=lambda r: (order[r.kind], r.complaint_id, r.key))


__all__ = [
    "ASSIGNED",
    "CASE_KINDS",
    "DIGEST_KINDS",
    "DIGEST_LINES",
    "DUE_SOON",
    "ESCALATE",
    "ESCALATION_WORDS",
    "KINDS",
    "MANAGER",
    "NOT_STARTED",
    "OVERDUE",
    "REVISITS",
    "STICKY",
    "Reminder",
    "case_reminders",
    "client_lookup",
    "decide",
    "digest_window",
    "is_daily_time",
    "manager_digests",
    "manager_figures",
    "revisit_digests",
    "still_due",
]
