"""The case reminders: what is due on each open complaint at a moment, and whether one kept
from an earlier run is still worth sending. Vectorised over the whole tab: masks over the open
cases first; progress logs are read only for the few rows that need it.

To the complaint's handler, else its first receiver (首问负责):

- `assigned` (`assigned:ID:handler`): a handler was set since the last run — an assign or
  handover line in the progress log naming them, or a new row that came with a handler — and
  not by the handler themselves;
- `due_soon` (`due_soon:ID:due-moment`): open, not yet due, under `due_soon_hours` working
  hours left;
- `overdue` (`overdue:ID:date`): open and past due; once a working day, from the digest hour;
- `not_started` (`not_started:ID`): still received (or blank) one working day after logging.

To the level above (the ladder in the settings): `escalate` (`escalate:ID:target-level`), for
an open case more than `overdue_escalate_hours` working hours past its due date — or past its
last escalation, if that came later, so that with auto-escalation the case climbs one level
per such interval, not all the way at once. A level with nobody in the ladder is skipped.

**Working hours.** The calendar counts working days (`Calendar.working_days_between`, China's
days off and make-up working days by default); the team has no office hours configured, so a
"working hour" is an hour of a working day: hours left = `working_days_between(now, due) × 24`.
A case due Monday 10:00 has 18 working hours left on Friday at 16:00 (8 on Friday, 10 on
Monday), and the weekend does not count down.

Pure: no streamlit, no store, no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from utils import progress_log as plog
from utils.access import same_person
from utils.cells import clean_text, open_mask, status_values
from utils.deadlines import fill_due
from utils.reminders.config import ReminderConfig
from utils.reminders.reminder import (
    ASSIGNED,
    DUE_SOON,
    ESCALATE,
    NOT_STARTED,
    OVERDUE,
    STICKY,
    Reminder,
    client_facts,
    client_lookup,
    is_daily_time,
    iso_minutes,
    text_column,
)
from utils.settings import Settings
from utils.workflow import LEVELS, next_level

ESCALATION_WORDS = r"escalate|升级"  # the verbs of escalate and auto_escalate, both languages


def _hours(value: float) -> float:
    return round(float(value), 1)


def _assignment(log: object, handler: str) -> tuple[dt.datetime | None, str] | None:
    """(when, by whom) of the latest assign/handover line naming `handler`, or None."""
    found = None
    for entry in plog.parse(log):
        if entry.action in ("assign", "handover") and same_person(entry.target, handler):
            found = (entry.at, entry.by)
    return found


def _next_levels(level: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(`next_level(level_of(...))`, `level_of(...)`) over a column ("" above the top)."""
    current = text_column(level).map(lambda v: v if v in LEVELS else LEVELS[0])
    return current.map(lambda v: next_level(v) or ""), current


def case_reminders(
    complaints: pd.DataFrame,
    clients: pd.DataFrame,
    settings: Settings,
    now: dt.datetime,
    config: ReminderConfig,
    *,
    since: dt.datetime | None = None,
) -> list[Reminder]:
    """The case reminders (assigned, due_soon, overdue, not_started, escalate) due at `now`.
    `since`: the previous run's moment (assignments after it are new); default a day ago.
    Masks over the open cases first; progress logs are read only for the few rows that need
    it (recent assignments, escalations)."""
    if complaints is None or complaints.empty:
        return []
    calendar = settings.work_calendar
    ids = text_column(complaints["complaint_id"])
    keep = (ids != "") & ~ids.duplicated() & open_mask(complaints["status"])
    c = complaints.loc[keep]
    if c.empty:
        return []
    ids = ids[keep]
    due = fill_due(c, settings)
    handler, receiver = text_column(c["handler"]), text_column(c["first_receiver"])
    owner = handler.where(handler != "", receiver)
    moment = pd.Timestamp(now)
    at_now = pd.Series(moment, index=c.index)
    hours_left = calendar.working_days_between(at_now, due) * 24.0  # NaN where no due date
    past = due.notna() & (due < moment)
    received = pd.to_datetime(c["received_at"])
    logged_for = calendar.working_days_between(received, at_now)

    due_soon = (owner != "") & due.notna() & (due > moment)
    due_soon &= hours_left < config.due_soon_hours
    overdue = (owner != "") & past & is_daily_time(now, settings, config)
    not_started = (owner != "") & (status_values(c["status"]) == "received")
    not_started &= received.notna() & (logged_for >= 1.0)

    # escalation: overdue for longer than the limit, counted from the due date or from the
    # last escalation when that came later
    targets, levels = _next_levels(c["level"])
    ladder = {level: names for level, names in config.ladder.items() if names}
    escalation = past & (-hours_left > config.overdue_escalate_hours) & targets.isin(ladder)
    start = due.where(escalation)
    logs = c["progress_log"].where(escalation, "").fillna("").astype(str)
    lines = logs[logs.str.contains(ESCALATION_WORDS, regex=True)].str.split("\n").explode()
    lines = lines[lines.str.contains(ESCALATION_WORDS, regex=True)]
    last: dict = {}
    for label, text in zip(lines.index, lines, strict=True):
        for entry in plog.parse(text):
            if entry.action in ("escalate", "auto_escalate") and entry.at is not None:
                last[label] = max(last.get(label, entry.at), entry.at)
    if last:
        later = pd.Series(last, dtype="datetime64[ns]").reindex(start.index)
        start = start.where(~(later > start), later)
    waited = calendar.working_days_between(start, at_now) * 24.0
    escalation &= waited > config.overdue_escalate_hours

    # assignments since the last run: only rows touched since then can have one
    since = since if since is not None else now - dt.timedelta(days=1)
    since = since.replace(second=0, microsecond=0)  # log lines are stamped to the minute
    updated = pd.to_datetime(c["updated_at"])
    touched = received.where(received.notna() & ~(updated > received), updated)
    assigned = (handler != "") & (touched >= pd.Timestamp(since))
    assigned_by: dict = {}
    for label in assigned[assigned].index:
        found = _assignment(c.at[label, "progress_log"], handler[label])
        if found is not None:
            at, by = found
            new = at is not None and at >= since and not same_person(by, handler[label])
        else:  # a row that came with its handler (typed in, imported): from its receiver
            at, by = (received[label] if pd.notna(received[label]) else None), receiver[label]
            new = at is not None and at >= since and not same_person(by, handler[label])
        if new:
            assigned_by[label] = (iso_minutes(at), clean_text(by))
    assigned = assigned & assigned.index.isin(list(assigned_by))

    any_kind = due_soon | overdue | not_started | escalation | assigned
    if not any_kind.any():
        return []
    rows = any_kind[any_kind].index
    lookup = client_lookup(clients, c.loc[rows, "client_id"])
    today = now.date().isoformat()
    dates = ("due", "received", "start")
    column = {
        name: series[rows].map(iso_minutes).tolist() if name in dates else series[rows].tolist()
        for name, series in {
            "id": ids,
            "client_id": c["client_id"],
            "severity": text_column(c["severity"]),
            "due": due,
            "level": levels,
            "target": targets,
            "handler": handler,
            "receiver": receiver,
            "owner": owner,
            "left": hours_left,
            "received": received,
            "logged": logged_for,
            "start": start,
            "assigned": assigned,
            "due_soon": due_soon,
            "overdue": overdue,
            "not_started": not_started,
            "escalation": escalation,
        }.items()
    }
    out: list[Reminder] = []
    for n, label in enumerate(rows):
        cid, handler_n = column["id"][n], column["handler"][n]
        base = {
            **client_facts(lookup, column["client_id"][n]),
            "due": column["due"][n],
            "severity": column["severity"][n] or "normal",
            "level": column["level"][n],
            "handler": handler_n,
            "first_receiver": column["receiver"][n],
        }
        to = (column["owner"][n],)
        if column["assigned"][n]:
            at, by = assigned_by[label]
            facts = {**base, "by": by, "at": at}
            key = f"{ASSIGNED}:{cid}:{handler_n}"
            out.append(Reminder(ASSIGNED, key, (handler_n,), cid, facts))
        if column["due_soon"][n]:
            facts = {**base, "hours": _hours(column["left"][n])}
            out.append(Reminder(DUE_SOON, f"{DUE_SOON}:{cid}:{base['due']}", to, cid, facts))
        if column["overdue"][n]:
            facts = {**base, "hours": _hours(-column["left"][n])}
            out.append(Reminder(OVERDUE, f"{OVERDUE}:{cid}:{today}", to, cid, facts))
        if column["not_started"][n]:
            facts = {**base, "received": column["received"][n], "days": _hours(column["logged"][n])}
            out.append(Reminder(NOT_STARTED, f"{NOT_STARTED}:{cid}", to, cid, facts))
        if column["escalation"][n]:
            target = column["target"][n]
            facts = {
                **base,
                "target": target,
                "hours": _hours(-column["left"][n]),
                "since": column["start"][n],
                "limit": config.overdue_escalate_hours,
            }
            key = f"{ESCALATE}:{cid}:{target}"
            out.append(Reminder(ESCALATE, key, tuple(ladder[target]), cid, facts))
    return out


def still_due(item: Reminder, complaints: pd.DataFrame) -> bool:
    """Whether a sticky reminder kept from an earlier run is still worth sending: its case is
    still open (and, for an assignment, still has that handler)."""
    if item.kind not in STICKY or not item.complaint_id:
        return False
    ids = text_column(complaints["complaint_id"])
    rows = complaints.loc[ids == item.complaint_id]
    if rows.empty or not bool(open_mask(rows["status"]).iloc[0]):
        return False
    if item.kind == ASSIGNED:
        return same_person(rows["handler"].iloc[0], item.facts.get("handler"))
    return True


__all__ = ["ESCALATION_WORDS", "case_reminders", "still_due"]
