"""WeCom (企业微信) group robot (群机器人) webhook.

Follows WeCom's document 群机器人配置说明 (developer.work.weixin.qq.com/document/path/91770),
as quoted in the stored copies consulted:

- POST JSON to https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY, UTF-8;
- `{"msgtype": "markdown", "markdown": {"content": …}}`: content at most 4096 bytes, and
  "<@userid>" in the content @-mentions a member (markdown cannot mention by mobile number);
- `{"msgtype": "text", "text": {"content": …, "mentioned_list": [userid…],
  "mentioned_mobile_list": [mobile…]}}`: content at most 2048 bytes;
- at most 20 messages a minute per robot;
- reply `{"errcode": 0, "errmsg": "ok"}`; errcode 45009 = api freq out of limit.

A message is sent as markdown unless the channel is configured for text or someone can only be
mentioned by mobile number (then text, so that mentioned_mobile_list works).
"""

from __future__ import annotations

from urllib.parse import urlencode

from utils.errors import NotifyRateLimited, NotifyRejected, NotifyUnavailable
from utils.notify.base import HttpChannel, service_detail
from utils.notify.message import Message, fit, truncate_utf8

API = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
MARKDOWN_MAX_BYTES = 4096
TEXT_MAX_BYTES = 2048
RATE_LIMITED = {45009}
BUSY = {-1}  # "system busy": try again


def _neutral(text: str) -> str:
    """Message text cannot @-mention anyone by itself (a client's name "<@all>" stays text)."""
    return text.replace("<@", "<\u200b@")


class WeComChannel(HttpChannel):
    kind = "wecom"
    rate_limits = ((20, 60.0),)

    def __init__(
        self,
        webhook: str | None = None,
        *,
        key: str | None = None,
        base_url: str = API,
        msgtype: str = "markdown",
        **kwargs,
    ) -> None:
        if webhook is None:
            if not key:
                raise ValueError("WeComChannel needs a webhook URL or a key")
            webhook = f"{base_url}?{urlencode({'key': key})}"
        if msgtype not in ("markdown", "text"):
            raise ValueError("msgtype must be 'markdown' or 'text'")
        super().__init__(webhook, **kwargs)
        self.msgtype = msgtype

    def payload(self, message: Message) -> dict:
        userids = [r.wecom for r in message.mentions if r.wecom]
        mobiles = [r.mobile for r in message.mentions if r.mobile and not r.wecom]
        title = truncate_utf8(_neutral(message.title.strip()), 512)
        link = message.safe_link
        if self.msgtype == "text" or mobiles:

            def render(body: str) -> str:
                parts = [title, _neutral(body.strip())]
                if link:
                    parts.append(f"{message.link_label}: {link}")
                return "\n".join(p for p in parts if p)

            content = fit(render, message.body, TEXT_MAX_BYTES)
            text: dict = {"content": content}
            if userids:
                text["mentioned_list"] = userids
            if mobiles:
                text["mentioned_mobile_list"] = mobiles
            return {"msgtype": "text", "text": text}

        mentions = "".join(f"<@{u}>" for u in userids)

        def render_md(body: str) -> str:
            parts = [f"**{title}**", _neutral(body.strip())]
            if link:
                parts.append(f"[{message.link_label}]({link})")
            if mentions:
                parts.append(mentions)
            return "\n".join(p for p in parts if p)

        return {
            "msgtype": "markdown",
            "markdown": {"content": fit(render_md, message.body, MARKDOWN_MAX_BYTES)},
        }

    def send(self, message: Message) -> None:
        response = self.post(self.url, self.payload(message))
        if response.status_code >= 400:
            raise NotifyRejected(channel=self.name, detail=f"HTTP {response.status_code}")
        reply = self.json_reply(response)
        code = reply.get("errcode", -999)
        if code == 0:
            return
        detail = service_detail(code, reply.get("errmsg"), self._secrets())
        if code in RATE_LIMITED:
            # The limit is per minute: a full minute is the longest it can take to clear.
            raise NotifyRateLimited(channel=self.name, detail=detail, retry_after=60.0)
        if code in BUSY:
            raise NotifyUnavailable(channel=self.name, detail=detail)
        raise NotifyRejected(channel=self.name, detail=detail)
