"""The monthly report: one self-contained HTML file with the month's figures and charts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import jinja2
import pandas as pd
import pytest

from tests.test_metrics import NOW, SETTINGS, fixture_frames
from utils import metrics as m
from utils import report
from utils.i18n import t

STAR_AT_2 = replace(SETTINGS, star_min_revisits=2)


@pytest.fixture(scope="module")
def html_zh() -> str:
    return report.build_report(*fixture_frames(), "2026-10", "zh", STAR_AT_2, NOW)


@pytest.fixture(scope="module")
def html_en() -> str:
    return report.build_report(*fixture_frames(), "2026-10", "en", STAR_AT_2, NOW)


def _cells(html: str, label: str) -> list[str]:
    """The cells of the KPI row whose first cell is `label`."""
    row = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", html)
    assert row, label
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_figures_against_the_previous_month(html_zh):
    assert "2026年10月 投诉与回访月报" in html_zh
    assert "对比期间：2026年9月" in html_zh
    assert _cells(html_zh, "受理")[:2] == ["6", "2"]
    assert _cells(html_zh, "超时")[:2] == ["2", "1"]
    assert "▲ +1" in _cells(html_zh, "超时")[2] and "bad" in _cells(html_zh, "超时")[2]
    assert _cells(html_zh, "按时解决率")[:2] == ["50.0%", "100.0%"]
    assert "−50.0 pp" in _cells(html_zh, "按时解决率")[2]
    assert _cells(html_zh, "解决用时中位数（工作日）")[:2] == ["3.5", "2.0"]
    assert _cells(html_zh, "解决用时90%分位（工作日）")[0] == "4.7"
    assert _cells(html_zh, "回访接通率")[:2] == ["80.0%", "100.0%"]
    assert _cells(html_zh, "平均评分")[:2] == ["6.5", "10.0"]
    assert _cells(html_zh, "每百名活跃客户投诉数")[:2] == ["300.0", "100.0"]


def test_lists_staff_star_and_root_causes(html_zh):
    overdue = html_zh[html_zh.index("超时投诉（截至") : html_zh.index("重新处理的投诉")]
    assert overdue.index("C4") < overdue.index("C5")  # most overdue first
    assert "5.6" in overdue and "王小明" in overdue and "C6" not in overdue
    reopened = html_zh[html_zh.index("重新处理的投诉") : html_zh.index("员工情况")]
    assert "C4" in reopened and "2026-10-22 10:00" in reopened and "C7" not in reopened
    staff = html_zh[html_zh.index("员工情况") : html_zh.index("主要投诉类别")]
    # the star is who served the clients (王芳: C1 9, C4 3), not who called them (赵敏)
    assert "2026年10月 每月之星" in staff and "★ 王芳" in staff and "6.00" in staff
    table = staff[staff.index("<table") :]
    assert table.index("李娜") < table.index("赵敏") and "★</span>" in table
    top = html_zh[html_zh.index("主要投诉类别") :]
    assert "计费错误" in top and "(2)" in top and "修正规则" in top and "50.0%" in top


def test_charts_are_inline_svg(html_zh):
    assert html_zh.count("<svg") == 14 and html_zh.count("</svg>") == 14
    assert "收费" in html_zh[html_zh.index("<svg") :]  # chart labels in Chinese
    assert "xmlns" not in html_zh  # inline SVG needs no namespace URL


def test_svg_ids_are_unique_across_charts():
    df = pd.DataFrame({"a": [0.0, 0.5, 2.0], "b": [1, 2, 3]})
    clipped = (
        alt.Chart(df)
        .mark_line(clip=True)
        .encode(x=alt.X("a:Q", scale=alt.Scale(domain=[0, 1])), y="b:Q")
    )
    page = report.chart_svg(clipped, "c0") + report.chart_svg(clipped, "c1")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids and not [i for i, n in Counter(ids).items() if n > 1]
    refs = re.findall(r"url\(#([^)]+)\)", page)
    assert refs and set(refs) <= set(ids)  # each chart points at its own clip path


def test_self_contained_no_external_urls(html_zh, html_en):
    for html in (html_zh, html_en):
        assert "http://" not in html and "https://" not in html
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, re.I)
        assert "<script" not in html.lower() and "<link" not in html.lower()
        assert "<style>" in html and "@media print" in html and "break-before:page" in html


def test_english_report(html_en):
    assert "Complaints and revisits: monthly report, October 2026" in html_en
    assert _cells(html_en, "Received")[:2] == ["6", "2"]
    assert "Star of the month, October 2026" in html_en and "★ 王芳" in html_en
    assert 'lang="en"' in html_en and "Staff attitude" in html_en


def test_no_star_and_empty_month():
    html = report.build_report(*fixture_frames(), "2024-01", "zh", SETTINGS, NOW)
    assert "本月暂无每月之星" in html and "无。" in html
    assert _cells(html, "受理")[:2] == ["0", "0"]
    assert _cells(html, "按时解决率")[:2] == ["—", "—"]
    assert html.count("<svg") == 14
    nothing = report.build_report(None, None, None, "2026-10", "en", SETTINGS, NOW)
    assert "None." in nothing and _cells(nothing, "Received")[0] == "0"


def test_report_applies_filters_but_keeps_the_month():
    f = m.Filters.for_period(m.month_period("2020-01"), categories=("billing",))
    html = report.build_report(*fixture_frames(), "2026-10", "en", SETTINGS, NOW, filters=f)
    assert _cells(html, "Received")[:2] == ["3", "0"]  # C1, C2, C5 / none in September
    assert "Filtered: Category: Billing" in html


def test_user_text_is_escaped():
    clients, complaints, revisits = fixture_frames()
    complaints.loc[0, "root_cause"] = "<script>alert(1)</script>"
    html = report.build_report(clients, complaints, revisits, "2026-10", "en", SETTINGS, NOW)
    assert "<script>" not in html and "&lt;script&gt;" in html


EVIL = '<script>alert(1)</script> "quotes" & ![x](http://host/p.png)'
EVIL_ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; &amp; ![x](http://host/p.png)"
)


class _Tags(HTMLParser):
    """Start tags, attribute values and text of a document, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs += [(k, v or "") for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_spreadsheet_text_is_escaped_everywhere():
    """A client name, category, resolution, root cause, action and staff name full of markup
    come out as text: no script element (the template has none of its own), no image, no
    link or event handler. (The charts' SVG carries the text escaped, in aria-label too.)"""
    clients, complaints, revisits = fixture_frames()
    clients.loc[clients["client_id"] == "K3", "name"] = EVIL  # C5, overdue
    c5 = complaints["complaint_id"] == "C5"
    complaints.loc[c5, ["category", "handler"]] = EVIL
    c1 = complaints["complaint_id"] == "C1"
    complaints.loc[c1, ["resolution", "root_cause", "corrective_action"]] = EVIL
    complaints.loc[complaints["handler"] == "王芳", "handler"] = EVIL  # the star of the month
    for lang in ("zh", "en"):
        html = report.build_report(clients, complaints, revisits, "2026-10", lang, STAR_AT_2, NOW)
        doc = _Tags(html)
        assert doc.tags["script"] == 0 and doc.tags["img"] == 0 and doc.tags["a"] == 0
        assert not [k for k, _ in doc.attrs if k.startswith("on")]  # no event handler
        links = [v for k, v in doc.attrs if k in ("src", "href", "xlink:href", "srcset", "style")]
        assert not [v for v in links if "http" in v or "alert" in v]
        assert "<script" not in html and "![x](http://host/p.png)" in html
        # overdue client, category and owner; star box and staff row; top category, root
        # cause and corrective action: each shown as the literal text
        assert html.count(EVIL_ESCAPED) >= 8
        staff = html[html.index(t("report.h.staff", lang)) :]
        assert f'<span class="star-name">★ {EVIL_ESCAPED}</span>' in staff
        assert sum(EVIL in chunk for chunk in doc.text) >= 8
    template = Path(report.__file__).parent / "templates"
    assert not [p for p in template.iterdir() if "<script" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_renders_both_languages_with_the_figures(lang, html_zh, html_en):
    html = html_zh if lang == "zh" else html_en
    month = report.month_label(m.month_period("2026-10"), lang)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert f"<title>{t('report.title', lang, month=month)}</title>" in html
    for key in ("report.h.figures", "report.h.charts", "report.h.reopened", "report.h.top"):
        assert f"<h2>{t(key, lang)}</h2>" in html
    assert _cells(html, t("dash.kpi.received", lang))[:2] == ["6", "2"]
    assert _cells(html, t("dash.kpi.overdue", lang))[:2] == ["2", "1"]
    assert _cells(html, t("dash.kpi.within_limit", lang))[:2] == ["50.0%", "100.0%"]
    assert t("report.star_title", lang, month=month) in html and "★ 王芳" in html
    assert html.count("<svg") == 14 and html.endswith("</html>\n")


def test_missing_template_variable_fails_loudly():
    env = report.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"  # auto-escaped
    with pytest.raises(jinja2.UndefinedError):
        report.render({"html_lang": "en", "month": "October 2026"}, "en")
    with pytest.raises(jinja2.UndefinedError):
        env.get_template(report.TEMPLATE).render(t=lambda key, **_: key)


def test_templates_load_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report.environment.cache_clear()
    try:
        assert (
            report.environment().get_template(report.TEMPLATE).filename.endswith("report.html.j2")
        )
    finally:
        report.environment.cache_clear()


def test_file_name_and_default_month():
    assert report.report_filename("2026-10", "zh") == "sheetdesk-report-2026-10-zh.html"
    assert report.default_month(NOW) == "2026-10"


def _chromium() -> str | None:
    import os
    import shutil

    return os.environ.get("SHEETDESK_CHROMIUM") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
    )


@pytest.mark.browser
def test_report_opens_offline_in_headless_chromium(tmp_path, html_zh, ci):
    """The file loads from disk with no request leaving it and no console error; every chart
    is drawn with a size; print media keeps the page breaks. Screenshots go to tmp_path."""
    exe = _chromium()
    if exe is None:
        if ci:
            pytest.fail("Chromium is needed for the browser tests (apt-get install chromium)")
        pytest.skip("no Chromium on this machine")
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "report.html"
    page_file.write_text(html_zh, encoding="utf-8")
    problems: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 1200})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        sizes = page.eval_on_selector_all(
            "figure svg",
            "els => els.map(e => [e.getBoundingClientRect().width,"
            " e.getBoundingClientRect().height])",
        )
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.emulate_media(media="print")
        breaks = page.eval_on_selector_all(
            "section.page-break", "els => els.map(e => getComputedStyle(e).breakBefore)"
        )
        page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith("file:")] == []
    assert len(sizes) == 14 and all(w > 100 and h > 50 for w, h in sizes)
    assert breaks and set(breaks) == {"page"}
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
