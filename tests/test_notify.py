"""utils/notify: every channel against a local stand-in of its service (tests/notify_standins.py),
the dispatcher's rate limits, retries and isolation on an injected clock, configuration, and
that no key, token, signing secret or password ever shows in an error, a result or a log."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import random
import socket
import ssl
import threading
import time

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from tests.notify_standins import (
    FEISHU_BODY_MAX,
    ChatStandIn,
    SMTPStandIn,
    self_signed_cert,
    server_tls_context,
)
from utils.errors import ConfigError, NotifyError, NotifyRejected
from utils.notify import (
    DEFERRED,
    FAILED,
    SENT,
    SKIPPED,
    Channel,
    DingTalkChannel,
    Dispatcher,
    EmailChannel,
    FeishuChannel,
    Message,
    RateLimiter,
    Recipient,
    WebhookChannel,
    WeComChannel,
    address,
    parse,
    redact,
    truncate_utf8,
)
from utils.notify import webhook as webhook_module

SECRETS = (
    "wecom-key-0001",
    "dingtalk-token-0001",
    "SECdingtalk-secret-0001",
    "feishu-token-0001",
    "feishu-secret-0001",
    "webhook-secret-0001",
    "smtp-password-0001",
)

WANG = Recipient(
    name="王芳", wecom="WangFang", mobile="13800000001", feishu="ou_wangfang", email="wf@example.cn"
)
LI = Recipient(name="Li Lei", wecom="LiLei", mobile="13900000002", feishu="ou_lilei")

ZH = Message(
    title="投诉 TS-20261123-7K3F 已逾期",
    body="客户：上海某某贸易有限公司\n处理人：王芳\n已超过 3 个工作日未解决，请尽快跟进。",
    key="overdue:TS-20261123-7K3F",
    link="https://desk.example.cn/complaints?id=TS-20261123-7K3F",
    lang="zh",
    mentions=(WANG,),
)
EN = Message(
    title="Follow-up due: revisit RV-20261124-9Q2M",
    body="Client: Shanghai Trading Co.\nDue today.",
    key="revisit:RV-20261124-9Q2M",
    link="https://desk.example.cn/revisits",
    lang="en",
    mentions=(LI,),
)


class FakeClock:
    """time.monotonic and time.sleep for the dispatcher: sleeping moves the clock, instantly."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now, self.slept = start, []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds


@pytest.fixture
def standin():
    with ChatStandIn() as server:
        yield server


@pytest.fixture
def session():
    s = requests.Session()
    s.trust_env = False  # no proxy from the environment between us and 127.0.0.1
    yield s
    s.close()


@pytest.fixture
def clock():
    return FakeClock()


def dispatcher(channels, clock, **kwargs) -> Dispatcher:
    return Dispatcher(channels, clock=clock, sleep=clock.sleep, rng=random.Random(7), **kwargs)


def chat_config(standin: ChatStandIn) -> dict:
    return {
        "wecom": {"webhook": standin.wecom_url},
        "dingtalk": {"webhook": standin.dingtalk_url, "secret": standin.dingtalk_secret},
        "feishu": {"webhook": standin.feishu_url, "secret": standin.feishu_secret},
        "webhook": {"url": standin.webhook_url, "secret": standin.webhook_secret},
    }


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text), f"{secret!r} leaked into {text!r}"


# --- redact() -----------------------------------------------------------------------------------


def test_redact_masks_keys_tokens_signatures_hook_tokens_userinfo_and_given_secrets() -> None:
    assert (
        redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx")
        == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"
    )
    assert (
        redact("/robot/send?access_token=abc123&timestamp=1700000000000&sign=a%2Bb%3D")
        == "/robot/send?access_token=***&timestamp=1700000000000&sign=***"
    )
    assert (
        redact("https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e?x=1")
        == "https://open.feishu.cn/open-apis/bot/v2/hook/***?x=1"
    )
    assert redact("smtp://desk:pa55word@mail.example.com:587") == "smtp://***@mail.example.com:587"
    # requests' own error text names the path and query of the URL it failed on
    text = (
        "HTTPSConnectionPool(host='oapi.dingtalk.com', port=443): Max retries exceeded with "
        "url: /robot/send?access_token=tok-XYZ&sign=s1 (Caused by ...)"
    )
    assert "tok-XYZ" not in redact(text) and "s1 " not in redact(text)
    # explicit secrets, also URL-encoded, wherever they appear
    assert redact("login failed for p@ss+w/rd!", ["p@ss+w/rd!"]) == "login failed for ***"
    assert redact("sent p%40ss%2Bw%2Frd%21 twice", ["p@ss+w/rd!"]) == "sent *** twice"
    assert redact("no secret here", ["", None, "abc"]) == "no secret here"  # short ones ignored


# --- message helpers ----------------------------------------------------------------------------


@given(st.text(), st.integers(min_value=0, max_value=64))
def test_truncate_utf8_fits_and_never_splits_a_character(text: str, limit: int) -> None:
    out = truncate_utf8(text, limit)
    assert len(out.encode("utf-8")) <= limit
    if len(text.encode("utf-8")) <= limit:
        assert out == text
    elif limit >= 4:
        assert out.endswith("…")


def test_message_links_must_be_http_and_emails_are_collected_once() -> None:
    bad = ZH.replace(link="javascript:alert(1)")
    assert bad.safe_link is None
    msg = ZH.replace(emails=("WF@example.cn", "boss@example.cn"))
    assert msg.all_emails() == ("WF@example.cn", "boss@example.cn")


# --- each channel against its stand-in -------------------------------------------------------


def test_wecom_markdown_with_mention_accepted_chinese_intact(standin, session) -> None:
    channel = WeComChannel(standin.wecom_url, session=session)
    channel.send(ZH)
    (body,) = standin.bodies("wecom")
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**投诉 TS-20261123-7K3F 已逾期**")
    assert "上海某某贸易有限公司" in content and "<@WangFang>" in content
    assert "[查看详情](https://desk.example.cn/complaints?id=TS-20261123-7K3F)" in content
    # sent as UTF-8, not \\u escapes
    assert "投诉".encode() in standin.received["wecom"][0].raw


def test_wecom_text_when_someone_can_only_be_mentioned_by_mobile(standin, session) -> None:
    channel = WeComChannel(standin.wecom_url, session=session)
    only_mobile = Recipient(name="赵六", mobile="13700000003")
    channel.send(EN.replace(mentions=(LI, only_mobile)))
    (body,) = standin.bodies("wecom")
    assert body["msgtype"] == "text"
    assert body["text"]["mentioned_list"] == ["LiLei"]
    assert body["text"]["mentioned_mobile_list"] == ["13700000003"]
    assert "Open in Sheetdesk: https://desk.example.cn/revisits" in body["text"]["content"]


def test_wecom_message_text_cannot_mention_by_itself(standin, session) -> None:
    WeComChannel(standin.wecom_url, session=session).send(
        Message(title="客户 <@all> 来电", body="备注：<@boss>")
    )
    content = standin.bodies("wecom")[0]["markdown"]["content"]
    assert "<@all>" not in content and "<@boss>" not in content


def test_dingtalk_signed_markdown_with_mentions_in_both_languages(standin, session) -> None:
    channel = DingTalkChannel(standin.dingtalk_url, secret=standin.dingtalk_secret, session=session)
    channel.send(ZH)
    channel.send(EN)
    zh, en = standin.bodies("dingtalk")
    assert zh["markdown"]["title"] == "投诉 TS-20261123-7K3F 已逾期"
    assert "上海某某贸易有限公司" in zh["markdown"]["text"]
    assert zh["at"] == {"atMobiles": ["13800000001"], "atUserIds": [], "isAtAll": False}
    assert zh["markdown"]["text"].endswith("@13800000001")  # DingTalk needs @mobile in text
    assert "[Open in Sheetdesk](https://desk.example.cn/revisits)" in en["markdown"]["text"]
    query = standin.received["dingtalk"][0].query
    assert set(query) == {"access_token", "timestamp", "sign"}
    assert abs(int(query["timestamp"][0]) - time.time() * 1000) < 60_000  # milliseconds


def test_dingtalk_user_ids_are_mentioned_too(standin, session) -> None:
    channel = DingTalkChannel(standin.dingtalk_url, secret=standin.dingtalk_secret, session=session)
    channel.send(ZH.replace(mentions=(Recipient(name="钱七", dingtalk_userid="manager4220"),)))
    body = standin.bodies("dingtalk")[0]
    assert body["at"]["atUserIds"] == ["manager4220"] and "@manager4220" in body["markdown"]["text"]


@pytest.mark.parametrize("case", ["stale", "wrong secret", "unsigned"])
def test_dingtalk_refuses_bad_signatures_and_they_are_not_retried(
    standin, session, clock, case
) -> None:
    secret = {"wrong secret": "SECnot-the-secret", "unsigned": None}.get(
        case, standin.dingtalk_secret
    )
    now = (lambda: time.time() - 7200) if case == "stale" else time.time
    channel = DingTalkChannel(standin.dingtalk_url, secret=secret, now=now, session=session)
    result = dispatcher([channel], clock).send(ZH)["dingtalk"]
    assert (result.status, result.reason, result.attempts) == (FAILED, "rejected", 1)
    assert "310000" in result.detail
    assert standin.received["dingtalk"] == []
    assert_no_secret(repr(result), result.message("zh"), result.message("en"))


def test_feishu_signed_post_in_both_languages(standin, session) -> None:
    channel = FeishuChannel(standin.feishu_url, secret=standin.feishu_secret, session=session)
    channel.send(ZH)
    channel.send(EN)
    zh, en = standin.bodies("feishu")
    assert zh["msg_type"] == "post" and isinstance(zh["timestamp"], str)
    assert abs(int(zh["timestamp"]) - time.time()) < 60  # seconds
    post = zh["content"]["post"]["zh_cn"]
    assert post["title"] == "投诉 TS-20261123-7K3F 已逾期"
    lines = post["content"]
    assert lines[0] == [{"tag": "text", "text": "客户：上海某某贸易有限公司"}]
    assert [{"tag": "a", "text": "查看详情", "href": ZH.link}] in lines
    assert lines[-1] == [{"tag": "at", "user_id": "ou_wangfang"}]
    assert set(en["content"]["post"]) == {"en_us"}


def test_feishu_text_message_mentions_with_at_tags(standin, session) -> None:
    channel = FeishuChannel(
        standin.feishu_url, secret=standin.feishu_secret, msg_type="text", session=session
    )
    channel.send(ZH)
    text = standin.bodies("feishu")[0]["content"]["text"]
    assert text.endswith('<at user_id="ou_wangfang">王芳</at>')


@pytest.mark.parametrize("case", ["stale", "wrong secret"])
def test_feishu_refuses_bad_signatures(standin, session, clock, case) -> None:
    secret = "not-the-secret" if case == "wrong secret" else standin.feishu_secret
    now = (lambda: time.time() - 7200) if case == "stale" else time.time
    channel = FeishuChannel(standin.feishu_url, secret=secret, now=now, session=session)
    result = dispatcher([channel], clock).send(ZH)["feishu"]
    assert (result.status, result.reason, result.attempts) == (FAILED, "rejected", 1)
    assert "19021" in result.detail
    assert_no_secret(repr(result))


def test_generic_webhook_body_and_signature(standin, session) -> None:
    channel = WebhookChannel(standin.webhook_url, secret=standin.webhook_secret, session=session)
    channel.send(ZH)
    received = standin.received["webhook"][0]
    assert webhook_module.verify(
        standin.webhook_secret, received.raw, received.headers["x-sheetdesk-signature"]
    )
    body = received.body
    assert body["key"] == "overdue:TS-20261123-7K3F" and body["lang"] == "zh"
    assert body["title"] == ZH.title and body["body"] == ZH.body
    assert body["mentions"][0]["wecom"] == "WangFang" and body["emails"] == ["wf@example.cn"]
    assert received.headers["x-sheetdesk-timestamp"] == str(body["timestamp"])


def test_generic_webhook_with_wrong_secret_is_refused_once(standin, session, clock) -> None:
    channel = WebhookChannel(standin.webhook_url, secret="guess", session=session)
    result = dispatcher([channel], clock).send(ZH)["webhook"]
    assert (result.status, result.reason, result.attempts, result.detail) == (
        FAILED,
        "rejected",
        1,
        "HTTP 401",
    )


# --- size limits --------------------------------------------------------------------------------

LONG = ("逾期投诉提醒：客户反映产品质量问题，需要尽快回访并记录处理结果。" * 400).strip()


def test_long_messages_are_cut_within_each_services_limit(standin, session) -> None:
    message = ZH.replace(body=LONG, mentions=(WANG, LI))
    WeComChannel(standin.wecom_url, session=session).send(message)
    WeComChannel(standin.wecom_url, msgtype="text", session=session).send(message)
    DingTalkChannel(standin.dingtalk_url, secret=standin.dingtalk_secret, session=session).send(
        message
    )
    FeishuChannel(standin.feishu_url, secret=standin.feishu_secret, session=session).send(
        message.replace(body=LONG * 3)
    )
    markdown, text = standin.bodies("wecom")
    md = markdown["markdown"]["content"]
    assert 4000 < len(md.encode()) <= 4096 and md.endswith("<@WangFang><@LiLei>") and "…" in md
    plain = text["text"]["content"]
    assert 1900 < len(plain.encode()) <= 2048 and ZH.link in plain
    ding = standin.bodies("dingtalk")[0]["markdown"]["text"]
    assert len(ding.encode()) <= 4096 and ding.endswith("@13800000001 @13900000002")
    raw = standin.received["feishu"][0].raw
    assert FEISHU_BODY_MAX - 1024 < len(raw) <= FEISHU_BODY_MAX
    assert json.loads(raw)["content"]["post"]["zh_cn"]["content"][-1][0]["user_id"]


# --- rate limits --------------------------------------------------------------------------------


def test_the_21st_wecom_message_in_a_minute_is_deferred(standin, session, clock) -> None:
    standin.clock = clock  # the stand-in counts its per-minute limit on the same clock
    (channel,) = parse({"wecom": {"webhook": standin.wecom_url}}, session=session).channels
    desk = dispatcher([channel], clock)
    results = [desk.send(ZH.replace(key=f"k{i}"))["wecom"] for i in range(21)]
    assert [r.status for r in results] == [SENT] * 20 + [DEFERRED]
    last = results[-1]
    assert last.reason == "local_rate_limit" and 60 <= last.retry_after <= 64
    assert len(standin.received["wecom"]) == 20 and not standin.refused["wecom"]
    assert clock.slept == []  # nothing waited: deferring is immediate
    clock.sleep(last.retry_after)
    assert desk.send(ZH)["wecom"].status == SENT
    assert not standin.refused["wecom"]


def test_the_21st_wecom_message_waits_when_waiting_is_allowed(standin, session, clock) -> None:
    standin.clock = clock
    channel = WeComChannel(standin.wecom_url, session=session)
    desk = dispatcher([channel], clock, max_wait=120)
    results = [desk.send(ZH)["wecom"] for _ in range(21)]
    assert all(r.status == SENT for r in results)
    assert len(clock.slept) == 1 and 60 <= clock.slept[0] <= 64
    assert not standin.refused["wecom"]


def test_feishu_is_held_to_five_a_second(standin, session, clock) -> None:
    standin.clock = clock
    channel = FeishuChannel(standin.feishu_url, secret=standin.feishu_secret, session=session)
    desk = dispatcher([channel], clock, max_wait=2)
    assert all(desk.send(EN)["feishu"].status == SENT for _ in range(6))
    assert len(clock.slept) == 1 and 1.0 <= clock.slept[0] <= 1.1
    assert not standin.refused["feishu"]


def test_rate_limiter_is_shared_safely_by_threads() -> None:
    clock = FakeClock()
    limiter = RateLimiter(((20, 60.0),), clock)
    waits: list = []
    lock = threading.Lock()

    def grab() -> None:
        for _ in range(5):
            wait = limiter.reserve(max_wait=0)
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert waits.count(0.0) == 20 and waits.count(None) == 20


def test_channels_for_the_same_robot_share_one_limiter(standin, session, clock) -> None:
    one = WeComChannel(standin.wecom_url, session=session, name="a")
    two = WeComChannel(standin.wecom_url, session=session, name="b")
    desk = dispatcher([one, two], clock, parallel=False)
    results = [desk.send(EN) for _ in range(11)]
    statuses = [r[n].status for r in results for n in ("a", "b")]
    assert statuses.count(SENT) == 20 and statuses.count(DEFERRED) == 2


# --- retries ------------------------------------------------------------------------------------


def test_retries_on_5xx_then_sends(standin, session, clock) -> None:
    standin.script("wecom", ("status", 500), ("status", 502))
    channel = WeComChannel(standin.wecom_url, session=session)
    result = dispatcher([channel], clock, base_delay=0.5).send(ZH)["wecom"]
    assert (result.status, result.attempts) == (SENT, 3)
    first, second = clock.slept
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0  # exponential, jittered


def test_retries_after_a_timeout_then_sends(standin, session, clock) -> None:
    standin.script("dingtalk", ("timeout", 0.8))
    channel = DingTalkChannel(
        standin.dingtalk_url, secret=standin.dingtalk_secret, session=session, timeout=0.3
    )
    started = time.monotonic()
    result = dispatcher([channel], clock).send(EN)["dingtalk"]
    assert result.status == SENT and result.attempts >= 2  # 2, unless the machine is crawling
    assert time.monotonic() - started < 3.0


def test_retries_when_the_connection_drops(standin, session, clock) -> None:
    standin.script("feishu", ("close",))
    channel = FeishuChannel(standin.feishu_url, secret=standin.feishu_secret, session=session)
    assert dispatcher([channel], clock).send(EN)["feishu"].attempts == 2


def test_gives_up_after_three_attempts(standin, session, clock) -> None:
    standin.script("webhook", ("status", 503), ("status", 503), ("status", 503), ("status", 503))
    channel = WebhookChannel(standin.webhook_url, secret=standin.webhook_secret, session=session)
    result = dispatcher([channel], clock).send(EN)["webhook"]
    assert (result.status, result.reason, result.attempts) == (FAILED, "unavailable", 3)
    assert result.retryable and len(clock.slept) == 2


@pytest.mark.parametrize(
    ("service", "script"),
    [
        ("webhook", ("status", 400)),
        ("wecom", ("code", 93000, "invalid webhook url")),
        ("feishu", ("code", 19024, "Key Words Not Found")),
        ("feishu", ("code", 9499, "Bad Request")),
    ],
)
def test_no_retry_on_refusals(standin, session, clock, service, script) -> None:
    standin.script(service, script)
    (channel,) = [
        c for c in parse(chat_config(standin), session=session).channels if c.name == service
    ]
    result = dispatcher([channel], clock).send(ZH)[service]
    assert (result.status, result.reason, result.attempts) == (FAILED, "rejected", 1)
    assert clock.slept == [] and not result.retryable


def test_service_rate_limit_codes(standin, session, clock) -> None:
    config = chat_config(standin)
    channels = {c.name: c for c in parse(config, session=session).channels}
    # WeCom 45009: its limit is per minute, longer than a send may take: deferred at once,
    # and the robot's limiter holds everything else back for that minute.
    standin.script("wecom", ("code", 45009, "api freq out of limit"))
    desk = dispatcher([channels["wecom"]], clock)
    result = desk.send(ZH)["wecom"]
    assert (result.status, result.reason, result.attempts) == (DEFERRED, "rate_limited", 1)
    assert result.retry_after >= 60 and result.retryable
    again = desk.send(ZH)["wecom"]
    assert (again.status, again.reason) == (DEFERRED, "local_rate_limit")
    # DingTalk 130101 and 410100: throttled for ten minutes.
    for code in (130101, 410100):
        standin.script("dingtalk", ("code", code, "send too fast"))
        result = dispatcher([channels["dingtalk"]], clock).send(ZH)["dingtalk"]
        assert (result.status, result.retry_after) == (DEFERRED, 600)
    # Feishu 11232 (and 9499 "too many request"): a second's wait, then it goes.
    standin.script(
        "feishu", ("code", 11232, "frequency limited"), ("code", 9499, "too many request")
    )
    result = dispatcher([channels["feishu"]], clock).send(ZH)["feishu"]
    assert (result.status, result.attempts) == (SENT, 3)


# --- isolation ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dead_channel_does_not_stop_the_others(standin, session, clock, tmp_path) -> None:
    config = chat_config(standin)
    dead = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key={standin.wecom_key}"
    config["wecom"] = [{"webhook": dead, "name": "dead"}, {"webhook": standin.wecom_url}]
    with SMTPStandIn() as smtp:
        config["email"] = {
            "host": "127.0.0.1",
            "port": smtp.port,
            "security": "none",
            "sender": "desk@example.cn",
        }
        channels = parse(config, session=session).channels
        results = dispatcher(channels, clock).send(ZH)
    assert list(results) == ["dead", "wecom", "dingtalk", "feishu", "webhook", "email"]
    assert (results["dead"].status, results["dead"].attempts) == (FAILED, 3)
    assert results["dead"].reason == "unavailable"
    assert all(results[n].status == SENT for n in list(results)[1:])
    assert len(smtp.mails) == 1


def test_an_unexpected_exception_in_a_channel_is_only_its_result(clock) -> None:
    class Broken(Channel):
        kind = "broken"

        def send(self, message):
            raise RuntimeError("bug in the channel")

    class Fine(Channel):
        kind = "fine"

        def send(self, message):
            return None

    results = dispatcher([Broken(), Fine()], clock).send(ZH)
    assert (results["broken"].status, results["broken"].reason) == (FAILED, "error")
    assert "RuntimeError: bug in the channel" in results["broken"].detail
    assert results["fine"].status == SENT


# --- secrets ------------------------------------------------------------------------------------


def test_secrets_never_show_in_errors_results_or_logs(standin, session, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    config = chat_config(standin)
    port = free_port()
    config["wecom"] = [
        {"webhook": standin.wecom_url},
        {
            "webhook": f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=wecom-key-0001",
            "name": "d",
        },
    ]
    config["dingtalk"]["webhook"] = config["dingtalk"]["webhook"].replace("/robot/", "/robot/x/")
    config["feishu"]["webhook"] = f"http://127.0.0.1:{port}/open-apis/bot/v2/hook/feishu-token-0001"
    channels = parse(config, session=session).channels
    standin.script("wecom", ("code", 93000, "invalid webhook url: key=wecom-key-0001"))
    standin.script("webhook", *[("timeout", 0.5)] * 3)
    assert channels[-1].name == "webhook"
    channels[-1].timeout = 0.2  # three read timeouts
    results = dispatcher(channels, clock).send(ZH)
    assert {r.status for r in results.values()} == {FAILED}
    errors = [r.error for r in results.values()]
    assert_no_secret(
        repr(results),
        repr(channels),
        caplog.text,
        *(str(e) for e in errors),
        *(e.message("zh") for e in errors),
        *(repr(e.params) for e in errors),
    )
    # nor in what a traceback would print: nothing is chained to the requests error
    assert all(e.__cause__ is None and e.__context__ is None for e in errors)
    # a channel's own error, raised directly
    with pytest.raises(NotifyError) as caught:
        channels[1].send(ZH)
    assert_no_secret(str(caught.value), repr(caught.value))
    assert caught.value.__context__ is None


# --- e-mail -------------------------------------------------------------------------------------


def received_mail(smtp: SMTPStandIn, index: int = -1):
    return email.message_from_bytes(smtp.mails[index].data, policy=email.policy.default)


def test_email_plain_relay_utf8_subject_and_escaped_html(clock) -> None:
    message = ZH.replace(
        body='客户留言：<script>alert("x")</script> & “谢谢”',
        emails=("boss@example.cn",),
    )
    with SMTPStandIn() as smtp:
        channel = EmailChannel(
            "127.0.0.1", port=smtp.port, security="none", sender="客服部 <desk@example.cn>"
        )
        assert dispatcher([channel], clock).send(message)["email"].status == SENT
    mail = smtp.mails[0]
    assert (
        mail.rcpt_to == ["boss@example.cn", "wf@example.cn"] and mail.mail_from == "desk@example.cn"
    )
    parsed = received_mail(smtp)
    assert parsed["Subject"] == "投诉 TS-20261123-7K3F 已逾期"
    assert parsed["X-Sheetdesk-Key"] == "overdue:TS-20261123-7K3F"
    plain = parsed.get_body(("plain",)).get_content()
    assert "客户留言" in plain and ZH.link in plain
    page = parsed.get_body(("html",)).get_content()
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&amp; “谢谢”" in page and f'href="{ZH.link}"' in page
    assert b"\xe5" not in mail.data  # non-ASCII travels base64: no 8BITMIME needed


@pytest.mark.parametrize("method", ["PLAIN", "LOGIN"])
def test_email_login_and_wrong_password(clock, method) -> None:
    with SMTPStandIn(users={"desk": "smtp-password-0001"}, auth_methods=(method,)) as smtp:
        good = EmailChannel(
            "127.0.0.1",
            port=smtp.port,
            security="none",
            user="desk",
            password="smtp-password-0001",
            sender="desk@example.cn",
        )
        assert dispatcher([good], clock).send(ZH)["email"].status == SENT
        assert smtp.mails[0].user == "desk"
        bad = EmailChannel(
            "127.0.0.1",
            port=smtp.port,
            security="none",
            user="desk",
            password="wrong-password-1",
            sender="desk@example.cn",
        )
        result = dispatcher([bad], clock).send(ZH)["email"]
    assert (result.status, result.reason, result.attempts) == (FAILED, "rejected", 1)
    assert "535" in result.detail
    assert "wrong-password-1" not in repr(result) + result.message("zh")


@pytest.fixture
def certificate(tmp_path):
    pytest.importorskip("cryptography")
    return self_signed_cert(tmp_path)


def test_email_starttls_then_login(clock, certificate) -> None:
    cert, key = certificate
    standin = SMTPStandIn(
        users={"desk": "smtp-password-0001"}, tls_context=server_tls_context(cert, key)
    )
    with standin as smtp:
        config = {
            "email": {
                "host": "127.0.0.1",
                "port": smtp.port,
                "security": "starttls",
                "user": "desk",
                "password": "smtp-password-0001",
                "sender": "desk@example.cn",
                "cafile": str(cert),
            }
        }
        (channel,) = parse(config).channels
        assert dispatcher([channel], clock).send(ZH)["email"].status == SENT
    assert smtp.mails[0].tls and smtp.mails[0].user == "desk"
    transcript = smtp.transcripts[0]
    assert transcript.index("STARTTLS") < next(
        i for i, line in enumerate(transcript) if line.startswith("AUTH")
    )


def test_email_implicit_tls(clock, certificate) -> None:
    cert, key = certificate
    standin = SMTPStandIn(tls_context=server_tls_context(cert, key), implicit_tls=True)
    with standin as smtp:
        channel = EmailChannel(
            "127.0.0.1",
            port=smtp.port,
            security="ssl",
            sender="desk@example.cn",
            ssl_context=ssl.create_default_context(cafile=str(cert)),
        )
        message = EN.replace(emails=("li@example.cn",))
        assert dispatcher([channel], clock).send(message)["email"].status == SENT
    assert smtp.mails[0].tls
    assert received_mail(smtp)["Subject"] == EN.title


def test_email_untrusted_certificate_is_refused_not_retried(clock, certificate) -> None:
    cert, key = certificate
    with SMTPStandIn(tls_context=server_tls_context(cert, key)) as smtp:
        channel = EmailChannel("127.0.0.1", port=smtp.port, sender="desk@example.cn")
        result = dispatcher([channel], clock).send(ZH)["email"]
    assert (result.status, result.reason, result.attempts) == (FAILED, "rejected", 1)
    assert "certificate" in result.detail and smtp.mails == []


def test_email_transient_refusal_is_retried_permanent_is_not(clock) -> None:
    with SMTPStandIn() as smtp:
        channel = EmailChannel("127.0.0.1", port=smtp.port, security="none", sender="d@example.cn")
        smtp.refuse("DOT", "451 4.3.0 try again later")
        result = dispatcher([channel], clock).send(ZH)["email"]
        assert (result.status, result.attempts) == (SENT, 2)
        smtp.refuse("RCPT", "550 5.1.1 no such user")
        result = dispatcher([channel], clock).send(ZH)["email"]
        assert (result.status, result.reason, result.attempts) == (FAILED, "rejected", 1)


def test_email_without_recipients_is_skipped(clock) -> None:
    channel = EmailChannel("127.0.0.1", port=free_port(), security="none", sender="d@example.cn")
    result = dispatcher([channel], clock).send(EN.replace(mentions=()))["email"]
    assert (result.status, result.reason) == (SKIPPED, "no_recipients") and result.ok
    assert "邮箱" in result.message("zh")


# --- configuration ------------------------------------------------------------------------------


def test_config_builds_every_channel_several_of_each(standin, session) -> None:
    config = chat_config(standin)
    config["wecom"] = [
        {"webhook": standin.wecom_url},
        {"webhook": standin.wecom_url, "name": "客服群"},
    ]
    config["lark"] = {"webhook": "https://open.larksuite.com/open-apis/bot/v2/hook/abc-token"}
    config["dingtalk"] = [config["dingtalk"], {**config["dingtalk"], "enabled": False}]
    config["email"] = {
        "host": "smtp.example.cn",
        "sender": "desk@example.cn",
        "port": "465",
        "security": "ssl",
    }
    config["people"] = {
        "王芳": {"wecom": "WangFang", "dingtalk": "138 0000 0001", "email": "wf@example.cn"}
    }
    parsed = parse(config, session=session)
    names = [c.name for c in parsed.channels]
    assert names == ["wecom", "客服群", "dingtalk", "feishu", "webhook", "lark", "email"]
    kinds = [type(c) for c in parsed.channels]
    assert kinds == [
        WeComChannel,
        WeComChannel,
        DingTalkChannel,
        FeishuChannel,
        WebhookChannel,
        FeishuChannel,
        EmailChannel,
    ]
    assert parsed.channels[-1].port == 465
    assert parsed.people["王芳"].mobile == "13800000001"
    assert all(c.session is session for c in parsed.channels[:-1])


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"wechat": {"webhook": "x"}}, "notify.wechat"),
        (
            {
                "dingtalk": {
                    "webhook": "https://oapi.dingtalk.com/robot/send?access_token=t",
                    "secert": "SECdingtalk-secret-0001",
                }
            },
            "notify.dingtalk.secert",
        ),
        ({"wecom": {}}, "notify.wecom.webhook"),
        (
            {
                "wecom": [
                    {
                        "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-0001"
                    },
                    "oops",
                ]
            },
            "notify.wecom[2]",
        ),
        (
            {
                "wecom": {
                    "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?token=wecom-key-0001"
                }
            },
            "notify.wecom.webhook",
        ),
        (
            {
                "feishu": {
                    "webhook": "http://open.feishu.cn/open-apis/bot/v2/hook/feishu-token-0001"
                }
            },
            "notify.feishu.webhook",
        ),
        (
            {
                "email": {
                    "host": "smtp.example.cn",
                    "security": "none",
                    "user": "d",
                    "password": "smtp-password-0001",
                    "sender": "d@example.cn",
                }
            },
            "notify.email.password",
        ),
        (
            {"email": {"host": "smtp.example.cn", "port": "abc", "sender": "d@example.cn"}},
            "notify.email.port",
        ),
        (
            {"email": {"host": "smtp.example.cn", "security": "tls", "sender": "d@example.cn"}},
            "notify.email.security",
        ),
        ({"people": {"王芳": {"email": "not-an-address"}}}, "notify.people.王芳.email"),
        ({"people": {"王芳": {"qq": "12345"}}}, "notify.people.王芳.qq"),
    ],
)
def test_bad_config_names_the_key_and_never_the_secret(config, key) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(config)
    assert f"`{key}`" in str(caught.value)
    assert f"`{key}`" in caught.value.message("zh")
    assert_no_secret(str(caught.value), caught.value.message("zh"), repr(caught.value.params))


def test_duplicate_names_are_refused() -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"
    with pytest.raises(ConfigError, match="“群”"):
        parse({"wecom": [{"webhook": url, "name": "群"}, {"webhook": url, "name": "群"}]})


def test_address_fills_mentions_for_every_channel_from_people(standin, session) -> None:
    people = parse(
        {
            "people": {
                "王芳": {
                    "wecom": "WangFang",
                    "dingtalk": "13800000001",
                    "feishu": "ou_wangfang",
                    "email": "wf@example.cn",
                },
                "Li Lei": {"dingtalk_userid": "lilei01", "mobile": "13900000002"},
            }
        }
    ).people
    unknown: list[str] = []
    message = address(
        Message(title="今日回访", body="3 位客户待回访", to_people=("王芳", "li lei", "张三")),
        people,
        on_unknown=unknown.append,
    )
    assert unknown == ["张三"]
    assert message.all_emails() == ("wf@example.cn",)
    channels = parse(chat_config(standin), session=session).channels
    for channel in channels:
        channel.send(message)
    # Li Lei can only be @-mentioned by mobile on WeCom: so it goes as text
    text = standin.bodies("wecom")[0]["text"]
    assert text["mentioned_list"] == ["WangFang"]
    assert text["mentioned_mobile_list"] == ["13900000002"]
    at = standin.bodies("dingtalk")[0]["at"]
    assert at["atMobiles"] == ["13800000001", "13900000002"] and at["atUserIds"] == ["lilei01"]
    post = standin.bodies("feishu")[0]["content"]["post"]["zh_cn"]["content"]
    assert post[-1] == [{"tag": "at", "user_id": "ou_wangfang"}]
    with pytest.raises(ConfigError, match="张三"):
        address(Message(title="x", to_people=("张三",)), people, strict=True)


def test_rejected_error_is_translated() -> None:
    error = NotifyRejected(channel="客服群", detail="code 310000: sign not match")
    assert "拒绝" in error.message("zh") and "refused" in str(error)
