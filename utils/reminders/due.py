"""What is due: the store's frames, the team's settings and a moment in, a list of `Reminder`s
out, each with a stable `key` (what `utils.reminders.ledger` de-duplicates on). Pure and
vectorised over whole tabs: no streamlit, no store, no clock, no I/O.

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

On working days from the digest hour on, one digest a day per person:

- `revisits` (`digest:revisits:NAME:date`): to each staff member, the complaint follow-ups
  waiting for them (handler, else first receiver; those already unreachable after the last
  attempt are a manager's to close and are left out) and the routine revisits of their
  clients due by the end of this week (Monday to Sunday);
- `manager` (`digest:manager:NAME:date`): to each manager, the figures since the previous
  working day's digest hour: new, resolved, reopened, satisfaction of the revisits done, and
  the open overdue cases now — the dashboard's definitions (`utils.metrics`).

**Working hours.** The calendar counts working days (`Calendar.working_days_between`, China's
days off and make-up working days by default); the team has no office hours configured, so a
"working hour" is an hour of a working day: hours left = `working_days_between(now, due) × 24`.
A case due Monday 10:00 has 18 working hours left on Friday at 16:00 (8 on Friday, 10 on
Monday), and the weekend does not count down.

**Client details** are shown as for a staff member who does not own the client, whoever the
recipient is (`utils.access.mask_phone`): a reminder is posted in group chats and passes
through the chat service's servers, where everyone in the group reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from utils import progress_log as plog
from utils.access import mask_phone, same_person
from utils.cells import clean_text, open_mask, status_values
from utils.deadlines import fill_due
from utils.reminders.config import ReminderConfig
from utils.settings import Settings
from utils.workflow import LEVELS, next_level

ASSIGNED, DUE_SOON, OVERDUE, NOT_STARTED, ESCALATE = (
    "assigned",
    "due_soon",
    "overdue",
    "not_started",
    "escalate",
)
REVISITS, MANAGER = "revisits", "manager"
CASE_KINDS = (ASSIGNED, DUE_SOON, OVERDUE, NOT_STARTED, ESCALATE)
DIGEST_KINDS = (REVISITS, MANAGER)
KINDS = CASE_KINDS + DIGEST_KINDS
# events: told once, retried from the ledger until delivered even when no longer "due"
STICKY = (ASSIGNED, ESCALATE)
DIGEST_LINES = 5  # items listed by name in a revisit digest, per list


@dataclass(frozen=True)
class Reminder:
    """One thing to tell someone. `facts` are JSON-safe values the message is written from
    (so that a reminder kept in the ledger can be written again in either language)."""

    kind: str
    key: str
    to: tuple[str, ...]
    complaint_id: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "key": self.key,
            "to": list(self.to),
            "complaint_id": self.complaint_id,
            "facts": dict(self.facts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reminder:
        return cls(
            kind=str(data["kind"]),
            key=str(data["key"]),
            to=tuple(str(n) for n in data.get("to") or ()),
            complaint_id=str(data.get("complaint_id") or ""),
            facts=dict(data.get("facts") or {}),
        )

    def with_facts(self, **facts: Any) -> Reminder:
        return Reminder(self.kind, self.key, self.to, self.complaint_id, {**self.facts, **facts})


# ---- small helpers ---------------------------------------------------------------------------


def _text(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip()


def _iso(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).to_pydatetime().isoformat(timespec="minutes")


def _hours(value: float) -> float:
    return round(float(value), 1)


def is_daily_time(now: dt.datetime, settings: Settings, config: ReminderConfig) -> bool:
    """Daily reminders (overdue, digests) go on working days from the digest hour on."""
    return settings.work_calendar.is_working_day(now.date()) and now.hour >= config.digest_hour


def digest_window(now: dt.datetime, settings: Settings, config: ReminderConfig) -> dt.datetime:
    """Where today's managers' digest starts: the previous working day at the digest hour."""
    today = dt.datetime.combine(now.date(), dt.time())
    previous = settings.work_calendar.add_working_days(today, -1)
    return dt.datetime.combine(previous.date(), dt.time(config.digest_hour))


def client_lookup(clients: pd.DataFrame, ids: Any) -> dict[str, dict[str, str]]:
    """client_id → {"client": name, "phone": masked} for the given IDs only."""
    wanted = {clean_text(i) for i in ids} - {""}
    if not wanted or clients is None or clients.empty:
        return {}
    cid = _text(clients["client_id"])
    hit = cid.isin(wanted) & ~cid.duplicated()
    return {
        i: {"client": clean_text(name), "phone": mask_phone(phone)}
        for i, name, phone in zip(
            cid[hit], clients.loc[hit, "name"], clients.loc[hit, "phone"], strict=True
        )
    }


def _client(lookup: Mapping[str, dict], client_id: str) -> dict[str, str]:
    return lookup.get(clean_text(client_id), {"client": "", "phone": ""})


# ---- cases -----------------------------------------------------------------------------------


ESCALATION_WORDS = r"escalate|升级"  # the verbs of escalate and auto_escalate, both languages


def _last_escalation(log: object) -> dt.datetime | None:
    times = [e.at for e in plog.parse(log) if e.action in ("escalate", "auto_escalate") and e.at]
    return max(times) if times else None


def _assignment(log: object, handler: str) -> tuple[dt.datetime | None, str] | None:
    """(when, by whom) of the latest assign/handover line naming `handler`, or None."""
    found = None
    for entry in plog.parse(log):
        if entry.action in ("assign", "handover") and same_person(entry.target, handler):
            found = (entry.at, entry.by)
    return found


def _next_levels(level: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(`next_level(level_of(...))`, `level_of(...)`) over a column ("" above the top)."""
    current = _text(level).map(lambda v: v if v in LEVELS else LEVELS[0])
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
    ids = _text(complaints["complaint_id"])
    keep = (ids != "") & ~ids.duplicated() & open_mask(complaints["status"])
    c = complaints.loc[keep]
    if c.empty:
        return []
    ids = ids[keep]
    due = fill_due(c, settings)
    handler, receiver = _text(c["handler"]), _text(c["first_receiver"])
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
            assigned_by[label] = (_iso(at), clean_text(by))
    assigned = assigned & assigned.index.isin(list(assigned_by))

    any_kind = due_soon | overdue | not_started | escalation | assigned
    if not any_kind.any():
        return []
    rows = any_kind[any_kind].index
    lookup = client_lookup(clients, c.loc[rows, "client_id"])
    today = now.date().isoformat()
    dates = ("due", "received", "start")
    column = {
        name: series[rows].map(_iso).tolist() if name in dates else series[rows].tolist()
        for name, series in {
            "id": ids,
            "client_id": c["client_id"],
            "severity": _text(c["severity"]),
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
            **_client(lookup, column["client_id"][n]),
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
    ids = _text(complaints["complaint_id"])
    rows = complaints.loc[ids == item.complaint_id]
    if rows.empty or not bool(open_mask(rows["status"]).iloc[0]):
        return False
    if item.kind == ASSIGNED:
        return same_person(rows["handler"].iloc[0], item.facts.get("handler"))
    return True


# ---- digests ---------------------------------------------------------------------------------


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
    from utils.queues import followup_queue, followups_for, routine_for, routine_queue

    today = now.date()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    follow = followup_queue(complaints, revisits, settings)
    follow = follow.loc[~follow["unreachable"].astype(bool)]
    routine = routine_queue(clients, revisits, week_end, settings)
    if follow.empty and routine.empty:
        return []
    names = {
        *_text(follow["handler"]),
        *_text(follow["first_receiver"]),
        *_text(routine["owner"]),
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
                **_client(lookup, client_id),
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
                **_client(lookup, client_id),
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
    from utils.metrics.kpis import complaint_figures, revisit_figures
    from utils.metrics.lists import reopen_events
    from utils.metrics.periods import Period
    from utils.metrics.prepare import prepare_complaints, prepare_revisits

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
    facts = {"date": date, "since": _iso(start), **figures}
    return [Reminder(MANAGER, keys[name], (name,), "", facts) for name in wanted]


# ---- everything ------------------------------------------------------------------------------


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
