"""Benchmark of the staff pages: AppTest run time of each page on a cached snapshot of the size
the issue names (20,000 clients, 50,000 complaints, 50,000 revisits).

    .venv/bin/python bench/bench_pages.py                       # builds the workbook once
    .venv/bin/python bench/bench_pages.py --workbook big.xlsx   # reuses an existing workbook
    .venv/bin/python bench/bench_pages.py --clients 2000 --complaints 5000 --revisits 5000

The first run of a page reads and validates the workbook (the store's cache); the figures that
count are the runs after it (target < 0.5 s), medians of `--runs` runs, as a manager (sees
everything) and as staff (masking, "mine" lists). Each page is shown as a person opens it: the
lists, a client's page, a complaint's page and the revisit record form.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 0.5


def build(path: Path, clients: int, complaints: int, revisits: int) -> None:
    from utils.demo import generate
    from utils.store.local import LocalWorkbookStore

    t0 = time.perf_counter()
    data = generate(clients, complaints, revisits, seed=42, today=dt.date.today())
    store = LocalWorkbookStore(path, lang="zh")
    store.init("zh")
    for tab in ("clients", "complaints", "revisits"):
        store.append_many(tab, getattr(data, tab), user="bench")
    print(f"built {path} in {time.perf_counter() - t0:.1f} s")


def timed_runs(at, page: str, params: dict, runs: int) -> tuple[float, float]:
    """(first run, median of the next `runs`) in seconds."""
    at.switch_page(page)
    at.query_params.clear()
    at.query_params.update(params)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{page} {params}: {at.exception[0].value}")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workbook", type=Path, help="an existing workbook to use")
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--revisits", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sheetdesk-bench-pages-"))
    path = args.workbook or folder / "bench.xlsx"
    if not args.workbook:
        build(path, args.clients, args.complaints, args.revisits)
    os.environ["SHEETDESK_WORKBOOK"] = str(path)
    os.environ.pop("SHEETDESK_SPREADSHEET", None)

    import streamlit
    from streamlit.testing.v1 import AppTest

    from utils import ui
    from utils.auth import User
    from utils.store.local import LocalWorkbookStore

    snap = LocalWorkbookStore(path).read()
    print(
        f"snapshot: {len(snap.clients)} clients, {len(snap.complaints)} complaints, "
        f"{len(snap.revisits)} revisits, {len(snap.problems)} problems"
    )
    client = snap.clients["client_id"].iloc[len(snap.clients) // 2]
    complaint = snap.complaints["complaint_id"].iloc[len(snap.complaints) // 2]
    resolved = snap.complaints.loc[snap.complaints["status"] == "resolved", "complaint_id"]
    owner = snap.clients["owner"].iloc[0] or "王芳"
    views = [
        ("pages/clients.py", {}, "client register"),
        ("pages/clients.py", {"id": client}, "a client's page"),
        ("pages/complaints.py", {}, "complaint log (open)"),
        ("pages/complaints.py", {"id": complaint}, "a complaint's page"),
        ("pages/complaints.py", {"client": client, "new": "1"}, "log form"),
        ("pages/revisits.py", {}, "revisit queues"),
        (
            "pages/revisits.py",
            {"complaint": resolved.iloc[0]} if len(resolved) else {"client": client},
            "revisit record form",
        ),
        ("pages/health.py", {}, "data health (not a staff page)"),
        ("pages/home.py", {}, "home (not a staff page)"),
    ]
    rows = []
    for user in (User(owner, "manager"), User(owner, "staff")):
        streamlit.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["sheetdesk_user"] = user
        at.session_state["sheetdesk_lang"] = "zh"
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        store = ui.get_store()
        print(
            f"\n{user.role}: first run of the app (reads the workbook) {cold:.2f} s; "
            f"store {store.describe()}"
        )
        for page, params, label in views:
            first, median = timed_runs(at, page, params, args.runs)
            flag = "ok" if median < TARGET else "SLOW"
            rows.append((user.role, label, first, median, flag))
            print(f"  {label:34s} first {first:6.3f} s   then {median:6.3f} s   {flag}")
    slow = [r for r in rows if r[4] == "SLOW" and "not a staff page" not in r[1]]
    print(
        f"\ntarget: every staff page under {TARGET} s after the first render — "
        + ("met" if not slow else f"NOT met for {len(slow)} view(s)")
    )


if __name__ == "__main__":
    main()
