"""utils/reminders: what is due (hand-computed times on the working calendar, across a weekend
and China's National Day), the ledger (never twice, retried when a channel failed, safe when
two runs overlap), the run against local stand-ins of the chat services and an SMTP server,
auto-escalation in a real workbook, both languages, masking, and `python -m utils.cli remind`
end to end."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.frames import frame
from tests.notify_standins import ChatStandIn, SMTPStandIn
from utils import progress_log as plog
from utils.errors import ConfigError
from utils.notify import Channel, Dispatcher, NotifyConfig, RateLimiters, Recipient
from utils.queues import followup_queue, followups_for, routine_for, routine_queue
from utils.reminders import config as rconfig
from utils.reminders.config import ReminderConfig, Setup, parse_reminders
from utils.reminders.due import Reminder, decide
from utils.reminders.ledger import Ledger, entry, state_folder
from utils.reminders.messages import compose
from utils.reminders.run import run
from utils.reminders.status import last_run, last_run_for
from utils.settings import Settings
from utils.store.local import LocalWorkbookStore

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings()  # China's calendar (CN): statutory days off and make-up working days
CONFIG = ReminderConfig(
    ladder={"department": ("周主任",), "management": ("吴总监",), "executive": ("陈总",)},
    managers=("周主任",),
    app_url="https://desk.example.cn",
)
T = dt.datetime
# November 2026: Fri 27, Sat 28, Sun 29, Mon 30 — no holiday in it


def complaints(*rows: dict):
    defaults = {
        "client_id": "KH-1",
        "channel": "phone",
        "category": "service_quality",
        "severity": "normal",
        "description": "报修三天了还没有人上门",
        "first_receiver": "李娜",
        "handler": "王芳",
        "level": "frontline",
        "status": "in_progress",
    }
    return frame("complaints", [{**defaults, **r} for r in rows])


CLIENTS = frame(
    "clients",
    [
        {"client_id": "KH-1", "name": "张三", "phone": "13812345678", "owner": "李娜"},
        {"client_id": "KH-2", "name": "王五", "phone": "13987654321", "owner": "王芳"},
    ],
)


def frames(c, clients=CLIENTS, revisits=None):
    return {
        "complaints": c,
        "clients": clients,
        "revisits": frame("revisits", []) if revisits is None else revisits,
    }


def due(c, now, config=CONFIG, since=None, **kwargs):
    return decide(frames(c, **kwargs), SETTINGS, now, config, since=since)


def kinds(items, kind):
    return [i for i in items if i.kind == kind]


# ---- what is due ---------------------------------------------------------------------------


def test_due_soon_counts_working_hours_and_the_weekend_does_not_count_down() -> None:
    c = complaints(
        {"complaint_id": "TS-1", "received_at": T(2026, 11, 25, 10), "due_at": T(2026, 11, 30, 10)}
    )
    # Friday 16:00: 8 h left on Friday + 10 h on Monday = 18 working hours
    assert not kinds(due(c, T(2026, 11, 27, 16)), "due_soon")
    wide = ReminderConfig(due_soon_hours=20)
    (item,) = kinds(due(c, T(2026, 11, 27, 16), wide), "due_soon")
    assert item.facts["hours"] == 18.0 and item.to == ("王芳",)
    assert item.key == "due_soon:TS-1:2026-11-30T10:00"
    # Saturday noon and Sunday night: still 10 h (Monday's), not under 4
    assert not kinds(due(c, T(2026, 11, 28, 12)), "due_soon")
    assert not kinds(due(c, T(2026, 11, 29, 23)), "due_soon")
    # Monday 06:00 leaves exactly 4 h (not under 4); 06:30 leaves 3.5 h
    assert not kinds(due(c, T(2026, 11, 30, 6)), "due_soon")
    (item,) = kinds(due(c, T(2026, 11, 30, 6, 30)), "due_soon")
    assert item.facts["hours"] == 3.5
    assert not kinds(due(c, T(2026, 11, 30, 10, 30)), "due_soon")  # past due now


def test_overdue_once_a_working_day_from_the_digest_hour() -> None:
    c = complaints(
        {"complaint_id": "TS-1", "received_at": T(2026, 11, 24, 10), "due_at": T(2026, 11, 27, 10)}
    )
    # Monday 09:30: Friday 10:00→24:00 (14 h) + Monday 0:00→9:30 (9.5 h) = 23.5 working hours
    (item,) = kinds(due(c, T(2026, 11, 30, 9, 30)), "overdue")
    assert item.key == "overdue:TS-1:2026-11-30" and item.facts["hours"] == 23.5
    assert not kinds(due(c, T(2026, 11, 30, 8, 59)), "overdue")  # before the digest hour
    assert not kinds(due(c, T(2026, 11, 28, 10)), "overdue")  # Saturday: not a working day
    assert kinds(due(c, T(2026, 12, 1, 9)), "overdue")[0].key == "overdue:TS-1:2026-12-01"
    # nobody to tell: no handler, no first receiver
    nobody = complaints(
        {
            "complaint_id": "TS-2",
            "received_at": T(2026, 11, 24, 10),
            "due_at": T(2026, 11, 27, 10),
            "handler": "",
            "first_receiver": "?",
        }
    )
    assert kinds(due(nobody, T(2026, 11, 30, 10)), "overdue")[0].to == ("?",)


def test_overdue_on_chinas_calendar_national_day_and_a_makeup_saturday() -> None:
    c = complaints(
        {"complaint_id": "TS-1", "received_at": T(2026, 9, 25, 10), "due_at": T(2026, 9, 30, 10)}
    )
    # 1–7 October 2026 are days off: on Thursday the 8th at 09:30 the case is 14 h (30 Sept)
    # + 9.5 h overdue
    (item,) = kinds(due(c, T(2026, 10, 8, 9, 30)), "overdue")
    assert item.facts["hours"] == 23.5
    assert not kinds(due(c, T(2026, 10, 5, 10)), "overdue")  # Monday the 5th: a holiday
    # Saturday 10 October is a make-up working day (调休): a working day like any other
    assert kinds(due(c, T(2026, 10, 10, 10)), "overdue")
    assert not kinds(due(c, T(2026, 10, 11, 10)), "overdue")  # Sunday: off
    # received Friday the 9th at 15:00, still not started: one working day later is Saturday
    # the 10th at 15:00 (the make-up day counts)
    fresh = complaints(
        {
            "complaint_id": "TS-2",
            "received_at": T(2026, 10, 9, 15),
            "due_at": T(2026, 10, 14, 15),
            "status": "received",
        }
    )
    assert not kinds(due(fresh, T(2026, 10, 10, 14, 59)), "not_started")
    (item,) = kinds(due(fresh, T(2026, 10, 10, 15)), "not_started")
    assert item.key == "not_started:TS-2" and item.facts["days"] == 1.0


def test_not_started_one_working_day_after_logging_blank_status_counts() -> None:
    c = complaints(
        {
            "complaint_id": "TS-1",
            "received_at": T(2026, 11, 27, 15),
            "due_at": T(2026, 12, 2, 15),
            "status": "",
            "handler": "",
        }
    )
    # Friday 15:00 + one working day = Monday 15:00 (9 h Friday + 15 h Monday)
    assert not kinds(due(c, T(2026, 11, 30, 14)), "not_started")
    (item,) = kinds(due(c, T(2026, 11, 30, 15)), "not_started")
    assert item.to == ("李娜",)  # no handler: the first receiver (首问负责)
    started = complaints({**c.iloc[0].to_dict(), "status": "in_progress"})
    assert not kinds(due(started, T(2026, 11, 30, 15)), "not_started")


def test_escalation_after_the_limit_across_a_weekend_then_from_the_last_escalation() -> None:
    c = complaints(
        {"complaint_id": "TS-1", "received_at": T(2026, 11, 24, 20), "due_at": T(2026, 11, 27, 20)}
    )
    # due Friday 20:00: 4 h on Friday; Saturday and Sunday do not count; 8 h is Monday 04:00
    assert not kinds(due(c, T(2026, 11, 29, 23)), "escalate")
    assert not kinds(due(c, T(2026, 11, 30, 4)), "escalate")
    (item,) = kinds(due(c, T(2026, 11, 30, 4, 1)), "escalate")
    assert item.to == ("周主任",) and item.key == "escalate:TS-1:department"
    assert item.facts["target"] == "department" and item.facts["level"] == "frontline"
    # escalated by hand on Monday 10:00: the next level is told 8 working hours after that
    log = plog.line(T(2026, 11, 30, 10), "王芳", "escalate", "客户要求", target="department")
    up = complaints({**c.iloc[0].to_dict(), "level": "department", "progress_log": log})
    assert not kinds(due(up, T(2026, 11, 30, 18)), "escalate")
    (item,) = kinds(due(up, T(2026, 11, 30, 18, 1)), "escalate")
    assert item.to == ("吴总监",) and item.key == "escalate:TS-1:management"
    # at the top, or with nobody on the ladder for the next level: nobody to tell
    top = complaints({**c.iloc[0].to_dict(), "level": "executive"})
    assert not kinds(due(top, T(2026, 12, 2, 10)), "escalate")
    assert not kinds(due(c, T(2026, 12, 2, 10), ReminderConfig()), "escalate")


def test_assigned_since_the_last_run_not_self_assigned() -> None:
    log = "\n".join(
        [
            plog.line(T(2026, 11, 30, 8), "李娜", "receive"),
            plog.line(T(2026, 11, 30, 9, 10), "李娜", "assign", target="王芳"),
        ]
    )
    row = {
        "complaint_id": "TS-1",
        "received_at": T(2026, 11, 30, 8),
        "due_at": T(2026, 12, 3, 8),
        "progress_log": log,
        "updated_at": T(2026, 11, 30, 9, 10),
    }
    (item,) = kinds(
        due(complaints(row), T(2026, 11, 30, 9, 15), since=T(2026, 11, 30, 9)), "assigned"
    )
    assert item.key == "assigned:TS-1:王芳" and item.to == ("王芳",) and item.facts["by"] == "李娜"
    assert not kinds(
        due(complaints(row), T(2026, 11, 30, 10), since=T(2026, 11, 30, 9, 30)), "assigned"
    )
    own = {
        **row,
        "progress_log": plog.line(T(2026, 11, 30, 9, 10), "王芳", "assign", target="王芳"),
    }
    assert not kinds(
        due(complaints(own), T(2026, 11, 30, 10), since=T(2026, 11, 30, 9)), "assigned"
    )
    # a row typed in with its handler: from its first receiver, when it is new
    typed = {**row, "progress_log": "", "complaint_id": "TS-2"}
    (item,) = kinds(
        due(complaints(typed), T(2026, 11, 30, 10), since=T(2026, 11, 30, 7)), "assigned"
    )
    assert item.facts["by"] == "李娜"
    assert not kinds(
        due(complaints(typed), T(2026, 11, 30, 10), since=T(2026, 11, 30, 9)), "assigned"
    )


def test_revisit_and_manager_digests_once_a_working_day() -> None:
    c = complaints(
        {
            "complaint_id": "TS-1",
            "received_at": T(2026, 11, 20, 10),
            "due_at": T(2026, 11, 25, 10),
            "status": "resolved",
            "resolved_at": T(2026, 11, 27, 15),
            "resolution": "已上门维修",
        },
        {
            "complaint_id": "TS-2",
            "client_id": "KH-2",
            "received_at": T(2026, 11, 27, 11),
            "due_at": T(2026, 12, 2, 11),
        },
    )
    clients = frame(
        "clients",
        [
            {
                "client_id": "KH-1",
                "name": "张三",
                "phone": "13812345678",
                "owner": "李娜",
                "grade": "A",
                "status": "active",
                "registered_on": dt.date(2026, 10, 30),
            },
            {
                "client_id": "KH-2",
                "name": "王五",
                "phone": "13987654321",
                "owner": "王芳",
                "grade": "A",
                "status": "active",
                "registered_on": dt.date(2026, 11, 4),
            },
            {
                "client_id": "KH-3",
                "name": "赵六",
                "phone": "13700001111",
                "owner": "赵敏",
                "grade": "A",
                "status": "active",
                "registered_on": dt.date(2025, 1, 1),
            },
        ],
    )
    revisits = frame(
        "revisits",
        [
            {
                "revisit_id": "RV-1",
                "client_id": "KH-9",  # another client's: KH-2's routine revisit stays due
                "kind": "routine",
                "done_at": T(2026, 11, 27, 16),
                "method": "phone",
                "staff": "王芳",
                "reached": "yes",
                "attitude": "satisfied",
                "score": 9,
            }
        ],
    )
    now = T(2026, 11, 30, 9, 5)
    items = decide(frames(c, clients, revisits), SETTINGS, now, CONFIG)
    digests = {i.to[0]: i for i in kinds(items, "revisits")}
    # who does which follow-up, whose revisits are due: the revisit queues' own rules, as on
    # the Revisits page, for everyone the data names; routine revisits due by Sunday 6 December
    follow = followup_queue(c, revisits, SETTINGS)
    routine = routine_queue(clients, revisits, dt.date(2026, 12, 6), SETTINGS)
    for name in ("王芳", "李娜", "赵敏"):
        expected = (len(followups_for(follow, name)), len(routine_for(routine, name)))
        got = digests[name].facts if name in digests else {"followups": 0, "routine": 0}
        assert (got["followups"], got["routine"]) == expected, name
        if name in digests:
            assert digests[name].key == f"digest:revisits:{name}:2026-11-30"
    assert sum(d.facts["followups"] for d in digests.values()) >= 1  # TS-1's is someone's
    line = next(d.facts["followup_lines"][0] for d in digests.values() if d.facts["followups"])
    assert line["complaint_id"] == "TS-1" and line["phone"] == "138****5678"
    zhao = digests["赵敏"].facts  # KH-3, never reached since 2025: late
    assert zhao["routine_late"] >= 1 and zhao["routine_lines"][0]["client_id"] == "KH-3"
    assert zhao["routine_lines"][0]["late"] is True
    (manager,) = kinds(items, "manager")
    assert manager.key == "digest:manager:周主任:2026-11-30" and manager.to == ("周主任",)
    f = manager.facts
    assert f["since"] == "2026-11-27T09:00"  # the previous working day at the digest hour
    assert (f["new"], f["resolved"], f["revisits"], f["satisfied"]) == (1, 1, 1, 1.0)
    # before the digest hour, on a Sunday, or once today's are in the ledger: none
    assert not kinds(
        decide(frames(c, clients, revisits), SETTINGS, T(2026, 11, 30, 8), CONFIG), "manager"
    )
    assert not kinds(
        decide(frames(c, clients, revisits), SETTINGS, T(2026, 11, 29, 10), CONFIG), "revisits"
    )
    known = {digests["赵敏"].key, manager.key}
    again = decide(frames(c, clients, revisits), SETTINGS, now, CONFIG, known=known)
    assert not kinds(again, "revisits") and not kinds(again, "manager")


# ---- messages --------------------------------------------------------------------------------


def case(cid="TS-1", kind="overdue", to=("王芳",), **facts) -> Reminder:
    base = {"client": "张三", "phone": "138****5678", "due": "2026-11-27T10:00", "hours": 23.5}
    return Reminder(kind, f"{kind}:{cid}", to, cid, {**base, **facts})


def test_messages_in_both_languages_with_link_and_one_line_per_case() -> None:
    items = [case(), case(kind="not_started", days=3.0), case("TS-2", severity="serious")]
    (zh,) = compose([(i, ("wecom",)) for i in items], "zh", CONFIG)
    assert zh.message.title == "王芳：2 件投诉需要你跟进"
    line = (
        "- TS-1 张三（138****5678）：已逾期 23.5 个工作小时（时限 11-27 10:00）；"
        "受理已 3 个工作日，仍未开始处理"
    )
    assert line in zh.message.body
    assert "- [严重] TS-2" in zh.message.body
    assert "  https://desk.example.cn/complaints?id=TS-1" in zh.message.body
    assert zh.message.link == "https://desk.example.cn/complaints" and zh.message.lang == "zh"
    assert zh.keys == ["overdue:TS-1", "not_started:TS-1", "overdue:TS-2"]
    (en,) = compose([(items[0], ("wecom",))], "en", CONFIG)
    assert en.message.title == "王芳: 1 complaint(s) need you"
    assert (
        en.message.body
        == "- TS-1 张三 (138****5678): overdue by 23.5 working hours (was due 11-27 10:00)"
    )
    assert en.message.link == "https://desk.example.cn/complaints?id=TS-1"
    (no_url,) = compose([(items[0], ("wecom",))], "en", ReminderConfig())
    assert no_url.message.link is None and "http" not in no_url.message.body
    escalation = case(
        kind="escalate",
        to=("周主任", "吴经理"),
        level="frontline",
        target="department",
        handler="王芳",
    )
    (up,) = compose([(escalation, ("wecom",))], "zh", CONFIG)
    assert up.message.title == "周主任、吴经理：1 件逾期投诉需要上级督办"
    assert "经办人 王芳，当前层级 一线，请部门负责人督办" in up.message.body
    (auto,) = compose([(escalation.with_facts(auto=True), ("wecom",))], "en", CONFIG)
    assert "escalated automatically from Frontline to Department head" in auto.message.body


def test_many_cases_are_cut_into_parts_every_service_takes_whole() -> None:
    items = [case(f"TS-{n:04d}", client="上海某某贸易有限公司" * 2) for n in range(60)]
    outs = compose([(i, ("wecom",)) for i in items], "zh", CONFIG)
    assert len(outs) > 1 and sum(len(o.items) for o in outs) == 60
    assert all(len(o.message.body.encode()) <= 1400 for o in outs)
    assert outs[0].message.title.endswith(f"（1/{len(outs)}）")
    assert {o.message.key for o in outs} == {
        o.message.key for o in outs if o.message.key.startswith("bundle:")
    }


# ---- configuration ---------------------------------------------------------------------------


def test_configuration_defaults_values_and_errors_naming_the_key() -> None:
    assert parse_reminders(None, env={}) == ReminderConfig()
    config = parse_reminders(
        {
            "due_soon_hours": 2,
            "auto_escalate": "yes",
            "digest_hour": "8",
            "app_url": "https://desk.example.cn/",
            "ladder": {"department": "周主任、吴经理", "executive": ["陈总"]},
            "managers": ["周主任", "周主任"],
        },
        language="en",
        env={},
    )
    assert config.due_soon_hours == 2 and config.auto_escalate and config.digest_hour == 8
    assert config.app_url == "https://desk.example.cn" and config.language == "en"
    assert config.ladder == {"department": ("周主任", "吴经理"), "executive": ("陈总",)}
    assert config.managers == ("周主任",)
    env = {"SHEETDESK_APP_URL": "https://other.example.cn", "SHEETDESK_LANGUAGE": "zh"}
    assert parse_reminders({}, language="en", env=env).app_url == "https://other.example.cn"
    bad = [
        ({"digest_hour": 24}, "sheetdesk.reminders.digest_hour", "0 to 23"),
        ({"due_soon_hours": 0}, "sheetdesk.reminders.due_soon_hours", "above 0"),
        ({"auto_escalte": True}, "sheetdesk.reminders.auto_escalte", "spelling"),
        ({"ladder": {"frontline": ["x"]}}, "sheetdesk.reminders.ladder.frontline", "department"),
        ({"app_url": "desk.example.cn"}, "sheetdesk.reminders.app_url", "https://"),
        ({"managers": [1]}, "sheetdesk.reminders.managers", "list of names"),
    ]
    for table, key, words in bad:
        with pytest.raises(ConfigError) as err:
            parse_reminders(table, env={})
        assert key in err.value.message("en") and words in err.value.message("en")
        assert key in err.value.message("zh")


def test_secrets_file_read_and_a_broken_one_reported_without_its_text(tmp_path) -> None:
    good = tmp_path / "secrets.toml"
    good.write_text(
        "[sheetdesk.reminders]\ndigest_hour = 8\n"
        '[sheetdesk.notify.people."王芳"]\nwecom = "WangFang"\n'
    )
    setup = rconfig.load(rconfig.read_secrets(good), env={})
    assert setup.reminders.digest_hour == 8 and setup.notify.people["王芳"].wecom == "WangFang"
    broken = tmp_path / "broken.toml"
    broken.write_text('[sheetdesk.notify.email]\npassword = "hunter2-secret\n')
    with pytest.raises(ConfigError) as err:
        rconfig.read_secrets(broken)
    assert "hunter2" not in err.value.message("en") and "broken.toml" in err.value.message("en")
    with pytest.raises(ConfigError):
        rconfig.read_secrets(tmp_path / "missing.toml")


# ---- the run on a real workbook --------------------------------------------------------------

NOW = T(2026, 11, 30, 10)  # Monday


class Memory(Channel):
    """A channel that keeps what it is given (or fails when told to)."""

    kind = "memory"

    def __init__(self, name="memory", fail=None) -> None:
        super().__init__(name=name)
        self.sent: list = []
        self.fail = fail

    def send(self, message):
        if self.fail is not None:
            raise self.fail
        self.sent.append(message)
        return True


PEOPLE = {
    "王芳": Recipient(name="王芳", wecom="WangFang", email="wf@example.cn"),
    "李娜": Recipient(name="李娜", wecom="LiNa"),
    "周主任": Recipient(name="周主任", wecom="ZhouZR", email="zhou@example.cn"),
}


RUN_CONFIG = ReminderConfig(**{**CONFIG.__dict__, "managers": ()})  # no daily digest here
AUTO = ReminderConfig(**{**RUN_CONFIG.__dict__, "auto_escalate": True})


def setup_with(channels, config=RUN_CONFIG, people=PEOPLE) -> Setup:
    return Setup(config, NotifyConfig(list(channels), dict(people)), SETTINGS)


def quick(channels) -> Dispatcher:
    return Dispatcher(channels, sleep=lambda s: None, rng=random.Random(1))


def make_desk(path: Path) -> LocalWorkbookStore:
    """Three open cases on Monday 30 November 2026, 10:00: TS-A overdue by an hour (王芳),
    TS-B due at 11:00 (王芳), TS-C three working days overdue (李娜): its level above is told."""
    store = LocalWorkbookStore(path, clock=lambda: T(2026, 11, 23, 9))
    store.init("zh")
    store.append_many(
        "clients",
        [
            {
                "client_id": "KH-1",
                "name": "张三",
                "phone": "13812345678",
                "owner": "李娜",
                "registered_on": dt.date(2026, 11, 1),
            },
            {
                "client_id": "KH-2",
                "name": "王五",
                "phone": "13987654321",
                "owner": "王芳",
                "registered_on": dt.date(2026, 11, 1),
            },
        ],
        user="test",
    )
    # both clients were reached last week: no routine revisit is due, whatever the cadence
    _, refused = store.append_many(
        "revisits",
        [
            {
                "client_id": client,
                "kind": "routine",
                "done_at": T(2026, 11, 20, 15),
                "method": "phone",
                "staff": "赵敏",
                "attempt": 1,
                "reached": "yes",
                "attitude": "satisfied",
                "score": 9,
            }
            for client in ("KH-1", "KH-2")
        ],
        user="test",
    )
    assert not refused
    common = {
        "channel": "phone",
        "category": "service_quality",
        "description": "报修三天了还没有人上门",
        "first_receiver": "李娜",
        "level": "frontline",
        "status": "in_progress",
    }
    rows = [
        {
            "complaint_id": "TS-A",
            "client_id": "KH-1",
            "handler": "王芳",
            "severity": "normal",
            "received_at": T(2026, 11, 25, 9),
            "due_at": T(2026, 11, 30, 9),
        },
        {
            "complaint_id": "TS-B",
            "client_id": "KH-2",
            "handler": "王芳",
            "severity": "serious",
            "received_at": T(2026, 11, 26, 11),
            "due_at": T(2026, 11, 30, 11),
        },
        {
            "complaint_id": "TS-C",
            "client_id": "KH-1",
            "handler": "李娜",
            "severity": "normal",
            "received_at": T(2026, 11, 20, 10),
            "due_at": T(2026, 11, 25, 10),
            "progress_log": plog.line(T(2026, 11, 20, 10), "李娜", "receive", lang="zh"),
        },
    ]
    for row in rows:
        store.append("complaints", {**common, **row}, user="李娜")
    return store


@pytest.fixture
def desk(tmp_path) -> LocalWorkbookStore:
    return make_desk(tmp_path / "desk.xlsx")


def sent_keys(channel: Memory) -> list[str]:
    return [m.key for m in channel.sent]


def test_a_run_sends_each_reminder_once_and_the_next_run_nothing(desk) -> None:
    wecom, email = Memory("wecom"), Memory("email")
    setup = setup_with([wecom, email])
    report = run(desk, setup, now=NOW, dispatcher=quick([wecom, email]))
    assert report.exit_code == 0 and report.messages == 3
    assert dict(report.reminders) == {"overdue": 2, "due_soon": 1, "escalate": 1}
    titles = sorted(m.title for m in wecom.sent)
    assert titles == [
        "周主任：1 件逾期投诉需要上级督办",
        "李娜：1 件投诉需要你跟进",
        "王芳：2 件投诉需要你跟进",
    ]
    assert sent_keys(wecom) == sent_keys(email)
    wang = next(m for m in wecom.sent if m.title.startswith("王芳"))
    assert [r.wecom for r in wang.mentions] == ["WangFang"]
    assert "已逾期 1 个工作小时（时限 11-30 09:00）" in wang.body
    assert "还剩 1 个工作小时到期（11-30 11:00）" in wang.body
    folder = state_folder(desk)
    assert folder == Path(f"{desk.path}.reminders") and (folder / "sent.jsonl").exists()
    status = last_run(folder)
    assert status["at"] == "2026-11-30T10:00:00" and status["exit"] == 0
    assert status["channels"] == {"wecom": {"sent": 3}, "email": {"sent": 3}}
    assert last_run_for(desk) == status
    again = run(desk, setup, now=NOW + dt.timedelta(minutes=5), dispatcher=quick([wecom, email]))
    assert (
        again.messages == 0
        and len(wecom.sent) == 3
        and again.lines("en") == ["No reminders to send."]
    )
    # the next working day: overdue again (once that day), TS-A and TS-B now more than 8
    # working hours overdue (their level above is told); TS-C's level above was told already
    tomorrow = run(desk, setup, now=T(2026, 12, 1, 9, 30), dispatcher=quick([wecom, email]))
    assert dict(tomorrow.reminders) == {"overdue": 3, "escalate": 2}


def test_masking_as_for_staff_in_every_message(desk) -> None:
    wecom = Memory("wecom")
    run(desk, setup_with([wecom]), now=NOW, dispatcher=quick([wecom]))
    text = "\n".join(m.title + m.body for m in wecom.sent)
    # 张三 (KH-1) is 李娜's client, 王五 (KH-2) 王芳's: in a group chat both are masked
    assert "张三（138****5678）" in text and "王五（139****4321）" in text
    assert "13812345678" not in text and "13987654321" not in text


def test_a_dead_channel_does_not_stop_the_others_and_is_retried_alone(desk) -> None:
    from utils.errors import NotifyUnavailable

    good, dead = (
        Memory("wecom"),
        Memory("dingtalk", fail=NotifyUnavailable(channel="dingtalk", detail="HTTP 503")),
    )
    setup = setup_with([good, dead])
    report = run(desk, setup, now=NOW, dispatcher=quick([good, dead]))
    assert report.exit_code == 1 and len(good.sent) == 3
    assert report.channels["dingtalk"]["failed"] == 3 and report.channels["wecom"]["sent"] == 3
    assert any("dingtalk could not be reached (HTTP 503)" in line for line in report.lines("en"))
    assert last_run(state_folder(desk))["failing"][0]["channel"] == "dingtalk"
    dead.fail = None  # back up: the next run sends to it alone, wecom does not repeat
    later = run(desk, setup, now=NOW + dt.timedelta(minutes=5), dispatcher=quick([good, dead]))
    assert later.exit_code == 0 and len(good.sent) == 3 and len(dead.sent) == 3
    assert (
        run(
            desk, setup, now=NOW + dt.timedelta(minutes=10), dispatcher=quick([good, dead])
        ).messages
        == 0
    )


def test_deferred_by_a_rate_limit_goes_on_the_next_run(desk) -> None:
    slow = Memory("wecom")
    slow.rate_limits = ((1, 60.0),)

    def dispatcher() -> Dispatcher:  # its own limiter: a fresh minute each time
        return Dispatcher([slow], max_wait=0.0, sleep=lambda s: None, limiters=RateLimiters())

    report = run(desk, setup_with([slow]), now=NOW, dispatcher=dispatcher())
    assert report.exit_code == 0 and report.deferred == 2 and len(slow.sent) == 1
    assert "2 message(s) wait for a channel's rate limit" in "\n".join(report.lines("en"))
    later = run(
        desk, setup_with([slow]), now=NOW + dt.timedelta(minutes=1), dispatcher=dispatcher()
    )
    assert len(slow.sent) == 2 and later.deferred == 1
    run(desk, setup_with([slow]), now=NOW + dt.timedelta(minutes=2), dispatcher=dispatcher())
    assert len(set(sent_keys(slow))) == 3


def test_auto_escalation_raises_the_level_with_a_log_line_in_the_workbook(desk) -> None:
    wecom = Memory("wecom")
    config = AUTO
    report = run(desk, setup_with([wecom], config), now=NOW, dispatcher=quick([wecom]))
    assert report.escalated == ["TS-C"] and report.exit_code == 0
    fresh = LocalWorkbookStore(desk.path).read().record("complaints", "TS-C")
    assert fresh["level"] == "department" and fresh["updated_by"] == "Sheetdesk"
    (entry_,) = [e for e in plog.parse(fresh["progress_log"]) if e.action == "auto_escalate"]
    assert entry_.by == "Sheetdesk" and entry_.target == "department"
    assert entry_.at == NOW and "逾期超过 8 个工作小时" in entry_.detail
    up = next(m for m in wecom.sent if m.title.startswith("周主任"))
    assert "系统已自动由一线升级至部门负责人" in up.body
    # the next run: no second escalation, no repeated message
    again = run(
        desk,
        setup_with([wecom], config),
        now=NOW + dt.timedelta(minutes=5),
        dispatcher=quick([wecom]),
    )
    assert again.escalated == [] and again.messages == 0
    # eight working hours after the system's escalation: the next level
    later = run(
        desk, setup_with([wecom], config), now=T(2026, 11, 30, 18, 5), dispatcher=quick([wecom])
    )
    assert "TS-C" in later.escalated  # (and TS-A, now 9 working hours overdue)
    assert (
        LocalWorkbookStore(desk.path).read().record("complaints", "TS-C")["level"] == "management"
    )


def test_without_auto_escalation_only_a_message(desk) -> None:
    wecom = Memory("wecom")
    report = run(desk, setup_with([wecom]), now=NOW, dispatcher=quick([wecom]))
    assert report.escalated == [] and dict(report.reminders)["escalate"] == 1
    record = LocalWorkbookStore(desk.path).read().record("complaints", "TS-C")
    assert record["level"] == "frontline" and "Sheetdesk" not in record["progress_log"]


def test_auto_escalation_skips_a_case_someone_changed_meanwhile(desk) -> None:
    class Meddling:
        """The store, but 李娜 records progress on TS-C just after the run has read it."""

        def __init__(self, store) -> None:
            self.store = store

        def __getattr__(self, name):
            return getattr(self.store, name)

        def read(self, **kwargs):
            snapshot = self.store.read(**kwargs)
            seen = snapshot.record("complaints", "TS-C")
            log = plog.append(
                seen["progress_log"], plog.line(NOW, "李娜", "progress", "已联系客户")
            )
            self.store.update("complaints", "TS-C", {"progress_log": log}, seen=seen, user="李娜")
            return snapshot

    wecom = Memory("wecom")
    config = AUTO
    report = run(Meddling(desk), setup_with([wecom], config), now=NOW, dispatcher=quick([wecom]))
    assert report.conflicts == ["TS-C"] and report.escalated == []
    assert not any(m.title.startswith("周主任") for m in wecom.sent)
    assert LocalWorkbookStore(desk.path).read().record("complaints", "TS-C")["level"] == "frontline"
    later = run(
        desk,
        setup_with([wecom], config),
        now=NOW + dt.timedelta(minutes=5),
        dispatcher=quick([wecom]),
    )
    assert later.escalated == ["TS-C"]


def test_dry_run_sends_records_and_escalates_nothing(desk) -> None:
    wecom = Memory("wecom")
    config = AUTO
    report = run(
        desk, setup_with([wecom], config), now=NOW, dry_run=True, dispatcher=quick([wecom])
    )
    assert report.messages == 3 and wecom.sent == [] and report.escalated == ["TS-C"]
    text = "\n".join(report.lines("zh"))
    assert "→ 王芳 [wecom]" in text and "试运行" in text and "将自动升级：TS-C" in text
    assert not state_folder(desk).exists()
    assert LocalWorkbookStore(desk.path).read().record("complaints", "TS-C")["level"] == "frontline"


def test_a_failed_assignment_notice_is_kept_and_sent_later(desk) -> None:
    from utils.errors import NotifyUnavailable

    desk.clock = lambda: T(2026, 11, 30, 9, 50)
    seen = desk.read().record("complaints", "TS-A")
    log = plog.append(
        seen["progress_log"], plog.line(T(2026, 11, 30, 9, 50), "李娜", "assign", target="赵敏")
    )
    desk.update(
        "complaints", "TS-A", {"handler": "赵敏", "progress_log": log}, seen=seen, user="李娜"
    )
    chat = Memory("wecom", fail=NotifyUnavailable(channel="wecom", detail="HTTP 502"))
    setup = setup_with([chat])
    assert run(desk, setup, now=NOW, dispatcher=quick([chat])).exit_code == 1
    chat.fail = None  # the next run is a day later: the assignment is no longer "since"
    later = run(desk, setup, now=T(2026, 12, 1, 8), dispatcher=quick([chat]))
    assert "assigned" in later.reminders
    assert any("赵敏 " in m.title or m.title.startswith("赵敏") for m in chat.sent)


def test_two_overlapping_runs_exactly_one_sends(tmp_path) -> None:
    store_path = tmp_path / "desk.xlsx"
    make_desk(store_path)
    wecom = Memory("wecom")
    reports = []

    def one() -> None:
        store = LocalWorkbookStore(store_path)
        reports.append(
            run(store, setup_with([wecom]), now=NOW, dispatcher=quick([wecom]), lock_wait=0.2)
        )

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wecom.sent) == 3  # each message once
    assert sorted(r.busy or r.messages == 0 for r in reports) == [False, True]


def test_the_ledger_survives_bad_lines_and_forgets_old_entries(tmp_path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record([entry("old", "overdue", T(2026, 8, 1), {"wecom": "sent"})])
    ledger.record([entry("new", "overdue", T(2026, 11, 30), {"wecom": "failed", "email": "sent"})])
    with ledger.path.open("a") as handle:
        handle.write('{"key": "cut off in the mid\n')
    ledger.load()
    assert ledger.bad_lines == 1 and ledger.state("new").pending(["wecom", "email", "feishu"]) == [
        "wecom"
    ]
    assert ledger.state("never").pending(["wecom", "email"]) == ["wecom", "email"]
    assert ledger.compact(T(2026, 11, 30)) == 1 and "old" not in ledger.known()


# ---- against the services' stand-ins, and the command line ---------------------------------


@pytest.fixture
def chat():
    with ChatStandIn() as server:
        yield server


def notify_table(chat: ChatStandIn, smtp: SMTPStandIn) -> dict:
    return {
        "wecom": {"webhook": chat.wecom_url},
        "dingtalk": {"webhook": chat.dingtalk_url, "secret": chat.dingtalk_secret},
        "feishu": {"webhook": chat.feishu_url, "secret": chat.feishu_secret},
        "webhook": {"url": chat.webhook_url, "secret": chat.webhook_secret},
        "email": {
            "host": "127.0.0.1",
            "port": smtp.port,
            "security": "none",
            "sender": "客服部 <desk@example.cn>",
        },
        "people": {
            "王芳": {
                "wecom": "WangFang",
                "dingtalk": "13800000001",
                "feishu": "ou_wf",
                "email": "wf@example.cn",
            },
            "李娜": {"wecom": "LiNa", "email": "ln@example.cn"},
            "周主任": {"wecom": "ZhouZR", "email": "zhou@example.cn"},
        },
    }


def test_every_service_gets_each_message_and_a_5xx_is_retried_by_the_dispatcher(desk, chat) -> None:
    import requests

    from utils.notify import parse

    with SMTPStandIn() as smtp:
        session = requests.Session()
        session.trust_env = False
        notify = parse(notify_table(chat, smtp), session=session)
        chat.script("wecom", ("status", 500))  # the first request fails; the retry goes through
        setup = Setup(RUN_CONFIG, notify, SETTINGS)
        report = run(desk, setup, now=NOW, lang="en", dispatcher=quick(notify.channels))
        assert report.exit_code == 0 and report.messages == 3
        for service in ("wecom", "dingtalk", "feishu", "webhook"):
            assert len(chat.received[service]) == 3, service
        assert len(smtp.mails) == 3
        wecom = [b["markdown"]["content"] for b in chat.bodies("wecom")]
        assert any("<@WangFang>" in c and "2 complaint(s) need you" in c for c in wecom)
        hook = chat.bodies("webhook")
        assert {b["key"] for b in hook} >= {"escalate:TS-C:department"}
        assert all(b["lang"] == "en" for b in hook)
        # a second run: nothing anywhere
        run(desk, setup, now=NOW + dt.timedelta(minutes=5), dispatcher=quick(notify.channels))
        assert len(chat.received["wecom"]) == 3 and len(smtp.mails) == 3


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    for name in (
        "SHEETDESK_SPREADSHEET",
        "SHEETDESK_SECRETS",
        "SHEETDESK_LANGUAGE",
        "SHEETDESK_APP_URL",
    ):
        full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "utils.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=120,
    )


def secrets_file(path: Path, chat: ChatStandIn, smtp: SMTPStandIn, **reminders) -> Path:
    def toml(value) -> str:
        if isinstance(value, dict):
            raise TypeError
        return json.dumps(value, ensure_ascii=False)

    table = notify_table(chat, smtp)
    lines = ["[sheetdesk]", 'language = "zh"', "[sheetdesk.reminders]"]
    lines += [
        f"{k} = {toml(v)}"
        for k, v in {"app_url": "https://desk.example.cn", "managers": [], **reminders}.items()
    ]
    lines += ["[sheetdesk.reminders.ladder]", 'department = ["周主任"]']
    for kind in ("wecom", "dingtalk", "feishu", "webhook", "email"):
        lines.append(f"[sheetdesk.notify.{kind}]")
        lines += [f"{k} = {toml(v)}" for k, v in table[kind].items()]
    for name, person in table["people"].items():
        lines.append(f'[sheetdesk.notify.people."{name}"]')
        lines += [f"{k} = {toml(v)}" for k, v in person.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_remind_dry_run_then_for_real_against_the_stand_ins(tmp_path, chat) -> None:
    store = make_desk(tmp_path / "desk.xlsx")
    with SMTPStandIn() as smtp:
        secrets = secrets_file(tmp_path / "secrets.toml", chat, smtp)
        common = [
            "--workbook",
            str(store.path),
            "--secrets",
            str(secrets),
            "--now",
            "2026-11-30T10:00",
        ]
        dry = cli("remind", *common, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "→ 王芳 [wecom, dingtalk, feishu, webhook, email]" in dry.stdout
        assert "试运行" in dry.stdout and "https://desk.example.cn/complaints?id=TS-A" in dry.stdout
        assert not chat.received and not smtp.mails
        assert not state_folder(store).exists()
        real = cli("remind", *common, "--lang", "en")
        assert real.returncode == 0, real.stderr
        assert "4 reminder(s) in 3 message(s)" in real.stdout
        assert "wecom: 3 sent" in real.stdout and "email: 3 sent" in real.stdout
        assert len(chat.received["feishu"]) == 3 and len(smtp.mails) == 3
        for secret in (
            chat.wecom_key,
            chat.dingtalk_secret,
            chat.feishu_secret,
            chat.webhook_secret,
        ):
            assert secret not in real.stdout + real.stderr
        again = cli("remind", *common)
        assert again.returncode == 0 and "没有需要发送的提醒" in again.stdout
        assert len(chat.received["wecom"]) == 3
        assert last_run(state_folder(store))["messages"] == 0


def test_cli_remind_two_processes_at_once_send_each_message_once(tmp_path, chat) -> None:
    store = make_desk(tmp_path / "desk.xlsx")
    with SMTPStandIn() as smtp:
        secrets = secrets_file(tmp_path / "secrets.toml", chat, smtp)
        args = [
            sys.executable,
            "-m",
            "utils.cli",
            "remind",
            "--workbook",
            str(store.path),
            "--secrets",
            str(secrets),
            "--now",
            "2026-11-30T10:00",
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [
            subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        assert len(chat.received["wecom"]) == 3 and len(smtp.mails) == 3


def test_cli_remind_configuration_errors_exit_2_naming_the_key(tmp_path, chat) -> None:
    store = make_desk(tmp_path / "desk.xlsx")
    with SMTPStandIn() as smtp:
        secrets = secrets_file(tmp_path / "secrets.toml", chat, smtp, digest_hour=25)
        out = cli(
            "remind", "--workbook", str(store.path), "--secrets", str(secrets), "--lang", "zh"
        )
    assert out.returncode == 2 and "sheetdesk.reminders.digest_hour" in out.stderr
    assert "Traceback" not in out.stderr
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    out = cli("remind", "--workbook", str(store.path), "--secrets", str(empty))
    assert out.returncode == 2 and "No reminder channel is configured" in out.stderr
    out = cli(
        "remind", "--workbook", str(tmp_path / "none.xlsx"), "--secrets", str(empty), "--dry-run"
    )
    assert out.returncode == 2 and "none.xlsx" in out.stderr


def test_cli_remind_is_documented() -> None:
    from utils.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m utils.cli remind" in readme
    assert "remind" in build_parser().format_help()
    docs = (ROOT / "docs" / "reminders.md").read_text(encoding="utf-8")
    for word in (
        "[sheetdesk.notify.wecom]",
        "[sheetdesk.notify.dingtalk]",
        "[sheetdesk.notify.feishu]",
        "[sheetdesk.notify.webhook]",
        "[sheetdesk.notify.email]",
        "schtasks /Create",
        "OnCalendar",
    ):
        assert word in docs, word
