"""What a reminder says and whom it is for, independent of the channel that carries it.

`Message` is the one thing another module builds; each channel turns it into its service's
format (WeCom/DingTalk markdown, a Feishu post, an e-mail). Mentions are per person
(`Recipient`), because each service identifies people differently: a WeCom userid, a mobile
number for DingTalk (and WeCom's text messages), a Feishu open_id/user_id, an e-mail address.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

LINK_LABEL = {"zh": "查看详情", "en": "Open in Sheetdesk"}
ELLIPSIS = "…"


@dataclass(frozen=True)
class Recipient:
    """One person to @-mention. Every field is optional: a channel uses what it understands and
    skips a person it has no identifier for."""

    name: str = ""
    wecom: str | None = None  # WeCom userid (企业微信 账号)
    mobile: str | None = None  # mobile number: DingTalk atMobiles, WeCom mentioned_mobile_list
    dingtalk_userid: str | None = None  # DingTalk userId (atUserIds)
    feishu: str | None = None  # Feishu/Lark open_id or user_id
    email: str | None = None


@dataclass(frozen=True)
class Message:
    """A reminder.

    title   one line; the e-mail subject and the chat message's heading.
    body    short plain text (a few lines); `**bold**` and `- lists` render where the
            service has markdown and read fine where it has not.
    key     stable identity for de-duplication upstream (e.g. "overdue:TS-20261123-7K3F");
            carried in the generic webhook's JSON and as the e-mail's X-Sheetdesk-Key header.
    link    optional http(s) URL back into Sheetdesk.
    lang    "zh" or "en": the language of the fixed words a channel adds (link label, post locale).
    mentions  people to @-mention in chats (see `Recipient`).
    emails    e-mail addresses to send to (besides any `Recipient.email`).
    to_people staff names, resolved into `mentions`/`emails` by `config.address(message, people)`.
    """

    title: str
    body: str = ""
    key: str = ""
    link: str | None = None
    lang: str = "zh"
    mentions: tuple[Recipient, ...] = ()
    emails: tuple[str, ...] = ()
    to_people: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # Accept lists for convenience; keep the dataclass hashable and immutable.
        object.__setattr__(self, "mentions", tuple(self.mentions))
        object.__setattr__(self, "emails", tuple(self.emails))
        object.__setattr__(self, "to_people", tuple(self.to_people))
        object.__setattr__(self, "lang", "zh" if str(self.lang).lower().startswith("zh") else "en")

    def replace(self, **changes: Any) -> Message:
        return dataclasses.replace(self, **changes)

    @property
    def safe_link(self) -> str | None:
        """The link if it is an http(s) URL (never `javascript:` or the like), else None."""
        link = (self.link or "").strip()
        return link if link.lower().startswith(("https://", "http://")) else None

    @property
    def link_label(self) -> str:
        return LINK_LABEL[self.lang]

    def all_emails(self) -> tuple[str, ...]:
        """`emails` plus the mentioned people's addresses, in order, without repeats."""
        seen: dict[str, None] = {}
        for address in (*self.emails, *(r.email for r in self.mentions if r.email)):
            address = address.strip()
            if address and address.lower() not in {a.lower() for a in seen}:
                seen[address] = None
        return tuple(seen)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def truncate_utf8(text: str, max_bytes: int, suffix: str = ELLIPSIS) -> str:
    """`text` cut so that it encodes to at most `max_bytes` UTF-8 bytes, never inside a
    character; `suffix` marks a cut (and counts towards the limit)."""
    if max_bytes <= 0:
        return ""
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    room = max_bytes - utf8_len(suffix)
    if room <= 0:
        return suffix.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return raw[:room].decode("utf-8", "ignore").rstrip() + suffix


_Rendered = TypeVar("_Rendered")


@overload
def fit(render: Callable[[str], str], body: str, max_bytes: int) -> str: ...
@overload
def fit(
    render: Callable[[str], _Rendered],
    body: str,
    max_bytes: int,
    measure: Callable[[_Rendered], int],
) -> _Rendered: ...
def fit(
    render: Callable[[str], Any],
    body: str,
    max_bytes: int,
    measure: Callable[[Any], int] = utf8_len,
) -> Any:
    """Shorten `body` until `measure(render(body)) <= max_bytes` and return what `render` made
    (text measured in UTF-8 bytes, or a payload with its own `measure`).

    `render(body)` builds the whole payload (heading, link and mentions around the body), so
    the fixed parts always survive and only the body is cut.
    """
    out = render(body)
    size = measure(out)
    for _ in range(8):
        if size <= max_bytes:
            return out
        budget = utf8_len(body) - (size - max_bytes) - 8  # a little slack for JSON escapes
        body = truncate_utf8(body, max(budget, 0))
        out = render(body)
        size = measure(out)
        if not body:
            break
    if size > max_bytes:
        raise ValueError("the message's fixed parts alone exceed the size limit")
    return out
