"""The managers' dashboard page through Streamlit's AppTest: tiles, charts, filters, access,
live refresh through the shared read cache, downloads, errors without tracebacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.rendered import rendered
from utils import auth
from utils import metrics as m
from utils.demo import load_demo
from utils.i18n import t
from utils.store import Snapshot
from utils.store.local import LocalWorkbookStore

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
MANAGER = auth.User("周主任", "manager")
STAFF = auth.User("小王", "staff")
SHORT_TILES = {"within_limit", "median_days", "p90_days", "completion", "per_100"}


# The page reads the clock through utils.clock: frozen here, so expectations never depend on
# the day (or the minute) the tests run — a month boundary or midnight changes nothing.
FROZEN = dt.datetime(2026, 11, 18, 10, 30)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETDESK_NOW", FROZEN.isoformat())


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "demo.xlsx"
    store = LocalWorkbookStore(path, clock=lambda: FROZEN)
    load_demo(store, clients=80, complaints=300, revisits=300, today=FROZEN.date())
    return path


@pytest.fixture
def use_workbook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Point the app at a workbook (before the AppTest is created) with fresh caches."""
    for name in (
        "SHEETDESK_SPREADSHEET",
        "SHEETDESK_ROLES",
        "SHEETDESK_REFRESH_SECONDS",
        "SHEETDESK_STAR_MIN_REVISITS",
    ):
        monkeypatch.delenv(name, raising=False)

    def use(path: Path) -> None:
        monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
        streamlit.cache_resource.clear()
        streamlit.cache_data.clear()

    yield use
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()


@pytest.fixture
def demo(use_workbook: Callable[[Path], None], demo_workbook: Path) -> Path:
    use_workbook(demo_workbook)
    return demo_workbook


def open_dashboard(user: auth.User | None = MANAGER, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if user is not None:
        at.session_state[auth.SESSION_KEY] = user
    at.session_state["sheetdesk_lang"] = lang
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def tiles(at: AppTest) -> dict[str, tuple[str, str]]:
    return {x.label: (x.value, x.delta) for x in at.metric}


def tile_label(key: str, lang: str) -> str:
    return t(f"dash.tile.{key}" if key in SHORT_TILES else f"dash.kpi.{key}", lang)


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def texts(at: AppTest) -> str:
    parts = [x.value for x in (*at.caption, *at.markdown, *at.info, *at.success, *at.error)]
    return rendered("\n".join(str(p) for p in parts))


def snapshot(path: Path) -> Snapshot:
    return LocalWorkbookStore(path).read()


def received(path: Path, period: m.Period, category: str | None = None) -> int:
    co = snapshot(path).complaints
    mask = period.contains(co["received_at"])
    if category:
        mask &= co["category"] == category
    return int(mask.sum())


# --- what a manager sees ----------------------------------------------------------------------


def test_manager_sees_tiles_charts_lists_and_downloads(demo: Path) -> None:
    at = open_dashboard(MANAGER, "zh")
    assert at.title[0].value == t("dash.page.title", "zh")
    shown = tiles(at)
    assert len(shown) == len(m.KPI_SPECS)
    assert set(shown) == {tile_label(k, "zh") for k in m.KPI_SPECS}
    value, _delta = shown[tile_label("received", "zh")]
    assert value == f"{received(demo, m.this_month(pd.Timestamp(FROZEN))):,}"
    assert charts(at) >= 12  # one over-time chart (split chosen) + the 11 others
    assert [tab.label for tab in at.tabs] == [
        t(f"dash.tab.{n}", "zh")
        for n in ("complaints", "open", "revisits", "clients", "staff", "downloads")
    ]
    assert len(at.dataframe) >= 3  # top categories, overdue, reopened or staff
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == 6  # three tables, the workbook, the weekly table, the report
    assert any("CSV" in x for x in labels) and any("Excel" in x for x in labels)
    assert any("HTML" in x for x in labels)
    assert "数据读取于" in texts(at)


def test_labels_follow_the_language(demo: Path) -> None:
    at = open_dashboard(MANAGER, "en")
    assert at.title[0].value == "Dashboard"
    assert tile_label("overdue", "en") in tiles(at)
    assert {w.label for w in at.multiselect} == {
        t(f"dash.dim.{d}", "en") for d in ("category", "channel", "severity", "owner", "grade")
    }
    assert "Data read at" in texts(at)
    category = at.multiselect(key="dash_f_category")
    assert "Billing" in category.options or "billing" in category.options


def test_deltas_point_the_right_way(demo: Path) -> None:
    at = open_dashboard(MANAGER, "en")
    for x in at.metric:
        assert "−" not in x.delta  # st.metric reads the sign from an ASCII minus


# --- filters ----------------------------------------------------------------------------------


def test_period_and_filters_change_the_figures(demo: Path) -> None:
    at = open_dashboard(MANAGER, "en")
    label = tile_label("received", "en")
    last = m.last_month(pd.Timestamp(FROZEN))
    at.button_group(key="dash_period").set_value("last_month").run()
    assert not at.exception
    everything = received(demo, last)
    assert tiles(at)[label][0] == f"{everything:,}"
    co = snapshot(demo).complaints
    counts = co.loc[last.contains(co["received_at"]), "category"].value_counts()
    top = str(counts.index[0])
    at.multiselect(key="dash_f_category").set_value([top]).run()
    assert not at.exception
    only = received(demo, last, top)
    assert tiles(at)[label][0] == f"{only:,}"
    assert only < everything
    assert "Filtered: Category:" in texts(at)
    at.multiselect(key="dash_f_grade").set_value(["A"]).run()
    assert not at.button(key="dash_clear").disabled
    at.button(key="dash_clear").click().run()  # clears every filter
    assert at.multiselect(key="dash_f_category").value == []
    assert at.multiselect(key="dash_f_grade").value == []
    assert tiles(at)[label][0] == f"{everything:,}"
    assert at.button(key="dash_clear").disabled


def test_handler_and_grade_filters_narrow_the_staff_table(demo: Path) -> None:
    at = open_dashboard(MANAGER, "en")
    at.button_group(key="dash_period").set_value("last_month").run()
    handlers = at.multiselect(key="dash_f_handler").options
    assert handlers
    at.multiselect(key="dash_f_grade").set_value(["A"]).run()
    shown = 0
    for handler in handlers:  # every handler: the table holds that person only, when anyone
        at.multiselect(key="dash_f_handler").set_value([handler]).run()
        assert not at.exception
        column = t("dash.staff.staff", "en")
        staff = [df.value for df in at.dataframe if column in df.value.columns]
        if staff:
            assert set(staff[0][column].str.lstrip("★ ")) <= {handler}
            shown += 1
    assert shown, "some handler has grade-A complaints last month"


def test_custom_period_and_monthly_charts(demo: Path) -> None:
    at = open_dashboard(MANAGER, "en")
    at.button_group(key="dash_period").set_value("custom").run()
    last = m.last_month(pd.Timestamp(FROZEN))
    at.date_input(key="dash_range").set_value((last.start.date(), last.last_day)).run()
    assert not at.exception
    assert tiles(at)[tile_label("received", "en")][0] == f"{received(demo, last):,}"
    at.button_group(key="dash_freq").set_value("M").run()
    at.button_group(key="dash_split").set_value("severity").run()
    assert not at.exception
    assert charts(at) >= 12


# --- who may see it ---------------------------------------------------------------------------


def test_staff_do_not_get_the_dashboard(demo: Path) -> None:
    at = open_dashboard(STAFF, "zh")  # a link straight to it: the menu has no such page
    assert not at.metric and charts(at) == 0 and not at.get("download_button")
    assert [x.value for x in at.title] == [t("my_work.title", "zh")]  # sent to their own page
    with pytest.raises(ValueError):
        at.switch_page("pages/dashboard.py")


def test_nobody_signed_in_gets_the_sign_in_form(demo: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["sheetdesk_lang"] = "en"
    at.secrets["sheetdesk"] = {
        "accounts": {"zhou": {"role": "manager", "password_hash": auth.hash_password("pw")}}
    }
    at.switch_page("pages/dashboard.py").run()
    assert [x.value for x in at.title] == ["Sign in to Sheetdesk"]
    assert not at.metric


# --- live refresh and caching -----------------------------------------------------------------


def test_refresh_only_reads_through_the_store_cache(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_reads: list[bool] = []
    real_read = LocalWorkbookStore.read

    def read(self: LocalWorkbookStore, *, fresh: bool = False) -> Snapshot:
        fresh_reads.append(fresh)
        return real_read(self, fresh=fresh)

    calls: list[m.Filters] = []
    real_dashboard = m.dashboard

    def dashboard(*args: object, **kwargs: object) -> m.Dashboard:
        calls.append(args[3])
        return real_dashboard(*args, **kwargs)

    monkeypatch.setattr(LocalWorkbookStore, "read", read)
    monkeypatch.setattr(m, "dashboard", dashboard)
    at = open_dashboard(MANAGER, "en")
    assert len(calls) == 1  # one metrics.dashboard call for the page
    at.run()  # what a timer tick does (the fragment re-runs on the same selection)
    assert len(calls) == 1  # the cache answered (the same minute: the clock is frozen)
    at.toggle(key="dash_live").set_value(False).run()
    assert "live refresh paused" in texts(at)
    assert fresh_reads and not any(fresh_reads)  # never a forced fresh read


def test_refresh_interval_comes_from_the_settings(
    use_workbook: Callable[[Path], None], demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETDESK_REFRESH_SECONDS", "15")
    use_workbook(demo_workbook)
    at = open_dashboard(MANAGER, "en")
    assert "refreshes every 15 s" in texts(at)
    assert "15 s" in at.toggle(key="dash_live").help


def test_star_of_the_month_follows_the_setting(
    use_workbook: Callable[[Path], None], demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETDESK_STAR_MIN_REVISITS", "1000")
    use_workbook(demo_workbook)
    at = open_dashboard(MANAGER, "en")
    assert any("No star" in x.value and "1000" in x.value for x in at.info)


# --- no data, bad data ------------------------------------------------------------------------


def test_empty_workbook_shows_a_hint(use_workbook: Callable[[Path], None], tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    LocalWorkbookStore(path).init("en")
    use_workbook(path)
    at = open_dashboard(MANAGER, "en")
    assert t("dash.page.empty", "en") in [x.value for x in at.info]
    assert not at.metric


def test_unreadable_workbook_shows_the_message_not_a_traceback(
    use_workbook: Callable[[Path], None], tmp_path: Path
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_text("not a workbook")
    use_workbook(path)
    at = open_dashboard(MANAGER, "en")
    assert not at.exception
    assert any("is not an .xlsx workbook" in x.value for x in at.error)
    assert not at.metric
