"""Service-account credentials for the Google backend, with one clear message per mistake.

The key comes from `GOOGLE_APPLICATION_CREDENTIALS` (the path of the JSON key file Google
gives out; the environment wins) or from the fields of that JSON under `[connections.gsheets]`
in `.streamlit/secrets.toml` (the layout st-gsheets-connection users already have). No file,
unreadable JSON, a key that is not a service account's, a missing field, a broken private key:
each is a `ConfigError` saying what to do. One gspread client per key and process, so every
session shares its access token.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import gspread
from google.oauth2.service_account import Credentials

from utils.errors import ConfigError

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)  # no Drive access is needed
TOKEN_URI = "https://oauth2.googleapis.com/token"
SECRETS_PLACE = "[connections.gsheets] in .streamlit/secrets.toml"

_CLIENTS: dict[tuple[str, str], tuple[Any, str]] = {}
_LOCK = threading.Lock()


def service_account_info(
    credentials_file: str = "",
    credentials_info: Mapping[str, object] | None = None,
) -> tuple[dict[str, Any], str]:
    """The key's fields and where they came from (for messages)."""
    if credentials_file:
        path = Path(credentials_file).expanduser()
        where = str(path)
        if not path.is_file():
            raise ConfigError("gsheets.credentials_not_found", path=where)
        try:
            info = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("gsheets.credentials_bad_json", where=where, detail=str(exc)) from exc
        except json.JSONDecodeError as exc:
            detail = f"line {exc.lineno}: {exc.msg}"
            raise ConfigError("gsheets.credentials_bad_json", where=where, detail=detail) from exc
        except ValueError as exc:
            raise ConfigError("gsheets.credentials_bad_json", where=where, detail=str(exc)) from exc
        if not isinstance(info, dict):
            raise ConfigError(
                "gsheets.credentials_bad_json", where=where, detail="not a JSON object"
            )
    elif credentials_info:
        info, where = {str(k): v for k, v in credentials_info.items()}, SECRETS_PLACE
    else:
        raise ConfigError("gsheets.credentials_missing")
    kind = str(info.get("type") or "")
    if kind != "service_account":
        raise ConfigError("gsheets.credentials_not_service_account", where=where, kind=kind or "—")
    missing = [k for k in ("client_email", "private_key") if not info.get(k)]
    if missing:
        raise ConfigError("gsheets.credentials_incomplete", where=where, fields=", ".join(missing))
    key = str(info["private_key"])
    if "\\n" in key and "\n" not in key:  # pasted into TOML as a literal '…' string
        info["private_key"] = key.replace("\\n", "\n")
    info.setdefault("token_uri", TOKEN_URI)
    return info, where


def credentials(info: dict[str, Any], where: str) -> Credentials:
    try:
        return Credentials.from_service_account_info(info, scopes=list(SCOPES))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ConfigError("gsheets.credentials_invalid", where=where, detail=str(exc)) from exc


def cached_client(
    credentials_file: str = "", credentials_info: Mapping[str, object] | None = None
) -> tuple[Any, str]:
    """(gspread client, service account e-mail), one client per key in this process."""
    info, where = service_account_info(credentials_file, credentials_info)
    fingerprint = (
        str(info["client_email"]),
        hashlib.sha256(str(info["private_key"]).encode()).hexdigest(),
    )
    with _LOCK:
        found = _CLIENTS.get(fingerprint)
        if found is None:
            client = gspread.Client(auth=credentials(info, where))
            found = _CLIENTS[fingerprint] = (client, str(info["client_email"]))
        return found


def forget_clients() -> None:
    """Forget every client (tests, or after changing credentials)."""
    with _LOCK:
        _CLIENTS.clear()
