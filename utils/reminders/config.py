"""Reminder settings: the `[sheetdesk.reminders]` table of `.streamlit/secrets.toml`, the
channels and people of `[sheetdesk.notify]` (parsed by `utils.notify.parse`), the team's
settings (time limits, calendar) and its language — everything one `remind` run needs.

    [sheetdesk]
    language = "zh"                      # the team's language: reminders are written in it

    [sheetdesk.reminders]
    due_soon_hours = 4                   # "due soon": under this many working hours left
    overdue_escalate_hours = 8           # tell the level above past this many, overdue
    auto_escalate = false                # also move the case one level up (logged)
    digest_hour = 9                      # daily digests and overdue reminders from this hour
    app_url = "https://desk.example.cn"  # links to the record's page; blank: no links
    managers = ["周主任"]                 # who gets the managers' daily digest

    [sheetdesk.reminders.ladder]         # who is told when a case must go up a level
    department = ["周主任"]               # frontline → department head(s)
    management = ["吴经理"]               # department → management
    executive = ["陈总"]                  # management → executive

The environment wins where that makes sense for a cron job: `SHEETDESK_LANGUAGE`,
`SHEETDESK_APP_URL`, and `SHEETDESK_SECRETS` (the secrets file to read). A bad value raises
`ConfigError` naming the key (`sheetdesk.reminders.digest_hour`), in either language, never
quoting a value (the file also holds passwords). Unknown keys are refused, so that a typo
(`auto_escalte`) does not silently leave a setting at its default.

No streamlit here: the command line reads the secrets file itself (`read_secrets`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from utils.errors import ConfigError
from utils.i18n import normalise_lang
from utils.notify import NotifyConfig, parse
from utils.settings import Settings, load_settings

WHERE = "sheetdesk.reminders"
SECRETS_ENV = "SHEETDESK_SECRETS"
APP_URL_ENV = "SHEETDESK_APP_URL"
DEFAULT_SECRETS = Path(".streamlit") / "secrets.toml"
LADDER_LEVELS = ("department", "management", "executive")  # the levels one can be raised to
KEYS = (
    "due_soon_hours",
    "overdue_escalate_hours",
    "auto_escalate",
    "digest_hour",
    "app_url",
    "ladder",
    "managers",
)


@dataclass(frozen=True)
class ReminderConfig:
    """What to remind of, when, and whom (see the module's docstring)."""

    due_soon_hours: float = 4.0
    overdue_escalate_hours: float = 8.0
    auto_escalate: bool = False
    digest_hour: int = 9
    app_url: str = ""
    ladder: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    managers: tuple[str, ...] = ()
    language: str = "zh"

    def link(self, page: str, **query: str) -> str | None:
        """`{app_url}/{page}?k=v` when an app URL is configured, else None."""
        if not self.app_url:
            return None
        from urllib.parse import urlencode

        tail = f"?{urlencode(query)}" if query else ""
        return f"{self.app_url}/{page}{tail}"

    def people_named(self) -> set[str]:
        """Everyone the settings name (ladder and managers)."""
        return {*self.managers, *(n for names in self.ladder.values() for n in names)}


@dataclass
class Setup:
    """One run's whole configuration."""

    reminders: ReminderConfig
    notify: NotifyConfig
    settings: Settings
    secrets: Mapping[str, Any] = field(default_factory=dict)  # the whole file (store config)


def _number(table: Mapping, key: str, default: float) -> float:
    value = table.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or not number > 0:
        raise ConfigError("reminders.config.not_positive", key=f"{WHERE}.{key}")
    return number


def _hour(table: Mapping, key: str, default: int) -> int:
    value = table.get(key, default)
    try:
        hour = int(str(value).strip())
    except ValueError:
        hour = -1
    if isinstance(value, bool) or not 0 <= hour <= 23:
        raise ConfigError("reminders.config.not_hour", key=f"{WHERE}.{key}")
    return hour


def _flag(table: Mapping, key: str, default: bool) -> bool:
    value = table.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on", "是"):
        return True
    if text in ("false", "no", "0", "off", "否"):
        return False
    raise ConfigError("reminders.config.not_flag", key=f"{WHERE}.{key}")


def _names(value: object, where: str) -> tuple[str, ...]:
    """A list of names, or one text of names separated by commas (either kind) or 、."""
    if value is None:
        return ()
    if isinstance(value, str):
        for sep in ("，", "、", ";", "；"):
            value = value.replace(sep, ",")
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError("reminders.config.not_names", key=where)
    out: dict[str, None] = {}
    for name in value:
        name = " ".join(name.split())
        if name:
            out.setdefault(name, None)
    return tuple(out)


def _url(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("reminders.config.bad_url", key=f"{WHERE}.app_url")
    return text.rstrip("/")


def parse_reminders(
    table: Mapping | None, *, language: str = "zh", env: Mapping[str, str] | None = None
) -> ReminderConfig:
    """The `[sheetdesk.reminders]` table (None: all defaults) → `ReminderConfig`."""
    env = os.environ if env is None else env
    table = {} if table is None else table
    if not isinstance(table, Mapping):
        raise ConfigError("reminders.config.not_a_table", key=WHERE)
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                "reminders.config.unknown_key", key=f"{WHERE}.{key}", known=", ".join(KEYS)
            )
    ladder_table = table.get("ladder") or {}
    if not isinstance(ladder_table, Mapping):
        raise ConfigError("reminders.config.not_a_table", key=f"{WHERE}.ladder")
    ladder = {}
    for level, names in ladder_table.items():
        if level not in LADDER_LEVELS:
            raise ConfigError(
                "reminders.config.unknown_key",
                key=f"{WHERE}.ladder.{level}",
                known=", ".join(LADDER_LEVELS),
            )
        ladder[level] = _names(names, f"{WHERE}.ladder.{level}")
    return ReminderConfig(
        due_soon_hours=_number(table, "due_soon_hours", 4.0),
        overdue_escalate_hours=_number(table, "overdue_escalate_hours", 8.0),
        auto_escalate=_flag(table, "auto_escalate", False),
        digest_hour=_hour(table, "digest_hour", 9),
        app_url=_url(env.get(APP_URL_ENV) or table.get("app_url")),
        ladder=ladder,
        managers=_names(table.get("managers"), f"{WHERE}.managers"),
        language=normalise_lang(env.get("SHEETDESK_LANGUAGE") or language or "zh"),
    )


def load(
    secrets: Mapping[str, Any] | None,
    *,
    env: Mapping[str, str] | None = None,
    session: Any = None,
) -> Setup:
    """Everything a run needs from the whole secrets mapping (as `read_secrets` returns it)."""
    secrets = dict(secrets or {})
    sheetdesk = secrets.get("sheetdesk") or {}
    if not isinstance(sheetdesk, Mapping):
        raise ConfigError("reminders.config.not_a_table", key="sheetdesk")
    language = str(sheetdesk.get("language") or secrets.get("language") or "zh")
    reminders = parse_reminders(sheetdesk.get("reminders"), language=language, env=env)
    notify = parse(sheetdesk.get("notify"), session=session)
    overrides = {k: v for k, v in sheetdesk.items() if k not in ("reminders", "notify")}
    try:
        settings = load_settings(overrides)
    except (TypeError, ValueError) as exc:
        raise ConfigError("reminders.config.bad_settings", detail=type(exc).__name__) from None
    return Setup(reminders, notify, settings, secrets)


def secrets_path(path: str | os.PathLike | None = None) -> Path:
    """The secrets file to read: `path`, else `SHEETDESK_SECRETS`, else
    `.streamlit/secrets.toml` in the current folder (where `streamlit run` looks)."""
    return Path(path or os.environ.get(SECRETS_ENV) or DEFAULT_SECRETS).expanduser()


def _toml_loads(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(text)
    try:  # Python 3.10
        import tomli

        return tomli.loads(text)
    except ImportError:
        import toml  # Streamlit's own dependency

        return toml.loads(text)


def read_secrets(path: str | os.PathLike | None = None, *, required: bool = False) -> dict:
    """The secrets file as a dict; {} when there is none (unless `required`: the file was
    named explicitly). A file that is not valid TOML raises ConfigError with the parser's
    position only (its text may hold passwords)."""
    file = secrets_path(path)
    explicit = required or bool(path) or bool(os.environ.get(SECRETS_ENV))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        if explicit:
            raise ConfigError("reminders.config.no_secrets", path=str(file)) from None
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            "reminders.config.bad_secrets", path=str(file), detail=type(exc).__name__
        ) from None
    try:
        return _toml_loads(text)
    except Exception as exc:  # noqa: BLE001 - tomllib / tomli / toml each raise their own
        detail = str(exc).split("\n")[0]
        # the parsers say where ("line 3, column 9"), never what: keep only that part
        where = detail[detail.find("(") :] if "(" in detail else type(exc).__name__
        raise ConfigError("reminders.config.bad_secrets", path=str(file), detail=where) from None
