"""The settings tab (设置) as a whole: its rows read into values and warnings, the rows a new
tab starts with, and the table the settings page shows.

The keys it may hold are `utils.settings_keys`' and how one value is read is
`utils.settings_values`' (both re-exported here). A value that cannot be read is a warning
naming the row and the key, and the default is used until it is corrected; so is an unknown
key (a typo is not silently ignored). Accounts, roles and credentials are never read from the
sheet: they live in secrets only.

Precedence (`utils.settings.load_settings`): defaults < this tab < secrets' `[sheetdesk]` table
< the environment.

Pure: no streamlit, no store (`settings_rows` takes a snapshot or a frame, not a store).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheets_schema.columns import name_key
from sheets_schema.parse import parse_text
from sheets_schema.problems import WARNING, Problem
from utils.i18n import t
from utils.settings_keys import BY_KEY, DATES, KEYS, LISTS, NAMES, Key, match_key, value_text
from utils.settings_values import BadValue, normalise_value, parse_value

TAB = "settings"
# what a sheet must never configure: accounts, roles and credentials stay in secrets
_SECRET = re.compile(
    r"password|passwd|secret|token|credential|account|role|login|oidc|auth|webhook|smtp|"
    r"密码|账号|帐号|角色|密钥|口令"
)


@dataclass
class SheetRow:
    row: int | None
    key_text: str
    value: object


def _rows(sheet_rows: Any) -> list[SheetRow]:
    if sheet_rows is None:
        return []
    if isinstance(sheet_rows, pd.DataFrame):
        if sheet_rows.empty or "key" not in sheet_rows:
            return []
        rows = sheet_rows.get("_row", pd.Series([None] * len(sheet_rows)))
        values = sheet_rows.get("value", pd.Series([None] * len(sheet_rows)))
        return [
            SheetRow(None if pd.isna(r) else int(r), str(k), v)
            for k, v, r in zip(sheet_rows["key"], values, rows, strict=True)
        ]
    out = []
    for item in sheet_rows:
        if isinstance(item, Mapping):
            out.append(SheetRow(item.get("_row"), str(item.get("key") or ""), item.get("value")))
        else:
            key, value = item[0], item[1] if len(item) > 1 else None
            out.append(SheetRow(None, str(key or ""), value))
    return out


Wrong = tuple[SheetRow, str, str, object]  # row, kind of problem, key, first row (twice)


def read_sheet(sheet_rows: Any) -> tuple[dict[str, Any], list[Wrong]]:
    """The good values by key (lists: every row's values together), and what was wrong:
    (row, kind, key, first row) with kind "bad", "unknown", "secret" or "twice" (then the
    row whose value is used)."""
    values: dict[str, Any] = {}
    first: dict[str, int | None] = {}
    wrong: list[Wrong] = []
    for row in _rows(sheet_rows):
        if not row.key_text.strip():
            continue
        key = match_key(row.key_text)
        if key is None:
            kind = "secret" if _SECRET.search(name_key(row.key_text)) else "unknown"
            wrong.append((row, kind, row.key_text.strip(), None))
            continue
        try:
            value = parse_value(key, row.value)
        except BadValue:
            wrong.append((row, "bad", key, None))
            continue
        if value is None:
            continue
        spec = BY_KEY[key]
        if spec.kind in LISTS:
            values[key] = (
                values.get(key, frozenset()) | value
                if spec.kind == DATES
                else (*values.get(key, ()), *value)
            )
        elif key in values:
            wrong.append((row, "twice", key, first.get(key)))
        else:
            values[key] = value
            first[key] = row.row
    return values, wrong


def sheet_values(sheet_rows: Any) -> dict[str, Any]:
    """`Settings` fields from the tab's good values (what `load_settings` lays over the
    defaults), plus `reminders`: the reminder values shaped like `[sheetdesk.reminders]`."""
    values, _ = read_sheet(sheet_rows)
    out: dict[str, Any] = {}
    limits = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("time_limit.")}
    if limits:
        out["time_limits"] = limits
    cadence = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("cadence.")}
    if cadence:
        out["cadence_days"] = cadence
    simple = {
        "holidays": "holidays",
        "working_days": "extra_working_days",
        "calendar": "calendar",
        "max_attempts": "max_attempts",
        "star_min_revisits": "star_min_revisits",
        "dashboard_refresh_seconds": "dashboard_refresh_seconds",
        "language": "language",
        "key_client_time_limit": "key_client_time_limit",
        "cadence_inactive_days": "cadence_inactive_days",
        "first_contact_days": "first_contact_days",
        "followup_by_anyone": "followup_by_anyone",
    }
    for key, name in simple.items():
        if key in values:
            out[name] = values[key]
    reminders: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith("reminders.ladder."):
            reminders.setdefault("ladder", {})[key.rsplit(".", 1)[1]] = list(value)
        elif key.startswith("reminders."):
            name = key.split(".", 1)[1]
            reminders[name] = list(value) if isinstance(value, tuple) else value
    if reminders:
        out["reminders"] = reminders
    return out


def sheet_problems(frame: pd.DataFrame | None, layout: Any = None) -> list[Problem]:
    """Warnings for the settings tab's rows that are not used: a value that cannot be read
    (the default is used), an unknown key, a key given twice, a credential typed in the sheet.
    `layout`: the tab's `Layout`, so messages name the column letter."""
    if frame is None or frame.empty:
        return []
    _, wrong = read_sheet(frame)
    out = []
    for row, kind, key, used in wrong:
        column = "key" if kind in ("unknown", "secret", "twice") else "value"
        letter = layout.letter(column) if layout is not None else None
        header = layout.header(column) if layout is not None else None
        if kind == "bad":
            spec = BY_KEY[key]
            params: dict[str, object] = {
                "setting": key,
                "value": parse_text(row.value) or "",
                "kind": spec.kind,
                "lo": "" if spec.lo is None else int(spec.lo),
                "hi": "" if spec.hi is None else int(spec.hi),
                "default": spec.default_text() or "—",
            }
            message = f"problem.bad_setting.{spec.kind}"
        elif kind == "twice":
            params = {"setting": key, "first": used or "?"}
            message = "problem.setting_twice"
        else:
            params = {"value": key}
            message = "problem.secret_setting" if kind == "secret" else "problem.unknown_setting"
        out.append(Problem(WARNING, TAB, row.row, column, message, params, letter, header))
    return out


def default_rows(lang: str) -> list[list[str]]:
    """What a new settings tab starts with: every key, a blank value (the default is used)
    and a note saying what it is and its default, in `lang`."""
    return [
        [k.key, "", t("settings.default_note", lang, label=k.label(lang), default=_shown(k, lang))]
        for k in KEYS
    ]


def _shown(spec: Key, lang: str) -> str:
    return spec.default_text(lang) or t("settings.none", lang)


# ---- for the settings page ----
def effective_text(key: str, settings: Any, lang: str = "en") -> str:
    """The value of `key` in force in a `Settings`, as text."""
    spec = BY_KEY[key]
    group, _, name = key.partition(".")
    if group == "time_limit":
        value: object = settings.time_limits.get(name)
    elif group == "cadence":
        value = settings.cadence_days.get(name)
    elif group == "reminders":
        reminders = getattr(settings, "reminders", {}) or {}
        if name.startswith("ladder."):
            value = (reminders.get("ladder") or {}).get(name.split(".", 1)[1], spec.default)
        else:
            value = reminders.get(name, spec.default)
        if spec.kind == NAMES and isinstance(value, Iterable):
            value = tuple(value)
    else:
        attr = {"working_days": "extra_working_days"}.get(key, key)
        value = getattr(settings, attr, spec.default)
    return value_text(spec.kind, value, lang)


def settings_rows(
    snapshot: Any,
    lang: str = "en",
    overrides: Mapping[str, object] | None = None,
    env: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every setting for display, one row per key in the tab's order: `key`, `label` (in
    `lang`), `value` (what the settings tab holds, rows joined), `effective` (what is in
    force), `source` (default / sheet / secrets / environment, in `lang`), `default`, `rows`
    (the sheet rows holding it), `problem` (why the sheet's value is not used, in `lang`).
    `snapshot`: a Snapshot or the settings frame; `overrides`: secrets' [sheetdesk] table."""
    from utils.settings import load_settings

    frame = getattr(snapshot, "frames", {}).get(TAB) if hasattr(snapshot, "frames") else snapshot
    rows = _rows(frame)
    problems = sheet_problems(frame) if isinstance(frame, pd.DataFrame) else []
    by_row_problem: dict[tuple[int | None, str], str] = {}
    for p in problems:
        name = p.params.get("setting") or ""
        by_row_problem.setdefault((p.row, str(name)), p.message(lang))
    sheet_only = load_settings({}, sheet_rows=frame, env={})
    with_secrets = load_settings(overrides or {}, sheet_rows=frame, env={})
    full = load_settings(overrides or {}, sheet_rows=frame, env=env)
    good, _ = read_sheet(frame)
    defaults = load_settings({}, env={})
    out = []
    for spec in KEYS:
        mine = [r for r in rows if match_key(r.key_text) == spec.key]
        texts = [parse_text(r.value) or "" for r in mine]
        effective = effective_text(spec.key, full, lang)
        if effective != effective_text(spec.key, with_secrets, lang):
            source = "environment"
        elif effective_text(spec.key, with_secrets, lang) != effective_text(
            spec.key, sheet_only, lang
        ):
            source = "secrets"
        elif spec.key in good:
            source = "sheet"
        else:
            source = "default"
        problem = next(
            (
                by_row_problem[(r.row, spec.key)]
                for r in mine
                if (r.row, spec.key) in by_row_problem
            ),
            "",
        )
        out.append(
            {
                "key": spec.key,
                "label": spec.label(lang),
                "value": ", ".join(x for x in texts if x),
                "effective": effective,
                "source": t(f"settings.source.{source}", lang),
                "default": effective_text(spec.key, defaults, lang),
                "rows": ", ".join(str(r.row) for r in mine if r.row),
                "problem": problem,
            }
        )
    return pd.DataFrame(
        out,
        columns=["key", "label", "value", "effective", "source", "default", "rows", "problem"],
    )


__all__ = [
    "BY_KEY",
    "KEYS",
    "LISTS",
    "TAB",
    "BadValue",
    "SheetRow",
    "default_rows",
    "effective_text",
    "match_key",
    "normalise_value",
    "parse_value",
    "read_sheet",
    "settings_rows",
    "sheet_problems",
    "sheet_values",
    "value_text",
]
