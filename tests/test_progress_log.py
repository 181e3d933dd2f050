"""The progress log's lines: written in the workbook's language, read back in either, names
with spaces or colons kept apart, hand-typed lines kept whole."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from utils import progress_log as plog

AT = dt.datetime(2026, 11, 23, 10, 5)


def test_english_and_chinese_lines() -> None:
    en = plog.line(AT, "王芳", "escalate", "客户要求", target="department")
    zh = plog.line(AT, "王芳", "escalate", "客户要求", target="department", lang="zh")
    assert en == "2026-11-23 10:05 王芳 escalate→department: 客户要求"
    assert zh == "2026-11-23 10:05 王芳 升级→部门负责人：客户要求"
    for text in (en, zh):
        (entry,) = plog.parse(text)
        assert (entry.at, entry.by, entry.action, entry.target, entry.detail) == (
            AT,
            "王芳",
            "escalate",
            "department",
            "客户要求",
        )


def test_names_with_spaces_and_colons_keep_the_columns_apart() -> None:
    text = plog.line(AT, "Mary Ann: lead", "assign", "urgent: call back", target="Li Na")
    assert text == "2026-11-23 10:05 「Mary Ann: lead」 assign→「Li Na」: urgent: call back"
    (entry,) = plog.parse(text)
    assert (entry.by, entry.action, entry.target, entry.detail) == (
        "Mary Ann: lead",
        "assign",
        "Li Na",
        "urgent: call back",
    )


def test_hand_typed_and_older_lines() -> None:
    log = "\n".join(
        [
            "客户来电催促，已转交主管",
            "2026-11-20 09:00 李娜 resolve: 已退费",
            "",
            "2026-11-21 9:30 李娜 重新打开",
        ]
    )
    a, b, c = plog.parse(log)
    assert a == plog.Entry(None, "", "", "", "客户来电催促，已转交主管")
    assert (b.action, b.detail) == ("resolve", "已退费")
    assert (c.at, c.action) == (dt.datetime(2026, 11, 21, 9, 30), "reopen")


def test_translate_rewrites_only_the_apps_lines_and_is_idempotent() -> None:
    log = "\n".join(
        [
            plog.line(AT, "王芳", "receive"),
            "手写的一行: 不动",
            plog.line(AT, "王芳", "escalate", "超时", target="management"),
        ]
    )
    zh = plog.translate(log, "zh")
    assert zh.splitlines() == [
        "2026-11-23 10:05 王芳 受理",
        "手写的一行: 不动",
        "2026-11-23 10:05 王芳 升级→分管领导：超时",
    ]
    assert plog.translate(zh, "zh") == zh
    assert plog.translate(zh, "en") == log


@given(
    actor=st.text(min_size=1, max_size=12).filter(lambda s: s.strip() and "」" not in s),
    detail=st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s),
    lang=st.sampled_from(["en", "zh"]),
)
def test_any_name_and_detail_round_trip(actor: str, detail: str, lang: str) -> None:
    text = plog.line(AT, actor, "progress", detail, lang=lang)
    (entry,) = plog.parse(text)
    assert entry.by == " ".join(actor.split()).replace("「", "")
    assert entry.action == "progress"
    assert entry.detail == " ".join(detail.split())
