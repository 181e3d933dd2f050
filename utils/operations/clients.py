"""Registering and editing clients: a new client's form defaults, the duplicate-phone warning,
`add_client` and `edit_client` (who may own and edit whom: `utils.access`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sheets_schema.tables import TABLES
from sheets_schema.validate import validate_record
from utils.access import may_edit_client, same_person
from utils.auth import User
from utils.errors import DuplicatePhone, InvalidRecord, WorkflowError
from utils.forms import changed_fields
from utils.operations.conflicts import update_as_seen
from utils.search import find_by_phone
from utils.store import SaveResult, Store
from utils.workflow import clean_text


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
    return update_as_seen(store, tab, record_id, changes, seen=basis, user=user.name, force=force)
