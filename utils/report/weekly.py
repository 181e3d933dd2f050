"""The weekly complaint table (seeds: 每周《客户投诉记录表》, handed over on Monday): each
complaint received in one ISO week with its deadline, handling and result, as a table or CSV."""

from __future__ import annotations

import pandas as pd

from sheets_schema.tables import TABLES
from utils import progress_log as plog
from utils.deadlines import fill_due
from utils.display import labelled
from utils.downloads import defuse
from utils.metrics.periods import week_label, week_period
from utils.metrics.prepare import conform
from utils.report.text import client_names, field_label
from utils.settings import Settings

WEEK_FIELDS = [
    "complaint_id",
    "received_at",
    "client_id",
    "client_name",
    "channel",
    "category",
    "severity",
    "description",
    "first_receiver",
    "handler",
    "level",
    "status",
    "due_at",
    "progress_log",
    "resolution",
    "resolved_at",
    "feedback_at",
    "closed_at",
]


def weekly_table(
    complaints: pd.DataFrame | None,
    clients: pd.DataFrame | None,
    week: str,
    lang: str,
    settings: Settings,
) -> pd.DataFrame:
    """Each complaint received in the ISO week `week` (`2026-W48`, Monday to Sunday), oldest
    first: its client, what it is about, who handles it, its deadline (due_at, computed where
    blank, or the deadline the client asked for when earlier), its handling (the progress log,
    in `lang`) and result — headers and choices labelled in `lang`, moments as
    `YYYY-MM-DD HH:MM` text."""
    period = week_period(week)
    c = conform(complaints, "complaints")
    sub = c[period.contains(c["received_at"])].sort_values("received_at", kind="stable")
    sub = sub.assign(
        due_at=fill_due(sub, settings, clients) if len(sub) else sub["due_at"],
        client_name=sub["client_id"].map(client_names(clients)).astype(object).fillna(""),
        progress_log=[plog.translate(x, lang) for x in sub["progress_log"]],
    )
    fields = [f for f in WEEK_FIELDS if f != "client_name"]
    out = labelled("complaints", sub, lang, fields)
    for f, header in zip(fields, out.columns, strict=True):
        if TABLES["complaints"].by_field[f].kind == "datetime":
            out[header] = pd.to_datetime(out[header]).dt.strftime("%Y-%m-%d %H:%M").fillna("")
    out.insert(
        fields.index("client_id") + 1, field_label("clients", "name", lang), sub["client_name"]
    )
    return out.reset_index(drop=True)


def weekly_csv(
    complaints: pd.DataFrame | None,
    clients: pd.DataFrame | None,
    week: str,
    lang: str,
    settings: Settings,
) -> bytes:
    """`weekly_table` as CSV: UTF-8 with a byte-order mark (Excel shows Chinese), CRLF line
    ends, every text cell defused so that no spreadsheet program runs it as a formula."""
    table = weekly_table(complaints, clients, week, lang, settings)
    for header in table.columns:
        table[header] = table[header].fillna("").astype(str).map(defuse)
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def weekly_filename(week: str, lang: str) -> str:
    """sheetdesk-complaints-2026-W48-zh.csv"""
    return f"sheetdesk-complaints-{week_label(week_period(week))}-{lang}.csv"
