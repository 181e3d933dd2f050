"""Channels and people from configuration: a `[sheetdesk.notify]` table of
.streamlit/secrets.toml, a settings tab, or any mapping of the same shape.

    [sheetdesk.notify.wecom]            # one robot: a table
    webhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"

    [[sheetdesk.notify.dingtalk]]       # several: an array of tables
    name = "客服群"
    webhook = "https://oapi.dingtalk.com/robot/send?access_token=…"
    secret = "SEC…"

    [sheetdesk.notify.feishu]           # Lark: the same, on open.larksuite.com (or key "lark")
    webhook = "https://open.feishu.cn/open-apis/bot/v2/hook/…"
    secret = "…"

    [sheetdesk.notify.webhook]
    url = "https://hooks.example.com/sheetdesk"
    secret = "…"

    [sheetdesk.notify.email]
    host = "smtp.example.com"
    port = 587
    security = "starttls"               # or "ssl" (port 465) or "none" (a local relay)
    user = "desk@example.com"
    password = "…"
    sender = "客服部 <desk@example.com>"
    to = ["team@example.com"]           # optional: always sent to these too

    [sheetdesk.notify.people."王芳"]
    wecom = "WangFang"                  # WeCom userid
    dingtalk = "13800000000"            # DingTalk: mobile number (or dingtalk_userid = "…")
    feishu = "ou_…"                     # Feishu/Lark open_id or user_id
    email = "wangfang@example.com"
    mobile = "13800000000"              # WeCom @ by mobile (default: the dingtalk number)

Every channel table also takes `name` (unique; defaults to the kind, then "kind-2" …),
`enabled` (false skips it), `timeout` (seconds) and `per_minute` (a stricter limit of your
own). Unknown keys are refused, so that a typo ("secert") does not silently turn signing off.
A bad setting raises `ConfigError` naming the key (like `notify.dingtalk[2].secret`), never
its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard, overload
from urllib.parse import parse_qs, urlsplit

import requests

from utils.errors import ConfigError
from utils.notify.base import Channel, is_loopback
from utils.notify.dingtalk import DingTalkChannel
from utils.notify.email import SECURITY, EmailChannel
from utils.notify.feishu import FeishuChannel
from utils.notify.message import Message, Recipient
from utils.notify.webhook import WebhookChannel
from utils.notify.wecom import WeComChannel

PREFIX = "notify"
COMMON = ("name", "enabled", "timeout", "per_minute")
KEYS = {
    "wecom": ("webhook", "msgtype"),
    "dingtalk": ("webhook", "secret"),
    "feishu": ("webhook", "secret", "msg_type"),
    "lark": ("webhook", "secret", "msg_type"),
    "webhook": ("url", "secret", "headers"),
    "email": (
        "host",
        "port",
        "security",
        "user",
        "password",
        "sender",
        "to",
        "cafile",
        "local_hostname",
    ),
}
CLASSES: dict[str, type[Channel]] = {
    "wecom": WeComChannel,
    "dingtalk": DingTalkChannel,
    "feishu": FeishuChannel,
    "lark": FeishuChannel,
    "webhook": WebhookChannel,
    "email": EmailChannel,
}
PERSON_KEYS = ("wecom", "dingtalk", "dingtalk_userid", "feishu", "email", "mobile")
EXAMPLES = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=…",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/…",
    "lark": "https://open.larksuite.com/open-apis/bot/v2/hook/…",
    "webhook": "https://hooks.example.com/sheetdesk",
}
SERVICE = {
    "wecom": "WeCom",
    "dingtalk": "DingTalk",
    "feishu": "Feishu",
    "lark": "Lark",
    "webhook": "webhook",
}
_MOBILE = re.compile(r"^\+?[\d\s-]{6,20}$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@dataclass
class NotifyConfig:
    channels: list[Channel] = field(default_factory=list)
    people: dict[str, Recipient] = field(default_factory=dict)


def _is_table(value: object) -> TypeGuard[Mapping[Any, Any]]:
    return isinstance(value, Mapping)


def _tables(kind: str, value: object) -> list[tuple[str, Mapping]]:
    where = f"{PREFIX}.{kind}"
    if _is_table(value):
        return [(where, value)]
    if isinstance(value, (list, tuple)):
        out = []
        for i, item in enumerate(value, start=1):
            if not _is_table(item):
                raise ConfigError("notify.config.not_a_table", key=f"{where}[{i}]")
            out.append((f"{where}[{i}]", item))
        return out
    raise ConfigError("notify.config.not_a_table", key=where)


@overload
def _text(table: Mapping, key: str, where: str, *, required: Literal[True]) -> str: ...
@overload
def _text(table: Mapping, key: str, where: str, *, required: bool = False) -> str | None: ...
def _text(table: Mapping, key: str, where: str, *, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ConfigError("notify.config.missing", key=f"{where}.{key}")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ConfigError("notify.config.bad_value", key=f"{where}.{key}", detail="text expected")
    return str(value).strip()


def _number(table: Mapping, key: str, where: str) -> float | None:
    value = table.get(key)
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or number <= 0:
        raise ConfigError(
            "notify.config.bad_value", key=f"{where}.{key}", detail="a positive number expected"
        )
    return number


def _flag(table: Mapping, key: str, where: str, default: bool = True) -> bool:
    value = table.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on", "是"):
        return True
    if text in ("false", "no", "0", "off", "否"):
        return False
    raise ConfigError("notify.config.bad_value", key=f"{where}.{key}", detail="true or false")


def _check_keys(table: Mapping, allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                "notify.config.unknown_key", key=f"{where}.{key}", known=", ".join(allowed)
            )


def _webhook_url(kind: str, url: str, where: str) -> str:
    """Checks the URL's shape for `kind`, without ever putting the URL in an error."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shaped = False
    elif kind == "wecom":
        shaped = bool(query.get("key"))
    elif kind == "dingtalk":
        shaped = bool(query.get("access_token"))
    elif kind in ("feishu", "lark"):
        shaped = "/hook/" in parts.path and bool(parts.path.rsplit("/hook/", 1)[1].strip("/"))
    else:
        shaped = True
    if not shaped:
        raise ConfigError(
            "notify.config.bad_url", key=where, service=SERVICE[kind], example=EXAMPLES[kind]
        )
    if parts.scheme == "http" and kind != "webhook" and not is_loopback(parts.hostname):
        raise ConfigError("notify.config.insecure_url", key=where)
    return url


def _channel(kind: str, table: Mapping, where: str, session, name: str) -> Channel:
    _check_keys(table, (*KEYS[kind], *COMMON), where)
    common: dict[str, Any] = {"name": name}
    timeout = _number(table, "timeout", where)
    per_minute = _number(table, "per_minute", where)
    if per_minute is not None:
        own = (int(per_minute), 60.0) if per_minute >= 1 else (1, 60.0 / per_minute)
        common["rate_limits"] = (*CLASSES[kind].rate_limits, own)
    if kind == "email":
        return _email(table, where, common, timeout)
    common["session"] = session
    if timeout is not None:
        common["timeout"] = timeout
    if kind == "wecom":
        url = _webhook_url(kind, _text(table, "webhook", where, required=True), f"{where}.webhook")
        msgtype = _text(table, "msgtype", where) or "markdown"
        if msgtype not in ("markdown", "text"):
            raise ConfigError(
                "notify.config.bad_value", key=f"{where}.msgtype", detail='"markdown" or "text"'
            )
        return WeComChannel(url, msgtype=msgtype, **common)
    if kind == "dingtalk":
        url = _webhook_url(kind, _text(table, "webhook", where, required=True), f"{where}.webhook")
        return DingTalkChannel(url, secret=_text(table, "secret", where), **common)
    if kind in ("feishu", "lark"):
        url = _webhook_url(kind, _text(table, "webhook", where, required=True), f"{where}.webhook")
        msg_type = _text(table, "msg_type", where) or "post"
        if msg_type not in ("post", "text"):
            raise ConfigError(
                "notify.config.bad_value", key=f"{where}.msg_type", detail='"post" or "text"'
            )
        return FeishuChannel(url, secret=_text(table, "secret", where), msg_type=msg_type, **common)
    url = _webhook_url(kind, _text(table, "url", where, required=True), f"{where}.url")
    headers = table.get("headers") or {}
    if not _is_table(headers) or not all(isinstance(v, str) for v in headers.values()):
        raise ConfigError(
            "notify.config.bad_value", key=f"{where}.headers", detail="a table of text values"
        )
    return WebhookChannel(
        url, secret=_text(table, "secret", where), headers=dict(headers), **common
    )


def _email(table: Mapping, where: str, common: dict, timeout: float | None) -> EmailChannel:
    host = _text(table, "host", where, required=True)
    security = (_text(table, "security", where) or "starttls").lower()
    if security not in SECURITY:
        raise ConfigError(
            "notify.config.bad_value",
            key=f"{where}.security",
            detail='"starttls", "ssl" or "none"',
        )
    port = _number(table, "port", where)
    if port is not None and (port != int(port) or not 0 < port < 65536):
        raise ConfigError("notify.config.bad_value", key=f"{where}.port", detail="a port number")
    user, password = _text(table, "user", where), _text(table, "password", where)
    if password and not user:
        raise ConfigError("notify.config.missing", key=f"{where}.user")
    if password and security == "none" and not is_loopback(host):
        raise ConfigError("notify.config.insecure_login", key=f"{where}.password")
    sender = _text(table, "sender", where) or user
    if not sender:
        raise ConfigError("notify.config.missing", key=f"{where}.sender")
    to = table.get("to") or ()
    if isinstance(to, str):
        to = [a for a in re.split(r"[,;，；\s]+", to) if a]
    if not isinstance(to, (list, tuple)) or not all(
        isinstance(a, str) and _EMAIL.match(a.strip()) for a in to
    ):
        raise ConfigError(
            "notify.config.bad_value", key=f"{where}.to", detail="a list of e-mail addresses"
        )
    options = {**common, "timeout": timeout} if timeout is not None else common
    return EmailChannel(
        host,
        port=int(port) if port else None,
        security=security,
        user=user,
        password=password,
        sender=sender,
        to=to,
        cafile=_text(table, "cafile", where),
        local_hostname=_text(table, "local_hostname", where),
        **options,
    )


def parse_people(value: object) -> dict[str, Recipient]:
    """`{name: {wecom, dingtalk, dingtalk_userid, feishu, email, mobile}}` → Recipients."""
    where = f"{PREFIX}.people"
    if value is None:
        return {}
    if not _is_table(value):
        raise ConfigError("notify.config.not_a_table", key=where)
    people: dict[str, Recipient] = {}
    for raw_name, table in value.items():
        name = str(raw_name).strip()
        here = f"{where}.{name}"
        if not _is_table(table):
            raise ConfigError("notify.config.not_a_table", key=here)
        _check_keys(table, PERSON_KEYS, here)
        fields = {k: _text(table, k, here) for k in PERSON_KEYS}
        mobile, userid = fields["mobile"], fields["dingtalk_userid"]
        dingtalk = fields["dingtalk"]
        if dingtalk and _MOBILE.match(dingtalk):
            mobile = mobile or re.sub(r"[\s-]", "", dingtalk)
        elif dingtalk:
            userid = userid or dingtalk
        if mobile and not _MOBILE.match(mobile):
            raise ConfigError(
                "notify.config.bad_value", key=f"{here}.mobile", detail="a mobile number"
            )
        email = fields["email"]
        if email and not _EMAIL.match(email):
            raise ConfigError(
                "notify.config.bad_value", key=f"{here}.email", detail="an e-mail address"
            )
        people[name] = Recipient(
            name=name,
            wecom=fields["wecom"],
            mobile=re.sub(r"[\s-]", "", mobile) if mobile else None,
            dingtalk_userid=userid,
            feishu=fields["feishu"],
            email=email,
        )
    return people


def parse(
    config: Mapping | None,
    *,
    session: requests.Session | None = None,
) -> NotifyConfig:
    """The channels and people a `[sheetdesk.notify]`-shaped mapping describes.

    All HTTP channels share `session` (a new `requests.Session` if None)."""
    if config is None:
        return NotifyConfig()
    if not _is_table(config):
        raise ConfigError("notify.config.not_a_table", key=PREFIX)
    session = session or requests.Session()
    channels: list[Channel] = []
    used: set[str] = set()
    for kind, value in config.items():
        if kind == "people":
            continue
        if kind not in KEYS:
            raise ConfigError(
                "notify.config.unknown_key",
                key=f"{PREFIX}.{kind}",
                known=", ".join([*KEYS, "people"]),
            )
        for where, table in _tables(kind, value):
            if not _flag(table, "enabled", where):
                continue
            name = _text(table, "name", where)
            if name is None:
                name, n = kind, 1
                while name in used:
                    n += 1
                    name = f"{kind}-{n}"
            if name in used:
                raise ConfigError("notify.config.duplicate_name", name=name)
            used.add(name)
            channels.append(_channel(kind, table, where, session, name))
    return NotifyConfig(channels, parse_people(config.get("people")))


def build_channels(
    config: Mapping | None, *, session: requests.Session | None = None
) -> list[Channel]:
    return parse(config, session=session).channels


def address(
    message: Message,
    people: Mapping[str, Recipient],
    *,
    strict: bool = False,
    on_unknown: Callable[[str], None] | None = None,
) -> Message:
    """`message` with its `to_people` resolved through `people` into @-mentions and e-mail
    addresses (added to any it already has). A name not in `people` is skipped (reported to
    `on_unknown`), or raises ConfigError with `strict=True`."""
    folded = {name.strip().casefold(): person for name, person in people.items()}
    mentions = list(message.mentions)
    for raw in message.to_people:
        person = folded.get(str(raw).strip().casefold())
        if person is None:
            if strict:
                raise ConfigError("notify.config.unknown_person", name=str(raw).strip())
            if on_unknown is not None:
                on_unknown(str(raw).strip())
            continue
        if person not in mentions:
            mentions.append(person)
    return message.replace(mentions=tuple(mentions))
