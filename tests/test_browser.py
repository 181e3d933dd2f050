"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): the app
served by `streamlit run` on a temporary workbook of demo data. The dashboard renders its
tiles and charts without an exception or console error, refreshes itself when the workbook
changes, hands out its files; the monthly report opens offline from file:// without errors
and prints; the other pages open without an exception. Screenshots go to a temporary folder
(or to SHEETDESK_SCREENSHOTS when set), for people to look at.

Without Chromium (or Playwright) the tests are skipped, and fail under CI=true.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from utils import dashboard_view as dv
from utils import metrics as m
from utils import navigation, report
from utils.demo import load_demo
from utils.i18n import t
from utils.settings import Settings
from utils.store.local import LocalWorkbookStore

# A real browser on a loaded 2-core machine occasionally loses its websocket session (and with
# it the sign-in) mid-test; such a test is run again, at most twice, and the rerun is reported.
pytestmark = [pytest.mark.browser, pytest.mark.flaky(reruns=2, reruns_delay=2)]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"
CHART = ".vega-embed, [data-testid='stVegaLiteChart']"
METRIC = "[data-testid='stMetric']"
TIMEOUT_MS = 30_000
SERVER_START_S = 60
REFRESH_S = 5  # the dashboard's timer in these tests (SHEETDESK_REFRESH_SECONDS)
# the frontend probes the base path of a page's URL first (…/dashboard/_stcore/health): a 404
# there is how it finds the server's root, not a fault of the page
PROBES = ("/_stcore/health", "/_stcore/host-config")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}: browser tests must run under CI")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PASSWORDS = {"zhou": "manager-pass-1", "wangfang": "staff-pass-1"}


def write_secrets(folder: Path) -> Path:
    """Accounts for the browser tests: a manager and a staff member, argon2-hashed."""
    from utils.auth import hash_password

    path = folder / "secrets.toml"
    people = {"zhou": ("周主任", "manager"), "wangfang": ("王芳", "staff")}
    path.write_text(
        "".join(
            f"[sheetdesk.accounts.{login}]\n"
            f'name = "{name}"\nrole = "{role}"\n'
            f'password_hash = "{hash_password(PASSWORDS[login])}"\n'
            for login, (name, role) in people.items()
        ),
        encoding="utf-8",
    )
    return path


def start_server(
    workbook: Path, log_path: Path, request: pytest.FixtureRequest, secrets: Path | None = None
) -> str:
    """`streamlit run app.py` on a free port; terminated by a finalizer whatever happens.
    With `secrets`, that file is the app's secrets (accounts); without, the app is in open
    mode."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SHEETDESK_SPREADSHEET", "SHEETDESK_ROLES", "SHEETDESK_LANGUAGE")
    }
    env.update(
        SHEETDESK_WORKBOOK=str(workbook),
        SHEETDESK_REFRESH_SECONDS=str(REFRESH_S),
        PYTHONUNBUFFERED="1",
    )
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *(["--secrets.files", str(secrets)] if secrets else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()

    request.addfinalizer(stop)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return url
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit did not answer in {SERVER_START_S} s:\n{log_path.read_text()[-3000:]}")
    return url  # not reached


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()
    finally:
        pw.stop()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "demo.xlsx"
    load_demo(LocalWorkbookStore(path), clients=120, complaints=400, revisits=450)
    return path


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("SHEETDESK_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def app_url(
    browser: Any,
    workbook: Path,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> str:
    folder = tmp_path_factory.mktemp("server")
    url = start_server(workbook, folder / "streamlit.log", request, write_secrets(folder))
    page = browser.new_page()  # warm the server up (the first page reads the workbook)
    try:
        page.goto(url + "/", timeout=TIMEOUT_MS)
        page.wait_for_selector("[data-testid='stForm']", timeout=TIMEOUT_MS)
    finally:
        page.close()
    return url


class Session:
    """One browser tab on the app, with its console errors."""

    def __init__(self, browser: Any, locale: str = "en-US") -> None:
        self.context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale=locale, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if where.endswith(PROBES):
            return
        self.errors.append(f"{msg.text} ({where})")

    def open(self, url: str, login: str = "zhou") -> None:
        """Open a page and, when it shows the sign-in form, sign in with a password — once:
        the first submit must work."""
        self.page.goto(url)
        self.page.wait_for_selector(READY)
        self.settle(0.5)
        form = self.page.locator("[data-testid='stMain'] [data-testid='stForm']")
        if form.count() and form.locator("input[type='password']").count():
            self.sign_in(login)
        self.settle()

    def sign_in(self, login: str, password: str | None = None) -> None:
        form = self.page.locator("[data-testid='stMain'] [data-testid='stForm']")
        form.locator("input[type='text']").first.fill(login)
        form.locator("input[type='password']").first.fill(password or PASSWORDS[login])
        form.locator("[data-testid='stFormSubmitButton'] button").click()
        self.page.wait_for_selector(
            "[data-testid='stMain'] input[type='password']", state="detached"
        )
        self.page.wait_for_selector(READY)

    def wait_for(self, selector: str, timeout_ms: int = 2 * TIMEOUT_MS) -> None:
        """Wait for `selector`; on a timeout, fail with what the page shows instead."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_selector(selector, timeout=timeout_ms)
        except PlaywrightTimeout:
            text = self.page.locator("body").inner_text()[:2000]
            pytest.fail(f"{selector} did not appear on {self.page.url}; the page shows:\n{text}")

    def settle(self, seconds: float = 1.0) -> None:
        time.sleep(seconds)
        self.page.wait_for_selector(READY)

    def exceptions(self) -> list[str]:
        return self.page.locator(EXCEPTION).all_inner_texts()

    def screenshot(self, path: Path) -> Path:
        """The whole page: Streamlit scrolls inside its main block, so the window is made as
        tall as that block first."""
        height = self.page.evaluate(
            "() => Math.max(...[...document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stAppViewContainer], section')]"
            ".map(e => e.scrollHeight), 900)"
        )
        self.page.set_viewport_size({"width": 1366, "height": min(int(height) + 40, 12000)})
        time.sleep(0.5)
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size({"width": 1366, "height": 900})
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    s = Session(browser)
    yield s
    s.close()


def tile_value(page: Any, index: int = 0) -> str:
    return page.locator(f"{METRIC} [data-testid='stMetricValue']").nth(index).inner_text()


# --- the dashboard ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_dashboard_renders_tiles_and_charts_in_every_tab(
    browser: Any, app_url: str, shots: Path, locale: str
) -> None:
    s = Session(browser, locale)
    try:
        s.open(app_url + "/dashboard")
        page = s.page
        s.wait_for(METRIC)
        assert page.locator(METRIC).count() == sum(len(keys) for _, keys in dv.KPI_ROWS)
        page.wait_for_function(f'document.querySelectorAll("{CHART}").length >= 5')
        assert not s.exceptions()
        assert page.locator(f"{CHART} svg, {CHART} canvas").count() >= 5
        title = page.locator("h1").first.inner_text()
        assert title == ("管理看板" if locale == "zh-CN" else "Dashboard")
        s.screenshot(shots / f"dashboard-{locale}.png")
        tabs = page.get_by_role("tab")
        assert tabs.count() == 6
        for i in range(tabs.count()):
            tabs.nth(i).click()
            s.settle(0.5)
            panel = page.locator("[role='tabpanel']:visible")
            if i in (1, 2, 3):  # open and overdue, revisits, clients: charts
                panel.locator(CHART).first.wait_for()
                assert panel.locator(f"{CHART} svg, {CHART} canvas").count() >= 2
            assert not s.exceptions()
            s.screenshot(shots / f"dashboard-{locale}-tab{i}.png")
        assert not s.errors, s.errors
    finally:
        s.close()


def test_period_switch_changes_the_figures(session: Session, app_url: str) -> None:
    session.open(app_url + "/dashboard")
    page = session.page
    session.wait_for(METRIC)
    caption = page.get_by_text("compared with").first.inner_text()
    page.get_by_role("radio", name="Last month").click()
    page.wait_for_function(
        "t => !document.body.innerText.includes(t)", arg=caption, timeout=TIMEOUT_MS
    )
    session.settle()
    assert not session.exceptions()
    last = pd.Timestamp.now().normalize().replace(day=1) - pd.DateOffset(months=1)
    assert f"({last:%Y-%m-%d} –" in page.get_by_text("compared with").first.inner_text()
    assert not session.errors, session.errors


def test_live_refresh_shows_new_rows_without_a_click(
    session: Session, app_url: str, workbook: Path
) -> None:
    session.open(app_url + "/dashboard")
    page = session.page
    session.wait_for(METRIC)
    before = int(tile_value(page, 0).replace(",", ""))  # received this month
    page.get_by_role("tab").nth(4).click()  # the timer must not take the reader elsewhere
    chosen = page.locator("[role='tab'][aria-selected='true']").inner_text()
    store = LocalWorkbookStore(workbook)
    client = store.read().clients["client_id"].iloc[0]
    store.append(
        "complaints",
        {
            "client_id": client,
            "received_at": dt.datetime.now().replace(second=0, microsecond=0),
            "channel": "phone",
            "category": "billing",
            "severity": "normal",
            "description": "浏览器测试：新投诉",
            "first_receiver": "王芳",
            "level": "frontline",
            "status": "received",
        },
        user="test",
    )
    deadline = time.monotonic() + REFRESH_S * 4 + 30  # the store's cache, then the timer
    now_shown = before
    while time.monotonic() < deadline and now_shown == before:
        time.sleep(1)
        now_shown = int(tile_value(page, 0).replace(",", ""))
    assert now_shown == before + 1
    assert page.locator("[role='tab'][aria-selected='true']").inner_text() == chosen
    assert not session.exceptions()


def test_downloads_from_the_page(
    session: Session, app_url: str, tmp_path: Path, workbook: Path
) -> None:
    session.open(app_url + "/dashboard")
    page = session.page
    session.wait_for(METRIC)
    page.get_by_role("tab").nth(5).click()
    session.settle(0.5)
    got = {}
    for key in ("dash_dl_complaints", "dash_dl_xlsx", "dash_dl_report"):
        with page.expect_download(timeout=90_000) as info:
            page.locator(f".st-key-{key} button").click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        got[key] = target
    assert got["dash_dl_complaints"].name.endswith("-complaints.csv")
    assert got["dash_dl_complaints"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert got["dash_dl_xlsx"].read_bytes()[:2] == b"PK"
    html = got["dash_dl_report"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert not session.exceptions()
    # the seeds: client data taken out is registered — who, when, what, how many rows
    store = LocalWorkbookStore(workbook)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        store.flush()
        changes = store.read(fresh=True).changes
        taken = changes.loc[changes["kind"].isin(["download", "export"])]
        if len(taken) >= 3:
            break
        time.sleep(1)
    assert set(taken["by"]) == {"周主任"} and len(taken) >= 3, taken


# --- the monthly report, offline --------------------------------------------------------------


def test_report_file_opens_offline_without_errors(
    browser: Any, workbook: Path, shots: Path, tmp_path: Path
) -> None:
    snap = LocalWorkbookStore(workbook).read()
    now = dt.datetime.now()
    month = report.default_month(now)
    html = report.build_report(
        snap.clients, snap.complaints, snap.revisits, month, "zh", Settings(), now
    )
    path = tmp_path / report.report_filename(month, "zh")
    path.write_text(html, encoding="utf-8")
    s = Session(browser, "zh-CN")
    fetched: list[str] = []
    try:
        s.context.route(
            "**/*",
            lambda route: (
                fetched.append(route.request.url),
                route.continue_() if route.request.url.startswith("file:") else route.abort(),
            ),
        )
        s.page.goto(path.as_uri())
        s.page.wait_for_load_state("load")
        label = report.month_label(m.month_period(month), "zh")
        assert s.page.title() == t("report.title", "zh", month=label)
        assert s.page.locator("svg").count() >= 10  # the charts, inline
        assert s.page.locator("table").count() >= 3
        assert [u for u in fetched if not u.startswith("file:")] == []
        assert not s.errors, s.errors
        s.screenshot(shots / f"report-{month}-zh.png")
        pdf = s.page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        s.close()


# --- the other pages --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "clients", "complaints", "revisits", "data-health"])
def test_other_pages_open_without_an_exception(
    session: Session, app_url: str, shots: Path, path: str
) -> None:
    session.open(f"{app_url}/{path}")
    session.settle(1.5)
    assert not session.exceptions(), session.exceptions()
    session.screenshot(shots / f"page-{path or 'home'}.png")


# --- the app frame on a first visit ------------------------------------------------------------
# app.py + a folder named pages/: until some session has called st.navigation in the server
# process, Streamlit serves /dashboard straight from pages/dashboard.py (its pages-directory
# mode). Every page starts with utils.ui.page_frame(), which then draws app.py's frame with the
# public st.navigation (that also ends the mode for every later session).


def test_first_visit_straight_to_the_dashboard_shows_the_sidebar(
    browser: Any, workbook: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = start_server(workbook, tmp_path / "streamlit.log", request)  # open mode
    s = Session(browser)
    try:
        s.page.goto(url + "/dashboard?x=1")
        s.page.wait_for_selector(READY)
        s.settle(2)
        sidebar = s.page.locator("[data-testid='stSidebar']").inner_text()
        assert "admin" in sidebar, sidebar  # the frame ran: the open-mode admin is signed in
        # the same page, with its query, inside the frame: not sent to Home
        assert s.page.url.endswith("/dashboard?x=1"), s.page.url
        nav = s.page.locator("[data-testid='stSidebarNav'] a")
        menu = [p for p in navigation.pages_for("admin") if not p.hidden]  # every page in it
        assert nav.count() == len(menu), nav.all_inner_texts()
        assert not s.exceptions(), s.exceptions()
    finally:
        s.close()


# --- who is acting: accounts, roles, confidentiality --------------------------------------------


def _sidebar_pages(page: Any) -> list[str]:
    links = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    return [text.strip().split("\n")[-1] for text in links]  # the label, not the icon's name


def test_staff_and_manager_sign_in_with_passwords_and_see_different_things(
    browser: Any, app_url: str, workbook: Path, shots: Path
) -> None:
    snap = LocalWorkbookStore(workbook).read()
    others = snap.clients.loc[snap.clients["owner"] != "王芳"].iloc[0]
    full = str(others["phone"])
    staff = Session(browser)
    manager = Session(browser)
    try:
        staff.open(f"{app_url}/clients?id={others['client_id']}", login="wangfang")
        assert "Clients" in _sidebar_pages(staff.page)
        assert "Dashboard" not in _sidebar_pages(staff.page)
        body = staff.page.locator("[data-testid='stMain']").inner_text()
        assert full not in body and "****" in body, "another staff member's client is masked"
        staff.screenshot(shots / "staff-client-page.png")
        staff.page.goto(f"{app_url}/dashboard")  # not in their menu: no figures for them
        staff.settle(1.5)
        assert not staff.page.locator(METRIC).count()
        assert any("does not seem to exist" in e for e in staff.errors)  # Streamlit's notice
        staff.errors.clear()
        staff.page.reload()  # the session survives a reload (cookie), and a shared ?id= link
        staff.page.wait_for_selector(READY)
        staff.settle(1.5)
        assert not staff.page.locator("[data-testid='stMain'] input[type='password']").count()
        assert "王芳" in staff.page.locator("[data-testid='stSidebar']").inner_text()

        manager.open(f"{app_url}/clients?id={others['client_id']}", login="zhou")
        assert "Dashboard" in _sidebar_pages(manager.page)
        assert full in manager.page.locator("[data-testid='stMain']").inner_text()
        manager.screenshot(shots / "manager-client-page.png")
        assert not staff.errors and not manager.errors, staff.errors + manager.errors
    finally:
        staff.close()
        manager.close()


def test_a_wrong_password_is_refused_in_plain_words(browser: Any, app_url: str) -> None:
    s = Session(browser)
    try:
        s.page.goto(app_url + "/")
        s.page.wait_for_selector("[data-testid='stMain'] input[type='password']")
        form = s.page.locator("[data-testid='stMain'] [data-testid='stForm']")
        form.locator("input[type='text']").first.fill("wangfang")
        form.locator("input[type='password']").first.fill("not-the-password")
        form.locator("[data-testid='stFormSubmitButton'] button").click()
        s.wait_for("[data-testid='stAlertContentError']")
        text = s.page.locator("[data-testid='stAlertContentError']").inner_text()
        assert "do not match" in text or "不正确" in text
    finally:
        s.close()


# --- what people type is shown as typed; hand edits are never overwritten ------------------------


def test_a_markdown_client_name_renders_as_text_and_fetches_nothing(
    browser: Any, app_url: str, workbook: Path, shots: Path
) -> None:
    store = LocalWorkbookStore(workbook)
    evil = f"![x]({app_url}/evil.png) :red[假] **粗**"
    rid = store.append(
        "clients", {"name": evil, "phone": "13700000001", "owner": "周主任"}, user="test"
    ).record_id
    s = Session(browser)
    asked: list[str] = []
    s.page.on("request", lambda req: asked.append(req.url))
    try:
        s.open(f"{app_url}/clients?id={rid}", login="zhou")
        s.settle(1.5)
        assert not [u for u in asked if "evil.png" in u], "no browser fetches the address"
        title = s.page.locator("h1").first.inner_text()
        assert "![x](" in title and ":red[假]" in title and "**粗**" in title
        s.screenshot(shots / "markdown-name-as-text.png")
    finally:
        s.close()


def test_a_hand_edit_during_an_app_edit_opens_the_conflict_dialog(
    browser: Any, app_url: str, workbook: Path
) -> None:
    import openpyxl

    store = LocalWorkbookStore(workbook)
    rid = store.append(
        "clients", {"name": "冲突测试客户", "phone": "13700000002", "owner": "周主任"}, user="t"
    ).record_id
    s = Session(browser)
    try:
        s.open(f"{app_url}/clients?id={rid}", login="zhou")
        s.page.get_by_text("Edit client").first.click()  # the edit expander
        s.settle(0.5)
        notes = s.page.get_by_label("Notes").first
        # meanwhile someone types into the same cell in Excel
        wb = openpyxl.load_workbook(workbook)
        ws = wb[next(n for n in wb.sheetnames if n in ("Clients", "客户档案"))]
        header = [c.value for c in ws[1]]
        col = next(i for i, h in enumerate(header) if h in ("Notes", "备注"))
        for row in ws.iter_rows(min_row=2):
            if row[0].value == rid:
                row[col].value = "Excel 里手工改的"
        wb.save(workbook)
        notes.fill("应用里改的")
        s.page.locator("[data-testid='stFormSubmitButton'] button").first.click()
        s.wait_for("[role='dialog']")
        dialog = s.page.locator("[role='dialog']")
        assert "Compare the two versions" in dialog.inner_text()
        assert dialog.locator("[data-testid='stDataFrame']").count() == 1  # both versions
        row = LocalWorkbookStore(workbook).read(fresh=True).record("clients", rid)
        assert row["notes"] == "Excel 里手工改的", "nothing overwritten before the person decides"
        dialog.get_by_text("Take the spreadsheet's version").click()
        s.page.wait_for_selector("[role='dialog']", state="detached")
        s.page.wait_for_selector(READY)
        row = LocalWorkbookStore(workbook).read(fresh=True).record("clients", rid)
        assert row["notes"] == "Excel 里手工改的"
    finally:
        s.close()
