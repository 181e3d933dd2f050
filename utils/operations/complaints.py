"""Logging a complaint (a client registered on the spot included) and correcting its details:
`log_complaint`, `edit_complaint`, and which details are a manager's to decide."""

from __future__ import annotations

import datetime as dt

from sheets_schema.tables import TABLES
from sheets_schema.validate import validate_record
from utils import progress_log as plog
from utils import workflow as wf
from utils.auth import User
from utils.errors import InvalidRecord, WorkflowError
from utils.forms import changed_fields
from utils.operations.clients import add_client
from utils.operations.conflicts import update_as_seen
from utils.settings import Settings
from utils.store import SaveResult, Store
from utils.workflow import clean_text

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
    return update_as_seen(store, "complaints", record_id, changes, seen=target, user=user.name)


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
