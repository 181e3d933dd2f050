"""Complaint lifecycle rules: due dates in working days, overdue, transitions, the progress log.

Pure functions over plain data: a complaint is a `dict` field → value (text "" when missing,
dates as `datetime`/`date` or None), a tab is a DataFrame with the model's field names as
columns. Each action returns only the fields it changes (with the new `progress_log`); the
store stamps `updated_at`/`updated_by`. An action that is not allowed raises `WorkflowError`
with a catalogue key, so the page can say why in the user's language.

Lifecycle: received → in_progress → resolved → closed; resolved/closed → in_progress (reopen).
Levels: frontline → department → management → executive, one step at a time.

One module per concept, all re-exported here (`from utils import workflow as wf`): `people`
(who may act), `levels`, `followups` (what the follow-ups say, attempts allowed), `checks`
(may this action be taken now), `actions` (the transitions). Cell values and deadlines come
from `utils.cells` and `utils.deadlines` and are re-exported here as well.
"""

from __future__ import annotations

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
from utils.workflow.actions import assign as assign
from utils.workflow.actions import close as close
from utils.workflow.actions import escalate as escalate
from utils.workflow.actions import new_complaint_fields as new_complaint_fields
from utils.workflow.actions import record_feedback as record_feedback
from utils.workflow.actions import record_progress as record_progress
from utils.workflow.actions import reopen as reopen
from utils.workflow.actions import reopened as reopened
from utils.workflow.actions import resolve as resolve
from utils.workflow.checks import ACTIONS as ACTIONS
from utils.workflow.checks import allowed_actions as allowed_actions
from utils.workflow.checks import require_edit as require_edit
from utils.workflow.followups import ATTEMPT_CAP as ATTEMPT_CAP
from utils.workflow.followups import FOLLOWUP as FOLLOWUP
from utils.workflow.followups import attempt_limit as attempt_limit
from utils.workflow.followups import followup_calls as followup_calls
from utils.workflow.followups import followup_state as followup_state
from utils.workflow.followups import followup_summary as followup_summary
from utils.workflow.followups import is_independent as is_independent
from utils.workflow.levels import LEVELS as LEVELS
from utils.workflow.levels import level_of as level_of
from utils.workflow.levels import next_level as next_level
from utils.workflow.people import MANAGER_ROLES as MANAGER_ROLES
from utils.workflow.people import is_about as is_about
from utils.workflow.people import is_manager as is_manager
from utils.workflow.people import may_edit as may_edit
