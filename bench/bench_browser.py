"""Benchmark: Sheetdesk's speed as a person feels it, in headless Chromium (Playwright), on a
20,000 clients / 50,000 complaints / 50,000 revisits workbook, against the floor — a bare
two-page st.navigation app (bench/floor_app/app.py) served and driven the same way in the same run.

    .venv/bin/python bench/bench_browser.py            # full run: 10–25 min, by the load
    .venv/bin/python bench/bench_browser.py --quick    # a short run (3 repetitions)
    .venv/bin/python bench/bench_browser.py --reps 25 --regenerate

Every action is timed from the click (or navigation) until the page is done: the app idle
(stApp's data-test-script-state = notRunning), no skeleton or spinner left, the expected title
(h1) shown and, where the title stays, the action's own sign (the period now shown, the success
message) — polled in the page every 20 ms (bench/browser_kit.py). Beside the wall time: the
server's CPU seconds in that window (less sensitive to a loaded machine). Rows shipped are
counted on a separate untimed tab by decoding the websocket's ForwardMsgs (Arrow row counts of
tables and charts). The demo workbooks are cached in bench/out/ (git-ignored); the app runs on
a copy, as saves change it. The clock is frozen at --now (the demo's last day) so "this month"
is full. Prints markdown tables and writes the figures to bench/out/browser.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import browser_kit as kit  # noqa: E402
from browser_kit import Server, Tab, sign_in, summary, write_secrets  # noqa: E402

from utils.i18n import t  # noqa: E402

BIG = (20_000, 50_000, 50_000)
SMALL = (200, 2_000, 2_000)
DEMO_DAY = "2026-11-30"
MANAGER = "zhou"  # 周主任, a manager (browser_kit.ACCOUNTS)
LANG = "zh"
PAGES = {  # key → (sidebar label, the page's h1)
    "home": (t("nav.home", LANG), t("home.title", LANG)),
    "clients": (t("nav.clients", LANG), t("clients.title", LANG)),
    "complaints": (t("nav.complaints", LANG), t("complaints.title", LANG)),
    "revisits": (t("nav.revisits", LANG), t("revisits.title", LANG)),
    "health": (t("nav.health", LANG), t("health.title", LANG)),
    "dashboard": (t("nav.dashboard", LANG), t("nav.dashboard", LANG)),
}
SIGN_IN = t("auth.title", LANG)  # the h1 of the sign-in form, what "/" shows a new browser
STAFF_ROUND = ("clients", "complaints", "revisits", "health", "home")  # from Home, and back
FLOOR = {"a": ("Page A", "Page A"), "b": ("Page B", "Page B")}
SUCCESS = "[data-testid='stAlertContentSuccess']"
PERIOD_LINE = "[data-testid='stMain'] [data-testid='stMarkdownContainer'] strong"


class Samples:
    """Wall seconds and the server's CPU seconds of each timed action, by name."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.cpu: dict[str, list[float]] = defaultdict(list)

    def add(self, name: str, tab: Tab, seconds: float) -> float:
        self.wall[name].append(seconds)
        self.cpu[name].append(tab.cpu)
        return seconds


def load() -> str:
    """The 1/5/15-minute load averages (what `uptime` shows)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def ensure_workbook(path: Path, sizes: tuple[int, int, int], regenerate: bool) -> dict:
    """The demo workbook at `path`, made by the CLI unless cached; its generation figures are
    kept beside it (path.json) and reported with `cached: true` when it is reused."""
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not regenerate:
        return {**json.loads(meta_path.read_text()), "cached": True}
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".lock").unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".pending"), ignore_errors=True)
    c, q, r = sizes
    print(f"generating {path.name} ({c:,} / {q:,} / {r:,}) …", flush=True)
    cmd = [sys.executable, "-m", "utils.cli", "demo", "--workbook", str(path), "--today", DEMO_DAY]
    cmd += [f"--clients={c}", f"--complaints={q}", f"--revisits={r}"]
    meta = kit.timed_process(cmd, ROOT)
    meta.update(sizes=sizes, measured=time.strftime("%Y-%m-%d %H:%M"), load=load())
    meta_path.write_text(json.dumps(meta))
    return {**meta, "cached": False}


# --- the actions ----------------------------------------------------------------------------


def switch(tab: Tab, table: dict, key: str) -> float:
    label, title = table[key]
    return tab.click(tab.nav_link(label), title)


def first_start(browser, env: dict, secrets: list[str], rec: Samples) -> dict:
    """A server started on a workbook it has never read (no snapshot cache beside it): the
    first page reads and validates the whole workbook; then the server is stopped once the
    snapshot cache is written, so that the next start (`cold_start`) is a restart."""
    work = Path(env["SHEETDESK_WORKBOOK"])
    shutil.rmtree(work.with_name(work.name + ".cache"), ignore_errors=True)
    app = Server(ROOT / "app.py", env, OUT / "app-first.log", secrets)
    try:
        reachable = app.wait_reachable()
        tab = Tab(browser, app)
        rec.add("first page, first server start (no cache)", tab, tab.goto("/", SIGN_IN))
        since_start = time.perf_counter() - app.started
        tab.close()
        cache = work.with_name(work.name + ".cache") / "snapshot.bin"
        deadline = time.monotonic() + 60
        while not cache.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.stop()
    return {"reachable_s": reachable, "from_process_start_s": since_start, "cache": cache.exists()}


def cold_start(browser, app: Server, rec: Samples) -> dict:
    """The first page right after the server answers (the sign-in form: the workbook is read
    for the sidebar — from the snapshot cache the first start left), then the process's first
    sign-in (on to the dashboard)."""
    tab = Tab(browser, app)
    rec.add("first page after server start", tab, tab.goto("/", SIGN_IN))
    since_start = time.perf_counter() - app.started
    seconds, presses = sign_in(tab, MANAGER)
    tab.close()
    return {"from_process_start_s": since_start, "sign_in_s": seconds, "sign_in_presses": presses}


def new_sessions(browser, app: Server, rec: Samples, n: int) -> None:
    """The first page of new sessions after the first one (the sign-in form) and their
    sign-in (a manager: on to the dashboard), then reloads of a signed-in one on Home (the
    session cookie keeps the person signed in)."""
    for _ in range(n):
        tab = Tab(browser, app)
        rec.add("first page, a new session", tab, tab.goto("/", SIGN_IN))
        rec.add("sign-in → dashboard, a new session", tab, sign_in(tab, MANAGER)[0])
        tab.close()
    tab = Tab(browser, app)
    tab.goto("/", SIGN_IN)
    sign_in(tab, MANAGER)
    switch(tab, PAGES, "home")
    for _ in range(n):
        rec.add("reload", tab, tab.reload(PAGES["home"][1]))
    tab.close()


def page_switches(app: Tab, floor: Tab, rec: Samples, reps: int) -> None:
    """Interleaved, so both feel the same machine: per repetition the floor's A → B → A, then
    Home → Clients → Complaints → Revisits → Data health → Home through the sidebar links."""
    if not app.done(PAGES["home"][1]):
        switch(app, PAGES, "home")
    for _ in range(reps):
        for key in ("b", "a"):
            rec.add("floor page switch", floor, switch(floor, FLOOR, key))
        for key in STAFF_ROUND:
            seconds = rec.add("page switch, staff pages", app, switch(app, PAGES, key))
            rec.add(f"→ {key}", app, seconds)


def dashboard(tab: Tab, rec: Samples, reps: int) -> None:
    """Data health → Dashboard (a light page to leave: what is timed is the dashboard's run),
    then the period to 上月 and back to 本月 (a period change: done when the period line names
    the new one)."""
    for _ in range(reps):
        switch(tab, PAGES, "health")
        rec.add("dashboard (sidebar link)", tab, switch(tab, PAGES, "dashboard"))
        for period in ("last_month", "this_month"):
            label = t(f"dash.period.{period}", LANG)
            radio = tab.page.get_by_role("radio", name=label, exact=True)
            seconds = tab.click(radio, PAGES["dashboard"][1], PERIOD_LINE, label)
            rec.add("dashboard period change", tab, seconds)


def open_row(tab: Tab, row: int) -> float:
    """Click row `row`'s selection box in the first table (a canvas grid: the row's ID is read
    from the grid's accessibility table, the click goes to the row's place); done when the
    record's page shows that ID as its title."""
    grid = tab.page.locator("[data-testid='stDataFrame']").first
    rid = grid.locator(f"[data-testid='glide-cell-1-{row}']").inner_text().strip()
    box = grid.bounding_box()
    y = box["y"] + 35 * (row + 1) + 17  # the header and each row are 35 px high
    return tab.act(lambda: tab.page.mouse.click(box["x"] + 18, y), rid)


def open_client(tab: Tab) -> float:
    """From a complaint's page to its client's, through the page's st.page_link."""
    link = tab.page.locator("[data-testid='stPageLink'] a", has_text="KH-").first
    name = link.inner_text().split("·")[0].split("\n")[-1].strip()
    return tab.click(link, name)


def to_complaint_list(tab: Tab) -> None:
    """Back to the complaint list: a record's "back" button (the sidebar link keeps a record's
    page), else the sidebar link unless the list is shown already."""
    back = tab.page.locator(".st-key-complaints_back button")
    if back.count():
        tab.click(back, PAGES["complaints"][1])
    elif not tab.done(PAGES["complaints"][1]):
        switch(tab, PAGES, "complaints")


def records(tab: Tab, rec: Samples, reps: int) -> None:
    """Complaints (open ones) → click a row → the complaint's page → its client's page."""
    for i in range(reps):
        to_complaint_list(tab)
        rec.add("open a complaint (row click)", tab, open_row(tab, i % 12))
        rec.add("open its client (page link)", tab, open_client(tab))


def saves(tab: Tab, rec: Samples, n: int) -> None:
    """Log a complaint for a client: a complaint → its client → "为该客户登记投诉" (the log form
    with the client chosen) → a description → submit. Only the submit is timed, until the
    success message shows (on the new complaint's page, where the app goes)."""
    log_link = tab.page.locator(
        "[data-testid='stPageLink'] a", has_text=t("clients.log_complaint", LANG)
    )
    for i in range(n):
        to_complaint_list(tab)
        open_row(tab, i % 12)
        open_client(tab)
        tab.click(
            log_link,
            PAGES["complaints"][1],
            "[data-testid='stMain'] [data-testid='stForm'] textarea",
        )
        form = tab.page.locator("[data-testid='stMain'] [data-testid='stForm']").first
        form.locator("textarea").first.fill(f"基准测试 {i + 1}：客户反映热线等待时间过长。")
        submit = form.locator("[data-testid='stFormSubmitButton'] button").first
        rec.add("save a new complaint", tab, tab.click(submit, None, SUCCESS))


def rows_shipped(browser, app: Server, floor: Server) -> dict:
    """What each page ships, on an untimed tab that decodes the websocket's ForwardMsgs."""
    tab = Tab(browser, app, count=True)
    tab.goto("/", SIGN_IN)
    out = {"sign-in form (first page)": tab.count()}
    sign_in(tab, MANAGER)
    for key in ("clients", "complaints", "revisits", "health", "dashboard", "home", "complaints"):
        switch(tab, PAGES, key)
        out[key] = tab.count()
    open_row(tab, 0)
    out["a complaint (row click)"] = tab.count()
    tab.close()
    tab = Tab(browser, floor, count=True)
    tab.goto("/", "Page A")
    out["floor page"] = tab.count()
    tab.close()
    return out


def five_sessions(browser, app: Server, rss: kit.RssSampler) -> float:
    """Server RSS with the workbook open in 5 signed-in sessions at once (on the dashboard,
    where a manager lands)."""
    tabs = [Tab(browser, app) for _ in range(5)]
    for tab in tabs:
        tab.goto("/", SIGN_IN)
        sign_in(tab, MANAGER)
    now = rss.now()
    for tab in tabs:
        tab.close()
    return now


def report_cli(small: Path, env: dict, runs: int) -> list[dict]:
    cmd = [sys.executable, "-m", "utils.cli", "report", "--month", "2026-11", "--workbook"]
    cmd += [str(small), "--out", str(OUT / "report-2026-11.html")]
    return [kit.timed_process(cmd, ROOT, env) for _ in range(runs)]


def excel(big: Path, runs: int) -> dict:
    """In this process: utils.downloads.xlsx_bytes (what the dashboard's Excel button calls) on
    the 50,000 complaints alone (`runs` times), and once on a long period's three tables (every
    row: 20,000 + 50,000 + 50,000). Wall and CPU seconds."""
    import pandas as pd

    from utils import downloads
    from utils import metrics as m
    from utils.store.local import LocalWorkbookStore

    snap = LocalWorkbookStore(big).read()
    everything = m.Filters(pd.Timestamp("2000-01-01"), pd.Timestamp("2100-01-01"))
    tables = m.download_tables(snap.clients, snap.complaints, snap.revisits, everything)
    frames = {tab: getattr(tables, tab) for tab in downloads.TABS}
    downloads.xlsx_bytes({"complaints": frames["complaints"].head(5)}, LANG)  # imports, warm-up
    out = {}
    for name, chosen, n in (
        ("complaints", {"complaints": frames["complaints"]}, runs),
        ("all", frames, 1),
    ):
        wall, cpu = [], []
        for _ in range(n):
            t0, c0 = time.perf_counter(), time.process_time()
            size = len(downloads.xlsx_bytes(chosen, LANG))
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        rows = sum(map(len, chosen.values()))
        out[name] = {"rows": rows, "seconds": wall, "cpu_s": cpu, "mb": size / 1e6}
    return out


# --- the run --------------------------------------------------------------------------------


def measure_browser(res: dict, env: dict, reps: int, few: int) -> Samples:
    from playwright.sync_api import sync_playwright

    rec, servers = Samples(), []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=kit.CHROMIUM, args=kit.LAUNCH_ARGS)
            secrets = ["--secrets.files", str(write_secrets(OUT / "secrets.toml"))]
            print("first start (no snapshot cache) …", flush=True)
            res["first_start"] = first_start(browser, env, secrets, rec)
            app = Server(ROOT / "app.py", env, OUT / "app.log", secrets)
            servers.append(app)
            rss = kit.RssSampler(app)
            rss.start()
            res["server_reachable_s"] = app.wait_reachable()
            res["rss_mb_idle"] = rss.now()
            print("cold start …", flush=True)
            res["cold"] = cold_start(browser, app, rec)
            res["rss_mb_after_first_page"] = rss.now()
            floor = Server(ROOT / "bench" / "floor_app" / "app.py", {}, OUT / "floor.log")
            servers.append(floor)
            floor.wait_reachable()
            print("new sessions and reloads …", flush=True)
            new_sessions(browser, app, rec, few)
            app_tab, floor_tab = Tab(browser, app), Tab(browser, floor)
            floor_tab.goto("/", "Page A")
            app_tab.goto("/", SIGN_IN)
            res["sign_in"] = sign_in(app_tab, MANAGER)
            print("page switches …", flush=True)
            page_switches(app_tab, floor_tab, rec, reps)
            print("dashboard …", flush=True)
            dashboard(app_tab, rec, reps)
            print("records …", flush=True)
            records(app_tab, rec, reps)
            print("rows shipped …", flush=True)
            res["rows"] = rows_shipped(browser, app, floor)
            print("five sessions …", flush=True)
            res["rss_mb_5_sessions"] = five_sessions(browser, app, rss)
            print("saves …", flush=True)  # last: each save has the writer rewrite the file
            saves(app_tab, rec, few)
            res["rss_mb_floor"] = floor.rss_mb()
            res["rss_mb_peak"] = rss.peak
            browser.close()
    finally:
        for server in servers:
            server.stop()
    return rec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=15, help="repetitions per action (15)")
    parser.add_argument("--quick", action="store_true", help="a short run: 3 repetitions")
    parser.add_argument("--regenerate", action="store_true", help="make the workbooks again")
    parser.add_argument("--workbook", type=Path, help="use this workbook instead of the big one")
    parser.add_argument("--now", default=f"{DEMO_DAY}T16:00", help="frozen clock ('' = real)")
    args = parser.parse_args()
    reps = 3 if args.quick else args.reps
    few = max(2, reps // 3)  # new sessions, reloads, saves and report CLI runs
    OUT.mkdir(parents=True, exist_ok=True)
    started, res = time.perf_counter(), {"load_start": load(), "reps": reps, "now": args.now}
    print(f"load at start {res['load_start']}", flush=True)

    big = args.workbook or OUT / "big.xlsx"
    given = {"cached": True, "given": str(big)}
    res["demo_big"] = given if args.workbook else ensure_workbook(big, BIG, args.regenerate)
    res["demo_small"] = ensure_workbook(OUT / "small.xlsx", SMALL, args.regenerate)
    work = OUT / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    shutil.copy(big, work / "big.xlsx")
    env = {
        "SHEETDESK_WORKBOOK": str(work / "big.xlsx"),
        "SHEETDESK_LANGUAGE": LANG,
        "SHEETDESK_SPREADSHEET": "",
        "SHEETDESK_NOW": args.now,
    }
    rec = measure_browser(res, env, reps, few)
    res["wall"], res["server_cpu"] = dict(rec.wall), dict(rec.cpu)
    print("report CLI and Excel …", flush=True)
    res["report_cli"] = report_cli(OUT / "small.xlsx", {"SHEETDESK_NOW": args.now}, few)
    res["excel"] = excel(big, max(1, reps // 5))
    res["load_end"] = load()
    res["total_s"] = time.perf_counter() - started
    (OUT / "browser.json").write_text(json.dumps(res, indent=1, ensure_ascii=False))
    print(table(res))


def table(res: dict) -> str:
    wall, cpu = res["wall"], res["server_cpu"]
    floor = summary(wall["floor page switch"])["median"]
    first = res["first_start"]
    notes = {
        "first page after server start": f"a restart: {res['cold']['from_process_start_s']:.1f}"
        f" s from process start (reachable at {res['server_reachable_s']:.1f} s)",
        "first page, first server start (no cache)": f"{first['from_process_start_s']:.1f} s "
        f"from process start (reachable at {first['reachable_s']:.1f} s)",
        "page switch, staff pages": "sidebar links; by page below",
        "open a complaint (row click)": "list → the complaint's page",
        "save a new complaint": "submit → success message",
    }
    lines = [
        f"reps {res['reps']} · clock {res['now'] or 'real'} · load (1/5/15 min) at start "
        f"{res['load_start']}, at end {res['load_end']} · total {res['total_s']:.0f} s\n",
        "| action | median s | p90 s | × floor | n | server CPU s (median) | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in sorted(wall, key=lambda n: n != "floor page switch"):  # the floor, then in order
        s = summary(wall[name])
        p90 = f"{s['p90']:.2f}" if s["n"] > 1 else "—"
        lines.append(
            f"| {name} | {s['median']:.2f} | {p90} | {s['median'] / floor:.1f}× | {s['n']} | "
            f"{summary(cpu[name])['median']:.2f} | {notes.get(name, '')} |"
        )
    cold, (sign_s, presses), shipped = res["cold"], res["sign_in"], res["rows"].items()
    lines += [
        f"| first sign-in after server start | {cold['sign_in_s']:.2f} | — | — | 1 | — | "
        f"{cold['sign_in_presses']} press(es) of the button needed |",
        f"| sign-in, a later session | {sign_s:.2f} | — | — | 1 | — | {presses} press(es) |",
        "",
        "| page | rows shipped | tables + charts | MB over the websocket |",
        "|---|---|---|---|",
        *[f"| {p} | {c['rows']:,} | {len(c['tables'])} | {c['mb']:.2f} |" for p, c in shipped],
        "",
        "| figure | value |",
        "|---|---|",
        f"| server RSS idle / after the first page | {res['rss_mb_idle']:.0f} / "
        f"{res['rss_mb_after_first_page']:.0f} MB |",
        f"| server RSS, 5 sessions open at once | {res['rss_mb_5_sessions']:.0f} MB |",
        f"| server RSS peak in the run / the floor app's | {res['rss_mb_peak']:.0f} / "
        f"{res['rss_mb_floor']:.0f} MB |",
    ]
    for key, name in (("demo_big", "demo 20k/50k/50k"), ("demo_small", "demo 200/2k/2k")):
        d = res[key]
        if "given" in d:
            lines.append(f"| workbook | {d['given']} (given, not generated) |")
            continue
        when = f"cached: measured {d['measured']}, load {d['load']}" if d["cached"] else "now"
        cpu = d.get("cpu_s", float("nan"))
        lines.append(
            f"| {name} generation (process) | {d['seconds']:.1f} s wall, {cpu:.1f} s CPU, "
            f"peak {d['peak_mb']:.0f} MB ({when}) |"
        )
    rc = res["report_cli"]
    lines.append(
        f"| report CLI --month 2026-11, 200/2k/2k workbook (process) | median "
        f"{summary([r['seconds'] for r in rc])['median']:.2f} s wall, "
        f"{summary([r['cpu_s'] for r in rc])['median']:.2f} s CPU of {len(rc)}, "
        f"peak {max(r['peak_mb'] for r in rc):.0f} MB |"
    )
    for name, x in res["excel"].items():
        what = "complaints" if name == "complaints" else "rows, 3 tabs, long period"
        lines.append(
            f"| Excel: xlsx_bytes, {x['rows']:,} {what} (in-process) | median "
            f"{summary(x['seconds'])['median']:.1f} s wall, {summary(x['cpu_s'])['median']:.1f} s "
            f"CPU of {len(x['seconds'])}, {x['mb']:.1f} MB |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
