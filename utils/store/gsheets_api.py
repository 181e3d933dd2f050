"""The few Sheets v4 calls the Google backend makes, with bounded retries and clear errors.

Every call goes through gspread's `HTTPClient` (so tests can put the offline fake under it) with
a request timeout, and through `SheetsApi.once`:

- 408/429/5xx, timeouts and dropped connections are *transient*: reads are retried with
  exponential backoff and jitter, a bounded number of times (gspread's `BackOffHTTPClient`
  would retry 429 forever, and never retries a timeout); writes are handed back to the caller
  as `Transient`, which knows whether the write may have landed (`ambiguous`) and looks
  before writing again;
- 401, a rejected key, 403 (not shared, or the API not enabled) and 404 are `ConfigError`s with
  one message a person can act on;
- 400 "Unable to parse range" means a tab is gone: `TabGone`, the caller re-reads the metadata.

Time is bounded as well as tries: one operation — a read with its retries, or a save with its
look-ups and retries (`SheetsApi.bounded()`) — gives up `RetryPolicy.deadline` seconds (30)
after it started. No try starts after that, no backoff wait runs past it, and each request's
timeouts are cut to the time left. So when Google does not answer at all, a save gives up
within 30 s and waits in the queue, rather than after five 30-second timeouts and a look-up.

Cells and A1 notation (serial dates, `'Tab'!A1`) are in `gsheets_cells`.
"""

from __future__ import annotations

import copy
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from google.auth import exceptions as auth_exc
from gspread.exceptions import APIError

from utils.errors import ConfigError, StoreError

T = TypeVar("T")
Timeout = float | tuple[float | None, float | None] | None

GIVE_UP_SECONDS = 30.0  # one operation, its retries included, gives up after this long
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, and between two bytes of an answer (seconds)
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
    (half fixed, half random, at most `cap`) in between, and give an operation up `deadline`
    seconds after it started (no try is started with less than `min_try` seconds left).
    Tests pass `sleep=lambda s: None`, or a fake `clock` that `sleep` moves on."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 16.0
    deadline: float = GIVE_UP_SECONDS
    min_try: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    rand: Callable[[], float] = field(default=random.random)
    clock: Callable[[], float] = field(default=time.monotonic)

    def delay(self, failures: int) -> float:
        """The wait after the `failures`-th failed try (1-based)."""
        delay = min(self.cap, self.base * 2 ** (failures - 1))
        return delay / 2 + self.rand() * delay / 2


@dataclass(frozen=True)
class Deadline:
    """When one operation gives up, on its policy's clock."""

    at: float
    clock: Callable[[], float]

    def left(self) -> float:
        return self.at - self.clock()


def spreadsheet_key(value: str) -> str:
    """A spreadsheet's key from its browser URL or the key itself."""
    text = (value or "").strip()
    m = _URL_KEY_RE.search(text)
    key = m.group(1) if m else text
    if not _KEY_RE.match(key):
        raise ConfigError("gsheets.bad_spreadsheet", value=text)
    return key


class SheetsApi:
    """One spreadsheet's endpoints over a gspread HTTPClient, with retries and error mapping.

    The HTTP client is shared (by every store and thread of the process) and never changed:
    `timeout` is applied to a shallow copy of it for each try. `deadline` is set on the copy
    `bounded()` returns, for one operation; without it each read is bounded on its own."""

    def __init__(
        self,
        http_client: Any,
        key: str,
        *,
        retry: RetryPolicy | None = None,
        account: str = "",
        timeout: Timeout = DEFAULT_TIMEOUT,
        deadline: Deadline | None = None,
    ) -> None:
        self.http = http_client
        self.key = key
        self.retry = retry or RetryPolicy()
        self.account = account  # the service account's e-mail, for "share the sheet with …"
        self.timeout = timeout  # None: the HTTP client's own
        self.deadline = deadline

    def bounded(self) -> SheetsApi:
        """This API for one operation: its requests and waits share one deadline,
        `retry.deadline` seconds from now (or the deadline this one already has)."""
        if self.deadline is not None:
            return self
        clock = self.retry.clock
        return SheetsApi(
            self.http,
            self.key,
            retry=self.retry,
            account=self.account,
            timeout=self.timeout,
            deadline=Deadline(clock() + self.retry.deadline, clock),
        )

    # ---- the calls ----
    def metadata(self) -> dict[str, Any]:
        return self.read(lambda http: http.fetch_sheet_metadata(self.key))

    def batch_get(self, ranges: list[str]) -> list[list[list[object]]]:
        body = self.read(lambda http: http.values_batch_get(self.key, ranges, dict(READ_PARAMS)))
        return [vr.get("values") or [] for vr in body.get("valueRanges") or []]

    def append(self, range_: str, rows: list[list[object]]) -> dict[str, Any]:
        return self.write(
            lambda http: http.values_append(self.key, range_, dict(APPEND_PARAMS), {"values": rows})
        )

    def update(self, range_: str, rows: list[list[object]]) -> dict[str, Any]:
        return self.write(
            lambda http: http.values_update(self.key, range_, dict(WRITE_PARAMS), {"values": rows})
        )

    def update_many(self, data: list[dict[str, Any]]) -> dict[str, Any]:
        body = {"valueInputOption": "RAW", "data": data}
        return self.write(lambda http: http.values_batch_update(self.key, body))

    def structure(self, requests_: list[dict[str, Any]]) -> dict[str, Any]:
        return self.write(lambda http: http.batch_update(self.key, {"requests": requests_}))

    # ---- retries ----
    def read(self, call: Callable[[Any], T]) -> T:
        """A read, `call(http_client)`: transient failures are retried (bounded in tries and
        time); the last one is a StoreError."""
        api = self.bounded()
        failures = 0
        while True:
            try:
                return api.once(call)
            except Transient as exc:
                failures += 1
                if not api.retry_wait(failures):
                    raise StoreError("gsheets.unavailable", detail=exc.reason) from exc

    def write(self, call: Callable[[Any], T]) -> T:
        """A write is tried once here; the caller decides about trying again (`Transient`)."""
        return self.bounded().once(call)

    def retry_wait(self, failures: int, *, backoff: bool = True) -> bool:
        """After `failures` failed tries: wait the backoff and say True (try again), or say
        False (give up) when the tries are used up or the deadline would leave too little."""
        if failures >= self.retry.attempts:
            return False
        delay = self.retry.delay(failures) if backoff else 0.0
        if self.deadline is not None and self.deadline.left() - delay < self.retry.min_try:
            return False
        if delay:
            self.retry.sleep(delay)
        return True

    def once(self, call: Callable[[Any], T]) -> T:
        left = self.deadline.left() if self.deadline is not None else None
        if left is not None and left <= 0:
            raise Transient(f"no answer within {self.retry.deadline:g} s; gave up", ambiguous=False)
        http = copy.copy(self.http)  # shares the session (and its token)
        http.set_timeout(_cut(self.timeout if self.timeout is not None else http.timeout, left))
        try:
            return call(http)
        except APIError as exc:
            raise self.map_error(exc) from exc
        except requests.RequestException as exc:  # timeout, dropped connection, cut answer
            name = "timeout" if isinstance(exc, requests.Timeout) else type(exc).__name__
            raise Transient(f"{name}: {exc}", ambiguous=True) from exc
        except auth_exc.TransportError as exc:  # no token: Google cannot be reached
            raise Transient(f"cannot reach Google: {exc}", ambiguous=False) from exc
        except auth_exc.GoogleAuthError as exc:  # the key was refused when asking for a token
            raise ConfigError("gsheets.credentials_rejected", detail=str(exc)) from exc

    def map_error(self, exc: APIError) -> Exception:
        """The exception an HTTP error answer stands for."""
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


def _cut(timeout: Timeout, left: float | None) -> Timeout:
    """A request timeout no longer than the time left (None: no deadline), to 0.01 s."""
    if left is None:
        return timeout
    cut = max(0.01, round(left, 2))
    if timeout is None:
        return cut
    if isinstance(timeout, tuple):  # (connect, read)
        connect, read = timeout
        return (
            cut if connect is None or connect > left else connect,
            cut if read is None or read > left else read,
        )
    return cut if timeout > left else timeout
