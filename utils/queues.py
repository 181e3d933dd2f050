"""Revisit queues: complaint follow-ups waiting to reach the client, and routine revisits due by
client grade; plus what a recorded follow-up does to its complaint.

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
    clean_text,
    datetime_column,
    followup_summary,
    level_of,
    next_level,
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
]


def _since(resolved_at: dt.datetime | dt.date | None) -> pd.DataFrame:
    return pd.DataFrame({"resolved_at": datetime_column([as_datetime(resolved_at)])})


def followup_attempts(
    complaint_id: str, revisits: pd.DataFrame, since: dt.datetime | None = None
) -> int:
    """Unreached follow-up attempts for the complaint (made on or after the day `since`, its
    resolution, when given): their count or the highest attempt number, whichever is larger."""
    one = _since(since).assign(complaint_id=[clean_text(complaint_id)])
    return int(followup_summary(one, revisits)["attempts"].iloc[0])


def next_attempt(
    complaint_id: str, revisits: pd.DataFrame, since: dt.datetime | None = None
) -> int:
    """The attempt number for the next follow-up call (1, 2, 3; never above what the revisits
    tab accepts)."""
    return min(followup_attempts(complaint_id, revisits, since) + 1, ATTEMPT_CAP)


def followup_queue(
    complaints: pd.DataFrame, revisits: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """Resolved complaints with no follow-up that reached the client since they were resolved,
    oldest resolution first. `attempts` counts the unreached tries so far; `unreachable` is
    True once attempts reach `settings.max_attempts` (a manager may then close it)."""
    resolved = complaints.loc[status_values(complaints["status"]) == "resolved"].copy()
    resolved["complaint_id"] = resolved["complaint_id"].fillna("").astype(str).str.strip()
    resolved = resolved.drop_duplicates("complaint_id")
    summary = followup_summary(resolved, revisits)
    waiting = resolved.join(summary, on="complaint_id")
    waiting = waiting.loc[~waiting["reached"].astype(bool)].copy()
    waiting["attempts"] = waiting["attempts"].astype("int64")
    waiting["next_attempt"] = np.minimum(waiting["attempts"] + 1, ATTEMPT_CAP)
    waiting["unreachable"] = waiting["attempts"] >= settings.max_attempts
    waiting = waiting.sort_values("resolved_at", kind="stable", na_position="first")
    return waiting[FOLLOWUP_COLUMNS].reset_index(drop=True)


def _cadence(grade: pd.Series, settings: Settings) -> pd.Series:
    """Days between routine revisits for each grade; blank or unknown grade → D's cadence."""
    cadence = pd.Series(settings.cadence_days, dtype="int64")
    default = int(cadence.get("D", cadence.max() if len(cadence) else 365))
    pos = cadence.index.get_indexer(grade.fillna("").astype(str).str.strip())
    days = np.where(pos >= 0, cadence.to_numpy()[pos], default)
    return pd.Series(pd.to_timedelta(days, unit="D"), index=grade.index)


def routine_queue(
    clients: pd.DataFrame, revisits: pd.DataFrame, today: dt.date, settings: Settings
) -> pd.DataFrame:
    """Active clients (blank status counts as active) due or late for a routine revisit: the
    grade's cadence in calendar days (blank/unknown grade → D) counted from the last revisit of
    any kind that reached the client, else from registered_on; a client with neither is due
    today. Most overdue first."""
    status = clients["status"].fillna("").astype(str).str.strip()
    keep = ["client_id", "name", "grade", "owner", "registered_on"]
    active = clients.loc[status.isin(["active", ""]), keep].copy()
    active["client_id"] = active["client_id"].fillna("").astype(str).str.strip()
    reached = revisits.loc[revisits["reached"] == "yes", ["client_id", "done_at"]]
    last = reached.groupby(reached["client_id"].astype(str).str.strip())["done_at"].max()
    last = pd.to_datetime(last).astype("datetime64[ns]").rename("last_reached")
    active = active.merge(last, left_on="client_id", right_index=True, how="left")
    base = active["last_reached"].dt.normalize()
    base = base.fillna(pd.to_datetime(active["registered_on"]).dt.normalize())
    active["due_on"] = (base + _cadence(active["grade"], settings)).fillna(pd.Timestamp(today))
    active["days_late"] = (pd.Timestamp(today) - active["due_on"]).dt.days.astype("int64")
    active["late"] = active["days_late"] > 0
    due_now = active.loc[active["days_late"] >= 0]
    due_now = due_now.sort_values("days_late", ascending=False, kind="stable")
    return due_now[ROUTINE_COLUMNS].reset_index(drop=True)


def _matches(column: pd.Series, staff: str) -> pd.Series:
    return column.fillna("").astype(str).str.strip().str.casefold() == clean_text(staff).casefold()


def routine_for(queue: pd.DataFrame, staff: str) -> pd.DataFrame:
    """The routine queue rows of clients `staff` owns (客服负责人)."""
    return queue.loc[_matches(queue["owner"], staff)].reset_index(drop=True)


def followups_for(queue: pd.DataFrame, staff: str) -> pd.DataFrame:
    """The follow-up queue rows `staff` handles or first received (首问负责)."""
    mine = _matches(queue["handler"], staff) | _matches(queue["first_receiver"], staff)
    return queue.loc[mine].reset_index(drop=True)


def _reopen_reason(revisit: dict, lang: str) -> str:
    not_solved = clean_text(revisit.get("solved")) == "no"
    unsatisfied = clean_text(revisit.get("attitude")) == "unsatisfied"
    key = "both" if not_solved and unsatisfied else "not_solved" if not_solved else "unsatisfied"
    return t(f"workflow.log.followup_{key}", lang, revisit_id=clean_text(revisit.get("revisit_id")))


def _attempt_number(complaint: dict, revisit: dict, revisits: pd.DataFrame) -> int:
    """This unreached attempt's number: as typed, or the earlier unreached ones plus one."""
    rid = clean_text(revisit.get("revisit_id"))
    others = revisits
    if rid:
        others = revisits.loc[revisits["revisit_id"].astype(str).str.strip() != rid]
    earlier = followup_attempts(
        clean_text(complaint.get("complaint_id")), others, as_datetime(complaint.get("resolved_at"))
    )
    typed = revisit.get("attempt")
    typed = int(typed) if typed is not None and not pd.isna(typed) else 0
    return max(typed, earlier + 1)


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
    reached, solved and not unsatisfied → closed (resolved complaints only); reached and not
    solved or unsatisfied → reopened to in_progress and escalated one level (resolved or closed
    complaints); not reached on attempt ≥ max_attempts → a log line flagging it for a manager.
    `revisits` may or may not already hold `revisit`; `lang` is the language of the log text."""
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
            changes: dict = {"status": "in_progress"}
            if as_datetime(complaint.get("closed_at")) is not None:
                changes["closed_at"] = None
            level = next_level(level_of(complaint))
            if level is None:
                reason = f"{reason}; {t('workflow.log.already_top', lang)}"
            log = plog.append(log, plog.line(now, actor, "reopen", reason))
            if level is not None:
                changes["level"] = level
                log = plog.append(log, plog.line(now, actor, "escalate", reason, target=level))
            changes["progress_log"] = log
            return changes
        if solved == "yes" and not unhappy and status == "resolved":
            detail = t("workflow.log.closed_after", lang, revisit_id=rid)
            return {
                "status": "closed",
                "closed_at": now,
                "progress_log": plog.append(log, plog.line(now, actor, "close", detail)),
            }
        return {}
    if status != "resolved":
        return {}
    attempt = _attempt_number(complaint, revisit, revisits)
    if attempt < settings.max_attempts:
        return {}
    detail = t("workflow.log.unreachable", lang, revisit_id=rid, attempts=attempt)
    return {"progress_log": plog.append(log, plog.line(now, actor, "unreachable", detail))}
