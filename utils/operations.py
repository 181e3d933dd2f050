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
from sheets_schema.validate import validate_record
from utils import clock
from utils import progress_log as plog
from utils import workflow as wf
from utils.access import may_edit_client, same_person
from utils.auth import User
from utils.errors import (
    ConflictError,
    DuplicatePhone,
    InvalidRecord,
    RecordNotFound,
    WorkflowError,
)
from utils.forms import changed_fields
from utils.queues import next_attempt, revisit_effects
from utils.search import find_by_phone
from utils.settings import Settings
from utils.store import SaveResult, Store
from utils.workflow import FOLLOWUP, clean_text

# the questionnaire: meaningless when the client was not reached
ANSWERS = ("solved", "attitude", "charged", "score", "suggestions")


def now() -> dt.datetime:
    return clock.now()


# --- clients --------------------------------------------------------------------------------


def new_client_defaults(actor: str, today: dt.date) -> dict:
    """What a new client's form starts with: an active individual, owned by whoever registers
    them, registered today."""
    return {
        "client_type": "individual",
        "status": "active",
        "owner": clean_text(actor),
        "registered_on": today,
    }


def check_new_phone(clients: pd.DataFrame, phone: object) -> None:
    """Raises `DuplicatePhone` (with the clients who have it) when `phone` is already in the
    register: SPEC "warn before creating a client whose phone already exists"."""
    matches = find_by_phone(clients, phone)
    if len(matches):
        raise DuplicatePhone(clean_text(phone), matches.to_dict("records"))


def add_client(
    store: Store,
    values: dict,
    *,
    user: User,
    today: dt.date,
    allow_duplicate_phone: bool = False,
) -> SaveResult:
    """Register a client. Blank owner → the person registering (staff may give a new client
    only to themselves; a manager to anyone); blank status → active; blank registration date →
    today. Raises `WorkflowError`, `DuplicatePhone` when the phone is already known (unless
    `allow_duplicate_phone`), `InvalidRecord` (problems by field)."""
    record = {k: v for k, v in values.items() if k != "client_id"}
    if not clean_text(record.get("owner")):
        record["owner"] = user.name
    if not user.is_manager and not same_person(record.get("owner"), user.name):
        raise WorkflowError("workflow.owner_manager_only")
    if not clean_text(record.get("status")):
        record["status"] = "active"
    if record.get("registered_on") in (None, ""):
        record["registered_on"] = today
    problems = validate_record("clients", {**record, "client_id": "-"})[1]
    if problems:
        raise InvalidRecord(problems)
    if not allow_duplicate_phone:
        check_new_phone(store.read().clients, record.get("phone"))
    return store.append("clients", record, user=user.name)


def edit_client(
    store: Store, basis: dict, edited: dict, *, user: User, force: bool = False
) -> SaveResult | None:
    """Save the fields of `edited` that differ from `basis` (the version the form was filled
    from). Staff edit the clients they own, managers any; giving a client to someone else is a
    manager's (`WorkflowError`). None when nothing changed. Raises `ConflictError` when a cell
    this save writes changed in the spreadsheet since `basis` — its `mine` is `basis` with the
    user's changes — unless `force` (the user saw both versions and keeps theirs: only their
    changed fields are written, the rest of the row stays as the spreadsheet has it)."""
    tab = "clients"
    record_id = basis[TABLES[tab].id_field]
    changes = changed_fields(tab, basis, edited)
    if not changes:
        return None
    if not may_edit_client(basis, user.name, user.role):
        raise WorkflowError(
            "workflow.not_your_client",
            name=clean_text(basis.get("name")),
            owner=clean_text(basis.get("owner")) or "?",
        )
    if "owner" in changes and not user.is_manager:
        raise WorkflowError("workflow.owner_manager_only")
    try:
        return store.update(
            tab,
            record_id,
            changes,
            seen=basis,
            user=user.name,
            force=force,
        )
    except ConflictError as err:
        raise ConflictError(tab, record_id, mine={**basis, **changes}, theirs=err.theirs) from err


# --- complaints -----------------------------------------------------------------------------

# what only a manager decides: the time limit (via severity), who the complaint is about, and
# whether it was found true (seeds: awards and penalties rest on it)
MANAGER_DETAILS = ("severity", "responsible_staff", "verified")
# what may be corrected on a complaint besides its workflow (the description stays as logged)
COMPLAINT_DETAILS = (
    "channel",
    "category",
    "severity",
    "responsible_staff",
    "verified",
    "root_cause",
    "corrective_action",
)


def edit_complaint(
    store: Store,
    basis: dict,
    edited: dict,
    *,
    user: User,
    when: dt.datetime,
    settings: Settings,
    lang: str = "en",
    onto: dict | None = None,
    reason: str = "",
) -> SaveResult | None:
    """Correct a complaint's details (`COMPLAINT_DETAILS`): the fields of `edited` that differ
    from `basis` (the version the form was filled from); the change is noted in the progress
    log (field labels in `lang`). Who may act on the complaint may edit it, never the person it
    is about; severity, the staff complained about and "verified" are a manager's to decide
    (`WorkflowError`). A new severity never moves the deadline later by itself: a stricter one
    brings it forward; a lighter one keeps the earlier deadline unless `reason` is given (the
    manager's, written in the log). `onto`: apply the same changes on top of the
    spreadsheet's version after a conflict. None when nothing changed."""
    changes = changed_fields(
        "complaints", basis, {k: v for k, v in edited.items() if k in COMPLAINT_DETAILS}
    )
    if not changes:
        return None
    target = onto or basis
    wf.require_edit(target, user.role, user.name)
    columns = TABLES["complaints"].by_field
    decided = [k for k in MANAGER_DETAILS if k in changes]
    if decided and not user.is_manager:
        fields = "、".join(columns[k].label(lang) for k in decided)
        raise WorkflowError("workflow.manager_only_fields", fields=fields)
    lines = []
    received = wf.as_datetime(target.get("received_at"))
    current_due = wf.effective_due_at(target, settings)
    if "severity" in changes and received is not None:
        new_due = wf.compute_due_at(received, clean_text(changes["severity"]), settings)
        if current_due is None or new_due < current_due:
            changes["due_at"] = new_due
        elif new_due > current_due and clean_text(reason):
            changes["due_at"] = new_due
            lines.append(
                plog.line(when, user.name, "deadline", f"{new_due:%Y-%m-%d %H:%M} {reason}")
            )
    names = ", ".join(columns[k].label(lang) for k in COMPLAINT_DETAILS if k in changes)
    log = plog.append(target.get("progress_log"), plog.line(when, user.name, "edit", names))
    for line in lines:
        log = plog.append(log, line)
    changes["progress_log"] = log
    record_id = clean_text(target.get("complaint_id"))
    try:
        return store.update(
            "complaints",
            record_id,
            changes,
            user=user.name,
            seen=target,
        )
    except ConflictError as err:
        raise ConflictError(
            "complaints", record_id, mine={**target, **changes}, theirs=err.theirs
        ) from err


def log_complaint(
    store: Store,
    *,
    client_id: str,
    channel: str,
    category: str,
    severity: str,
    description: str,
    user: User,
    when: dt.datetime,
    settings: Settings,
    new_client: dict | None = None,
    allow_duplicate_phone: bool = False,
) -> tuple[SaveResult, SaveResult | None]:
    """Log a complaint: the logger is its first receiver, due_at from severity in working
    days. With `new_client` (the fields of a client registered on the spot) the client is
    registered first and the complaint is theirs. Everything is checked before anything is
    saved. Returns (complaint save, client save or None). Raises `WorkflowError` (no
    description), `InvalidRecord` (problems name the field, of either table) or, for a new
    client whose phone is already known, `DuplicatePhone` (unless `allow_duplicate_phone`)."""
    fields = wf.new_complaint_fields(
        client_id or "-", channel, category, severity, description, user.name, when, settings
    )
    _, problems = validate_record("complaints", {**fields, "complaint_id": "-"})
    client = None
    if new_client is not None:
        client = {
            **new_client,
            "client_id": "-",
            "owner": new_client.get("owner") or user.name,
            "status": new_client.get("status") or "active",
            "registered_on": new_client.get("registered_on") or when.date(),
        }
        problems += validate_record("clients", client)[1]
    if problems:
        raise InvalidRecord(problems)
    client_save = None
    if client is not None:
        client_save = add_client(
            store,
            {k: v for k, v in client.items() if k != "client_id"},
            user=user,
            today=when.date(),
            allow_duplicate_phone=allow_duplicate_phone,
        )
        client_id = client_save.record_id
    fields["client_id"] = clean_text(client_id)
    return store.append("complaints", fields, user=user.name), client_save


def refusal(
    action: str,
    complaint: dict,
    *,
    user: User,
    settings: Settings,
    revisits: pd.DataFrame,
    lang: str,
) -> str:
    """Why `action` may not be taken on the complaint now, in `lang`; "" when it may."""
    params = {"handler": "?", "reason": "?", "note": "?", "resolution": "?"}
    try:
        action_changes(
            action,
            complaint,
            params,
            user=user,
            when=now(),
            settings=settings,
            revisits=revisits,
            lang=lang,
        )
    except WorkflowError as err:
        return err.message(lang)
    return ""


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
        return wf.resolve(
            complaint,
            resolution=text.get("resolution", ""),
            root_cause=text.get("root_cause", ""),
            corrective_action=text.get("corrective_action", ""),
            **common,
        )
    if action == "record_feedback":
        return wf.record_feedback(complaint, note=text.get("note", ""), **common)
    if action == "close":
        return wf.close(
            complaint,
            revisits=revisits,
            settings=settings,
            reason=text.get("reason", ""),
            lang=lang,
            **common,
        )
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
    changes = action_changes(
        action,
        complaint,
        params,
        user=user,
        when=when,
        settings=settings,
        revisits=revisits,
        lang=lang,
    )
    record_id = clean_text(complaint.get("complaint_id"))
    try:
        return store.update(
            "complaints",
            record_id,
            changes,
            user=user.name,
            seen=complaint,
        )
    except ConflictError as err:
        raise ConflictError(
            "complaints", record_id, mine={**complaint, **changes}, theirs=err.theirs
        ) from err


# --- revisits -------------------------------------------------------------------------------


@dataclass
class RevisitOutcome:
    revisit: SaveResult
    complaint: SaveResult | None = None
    effect: str = ""  # "", "closed", "reopened", "unreachable"
    level: str = ""  # the complaint's level after a reopen-and-escalate


def followup_state(complaint: dict, revisits: pd.DataFrame) -> dict:
    """The complaint's follow-ups since it was resolved: `reached` (one reached the client),
    `closable` (the latest reached one says solved and not unsatisfied), `closing_revisit`,
    `attempts` (unreached so far)."""
    one = pd.DataFrame(
        {
            "complaint_id": [clean_text(complaint.get("complaint_id"))],
            "resolved_at": wf.datetime_column([wf.as_datetime(complaint.get("resolved_at"))]),
        }
    )
    row = wf.followup_summary(one, revisits).iloc[0]
    return {
        "reached": bool(row["reached"]),
        "closable": bool(row["closable"]),
        "closing_revisit": str(row["closing_revisit"]),
        "attempts": int(row["attempts"]),
    }


def followup_attempt(complaint: dict, revisits: pd.DataFrame) -> int:
    """The attempt number of the next follow-up call on this complaint (counted since it was
    resolved)."""
    return next_attempt(
        clean_text(complaint.get("complaint_id")),
        revisits,
        wf.as_datetime(complaint.get("resolved_at")),
    )


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

    A follow-up's attempt number is filled in (unreached attempts since the resolution + 1);
    when the client was not reached the questionnaire answers are dropped; blank done_at →
    `when`. Raises `InvalidRecord` (problems by field) before anything is saved, or
    `RecordNotFound` when the follow-up names a complaint that does not exist."""
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
        record["attempt"] = followup_attempt(complaint, store.read().revisits)
    elif record.get("attempt") in (None, ""):
        record["attempt"] = 1
    saved = store.append("revisits", record, user=user.name)
    if complaint is None:
        return RevisitOutcome(saved)
    for _ in range(2):  # once more if the complaint changed in the same moment
        changes = revisit_effects(
            complaint,
            saved.record,
            store.read().revisits,
            actor=user.name,
            now=when,
            settings=settings,
            lang=lang,
        )
        if not changes:
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


# --- data taken out, settings --------------------------------------------------------------


def record_export(
    store: Store, user: User | str, what: str, rows: int, note: str = "", *, kind: str | None = None
) -> SaveResult:
    """Register data taken out of the app in the change history (the seeds: client data taken
    out is registered): a table downloaded (`what` = clients / complaints / revisits: kind
    "download") or a report (`what` = "report" …: kind "export"), `rows` rows, with a `note`
    such as "report 2026-11". Written through the pending queue like a save."""
    name = user.name if isinstance(user, User) else clean_text(user)
    return store.record_export(name, what, int(rows), note, kind=kind)


def save_setting(
    store: Store, user: User, key: str, value: object, *, seen: object = None
) -> SaveResult:
    """Set one setting in the settings tab (an admin's Settings page): the row holding `key`
    is updated, or a row is added. `value`: text as typed, or a value (a list of dates, True
    …); blank → the default again. `seen`: the value the admin saw when they began (then a
    change made meanwhile is a `ConflictError`). Refused with `WorkflowError` for anyone but
    an admin, for an unknown key, or for a list setting kept on several rows; `InvalidRecord`
    (naming the value) when the value cannot be read for that key."""
    from sheets_schema.problems import ERROR, Problem
    from utils import settings_sheet as ss
    from utils.store.base import row_dict

    if not getattr(user, "is_admin", False):
        raise WorkflowError("settings.admin_only", name=user.name, role=user.role)
    canonical = ss.match_key(key)
    if canonical is None:
        raise WorkflowError("settings.unknown_key", key=clean_text(key))
    spec = ss.BY_KEY[canonical]
    try:
        text = ss.normalise_value(canonical, value)
    except ss.BadValue:
        params = {
            "setting": canonical,
            "value": clean_text(value),
            "lo": "" if spec.lo is None else int(spec.lo),
            "hi": "" if spec.hi is None else int(spec.hi),
            "default": spec.default_text() or "—",
        }
        key_ = f"problem.bad_setting.{spec.kind}"
        raise InvalidRecord([Problem(ERROR, "settings", None, "value", key_, params)]) from None
    frame = store.read().settings
    mine = frame[[ss.match_key(k) == canonical for k in frame["key"]]] if len(frame) else frame
    if len(mine) > 1 and spec.kind in ss.LISTS:
        rows = ", ".join(str(r) for r in mine["_row"] if not pd.isna(r))
        raise WorkflowError("settings.several_rows", key=canonical, rows=rows or "?")
    if len(mine):
        record = row_dict(mine.iloc[0])
        record.pop("_row", None)
        basis = record if seen is None else {**record, "value": seen}
        return store.update(
            "settings", str(record["key"]), {"value": text}, seen=basis, user=user.name
        )
    return store.append("settings", {"key": canonical, "value": text}, user=user.name)


def settings_rows(snapshot: Any, lang: str = "en", overrides: Any = None) -> pd.DataFrame:
    """Every setting for a Settings page: key, label, value in the tab, value in force, where
    it comes from, default, rows, problem (`utils.settings_sheet.settings_rows`)."""
    from utils.settings_sheet import settings_rows as rows_of

    return rows_of(snapshot, lang, overrides)
