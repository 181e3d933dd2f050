"""One reminder and what every kind of reminder shares: the kinds, the `Reminder` record (kept
in the ledger, written again in either language from its `facts`), when the daily ones go, and
the client details a reminder carries.

**Client details** are shown as for a staff member who does not own the client, whoever the
recipient is (`utils.access.mask_phone`): a reminder is posted in group chats and passes
through the chat service's servers, where everyone in the group reads it.

Pure: no streamlit, no store, no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from utils.access import mask_phone
from utils.cells import clean_text
from utils.reminders.config import ReminderConfig
from utils.settings import Settings

ASSIGNED, DUE_SOON, OVERDUE, NOT_STARTED, ESCALATE = (
    "assigned",
    "due_soon",
    "overdue",
    "not_started",
    "escalate",
)
REVISITS, MANAGER = "revisits", "manager"
CASE_KINDS = (ASSIGNED, DUE_SOON, OVERDUE, NOT_STARTED, ESCALATE)
DIGEST_KINDS = (REVISITS, MANAGER)
KINDS = CASE_KINDS + DIGEST_KINDS
# events: told once, retried from the ledger until delivered even when no longer "due"
STICKY = (ASSIGNED, ESCALATE)


@dataclass(frozen=True)
class Reminder:
    """One thing to tell someone. `facts` are JSON-safe values the message is written from
    (so that a reminder kept in the ledger can be written again in either language)."""

    kind: str
    key: str
    to: tuple[str, ...]
    complaint_id: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "key": self.key,
            "to": list(self.to),
            "complaint_id": self.complaint_id,
            "facts": dict(self.facts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reminder:
        return cls(
            kind=str(data["kind"]),
            key=str(data["key"]),
            to=tuple(str(n) for n in data.get("to") or ()),
            complaint_id=str(data.get("complaint_id") or ""),
            facts=dict(data.get("facts") or {}),
        )

    def with_facts(self, **facts: Any) -> Reminder:
        return Reminder(self.kind, self.key, self.to, self.complaint_id, {**self.facts, **facts})


# ---- what the kinds share -------------------------------------------------------------------


def text_column(column: pd.Series) -> pd.Series:
    """A column as stripped text ("" for a blank)."""
    return column.fillna("").astype(str).str.strip()


def iso_minutes(value: Any) -> str:
    """A moment as ISO text to the minute ("" for none), as a reminder's facts hold it."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).to_pydatetime().isoformat(timespec="minutes")


def is_daily_time(now: dt.datetime, settings: Settings, config: ReminderConfig) -> bool:
    """Daily reminders (overdue, digests) go on working days from the digest hour on."""
    return settings.work_calendar.is_working_day(now.date()) and now.hour >= config.digest_hour


def digest_window(now: dt.datetime, settings: Settings, config: ReminderConfig) -> dt.datetime:
    """Where today's managers' digest starts: the previous working day at the digest hour."""
    today = dt.datetime.combine(now.date(), dt.time())
    previous = settings.work_calendar.add_working_days(today, -1)
    return dt.datetime.combine(previous.date(), dt.time(config.digest_hour))


def client_lookup(clients: pd.DataFrame, ids: Any) -> dict[str, dict[str, str]]:
    """client_id → {"client": name, "phone": masked} for the given IDs only."""
    wanted = {clean_text(i) for i in ids} - {""}
    if not wanted or clients is None or clients.empty:
        return {}
    cid = text_column(clients["client_id"])
    hit = cid.isin(wanted) & ~cid.duplicated()
    return {
        i: {"client": clean_text(name), "phone": mask_phone(phone)}
        for i, name, phone in zip(
            cid[hit], clients.loc[hit, "name"], clients.loc[hit, "phone"], strict=True
        )
    }


def client_facts(lookup: Mapping[str, dict], client_id: str) -> dict[str, str]:
    """A client's facts from a `client_lookup` (blank ones for a client not found)."""
    return lookup.get(clean_text(client_id), {"client": "", "phone": ""})


__all__ = [
    "ASSIGNED",
    "CASE_KINDS",
    "DIGEST_KINDS",
    "DUE_SOON",
    "ESCALATE",
    "KINDS",
    "MANAGER",
    "NOT_STARTED",
    "OVERDUE",
    "REVISITS",
    "STICKY",
    "Reminder",
    "client_facts",
    "client_lookup",
    "digest_window",
    "is_daily_time",
    "iso_minutes",
    "text_column",
]
