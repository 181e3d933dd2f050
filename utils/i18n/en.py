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
    "cli.report_done": "Report written to {path}",
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

# --- app frame (app.py, utils/ui.py, pages/home.py, pages/health.py) ---
MESSAGES.update({
    "nav.home": "Home",
    "nav.clients": "Clients",
    "nav.complaints": "Complaints",
    "nav.revisits": "Revisits",
    "nav.dashboard": "Dashboard",
    "nav.health": "Data health",
    "ui.your_name": "Your name",
    "ui.your_name_hint": "e.g. 王芳",
    "ui.sign_in": "Start",
    "ui.name_required": "Type your name first: it is stamped on what you save.",
    "ui.signed_in_as": "👤 **{name}** · {role}",
    "ui.sign_out": "Change person",
    "ui.sign_in_first": "Type your name in the sidebar first: it is stamped on what you save.",
    "role.staff": "staff",
    "role.manager": "manager",
    "role.admin": "admin",
    "ui.store_local": "📄 Workbook: `{source}`",
    "ui.store_gsheets": "🟢 Google Sheet: `{source}`",
    "ui.read_at": "Read at {time}",
    "ui.pending": "{count} save(s) waiting to be written to the spreadsheet. They are kept "
    "safely and shown everywhere; they will be written as soon as the spreadsheet can be.",
    "ui.conflicts": "{count} save(s) could not be written because the row changed in the "
    "spreadsheet meanwhile. See Data health.",
    "ui.refresh": "Refresh",
    "home.title": "Sheetdesk service desk",
    "home.welcome": "Welcome! The spreadsheet is empty. Start by registering a client, or "
    "load demo data to look around (it can be deleted from the workbook later).",
    "home.load_demo": "Load demo data",
    "home.demo_loaded": "Demo data loaded: {clients} clients, {complaints} complaints, "
    "{revisits} revisits.",
    "home.counts": "{clients} clients · {complaints} complaints · {revisits} revisits",
    "home.problems": "{count} row(s) need attention — see Data health.",
    "home.tables": "Tables",
    "health.title": "Data health",
    "health.intro": "Every row that does not pass validation is listed here with its tab, "
    "spreadsheet row and column. The rest of the data keeps working. Correct the cell in "
    "the spreadsheet, then press Refresh.",
    "health.none": "No problems: every row is valid.",
    "health.where": "Open the spreadsheet: {source}",
    "health.filter_tab": "Tab",
    "health.filter_level": "Level",
    "health.search": "Search messages",
    "health.col.level": "Level",
    "health.col.tab": "Tab",
    "health.col.row": "Row",
    "health.col.column": "Column",
    "health.col.message": "What to do",
    "health.conflicts": "Saves not written because the row changed in the spreadsheet",
    "health.conflict_line": "{tab} {record_id} (saved {created}): {error}",
    "health.drop_conflict": "Discard this save",
    "health.pending": "Saves waiting to be written",
    "health.summary": "{errors} error(s), {warnings} warning(s)",
})  # end app frame

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
    "dash.unset": "(not set)",
    "dash.unassigned": "(unassigned)",
    "dash.state.on_time": "Not overdue",
    "dash.state.overdue": "Overdue",
    "dash.week_of": "Week of {date}",
    "dash.dim.category": "Category",
    "dash.dim.channel": "Channel",
    "dash.dim.severity": "Severity",
    "dash.dim.level": "Level",
    "dash.dim.owner": "Handler",
    "dash.dim.grade": "Client grade",
    "dash.dim.client_status": "Client status",
    "dash.axis.week": "Week",
    "dash.axis.month": "Month",
    "dash.axis.complaints": "Complaints",
    "dash.axis.share": "Share",
    "dash.axis.open": "Open complaints",
    "dash.axis.working_days": "Working days to resolve",
    "dash.axis.count": "Count",
    "dash.axis.scored": "Scored revisits",
    "dash.axis.clients": "Clients",
    "dash.axis.per_100": "Per 100 active clients",
    "dash.unit.days": "working days",
    "dash.short.median": "Median",
    "dash.short.p90": "P90",
    "dash.chart.over_time.category": "Complaints over time, by category",
    "dash.chart.over_time.channel": "Complaints over time, by channel",
    "dash.chart.over_time.severity": "Complaints over time, by severity",
    "dash.chart.by_category": "Complaints by category",
    "dash.chart.by_channel": "Complaints by channel",
    "dash.chart.by_severity": "Complaints by severity",
    "dash.chart.open_by_level": "Open complaints by level",
    "dash.chart.open_by_owner": "Open complaints by handler",
    "dash.chart.resolve_time": "Time to resolve (working days)",
    "dash.chart.revisit_rates": "Revisits",
    "dash.chart.score_trend": "Average revisit score",
    "dash.chart.clients": "Clients by grade and status",
    "dash.chart.new_clients": "New clients per month",
    "dash.chart.per_100": "Complaints per 100 active clients",
    "dash.kpi.received": "Received",
    "dash.kpi.open": "Open",
    "dash.kpi.overdue": "Overdue",
    "dash.kpi.resolved": "Resolved",
    "dash.kpi.closed": "Closed",
    "dash.kpi.within_limit": "Resolved within the limit",
    "dash.kpi.median_days": "Median time to resolve (working days)",
    "dash.kpi.p90_days": "90th percentile time to resolve (working days)",
    "dash.kpi.reopened": "Reopened",
    "dash.kpi.completion": "Follow-up completion",
    "dash.kpi.reach_rate": "Reach rate",
    "dash.kpi.solved_share": "Client says solved",
    "dash.kpi.satisfied_share": "Satisfied",
    "dash.kpi.avg_score": "Average score",
    "dash.kpi.active_clients": "Active clients",
    "dash.kpi.new_clients": "New clients",
    "dash.kpi.per_100": "Complaints per 100 active clients",
    "dash.help.received": "Complaints received in the period.",
    "dash.help.open": "Complaints not yet resolved at the end of the period (or now).",
    "dash.help.overdue": "Open complaints past their time limit at the end of the period (or now).",
    "dash.help.resolved": "Complaints resolved in the period (status resolved or closed).",
    "dash.help.closed": "Complaints closed in the period.",
    "dash.help.within_limit": (
        "Of the complaints resolved in the period, the share resolved by their time limit."
    ),
    "dash.help.median_days": "Half of the complaints resolved in the period took at most this "
    "many working days.",
    "dash.help.p90_days": "90% of the complaints resolved in the period took at most this many "
    "working days.",
    "dash.help.reopened": "Complaints reopened in the period (by hand or after an unhappy "
    "follow-up).",
    "dash.help.completion": "Complaints resolved in the period whose follow-up reached the "
    "client, out of all resolved in the period.",
    "dash.help.reach_rate": "Revisits in the period that reached the client.",
    "dash.help.solved_share": "Reached clients who said their problem is solved.",
    "dash.help.satisfied_share": "Reached clients who rated the service attitude satisfied.",
    "dash.help.avg_score": "Average service score (1–10) given in the period's revisits.",
    "dash.help.active_clients": "Clients whose status is active now.",
    "dash.help.new_clients": "Clients registered in the period.",
    "dash.help.per_100": "Complaints received in the period per 100 active clients.",
    "dash.staff.staff": "Staff",
    "dash.staff.handled": "Complaints handled",
    "dash.staff.within_limit": "Within the limit",
    "dash.staff.open": "Open",
    "dash.staff.overdue": "Overdue",
    "dash.staff.revisits": "Revisits done",
    "dash.staff.reached": "Reached",
    "dash.staff.avg_score": "Average score",
    "dash.period.this_week": "This week",
    "dash.period.this_month": "This month",
    "dash.period.last_month": "Last month",
    "dash.period.custom": "Custom",
    "dash.freq.W": "By week",
    "dash.freq.M": "By month",
    "dash.vs_previous": "vs {start} – {end}",
    "report.title": "Complaints and revisits: monthly report, {month}",
    "report.meta": "Period {start} – {end}, compared with {previous}.",
    "report.as_of": "Open and overdue complaints as of {when}. Data read {now}.",
    "report.filters": "Filtered: {filters}",
    "report.h.figures": "Figures of the month",
    "report.section.complaints": "Complaints",
    "report.section.revisits": "Revisits",
    "report.section.clients": "Clients",
    "report.col.figure": "Figure",
    "report.col.change": "Change",
    "report.definitions": (
        "Time to resolve counts working days only (weekends and holidays skipped). A complaint "
        "resolved exactly at its time limit counts as within the limit. pp = percentage points."
    ),
    "report.h.charts": "Charts",
    "report.h.overdue": "Overdue complaints (as of {when})",
    "report.col.overdue_days": "Working days overdue",
    "report.h.reopened": "Reopened complaints",
    "report.col.reopened_at": "Reopened at",
    "report.col.times": "Times reopened",
    "report.h.staff": "Staff",
    "report.star_title": "Star of the month, {month}",
    "report.star_line": "average revisit score {score} over {n} reached revisits "
    "(at least {min} needed).",
    "report.no_star": "No star this month: nobody reached {n} clients in revisits.",
    "report.h.top": "Top complaint categories and their root causes",
    "report.action": "Corrective action",
    "report.no_cause": "No root cause recorded.",
    "report.none": "None.",
    "report.more": "… and {n} more (see the dashboard for the full list).",
    "report.footer": "Generated by Sheetdesk on {when}.",
})  # end dashboard

# --- gsheets ---
MESSAGES.update({
    "gsheets.bad_spreadsheet": (
        "“{value}” is not a Google Sheets address or spreadsheet key. Copy the spreadsheet's "
        "address from the browser (https://docs.google.com/spreadsheets/d/…) into "
        "SHEETDESK_SPREADSHEET or `spreadsheet` in .streamlit/secrets.toml."
    ),
    "gsheets.credentials_missing": (
        "Google Sheets is configured but no credentials were found. Set "
        "GOOGLE_APPLICATION_CREDENTIALS to the path of the service account's JSON key file, or "
        "put the key's fields under [connections.gsheets] in .streamlit/secrets.toml."
    ),
    "gsheets.credentials_not_found": (
        "The service-account key file {path} does not exist. Check the path in "
        "GOOGLE_APPLICATION_CREDENTIALS."
    ),
    "gsheets.credentials_bad_json": (
        "{where} is not a readable JSON key file ({detail}). Download the service account's "
        "key again (Google Cloud console → IAM → Service accounts → Keys → Add key → JSON)."
    ),
    "gsheets.credentials_not_service_account": (
        "The credentials in {where} are not a service account's key (type “{kind}”). Create a "
        "service account and download its JSON key (Google Cloud console → IAM → Service "
        "accounts → Keys → Add key → JSON)."
    ),
    "gsheets.credentials_incomplete": (
        "The service-account key in {where} lacks {fields}. Copy every field of the JSON key "
        "file there."
    ),
    "gsheets.credentials_invalid": (
        "The service-account key in {where} cannot be used ({detail}). The private key may "
        "have been cut or changed when it was copied: copy it again from the JSON key file."
    ),
    "gsheets.credentials_rejected": (
        "Google refused the service-account key ({detail}). The key may have been deleted or "
        "disabled: create a new key for the service account."
    ),
    "gsheets.api_disabled": (
        "The Google Sheets API is not enabled in the service account's Google Cloud project. "
        "Enable it (console.cloud.google.com → APIs & Services → Library → Google Sheets API) "
        "and try again in a few minutes. ({detail})"
    ),
    "gsheets.not_shared": (
        "The service account {email} may not open the spreadsheet {key}. In Google Sheets, "
        "click Share and add {email} as an Editor."
    ),
    "gsheets.not_found": (
        "There is no Google spreadsheet {key}, or it was deleted. Check SHEETDESK_SPREADSHEET "
        "or `spreadsheet` in .streamlit/secrets.toml."
    ),
    "gsheets.unavailable": (
        "Google Sheets cannot be reached right now ({detail}). Saves are kept on this computer "
        "and written as soon as it can be reached; try reading again in a minute."
    ),
    "gsheets.api_error": "Google Sheets refused the request: {detail}",
    "gsheets.stale": (
        "Showing the data as read {age} seconds ago: Google Sheets could not be read just now "
        "({detail})."
    ),
})  # end gsheets
