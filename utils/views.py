"""What the staff pages show of their records: the columns of each list and detail pane, the
badge line of a complaint and of a client, and the lists and queues as tables for people
(labels in the page's language, the page's own marker columns). Pure: the pages put these on
the screen; badge text is Markdown, every value from the spreadsheet in it escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from sheets_schema import choices as ch
from utils import workflow as wf
from utils.display import labelled, md
from utils.i18n import t
from utils.settings import Settings

# --- complaints -------------------------------------------------------------------------------

COMPLAINT_LIST_COLUMNS = [
    "complaint_id",
    "received_at",
    "client_id",
    "category",
    "severity",
    "status",
    "level",
    "handler",
    "due_at",
    "description",
]
COMPLAINT_DETAIL_FIELDS = [
    "received_at",
    "channel",
    "category",
    "severity",
    "first_receiver",
    "handler",
    "level",
    "status",
    "due_at",
    "requested_due",
    "resolved_at",
    "resolution",
    "root_cause",
    "corrective_action",
    "feedback_at",
    "responsible_staff",
    "verified",
    "closed_at",
    "updated_at",
    "updated_by",
]
COMPLAINT_REVISIT_COLUMNS = [  # a complaint's follow-ups, on its page
    "revisit_id",
    "done_at",
    "staff",
    "attempt",
    "reached",
    "solved",
    "attitude",
    "score",
    "suggestions",
]
STATUS_COLORS = {"received": "blue", "in_progress": "orange", "resolved": "green", "closed": "gray"}
SEVERITY_COLORS = {"normal": "gray", "serious": "orange", "critical": "red"}


KEY_MARK = "★"  # a key client (grade A, 重点客户) in lists


def complaint_badges(
    complaint: dict, settings: Settings, now: dt.datetime, lang: str, *, grade: str = ""
) -> str:
    """A complaint's badge line (Markdown): key client (`grade` = its client's grade A),
    status, level, severity, overdue, not started (still received one working day after it
    arrived), and the due moment while it is open."""
    status = wf.status_of(complaint)
    severity = wf.severity_of(complaint)
    key = wf.is_key_grade(grade)
    badges = [f":orange-badge[{KEY_MARK} {t('workflow.key_client', lang)}]"] if key else []
    badges += [
        f":{STATUS_COLORS.get(status, 'gray')}-badge[{ch.COMPLAINT_STATUS.label(status, lang)}]",
        f":violet-badge[{ch.LEVEL.label(wf.level_of(complaint), lang)}]",
        f":{SEVERITY_COLORS.get(severity, 'gray')}-badge[{ch.SEVERITY.label(severity, lang)}]",
    ]
    if wf.is_overdue(complaint, now, settings, key):
        badges.append(f":red-badge[:material/alarm: {t('workflow.overdue', lang)}]")
    if wf.is_not_started(complaint, now, settings):
        badges.append(f":red-badge[{t('workflow.not_started', lang)}]")
    due = wf.effective_due_at(complaint, settings, key)
    if due is not None and status in wf.OPEN_STATUSES:
        badges.append(t("complaints.due", lang, due=md(f"{due:%Y-%m-%d %H:%M}")))
    return " ".join(badges)


def key_client_heading(lang: str) -> str:
    """The heading of the lists' key-client marker column."""
    return t("complaints.col.key_client", lang)


def complaint_rows(
    shown: pd.DataFrame,
    client_names: pd.Series,
    lang: str,
    key_clients: Collection[str] | None = None,
) -> pd.DataFrame:
    """The complaint list for people: labelled columns, the client's name after the client ID,
    a ⚠ column marking the overdue rows (`shown` has the list's `overdue` column) and, given
    the key clients' IDs (`key_clients`, e.g. `key_client_ids(clients)`), a ★ column marking
    their complaints."""
    display = labelled("complaints", shown, lang, COMPLAINT_LIST_COLUMNS)
    names = shown["client_id"].map(client_names).fillna("").to_numpy()
    display.insert(3, t("complaints.col.client", lang), names)
    overdue = shown["overdue"].to_numpy(dtype=bool)
    display.insert(1, t("workflow.overdue", lang), np.where(overdue, "⚠", ""))
    if key_clients is not None:
        key = shown["client_id"].isin(set(key_clients)).to_numpy(dtype=bool)
        display.insert(1, key_client_heading(lang), np.where(key, KEY_MARK, ""))
    return display


def key_client_ids(clients: pd.DataFrame) -> set[str]:
    """The IDs of the key clients (grade A) in a clients frame."""
    grades = clients["grade"].fillna("").astype(str)
    return set(clients.loc[grades.map(wf.is_key_grade).astype(bool), "client_id"])


# --- clients ----------------------------------------------------------------------------------

CLIENT_LIST_COLUMNS = [
    "client_id",
    "name",
    "grade",
    "phone",
    "contact_person",
    "owner",
    "status",
    "region",
    "registered_on",
]
CLIENT_FORM_FIELDS = [
    "name",
    "phone",
    "client_type",
    "grade",
    "contact_person",
    "email",
    "address",
    "region",
    "source",
    "owner",
    "status",
    "registered_on",
    "notes",
]
CLIENT_DETAIL_FIELDS = [
    "client_id",
    "client_type",
    "grade",
    "contact_person",
    "phone",
    "email",
    "address",
    "region",
    "source",
    "owner",
    "status",
    "registered_on",
    "notes",
    "updated_at",
    "updated_by",
]
CLIENT_STATUS_COLORS = {"active": "green", "dormant": "orange"}


def client_badges(client: dict, lang: str) -> str:
    """A client's badge line (Markdown): ID, grade and status."""
    badges = [f":blue-badge[{md(client['client_id'])}]"]
    if client.get("grade"):
        badges.append(f":violet-badge[{ch.GRADE.label(client['grade'], lang)}]")
    if client.get("status"):
        color = CLIENT_STATUS_COLORS.get(client["status"], "gray")
        badges.append(f":{color}-badge[{ch.CLIENT_STATUS.label(client['status'], lang)}]")
    return " ".join(badges)


# --- revisits ---------------------------------------------------------------------------------

FOLLOWUP_COLUMNS = [
    "complaint_id",
    "client_id",
    "handler",
    "first_receiver",
    "severity",
    "category",
    "resolved_at",
    "attempts",
    "next_attempt",
    "last_attempt_at",
]
ROUTINE_COLUMNS = ["client_id", "name", "grade", "owner", "last_reached", "due_on", "days_late"]
RECORDED_COLUMNS = [
    "revisit_id",
    "done_at",
    "client_id",
    "complaint_id",
    "kind",
    "method",
    "staff",
    "attempt",
    "reached",
    "solved",
    "attitude",
    "score",
    "suggestions",
]
QUEUE_LABELS = {  # the queues' own columns → catalogue key of their heading
    "attempts": "workflow.col.attempts",
    "next_attempt": "workflow.col.next_attempt",
    "last_attempt_at": "workflow.col.last_attempt_at",
    "last_reached": "workflow.col.last_reached",
    "due_on": "workflow.col.due_on",
    "days_late": "workflow.col.days_late",
}


def queue_table(tab: str, rows: pd.DataFrame, fields: Sequence[str], lang: str) -> pd.DataFrame:
    """A queue for people: table labels, choice labels, and the queue's own columns."""
    display = labelled(tab, rows, lang, fields)
    return display.rename(columns={k: t(v, lang) for k, v in QUEUE_LABELS.items()})


def followup_rows(shown: pd.DataFrame, client_names: pd.Series, lang: str) -> pd.DataFrame:
    """The follow-up queue for people: the client's name after the complaint, and a column
    flagging the complaints whose client could not be reached (`unreachable`)."""
    display = queue_table("complaints", shown, FOLLOWUP_COLUMNS, lang)
    names = shown["client_id"].map(client_names).fillna("").to_numpy()
    display.insert(2, t("complaints.col.client", lang), names)
    flagged = shown["unreachable"].to_numpy(dtype=bool)
    marker = "⚠ " + t("revisits.unreachable", lang)  # a table cell: plain text, no icon font
    display.insert(1, t("workflow.col.unreachable", lang), np.where(flagged, marker, ""))
    return display


def link_label(*parts: str) -> str:
    """`TS-… · Billing · Resolved`: the parts that are not blank."""
    return " · ".join(part for part in parts if part)
