"""Benchmark of the local workbook store at the size the issue names.

    .venv/bin/python bench/bench_store.py [--clients 20000 --complaints 50000 --revisits 50000]

1. read + validate of the whole workbook vs a bare python-calamine read of the same file
   (target: at most 2.5x);
2. one save (append, update) as the app makes it (background writing): time until it returns
   (target < 0.5 s) and until it is in the workbook file (target < 5 s);
3. the same save with synchronous writing (the CLI's way), for reference.
Medians of several runs; the machine is noisy, so the ratio is the figure to watch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from python_calamine import CalamineWorkbook

from utils.demo import generate
from utils.store.local import LocalWorkbookStore


def build(path: Path, clients: int, complaints: int, revisits: int) -> None:
    data = generate(clients, complaints, revisits, seed=42, today=dt.date(2026, 11, 23))
    store = LocalWorkbookStore(path, lang="zh")
    store.init("zh")
    for tab in ("clients", "complaints", "revisits"):
        store.append_many(tab, getattr(data, tab), user="bench")


def bare_read(path: Path) -> None:
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def timed(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def in_file(store: LocalWorkbookStore, tab: str, record_id: str, t0: float, limit=30.0) -> float:
    while time.perf_counter() - t0 < limit:
        if not store.pending_count() and store._read_row(tab, record_id) is not None:
            return time.perf_counter() - t0
        time.sleep(0.05)
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--complaints", type=int, default=50000)
    ap.add_argument("--revisits", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sheetdesk-bench-"))
    path = folder / "bench.xlsx"
    t0 = time.perf_counter()
    build(path, args.clients, args.complaints, args.revisits)
    print(
        f"workbook: {args.clients}/{args.complaints}/{args.revisits} rows, "
        f"{os.path.getsize(path) / 1e6:.1f} MB, built in {time.perf_counter() - t0:.1f} s"
    )

    store = LocalWorkbookStore(path)
    bare = timed(lambda: bare_read(path), args.runs)
    full = timed(lambda: store.read(fresh=True), args.runs)
    print(
        f"read: bare calamine {bare:.2f} s | read + validate {full:.2f} s | "
        f"ratio {full / bare:.2f}x (target <= 2.5x)"
    )

    snapshot = store.read()
    print(
        f"  valid rows: {[len(f) for f in snapshot.frames.values()]}, "
        f"problems: {len(snapshot.problems)}"
    )

    store.background = True
    returns, lands = [], []
    for i in range(args.runs):
        t0 = time.perf_counter()
        res = store.append(
            "complaints",
            {
                "client_id": snapshot.clients.client_id.iloc[i],
                "received_at": dt.datetime.now(),
                "description": f"基准测试投诉 {i}",
                "first_receiver": "王芳",
                "severity": "normal",
            },
            user="bench",
        )
        returns.append(time.perf_counter() - t0)
        lands.append(in_file(store, "complaints", res.record_id, t0))
    print(
        f"append (app, background write): returns in {statistics.median(returns):.3f} s "
        f"(target < 0.5 s), in the workbook after {statistics.median(lands):.2f} s "
        "(target < 5 s)"
    )

    returns, lands = [], []
    for i in range(args.runs):
        snapshot = store.read()
        rec = snapshot.record("complaints", snapshot.complaints.complaint_id.iloc[10 + i])
        t0 = time.perf_counter()
        store.update(
            "complaints",
            rec["complaint_id"],
            {"handler": f"李娜{i}"},
            expected_updated_at=rec["updated_at"],
            user="bench",
        )
        returns.append(time.perf_counter() - t0)
        t_land = float("nan")
        while time.perf_counter() - t0 < 30:
            if not store.pending_count():
                t_land = time.perf_counter() - t0
                break
            time.sleep(0.05)
        lands.append(t_land)
    print(
        f"update (app, background write): returns in {statistics.median(returns):.3f} s, "
        f"in the workbook after {statistics.median(lands):.2f} s"
    )

    store.background = False
    sync = timed(
        lambda: store.append(
            "complaints",
            {
                "client_id": "KH-1",
                "received_at": dt.datetime.now(),
                "description": "同步",
                "first_receiver": "王芳",
            },
            user="bench",
        ),
        args.runs,
    )
    print(f"append (CLI, synchronous write): {sync:.2f} s")
    t0 = time.perf_counter()
    store.read()
    print(f"read after own saves (cache patched, no re-read): {time.perf_counter() - t0:.3f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
