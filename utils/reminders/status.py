"""The last reminder run, for the pages that show it (Data health, Settings).

    from utils.reminders.status import last_run, state_folder
    info = last_run(state_folder(store))     # None: no run yet (or the file is unreadable)

`last_run.json` holds what `utils.reminders.run` writes at the end of every real run (not a dry
run, not a run that found another in progress):

    {"at": "2026-11-23T09:05:00",          the run's moment (its --now, else the clock)
     "decided_at": "2026-11-23T09:05:00",  what was due up to then is decided (a run that
                                            could not read the data keeps the one before)
     "error": "",                           why the run could not read the data, if so
     "finished_at": "2026-11-23T09:05:03",  when it ended (the clock)
     "exit": 0,                             0 all delivered, 1 some sends failed
     "reminders": {"overdue": 3, …},       reminders sent or retried, by kind
     "messages": 4,                         messages built
     "channels": {"wecom": {"sent": 4}, "email": {"sent": 3, "failed": 1}},
     "failing": [{"channel": "email", "reason": "unavailable", "detail": "…"}],
     "deferred": 0, "escalated": ["TS-…"], "conflicts": [], "unknown_people": ["…"]}

`failing` details are redacted: no webhook key, token, secret or password ever appears.
Pure file reading, no streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from utils.i18n import t
from utils.reminders.ledger import state_folder

STATUS_FILE = "last_run.json"

__all__ = [
    "STATUS_FILE",
    "describe",
    "last_run",
    "last_run_for",
    "state_folder",
    "write_last_run",
]


def last_run(folder: str | os.PathLike) -> dict | None:
    """The last run's summary from `folder` (a store's `state_folder`), or None when there is
    none or it cannot be read."""
    try:
        data = json.loads((Path(folder) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def last_run_for(store: Any) -> dict | None:
    """`last_run` of the folder that belongs to `store`."""
    return last_run(state_folder(store))


def last_run_at(folder: str | os.PathLike) -> dt.datetime | None:
    """The moment up to which the last real run decided what was due (a run that could not
    read the store keeps its predecessor's), or None."""
    data = last_run(folder)
    if not data:
        return None
    try:
        return dt.datetime.fromisoformat(str(data.get("decided_at") or data["at"]))
    except (KeyError, ValueError):
        return None


def write_last_run(folder: str | os.PathLike, summary: dict) -> None:
    """Replace the status file atomically (a page never reads half a file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{STATUS_FILE}.tmp"
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / STATUS_FILE)


def describe(info: dict | None, lang: str) -> list[tuple[str, str]]:
    """The last run for people, as (level, text) lines — level "info", "warning" or "error":
    when it ran and what it sent, then each failing channel (its reason, never a secret)."""
    if not info:
        return [("info", t("reminders.status.never", lang))]
    at = str(info.get("at", ""))[:16].replace("T", " ")
    if info.get("error"):
        return [("error", t("reminders.status.error", lang, at=at, error=info["error"]))]
    kinds = ", ".join(
        f"{t(f'reminders.kind.{kind}', lang)} {n}"
        for kind, n in (info.get("reminders") or {}).items()
    )
    channels = ", ".join(
        f"{name}: " + " ".join(f"{t(f'reminders.status.{k}', lang)} {v}" for k, v in counts.items())
        for name, counts in (info.get("channels") or {}).items()
    )
    lines = [
        (
            "info",
            t(
                "reminders.status.ran",
                lang,
                at=at,
                messages=info.get("messages", 0),
                kinds=kinds or "—",
                channels=channels or "—",
            ),
        )
    ]
    for failing in info.get("failing") or []:
        lines.append(
            (
                "warning",
                t(
                    "reminders.status.failing",
                    lang,
                    channel=failing.get("channel", "?"),
                    reason=failing.get("detail") or failing.get("reason", ""),
                ),
            )
        )
    return lines
