"""Benchmark of the Google Sheets backend, against the offline fake of the Sheets v4 API.

    .venv/bin/python bench/bench_gsheets.py [--clients 20000 --complaints 50000 --revisits 50000]
                                            [--latency 0.12] [--runs 3]

1. Requests, counted by the fake (the Sheets quota counts requests: 60 reads and 60 writes a
   minute for the one service account every user shares): 10 sessions opening the dashboard
   within one cache window, one new complaint, one update — Sheetdesk, and the request pattern
   of st-gsheets-connection's documented usage, replayed with the same gspread calls it makes
   (a session: `st.cache_data.clear()`, then `conn.read(worksheet=…)` for each tab =
   `open_by_url` + `worksheet(name)` + one values read; a save: `conn.read` of the tab, then
   `conn.update(worksheet=…, data=df)` = open + worksheet + clear + rewrite of the whole
   worksheet (USER_ENTERED) + header formatting).
2. A cold read of 20,000 / 50,000 / 50,000 rows plus validation with `--latency` seconds per
   request, against the local store reading and validating the same rows from an .xlsx (target:
   at most one request's latency + 1.3x the local time). The fake runs in this process: the time
   it spends building and encoding its answer — Google's side of the wire — is measured and
   taken off; the injected latency is not. The metadata is fetched when the store is opened
   (once per process), so a read is one request; the fully cold figure includes it.
3. Google not answering at all: how long a new complaint and an update take to give up and
   stay pending, when every request waits out its read timeout (30 s) and times out — on a fake
   clock, so it takes no time — with the deadline across retries (30 s) and without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sheets_schema.tables import TAB_NAMES, TABLES
from tests.fake_sheets import FakeSheetsAPI, make_client
from utils.demo import generate
from utils.store import read_cache
from utils.store.gsheets import GoogleSheetsStore
from utils.store.gsheets_api import RetryPolicy
from utils.store.gsheets_cells import encode
from utils.store.local import LocalWorkbookStore

NOW = dt.datetime(2026, 11, 23, 9, 0)


def clock() -> dt.datetime:
    return NOW


def sheet_rows(raw: dict) -> dict[str, list[list[object]]]:
    """The local workbook's cells as the Google backend writes them (RAW; dates as serials)."""
    out = {}
    for tab in TAB_NAMES:
        title, rows = raw[tab]
        kinds = [TABLES[tab].by_field[c.field].kind for c in TABLES[tab].columns]
        body = [
            [encode(v, kinds[i]) if i < len(kinds) else encode(v) for i, v in enumerate(r)]
            for r in rows[1:]
        ]
        out[title] = [list(rows[0]), *body]
    return out


def build(folder: Path, clients: int, complaints: int, revisits: int) -> tuple[Path, dict]:
    path = folder / "bench.xlsx"
    data = generate(clients, complaints, revisits, seed=42, today=NOW.date())
    store = LocalWorkbookStore(path, lang="zh", clock=clock)
    store.init("zh")
    for tab in TAB_NAMES:
        store.append_many(tab, getattr(data, tab), user="bench")
    return path, sheet_rows(store._read_raw())


def google_store(
    api: FakeSheetsAPI, sid: str, folder: Path, retry: RetryPolicy | None = None
) -> GoogleSheetsStore:
    return GoogleSheetsStore(
        sid, client=make_client(api), pending_dir=folder / "pending", clock=clock, retry=retry
    )


def counts(api: FakeSheetsAPI) -> str:
    return (
        f"{api.count('metadata'):3d} metadata  {api.count('read'):3d} read  "
        f"{api.count('write'):3d} write"
    )


# ---- 1. requests ----
def sheetdesk_requests(tabs: dict, folder: Path) -> list[tuple[str, str]]:
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("bench", tabs=tabs)
    read_cache.reset()
    api.reset_counts()
    sessions = [google_store(api, sid, folder) for _ in range(10)]
    for s in sessions:
        s.read()
    out = [("10 sessions open the dashboard", counts(api))]
    api.reset_counts()
    client = sessions[0].read().clients.client_id.iloc[0]
    saved = sessions[1].append(
        "complaints",
        {
            "client_id": client,
            "received_at": NOW,
            "description": "基准测试",
            "first_receiver": "王芳",
        },
        user="王芳",
    )
    out.append(("one new complaint", counts(api)))
    api.reset_counts()
    snapshot = sessions[2].read()
    victim = snapshot.complaints.complaint_id.iloc[100]
    record = snapshot.record("complaints", victim)
    sessions[2].update(
        "complaints",
        victim,
        {"handler": "李娜"},
        expected_updated_at=record["updated_at"],
        user="李娜",
    )
    out.append(("one update", counts(api)))
    api.reset_counts()
    for s in sessions:
        assert saved.record_id in set(s.read().complaints.complaint_id)
    out.append(("10 sessions again, after the saves", counts(api)))
    return out


def st_gsheets_requests(tabs: dict) -> list[tuple[str, str]]:
    """st-gsheets-connection's request pattern, replayed with the gspread calls it makes."""
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("bench", tabs=tabs)
    titles = list(tabs)
    gc = make_client(api)

    def conn_read(title: str) -> list[list[object]]:  # open_by_url + worksheet + get values
        return gc.open_by_key(sid).worksheet(title).get_all_values()

    def conn_update(title: str, rows: list[list[object]]) -> None:
        ws = gc.open_by_key(sid).worksheet(title)
        ws.clear()  # the whole tab is empty from here …
        ws.update(rows, "A1", value_input_option="USER_ENTERED")  # … until it is rewritten
        ws.spreadsheet.batch_update(
            {
                "requests": [
                    {
                        "repeatCell": {
                            "range": {"sheetId": ws.id, "endRowIndex": 1},
                            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                            "fields": "userEnteredFormat.textFormat.bold",
                        }
                    }
                ]
            }
        )  # set_format_with_dataframe

    api.reset_counts()
    for _ in range(10):
        for title in titles:
            conn_read(title)
    out = [("10 sessions open the dashboard", counts(api))]
    complaints = titles[1]
    api.reset_counts()
    rows = conn_read(complaints)
    conn_update(complaints, [*rows, ["TS-NEW", "", "2026-11-23 09:00", "", "", "", "基准测试"]])
    out.append(("one new complaint", counts(api)))
    api.reset_counts()
    rows = conn_read(complaints)
    rows[101][8] = "李娜"
    conn_update(complaints, rows)
    out.append(("one update", counts(api)))
    return out


# ---- 2. cold read with latency ----
def timed(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def cold_read(tabs: dict, folder: Path, latency: float, runs: int) -> tuple[float, float, float]:
    """(cost of a read, fully cold cost incl. the metadata, fake's own server time) medians."""
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("bench", tabs=tabs)
    server: list[float] = []
    handle = api.handle

    def timed_handle(request, timeout=None):
        t0 = time.perf_counter()
        try:
            return handle(request, timeout)
        finally:
            server.append(max(0.0, time.perf_counter() - t0 - api.latency))

    api.handle = timed_handle  # type: ignore[method-assign]
    api.latency = latency
    reads, fulls, servers = [], [], []
    for _ in range(runs):
        read_cache.reset()  # a new process
        server.clear()
        t0 = time.perf_counter()
        store = google_store(api, sid, folder)
        store.connect()  # what open_gsheets_store does when the app starts
        t1 = time.perf_counter()
        snapshot = store.read()
        t2 = time.perf_counter()
        assert len(snapshot.complaints) > 0
        fake = sum(server)
        servers.append(fake)
        reads.append(t2 - t1 - server[-1])
        fulls.append(t2 - t0 - fake)
    return statistics.median(reads), statistics.median(fulls), statistics.median(servers)


# ---- 3. giving up ----
def give_up_times(tabs: dict, folder: Path, deadline: float) -> tuple[float, float]:
    """(append, update): fake-clock seconds until the save gives up, every request hanging."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("bench", tabs=tabs)
    handle = api.handle

    def hung(request, timeout=None):  # waits out its read timeout, then times out
        now[0] += timeout[1] if isinstance(timeout, tuple) else timeout
        return handle(request, timeout)

    read_cache.reset()
    retry = RetryPolicy(sleep=sleep, clock=lambda: now[0], deadline=deadline)
    store = google_store(api, sid, folder / f"give-up-{deadline}", retry)
    snapshot = store.read()
    record = snapshot.record("complaints", snapshot.complaints.complaint_id.iloc[5])
    api.handle = hung  # type: ignore[method-assign]
    api.inject("timeout", times=10**6)
    out = []
    for save in (
        lambda: store.append("clients", {"name": "基准", "phone": "13800138000"}, user="王芳"),
        lambda: store.update(
            "complaints",
            record["complaint_id"],
            {"handler": "李娜"},
            expected_updated_at=record["updated_at"],
            user="李娜",
        ),
    ):
        now[0] = 0.0
        assert save().pending
        out.append(now[0])
    return out[0], out[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--complaints", type=int, default=50000)
    ap.add_argument("--revisits", type=int, default=50000)
    ap.add_argument("--latency", type=float, default=0.12)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sheetdesk-gbench-"))
    try:
        _, small = build(folder / "small", 200, 400, 500)
        print("1. Requests (counted by the fake; 200/400/500 rows)")
        for name, result in (
            ("Sheetdesk", sheetdesk_requests(small, folder / "small")),
            ("st-gsheets-connection pattern", st_gsheets_requests(small)),
        ):
            print(f"  {name}:")
            for what, figures in result:
                print(f"    {what:<36} {figures}")

        t0 = time.perf_counter()
        path, big = build(folder / "big", args.clients, args.complaints, args.revisits)
        print(
            f"\n2. Cold read of {args.clients}/{args.complaints}/{args.revisits} rows "
            f"(built in {time.perf_counter() - t0:.0f} s), {args.latency * 1000:.0f} ms "
            f"latency per request, medians of {args.runs}"
        )
        local = LocalWorkbookStore(path)
        local_time = timed(lambda: local.read(fresh=True), args.runs)
        read, full, fake = cold_read(big, folder / "big", args.latency, args.runs)
        target = args.latency + 1.3 * local_time
        print(f"  local store, read + validate:          {local_time:6.2f} s")
        print(
            f"  Google store, read + validate:         {read:6.2f} s   (target <= "
            f"{target:.2f} s = latency + 1.3 x local: {'met' if read <= target else 'MISSED'})"
        )
        print(f"  Google store, fully cold (+ metadata): {full:6.2f} s")
        print(
            f"  (the fake's own time building its answers, taken off: {fake:.2f} s; "
            f"wall clock with it: {full + fake:.2f} s)"
        )

        print(
            "\n3. Google not answering: seconds until a save gives up and stays pending "
            "(fake clock; every request waits out its timeout)"
        )
        for name, deadline in (("30 s deadline", 30.0), ("no deadline (before)", float("inf"))):
            append, update = give_up_times(small, folder / "small", deadline)
            print(f"    {name:<22} new record {append:6.1f} s   update {update:6.1f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
