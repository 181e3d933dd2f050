"""The settings tab (设置): which keys it may hold, how each value is read, what a bad one is.

One row per setting — key, value, note — for what SPEC and the issues make configurable:

    time_limit.normal = 3            time_limit.serious = 2        time_limit.critical = 1
    cadence.A = 30   cadence.B = 90  cadence.C = 180               cadence.D = 365
    holidays = 2026-10-08, 2026-12-31      (dates: comma-separated, or one row per date)
    working_days = 2026-10-10              (the team's make-up working days, likewise)
    calendar = CN                          (CN / none / another country code)
    max_attempts = 3                       star_min_revisits = 5
    dashboard_refresh_seconds = 60         language = zh
    key_client_time_limit = 2              (working days for a grade-A client's complaints)
    cadence_inactive_days = 180            first_contact_days = 7
    followup_by_anyone = no                (a one-person desk: the handler's follow-up counts)
    reminders.due_soon_hours = 4           reminders.overdue_escalate_hours = 8
    reminders.auto_escalate = no           reminders.digest_hour = 9
    reminders.ladder.department = 周主任, 李主任      (names: comma-separated or one per row;
    reminders.ladder.management / .executive / reminders.managers likewise)

A key may be typed as its name (any case; `.`, `_` and spaces ignored) or as its Chinese or
English label. A value that cannot be read is a warning naming the row and the key, and the
default is used until it is corrected; so is an unknown key (a typo is not silently ignored).
Accounts, roles and credentials are never read from the sheet: they live in secrets only.

Precedence (`utils.settings.load_settings`): defaults < this tab < secrets' `[sheetdesk]` table
< the environment.

Pure: no streamlit, no store (`settings_rows` takes a snapshot or a frame, not a store).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheets_schema.choices import YES_NO
from sheets_schema.columns import name_key
from sheets_schema.parse import CellError, parse_choice, parse_date, parse_text
from sheets_schema.problems import WARNING, Problem
from utils.errors import SheetdeskError
from utils.i18n import t

TAB = "settings"
INT, NUMBER, DATES, CALENDAR, LANGUAGE, FLAG, NAMES = (
    "int",
    "number",
    "dates",
    "calendar",
    "language",
    "flag",
    "names",
)
LISTS = (DATES, NAMES)  # may take one row per value; the rows add up


@dataclass(frozen=True)
class Key:
    key: str
    kind: str
    default: object
    zh: str
    en: str
    lo: float | None = None
    hi: float | None = None

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def default_text(self, lang: str = "en") -> str:
        return value_text(self.kind, self.default, lang)


def _k(key, kind, default, zh, en, lo=None, hi=None) -> Key:
    return Key(key, kind, default, zh, en, lo, hi)


KEYS: tuple[Key, ...] = (
    _k(
        "time_limit.normal",
        INT,
        3,
        "处理时限·一般（工作日）",
        "Time limit, normal (working days)",
        1,
        60,
    ),
    _k(
        "time_limit.serious",
        INT,
        2,
        "处理时限·严重（工作日）",
        "Time limit, serious (working days)",
        1,
        60,
    ),
    _k(
        "time_limit.critical",
        INT,
        1,
        "处理时限·重大（工作日）",
        "Time limit, critical (working days)",
        1,
        60,
    ),
    _k("cadence.A", INT, 30, "例行回访周期·A类（天）", "Revisit cadence, grade A (days)", 1, 3650),
    _k("cadence.B", INT, 90, "例行回访周期·B类（天）", "Revisit cadence, grade B (days)", 1, 3650),
    _k("cadence.C", INT, 180, "例行回访周期·C类（天）", "Revisit cadence, grade C (days)", 1, 3650),
    _k("cadence.D", INT, 365, "例行回访周期·D类（天）", "Revisit cadence, grade D (days)", 1, 3650),
    _k("holidays", DATES, frozenset(), "团队休息日", "Team days off"),
    _k("working_days", DATES, frozenset(), "调休上班日", "Team working days"),
    _k("calendar", CALENDAR, "CN", "节假日日历", "Holiday calendar"),
    _k("max_attempts", INT, 3, "回访最多联系次数", "Revisit attempts", 1, 10),
    _k(
        "star_min_revisits",
        INT,
        5,
        "每月之星最少回访数",
        "Star of the month: minimum revisits",
        0,
        10000,
    ),
    _k(
        "dashboard_refresh_seconds",
        NUMBER,
        60.0,
        "看板刷新间隔（秒）",
        "Dashboard refresh (seconds)",
        5,
        86400,
    ),
    _k("language", LANGUAGE, "", "默认语言", "Default language"),
    _k(
        "key_client_time_limit",
        INT,
        None,
        "重点客户投诉处理时限（工作日）",
        "Time limit for key clients' complaints (working days)",
        1,
        60,
    ),
    _k(
        "cadence_inactive_days",
        INT,
        180,
        "不活跃/流失客户回访周期（天）",
        "Revisit cadence, dormant and lost clients (days)",
        1,
        3650,
    ),
    _k(
        "first_contact_days",
        INT,
        7,
        "新客户首次联系期限（天）",
        "First contact with a new client (days)",
        0,
        365,
    ),
    _k(
        "followup_by_anyone",
        FLAG,
        False,
        "经办人回访也可结案（一人值守）",
        "A handler's own follow-up may close (one-person desk)",
    ),
    _k(
        "reminders.due_soon_hours",
        NUMBER,
        4.0,
        "提醒·即将到期（工作小时）",
        "Reminders: due soon (working hours)",
        0,
        1000,
    ),
    _k(
        "reminders.overdue_escalate_hours",
        NUMBER,
        8.0,
        "提醒·逾期上报（工作小时）",
        "Reminders: escalate when overdue (working hours)",
        0,
        1000,
    ),
    _k(
        "reminders.auto_escalate", FLAG, False, "提醒·自动升级", "Reminders: escalate automatically"
    ),
    _k(
        "reminders.digest_hour",
        INT,
        9,
        "提醒·每日汇总时间（时）",
        "Reminders: daily digest hour",
        0,
        23,
    ),
    _k(
        "reminders.ladder.department",
        NAMES,
        (),
        "提醒·上报部门负责人",
        "Reminders: department heads",
    ),
    _k("reminders.ladder.management", NAMES, (), "提醒·上报分管领导", "Reminders: management"),
    _k("reminders.ladder.executive", NAMES, (), "提醒·上报总经理", "Reminders: executives"),
    _k("reminders.managers", NAMES, (), "提醒·每日汇总收件人", "Reminders: managers' digest"),
)
BY_KEY = {k.key: k for k in KEYS}
_INDEX: dict[str, str] = {}
for _key in KEYS:
    for _name in (_key.key, _key.en, _key.zh):
        _INDEX.setdefault(name_key(_name), _key.key)
# what a sheet must never configure: accounts, roles and credentials stay in secrets
_SECRET = re.compile(
    r"password|passwd|secret|token|credential|account|role|login|oidc|auth|webhook|smtp|"
    r"密码|账号|帐号|角色|密钥|口令"
)
_DATE_SPLIT = re.compile(r"[,，;；、\s]+")
_NAME_SPLIT = re.compile(r"[,，;；、\n]+")


def match_key(text: object) -> str | None:
    """The setting a key cell names (`time_limit.normal`, `Time_Limit Normal`, its label …)."""
    if text is None:
        return None
    return _INDEX.get(name_key(text))


# ---- one value ----
class BadValue(ValueError):
    pass


def _number(text: str) -> float:
    try:
        return float(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        raise BadValue(text) from None


def parse_value(key: str, value: object) -> Any:
    """The value of setting `key` read from a cell (text or what the spreadsheet holds);
    None for a blank cell. Raises BadValue when it cannot be read or is out of range."""
    spec = BY_KEY[key]
    if isinstance(value, dt.date) and spec.kind == DATES:
        return frozenset({value.date() if isinstance(value, dt.datetime) else value})
    text = parse_text(value)
    if text is None:
        return None
    if spec.kind in (INT, NUMBER):
        number = _number(text)
        if spec.kind == INT and not number.is_integer():
            raise BadValue(text)
        if (spec.lo is not None and number < spec.lo) or (spec.hi is not None and number > spec.hi):
            raise BadValue(text)
        return int(number) if spec.kind == INT else number
    if spec.kind == DATES:
        days = set()
        for part in _DATE_SPLIT.split(text):
            if not part:
                continue
            try:
                day = parse_date(part)
            except CellError:
                raise BadValue(text) from None
            if day is None:
                raise BadValue(text)
            days.add(day.date() if isinstance(day, dt.datetime) else day)
        return frozenset(days)
    if spec.kind == NAMES:
        return tuple(n.strip() for n in _NAME_SPLIT.split(text) if n.strip())
    if spec.kind == FLAG:
        try:
            return parse_choice(text, YES_NO) == "yes"
        except CellError:
            raise BadValue(text) from None
    if spec.kind == LANGUAGE:
        lang = {"zh": "zh", "中文": "zh", "简体中文": "zh", "chinese": "zh", "汉语": "zh"}.get(
            text.strip().casefold()
        ) or {"en": "en", "english": "en", "英文": "en", "英语": "en"}.get(text.strip().casefold())
        if lang is None and text.strip().casefold().startswith(("zh-", "zh_", "en-", "en_")):
            lang = text.strip()[:2].casefold()
        if lang is None:
            raise BadValue(text)
        return lang
    if spec.kind == CALENDAR:
        from utils.workdays import normalise_choice

        try:
            return normalise_choice(text)
        except SheetdeskError:
            raise BadValue(text) from None
    raise BadValue(text)  # pragma: no cover - every kind is handled above


def value_text(kind: str, value: object, lang: str = "en") -> str:
    """A setting's value as it is written in the sheet (and shown)."""
    if value is None:
        return ""
    if kind == DATES and isinstance(value, Iterable):
        return ", ".join(d.isoformat() for d in sorted(value))
    if kind == NAMES and isinstance(value, Iterable):
        return ", ".join(value)
    if kind == FLAG:
        return YES_NO.label("yes" if value else "no", lang)
    if kind == NUMBER and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_value(key: str, value: object) -> str:
    """What `save_setting` writes for a value given as text or as a value (a list of dates,
    True …): the text the sheet will hold. Raises BadValue."""
    spec = BY_KEY[key]
    parsed: object
    if spec.kind == DATES and not isinstance(value, str) and isinstance(value, Iterable):
        parsed = frozenset().union(*(parse_value(key, v) or frozenset() for v in value))
    elif spec.kind == NAMES and not isinstance(value, str) and isinstance(value, Iterable):
        parsed = tuple(str(v).strip() for v in value if str(v).strip())
    elif spec.kind == FLAG and isinstance(value, bool):
        parsed = value
    else:
        parsed = parse_value(key, value)
    if spec.kind == FLAG:
        return "" if parsed is None else ("yes" if parsed else "no")
    return value_text(spec.kind, parsed)


# ---- the whole tab ----
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
    "BadValue",
    "default_rows",
    "effective_text",
    "match_key",
    "normalise_value",
    "parse_value",
    "read_sheet",
    "settings_rows",
    "sheet_problems",
    "sheet_values",
]
