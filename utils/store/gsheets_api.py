"""The few Sheets v4 calls the Google backend makes, with bounded retries and clear errors.

Every call goes through gspread's `HTTPClient` (so tests can put the offline fake under it) with
a request timeout, and through `SheetsApi.call`:

- 408/429/5xx, timeouts and dropped connections are *transient*: reads are retried with
  exponential backoff and jitter, a bounded number of times (gspread's `BackOffHTTPClient`
  would retry 429 forever, and never retries a timeout); writes are handed back to the store
  as `Transient`, which knows whether the write may have landed (`ambiguous`) and looks
  before writing again;
- 401, a rejected key, 403 (not shared, or the API not enabled) and 404 are `ConfigError`s with
  one message a person can act on;
- 400 "Unable to parse range" means a tab is gone: `TabGone`, the store re-reads the metadata.

Cells: dates are written as serial numbers (days since 1899-12-30, what Sheets stores for a
date and returns with UNFORMATTED_VALUE + SERIAL_NUMBER), everything else RAW, so `=1+1`, `0138`
and `+86 …` stay text. Serials read back are turned into datetimes rounded to the second.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from google.auth import exceptions as auth_exc
from gspread.exceptions import APIError

from utils.errors import ConfigError, StoreError

EPOCH = dt.datetime(1899, 12, 30)
TRANSIENT_CODES = frozenset({408, 429, 500, 502, 503, 504})
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
WRITE_PARAMS = {"valueInputOption": "RAW"}
APPEND_PARAMS = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_URL_KEY_RE = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


class Transient(Exception):
    """A request failed in a way that may pass if tried again. `ambiguous`: the request may
    have been applied all the same (a timeout, a dropped connection, a 5xx)."""

    def __init__(self, reason: str, *, ambiguous: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.ambiguous, self.code = reason, ambiguous, code


class TabGone(Exception):
    """A range named a tab that is no longer in the spreadsheet."""


class OutOfGrid(Exception):
    """A range lies below or right of the tab's grid (rows were deleted meanwhile)."""


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter: try `attempts` times, waiting about base·2ⁿ seconds
    (half fixed, half random, at most `cap`) in between. Tests pass `sleep=lambda s: None`."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 16.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    rand: Callable[[], float] = field(default=random.random)

    def wait(self, attempt: int) -> None:
        delay = min(self.cap, self.base * 2**attempt)
        self.sleep(delay / 2 + self.rand() * delay / 2)


def spreadsheet_key(value: str) -> str:
    """A spreadsheet's key from its browser URL or the key itself."""
    text = (value or "").strip()
    m = _URL_KEY_RE.search(text)
    key = m.group(1) if m else text
    if not _KEY_RE.match(key):
        raise ConfigError("gsheets.bad_spreadsheet", value=text)
    return key


def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def letter(index: int) -> str:
    """0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def encode(value: object, kind: str = "") -> object:
    """A normalised record value → what is written RAW into a cell."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if kind == "date":
            return (value.date() - EPOCH.date()).days
        return round((value.replace(tzinfo=None) - EPOCH).total_seconds()) / 86400
    if isinstance(value, dt.date):
        return (value - EPOCH.date()).days
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | str):
        return value
    return str(value)


def decode_serial(value: object) -> object:
    """A serial number read from a date column → datetime to the second; others unchanged."""
    if type(value) is float and 1 <= value < 2958466:
        return EPOCH + dt.timedelta(seconds=round(value * 86400))
    return value


def first_cell(a1_range: str) -> tuple[int | None, int | None]:
    """`'Tab'!B52:W53` → (52, 1): the first row (1-based) and column (0-based)."""
    m = re.search(r"!\$?([A-Za-z]*)\$?(\d+)", a1_range or "")
    if not m:
        return None, None
    column = None
    if m.group(1):
        column = 0
        for ch in m.group(1).upper():
            column = column * 26 + ord(ch) - 64
        column -= 1
    return int(m.group(2)), column


class SheetsApi:
    """One spreadsheet's endpoints over a gspread HTTPClient, with retries and error mapping."""

    def __init__(
        self, http_client: Any, key: str, *, retry: RetryPolicy | None = None, account: str = ""
    ) -> None:
        self.http = http_client
        self.key = key
        self.retry = retry or RetryPolicy()
        self.account = account  # the service account's e-mail, for "share the sheet with …"

    # ---- the calls ----
    def metadata(self) -> dict[str, Any]:
        return self.read(self.http.fetch_sheet_metadata, self.key)

    def batch_get(self, ranges: list[str]) -> list[list[list[object]]]:
        body = self.read(self.http.values_batch_get, self.key, ranges, dict(READ_PARAMS))
        return [vr.get("values") or [] for vr in body.get("valueRanges") or []]

    def append(self, range_: str, rows: list[list[object]]) -> dict[str, Any]:
        return self.write(
            self.http.values_append, self.key, range_, dict(APPEND_PARAMS), {"values": rows}
        )

    def update(self, range_: str, rows: list[list[object]]) -> dict[str, Any]:
        return self.write(
            self.http.values_update, self.key, range_, dict(WRITE_PARAMS), {"values": rows}
        )

    def update_many(self, data: list[dict[str, Any]]) -> dict[str, Any]:
        body = {"valueInputOption": "RAW", "data": data}
        return self.write(self.http.values_batch_update, self.key, body)

    def structure(self, requests_: list[dict[str, Any]]) -> dict[str, Any]:
        return self.write(self.http.batch_update, self.key, {"requests": requests_})

    # ---- retries ----
    def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A read: transient failures are retried (bounded); the last one is a StoreError."""
        attempt = 0
        while True:
            try:
                return self.once(fn, *args)
            except Transient as exc:
                attempt += 1
                if attempt >= self.retry.attempts:
                    raise StoreError("gsheets.unavailable", detail=exc.reason) from exc
                self.retry.wait(attempt - 1)

    def write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A write is tried once here; the store decides about trying again (`Transient`)."""
        return self.once(fn, *args)

    def once(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except APIError as exc:
            raise self._api_error(exc) from exc
        except requests.RequestException as exc:  # timeout, dropped connection, cut answer
            name = "timeout" if isinstance(exc, requests.Timeout) else type(exc).__name__
            raise Transient(f"{name}: {exc}", ambiguous=True) from exc
        except auth_exc.TransportError as exc:  # no token: Google cannot be reached
            raise Transient(f"cannot reach Google: {exc}", ambiguous=False) from exc
        except auth_exc.GoogleAuthError as exc:  # the key was refused when asking for a token
            raise ConfigError("gsheets.credentials_rejected", detail=str(exc)) from exc

    def _api_error(self, exc: APIError) -> Exception:
        code = exc.code if exc.code and exc.code > 0 else exc.response.status_code
        message = str(exc.error.get("message", "")) if isinstance(exc.error, dict) else ""
        if code in TRANSIENT_CODES:
            # 429 and 408 are refused before anything is done; a 5xx may have been applied
            return Transient(f"{code} {message}".strip(), ambiguous=code >= 500, code=code)
        if code == 400 and "Unable to parse range" in message:
            return TabGone(message)
        if code == 400 and "exceeds grid limits" in message:
            return OutOfGrid(message)
        if code == 401:
            return ConfigError("gsheets.credentials_rejected", detail=message)
        if code == 403:
            lowered = message.lower()
            if "has not been used" in lowered or "is disabled" in lowered:
                return ConfigError("gsheets.api_disabled", detail=message)
            return ConfigError(
                "gsheets.not_shared", key=self.key, email=self.account or "the service account"
            )
        if code == 404:
            return ConfigError("gsheets.not_found", key=self.key)
        return StoreError("gsheets.api_error", detail=f"{code} {message}".strip())
