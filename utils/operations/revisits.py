"""Recording a revisit and applying what a follow-up does to its complaint (close it, reopen and
escalate it, or flag it after the last unreached call): `record_revisit`, its outcome, and the
follow-up figures a revisit form shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from utils import workflow as wf
from utils.auth import User
from utils.errors import ConflictError, RecordNotFound, WorkflowError
from utils.queues import revisit_effects
from utils.settings import Settings
from utils.store import SaveResult, Store
from utils.workflow import FOLLOWUP, clean_text

# the questionnaire: meaningless when the client was not reached
ANSWERS = ("solved", "attitude", "charged", "score", "suggestions")


@dataclass
class RevisitOutcome:
    revisit: SaveResult
    complaint: SaveResult | None = None
    # "", "closed", "reopened", "unreachable"; "not_independent": a solved follow-up made by
    # the complaint's handler or first receiver, recorded but not closing it (complaint None)
    effect: str = ""
    level: str = ""  # the complaint's level after a reopen-and-escalate


def followup_state(
    complaint: dict, revisits: pd.DataFrame, settings: Settings | None = None
) -> dict:
    """The complaint's follow-ups since its latest resolution: `reached` (one reached the
    client), `closable` (the latest reached one says solved and not unsatisfied),
    `closing_revisit`, `attempts` (unreached calls recorded so far). With `settings`, only
    follow-ups that may close it count as reached (`workflow.is_independent`)."""
    row = wf.followup_state(complaint, revisits, settings)
    return {
        "reached": bool(row["reached"]),
        "closable": bool(row["closable"]),
        "closing_revisit": str(row["closing_revisit"]),
        "attempts": int(row["attempts"]),
    }


def followup_attempt(complaint: dict, revisits: pd.DataFrame) -> int:
    """The number of the next follow-up call on this complaint: the unreached calls recorded
    since its latest resolution + 1 (shown at most as `workflow.ATTEMPT_CAP`)."""
    return min(wf.followup_calls(complaint, revisits) + 1, wf.ATTEMPT_CAP)


def revisit_kind_for(grade: str) -> str:
    """A routine revisit of a key client (grade A) is a key-client revisit."""
    return "key_client" if clean_text(grade) == "A" else "routine"


def _effect(changes: dict) -> str:
    if not changes:
        return ""
    if changes.get("status") == "closed":
        return "closed"
    if changes.get("status") == "in_progress":
        return "reopened"
    return "unreachable"


def record_revisit(
    store: Store,
    values: dict,
    *,
    user: User,
    when: dt.datetime,
    settings: Settings,
    lang: str,
) -> RevisitOutcome:
    """Record a revisit made by `user` (its staff is who is signed in), then apply what a
    follow-up does to its complaint (`utils.queues.revisit_effects`): close it, reopen and
    escalate it, or flag it for a manager after the last unreached attempt.

    A follow-up's attempt number comes from the records (unreached calls since the latest
    resolution + 1; a typed one is ignored); once `workflow.attempt_limit` calls went
    unanswered another unreached call is refused (`WorkflowError`: a manager may now close
    it). A solved follow-up by the complaint's handler or first receiver is recorded but does
    not close it (effect "not_independent"). When the client was not reached the
    questionnaire answers are dropped; blank done_at → `when`. `lang` is the person's; what
    is written in the complaint's log is in the sheet's language. Raises `InvalidRecord`
    (problems by field) before anything is saved, or `RecordNotFound` when the follow-up names
    a complaint that does not exist."""
    record = dict(values)
    record["staff"] = user.name
    if record.get("done_at") in (None, ""):
        record["done_at"] = when
    if clean_text(record.get("reached")) == "no":
        for name in ANSWERS:
            record[name] = None
    complaint = None
    complaint_id = clean_text(record.get("complaint_id"))
    if clean_text(record.get("kind")) == FOLLOWUP and complaint_id:
        complaint = store.current("complaints", complaint_id)
        if complaint is None:
            raise RecordNotFound(tab="complaints", record_id=complaint_id)
        record["client_id"] = clean_text(record.get("client_id")) or clean_text(
            complaint.get("client_id")
        )
        attempts = wf.followup_calls(complaint, store.read().revisits)
        most = wf.attempt_limit(settings)
        unreached = clean_text(record.get("reached")) != "yes"
        if unreached and wf.status_of(complaint) == "resolved" and attempts >= most:
            raise WorkflowError("workflow.attempts_exhausted", complaint_id=complaint_id, max=most)
        # the number as recorded (a reached call after the last allowed one has none)
        record["attempt"] = attempts + 1 if attempts < wf.ATTEMPT_CAP else None
    elif record.get("attempt") in (None, ""):
        record["attempt"] = 1
    saved = store.append("revisits", record, user=user.name)
    if complaint is None:
        return RevisitOutcome(saved)
    own = not wf.is_independent(complaint, user.name, settings)
    for _ in range(2):  # once more if the complaint changed in the same moment
        changes = revisit_effects(
            complaint,
            saved.record,
            store.read().revisits,
            actor=user.name,
            now=when,
            settings=settings,
            lang=store.sheet_lang(),
        )
        if not changes:
            solved = clean_text(saved.record.get("solved")) == "yes"
            happy = clean_text(saved.record.get("attitude")) != "unsatisfied"
            reached = clean_text(saved.record.get("reached")) == "yes"
            resolved = wf.status_of(complaint) == "resolved"
            if own and reached and solved and happy and resolved:
                return RevisitOutcome(saved, effect="not_independent")
            return RevisitOutcome(saved)
        try:
            result = store.update(
                "complaints",
                complaint_id,
                changes,
                user=user.name,
                seen=complaint,
            )
        except ConflictError as err:
            complaint = err.theirs
            continue
        return RevisitOutcome(saved, result, _effect(changes), clean_text(changes.get("level")))
    return RevisitOutcome(saved)
