"""What the staff pages do to the data, as plain functions over a store: register a client, edit
a record, log a complaint, take a workflow action, record a revisit (and apply what it does to
its complaint), hand someone's clients and complaints over when they leave, and say whether a
save is in the spreadsheet yet.

No streamlit here. The rules come from `utils.workflow` and `utils.queues`; this module only
puts them together with the store's saves. Errors are `SheetdeskError`s (`InvalidRecord` with
problems by field, `ConflictError` with both versions, `WorkflowError`, `RecordNotFound`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from utils.queues import revisit_effects
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
    "requested_due",
)


def _is_key_client(store: Store, client_id: object) -> bool:
    """Is the complaint's client a key client (grade A)?"""
    cid = clean_text(client_id)
    if not cid:
        return False
    client = store.read().record("clients", cid)
    return client is not None and wf.is_key_grade(client.get("grade"))


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
    log (in the sheet's language). Who may act on the complaint may edit it, never the person it
    is about; severity, the staff complained about and "verified" are a manager's to decide
    (`WorkflowError`). A new severity never moves the deadline later by itself: a stricter one
    brings it forward; a lighter one keeps the earlier deadline unless `reason` is given (the
    manager's, written in the log). `onto`: apply the same changes on top of the
    spreadsheet's version after a conflict. None when nothing changed. `lang` is the
    person's (messages); the log line is in the sheet's language (`Store.sheet_lang`)."""
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
    sheet_lang = store.sheet_lang()
    received = wf.as_datetime(target.get("received_at"))
    key = _is_key_client(store, target.get("client_id"))
    current_due = wf.effective_due_at(target, settings, key)
    asked = wf.as_datetime(changes.get("requested_due", target.get("requested_due")))
    earlier = asked is not None and (current_due is None or asked < current_due)
    if "requested_due" in changes and earlier:  # the client's deadline wins
        assert asked is not None
        changes["due_at"] = asked
        lines.append(
            plog.line(when, user.name, "deadline", f"{asked:%Y-%m-%d %H:%M}", lang=sheet_lang)
        )
        current_due = asked
    if "severity" in changes and received is not None:
        severity = clean_text(changes["severity"])
        new_due = wf.compute_due_at(received, severity, settings, key_client=key, requested=asked)
        if current_due is None or new_due < current_due:
            changes["due_at"] = new_due
        elif new_due > current_due and clean_text(reason):
            changes["due_at"] = new_due
            detail = f"{new_due:%Y-%m-%d %H:%M} {reason}"
            lines.append(plog.line(when, user.name, "deadline", detail, lang=sheet_lang))
    names = ", ".join(columns[k].label(sheet_lang) for k in COMPLAINT_DETAILS if k in changes)
    line = plog.line(when, user.name, "edit", names, lang=sheet_lang)
    log = plog.append(target.get("progress_log"), line)
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
    requested_due: dt.datetime | None = None,
) -> tuple[SaveResult, SaveResult | None]:
    """Log a complaint: the logger is its first receiver, due_at from severity in working
    days (a key client's own limit, `Settings.key_client_time_limit`), or the deadline the
    client asked for (`requested_due`) when earlier. With `new_client` (the fields of a client
    registered on the spot) the client is registered first and the complaint is theirs.
    Everything is checked before anything is saved. Returns (complaint save, client save or
    None). Raises `WorkflowError` (no description), `InvalidRecord` (problems name the field,
    of either table) or, for a new client whose phone is already known, `DuplicatePhone`
    (unless `allow_duplicate_phone`)."""
    key = (
        wf.is_key_grade(new_client.get("grade"))
        if new_client is not None
        else _is_key_client(store, client_id)
    )
    fields = wf.new_complaint_fields(
        client_id or "-",
        channel,
        category,
        severity,
        description,
        user.name,
        when,
        settings,
        key_client=key,
        requested_due=requested_due,
        lang=store.sheet_lang(),
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
    sheet_lang: str = "en",
) -> dict:
    """The fields a workflow action changes (`utils.workflow`), from the form's `params`:
    handler (assign), reason (escalate, close, reopen), note (record_progress,
    record_feedback), resolution/root_cause/corrective_action (resolve). `lang`: the
    person's language (messages); `sheet_lang`: the sheet's, which the log is written in."""
    common: dict[str, Any] = {
        "actor": user.name,
        "now": when,
        "role": user.role,
        "lang": sheet_lang,
    }
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
            **common,
        )
    if action == "reopen":
        return wf.reopen(complaint, reason=text.get("reason", ""), settings=settings, **common)
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
        sheet_lang=store.sheet_lang(),
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


# --- someone leaves: their clients and complaints go to someone else ---------------------------


@dataclass(frozen=True)
class HandoverConflict:
    tab: str
    record_id: str
    reason: str  # "about": the complaint is about the new person; "changed": edited meanwhile


@dataclass
class HandoverResult:
    clients: int = 0  # clients whose owner is now the new person
    complaints: int = 0  # open complaints they now handle
    conflicts: list[HandoverConflict] = field(default_factory=list)


def handover(
    store: Store,
    user: User,
    from_name: str,
    to_name: str,
    now: dt.datetime,
    *,
    lang: str | None = None,
) -> HandoverResult:
    """When someone leaves (seeds: 调离时指派其他员工代替): every client `from_name` owns gets
    `to_name` as owner, and every open complaint they answer for (they handle it, or first
    received it and nobody handles it) gets `to_name` as handler, with a `handover` line in its
    progress log (the first receiver, 首问, stays as it was). A manager's action
    (`WorkflowError` otherwise). Each record is saved through the store with the version read
    (`seen=`): one changed meanwhile is left as it is and listed in `conflicts`, as is a
    complaint about `to_name` (they may not handle it). `lang`: the log line's language
    (default: the sheet's)."""
    if not user.is_manager:
        raise WorkflowError("workflow.handover_manager_only", name=user.name)
    old, new = clean_text(from_name), clean_text(to_name)
    if not old or not new:
        raise WorkflowError("workflow.handover_need_names")
    if same_person(old, new):
        raise WorkflowError("workflow.handover_same", name=new)
    snap = store.read()
    log_lang = lang or store.sheet_lang()
    out = HandoverResult()

    def save(tab: str, record: dict, changes: dict) -> bool:
        record_id = clean_text(record.get(TABLES[tab].id_field))
        try:
            store.update(tab, record_id, changes, user=user.name, seen=record)
        except ConflictError:
            out.conflicts.append(HandoverConflict(tab, record_id, "changed"))
            return False
        return True

    clients = snap.clients
    owned = clients["owner"].fillna("").astype(str).str.strip().str.casefold() == old.casefold()
    for record in _records(clients.loc[owned]):
        out.clients += save("clients", record, {"owner": new})
    complaints = snap.complaints
    handler = complaints["handler"].fillna("").astype(str).str.strip().str.casefold()
    receiver = complaints["first_receiver"].fillna("").astype(str).str.strip().str.casefold()
    theirs = (handler == old.casefold()) | ((handler == "") & (receiver == old.casefold()))
    for record in _records(complaints.loc[theirs & wf.open_mask(complaints["status"])]):
        if wf.is_about(record, new):
            out.conflicts.append(HandoverConflict("complaints", record["complaint_id"], "about"))
            continue
        line = plog.line(now, user.name, "handover", old, target=new, lang=log_lang)
        changes = {"handler": new, "progress_log": plog.append(record.get("progress_log"), line)}
        out.complaints += save("complaints", record, changes)
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a snapshot's frame as records (as `Snapshot.record` gives them)."""
    from utils.store.base import row_dict

    out = []
    for _, row in frame.iterrows():
        record = row_dict(row)
        record.pop("_row", None)
        out.append(record)
    return out


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
