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
        "{column_ref}: “{value}” is not a phone number. Use digits, spaces, +, - and brackets only."
    ),
    "problem.too_long": "{column_ref} is {value} characters long; a spreadsheet cell holds at most {limit}. Shorten it (or put the rest in another field).",
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
    "cli.import_waiting": "{count} more row(s) are saved but NOT in the spreadsheet yet ({reason}). They are kept beside it and written at the next chance (run any command, or open the app); exit status 3 until then.",
    "cli.password": "Password: ",
    "cli.password_again": "The same password again: ",
    "cli.password_short": "A password needs at least {n} characters. Nothing was printed.",
    "cli.password_mismatch": "The two passwords differ. Nothing was printed; try again.",
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
MESSAGES.update(
    {
        "error.generic": "Something went wrong.",
    }
)

# --- app frame (app.py, utils/ui.py, pages/home.py, pages/health.py) ---
MESSAGES.update(
    {
        "nav.home": "Home",
        "nav.clients": "Clients",
        "nav.complaints": "Complaints",
        "nav.revisits": "Revisits",
        "nav.dashboard": "Dashboard",
        "nav.health": "Data health",
        "auth.title": "Sign in to Sheetdesk",
        "auth.login": "Login",
        "auth.password": "Password",
        "auth.sign_in": "Sign in",
        "auth.sign_out": "Sign out",
        "auth.wrong": "That login and password do not match. Check them and try again; after several wrong tries, signing in is paused for a while.",
        "auth.locked": "Too many wrong tries: signing in is paused for about {minutes} minute(s). Ask an admin if you have forgotten your password.",
        "auth.expired": "You were signed out after a long time without activity. Sign in again to go on.",
        "auth.closed.title": "Sign-in is not set up",
        "auth.closed.body": "This Sheetdesk works on a shared Google Sheet, so nobody may use it without signing in. An admin adds accounts under [sheetdesk.accounts] in .streamlit/secrets.toml (passwords hashed with `python -m utils.cli hash-password`), or sets up OpenID Connect under [auth]. To allow use without sign-in on purpose, set allow_open = true under [sheetdesk]. See the README, “Accounts and sign-in”.",
        "auth.open_remote.title": "Only on this computer",
        "auth.open_remote.body": "No accounts are set up, so Sheetdesk opens only in a browser on the computer it runs on. To use it from other computers, an admin adds accounts first (README, “Accounts and sign-in”).",
        "auth.no_access.title": "No access yet",
        "auth.no_access.body": "You are signed in as {email}, but this address has no role in Sheetdesk. Ask {contact} to add it under [sheetdesk.roles].",
        "auth.no_access.admin": "your Sheetdesk admin",
        "auth.oidc_button": "Sign in with your company account",
        "auth.open_banner": "Open mode: no accounts are set up, so anyone who can open this address acts as admin. Add accounts before sharing it (README, “Accounts and sign-in”).",
        "ui.signed_in_as": ":material/person: **{name}** · {role}",
        "role.staff": "staff",
        "role.manager": "manager",
        "role.admin": "admin",
        "ui.store_local": ":material/description: Workbook: {source}",
        "ui.store_gsheets": ":material/cloud: Google Sheet: {source}",
        "ui.read_at": "Read at {time}",
        "ui.pending": "{count} save(s) waiting to be written to the spreadsheet. They are kept "
        "safely and shown everywhere; they will be written as soon as the spreadsheet can be.",
        "ui.conflicts": "{count} save(s) could not be written because the row changed in the "
        "spreadsheet meanwhile. See Data health.",
        "ui.writing": ":material/edit_note: Writing {count} save(s) to the spreadsheet…",
        "ui.kept_fallback": "The save folder beside the workbook cannot be written ({reason}). Saves are kept in {folder} instead and written to the spreadsheet from there.",
        "ui.kept_memory": "Saves cannot be written to disk ({reason}). They are kept only in this app's memory: do not close or restart the app until they are written. Free some disk space or fix the folder's permissions.",
        "ui.writer_failed": "Writing saves to the spreadsheet stopped ({reason}). They are kept; the next save or Refresh tries again.",
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
        "health.fix.title": "Fix a row here",
        "health.fix.managers": "A manager or an admin can fix these rows here (or anyone in the spreadsheet itself).",
        "health.fix.pick": "Row to fix",
        "health.fix.pick_hint": "Choose a row",
        "health.fix.row": "{tab}, row {row} · {record_id}",
        "health.fix.gone": "{record_id} is no longer in the spreadsheet.",
        "health.fix.changed": "The row changed in the spreadsheet meanwhile: look at it again before saving.",
        "health.fix.saved": "{record_id} fixed.",
        "complaints.log.requested_help": "Only when the client asked for a deadline (seeds: resolve by the time the client asks). When it is earlier than the time limit, it wins.",
        "nav.settings": "Settings",
        "settings.title": "Settings",
        "settings.admins_only": "Only an admin changes the team's settings.",
        "settings.intro": "Values in force and where each comes from: the spreadsheet's settings tab (edit it here or by hand), the secrets file or the environment (those win). A value the tab cannot use is marked and the default applies meanwhile.",
        "settings.col.label": "Setting",
        "settings.col.value": "In the settings tab",
        "settings.col.effective": "In force",
        "settings.col.source": "From",
        "settings.col.default": "Default",
        "settings.col.problem": "Problem",
        "settings.change": "Change a setting",
        "settings.key": "Setting",
        "settings.value": "New value",
        "settings.value_help": "As you would type it in the tab, e.g. 3, true, 2026-10-01, 2026-10-02, or 周主任, 吴经理. Leave it empty to go back to the default.",
        "settings.saved": "{label} saved in the settings tab.",
        "settings.reminders": "Reminders",
        "reminders.status.never": "Reminders have not run yet. See docs/reminders.md to set them up (`python -m utils.cli remind`, every few minutes).",
        "reminders.status.error": "The last reminder run ({at}) could not read the data: {error}",
        "reminders.status.ran": "Last reminder run {at}: {messages} message(s) — {kinds}; channels: {channels}.",
        "reminders.status.failing": "Reminder channel {channel} is failing: {reason}. Its reminders are sent again on the next run.",
        "reminders.status.sent": "sent",
        "reminders.status.failed": "failed",
        "reminders.status.deferred": "deferred",
        "reminders.status.skipped": "skipped",
        "home.latest": "The {shown} most recently changed of {total} rows. Search and filter them on the table's own page.",
        "health.title": "Data health",
        "health.intro": "Every row that does not pass validation is listed here with its tab, "
        "spreadsheet row and column. The rest of the data keeps working. Correct the cell in "
        "the spreadsheet, then press Refresh.",
        "health.none": "No problems: every row is valid.",
        "health.where": "Open the spreadsheet: {source}",
        "health.all": "All",
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
        "health.damaged": "Saves that could not be read back (their file is damaged)",
        "health.damaged_line": "A save written {created} could not be read back and was not written to the spreadsheet: file {name} ({reason}). What can still be read of it: {what}. Type it in again if it is missing from the sheet, then discard this note.",
        "health.damaged_what": "{tab} {record_id}",
        "health.damaged_unknown": "nothing (the file is empty or unreadable)",
        "health.drop_damaged": "Discard this note",
        "health.pending": "Saves waiting to be written",
        "health.summary": "{errors} error(s), {warnings} warning(s)",
    }
)  # end app frame

# --- workflow ---
MESSAGES.update(
    {
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
        "workflow.about_you": "{complaint_id} is a complaint about you, so you may not handle it or decide on it. A manager (or a colleague) takes it.",
        "workflow.handler_is_about": "{handler} is the person this complaint is about, so cannot handle it. Choose someone else.",
        "workflow.manager_only_fields": "Only a manager may change {fields}.",
        "workflow.deadline_reason": "Moving the deadline later needs a reason (it is written in the progress log).",
        "workflow.not_your_client": "{name} belongs to {owner}: only the owner or a manager may change it.",
        "workflow.owner_manager_only": "Only a manager may give a client to another staff member.",
        "workflow.admin_only": "Only an admin may do this.",
        "workflow.manager_only": "Only a manager may do this.",
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
        "workflow.log.earlier_resolution": "resolved {at} as: {text}",
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
    }
)  # end workflow

# --- pages ---
MESSAGES.update(
    {
        # shared by the staff pages (utils/ui_forms.py)
        "list.none": "Nothing matches.",
        "list.count_all": "{total} match(es).",
        "list.count_some": "Showing the first {shown} of {total} matches; narrow the search to see "
        "the rest.",
        "list.anyone": "Anyone",
        "list.click_to_open": "Click a row to open it.",
        "list.see_health": "Rows that fail validation are listed on the Data health page",
        "form.blank": "—",
        "form.required_note": "Fields marked * are required.",
        "form.save": "Save changes",
        "form.no_changes": "Nothing was changed, so nothing was saved.",
        "form.not_saved": "Not saved: correct the fields marked in red.",
        "form.stale": "This record was changed by {by} at {at} since you opened the form below; the "
        "form still shows the earlier values. Saving will show you both versions first.",
        "form.reload": "Reload the form",
        "form.help.phone": "Digits, spaces, +, - and brackets, e.g. 138 0013 8000 or +86 10 6552 "
        "9988.",
        "form.help.email": "name@example.com",
        "save.writing": "{record_id} is being written to the spreadsheet.",
        "save.kept": "{record_id} is saved but not in the spreadsheet yet ({error}). It is kept "
        "safely, shown everywhere, and will be written as soon as the spreadsheet can be reached.",
        "save.conflict_queued": "{record_id} could not be written because the row changed in the "
        "spreadsheet meanwhile. See Data health.",
        "conflict.title": "Changed in the spreadsheet meanwhile",
        "conflict.intro": "{record_id} was changed by {by} at {at}, after you opened it. Nothing has "
        "been overwritten. Compare the two versions and choose which one to keep.",
        "conflict.col.field": "Field",
        "conflict.col.mine": "Your version",
        "conflict.col.theirs": "In the spreadsheet now",
        "conflict.keep_mine": "Keep my version",
        "conflict.take_theirs": "Take the spreadsheet's version",
        "conflict.cancel": "Cancel",
        "conflict.took_theirs": "You took the spreadsheet's version of {record_id}; your changes "
        "were not saved.",
        "conflict.again": "The record changed once more in the meantime: this is the newest version.",
        # client register
        "clients.title": "Client register",
        "clients.tab.list": "Clients",
        "clients.tab.add": "Register a client",
        "clients.search": "Search",
        "clients.search_hint": "Name, phone or client ID",
        "clients.filter.grade": "Grade",
        "clients.filter.status": "Status",
        "clients.filter.owner": "Owner",
        "clients.masked_note": "Phone numbers and addresses of other staff's clients are masked.",
        "clients.add_submit": "Register client",
        "clients.added": "Client {name} registered as {record_id}.",
        "clients.saved": "Client {record_id} saved.",
        "clients.duplicate_phone": "The phone number {phone} already belongs to {count} client(s) "
        "in the register. Open them below, or register a new client anyway.",
        "clients.duplicate_link": "{name} · {record_id} · owner {owner}",
        "clients.add_anyway": "Register anyway",
        "clients.add_cancel": "Back to the form",
        "clients.back": "Client register",
        "clients.not_found": "There is no valid client {record_id} in the register.",
        "clients.m.complaints": "Complaints",
        "clients.m.open": "Open",
        "clients.m.overdue": "Overdue",
        "clients.m.revisits": "Revisits",
        "clients.m.last_reached": "Last reached",
        "clients.m.avg_score": "Average score",
        "clients.log_complaint": "Log a complaint for this client",
        "clients.record_revisit": "Record a revisit",
        "clients.shares_phone": "This phone number also belongs to {count} other client(s):",
        "clients.details": "Details",
        "clients.timeline": "Complaints and revisits",
        "clients.timeline_hint": "Click a row to open its complaint.",
        "clients.no_history": "No complaints or revisits yet.",
        "clients.edit": "Edit client",
        "clients.edit_not_allowed": "Only the client's owner ({owner}) or a manager can edit this "
        "client.",
        # complaint log
        "complaints.title": "Complaint log",
        "complaints.tab.list": "Complaints",
        "complaints.tab.log": "Log a complaint",
        "complaints.view": "Show",
        "complaints.view.open": "Open",
        "complaints.view.overdue": "Overdue",
        "complaints.view.mine": "Mine",
        "complaints.view.all": "All",
        "complaints.filters": "Filters",
        "complaints.f.status": "Status",
        "complaints.f.category": "Category",
        "complaints.f.severity": "Severity",
        "complaints.f.handler": "Handler",
        "complaints.f.period": "Received between",
        "complaints.f.text": "Search",
        "complaints.f.text_hint": "Complaint ID, client ID or words of the description",
        "complaints.unassigned": "(no handler)",
        "complaints.overdue_in_list": ":material/alarm: {count} of them are overdue (highlighted).",
        "complaints.col.client": "Client",
        "complaints.log.new_client": "New client: register them on the spot",
        "complaints.log.new_client_fields": "The new client",
        "complaints.log.find_client": "Find the client",
        "complaints.log.client": "Client",
        "complaints.log.client_hint": "Search, then choose",
        "complaints.log.no_client": "No client matches. Switch on “New client” to register them.",
        "complaints.log.need_client": "Choose the client, or register a new one.",
        "complaints.log.register_anyway": "Register a new client even if the phone number is "
        "already in the register",
        "complaints.log.phone_exists": "This phone number already belongs to {clients}. Choose that "
        "client instead, or tick the box above to register a new one anyway.",
        "complaints.log.severity_help": "Time limit in working days: normal {normal}, serious "
        "{serious}, critical {critical}.",
        "complaints.log.first_receiver": "You ({name}) are the first receiver (首问负责人) of this "
        "complaint; the time limit counts from now.",
        "complaints.log.submit": "Log complaint",
        "complaints.logged": "Complaint {record_id} logged. Resolve it by {due}.",
        "complaints.back": "Complaint log",
        "complaints.not_found": "There is no valid complaint {record_id} in the log.",
        "complaints.due": "Due {due}",
        "complaints.unknown_client": "Client {client_id} is not in the client register.",
        "complaints.actions": "What next",
        "complaints.no_actions": "Nothing to do on this complaint now.",
        "complaints.action_done": "{action}: {record_id} saved.",
        "complaints.a.handler": "Handler *",
        "complaints.a.handler_hint": "Choose or type a name",
        "complaints.a.escalate_to": "From {current} to {level}.",
        "complaints.a.reason": "Reason",
        "complaints.a.note": "What was done",
        "complaints.a.feedback_hint": "Record that the client has been told the result.",
        "complaints.a.close_solved": "Follow-up {revisit_id} reached the client, who says it is "
        "solved: the complaint can be closed.",
        "complaints.a.close_unreached": "The client was not reached in {attempts} follow-up "
        "attempts. As a manager you may close it: give the reason.",
        "complaints.followup_state": ":material/call: Follow-up: **{attempts}** unreached attempt(s) so far "
        "(of {max}).",
        "complaints.record_followup": "Record a follow-up revisit",
        "complaints.log": "Progress log",
        "complaints.log_empty": "Nothing recorded yet.",
        "complaints.revisits": "Follow-up revisits",
        # revisits
        "revisits.title": "Revisits",
        "revisits.tab.recorded": "Recorded revisits",
        "revisits.mine": "Mine only",
        "revisits.staff": "Staff",
        "revisits.followups_intro": "Resolved complaints waiting for a follow-up that reaches the "
        "client. After {max} unreached attempts a manager may close the complaint.",
        "revisits.routine_intro": "Active clients due for a routine revisit: grade A every {A} days, "
        "B every {B}, C every {C}, D every {D}, counted from the last revisit that reached them "
        "(or from registration).",
        "revisits.unreachable": "unreachable",
        "revisits.click_to_record": "Click a row to record the revisit.",
        "revisits.recorded_hint": "Click a row to open its complaint (or the client).",
        "revisits.back": "Revisit queue",
        "revisits.record_followup": "Follow-up of {record_id}",
        "revisits.record_routine": "Revisit a client",
        "revisits.not_resolved": "This complaint is {status}, not resolved: the revisit is recorded "
        "but does not close or reopen it.",
        "revisits.attempts_so_far": "Unreached attempts so far: {attempts} of {max}.",
        "revisits.attempt_note": "This will be attempt {attempt}.",
        "revisits.unreached_note": "If the client was not reached, only the method and time are "
        "kept.",
        "revisits.staff_note": "Recorded as made by you ({name}).",
        "revisits.submit": "Record revisit",
        "revisits.saved": "Revisit {record_id} recorded (attempt {attempt}).",
        "revisits.effect.closed": "Complaint {record_id} is closed: the client says it is solved.",
        "revisits.effect.reopened": "Complaint {record_id} is reopened and escalated to {level}: "
        "the client is not satisfied.",
        "revisits.effect.unreachable": "Complaint {record_id}: the client was not reached in "
        "{attempts} attempts. A manager may now close it with a reason.",
        # timelines and the progress log (utils/timeline.py)
        "timeline.col.at": "When",
        "timeline.col.event": "What",
        "timeline.col.record": "Record",
        "timeline.col.status": "Status now",
        "timeline.col.by": "By",
        "timeline.col.detail": "Details",
        "timeline.event.received": "Complaint received",
        "timeline.event.resolved": "Complaint resolved",
        "timeline.event.closed": "Complaint closed",
        "timeline.event.complaint_followup": "Follow-up revisit",
        "timeline.event.routine": "Routine revisit",
        "timeline.event.key_client": "Key-client revisit",
        "timeline.reached": "reached",
        "timeline.unreached": "not reached",
        "timeline.solved": "solved",
        "timeline.not_solved": "not solved",
        "log.action.receive": "Received",
        "log.action.assign": "Assigned",
        "log.action.escalate": "Escalated",
        "log.action.progress": "Progress",
        "log.action.resolve": "Resolved",
        "log.action.feedback": "Client informed",
        "log.action.close": "Closed",
        "log.action.reopen": "Reopened",
        "log.action.unreachable": "Client unreachable",
        "log.action.revisit": "Revisit",
        "list.all": "All",
        "clients.last_reached": "Last revisit that reached the client: {date}.",
        "clients.never_reached": "No revisit has reached this client yet.",
        "clients.phone_known": "This phone number is already in the register (see below).",
        "complaints.edit_details": "Correct the details",
        "complaints.edit_note": "A new severity moves the time limit. The change is noted in the "
        "progress log.",
        "complaints.saved": "Complaint {record_id} saved.",
        "log.action.edit": "Details corrected",
    }
)  # end pages

# --- dashboard ---
MESSAGES.update(
    {
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
        "dash.page.title": "Dashboard",
        "dash.page.intro": "Complaints, revisits and clients at a glance, for the period and "
        "filters you choose. Changes are against the previous period of the same length.",
        "dash.page.managers_only": "Sorry, {name}: the dashboard is for managers. Your own "
        "complaints and revisits are on the Complaints and Revisits pages; ask a manager if you "
        "need the figures.",
        "dash.page.empty": "There is no data yet. Load the demo data on the home page, or fill in "
        "the spreadsheet.",
        "dash.tile.within_limit": "Within the limit",
        "dash.tile.median_days": "Median days",
        "dash.tile.p90_days": "90th pct. days",
        "dash.tile.completion": "Follow-ups done",
        "dash.tile.per_100": "Per 100 clients",
        "dash.ctl.period": "Period",
        "dash.ctl.range": "From – to",
        "dash.ctl.range_hint": "Pick the first and the last day.",
        "dash.ctl.freq": "Charts over time",
        "dash.ctl.all": "All",
        "dash.ctl.clear": "Clear filters",
        "dash.ctl.split": "Split by",
        "dash.ctl.live": "Live refresh",
        "dash.ctl.live_help": "While on, the figures refresh themselves every {seconds} s from the "
        "shared read of the spreadsheet; turn off to keep them still.",
        "dash.status.live": "Data read at {read_at} · figures as of {as_of} · refreshes every "
        "{seconds} s",
        "dash.status.paused": "Data read at {read_at} · figures as of {as_of} · live refresh "
        "paused",
        "dash.status.period": "**{period}** ({start} – {end}) compared with {prev_start} – "
        "{prev_end}",
        "dash.status.filtered": "Filtered: {filters}",
        "dash.tab.complaints": "Complaints",
        "dash.tab.open": "Open and overdue",
        "dash.tab.revisits": "Revisits",
        "dash.tab.clients": "Clients",
        "dash.tab.staff": "Staff and star of the month",
        "dash.tab.downloads": "Downloads and report",
        "dash.list.client": "Client",
        "dash.list.none_overdue": "No complaint is overdue.",
        "dash.list.first": "The {shown} most overdue of {n} are shown; the downloads hold them all.",
        "dash.star.none": "No star for {month} yet: nobody has {n} reached revisits with a score.",
        "dash.star.line": "Star of the month, {month}: **{name}**, average revisit score "
        "{score} over {reached} reached revisits (at least {n} needed).",
        "dash.dl.data": "Filtered data",
        "dash.dl.note": "Complaints received and revisits done in the period, and the clients of "
        "the selected grades, with the filters applied. Headers and choices in the page's "
        "language.",
        "dash.dl.csv": "{table} · CSV ({rows} rows)",
        "dash.dl.xlsx": "All three tables · Excel",
        "dash.dl.report": "Monthly report",
        "dash.dl.report_note": "One HTML file with the month's figures, charts and lists: it "
        "opens offline and prints to PDF. Uses the filters above. Built when you click (a few "
        "seconds).",
        "dash.dl.month": "Month",
        "dash.dl.report_button": "Report for {month} · HTML",
        "dash.top.cause_count": "Times cited",
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
    }
)  # end dashboard

# --- gsheets ---
MESSAGES.update(
    {
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
    }
)  # end gsheets

# --- reminders: delivery channels (utils/notify) ---
MESSAGES.update(
    {
        "notify.error": "Sending through {channel} failed unexpectedly ({detail}).",
        "notify.rejected": "{channel} refused the reminder ({detail}). Sending it again will not help: check the channel's settings (webhook address, key, signing secret, password).",
        "notify.unavailable": "{channel} could not be reached ({detail}). The reminder can be sent again later.",
        "notify.rate_limited": "{channel} is receiving reminders too fast ({detail}). The reminder waits and can be sent again later.",
        "notify.result.sent": "Sent through {channel}.",
        "notify.result.no_recipients": "{channel}: nobody to send this reminder to (no e-mail address), so nothing was sent.",
        "notify.result.deferred": "{channel}: too many reminders in the last minute; this one can go in about {seconds} seconds.",
        "notify.config.not_a_table": "Reminder settings: `{key}` must be a table of settings (or a list of tables).",
        "notify.config.unknown_key": "Reminder settings: `{key}` is not a setting Sheetdesk knows. Check the spelling; known here: {known}.",
        "notify.config.missing": "Reminder settings: `{key}` is missing. Fill it in.",
        "notify.config.bad_url": "Reminder settings: `{key}` is not a {service} webhook address. Copy it again from the robot's settings; it looks like {example}",
        "notify.config.insecure_url": "Reminder settings: `{key}` must start with https://, so that its key is not sent unencrypted.",
        "notify.config.bad_value": "Reminder settings: `{key}` is not valid: {detail} expected.",
        "notify.config.insecure_login": 'Reminder settings: `{key}`: a password is sent only over an encrypted connection. Set security to "starttls" or "ssl", or use a relay on this computer.',
        "notify.config.duplicate_name": "Reminder settings: two channels are called “{name}”. Give one of them another `name`.",
        "notify.config.unknown_person": "Reminder settings: there is no “{name}” under `people`, so they cannot be @-mentioned or e-mailed. Add them there.",
    }
)  # end notify

# --- working-day calendar (utils/workdays.py, `python -m utils.cli calendar`) ---
MESSAGES.update(
    {
        "calendar.unknown_year": (
            "The holiday calendar does not know {years} yet: the official schedule is not in it, "
            "so public holidays there are estimated and make-up working days (调休) are missing. "
            "Once the schedule is published, update the holidays package, or add the days in "
            "the settings (holidays, working_days)."
        ),
        "calendar.unknown_choice": (
            "Unknown working-day calendar “{value}”: use CN (China), none (weekends only) or a "
            "country code the holidays package knows, such as HK, TW, SG or US."
        ),
        "calendar.label.cn": "China (CN)",
        "calendar.label.none": "weekends only",
        "calendar.label.country": "public holidays of {code}",
        "calendar.day_off": "day off",
        "calendar.working_day": "working day",
        "calendar.source.package": "holiday calendar",
        "calendar.source.team": "team settings",
        "calendar.makeup_day": "make-up working day (调休)",
        "calendar.team_working_day": "team working day",
        "calendar.team_day_off": "team day off",
        "calendar.weekend": "weekend",
        "calendar.weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "cli.calendar_header": (
            "{year}, {calendar}: {off} weekday(s) off, {working} weekend day(s) worked."
        ),
        "cli.calendar_line": "{date} {weekday}  {status}  {name}  [{source}]",
    }
)  # end calendar

# --- damaged or hostile workbooks (utils/store/xlsx_read.py, utils/cli/ check) ---
MESSAGES.update(
    {
        "problem.far_cell": (
            "Cell {ref} of the tab “{sheet}” holds “{value}” but lies outside the table "
            "(columns A–{last_column}, rows 1–{last_row}), so it is ignored. If it was typed by "
            "mistake, select it and press Delete (in Excel, Ctrl+End jumps to the last cell): a "
            "value that far out also makes the workbook slow to read."
        ),
        "problem.far_cells_more": (
            "{count} more cell(s) outside the table on the tab “{sheet}” are ignored as well."
        ),
        "store.workbook_empty": (
            "{path} is empty (0 bytes): it is not a workbook. A copy or save may have failed. "
            "Restore it from a backup, or move it away so a new one is created."
        ),
        "store.workbook_not_xlsx": (
            "{path} is not an .xlsx workbook (it may be an old .xls file, a CSV or another kind "
            "of file renamed to .xlsx). Open it in Excel or WPS and save it as “Excel Workbook "
            "(.xlsx)”, or point SHEETDESK_WORKBOOK at the right file."
        ),
        "store.workbook_damaged": (
            "{path} is damaged ({detail}): it may have been cut short by a copy or download "
            "that did not finish, or corrupted on disk. Restore it from a backup, or open it in "
            "Excel or WPS, which can often repair it, and save it again."
        ),
        "store.workbook_part_missing": (
            "{path} is damaged: the tab “{sheet}” is listed but its cells ({part}) are missing "
            "from the file. Restore it from a backup, or open it in Excel or WPS to repair it."
        ),
        "store.workbook_bad_xml": (
            "{path} is damaged: the tab “{sheet}” cannot be read ({detail}). Restore it from a "
            "backup, or open it in Excel or WPS to repair it and save it again."
        ),
        "store.workbook_too_big": (
            "{path} is too big for Sheetdesk: the tab “{sheet}” holds {size}. Move old rows to "
            "another workbook, or delete what was typed far below or to the right of the table."
        ),
        "store.workbook_unreadable": (
            "{path} cannot be read ({detail}). Check that the file is there and that this "
            "program may read it."
        ),
        "cli.workbook_missing": (
            "There is no workbook at {path}. Check the path, or create it with "
            "`python -m utils.cli init --workbook {path}`."
        ),
    }
)  # end damaged workbooks

# --- reminders (utils/reminders, python -m utils.cli remind) ---
MESSAGES.update(
    {
        "reminders.config.not_a_table": "Reminder settings: `{key}` must be a table of settings.",
        "reminders.config.unknown_key": "Reminder settings: `{key}` is not a setting Sheetdesk knows. Check the spelling; known here: {known}.",
        "reminders.config.not_positive": "Reminder settings: `{key}` must be a number of hours above 0.",
        "reminders.config.not_hour": "Reminder settings: `{key}` must be an hour of the day, 0 to 23.",
        "reminders.config.not_flag": "Reminder settings: `{key}` must be true or false.",
        "reminders.config.not_names": 'Reminder settings: `{key}` must be a list of names, like ["周主任", "吴经理"].',
        "reminders.config.bad_url": "Reminder settings: `{key}` must be the app's address, starting with https:// (or http://), like https://desk.example.cn.",
        "reminders.config.bad_settings": "The [sheetdesk] settings cannot be read ({detail}): check time limits, cadences, holidays and the calendar.",
        "reminders.config.no_secrets": "There is no settings file at {path}. Create it (see docs/reminders.md) or name another with --secrets.",
        "reminders.config.bad_secrets": "The settings file {path} cannot be read {detail}. Fix it in a text editor: it must be valid TOML.",
        "reminders.config.no_channels": "No reminder channel is configured: add one under [sheetdesk.notify] in {path} (see docs/reminders.md). `--dry-run` shows what would be sent without one.",
        "reminders.span.hours": "{n} working hours",
        "reminders.span.days": "{n} working days",
        "reminders.client": "{name} ({phone})",
        "reminders.reason.assigned": "assigned to you",
        "reminders.reason.assigned_by": "assigned to you by {by}",
        "reminders.reason.due_soon": "due in {hours} working hours ({due})",
        "reminders.reason.overdue": "overdue by {span} (was due {due})",
        "reminders.reason.not_started": "logged {days} working day(s) ago and not started",
        "reminders.reason.escalate": "overdue by {span} (due {due}), handler {owner}, level {level}: please take it up as {target}",
        "reminders.reason.escalated": "overdue by {span} (due {due}), handler {owner}: escalated automatically from {level} to {target}",
        "reminders.reason_sep": "; ",
        "reminders.case_line": "{head} {client}: {reasons}",
        "reminders.case_line_bare": "{head}: {reasons}",
        "reminders.title.cases": "{names}: {n} complaint(s) need you",
        "reminders.title.escalate": "{names}: {n} overdue complaint(s) need the level above",
        "reminders.title.part": " ({part}/{parts})",
        "reminders.title.revisits": "{name}: revisits today, {followups} follow-up(s), {routine} routine this week",
        "reminders.revisits.followups": "Complaint follow-ups waiting: {n}",
        "reminders.revisits.followup_line": "- {id} {client}: attempt {attempt}",
        "reminders.revisits.more": "- … and {n} more",
        "reminders.revisits.routine": "Routine revisits due by {week_end}: {n} ({late} late)",
        "reminders.revisits.routine_line": "- {client}: due {due}",
        "reminders.revisits.routine_late": "- {client}: due {due}, late",
        "reminders.title.manager": "Service desk daily digest {date}",
        "reminders.manager.body": "Since {since}: {new} new complaint(s), {resolved} resolved, {reopened} reopened\nOverdue now: {overdue} (of {open} open)\nRevisits: {revisits} done, {reached} reached, satisfied {satisfied}, average score {score}",
        "reminders.log.auto_escalate": "overdue by more than {hours} working hours (due {due}); escalated automatically",
        "reminders.kind.assigned": "assigned",
        "reminders.kind.due_soon": "due soon",
        "reminders.kind.overdue": "overdue",
        "reminders.kind.not_started": "not started",
        "reminders.kind.escalate": "to the level above",
        "reminders.kind.revisits": "revisit digests",
        "reminders.kind.manager": "managers' digests",
        "reminders.list_sep": ", ",
        "reminders.run.busy": "Another reminder run is in progress ({folder}); this one stops. Nothing was sent.",
        "reminders.run.nothing": "No reminders to send.",
        "reminders.run.done": "{reminders} reminder(s) in {messages} message(s):",
        "reminders.run.would": "Dry run: {reminders} reminder(s) in {messages} message(s) would be sent. Nothing was sent or recorded.",
        "reminders.run.kind_count": "{kind} {n}",
        "reminders.run.status.sent": "{n} sent",
        "reminders.run.status.failed": "{n} failed",
        "reminders.run.status.deferred": "{n} deferred",
        "reminders.run.status.skipped": "{n} with nobody to send to",
        "reminders.run.deferred": "{n} message(s) wait for a channel's rate limit and go on the next run.",
        "reminders.run.failed": "{n} send(s) failed; they will be tried again on the next run.",
        "reminders.run.escalated": "Escalated automatically: {ids}",
        "reminders.run.would_escalate": "Would escalate automatically: {ids}",
        "reminders.run.conflicts": "Changed by someone meanwhile, not escalated this run: {ids}",
        "reminders.run.escalation_error": "{id} could not be escalated ({detail}); the level above is told anyway.",
        "reminders.run.unknown_people": "Not in the people list (no @-mention, no e-mail): {names}. Add them under [sheetdesk.notify.people].",
        "reminders.run.bad_lines": "{n} line(s) of the sent log could not be read and were ignored.",
        "reminders.run.preview_head": "→ {to} [{channels}]",
        "cli.remind_workbook_missing": "There is no workbook at {path}, so there is nothing to remind of. Check the path, or SHEETDESK_WORKBOOK.",
    }
)  # end reminders


# --- the seeds' duties without loopholes (docs/policies.md) ---
MESSAGES.update(
    {
        "workflow.attempts_exhausted": (
            "The client of complaint {complaint_id} was not reached in {max} follow-up calls "
            "since it was resolved, the most one round allows: another unreached call is not "
            "recorded. A manager may now close the complaint with a reason (Close, with why); "
            "a call that reaches the client can still be recorded."
        ),
        "workflow.close_needs_independent": (
            "The follow-up that reached the client was made by the complaint's handler "
            "({handler}) or first receiver ({first_receiver}): it does not count. Someone else "
            "must call the client and record the follow-up before it is closed."
        ),
        "workflow.handover_manager_only": (
            "Only a manager may hand someone's clients and complaints over; {name} is not one."
        ),
        "workflow.handover_need_names": "Choose who is leaving and who takes over.",
        "workflow.handover_same": "{name} cannot hand over to themselves: choose someone else.",
        "workflow.not_started": "Not started",
        "workflow.key_client": "Key client",
        "complaints.col.key_client": "Key client",
        "revisits.effect.not_independent": (
            "Revisit saved. Complaint {record_id} stays open: a follow-up by its handler or "
            "first receiver does not close it — someone else must call the client."
        ),
        "problem.level_skipped": (
            "{column_ref}: the progress log escalates the complaint from {from_en} straight to "
            "{to_en}, skipping a level. Complaints go up one level at a time: check the level "
            "and add the missing step's line to the log if it went through it."
        ),
        "problem.level_unexplained": (
            "{column_ref} says {level_en}, but the progress log has no line escalating the "
            "complaint to {level_en} (who, when and why). Escalate it in Sheetdesk, or add a "
            "line like “2026-11-23 10:05 王芳 escalate→{level_code}: the reason”."
        ),
        "dash.kpi.not_started": "Not started",
        "dash.help.not_started": (
            "Complaints still “received” one working day after they arrived: nobody has "
            "started on them (counted from their status now)."
        ),
        "dash.list.not_started": "Not started one working day after arriving (as of {when})",
        "dash.list.none_not_started": "Every complaint was started within one working day.",
        "report.col.waiting_days": "Working days waiting",
        "dash.staff.scored": "Scored revisits served",
        "dash.staff.complaints_about": "Complaints about them",
        "dash.staff.verified": "Verified true",
        "dash.star.line_served": (
            "Star of the month, {month}: **{name}** — average score {score} from {scored} "
            "scored revisits of the clients and complaints they served (at least {n} needed)."
        ),
        "dash.star.joint": "Joint stars of the month, {month}: **{names}** — average score "
        "{score} from {scored} scored revisits each (at least {n} needed).",
        "dash.star.verified_note": "Verified complaints about them this month: {verified}.",
        "dash.star.served_note": (
            "Scores count for the person who served the client (the complaint's handler, else "
            "the client's owner), not for whoever made the call."
        ),
        "dash.handover.title": "Someone is leaving: hand over their clients and complaints",
        "dash.handover.note": (
            "Every client they own and every open complaint they answer for goes to the "
            "person taking over, in one step; each complaint's progress log notes it."
        ),
        "dash.handover.from": "Leaving",
        "dash.handover.to": "Taking over",
        "dash.handover.button": "Hand over",
        "dash.handover.done": "{from_name} → {to_name}: {clients} client(s) and {complaints} "
        "open complaint(s) handed over.",
        "dash.handover.conflict.about": "{record_id}: the complaint is about {to_name}, who may "
        "not handle it. Assign it to someone else.",
        "dash.handover.conflict.changed": "{record_id}: changed by someone else meanwhile; "
        "open it and assign it by hand.",
        "dash.dl.week": "Week",
        "dash.dl.week_title": "Weekly complaint table",
        "dash.dl.week_note": "Every complaint received that week with its deadline, handling "
        "and result (the Monday hand-over table), as CSV.",
        "dash.dl.week_button": "Complaints of {week} · CSV",
        "report.h.month_complaints": "Complaints of the month and their results",
        "report.h.suggestions": "Clients' suggestions from revisits",
        "report.h.about_staff": "Complaints about staff",
        "report.feedback_line": (
            "Feedback to the client within one working day of the resolution: {share} "
            "({timely} of {resolved} complaints resolved this month)."
        ),
        "report.col.person": "Staff member",
        "report.col.complaints": "Complaints",
        "report.col.verified": "Verified true",
        "report.col.served_by": "Served by",
        "report.star_served": "average score {score} from {n} scored revisits of the clients "
        "and complaints they served (at least {min} needed).",
        "report.joint_stars": "Joint stars",
        "cli.week_done": "Weekly complaint table of {week} written to {path} ({rows} complaints)",
    }
)  # end the seeds' duties

# --- my work: where staff land (pages/my_work.py, utils/my_work.py) ---
MESSAGES.update(
    {
        "nav.my_work": "My work",
        "my_work.title": "My work",
        "my_work.intro": "{name}, this is what is waiting for you as of {time}.",
        "my_work.empty": "There is no data yet. An administrator can load the demo data on "
        "the home page.",
        "my_work.all_clear": "Nothing overdue, due today or waiting to be started among the "
        "complaints you received or handle.",
        "my_work.overdue": "Overdue",
        "my_work.overdue.hint": "Open complaints you received or handle, past their time "
        "limit: deal with these first.",
        "my_work.overdue.none": "Nothing overdue.",
        "my_work.due_today": "Due today",
        "my_work.due_today.hint": "Open complaints you received or handle that are due before "
        "the end of today.",
        "my_work.due_today.none": "Nothing due today.",
        "my_work.not_started": "Not started",
        "my_work.not_started.hint": "Still only received one working day after they came in: "
        "an investigation should start within one working day.",
        "my_work.not_started.none": "Nothing waiting to be started.",
        "my_work.followups": "Follow-ups to make",
        "my_work.followups.hint": "Resolved complaints waiting for a follow-up call that "
        "reaches the client. Click one to record it.",
        "my_work.followups.none": "No follow-ups waiting for you.",
        "my_work.routine": "Revisits due",
        "my_work.routine.hint": "Your clients due or late for a revisit. Click one to record it.",
        "my_work.routine.none": "None of your clients is due for a revisit.",
        "my_work.recent": "My clients' recent complaints",
        "my_work.recent.hint": "Complaints of the clients you look after, received in the last "
        "{days} days, whoever logged them.",
        "my_work.recent.none": "None of your clients complained in the last {days} days.",
        "demo.cannot_remove": "The demo data cannot be taken out of {source} by the app yet: "
        "this store cannot delete rows. Nothing was deleted.",
    }
)  # end my work

# --- change history and settings tab (utils/history.py, utils/settings_sheet.py) ---
MESSAGES.update(
    {
        "tab.changes": "Change history",
        "tab.settings": "Settings",
        "problem.deleted_by_hand": "{label} {value} is no longer in the spreadsheet: Sheetdesk last saved it on {at} ({by}). It was probably deleted by hand. If that was a mistake, put the row back (from a backup; its changes are in the change history tab); if it was deleted on purpose, this warning can be ignored.",
        "problem.deleted_more": "{count} more record(s) of this table that Sheetdesk saved are no longer in the spreadsheet either (see the change history tab).",
        "problem.bad_setting.int": "{column_ref}: “{value}” is not a whole number from {lo} to {hi}, which the setting “{setting}” needs. The default ({default}) is used until it is corrected.",
        "problem.bad_setting.number": "{column_ref}: “{value}” is not a number from {lo} to {hi}, which the setting “{setting}” needs. The default ({default}) is used until it is corrected.",
        "problem.bad_setting.dates": "{column_ref}: “{value}” is not a list of dates (like 2026-10-08, 2026-10-09) for the setting “{setting}”. The default ({default}) is used until it is corrected.",
        "problem.bad_setting.calendar": "{column_ref}: “{value}” is not a holiday calendar for the setting “{setting}”: use CN, none or a country code such as HK or SG. The default ({default}) is used until it is corrected.",
        "problem.bad_setting.language": "{column_ref}: “{value}” is not a language for the setting “{setting}”: use zh or en. The default is used until it is corrected.",
        "problem.bad_setting.flag": "{column_ref}: “{value}” is not yes or no, which the setting “{setting}” needs. The default ({default}) is used until it is corrected.",
        "problem.bad_setting.names": "{column_ref}: “{value}” cannot be read as names for the setting “{setting}”.",
        "problem.unknown_setting": "{column_ref}: “{value}” is not a setting Sheetdesk knows, so this row is ignored. Check the spelling (for example time_limit.normal, cadence.A, holidays).",
        "problem.secret_setting": "{column_ref}: “{value}” cannot be set in the spreadsheet: accounts, roles and credentials are configured in the app's secrets only. This row is ignored; delete it (and change the password or key if one was typed here).",
        "problem.setting_twice": "{column_ref}: the setting “{setting}” is already given on row {first}; that row's value is used and this one is ignored.",
        "history.title": "Change history",
        "history.none": "Nothing saved in Sheetdesk yet.",
        "history.col.at": "When",
        "history.col.by": "By",
        "history.col.kind": "What",
        "history.col.field": "Field",
        "history.col.old": "Old value",
        "history.col.new": "New value",
        "history.col.note": "Note",
        "history.hand_edits_note": "Only what was saved in Sheetdesk is listed here: changes typed directly into the spreadsheet are not.",
        "history.note.appended": "lines added",
        "history.note.bulk": "{count} records loaded at once by {user}",
        "history.note.export": "{what}: {rows:,} rows",
        "settings.default_note": "{label}. Blank: the default ({default}).",
        "settings.none": "none",
        "settings.source.default": "default",
        "settings.source.sheet": "settings tab",
        "settings.source.secrets": "secrets (overrides the settings tab)",
        "settings.source.environment": "environment (overrides the settings tab)",
        "settings.admin_only": "Only an administrator may change settings; {name} is signed in as {role}.",
        "settings.unknown_key": "There is no setting “{key}”.",
        "settings.several_rows": "The setting “{key}” is on several rows of the settings tab (rows {rows}). Change it in the spreadsheet, or put its values on one row first.",
        "settings.col.key": "Key",
        "settings.col.label": "Setting",
        "settings.col.value": "In the settings tab",
        "settings.col.effective": "In force",
        "settings.col.source": "From",
        "settings.col.default": "Default",
        "settings.col.rows": "Rows",
        "settings.col.problem": "Problem",
    }
)  # end change history and settings tab

MESSAGES.update(
    {
        "cli.language.zh": "Chinese",
        "cli.language.en": "English",
        "cli.translate_done": (
            "{path} is now in {language}: {tabs} tab name(s), {headers} header cell(s), "
            "{choices} choice cell(s) and {logs} progress log(s) changed; nothing else."
        ),
        "cli.translate_nothing": "{path} is in {language} already: nothing was changed.",
        "cli.translate_skipped": "Left as it is: {what}",
        "store.translate_missing": (
            "There is no workbook at {path} to translate. Check the path (--workbook)."
        ),
        "store.translate_busy": (
            "{path} cannot be translated now: {reason}. Close it in Excel, WPS or LibreOffice "
            "(or wait for the app's saves to finish) and run the command again."
        ),
        "store.translate_unsupported": "{source} cannot be translated by Sheetdesk.",
    }
)  # end sheet language
