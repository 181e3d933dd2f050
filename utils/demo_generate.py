"""The demo's records, generated: clients, complaints and revisits of a property-service desk.

Deterministic for a seed and a reference day, and nothing happens after 09:00 that day.
Distributions follow what a real desk sees: most complaints resolved within the limit, fed back
and closed after a follow-up by a colleague; some resolved late; recent ones still being worked
on; a few stuck past their deadline (a few percent of all); some reopened and escalated after
an unsatisfied follow-up, then resolved again; revisit scores mostly 7–10.

`generate` is pure: records (dicts of field → value), deterministic for a seed and a reference
day; the words they are made of are `utils.demo_words`'. Loading them into a store and taking
them out again is `utils.demo`'s.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from utils import clock
from utils.demo_words import (
    ACTIONS,
    CATEGORY_WEIGHTS,
    CHANNEL_WEIGHTS,
    COMPANY_HEADS,
    COMPANY_TAILS,
    DESCRIPTIONS,
    GIVEN,
    REGIONS,
    RESOLUTIONS,
    ROOT_CAUSES,
    SEVERITY_WEIGHTS,
    STAFF,
    STREETS,
    SUGGESTIONS,
    SURNAMES,
)
from utils.settings import Settings
from utils.workflow import compute_due_at

CUTOFF_TIME = dt.time(9, 0)  # the demo desk's "now" on its reference day
LATE_SHARE = 0.12  # complaints resolved after their time limit
STUCK_RECENT = 0.10  # complaints of the last 30 days still open past their deadline
STUCK_OLD = 0.01  # older complaints still open past their deadline
FOLLOWUP_SHARE = 0.8  # of the revisits at most, for complaint follow-ups


@dataclass
class DemoData:
    clients: list[dict] = field(default_factory=list)
    complaints: list[dict] = field(default_factory=list)
    revisits: list[dict] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _office_time(rng: random.Random, day: dt.date, cutoff: dt.datetime) -> dt.datetime:
    """A moment in office hours on `day`; the day before when that would be after `cutoff`
    (nothing in the demo happens after it)."""
    hour, minute = rng.randint(8, 17), rng.choice((0, 10, 20, 30, 45))
    moment = dt.datetime.combine(day, dt.time(hour, minute))
    return moment if moment <= cutoff else moment - dt.timedelta(days=1)


def _cutoff(today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The reference day and the moment nothing may happen after: 09:00 that day (or now, when
    no day is given and it is earlier)."""
    if today is not None:
        return today, dt.datetime.combine(today, CUTOFF_TIME)
    now = clock.now()
    return now.date(), min(now, dt.datetime.combine(now.date(), CUTOFF_TIME))


def generate(
    clients: int = 200,
    complaints: int = 400,
    revisits: int = 500,
    *,
    seed: int = 1,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> DemoData:
    """Demo records for a desk on `today` at 09:00 (`today` None: the clock's day): nothing
    received, resolved, closed, revisited, registered or updated after that moment."""
    rng = random.Random(seed)
    today, cutoff = _cutoff(today)
    settings = settings or Settings()
    out = DemoData()
    for n in range(clients):
        out.clients.append(_client(rng, n, today, cutoff))
    if not out.clients:
        return out
    stories = [_complaint(rng, n, out, today, cutoff, settings) for n in range(complaints)]
    # follow-ups, oldest complaints first (if the revisits run out, the recent ones wait), with
    # at most FOLLOWUP_SHARE of the revisits: the rest are routine and key-client revisits
    budget = [int(revisits * FOLLOWUP_SHARE)]
    for rec, log, client in sorted(stories, key=lambda story: story[0]["received_at"]):
        if rec["status"] == "resolved" and rec.get("feedback_at"):
            _follow_up(rng, rec, client, out, log, cutoff, budget, may_reopen=True)
    for rec, log, _ in stories:
        rec["progress_log"] = "\n".join(log)
        rec["updated_at"] = max(dt.datetime.strptime(line[:16], "%Y-%m-%d %H:%M") for line in log)
        out.complaints.append(rec)
    for _ in range(max(revisits - len(out.revisits), 0)):
        client = rng.choice(out.clients)
        start = max(client["registered_on"], today - dt.timedelta(days=365))
        day = start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))
        when = max(_office_time(rng, day, cutoff), client["updated_at"])
        kind = "key_client" if client["grade"] == "A" and rng.random() < 0.5 else "routine"
        reached = rng.random() < 0.85
        out.revisits.append(_revisit(rng, len(out.revisits), client, None, kind, when, 1, reached))
    return out


def _client(rng: random.Random, n: int, today: dt.date, cutoff: dt.datetime) -> dict:
    company = rng.random() < 0.25
    registered_at = _office_time(rng, today - dt.timedelta(days=rng.randint(0, 3 * 365)), cutoff)
    registered = registered_at.date()
    name = (
        rng.choice(REGIONS)[:2] + rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_TAILS)
        if company
        else _person(rng)
    )
    return {
        "client_id": f"KH-{registered:%Y%m%d}-{n:04d}",
        "name": name,
        "client_type": "company" if company else "individual",
        "grade": rng.choices("ABCD", weights=(10, 35, 40, 15))[0],
        "contact_person": _person(rng) if company else "",
        "phone": _phone(rng),
        "email": f"user{n}@example.cn" if rng.random() < 0.3 else "",
        "address": f"{rng.choice(REGIONS)}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
        "region": rng.choice(REGIONS),
        "source": rng.choice(["hotline", "walk_in", "web", "referral", "sales", "other"]),
        "owner": rng.choice(STAFF),
        "status": rng.choices(["active", "dormant", "lost"], weights=(80, 15, 5))[0],
        "registered_on": registered,
        "notes": "",
        "updated_at": registered_at,
        "updated_by": rng.choice(STAFF),
    }


def _line(when: dt.datetime, who: str, text: str) -> str:
    return f"{when:%Y-%m-%d %H:%M} {who} {text}"


def _complaint(rng, n, out, today, cutoff, settings) -> tuple[dict, list[str], dict]:
    """One complaint and its story up to `cutoff` (before any follow-up): recent ones still
    being worked on; older ones resolved (mostly within the limit) and fed back; a few stuck
    past their deadline (`STUCK_RECENT` of the last month's, `STUCK_OLD` of older ones).
    Returns (record, progress-log lines, its client)."""
    client = rng.choice(out.clients)
    age_days = int(rng.triangular(0, 365, 0))
    day = max(today - dt.timedelta(days=age_days), client["registered_on"] + dt.timedelta(days=1))
    received = _office_time(rng, min(day, today), cutoff)
    if received < client["updated_at"]:  # never before its client: a client of this morning
        received = min(client["updated_at"] + dt.timedelta(minutes=10), cutoff)
    category = _pick(rng, CATEGORY_WEIGHTS)
    severity = _pick(rng, SEVERITY_WEIGHTS)
    receiver = rng.choice(STAFF)
    handler = rng.choice(STAFF)
    due = compute_due_at(received, severity, settings)
    log = [_line(received, receiver, "receive: 登记投诉")]
    rec = {
        "complaint_id": f"TS-{received:%Y%m%d}-{n:04d}",
        "client_id": client["client_id"],
        "received_at": received,
        "channel": _pick(rng, CHANNEL_WEIGHTS),
        "category": category,
        "severity": severity,
        "description": rng.choice(DESCRIPTIONS[category]),
        "first_receiver": receiver,
        "handler": handler,
        "level": "frontline",
        "status": "received",
        "due_at": due,
        "responsible_staff": rng.choice(STAFF) if category == "attitude" else "",
    }
    late = rng.random() < LATE_SHARE
    span = (due - received) * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.1, 0.95))
    resolved = _in_office_hours((received + span).replace(second=0, microsecond=0), received)
    recent = cutoff - received <= dt.timedelta(days=30)
    stuck = due < cutoff and rng.random() < (STUCK_RECENT if recent else STUCK_OLD)
    started = received + dt.timedelta(minutes=rng.randint(30, 240))
    if stuck or resolved > cutoff:  # still open
        if started <= cutoff and rng.random() < 0.85:
            rec["status"] = "in_progress"
            log.append(_line(started, handler, "progress: 已联系客户了解情况"))
        if stuck:
            rec.update(status="in_progress", level="department")
            log.append(_line(due, handler, "escalate→department: 超出处理时限"))
    else:
        _resolve(rng, rec, log, resolved, cutoff)
    rec["updated_by"] = handler
    return rec, log, client


def _in_office_hours(moment: dt.datetime, after: dt.datetime) -> dt.datetime:
    """Nobody resolves a complaint at 3 a.m.: a moment in the night (18:00–08:00) moves back
    to the same share of the office hours before it (08:00–18:00; earlier, so never past a
    deadline), but never earlier than ten minutes after `after`."""
    if not 8 <= moment.hour < 18:
        back = 1 if moment.hour < 8 else 0
        evening = moment.replace(hour=18, minute=0, second=0) - dt.timedelta(days=back)
        share = (moment - evening) / dt.timedelta(hours=14)
        moment = (evening - (1 - share) * dt.timedelta(hours=10)).replace(second=0, microsecond=0)
    return max(moment, after + dt.timedelta(minutes=10))


def _resolve(rng, rec, log, when: dt.datetime, cutoff: dt.datetime) -> None:
    category = rec["category"]
    feedback = when + dt.timedelta(hours=rng.randint(1, 20))
    rec.update(
        status="resolved",
        resolved_at=when,
        resolution=RESOLUTIONS[category],
        root_cause=ROOT_CAUSES[category],
        corrective_action=ACTIONS[category] if rng.random() < 0.6 else "",
        feedback_at=feedback if feedback <= cutoff else None,
        verified=rng.choice(["yes", "yes", "no", ""]),
    )
    log.append(_line(when, rec["handler"], f"resolve: {RESOLUTIONS[category]}"))
    if rec["feedback_at"]:
        log.append(_line(feedback, rec["handler"], "feedback: 已电话告知客户处理结果"))


def _follow_up(rng, rec, client, out, log, cutoff, budget, *, may_reopen: bool) -> None:
    """Follow-up calls for a resolved complaint, by someone other than its handler and first
    receiver: closed once the client is reached and satisfied; reopened and escalated when
    not — and then resolved again and followed up once more, if there was time."""
    when = rec["feedback_at"] + dt.timedelta(days=rng.randint(1, 3))
    for attempt in (1, 2, 3):
        if when > cutoff or budget[0] <= 0:
            return
        reached = rng.random() < 0.8
        unhappy = may_reopen and reached and rng.random() < 0.08
        others = [s for s in STAFF if s not in (rec["handler"], rec["first_receiver"])]
        call = (rec["complaint_id"], "complaint_followup", when, attempt, reached, unhappy)
        visit = _revisit(rng, len(out.revisits), client, *call, staff=rng.choice(others))
        out.revisits.append(visit)
        budget[0] -= 1
        staff = visit["staff"]
        if reached and unhappy:
            rec.update(status="in_progress", level="department")
            rec.pop("resolved_at", None)
            log.append(_line(when, staff, "reopen: 回访客户表示问题未解决"))
            log.append(_line(when, staff, "escalate→department: 回访不满意，升级处理"))
            again = (when + dt.timedelta(days=rng.uniform(1, 4))).replace(second=0, microsecond=0)
            again = _in_office_hours(again, when)
            if again + dt.timedelta(days=1) <= cutoff:
                _resolve(rng, rec, log, again, cutoff)
                if rec.get("feedback_at"):
                    _follow_up(rng, rec, client, out, log, cutoff, budget, may_reopen=False)
            return
        if reached:
            rec["status"] = "closed"
            rec["closed_at"] = min(when + dt.timedelta(minutes=10), cutoff)
            log.append(_line(rec["closed_at"], staff, "close: 回访确认已解决"))
            return
        log.append(_line(when, staff, f"revisit: 第{attempt}次回访未联系上"))
        when += dt.timedelta(days=1)


def _revisit(rng, n, client, complaint_id, kind, when, attempt, reached, unhappy=False, staff=""):
    score = None
    attitude = solved = ""
    if reached:
        if unhappy:
            score, attitude, solved = rng.randint(2, 5), "unsatisfied", "no"
        else:
            score = rng.choices(range(1, 11), weights=(1, 1, 1, 2, 3, 5, 12, 25, 28, 22))[0]
            attitude = "satisfied" if score >= 7 else ("average" if score >= 5 else "unsatisfied")
            solved = "yes" if kind == "complaint_followup" else rng.choice(["yes", ""])
    if not staff:
        staff = client["owner"] if rng.random() < 0.7 else rng.choice(STAFF)
    return {
        "revisit_id": f"HF-{when:%Y%m%d}-{n:04d}",
        "client_id": client["client_id"],
        "complaint_id": complaint_id or "",
        "kind": kind,
        "done_at": when,
        "method": rng.choices(
            ["phone", "sms", "visit", "in_store", "email"], weights=(70, 10, 10, 5, 5)
        )[0],
        "staff": staff,
        "attempt": attempt,
        "reached": "yes" if reached else "no",
        "solved": solved,
        "attitude": attitude,
        "charged": rng.choice(["no", "no", "no", "yes"]) if reached else "",
        "score": score,
        "suggestions": rng.choice(SUGGESTIONS) if reached else "",
        "next_revisit_on": None,
        "updated_at": when,
        "updated_by": client["owner"],
    }


__all__ = [
    "CUTOFF_TIME",
    "FOLLOWUP_SHARE",
    "LATE_SHARE",
    "STUCK_OLD",
    "STUCK_RECENT",
    "DemoData",
    "generate",
]
