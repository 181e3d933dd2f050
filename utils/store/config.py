"""Which store to open: the environment first, then the app's secrets, then the local default.

- `SHEETDESK_SPREADSHEET` (URL or key) + `GOOGLE_APPLICATION_CREDENTIALS` (service-account key
  file), or `[connections.gsheets]` in `.streamlit/secrets.toml` → Google Sheets;
- otherwise the workbook at `SHEETDESK_WORKBOOK`, or `data/sheetdesk.xlsx`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from utils.i18n import normalise_lang
from utils.store.base import Store
from utils.store.local import DEFAULT_WORKBOOK, LocalWorkbookStore


@dataclass(frozen=True)
class StoreConfig:
    backend: str  # "local" or "gsheets"
    workbook: str = DEFAULT_WORKBOOK
    spreadsheet: str = ""
    credentials_file: str = ""
    credentials_info: Mapping[str, object] = field(default_factory=dict)
    lang: str = "en"  # the language a new spreadsheet is made in
    lang_configured: bool = False  # False: `lang` is a default; the first saver's is used
    cache_seconds: float = 30.0
    give_up_seconds: float | None = None  # Google: one save or read gives up after (default 30)


def _seconds(value: object) -> float:
    """A number of seconds from the environment (text) or secrets (a number or text)."""
    if not isinstance(value, int | float | str):
        raise TypeError(f"not a number of seconds: {value!r}")
    return float(value)


def load_config(
    secrets: Mapping[str, object] | None = None, *, workbook: str | None = None
) -> StoreConfig:
    """`workbook` (e.g. the CLI's --workbook) wins over everything."""
    env = os.environ
    secrets = secrets or {}
    team = secrets.get("sheetdesk")
    configured = (
        env.get("SHEETDESK_LANGUAGE")
        or secrets.get("language")
        or (team.get("language") if isinstance(team, Mapping) else None)
    )
    lang = normalise_lang(str(configured or "en"))
    cache = _seconds(env.get("SHEETDESK_CACHE_SECONDS") or secrets.get("cache_seconds", 30.0))
    give_up = env.get("SHEETDESK_GIVE_UP_SECONDS") or secrets.get("give_up_seconds")
    give_up_seconds = _seconds(give_up) if give_up not in (None, "") else None
    if workbook:
        return StoreConfig("local", workbook=workbook, lang=lang, lang_configured=bool(configured))
    if env.get("SHEETDESK_SPREADSHEET"):
        return StoreConfig(
            "gsheets",
            spreadsheet=env["SHEETDESK_SPREADSHEET"],
            credentials_file=env.get("GOOGLE_APPLICATION_CREDENTIALS", ""),
            lang=lang,
            lang_configured=bool(configured),
            cache_seconds=cache,
            give_up_seconds=give_up_seconds,
        )
    connections = secrets.get("connections") or {}
    gsheets = connections.get("gsheets") if isinstance(connections, Mapping) else None
    if isinstance(gsheets, Mapping) and gsheets.get("spreadsheet"):
        info = {k: v for k, v in gsheets.items() if k not in ("spreadsheet", "worksheet")}
        return StoreConfig(
            "gsheets",
            spreadsheet=str(gsheets["spreadsheet"]),
            credentials_info=info,
            credentials_file=env.get("GOOGLE_APPLICATION_CREDENTIALS", ""),
            lang=lang,
            lang_configured=bool(configured),
            cache_seconds=cache,
            give_up_seconds=give_up_seconds,
        )
    return StoreConfig(
        "local",
        workbook=env.get("SHEETDESK_WORKBOOK") or DEFAULT_WORKBOOK,
        lang=lang,
        lang_configured=bool(configured),
    )


def open_store(config: StoreConfig | None = None) -> Store:
    config = config or load_config()
    store: Store
    if config.backend == "gsheets":
        from utils.store.gsheets import open_gsheets_store  # only when configured

        store = open_gsheets_store(config)
    else:
        store = LocalWorkbookStore(config.workbook, lang=config.lang)
    store.lang_configured = config.lang_configured
    return store
