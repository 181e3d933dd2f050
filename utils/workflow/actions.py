"""The workflow actions on a complaint: the fields of a newly logged one, then assign,
escalate, record progress, resolve, record feedback, close and reopen. Each returns only the
fields it changes, with the new `progress_log` line in the sheet's language."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from utils import progress_log as plog
from utils.cells import as_datetime, clean_text, status_of
from utils.deadlines import compute_due_at
from utils.errors import WorkflowError
from utils.i18n import t
from utils.settings import Settings
from utils.workflow.checks import (
    check_assign,
    check_close,
    check_escalate,
    check_feedback,
    check_open,
    check_reopen,
    required,
)
from utils.workflow.levels import LEVELS, level_of, next_level
from utils.workflow.people import is_about, same_person


def _log(
    complaint: dict,
    now: dt.datetime,
    actor: str,
    action: str,
    detail: str = "",
    *,
    target: str = "",
    lang: str = "en",
) -> str:
    line = plog.line(now, actor, action, detail, target=target, lang=lang)
    return plog.append(complaint.get("progress_log"), line)


def new_complaint_fields(
    client_id: str,
    channel: str,
    category: str,
    severity: str,
    description: str,
    actor: str,
    now: dt.datetime,
    settings: Settings,
    *,
    key_client: bool = False,
    requested_due: dt.datetime | None = None,
    lang: str = "en",
) -> dict:
    """The fields of a newly logged complaint: the logger is its first receiver (首问负责);
    due_at from severity (a key client's limit with `key_client`), or the deadline the client
    asked for (`requested_due`) when that is earlier. `lang`: the language of the sheet, which
    the progress log is written in (as in every action below)."""
    description = required(description, "workflow.need_description")
    severity = clean_text(severity) or "normal"
    asked = as_datetime(requested_due)
    due = compute_due_at(now, severity, settings, key_client=key_client, requested=asked)
    fields = {
        "client_id": clean_text(client_id),
        "channel": clean_text(channel),
        "category": clean_text(category),
        "severity": severity,
        "description": description,
        "first_receiver": clean_text(actor),
        "level": LEVELS[0],
        "status": "received",
        "received_at": now,
        "due_at": due,
        "progress_log": plog.line(now, actor, "receive", lang=lang),
    }
    if asked is not None:
        fields["requested_due"] = asked
    return fields


def assign(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    handler: str,
    role: str = "staff",
    lang: str = "en",
) -> dict:
    """Set the handler (经办人). Staff may assign an unassigned complaint they received;
    changing an existing handler is a manager's reassignment."""
    check_assign(complaint, role, actor)
    handler = required(handler, "workflow.need_handler")
    if same_person(handler, complaint.get("handler")):
        raise WorkflowError("workflow.same_handler", handler=handler)
    if is_about(complaint, handler):
        raise WorkflowError("workflow.handler_is_about", handler=handler)

    return {
        "handler": handler,
        "progress_log": _log(complaint, now, actor, "assign", target=handler, lang=lang),
    }


def escalate(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    reason: str,
    role: str = "staff",
    lang: str = "en",
) -> dict:
    """One level up (层级上报), with the reason in the log; refused at the top level."""
    check_escalate(complaint, role, actor)
    reason = required(reason, "workflow.need_reason")
    level = next_level(level_of(complaint))
    assert level is not None  # check_escalate has refused a complaint at the top level
    log = _log(complaint, now, actor, "escalate", reason, target=level, lang=lang)
    return {"level": level, "progress_log": log}


def record_progress(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    note: str,
    role: str = "staff",
    lang: str = "en",
) -> dict:
    """A progress note; the first one moves a received complaint to in_progress."""
    check_open("record_progress")(complaint, role, actor)
    note = required(note, "workflow.need_note")
    changes: dict = {"progress_log": _log(complaint, now, actor, "progress", note, lang=lang)}
    if status_of(complaint) == "received":
        changes["status"] = "in_progress"
    return changes


def resolve(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    resolution: str,
    root_cause: str = "",
    corrective_action: str = "",
    role: str = "staff",
    lang: str = "en",
) -> dict:
    """Resolved now, with the resolution text (required); root cause and corrective action are
    written only when given."""
    check_open("resolve")(complaint, role, actor)
    resolution = required(resolution, "workflow.need_resolution")
    changes: dict = {"status": "resolved", "resolved_at": now, "resolution": resolution}
    if clean_text(root_cause):
        changes["root_cause"] = clean_text(root_cause)
    if clean_text(corrective_action):
        changes["corrective_action"] = clean_text(corrective_action)
    changes["progress_log"] = _log(complaint, now, actor, "resolve", resolution, lang=lang)
    return changes


def record_feedback(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    note: str = "",
    role: str = "staff",
    lang: str = "en",
) -> dict:
    """The client was told the result (反馈) now: once the complaint is resolved, and still
    after it is closed (also when a follow-up closed it on its own)."""
    check_feedback(complaint, role, actor)
    log = _log(complaint, now, actor, "feedback", note, lang=lang)
    return {"feedback_at": now, "progress_log": log}


def close(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    revisits: pd.DataFrame,
    settings: Settings,
    reason: str = "",
    role: str = "staff",
    lang: str = "en",
) -> dict:
    """结案. Allowed when resolved and the latest follow-up since the latest resolution (to the
    minute) reached the client, who said it is solved and was not unsatisfied — a follow-up by
    someone other than the handler and first receiver (`is_independent`); or, by a
    manager/admin with a reason, when the client was not reached in `attempt_limit` recorded
    calls. `lang` is the language of the log line (the sheet's), its detail included."""
    state = check_close(complaint, role, actor, revisits, settings)
    if state["closable"]:
        detail = clean_text(reason) or t(
            "workflow.log.closed_after", lang, revisit_id=state["closing_revisit"]
        )
    else:
        reason = required(reason, "workflow.need_reason")
        detail = t(
            "workflow.log.closed_unreached", lang, attempts=int(state["attempts"]), reason=reason
        )
    return {
        "status": "closed",
        "closed_at": now,
        "progress_log": _log(complaint, now, actor, "close", detail, lang=lang),
    }


def reopen(
    complaint: dict,
    *,
    actor: str,
    now: dt.datetime,
    reason: str,
    role: str = "staff",
    lang: str = "en",
    settings: Settings | None = None,
) -> dict:
    """Back to in_progress from resolved or closed, with a reason (`reopened`)."""
    check_reopen(complaint, role, actor)
    reason = required(reason, "workflow.need_reason")
    changes, detail = reopened(complaint, now, settings, reason, lang)
    changes["progress_log"] = _log(complaint, now, actor, "reopen", detail, lang=lang)
    return changes


def reopened(
    complaint: dict, now: dt.datetime, settings: Settings | None, reason: str, lang: str
) -> tuple[dict, str]:
    """What reopening changes — by a person or by a follow-up where the client says it is not
    solved: back in progress; the earlier resolution leaves the record's current result and
    goes into the progress log line (returned with the reason); closed_at cleared; a new
    deadline counted from the reopening (with `settings`)."""
    changes: dict = {"status": "in_progress", "resolution": "", "resolved_at": None}
    if as_datetime(complaint.get("closed_at")) is not None:
        changes["closed_at"] = None
    if settings is not None:
        changes["due_at"] = compute_due_at(now, clean_text(complaint.get("severity")), settings)
    earlier = clean_text(complaint.get("resolution"))
    when = as_datetime(complaint.get("resolved_at"))
    detail = reason
    if earlier:
        at = f"{when:%Y-%m-%d %H:%M}" if when else "?"
        detail = f"{reason} — " + t("workflow.log.earlier_resolution", lang, at=at, text=earlier)
    return changes, detail
