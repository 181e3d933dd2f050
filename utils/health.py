"""The data-health list: problems as a filterable table for people. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from sheets_schema.problems import Problem
from sheets_schema.tables import TABLES
from utils import clock
from utils.i18n import t
from utils.settings import Settings


def summary(problems: Sequence[Problem]) -> dict[str, int]:
    """Counts by level and by tab."""
    counts: Counter[str] = Counter()
    for p in problems:
        counts[p.level] += 1
        counts[p.tab] += 1
    return {"error": counts["error"], "warning": counts["warning"], **counts}


def problem_table(
    problems: Sequence[Problem],
    lang: str,
    *,
    tabs: Sequence[str] = (),
    levels: Sequence[str] = (),
    text: str = "",
) -> pd.DataFrame:
    rows = []
    needle = text.strip().casefold()
    for p in problems:
        if (tabs and p.tab not in tabs) or (levels and p.level not in levels):
            continue
        message = p.message(lang)
        if needle and needle not in message.casefold():
            continue
        table = TABLES.get(p.tab)
        column = table.by_field.get(p.column or "") if table else None
        rows.append(
            {
                t("health.col.level", lang): t(f"level.{p.level}", lang),
                t("health.col.tab", lang): t(f"tab.{p.tab}", lang),
                t("health.col.row", lang): p.row,
                t("health.col.column", lang): (f"{p.letter} · " if p.letter else "")
                + (column.label(lang) if column else (p.column or "")),
                t("health.col.message", lang): message,
            }
        )
    columns = [
        t(k, lang)
        for k in (
            "health.col.level",
            "health.col.tab",
            "health.col.row",
            "health.col.column",
            "health.col.message",
        )
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame[columns[2]] = frame[columns[2]].astype("Int64")
    return frame


def calendar_notice(snapshot: object, settings: Settings, lang: str) -> str | None:
    """Say so when the working calendar does not know a year the data touches (deadlines
    there count weekends and the team's own days only, not the official holidays)."""
    frames = getattr(snapshot, "frames", {})
    complaints = frames.get("complaints")
    years: set[int] = {clock.today().year}
    if complaints is not None and len(complaints):
        for name in ("received_at", "due_at"):
            years |= {int(y) for y in pd.to_datetime(complaints[name]).dt.year.dropna().unique()}
    return settings.work_calendar.unknown_years_notice(sorted(years), lang)
