"""How reminders reach people: WeCom, DingTalk and Feishu/Lark group robots, a generic JSON
webhook, and e-mail. Pure transport: what to send and when is decided elsewhere.

    from utils.notify import Dispatcher, Message, address, parse

    config = parse(secrets["sheetdesk"]["notify"])          # channels + people
    message = address(Message(title=…, body=…, key=…, to_people=("王芳",)), config.people)
    results = Dispatcher(config.channels).send(message)      # {channel name: Result}

No module here imports Streamlit or the store.
"""

from utils.notify.base import Channel, HttpChannel, redact
from utils.notify.config import NotifyConfig, address, build_channels, parse, parse_people
from utils.notify.dingtalk import DingTalkChannel
from utils.notify.dispatch import (
    DEFERRED,
    FAILED,
    LIMITERS,
    SENT,
    SKIPPED,
    Dispatcher,
    RateLimiter,
    RateLimiters,
    Result,
)
from utils.notify.email import EmailChannel
from utils.notify.feishu import FeishuChannel
from utils.notify.message import Message, Recipient, truncate_utf8
from utils.notify.webhook import WebhookChannel
from utils.notify.wecom import WeComChannel

__all__ = [
    "DEFERRED",
    "FAILED",
    "LIMITERS",
    "SENT",
    "SKIPPED",
    "Channel",
    "DingTalkChannel",
    "Dispatcher",
    "EmailChannel",
    "FeishuChannel",
    "HttpChannel",
    "Message",
    "NotifyConfig",
    "RateLimiter",
    "RateLimiters",
    "Recipient",
    "Result",
    "WeComChannel",
    "WebhookChannel",
    "address",
    "build_channels",
    "parse",
    "parse_people",
    "redact",
    "truncate_utf8",
]
