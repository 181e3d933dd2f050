"""DingTalk (钉钉) custom robot (自定义机器人) webhook, with 加签 signing.

Follows DingTalk's documents 自定义机器人接入 / 自定义机器人安全设置 / 消息类型 (open.dingtalk.com,
"custom-robot-access"), as quoted in the stored copies consulted:

- POST JSON (UTF-8) to https://oapi.dingtalk.com/robot/send?access_token=TOKEN;
- signing: `timestamp` = now in milliseconds (at most one hour from DingTalk's clock) and
  `sign` = urlEncode(base64(HmacSHA256(key=secret, msg=f"{timestamp}\\n{secret}"))), both
  appended to the URL's query;
- `{"msgtype": "markdown", "markdown": {"title": …, "text": …},
  "at": {"atMobiles": […], "atUserIds": […], "isAtAll": false}}`; a person is highlighted only
  if the text also contains "@<mobile>" / "@<userId>";
- at most 20 messages a minute per robot; past that the robot is throttled for 10 minutes
  (errcode 130101 "send too fast, exceed 20 times per minute"; 410100 is DingTalk's newer code
  for the same — taken from reports, not from a stored official page);
- reply `{"errcode": 0, "errmsg": "ok"}`; 310000 = bad signature, stale timestamp, missing
  keyword or IP not allowed; 300001 = bad token.

The documents state no size limit for markdown text; this channel keeps it within 4096 bytes
(a conservative choice, like WeCom's markdown limit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote_plus, urlencode

from utils.errors import NotifyRateLimited, NotifyRejected, NotifyUnavailable
from utils.notify.base import HttpChannel, service_detail
from utils.notify.message import Message, fit, truncate_utf8

API = "https://oapi.dingtalk.com/robot/send"
TEXT_MAX_BYTES = 4096
RATE_LIMITED = {130101, 410100}
THROTTLE_SECONDS = 600.0  # "如果超过20条，会限流10分钟"
BUSY = {-1}


def sign(secret: str, timestamp_ms: int | str) -> str:
    """base64(HMAC-SHA256(secret, "timestamp\\nsecret")) — not yet URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class DingTalkChannel(HttpChannel):
    kind = "dingtalk"
    rate_limits = ((20, 60.0),)

    def __init__(
        self,
        webhook: str | None = None,
        *,
        access_token: str | None = None,
        base_url: str = API,
        secret: str | None = None,
        now: Callable[[], float] = time.time,
        **kwargs,
    ) -> None:
        if webhook is None:
            if not access_token:
                raise ValueError("DingTalkChannel needs a webhook URL or an access_token")
            webhook = f"{base_url}?{urlencode({'access_token': access_token})}"
        super().__init__(webhook, **kwargs)
        self.secret = secret or None
        self.now = now

    def _secrets(self) -> tuple[str, ...]:
        return (*super()._secrets(), *([self.secret] if self.secret else []))

    def signed_url(self) -> str:
        if not self.secret:
            return self.url
        timestamp = str(int(self.now() * 1000))
        separator = "&" if "?" in self.url else "?"
        signature = quote_plus(sign(self.secret, timestamp))
        return f"{self.url}{separator}timestamp={timestamp}&sign={signature}"

    def payload(self, message: Message) -> dict:
        mobiles = [r.mobile for r in message.mentions if r.mobile]
        userids = [r.dingtalk_userid for r in message.mentions if r.dingtalk_userid]
        title = truncate_utf8(message.title.strip(), 256)
        link = message.safe_link
        at_line = " ".join(f"@{m}" for m in [*mobiles, *userids])

        def render(body: str) -> str:
            parts = [f"#### {title}", body.strip()]
            if link:
                parts.append(f"[{message.link_label}]({link})")
            if at_line:
                parts.append(at_line)
            return "\n\n".join(p for p in parts if p)

        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": fit(render, message.body, TEXT_MAX_BYTES)},
            "at": {"atMobiles": mobiles, "atUserIds": userids, "isAtAll": False},
        }

    def send(self, message: Message) -> None:
        response = self.post(self.signed_url(), self.payload(message))
        if response.status_code >= 400:
            raise NotifyRejected(channel=self.name, detail=f"HTTP {response.status_code}")
        reply = self.json_reply(response)
        code = reply.get("errcode", -999)
        if code == 0:
            return
        detail = service_detail(code, reply.get("errmsg"), self._secrets())
        if code in RATE_LIMITED:
            raise NotifyRateLimited(channel=self.name, detail=detail, retry_after=THROTTLE_SECONDS)
        if code in BUSY:
            raise NotifyUnavailable(channel=self.name, detail=detail)
        raise NotifyRejected(channel=self.name, detail=detail)
