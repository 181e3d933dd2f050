"""Revisit queues: complaint follow-ups waiting to reach the client, and routine revisits due by
client grade; plus what a recorded follow-up does to its complaint.

The seeds' rules: a complaint's follow-up is made by someone other than its handler and first
receiver (`workflow.is_independent`; a one-person desk may relax it); a round of follow-up
calls starts at the complaint's latest resolution and has at most `workflow.attempt_limit`
unreached calls; key clients (grade A) get key-client revisits, new clients a first contact
within `Settings.first_contact_days` of registration, dormant and lost clients a revisit every
`Settings.cadence_inactive_days` (to win them back), and a date the client asked for
(`next_revisit_on`) brings the revisit forward.

Pure and vectorised over the store's frames (field-name columns, "" for blank text, NaT for
blank dates): no per-row Python loops, so the queues stay fast on tens of thousands of rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from utils import progress_log as plog
from utils.i18n import t
from utils.settings import Settings
from utils.workflow import (
    ATTEMPT_CAP,
    DONE_STATUSES,
    FOLLOWUP,
    as_datetime,
    attempt_limit,
    clean_text,
    datetime_column,
    followup_summary,
    is_independent,
    is_key_grade,
    level_of,
    next_level,
    reopened,
    status_of,
    status_values,
)

FOLLOWUP_COLUMNS = [
    "complaint_id",
    "client_id",
    "handler",
    "first_receiver",
    "severity",
    "category",
    "resolved_at",
    "attempts",
    "next_attempt",
    "last_attempt_at",
    "unreachable",
]
ROUTINE_COLUMNS = [
    "client_id",
    "name",
    "grade",
    "owner",
    "last_reached",
    "due_on",
    "days_late",
    "late",
    "kind",
]
KEY_CLIENT = "key_client"  # the revisit kind of a key client's routine revisit
INACTIVE = ("dormant", "lost")  # client statuses revisited to win them back


def _since(resolved_at: dt.datetime | dt.date | None) -> pd.DataFrame:
    return pd.DataFrame({"resolved_at": datetime_column([as_datetime(resolved_at)])})


def followup_attempts(
    complaint_id: str, revisits: pd.DataFrame, since: dt.datetime | None = None
) -> int:
    """Unreached follow-up calls recorded for the complaint (made since `since`, its latest
    resolution, to the minute, when given). Typed attempt numbers count for nothing: only the
    records do."""
    one = _since(since).assign(complaint_id=[clean_text(complaint_id)])
    return int(followup_summary(one, revisits)["attempts"].iloc[0])


def next_attempt(
    complaint_id: str, revisits: pd.DataFrame, since: dt.datetime | None = None
) -> int:
    """The attempt number for the next follow-up call (1, 2, 3; never above what the revisits
    tab accepts — `operations.record_revisit` refuses an unreached call beyond the limit)."""
    return min(followup_attempts(complaint_id, revisits, since) + 1, ATTEMPT_CAP)


def followup_queue(
    complaints: pd.DataFrame, revisits: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """Resolved complaints with no follow-up that reached the client since their latest
    resolution (made by someone other than their handler and first receiver, unless
    `settings.followup_by_anyone`), oldest resolution first. `attempts` counts the unreached
    calls recorded so far; `unreachable` is True once they reach `workflow.attempt_limit` (a
    manager may then close it)."""
    resolved = complaints.loc[status_values(complaints["status"]) == "resolved"].copy()
    resolved["complaint_id"] = resolved["complaint_id"].fillna("").astype(str).str.strip()
    resolved = resolved.drop_duplicates("complaint_id")
    summary = followup_summary(resolved, revisits, independent=not settings.followup_by_anyone)
    waiting = resolved.join(summary, on="complaint_id")
    waiting = waiting.loc[~waiting["reached"].astype(bool)].copy()
    waiting["attempts"] = waiting["attempts"].astype("int64")
    waiting["next_attempt"] = np.minimum(waiting["attempts"] + 1, ATTEMPT_CAP)
    waiting["unreachable"] = waiting["attempts"] >= attempt_limit(settings)
    waiting = waiting.sort_values("resolved_at", kind="stable", na_position="first")
    return waiting[FOLLOWUP_COLUMNS].reset_index(drop=True)


def _cadence(grade: pd.Series, settings: Settings) -> pd.Series:
    """Days between routine revisits for each grade; blank or unknown grade → D's cadence."""
    cadence = pd.Series(settings.cadence_days, dtype="int64")
    default = int(cadence.get("D", cadence.max() if len(cadence) else 365))
    pos = cadence.index.get_indexer(grade.fillna("").astype(str).str.strip())
    days = np.where(pos >= 0, cadence.to_numpy()[pos], default)
    return pd.Series(pd.to_timedelta(days, unit="D"), index=grade.index)


def _requested(revisits: pd.DataFrame) -> pd.Series:
    """Per client: the `next_revisit_on` of their latest revisit (of any kind, reached or
    not), when that revisit set one."""
    if "next_revisit_on" not in revisits.columns:
        return pd.Series(dtype="datetime64[ns]", name="requested_on")
    rows = revisits.loc[revisits["done_at"].notna(), ["client_id", "done_at", "next_revisit_on"]]
    if rows.empty:
        return pd.Series(dtype="datetime64[ns]", name="requested_on")
    rows = rows.assign(client_id=rows["client_id"].fillna("").astype(str).str.strip())
    latest = rows.sort_values("done_at", kind="stable").drop_duplicates("client_id", keep="last")
    asked = pd.to_datetime(latest.set_index("client_id")["next_revisit_on"]).dt.normalize()
    return asked.dropna().astype("datetime64[ns]").rename("requested_on")


def routine_queue(
    clients: pd.DataFrame, revisits: pd.DataFrame, today: dt.date, settings: Settings
) -> pd.DataFrame:
    """Clients due or late for a routine revisit, most overdue first. Due = the last revisit
    of any kind that reached the client + a cadence in calendar days: the grade's for active
    clients (blank status counts as active; blank/unknown grade → D), `cadence_inactive_days`
    for dormant and lost ones (so they are won back). A client never reached is due
    `first_contact_days` after registration (a new client's first contact), or after the
    inactive cadence when dormant or lost; a client with no date at all is due today. A
    `next_revisit_on` set on the client's latest revisit brings the due day forward. `kind`:
    key_client for grade A (the key-client revisit, by their owner), else routine."""
    status = clients["status"].fillna("").astype(str).str.strip()
    keep = ["client_id", "name", "grade", "owner", "registered_on"]
    active = clients.loc[:, keep].copy()
    active["client_id"] = active["client_id"].fillna("").astype(str).str.strip()
    reached = revisits.loc[revisits["reached"] == "yes", ["client_id", "done_at"]]
    last = reached.groupby(reached["client_id"].astype(str).str.strip())["done_at"].max()
    last = pd.to_datetime(last).astype("datetime64[ns]").rename("last_reached")
    active = active.merge(last, left_on="client_id", right_index=True, how="left")
    inactive = status.isin(INACTIVE).to_numpy()
    cadence = _cadence(active["grade"], settings)
    cadence[inactive] = pd.Timedelta(days=int(settings.cadence_inactive_days))
    first = pd.Series(pd.Timedelta(days=int(settings.first_contact_days)), index=active.index)
    first[inactive] = pd.Timedelta(days=int(settings.cadence_inactive_days))
    registered = pd.to_datetime(active["registered_on"]).dt.normalize()
    due = (active["last_reached"].dt.normalize() + cadence).fillna(registered + first)
    requested = _requested(revisits).reindex(active["client_id"].to_numpy())
    asked = pd.Series(requested.to_numpy(dtype="datetime64[ns]"), index=active.index)
    due = due.where(~(asked.notna() & (due.isna() | (asked < due))), asked)
    active["due_on"] = due.fillna(pd.Timestamp(today)).astype("datetime64[ns]")
    active["days_late"] = (pd.Timestamp(today) - active["due_on"]).dt.days.astype("int64")
    active["late"] = active["days_late"] > 0
    active["kind"] = np.where(active["grade"].map(is_key_grade).astype(bool), KEY_CLIENT, "routine")
    due_now = active.loc[active["days_late"] >= 0]
    due_now = due_now.sort_values("days_late", ascending=False, kind="stable")
    return due_now[ROUTINE_COLUMNS].reset_index(drop=True)


def _matches(column: pd.Series, staff: str) -> pd.Series:
    return column.fillna("").astype(str).str.strip().str.casefold() == clean_text(staff).casefold()


def routine_for(queue: pd.DataFrame, staff: str) -> pd.DataFrame:
    """The routine queue rows of clients `staff` owns (客服负责人): key clients' revisits
    included — they go to the client's owner."""
    return queue.loc[_matches(queue["owner"], staff)].reset_index(drop=True)


def followups_for(
    queue: pd.DataFrame, staff: str, settings: Settings | None = None
) -> pd.DataFrame:
    """The follow-up queue rows offered to `staff`: every complaint they neither handle nor
    first received (the seeds: the revisit is someone else's). On a one-person desk
    (`settings.followup_by_anyone`): the complaints they handle or first received."""
    own = _matches(queue["handler"], staff) | _matches(queue["first_receiver"], staff)
    if settings is not None and settings.followup_by_anyone:
        return queue.loc[own].reset_index(drop=True)
    return queue.loc[~own].reset_index(drop=True)


def _reopen_reason(revisit: dict, lang: str) -> str:
    not_solved = clean_text(revisit.get("solved")) == "no"
    unsatisfied = clean_text(revisit.get("attitude")) == "unsatisfied"
    key = "both" if not_solved and unsatisfied else "not_solved" if not_solved else "unsatisfied"
    return t(f"workflow.log.followup_{key}", lang, revisit_id=clean_text(revisit.get("revisit_id")))


def _attempt_number(complaint: dict, revisit: dict, revisits: pd.DataFrame) -> int:
    """This unreached call's number: the unreached calls recorded before it since the latest
    resolution, plus one (a typed number is not believed)."""
    rid = clean_text(revisit.get("revisit_id"))
    others = revisits
    if rid:
        others = revisits.loc[revisits["revisit_id"].astype(str).str.strip() != rid]
    earlier = followup_attempts(
        clean_text(complaint.get("complaint_id")), others, as_datetime(complaint.get("resolved_at"))
    )
    return earlier + 1


def revisit_effects(
    complaint: dict,
    revisit: dict,
    revisits: pd.DataFrame,
    *,
    actor: str,
    now: dt.datetime,
    settings: Settings,
    lang: str = "en",
) -> dict:
    """The changes a just-recorded follow-up makes to its complaint ({} when none):
    reached, solved and not unsatisfied → closed (resolved complaints only; not when the
    follow-up was made by the complaint's handler or first receiver, `workflow.is_independent`);
    reached and not solved or unsatisfied → reopened to in_progress and escalated one level
    (resolved or closed complaints, whoever heard it); the last unreached call allowed
    (`workflow.attempt_limit`, counted from the records) → a log line flagging it for a
    manager. `revisits` may or may not already hold `revisit`; `lang` is the language of the
    log lines (the sheet's: verbs, levels and text)."""
    if clean_text(revisit.get("kind")) != FOLLOWUP:
        return {}
    if clean_text(revisit.get("complaint_id")) != clean_text(complaint.get("complaint_id")):
        return {}
    status = status_of(complaint)
    rid = clean_text(revisit.get("revisit_id"))
    log = complaint.get("progress_log")
    if clean_text(revisit.get("reached")) == "yes":
        solved = clean_text(revisit.get("solved"))
        unhappy = solved == "no" or clean_text(revisit.get("attitude")) == "unsatisfied"
        if unhappy and status in DONE_STATUSES:
            reason = _reopen_reason(revisit, lang)
            changes, detail = reopened(complaint, now, settings, reason, lang)
            level = next_level(level_of(complaint))
            if level is None:
                reason = f"{reason}; {t('workflow.log.already_top', lang)}"
                detail = f"{detail}; {t('workflow.log.already_top', lang)}"
            log = plog.append(log, plog.line(now, actor, "reopen", detail, lang=lang))
            if level is not None:
                changes["level"] = level
                line = plog.line(now, actor, "escalate", reason, target=level, lang=lang)
                log = plog.append(log, line)
            changes["progress_log"] = log
            return changes
        staff = clean_text(revisit.get("staff")) or actor
        independent = is_independent(complaint, staff, settings)
        if solved == "yes" and not unhappy and status == "resolved" and independent:
            detail = t("workflow.log.closed_after", lang, revisit_id=rid)
            return {
                "status": "closed",
                "closed_at": now,
                "progress_log": plog.append(log, plog.line(now, actor, "close", detail, lang=lang)),
            }
        return {}
    if status != "resolved":
        return {}
    attempt = _attempt_number(complaint, revisit, revisits)
    if attempt < attempt_limit(settings):
        return {}
    detail = t("workflow.log.unreachable", lang, revisit_id=rid, attempts=attempt)
    line = plog.line(now, actor, "unreachable", detail, lang=lang)
    return {"progress_log": plog.append(log, line)}
