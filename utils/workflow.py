"""Complaint lifecycle rules: due dates in working days, overdue, transitions, the progress log.

Pure functions over plain data: a complaint is a `dict` field → value (text "" when missing,
dates as `datetime`/`date` or None), a tab is a DataFrame with the model's field names as
columns. Each action returns only the fields it changes (with the new `progress_log`); the
store stamps `updated_at`/`updated_by`. An action that is not allowed raises `WorkflowError`
with a catalogue key, so the page can say why in the user's language.

Lifecycle: received → in_progress → resolved → closed; resolved/closed → in_progress (reopen).
Levels: frontline → department → management → executive, one step at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import annotated_types
import numpy as np
import pandas as pd

from sheets_schema import choices as ch
from sheets_schema.models import Revisit
from utils import progress_log as plog
from utils.cells import DONE_STATUSES as DONE_STATUSES
from utils.cells import OPEN_STATUSES as OPEN_STATUSES
from utils.cells import as_datetime as as_datetime
from utils.cells import clean_text as clean_text
from utils.cells import datetime_column as datetime_column
from utils.cells import is_open as is_open
from utils.cells import open_mask as open_mask
from utils.cells import status_of as status_of
from utils.cells import status_values as status_values
from utils.deadlines import DEFAULT_SEVERITY as DEFAULT_SEVERITY
from utils.deadlines import compute_due_at as compute_due_at
from utils.deadlines import due_series as due_series
from utils.deadlines import effective_due_at as effective_due_at
from utils.deadlines import fill_due as fill_due
from utils.deadlines import is_key_grade as is_key_grade
from utils.deadlines import is_not_started as is_not_started
from utils.deadlines import is_overdue as is_overdue
from utils.deadlines import not_started_mask as not_started_mask
from utils.deadlines import overdue_mask as overdue_mask
from utils.deadlines import past_due as past_due
from utils.deadlines import severity_of as severity_of
from utils.deadlines import time_limit as time_limit
from utils.errors import WorkflowError
from utils.i18n import t
from utils.settings import Settings

LEVELS: tuple[str, ...] = ch.LEVEL.values  # frontline, department, management, executive
MANAGER_ROLES = frozenset({"manager", "admin"})
FOLLOWUP = "complaint_followup"  # the revisit kind of a complaint follow-up
ACTIONS = (
    "assign",
    "escalate",
    "record_progress",
    "resolve",
    "record_feedback",
    "close",
    "reopen",
)


def _attempt_cap() -> int:
    """The highest attempt number the revisits tab accepts (the model's `le` bound)."""
    for meta in Revisit.model_fields["attempt"].metadata:
        if isinstance(meta, annotated_types.Le) and isinstance(meta.le, int):
            return meta.le
    return 3


ATTEMPT_CAP = _attempt_cap()


def attempt_limit(settings: Settings) -> int:
    """Unreached follow-up calls allowed per round (since the latest resolution):
    `settings.max_attempts`, never above what the revisits tab accepts (`ATTEMPT_CAP`). After
    that many a manager may close the complaint; another unreached call is refused."""
    return max(1, min(int(settings.max_attempts), ATTEMPT_CAP))


def is_independent(complaint: dict, staff: object, settings: Settings) -> bool:
    """May `staff`'s follow-up count for the complaint? The seeds have the revisit made by
    someone other than the person who dealt with it: not its handler, not its first receiver
    — unless the team is a one-person desk (`settings.followup_by_anyone`)."""
    if settings.followup_by_anyone:
        return True
    return not (
        _same_person(staff, complaint.get("handler"))
        or _same_person(staff, complaint.get("first_receiver"))
    )


# --- small value helpers -------------------------------------------------------------------


def _same_person(a: object, b: object) -> bool:
    a, b = clean_text(a).casefold(), clean_text(b).casefold()
    return bool(a) and a == b


def level_of(complaint: dict) -> str:
    """The complaint's level; blank (or unknown) counts as frontline."""
    level = clean_text(complaint.get("level"))
    return level if level in LEVELS else LEVELS[0]


def next_level(level: str) -> str | None:
    """One level up (blank = frontline), or None at the top."""
    i = LEVELS.index(level) if level in LEVELS else 0
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def is_manager(role: str) -> bool:
    return clean_text(role).casefold() in MANAGER_ROLES


def may_edit(complaint: dict, role: str, actor: str) -> bool:
    """Managers and admins act on any complaint; staff on those they first-received or handle."""
    if is_manager(role):
        return True
    return _same_person(actor, complaint.get("first_receiver")) or _same_person(
        actor, complaint.get("handler")
    )


# --- the progress log ----------------------------------------------------------------------


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


# --- follow-ups seen from the complaint ----------------------------------------------------


def _ids(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip()


def _ns(column: pd.Series) -> np.ndarray:
    """A date column as int64 nanoseconds (NaT = the smallest int64, so it loses every max)."""
    return pd.to_datetime(column).to_numpy(dtype="datetime64[ns]").view("int64")


def _last_per_group(codes: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Positions of the latest row (by `times`) of each group in `codes`."""
    order = np.lexsort((times, codes))
    ordered = codes[order]
    last = np.ones(len(ordered), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    return order[last]


def _people(complaints: pd.DataFrame, column: str, first: np.ndarray) -> np.ndarray:
    """A name column of the complaints (one per complaint kept), folded for comparing."""
    if column not in complaints.columns:
        return np.full(int(first.sum()), "", dtype=object)
    names = complaints[column].fillna("").astype(str).str.strip().str.casefold()
    return names.to_numpy(dtype=object)[first]


def followup_summary(
    complaints: pd.DataFrame, revisits: pd.DataFrame, *, independent: bool = False
) -> pd.DataFrame:
    """For each complaint (columns complaint_id, resolved_at; handler and first_receiver with
    `independent`) its follow-up revisits made since its latest resolution, to the minute (a
    follow-up the same minute counts, one a minute earlier does not — it was about an earlier
    resolution): `reached` (one reached the client), `closable` (the latest reached one says
    solved and not unsatisfied), `closing_revisit` (that revisit's ID), `attempts` (how many
    unreached follow-ups are recorded: a typed attempt number counts for nothing) and
    `last_attempt_at`. With `independent`, a reached follow-up made by the complaint's handler
    or first receiver is left out (`is_independent`). Indexed by complaint_id, one row per
    complaint given.

    Vectorised with numpy on integer codes of complaint_id (no per-row Python)."""
    ids = _ids(complaints["complaint_id"])
    first = ~ids.duplicated().to_numpy()
    index = pd.Index(ids.to_numpy()[first], name="complaint_id")
    since = _ns(pd.to_datetime(complaints["resolved_at"]).dt.floor("min"))[first]
    f = revisits.loc[(revisits["kind"] == FOLLOWUP).to_numpy()]
    code = index.get_indexer(_ids(f["complaint_id"]))
    done = _ns(pd.to_datetime(f["done_at"]).dt.floor("min"))
    start = since[np.where(code >= 0, code, 0)] if len(index) else np.zeros(len(code), "int64")
    nat = np.iinfo("int64").min
    keep = (code >= 0) & ((start == nat) | (done == nat) | (done >= start))
    reached = (f["reached"] == "yes").to_numpy()
    if independent and len(index):
        staff = f["staff"].fillna("").astype(str).str.strip().str.casefold().to_numpy(dtype=object)
        at = np.where(code >= 0, code, 0)
        own = (staff != "") & (
            (staff == _people(complaints, "handler", first)[at])
            | (staff == _people(complaints, "first_receiver", first)[at])
        )
        keep &= ~(reached & own)
    code, done, f, reached = code[keep], _ns(f["done_at"])[keep], f.loc[keep], reached[keep]
    size = len(index)
    # unreached attempts: how many, the last time
    un_code = code[~reached]
    last = np.full(size, nat, dtype="int64")
    np.maximum.at(last, un_code, done[~reached])
    # latest reached follow-up: closable when solved and not unsatisfied
    pick = np.flatnonzero(reached)[_last_per_group(code[reached], done[reached])]
    latest = f.iloc[pick]
    ok = ((latest["solved"] == "yes") & (latest["attitude"] != "unsatisfied")).to_numpy()
    out = pd.DataFrame(index=index)
    found = np.zeros(size, dtype=bool)
    found[code[pick]] = True
    out["reached"] = found
    closable = np.zeros(size, dtype=bool)
    closable[code[pick]] = ok
    out["closable"] = closable
    closing = np.full(size, "", dtype=object)
    closing[code[pick]] = np.where(ok, _ids(latest["revisit_id"]).to_numpy(dtype=object), "")
    out["closing_revisit"] = pd.Series(closing, index=index, dtype=str)
    out["attempts"] = np.bincount(un_code, minlength=size).astype("int64")
    out["last_attempt_at"] = pd.to_datetime(last.view("datetime64[ns]"))
    return out


def _followup_state(
    complaint: dict, revisits: pd.DataFrame, independent: bool = False
) -> pd.Series:
    one = pd.DataFrame(
        {
            "complaint_id": [clean_text(complaint.get("complaint_id"))],
            "resolved_at": datetime_column([as_datetime(complaint.get("resolved_at"))]),
            "handler": [clean_text(complaint.get("handler"))],
            "first_receiver": [clean_text(complaint.get("first_receiver"))],
        }
    )
    return followup_summary(one, revisits, independent=independent).iloc[0]


def followup_state(
    complaint: dict, revisits: pd.DataFrame, settings: Settings | None = None
) -> pd.Series:
    """`followup_summary` for one complaint; with `settings`, a reached follow-up counts only
    when it may close the complaint (`is_independent`)."""
    independent = settings is not None and not settings.followup_by_anyone
    return _followup_state(complaint, revisits, independent)


def followup_calls(complaint: dict, revisits: pd.DataFrame) -> int:
    """Unreached follow-up calls recorded for the complaint since its latest resolution."""
    return int(_followup_state(complaint, revisits)["attempts"])


# --- checks: may this action be taken now, by this person? ---------------------------------


def is_about(complaint: dict, actor: str) -> bool:
    """Is `actor` the person the complaint is about (被投诉人员)? They may neither handle it nor
    decide on it, whatever their role."""
    return _same_person(actor, complaint.get("responsible_staff"))


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


def _required(text: str, key: str) -> str:
    value = clean_text(text)
    if not value:
        raise WorkflowError(key)
    return value


def _check_assign(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "assign", OPEN_STATUSES)
    current = clean_text(complaint.get("handler"))
    if current and not is_manager(role):
        raise WorkflowError("workflow.reassign_manager_only", handler=current)


def _check_escalate(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "escalate", OPEN_STATUSES)
    if next_level(level_of(complaint)) is None:
        raise WorkflowError("workflow.top_level")


def _check_open(action: str) -> Callable[[dict, str, str], None]:
    def check(complaint: dict, role: str, actor: str) -> None:
        _require_edit(complaint, role, actor)
        _require_state(complaint, action, OPEN_STATUSES)

    return check


def _check_feedback(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "record_feedback", DONE_STATUSES)  # also after a close


def _check_reopen(complaint: dict, role: str, actor: str) -> None:
    _require_edit(complaint, role, actor)
    _require_state(complaint, "reopen", DONE_STATUSES)


def _check_close(
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
        if not settings.followup_by_anyone and _followup_state(complaint, revisits)["reached"]:
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
    "assign": _check_assign,
    "escalate": _check_escalate,
    "record_progress": _check_open("record_progress"),
    "resolve": _check_open("resolve"),
    "record_feedback": _check_feedback,
    "reopen": _check_reopen,
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
                _check_close(complaint, role, actor, revisits, settings)
            else:
                _SIMPLE_CHECKS[action](complaint, role, actor)
        except WorkflowError:
            continue
        out.append(action)
    return out


# --- actions -------------------------------------------------------------------------------


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
    description = _required(description, "workflow.need_description")
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
    _check_assign(complaint, role, actor)
    handler = _required(handler, "workflow.need_handler")
    if _same_person(handler, complaint.get("handler")):
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
    _check_escalate(complaint, role, actor)
    reason = _required(reason, "workflow.need_reason")
    level = next_level(level_of(complaint))
    assert level is not None  # _check_escalate has refused a complaint at the top level
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
    _check_open("record_progress")(complaint, role, actor)
    note = _required(note, "workflow.need_note")
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
    _check_open("resolve")(complaint, role, actor)
    resolution = _required(resolution, "workflow.need_resolution")
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
    _check_feedback(complaint, role, actor)
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
    state = _check_close(complaint, role, actor, revisits, settings)
    if state["closable"]:
        detail = clean_text(reason) or t(
            "workflow.log.closed_after", lang, revisit_id=state["closing_revisit"]
        )
    else:
        reason = _required(reason, "workflow.need_reason")
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
    _check_reopen(complaint, role, actor)
    reason = _required(reason, "workflow.need_reason")
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
