"""The settings the settings tab (设置) may hold: each key, its kind, its default and its labels.

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
English label (`match_key`). A value is written in the sheet (and shown) as `value_text` says
for its kind. How a cell is read: `utils.settings_values`; the whole tab: `utils.settings_sheet`.

Pure: no streamlit, no store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sheets_schema.choices import YES_NO
from sheets_schema.columns import name_key

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


def match_key(text: object) -> str | None:
    """The setting a key cell names (`time_limit.normal`, `Time_Limit Normal`, its label …)."""
    if text is None:
        return None
    return _INDEX.get(name_key(text))


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


__all__ = [
    "BY_KEY",
    "CALENDAR",
    "DATES",
    "FLAG",
    "INT",
    "KEYS",
    "LANGUAGE",
    "LISTS",
    "NAMES",
    "NUMBER",
    "Key",
    "match_key",
    "value_text",
]
