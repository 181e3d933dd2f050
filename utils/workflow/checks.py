"""May this action be taken on the complaint now, by this person? One check per action (each
raises `WorkflowError` with a catalogue key), and `allowed_actions` for what a page offers."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from utils.cells import DONE_STATUSES, OPEN_STATUSES, clean_text, status_of
from utils.errors import WorkflowError
from utils.settings import Settings
from utils.workflow.followups import attempt_limit, followup_state
from utils.workflow.levels import level_of, next_level
from utils.workflow.people import is_about, is_manager, may_edit

ACTIONS = (
    "assign",
    "escalate",
    "record_progress",
    "resolve",
    "record_feedback",
    "close",
    "reopen",
)


def require_edit(complaint: dict, role: str, actor: str) -> None:
    """Raises `WorkflowError` unless `actor` may act on the complaint: managers on any, staff on
    those they first-received or handle — and never the person the complaint is about."""
    _require_edit(complaint, role, actor)


def _require_edit(complaint: dict, role: str, actor: str) -> None:
    if is_about(complaint, actor):
        raise WorkflowError(
            "workflow.about_you", complaint_id=clean_text(complaint.get("complaint_id"))
        )
    if not may_edit(complaint, role, actor):
        raise WorkflowError(
            "workflow.not_yours",
            complaint_id=clean_text(complaint.get("complaint_id")),
            first_receiver=clean_text(complaint.get("first_receiver")) or "?",
            handler=clean_text(complaint.get("handler")) or "?",
        )


def _require_state(complaint: dict, action: str, allowed: tuple[str, ...]) -> None:
    status = status_of(complaint)
    if status not in allowed:
        raise WorkflowError(f"workflow.wrong_state.{action}", action=action, status=status)


def required(text: str, key: str) -> str:
    value = clean_text(text)
    if not value:
        raise WorkflowError(key)
    return value


def check_assign(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "assign", OPEN_STATUSES)
    current = clean_text(complaint.get("handler"))
    if current and not is_manager(role):
        raise WorkflowError("workflow.reassign_manager_only", handler=current)


def check_escalate(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "escalate", OPEN_STATUSES)
    if next_level(level_of(complaint)) is None:
        raise WorkflowError("workflow.top_level")


def check_open(action: str) -> Callable[[dict, str, str], None]:
    def check(complaint: dict, role: str, actor: str) -> None:
        _require_edit(complaint, role, actor)
        _require_state(complaint, action, OPEN_STATUSES)

    return check


def check_feedback(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "record_feedback", DONE_STATUSES)  # also after a close


def check_reopen(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "reopen", DONE_STATUSES)


def check_close(
    complaint: dict, role: str, actor: str, revisits: pd.DataFrame, settings: Settings
) -> pd.Series:
    """Raises unless the complaint may be closed; returns its follow-up state."""
    _require_edit(complaint, role, actor)
    _require_state(complaint, "close", ("resolved",))
    state = followup_state(complaint, revisits, settings)
    if state["closable"]:
        return state
    if state["reached"]:
        raise WorkflowError("workflow.close_not_solved")
    attempts, most = int(state["attempts"]), attempt_limit(settings)
    if attempts < most:
        if not settings.followup_by_anyone and followup_state(complaint, revisits)["reached"]:
            raise WorkflowError(
                "workflow.close_needs_independent",
                handler=clean_text(complaint.get("handler")) or "?",
                first_receiver=clean_text(complaint.get("first_receiver")) or "?",
            )
        raise WorkflowError("workflow.close_needs_followup", attempts=attempts, max=most)
    if not is_manager(role):
        raise WorkflowError("workflow.close_unreachable_manager", attempts=attempts)
    return state


_SIMPLE_CHECKS: dict[str, Callable[[dict, str, str], None]] = {
    "assign": check_assign,
    "escalate": check_escalate,
    "record_progress": check_open("record_progress"),
    "resolve": check_open("resolve"),
    "record_feedback": check_feedback,
    "reopen": check_reopen,
}


def allowed_actions(
    complaint: dict, role: str, revisits: pd.DataFrame, settings: Settings, actor: str = ""
) -> list[str]:
    """The actions (names from `ACTIONS`) `actor` in `role` may take on the complaint now.
    Staff need `actor` (they act only on complaints they first-received or handle)."""
    out = []
    for action in ACTIONS:
        try:
            if action == "close":
                check_close(complaint, role, actor, revisits, settings)
            else:
                _SIMPLE_CHECKS[action](complaint, role, actor)
        except WorkflowError:
            continue
        out.append(action)
    return out
