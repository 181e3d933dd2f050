"""Reminders that reach people: what is due, to whom, sent once through the configured channels.

    config    ReminderConfig, Setup; parse_reminders(table), load(secrets), read_secrets(path)
    due       Reminder; decide(frames, settings, now, config, since=, known=) — pure
    reminder  the kinds, the Reminder record, when daily ones go, masked client facts — pure
    cases     case_reminders (assigned, due_soon, overdue, not_started, escalate) — pure
    digests   revisit_digests, manager_digests: one a day per person — pure
    messages  compose(planned, lang, config) → Outgoing messages — pure
    ledger    Ledger (sent.jsonl + run lock), state_folder(store)
    status    last_run(folder) / last_run_for(store): the last run's summary for the pages
    run       run(store, setup, now=, lang=, dry_run=) → RunReport

The transport (WeCom, DingTalk, Feishu/Lark, webhook, e-mail) is `utils.notify`'s. Nothing here
imports streamlit or a store backend; `run` is handed the store. `docs/reminders.md` has the
setup, `python -m utils.cli remind` runs it.
"""

from utils.reminders.config import ReminderConfig, Setup, load, parse_reminders, read_secrets
from utils.reminders.due import KINDS, Reminder, decide
from utils.reminders.ledger import Ledger, state_folder
from utils.reminders.messages import Outgoing, compose
from utils.reminders.run import RunReport, run
from utils.reminders.status import last_run, last_run_for

__all__ = [
    "KINDS",
    "Ledger",
    "Outgoing",
    "Reminder",
    "ReminderConfig",
    "RunReport",
    "Setup",
    "compose",
    "decide",
    "last_run",
    "last_run_for",
    "load",
    "parse_reminders",
    "read_secrets",
    "run",
    "state_folder",
]
