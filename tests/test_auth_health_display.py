"""Small pure modules: the data-health table, labelled frames, languages, settings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sheets_schema.problems import Problem
from utils.display import labelled
from utils.health import problem_table, summary
from utils.i18n import default_lang, normalise_lang, t
from utils.settings import load_settings
from utils.workdays import add_working_days, working_days_between


def test_language_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETDESK_LANGUAGE", raising=False)
    assert default_lang("zh-CN") == "zh" and default_lang("en-US") == "en"
    assert default_lang(None) == "en"
    monkeypatch.setenv("SHEETDESK_LANGUAGE", "zh")
    assert default_lang("en-US") == "zh"
    assert normalise_lang("zh_Hans") == "zh"
    assert t("no.such.key", "zh") == "no.such.key"
    assert t("tab.clients", "zh") == "客户档案"


def problems() -> list[Problem]:
    return [
        Problem("error", "clients", 5, "name", "problem.missing_value", {}, "B", "客户名称"),
        Problem(
            "warning",
            "revisits",
            9,
            "score",
            "problem.out_of_range",
            {"value": "11", "lo": 1, "hi": 10},
            "M",
            "服务评分",
        ),
    ]


def test_problem_table_and_summary() -> None:
    assert summary(problems()) == {"error": 1, "warning": 1, "clients": 1, "revisits": 1}
    table = problem_table(problems(), "zh")
    assert list(table.columns) == ["级别", "工作表", "行号", "列", "处理方法"]
    assert table.iloc[0].tolist()[:4] == ["错误", "客户档案", 5, "B · 客户名称"]
    assert "超出允许范围 1–10" in table.iloc[1]["处理方法"]
    assert len(problem_table(problems(), "en", tabs=["revisits"])) == 1
    assert len(problem_table(problems(), "en", levels=["error"])) == 1
    assert len(problem_table(problems(), "en", text="outside")) == 1
    assert problem_table([], "en").empty


def test_labelled_frame() -> None:
    frame = pd.DataFrame({"complaint_id": ["TS-1"], "status": ["in_progress"], "extra": [1]})
    shown = labelled("complaints", frame, "zh", ["complaint_id", "status"])
    assert shown.to_dict("records") == [{"投诉编号": "TS-1", "处理状态": "处理中"}]


def test_settings_from_overrides_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETDESK_HOLIDAYS", "2026-10-01, 2026-10-02")
    s = load_settings({"time_limits": {"normal": 5}, "star_min_revisits": 3})
    assert s.time_limits == {"normal": 5, "serious": 2, "critical": 1}
    assert s.star_min_revisits == 3
    assert s.holidays == frozenset({dt.date(2026, 10, 1), dt.date(2026, 10, 2)})


def test_working_days() -> None:
    friday = dt.datetime(2026, 11, 20, 16, 0)
    assert add_working_days(friday, 1) == dt.datetime(2026, 11, 23, 16, 0)
    assert add_working_days(friday, 3, {dt.date(2026, 11, 24)}) == dt.datetime(2026, 11, 26, 16)
    assert add_working_days(dt.datetime(2026, 11, 21, 10, 0), 1) == dt.datetime(2026, 11, 24, 10)
    assert working_days_between(friday, dt.datetime(2026, 11, 23, 16, 0)) == pytest.approx(1.0)
    series = working_days_between(
        pd.Series([friday, pd.NaT]), pd.Series([dt.datetime(2026, 11, 20, 22, 0), friday])
    )
    assert series.iloc[0] == pytest.approx(0.25) and pd.isna(series.iloc[1])


def test_data_health_says_when_the_calendar_does_not_know_a_year() -> None:
    from types import SimpleNamespace

    from utils.health import calendar_notice
    from utils.settings import Settings

    complaints = pd.DataFrame(
        {"received_at": [pd.Timestamp("2031-03-02 10:00")], "due_at": [pd.NaT]}
    )
    snap = SimpleNamespace(frames={"complaints": complaints})
    notice = calendar_notice(snap, Settings(), "en")
    assert notice and "2031" in notice
    assert calendar_notice(snap, Settings(calendar="none"), "en") is None
