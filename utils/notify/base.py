"""What every channel shares: the `Channel` interface, the HTTP call with its error mapping,
and `redact()`, which keeps webhook keys, tokens and signing secrets out of every text that
leaves a channel (exceptions, logs, results).

Errors a channel raises (all `utils.errors.NotifyError`):

- `NotifyRejected`   the service said no (4xx, a bad key, a bad signature, a message it will
                     not take): sending the same thing again will not help, so it is not retried;
- `NotifyUnavailable` the service could not be reached or failed (timeout, connection refused,
                     5xx, "system busy"): worth retrying a little later;
- `NotifyRateLimited` the service says we are sending too fast; `retry_after` says how long it
                     asks us to wait, when it says so.

No exception raised here is chained to the underlying one (`requests` and `smtplib` errors
carry the full request URL, key included): the detail is redacted text only.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from urllib.parse import quote, quote_plus, urlsplit

import requests

from utils.errors import NotifyRateLimited, NotifyRejected, NotifyUnavailable
from utils.notify.message import Message

log = logging.getLogger("sheetdesk.notify")

MASK = "***"
SECRET_PARAMS = ("key", "access_token", "token", "sign", "secret", "password", "passwd", "pwd")
_QUERY_SECRET = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s'\"<>)\]]*")
_HOOK_PATH = re.compile(r"(?i)(/hook/)[^/?#\s'\"<>)\]]+")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/@\s'\"<>]*@")


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """`text` with secrets masked as ***.

    Masks the values of `key=`, `access_token=`, `token=`, `sign=`, `secret=`, `password=` in
    any URL or query string (also in relative ones, as in `requests`' error messages), a
    Feishu/Lark hook token (`/hook/<token>`), `user:password@` in a URL, and every string in
    `secrets` wherever it appears (as is and URL-encoded).
    """
    out = str(text)
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            out = out.replace(form, MASK)
    out = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, out)
    out = _HOOK_PATH.sub(lambda m: m.group(1) + MASK, out)
    out = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", out)
    return out


class RedactingFilter(logging.Filter):
    """Masks secrets in other libraries' log records: urllib3 logs every request line at DEBUG
    level, query string (webhook key, access token, signature) included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _guard_library_logs() -> None:
    for name in ("urllib3.connectionpool", "requests"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


_guard_library_logs()


def is_loopback(host: str | None) -> bool:
    host = (host or "").strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Channel:
    """A way to deliver a `Message`. Subclasses set `kind` and `rate_limits` and implement
    `send`, which returns when the service accepted the message (False: there was nobody to
    send it to on this channel, nothing was sent) and raises a `NotifyError` otherwise."""

    kind: ClassVar[str] = "channel"
    # (count, seconds): at most `count` messages in any window of `seconds`. Several may apply.
    # The class gives the service's limits; `__init__(rate_limits=…)` sets an object's own.
    rate_limits: tuple[tuple[int, float], ...] = ()

    def __init__(self, *, name: str | None = None, rate_limits=None) -> None:
        self.name = name or self.kind
        if rate_limits is not None:
            self.rate_limits = tuple((int(n), float(s)) for n, s in rate_limits)

    def send(self, message: Message) -> bool | None:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def rate_key(self) -> str:
        """Identifies the remote robot/account (not secret), so that every channel object for
        the same robot shares one rate limiter."""
        return f"{self.kind}:{self.name}"

    def _secrets(self) -> tuple[str, ...]:
        return ()

    def redact(self, text: object) -> str:
        return redact(text, self._secrets())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class HttpChannel(Channel):
    """A channel that POSTs JSON to a webhook URL through a `requests.Session`."""

    default_timeout: ClassVar[tuple[float, float]] = (5.0, 10.0)

    def __init__(
        self,
        url: str,
        *,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] | None = None,
        name: str | None = None,
        rate_limits=None,
    ) -> None:
        super().__init__(name=name, rate_limits=rate_limits)
        self.url = url
        self.session = session or requests.Session()
        self.timeout = timeout if timeout is not None else self.default_timeout

    @property
    def rate_key(self) -> str:
        digest = hashlib.sha256(self.url.encode("utf-8")).hexdigest()
        return f"{self.kind}:{digest[:16]}"

    @property
    def safe_url(self) -> str:
        return self.redact(self.url)

    def _secrets(self) -> tuple[str, ...]:
        parts = urlsplit(self.url)
        found = [v for v in re.findall(r"(?:key|access_token|token)=([^&#]+)", parts.query)]
        if "/hook/" in parts.path:
            found.append(parts.path.rsplit("/hook/", 1)[1].split("/")[0])
        return tuple(found)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self.safe_url}>"

    # --- the call -------------------------------------------------------------------------

    def post(
        self, url: str, payload: Any, headers: Mapping[str, str] | None = None
    ) -> requests.Response:
        """POST `payload` (JSON, UTF-8, Chinese unescaped) and map transport failures and
        HTTP 429/5xx to NotifyErrors. Other statuses are returned for the channel to judge."""
        body = payload if isinstance(payload, bytes) else dump_json(payload)
        sent_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        detail = None
        try:
            response = self.session.post(url, data=body, headers=sent_headers, timeout=self.timeout)
        except requests.Timeout as exc:
            detail = "timeout: " + self.redact(exc)
        except requests.ConnectionError as exc:
            detail = "connection failed: " + self.redact(exc)
        except requests.RequestException as exc:
            detail = f"{type(exc).__name__}: " + self.redact(exc)
        if detail is not None:  # raised outside the except block: no chained original
            raise NotifyUnavailable(channel=self.name, detail=detail)
        if response.status_code == 429:
            raise NotifyRateLimited(
                channel=self.name,
                detail="HTTP 429",
                retry_after=retry_after_header(response.headers),
            )
        if response.status_code >= 500:
            raise NotifyUnavailable(channel=self.name, detail=f"HTTP {response.status_code}")
        return response

    def json_reply(self, response: requests.Response) -> dict:
        """The reply's JSON object; a non-JSON reply is a rejection (with its HTTP status)."""
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise NotifyRejected(
                channel=self.name,
                detail=f"HTTP {response.status_code}, not a JSON reply",
            )
        return data


def dump_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    for name in ("Retry-After", "x-ogw-ratelimit-reset"):
        value = headers.get(name)
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return None


def service_detail(code: object, msg: object, secrets: Iterable[str] = ()) -> str:
    """`errcode 93000: invalid webhook url` — the service's own words, redacted and short."""
    text = redact(str(msg or "").strip(), secrets)
    text = text.split(", hint:")[0].split(" more info")[0].split(", more:")[0]
    return f"code {code}: {text[:200]}" if text else f"code {code}"
