"""What the staff pages do to the data, as plain functions over a store: register a client, edit
a record, log a complaint, take a workflow action, record a revisit (and apply what it does to
its complaint), hand someone's clients and complaints over when they leave, and say whether a
save is in the spreadsheet yet.

No streamlit here. The rules come from `utils.workflow` and `utils.queues`; this package only
puts them together with the store's saves. Errors are `SheetdeskError`s (`InvalidRecord` with
problems by field, `ConflictError` with both versions, `WorkflowError`, `RecordNotFound`).

One module per concern, all re-exported here (`from utils import operations as ops`):
`clients` (register, edit), `complaints` (log, correct details), `actions` (workflow actions,
the pages' clock), `revisits` (record a revisit and its effect), `handover` (someone leaves),
`bookkeeping` (save state, exports registered, the settings tab).
"""

from __future__ import annotations

from utils.operations.actions import action_changes, apply_action, now, refusal
from utils.operations.bookkeeping import (
    record_export,
    save_setting,
    save_state,
    settings_rows,
)
from utils.operations.clients import (
    add_client,
    check_new_phone,
    edit_client,
    new_client_defaults,
)
from utils.operations.complaints import (
    COMPLAINT_DETAILS,
    MANAGER_DETAILS,
    edit_complaint,
    log_complaint,
)
from utils.operations.handover import HandoverConflict, HandoverResult, handover
from utils.operations.revisits import (
    ANSWERS,
    RevisitOutcome,
    followup_attempt,
    followup_state,
    record_revisit,
    revisit_kind_for,
)

__all__ = [
    "ANSWERS",
    "COMPLAINT_DETAILS",
    "MANAGER_DETAILS",
    "HandoverConflict",
    "HandoverResult",
    "RevisitOutcome",
    "action_changes",
    "add_client",
    "apply_action",
    "check_new_phone",
    "edit_client",
    "edit_complaint",
    "followup_attempt",
    "followup_state",
    "handover",
    "log_complaint",
    "new_client_defaults",
    "now",
    "record_export",
    "record_revisit",
    "refusal",
    "revisit_kind_for",
    "save_setting",
    "save_state",
    "settings_rows",
]
