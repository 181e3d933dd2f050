"""A client's history on one timeline, a complaint's progress log as rows, and a client's
summary figures. Pure pandas; the tables for people come from `timeline_table` / `log_table`.

Timeline events: for each of the client's complaints, `received` (received_at), `resolved`
(resolved_at) and `closed` (closed_at); for each of the client's revisits, one event named
after its kind (`complaint_followup`, `routine`, `key_client`). Latest first; events without a
date last.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sheets_schema import choices as ch
from utils import progress_log as plog
from utils.i18n import t
from utils.settings import Settings
from utils.workflow import OPEN_STATUSES, clean_text, overdue_mask

EVENT_COLUMNS = [
    "at",
    "event",
    "tab",
    "record_id",
    "complaint_id",
    "status",
    "by",
    "detail",
    "reached",
    "solved",
    "attitude",
    "score",
]
LOG_COLUMNS = ["at", "by", "action", "detail"]


def _text(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip()


def _events(
    frame: pd.DataFrame, at: str, event: str | pd.Series, **columns: object
) -> pd.DataFrame:
    out = pd.DataFrame(
        {"at": pd.to_datetime(frame[at]).astype("datetime64[ns]")}, index=frame.index
    )
    out["event"] = event
    for name in EVENT_COLUMNS[2:]:
        value = columns.get(name, "")
        out[name] = _text(frame[value]) if isinstance(value, str) and value in frame else value
    return out


def client_timeline(
    client_id: str, complaints: pd.DataFrame, revisits: pd.DataFrame
) -> pd.DataFrame:
    """The client's complaints and revisits as events (columns `EVENT_COLUMNS`), latest first."""
    cid = clean_text(client_id)
    mine = complaints.loc[_text(complaints["client_id"]) == cid]
    visits = revisits.loc[_text(revisits["client_id"]) == cid]
    parts = []
    common = {
        "tab": "complaints",
        "record_id": "complaint_id",
        "complaint_id": "complaint_id",
        "status": "status",
    }
    parts.append(
        _events(
            mine, "received_at", "received", by="first_receiver", detail="description", **common
        )
    )
    done = mine.loc[mine["resolved_at"].notna()]
    parts.append(
        _events(done, "resolved_at", "resolved", by="handler", detail="resolution", **common)
    )
    shut = mine.loc[mine["closed_at"].notna()]
    parts.append(_events(shut, "closed_at", "closed", by="updated_by", **common))
    visit_events = _events(
        visits,
        "done_at",
        _text(visits["kind"]).replace("", "routine"),
        tab="revisits",
        record_id="revisit_id",
        complaint_id="complaint_id",
        by="staff",
        detail="suggestions",
        reached="reached",
        solved="solved",
        attitude="attitude",
    )
    visit_events["score"] = pd.array(visits["score"], dtype="Int64")
    parts.append(visit_events)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(
            {c: pd.Series(dtype="datetime64[ns]" if c == "at" else object) for c in EVENT_COLUMNS}
        )
    events = pd.concat(parts, ignore_index=True)
    events["score"] = pd.array(events["score"].where(events["score"] != ""), dtype="Int64")
    return events.sort_values("at", ascending=False, kind="stable", na_position="last")[
        EVENT_COLUMNS
    ].reset_index(drop=True)


def _revisit_detail(row: pd.Series, lang: str) -> str:
    """`Reached · solved · Satisfied · 9/10 · suggestion` (only what is recorded)."""
    parts = []
    if row["reached"]:
        parts.append(
            t("timeline.reached" if row["reached"] == "yes" else "timeline.unreached", lang)
        )
    if row["solved"]:
        parts.append(
            t("timeline.solved" if row["solved"] == "yes" else "timeline.not_solved", lang)
        )
    if row["attitude"]:
        parts.append(ch.ATTITUDE.label(row["attitude"], lang))
    if not pd.isna(row["score"]):
        parts.append(f"{int(row['score'])}/10")
    if row["detail"]:
        parts.append(row["detail"])
    return " · ".join(parts)


def timeline_table(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The timeline for people: when, what, record, by whom, details (labels in `lang`).
    For one client's events (dozens of rows), so a row-wise text join is fine here."""
    what = events["event"].map(lambda e: t(f"timeline.event.{e}", lang))
    status = events["status"].map(lambda s: ch.COMPLAINT_STATUS.label(s, lang) if s else "")
    revisit = events["tab"] == "revisits"
    detail = events["detail"].astype(str)
    if revisit.any():
        detail = detail.where(
            ~revisit, events.loc[revisit].apply(_revisit_detail, axis=1, lang=lang)
        )
    record = events["record_id"].where(
        ~revisit | (events["complaint_id"] == ""),
        events["record_id"] + " → " + events["complaint_id"],
    )
    return pd.DataFrame(
        {
            t("timeline.col.at", lang): events["at"],
            t("timeline.col.event", lang): what,
            t("timeline.col.record", lang): record,
            t("timeline.col.status", lang): status,
            t("timeline.col.by", lang): events["by"],
            t("timeline.col.detail", lang): detail,
        }
    )


def client_summary(
    client_id: str,
    complaints: pd.DataFrame,
    revisits: pd.DataFrame,
    now: dt.datetime,
    settings: Settings,
) -> dict:
    """Figures for a client's page: complaints (all, open, overdue), revisits (all, reached),
    the last reached revisit's date and the average score (None when there is none)."""
    cid = clean_text(client_id)
    mine = complaints.loc[_text(complaints["client_id"]) == cid]
    visits = revisits.loc[_text(revisits["client_id"]) == cid]
    status = _text(mine["status"]).replace("", "received")
    reached = visits.loc[visits["reached"] == "yes"]
    last = pd.to_datetime(reached["done_at"]).max() if len(reached) else pd.NaT
    scores = pd.to_numeric(visits["score"], errors="coerce").dropna()
    return {
        "complaints": len(mine),
        "open": int(status.isin(OPEN_STATUSES).sum()),
        "overdue": int(overdue_mask(mine, now, settings).sum()) if len(mine) else 0,
        "revisits": len(visits),
        "reached": len(reached),
        "last_reached": None if pd.isna(last) else last.to_pydatetime(),
        "avg_score": round(float(scores.mean()), 1) if len(scores) else None,
    }


# --- the progress log -----------------------------------------------------------------------


def parse_log(progress_log: object) -> pd.DataFrame:
    """The progress log's lines as rows (`at`, `by`, `action`, `detail`), in the order written
    (`utils.progress_log` reads them, in either language). An escalation's or assignment's
    target stays in the action (`escalate→department`); a line typed by hand in another form
    is kept whole in `detail`."""
    rows = [
        (
            pd.NaT if e.at is None else pd.Timestamp(e.at),
            e.by,
            f"{e.action}→{e.target}" if e.target else e.action,
            e.detail,
        )
        for e in plog.parse(clean_text(progress_log))
    ]
    return pd.DataFrame(rows, columns=LOG_COLUMNS).astype({"at": "datetime64[ns]"})


def action_label(action: str, lang: str) -> str:
    """`escalate→department` → `Escalate → Department head`; unknown actions stay as typed."""
    name, _, target = action.partition("→")
    label = t(f"log.action.{name}", lang)
    if label == f"log.action.{name}":
        return action
    if target:
        target_label = ch.LEVEL.label(target, lang)
        return f"{label} → {target_label}"
    return label


def log_table(progress_log: object, lang: str) -> pd.DataFrame:
    """The progress log for people (columns labelled in `lang`), oldest first."""
    log = parse_log(progress_log)
    return pd.DataFrame(
        {
            t("timeline.col.at", lang): log["at"],
            t("timeline.col.by", lang): log["by"],
            t("timeline.col.event", lang): log["action"].map(lambda a: action_label(a, lang)),
            t("timeline.col.detail", lang): log["detail"],
        }
    )
