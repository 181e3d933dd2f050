"""Chart builders: valid Vega-Lite, at most 5,000 data rows, translated text, fixed colours."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import vl_convert as vlc

from tests.test_metrics import NOW, OCT, SETTINGS, fixture_frames
from utils import charts as ch
from utils import metrics as m


@pytest.fixture(scope="module")
def dash() -> m.Dashboard:
    clients, complaints, revisits = fixture_frames()
    return m.dashboard(clients, complaints, revisits, m.Filters.for_period(OCT), NOW, SETTINGS)


def data_rows(chart) -> int:
    """How many data rows a chart sends to the browser (all its inline datasets)."""
    spec = chart.to_dict()
    rows = sum(len(v) for v in spec.get("datasets", {}).values())
    return rows + len(spec.get("data", {}).get("values", []) or [])


def _spec_text(chart) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


def _color_scales(spec: dict) -> list[dict]:
    """Every colour scale with a domain in a (possibly layered) spec."""
    out = []
    for part in [spec, *spec.get("layer", [])]:
        scale = part.get("encoding", {}).get("color", {}).get("scale")
        if scale and "domain" in scale:
            out.append(scale)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_is_valid_vega_lite_within_the_row_limit(dash, lang):
    charts = ch.dashboard_charts(dash, lang)
    assert set(charts) == set(ch.CHART_NAMES)
    for name, chart in charts.items():
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["width"] == "container", name
        assert 0 < data_rows(chart) <= m.MAX_CHART_ROWS, name
        vega = vlc.vegalite_to_vega(spec)  # compiles: no unknown fields or bad encodings
        assert vega["marks"], name


def test_titles_axes_and_legends_are_translated(dash):
    zh = ch.dashboard_charts(dash, "zh")
    en = ch.dashboard_charts(dash, "en")
    text = _spec_text(zh["over_time_category"])
    assert "投诉趋势（按类别）" in text and "投诉数" in text and "周" in text
    assert "收费" in text and "服务态度" in text  # legend labels: Chinese choice labels
    assert '"billing"' in text  # the value travels along for a stable order, not as a label
    en_text = _spec_text(en["over_time_category"])
    assert "Complaints over time, by category" in en_text and "Billing" in en_text
    assert "一线" in _spec_text(zh["open_by_level"]) and "已超时" in _spec_text(zh["open_by_level"])
    assert "中位数 3.5" in _spec_text(zh["resolve_time"])  # median marked with its value
    assert "90%分位 4.7" in _spec_text(zh["resolve_time"])
    assert "回访接通率" in _spec_text(zh["revisit_rates"])
    assert "A 重点客户" in _spec_text(zh["clients"]) and "活跃" in _spec_text(zh["clients"])


def test_tooltips_carry_exact_numbers(dash):
    spec = ch.dashboard_charts(dash, "en")["by_channel"].to_dict()
    tooltips = spec["layer"][0]["encoding"]["tooltip"]
    fields = {t["field"]: t.get("format") for t in tooltips}
    assert fields == {"label": None, "count": ",d", "share": ".1%"}
    rows = next(iter(spec["datasets"].values()))
    phone = next(r for r in rows if r["key"] == "phone")
    assert phone["count"] == 4 and phone["share"] == pytest.approx(4 / 6)


def test_one_colour_per_category_everywhere(dash):
    charts = ch.dashboard_charts(dash, "zh")
    seen: dict[str, str] = {}
    for name in ("over_time_category", "by_category"):
        for scale in _color_scales(charts[name].to_dict()):
            for label, colour in zip(scale["domain"], scale["range"], strict=True):
                assert seen.setdefault(label, colour) == colour, (name, label)
    assert seen["收费"] == ch.PALETTES["category"]["billing"]
    assert seen["服务态度"] == ch.PALETTES["category"]["attitude"]
    # a category missing from one chart does not shift the colours of the others
    only_attitude = pd.DataFrame({"key": ["attitude"], "count": [3], "share": [1.0]})
    scale = _color_scales(ch.breakdown_chart(only_attitude, "zh", "category").to_dict())[0]
    assert scale["range"] == [ch.PALETTES["category"]["attitude"]]


def test_every_choice_value_has_a_colour():
    for dimension, choices in ch.CHOICES.items():
        assert set(choices.values) <= set(ch.PALETTES[dimension]), dimension
    assert len(set(ch.PALETTES["category"].values())) == len(ch.PALETTES["category"])


def test_blank_and_unknown_values_are_labelled():
    assert ch.label_of("category", "", "zh") == "（未填）"
    assert ch.label_of("category", "weird", "en") == "weird"
    scale = ch.color_scale("severity", ["", "critical"], "en")
    assert scale.domain == ["Critical", "(not set)"]
    assert scale.range == [ch.PALETTES["severity"]["critical"], ch.UNSET_COLOR]


def test_oversized_frames_are_cut_to_5000_rows():
    big = pd.DataFrame({"key": [f"k{i}" for i in range(6000)], "count": 1, "share": 0.0})
    assert data_rows(ch.breakdown_chart(big, "en", "category")) == m.MAX_CHART_ROWS
    people = pd.DataFrame(
        {"key": [f"p{i}" for i in range(100)], "open": 3, "overdue": 1, "on_time": 2}
    )
    chart = ch.open_by_chart(people, "en", "owner")
    assert data_rows(chart) == 2 * ch.MAX_BARS  # the busiest people, two states each


def test_fixed_width_for_the_report_and_empty_frames(dash):
    chart = ch.over_time_chart(dash.over_time["category"], "en", width=600)
    assert chart.to_dict()["width"] == 600
    empty = m.dashboard(None, None, None, m.Filters.for_period(OCT), NOW, SETTINGS)
    for name, chart in ch.dashboard_charts(empty, "zh", width=300).items():
        assert vlc.vegalite_to_vega(chart.to_dict())["marks"], name


def test_many_week_labels_are_angled_and_thinned(dash):
    frame = m.complaints_over_time(
        fixture_frames()[1], m.Period("2026-01-05", "2026-11-02"), "W", "channel"
    )
    axis = ch.over_time_chart(frame, "en").to_dict()["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == -45 and axis["labelOverlap"] is True
    assert len(frame["bucket"].unique()) == 43


# --- whole numbers, thousands separators, labels that never overlap -----------------------------

COUNT_AXES = {  # chart → the channel of its count axis
    "over_time_category": "y",
    "by_channel": "x",
    "open_by_level": "x",
    "open_by_owner": "x",
    "resolve_time": "y",
    "clients": "y",
    "new_clients": "y",
}


def _encodings(spec: dict) -> list[dict]:
    return [part.get("encoding", {}) for part in [spec, *spec.get("layer", [])]]


@pytest.mark.parametrize("name", sorted(COUNT_AXES))
def test_count_axes_are_whole_numbers_with_thousands_separators(dash, name):
    spec = ch.dashboard_charts(dash, "en")[name].to_dict()
    channel = COUNT_AXES[name]
    axes = [e[channel]["axis"] for e in _encodings(spec) if "axis" in e.get(channel, {})]
    assert axes, name
    for axis in axes:
        assert axis["format"] == ",d" and axis["tickMinStep"] == 1, (name, axis)


def test_every_number_in_a_tooltip_or_label_has_a_thousands_separator(dash):
    """Counts `,d`, figures `,.1f`/`,.2f`, shares `%`: never a bare number."""
    for name, chart in ch.dashboard_charts(dash, "zh").items():
        for encoding in _encodings(chart.to_dict()):
            tips = encoding.get("tooltip", [])
            tips = tips if isinstance(tips, list) else [tips]
            text = encoding.get("text")
            for part in [*tips, *([text] if isinstance(text, dict) else [])]:
                if part.get("type") == "quantitative":
                    fmt = part.get("format", "")
                    assert fmt.startswith(",") or fmt.endswith("%"), (name, part)


def test_a_count_in_the_thousands_reads_with_a_separator():
    big = pd.DataFrame({"key": ["phone"], "count": [12345], "share": [1.0]})
    svg = vlc.vegalite_to_svg(ch.breakdown_chart(big, "en", "channel", width=400).to_dict())
    assert "12,345" in svg


def _mark_labels(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]


def _hist() -> pd.DataFrame:
    edges = [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7, 10]
    ends = [*edges[1:], float("inf")]
    return pd.DataFrame({"bin_start": edges, "bin_end": ends, "count": [1] * len(edges)})


@pytest.mark.parametrize(("median", "p90"), [(2.1, 2.3), (3.0, 3.0), (1.5, 9.0), (4.0, 14.0)])
def test_median_and_p90_labels_sit_one_above_the_other(median, p90):
    spec = ch.resolve_time_chart(_hist(), "en", median, p90, width=500).to_dict()
    labels = _mark_labels(spec)
    assert len(labels) == 2
    rows = [layer["encoding"]["y"]["value"] for layer in labels]
    assert rows[0] != rows[1] and abs(rows[0] - rows[1]) >= 11  # a whole row of 11 px text apart
    assert all(r < 0 for r in rows)  # above the plot: never on a bar
    texts = [next(iter(spec["datasets"][layer["data"]["name"]]))["text"] for layer in labels]
    assert texts == [f"Median {median:.1f}", f"P90 {p90:.1f}"]


def test_a_mark_near_the_right_edge_has_its_label_on_its_left():
    spec = ch.resolve_time_chart(_hist(), "en", 2.0, 11.5, width=500).to_dict()
    median, p90 = _mark_labels(spec)
    assert median["mark"]["align"] == "left" and p90["mark"]["align"] == "right"


def test_one_mark_or_none_draws_only_what_is_known():
    assert len(_mark_labels(ch.resolve_time_chart(_hist(), "en", 2.0, None).to_dict())) == 1
    spec = ch.resolve_time_chart(_hist(), "en", None, float("nan")).to_dict()
    assert not _mark_labels(spec)
