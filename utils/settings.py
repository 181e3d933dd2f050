"""Team settings: time limits per severity, revisit cadences per grade, holidays, thresholds.

Defaults follow SPEC; a team overrides them in the spreadsheet's settings tab (设置,
`utils.settings_sheet`), in the `[sheetdesk]` table of `.streamlit/secrets.toml` (read by the app
and passed in) or with environment variables — in that order of precedence: defaults < settings
tab < secrets < environment. Accounts, roles and credentials are never read from the sheet.
Pure data, no I/O beyond reading the environment.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from utils.settings_sheet import settings_rows, sheet_problems, sheet_values
from utils.workdays import Calendar, normalise_choice

MIN_REFRESH_SECONDS = 5.0  # the dashboard never re-draws more often than this


@dataclass(frozen=True)
class Settings:
    # working days allowed to resolve a complaint, by severity
    time_limits: Mapping[str, int] = field(
        default_factory=lambda: {"normal": 3, "serious": 2, "critical": 1}
    )
    # days between routine revisits, by client grade
    cadence_days: Mapping[str, int] = field(
        default_factory=lambda: {"A": 30, "B": 90, "C": 180, "D": 365}
    )
    holidays: frozenset[dt.date] = frozenset()  # the team's extra days off
    # working-day calendar: "CN" (China: statutory days off and make-up working days, 调休),
    # "none" (weekends only) or another country code of the `holidays` package
    calendar: str = "CN"
    extra_working_days: frozenset[dt.date] = frozenset()  # the team's extra working days
    max_attempts: int = 3
    star_min_revisits: int = 5
    cache_seconds: float = 30.0
    dashboard_refresh_seconds: float = 60.0
    language: str = ""  # the team's language ("zh" / "en"); "" = not configured
    # reminder settings from the settings tab (shaped like secrets' [sheetdesk.reminders],
    # with that table's own values laid over them when it is passed in `overrides`)
    reminders: Mapping[str, object] = field(default_factory=dict)
    # the seeds' duties (docs/policies.md): a follow-up by the complaint's handler or first
    # receiver closes it only on a one-person desk; a key client's (grade A) complaints may
    # have a shorter time limit (working days; None: as their severity); dormant and lost
    # clients are revisited every `cadence_inactive_days`; a new client's first contact is
    # due `first_contact_days` after registration
    followup_by_anyone: bool = False
    key_client_time_limit: int | None = None
    cadence_inactive_days: int = 180
    first_contact_days: int = 7

    def __post_init__(self) -> None:
        refresh = max(MIN_REFRESH_SECONDS, float(self.dashboard_refresh_seconds))
        object.__setattr__(self, "dashboard_refresh_seconds", refresh)

    @property
    def work_calendar(self) -> Calendar:
        """The working-day calendar of these settings (cached: the same object each time)."""
        return Calendar.from_settings(self)


def _parse_dates(text: str) -> frozenset[dt.date]:
    out = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if part:
            out.add(dt.date.fromisoformat(part))
    return frozenset(out)


def _date_set(value: object) -> frozenset[dt.date]:
    """A comma-separated string or a list of dates / ISO date strings."""
    if isinstance(value, str):
        return _parse_dates(value)
    items = value or ()
    if not isinstance(items, Iterable):
        raise TypeError(f"not a list of dates: {value!r}")
    return frozenset(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in items)


def _int(value: object) -> int:
    if not isinstance(value, int | float | str):
        raise TypeError(f"not a number: {value!r}")
    return int(value)


def _float(value: object) -> float:
    if not isinstance(value, int | float | str):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _int_table(value: object) -> dict[str, int]:
    """A secrets table of whole numbers, e.g. time_limits = {normal = 3, serious = 2}."""
    if not isinstance(value, Mapping):
        raise TypeError(f"not a table: {value!r}")
    return {str(k): _int(v) for k, v in value.items()}


def load_settings(
    overrides: Mapping[str, object] | None = None,
    sheet_rows: object = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Defaults, then the settings tab's rows (`sheet_rows`: the snapshot's `settings` frame;
    bad values are skipped — `sheet_problems` reports them), then `overrides` (e.g. secrets'
    [sheetdesk] table), then the environment (`env`, default `os.environ`):
    SHEETDESK_HOLIDAYS=2026-10-01,2026-10-02 · SHEETDESK_CACHE_SECONDS=30 ·
    SHEETDESK_STAR_MIN_REVISITS=5 · SHEETDESK_REFRESH_SECONDS=60 · SHEETDESK_CALENDAR=CN ·
    SHEETDESK_WORKING_DAYS=2026-10-10 · SHEETDESK_LANGUAGE=zh (secrets keys `calendar`,
    `working_days`, `language`, `reminders`)."""
    s = Settings()
    sheet = sheet_values(sheet_rows)
    if sheet:
        for key in ("time_limits", "cadence_days"):
            if key in sheet:
                sheet[key] = {**getattr(s, key), **sheet[key]}
        s = replace(s, **sheet)
    o = dict(overrides or {})
    if "language" in o and str(o["language"] or "").strip():
        s = replace(s, language=_language(o["language"]))
    reminders = o.get("reminders")
    if isinstance(reminders, Mapping):
        s = replace(s, reminders=_merge_reminders(s.reminders, reminders))
    if "holidays" in o:
        s = replace(s, holidays=_date_set(o["holidays"]))
    if "time_limits" in o:
        s = replace(s, time_limits={**s.time_limits, **_int_table(o["time_limits"])})
    if "cadence_days" in o:
        s = replace(s, cadence_days={**s.cadence_days, **_int_table(o["cadence_days"])})
    if "max_attempts" in o:
        s = replace(s, max_attempts=_int(o["max_attempts"]))
    if "star_min_revisits" in o:
        s = replace(s, star_min_revisits=_int(o["star_min_revisits"]))
    if "cache_seconds" in o:
        s = replace(s, cache_seconds=_float(o["cache_seconds"]))
    if "dashboard_refresh_seconds" in o:
        s = replace(s, dashboard_refresh_seconds=_float(o["dashboard_refresh_seconds"]))
    if "calendar" in o:
        s = replace(s, calendar=normalise_choice(str(o["calendar"])))
    if "working_days" in o:
        s = replace(s, extra_working_days=_date_set(o["working_days"]))
    s = _policy_overrides(s, o)
    env = os.environ if env is None else env
    if env.get("SHEETDESK_LANGUAGE"):
        s = replace(s, language=_language(env["SHEETDESK_LANGUAGE"]))
    if env.get("SHEETDESK_HOLIDAYS"):
        s = replace(s, holidays=_parse_dates(env["SHEETDESK_HOLIDAYS"]))
    if env.get("SHEETDESK_CACHE_SECONDS"):
        s = replace(s, cache_seconds=float(env["SHEETDESK_CACHE_SECONDS"]))
    if env.get("SHEETDESK_STAR_MIN_REVISITS"):
        s = replace(s, star_min_revisits=int(env["SHEETDESK_STAR_MIN_REVISITS"]))
    if env.get("SHEETDESK_REFRESH_SECONDS"):
        s = replace(s, dashboard_refresh_seconds=float(env["SHEETDESK_REFRESH_SECONDS"]))
    if env.get("SHEETDESK_CALENDAR"):
        s = replace(s, calendar=normalise_choice(env["SHEETDESK_CALENDAR"]))
    if env.get("SHEETDESK_WORKING_DAYS"):
        s = replace(s, extra_working_days=_parse_dates(env["SHEETDESK_WORKING_DAYS"]))
    return s


def _policy_overrides(s: Settings, o: Mapping[str, object]) -> Settings:
    """Secrets' keys for the seeds' duties: followup_by_anyone (true/false),
    key_client_time_limit (working days; blank: as the severity), cadence_inactive_days,
    first_contact_days."""
    if "followup_by_anyone" in o:
        flag = o["followup_by_anyone"]
        text = str(flag).strip().casefold()
        s = replace(s, followup_by_anyone=flag is True or text in ("1", "true", "yes", "是"))
    if "key_client_time_limit" in o:
        value = o["key_client_time_limit"]
        limit = None if value in (None, "") else _int(value)
        s = replace(s, key_client_time_limit=limit)
    if "cadence_inactive_days" in o:
        s = replace(s, cadence_inactive_days=_int(o["cadence_inactive_days"]))
    if "first_contact_days" in o:
        s = replace(s, first_contact_days=_int(o["first_contact_days"]))
    return s


def _language(value: object) -> str:
    return "zh" if str(value or "").strip().lower().startswith("zh") else "en"


def _merge_reminders(sheet: Mapping[str, object], table: Mapping) -> dict[str, object]:
    """Secrets' [sheetdesk.reminders] over the sheet's reminder values (ladder: per level)."""
    out = {**sheet, **{k: v for k, v in table.items() if k != "ladder"}}
    ladder = table.get("ladder")
    if isinstance(ladder, Mapping):
        base = sheet.get("ladder")
        out["ladder"] = {**(base if isinstance(base, Mapping) else {}), **ladder}
    return out


__all__ = ["Settings", "load_settings", "settings_rows", "sheet_problems", "sheet_values"]
