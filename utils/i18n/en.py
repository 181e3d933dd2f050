"""English catalogue. Keys are grouped by area; zh.py has the same keys in the same order."""

MESSAGES: dict[str, str] = {
    # --- data problems (sheets_schema.validate) ---
    "problem.column_ref": "column {letter} “{header}”",
    "problem.missing_value": "{column_ref} is empty. {label} is required: fill it in.",
    "problem.bad_choice": (
        "{column_ref}: “{value}” is not one of the choices. Use one of: {options}."
    ),
    "problem.bad_date": "{column_ref}: “{value}” is not a date. Type it like 2026-10-05.",
    "problem.bad_datetime": (
        "{column_ref}: “{value}” is not a date and time. Type it like 2026-10-05 14:30."
    ),
    "problem.bad_int": "{column_ref}: “{value}” is not a whole number.",
    "problem.out_of_range": "{column_ref}: {value} is outside the allowed range {lo}–{hi}.",
    "problem.bad_phone": (
        "{column_ref}: “{value}” is not a phone number. Use digits, spaces, +, - and "
        "brackets only."
    ),
    "problem.bad_email": "{column_ref}: “{value}” is not an e-mail address (name@example.com).",
    "problem.bad_value": "{column_ref}: “{value}” is not valid ({detail}).",
    "problem.ignored_cell": " The cell is ignored until it is corrected.",
    "problem.duplicate_id": (
        "{column_ref}: ID {value} is already used in row {first}. Give one of the two rows "
        "a new ID or delete the duplicate; this row is left out until then."
    ),
    "problem.unknown_client": (
        "{column_ref}: there is no client {value} in the client register. Check the ID or "
        "register the client."
    ),
    "problem.unknown_complaint": (
        "{column_ref}: there is no complaint {value} in the complaint log. Check the ID."
    ),
    "problem.missing_column": (
        "The tab “{sheet}” has no “{label}” column ({field}). Add that header to row 1 "
        "(or run `python -m utils.cli init`); until then the tab cannot be read."
    ),
    "problem.missing_tab": (
        "The spreadsheet has no {label} tab. Create it with `python -m utils.cli init` or "
        "rename the tab that holds this table to “{label}”."
    ),
    "problem.duplicate_column": (
        "Columns {letter} and {other} both hold “{label}”; column {other} is used. Rename "
        "or delete one of them."
    ),
    "problem.needs_resolution": (
        "{column_ref} is empty but the status is “{status}”: a resolved or closed complaint "
        "needs {label}."
    ),
    "problem.needs_closed_at": (
        "{column_ref} is empty but the status is “{status}”: a closed complaint needs {label}."
    ),
    "problem.needs_solved": (
        "{column_ref} is empty: a complaint follow-up that reached the client must say "
        "whether the problem is solved."
    ),
    "problem.needs_complaint": (
        "{column_ref} is empty: a complaint follow-up must name the complaint it follows up."
    ),
    "problem.pending": "{count} save(s) are waiting to be written to the spreadsheet.",
    # --- store and command line ---
    "store.locked": (
        "The workbook {path} cannot be written right now (it may be open in Excel or WPS, "
        "read-only, or the disk is full). Your save is kept and will be written as soon as "
        "it can."
    ),
    "store.conflict": (
        "{tab} {record_id} was changed in the spreadsheet after you opened it "
        "(by {theirs_by} at {theirs_at}). Nothing was overwritten."
    ),
    "store.not_found": "{tab} {record_id} is not in the spreadsheet (it may have been deleted).",
    "store.invalid_record": "The record was not saved: {details}",
    "store.bad_workbook": (
        "{path} is not a workbook Sheetdesk can open ({detail}). Check the path in "
        "SHEETDESK_WORKBOOK, or move the file away so a new one is created."
    ),
    "cli.init_done": "{path}: tabs and headers are ready ({added}).",
    "cli.init_nothing": "nothing to add",
    "cli.check_ok": "{path}: no problems in {clients} clients, {complaints} complaints, "
    "{revisits} revisits.",
    "cli.check_summary": "{errors} error(s), {warnings} warning(s).",
    "cli.demo_done": "{path}: added {clients} clients, {complaints} complaints, "
    "{revisits} revisits.",
    "cli.import_done": "{tab}: {added} row(s) added, {skipped} already present, "
    "{rejected} rejected.",
    "cli.unknown_tab": "There is no table “{tab}”. Use clients, complaints or revisits.",
    "cli.file_missing": "File not found: {path}",
    "cli.file_unreadable": "Cannot read {path}: {detail}",
    # --- tabs and generic words ---
    "tab.clients": "Clients",
    "tab.complaints": "Complaints",
    "tab.revisits": "Revisits",
    "level.error": "error",
    "level.warning": "warning",
}
MESSAGES.update({
    "error.generic": "Something went wrong.",
})

# --- workflow ---
MESSAGES.update({
    # actions offered on a complaint (names as in utils.workflow.ACTIONS)
    "workflow.action.assign": "Assign handler",
    "workflow.action.escalate": "Escalate",
    "workflow.action.record_progress": "Record progress",
    "workflow.action.resolve": "Resolve",
    "workflow.action.record_feedback": "Client informed",
    "workflow.action.close": "Close",
    "workflow.action.reopen": "Reopen",
    # refusals (WorkflowError keys)
    "workflow.not_yours": (
        "Complaint {complaint_id} belongs to its first receiver ({first_receiver}) and "
        "handler ({handler}). Ask one of them or a manager to act on it."
    ),
    "workflow.wrong_state.assign": (
        "Only a received or in-progress complaint can be assigned a handler."
    ),
    "workflow.wrong_state.escalate": "Only a received or in-progress complaint can be escalated.",
    "workflow.wrong_state.record_progress": (
        "Progress can be recorded only on a received or in-progress complaint; reopen it first."
    ),
    "workflow.wrong_state.resolve": (
        "Only a received or in-progress complaint can be resolved; this one is already "
        "resolved or closed."
    ),
    "workflow.wrong_state.record_feedback": (
        "Informing the client can be recorded only once the complaint is resolved."
    ),
    "workflow.wrong_state.close": "Only a resolved complaint can be closed.",
    "workflow.wrong_state.reopen": "Only a resolved or closed complaint can be reopened.",
    "workflow.reassign_manager_only": (
        "{handler} already handles this complaint; only a manager can reassign it."
    ),
    "workflow.same_handler": "{handler} already handles this complaint.",
    "workflow.top_level": (
        "The complaint is already with the general manager, the top level; it cannot be "
        "escalated further."
    ),
    "workflow.close_needs_followup": (
        "A complaint is closed only after a follow-up revisit reached the client and the "
        "client said it is solved. Unreached attempts so far: {attempts} of {max}."
    ),
    "workflow.close_not_solved": (
        "The last follow-up says the problem is not solved or the client is unsatisfied: "
        "reopen the complaint instead of closing it."
    ),
    "workflow.close_unreachable_manager": (
        "The client was not reached in {attempts} follow-up attempts: a manager may close "
        "the complaint with a reason."
    ),
    "workflow.need_reason": "Give a reason.",
    "workflow.need_note": "Write what was done.",
    "workflow.need_resolution": "Describe how the complaint was resolved.",
    "workflow.need_description": "Describe the complaint.",
    "workflow.need_handler": "Choose the handler.",
    # generated details in the progress log
    "workflow.log.closed_after": "follow-up {revisit_id}: client reached, problem solved",
    "workflow.log.closed_unreached": "client not reached after {attempts} attempts; {reason}",
    "workflow.log.followup_not_solved": (
        "follow-up {revisit_id}: the client says the problem is not solved"
    ),
    "workflow.log.followup_unsatisfied": "follow-up {revisit_id}: the client is unsatisfied",
    "workflow.log.followup_both": (
        "follow-up {revisit_id}: the client says the problem is not solved and is unsatisfied"
    ),
    "workflow.log.already_top": "already at the top level, not escalated",
    "workflow.log.unreachable": (
        "follow-up {revisit_id}: attempt {attempts}, client not reached; a manager may close "
        "the complaint with a reason"
    ),
    # queues
    "workflow.overdue": "Overdue",
    "workflow.queue.followups": "Follow-ups to make",
    "workflow.queue.routine": "Routine revisits due",
    "workflow.col.attempts": "Unreached attempts",
    "workflow.col.next_attempt": "Next attempt",
    "workflow.col.last_attempt_at": "Last attempt",
    "workflow.col.unreachable": "Needs a manager",
    "workflow.col.last_reached": "Last reached",
    "workflow.col.due_on": "Due on",
    "workflow.col.days_late": "Days late",
    "workflow.col.late": "Late",
})  # end workflow

# --- pages ---
MESSAGES.update({
})  # end pages

# --- dashboard ---
MESSAGES.update({
})  # end dashboard

# --- gsheets ---
MESSAGES.update({
})  # end gsheets
