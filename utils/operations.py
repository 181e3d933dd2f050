"""What the staff pages do to the data, as plain functions over a store: register a client, edit
a record, log a complaint, take a workflow action, record a revisit (and apply what it does to
its complaint), and say whether a save is in the spreadsheet yet.

No streamlit here. The rules come from `utils.workflow` and `utils.queues`; this module only
puts them together with the store's saves. Errors are `SheetdeskError`s (`InvalidRecord` with
problems by field, `ConflictError` with both versions, `WorkflowError`, `RecordNotFound`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheets_schema.tables import TABLES
from utils import workflow as wf
from utils.auth import User
from utils.errors import ConflictError, RecordNotFound
from utils.forms import changed_fields
from utils.queues import next_attempt, revisit_effects
from utils.settings import Settings
from utils.store import SaveResult, Store
from utils.workflow import FOLLOWUP, clean_text

# the questionnaire: meaningless when the client was not reached
ANSWERS = ("solved", "attitude", "charged", "score", "suggestions")


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --- clients --------------------------------------------------------------------------------


def new_client_defaults(actor: str, today: dt.date) -> dict:
    """What a new client's form starts with: an active individual, owned by whoever registers
    them, registered today."""
    return {"client_type": "individual", "status": "active", "owner": clean_text(actor),
            "registered_on": today}  # fmt: skip


def add_client(store: Store, values: dict, *, actor: str, today: dt.date) -> SaveResult:
    """Register a client. Blank owner → the person registering; blank status → active; blank
    registration date → today. Raises `InvalidRecord` (problems by field)."""
    record = {k: v for k, v in values.items() if k != "client_id"}
    if not clean_text(record.get("owner")):
        record["owner"] = clean_text(actor)
    if not clean_text(record.get("status")):
        record["status"] = "active"
    if record.get("registered_on") in (None, ""):
        record["registered_on"] = today
    return store.append("clients", record, user=actor)


def edit_record(
    store: Store, tab: str, basis: dict, edited: dict, *, actor: str, force: bool = False
) -> SaveResult | None:
    """Save the fields of `edited` that differ from `basis` (the version the form was filled
    from). None when nothing changed. Raises `ConflictError` when the row changed in the
    spreadsheet since `basis` — its `mine` is `basis` with the user's changes — unless
    `force` (the user saw both versions and keeps theirs: only their changed fields are
    written, the rest of the row stays as the spreadsheet has it)."""
    record_id = basis[TABLES[tab].id_field]
    changes = changed_fields(tab, basis, edited)
    if not changes:
        return None
    try:
        return store.update(tab, record_id, changes, expected_updated_at=basis.get("updated_at"),
                            user=actor, force=force)  # fmt: skip
    except ConflictError as err:
        raise ConflictError(tab, record_id, mine={**basis, **changes}, theirs=err.theirs) from err


# --- complaints -----------------------------------------------------------------------------


def log_complaint(
    store: Store,
    *,
    client_id: str,
    channel: str,
    category: str,
    severity: str,
    description: str,
    actor: str,
    when: dt.datetime,
    settings: Settings,
) -> SaveResult:
    """A new complaint: the logger is its first receiver, due_at from severity in working
    days. Raises `WorkflowError` (no description) or `InvalidRecord`."""
    fields = wf.new_complaint_fields(client_id, channel, category, severity, description, actor,
                                     when, settings)  # fmt: skip
    return store.append("complaints", fields, user=actor)


def action_changes(
    action: str,
    complaint: dict,
    params: dict,
    *,
    user: User,
    when: dt.datetime,
    settings: Settings,
    revisits: pd.DataFrame,
    lang: str,
) -> dict:
    """The fields a workflow action changes (`utils.workflow`), from the form's `params`:
    handler (assign), reason (escalate, close, reopen), note (record_progress,
    record_feedback), resolution/root_cause/corrective_action (resolve)."""
    common: dict[str, Any] = {"actor": user.name, "now": when, "role": user.role}
    text = {k: clean_text(v) for k, v in params.items()}
    if action == "assign":
        return wf.assign(complaint, handler=text.get("handler", ""), **common)
    if action == "escalate":
        return wf.escalate(complaint, reason=text.get("reason", ""), **common)
    if action == "record_progress":
        return wf.record_progress(complaint, note=text.get("note", ""), **common)
    if action == "resolve":
        return wf.resolve(complaint, resolution=text.get("resolution", ""),
                          root_cause=text.get("root_cause", ""),
                          corrective_action=text.get("corrective_action", ""), **common)  # fmt: skip
    if action == "record_feedback":
        return wf.record_feedback(complaint, note=text.get("note", ""), **common)
    if action == "close":
        return wf.close(complaint, revisits=revisits, settings=settings,
                        reason=text.get("reason", ""), lang=lang, **common)  # fmt: skip
    if action == "reopen":
        return wf.reopen(complaint, reason=text.get("reason", ""), **common)
    raise ValueError(f"unknown action {action!r}")


def apply_action(
    store: Store,
    action: str,
    complaint: dict,
    params: dict,
    *,
    user: User,
    when: dt.datetime,
    settings: Settings,
    revisits: pd.DataFrame,
    lang: str,
) -> SaveResult:
    """Take a workflow action on `complaint` (the version the user saw) and save it. Raises
    `WorkflowError` when the action is not allowed now, `ConflictError` when the row changed
    in the spreadsheet since (`mine` = the user's version). To keep the user's action after a
    conflict, call again with the spreadsheet's version: the action is then taken on top of
    it (the progress log keeps both people's lines), and refused if no longer allowed."""
    changes = action_changes(action, complaint, params, user=user, when=when, settings=settings,
                             revisits=revisits, lang=lang)  # fmt: skip
    record_id = clean_text(complaint.get("complaint_id"))
    try:
        return store.update("complaints", record_id, changes, user=user.name,
                            expected_updated_at=complaint.get("updated_at"))  # fmt: skip
    except ConflictError as err:
        raise ConflictError("complaints", record_id, mine={**complaint, **changes},
                            theirs=err.theirs) from err  # fmt: skip


# --- revisits -------------------------------------------------------------------------------


@dataclass
class RevisitOutcome:
    revisit: SaveResult
    complaint: SaveResult | None = None
    effect: str = ""  # "", "closed", "reopened", "unreachable"
    level: str = ""  # the complaint's level after a reopen-and-escalate


def followup_attempt(complaint: dict, revisits: pd.DataFrame) -> int:
    """The attempt number of the next follow-up call on this complaint (counted since it was
    resolved)."""
    return next_attempt(clean_text(complaint.get("complaint_id")), revisits,
                        wf.as_datetime(complaint.get("resolved_at")))  # fmt: skip


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
    actor: str,
    when: dt.datetime,
    settings: Settings,
    lang: str,
) -> RevisitOutcome:
    """Record a revisit made by `actor`, then apply what a follow-up does to its complaint
    (`utils.queues.revisit_effects`): close it, reopen and escalate it, or flag it for a
    manager after the last unreached attempt.

    A follow-up's attempt number is filled in (unreached attempts since the resolution + 1);
    when the client was not reached the questionnaire answers are dropped; blank done_at →
    `when`. Raises `InvalidRecord` (problems by field) before anything is saved, or
    `RecordNotFound` when the follow-up names a complaint that does not exist."""
    record = dict(values)
    record["staff"] = clean_text(actor)
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
            complaint.get("client_id"))  # fmt: skip
        record["attempt"] = followup_attempt(complaint, store.read().revisits)
    elif record.get("attempt") in (None, ""):
        record["attempt"] = 1
    saved = store.append("revisits", record, user=actor)
    if complaint is None:
        return RevisitOutcome(saved)
    for _ in range(2):  # once more if the complaint changed in the same moment
        changes = revisit_effects(complaint, saved.record, store.read().revisits, actor=actor,
                                  now=when, settings=settings, lang=lang)  # fmt: skip
        if not changes:
            return RevisitOutcome(saved)
        try:
            result = store.update("complaints", complaint_id, changes, user=actor,
                                  expected_updated_at=complaint.get("updated_at"))  # fmt: skip
        except ConflictError as err:
            complaint = err.theirs
            continue
        return RevisitOutcome(saved, result, _effect(changes), clean_text(changes.get("level")))
    return RevisitOutcome(saved)


# --- is it in the spreadsheet yet? ------------------------------------------------------------


def save_state(store: Store, tab: str, record_id: str) -> tuple[str, str]:
    """("written", "") once the save is in the spreadsheet; ("pending", why) while it waits in
    the queue (why = "" while simply being written); ("conflict", why) when it could not be
    written because the row changed meanwhile."""
    for op in store.queue.ops():
        if op.tab == tab and op.record_id == record_id:
            return "pending", op.error
    for op in store.queue.conflicts():
        if op.tab == tab and op.record_id == record_id:
            return "conflict", op.error
    return "written", ""
