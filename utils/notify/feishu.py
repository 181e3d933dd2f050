"""Feishu (飞书) / Lark custom bot (自定义机器人) webhook, with signature check (签名校验).

Follows Feishu's 自定义机器人使用指南 (open.feishu.cn/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN,
stored copy on open.larkoffice.com) and 频控策略 (…/uUzN04SN3QjL1cDN):

- POST JSON to https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN
  (Lark: https://open.larksuite.com/open-apis/bot/v2/hook/TOKEN);
- signature: the JSON body carries `timestamp` (seconds, within one hour of Feishu's clock)
  and `sign` = base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=empty));
- `msg_type` "post": `content.post.<zh_cn|en_us>` = {title, content: [[element…]…]} with
  elements `{"tag": "text", "text": …}`, `{"tag": "a", "text": …, "href": …}` and
  `{"tag": "at", "user_id": <open_id or user_id>}`; `msg_type` "text":
  `content.text` with `<at user_id="…">name</at>`;
- the request body must not exceed 20 KB;
- 100 requests a minute and 5 a second per bot; 11232 is the throttling error;
- reply `{"code": 0, "msg": "success", …}`; 19021 = bad signature or stale timestamp,
  19022 = IP not allowed, 19024 = keyword missing, 9499 = "Bad Request". Some reports show
  9499 with "too many request" when throttled, so 9499 counts as throttling only when its
  message says so. HTTP 429 (`x-ogw-ratelimit-reset` seconds) is the platform's rate limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

from utils.errors import NotifyRateLimited, NotifyRejected, NotifyUnavailable
from utils.notify.base import HttpChannel, dump_json, service_detail
from utils.notify.message import Message, fit, truncate_utf8

FEISHU_API = "https://open.feishu.cn/open-apis/bot/v2/hook/"
LARK_API = "https://open.larksuite.com/open-apis/bot/v2/hook/"
BODY_MAX_BYTES = 20 * 1024
RATE_LIMITED = {11232, 99991400}
LOCALE = {"zh": "zh_cn", "en": "en_us"}


def sign(secret: str, timestamp: int | str) -> str:
    """base64(HMAC-SHA256(key="timestamp\\nsecret", msg=b""))."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _xml_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class FeishuChannel(HttpChannel):
    kind = "feishu"
    rate_limits = ((5, 1.0), (100, 60.0))

    def __init__(
        self,
        webhook: str | None = None,
        *,
        token: str | None = None,
        base_url: str = FEISHU_API,
        secret: str | None = None,
        msg_type: str = "post",
        now: Callable[[], float] = time.time,
        **kwargs,
    ) -> None:
        if webhook is None:
            if not token:
                raise ValueError("FeishuChannel needs a webhook URL or a token")
            webhook = base_url.rstrip("/") + "/" + token
        if msg_type not in ("post", "text"):
            raise ValueError("msg_type must be 'post' or 'text'")
        super().__init__(webhook, **kwargs)
        self.secret = secret or None
        self.msg_type = msg_type
        self.now = now

    def _secrets(self) -> tuple[str, ...]:
        return (*super()._secrets(), *([self.secret] if self.secret else []))

    def _signature(self) -> dict:
        if not self.secret:
            return {}
        timestamp = str(int(self.now()))
        return {"timestamp": timestamp, "sign": sign(self.secret, timestamp)}

    def payload(self, message: Message) -> dict:
        head = self._signature()
        title = truncate_utf8(message.title.strip(), 512)
        link = message.safe_link
        people = [(user_id, r.name) for r in message.mentions if (user_id := r.feishu)]

        if self.msg_type == "text":

            def render_text(body: str) -> dict:
                parts = [title, body.strip()]
                if link:
                    parts.append(f"{message.link_label}: {link}")
                if people:
                    parts.append(
                        " ".join(
                            f'<at user_id="{_xml_attr(user_id)}">{_xml_attr(name)}</at>'
                            for user_id, name in people
                        )
                    )
                text = "\n".join(p for p in parts if p)
                return {**head, "msg_type": "text", "content": {"text": text}}

            return fit(render_text, message.body, BODY_MAX_BYTES, measure=_size)

        def render_post(body: str) -> dict:
            lines: list[list[dict]] = [
                [{"tag": "text", "text": line}] for line in body.strip().split("\n") if line
            ]
            if link:
                lines.append([{"tag": "a", "text": message.link_label, "href": link}])
            if people:
                lines.append([{"tag": "at", "user_id": user_id} for user_id, _ in people])
            post = {LOCALE[message.lang]: {"title": title, "content": lines}}
            return {**head, "msg_type": "post", "content": {"post": post}}

        return fit(render_post, message.body, BODY_MAX_BYTES, measure=_size)

    def send(self, message: Message) -> None:
        response = self.post(self.url, self.payload(message))
        reply = None
        try:
            reply = response.json()
        except ValueError:
            pass
        if not isinstance(reply, dict):
            if response.status_code >= 400:
                raise NotifyRejected(channel=self.name, detail=f"HTTP {response.status_code}")
            reply = self.json_reply(response)
        # Older replies carry StatusCode/StatusMessage instead of code/msg.
        code = reply.get("code", reply.get("StatusCode", -999))
        if code == 0:
            return
        msg = str(reply.get("msg") or reply.get("StatusMessage") or "")
        detail = service_detail(code, msg, self._secrets())
        too_many = "too many" in msg.lower() or "frequency" in msg.lower()
        if code in RATE_LIMITED or (code == 9499 and too_many):
            raise NotifyRateLimited(channel=self.name, detail=detail, retry_after=1.0)
        if response.status_code >= 500:
            raise NotifyUnavailable(channel=self.name, detail=detail)
        raise NotifyRejected(channel=self.name, detail=detail)


def _size(payload: dict) -> int:
    return len(dump_json(payload))
