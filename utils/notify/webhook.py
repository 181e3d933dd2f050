"""A generic JSON webhook: Sheetdesk's own format, for an in-house system or an automation
tool (n8n, Zapier, a ticketing system…).

POST https://your.host/path with `Content-Type: application/json; charset=utf-8` and the body

    {"key": …, "title": …, "body": …, "link": …, "lang": "zh"|"en",
     "mentions": [{"name": …, "wecom": …, "mobile": …, "dingtalk_userid": …, "feishu": …,
                   "email": …}],
     "emails": […], "to_people": […], "timestamp": <unix seconds>}

When a secret is configured the request carries `X-Sheetdesk-Signature: sha256=<hex>`, the
HMAC-SHA256 of the exact body bytes keyed with the secret (the scheme GitHub uses for its
webhooks), and `X-Sheetdesk-Timestamp`, the same value as the body's `timestamp` (covered by the
signature, so a receiver can refuse old replays). Any 2xx reply means delivered; 429 and 5xx
are retried, other statuses are refusals.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import time
from collections.abc import Callable

from utils.errors import NotifyRejected
from utils.notify.base import HttpChannel, dump_json
from utils.notify.message import Message

SIGNATURE_HEADER = "X-Sheetdesk-Signature"
TIMESTAMP_HEADER = "X-Sheetdesk-Timestamp"
_SECRET_HEADER = re.compile(r"(?i)auth|token|key|secret|signature|cookie")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """For receivers (and tests): does `header` sign `body` with `secret`?"""
    if not header:
        return False
    return hmac.compare_digest(signature(secret, body), header)


class WebhookChannel(HttpChannel):
    kind = "webhook"
    rate_limits = ()

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
        now: Callable[[], float] = time.time,
        **kwargs,
    ) -> None:
        super().__init__(url, **kwargs)
        self.secret = secret or None
        self.headers = dict(headers or {})
        self.now = now

    def _secrets(self) -> tuple[str, ...]:
        return (
            *super()._secrets(),
            *([self.secret] if self.secret else []),
            *(v for k, v in self.headers.items() if _SECRET_HEADER.search(k)),
        )

    def payload(self, message: Message) -> dict:
        return {
            "key": message.key,
            "title": message.title,
            "body": message.body,
            "link": message.safe_link,
            "lang": message.lang,
            "mentions": [
                {k: v for k, v in dataclasses.asdict(r).items() if v} for r in message.mentions
            ],
            "emails": list(message.all_emails()),
            "to_people": list(message.to_people),
            "timestamp": int(self.now()),
        }

    def send(self, message: Message) -> None:
        payload = self.payload(message)
        body = dump_json(payload)
        headers = dict(self.headers)
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(self.secret, body)
            headers[TIMESTAMP_HEADER] = str(payload["timestamp"])
        response = self.post(self.url, body, headers)
        if not 200 <= response.status_code < 300:
            raise NotifyRejected(channel=self.name, detail=f"HTTP {response.status_code}")
