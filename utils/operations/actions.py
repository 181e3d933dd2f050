"""Workflow actions taken on a complaint from a page: why one is refused now (`refusal`), the
fields it changes (`action_changes`, the rules being `utils.workflow`'s) and taking it with a
save (`apply_action`); `now` is the pages' clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from utils import clock
from utils import workflow as wf
from utils.auth import User
from utils.errors import WorkflowError
from utils.operations.conflicts import update_as_seen
from utils.settings import Settings
from utils.store import SaveResult, Store
from utils.workflow import clean_text


def now() -> dt.datetime:
    return clock.now()


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
    return update_as_seen(store, "complaints", record_id, changes, seen=complaint, user=user.name)
