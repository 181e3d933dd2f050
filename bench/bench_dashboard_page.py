"""Benchmark: the dashboard page rendered by Streamlit's AppTest on a cached 20,000 / 50,000 /
50,000-row snapshot.

The store is replaced by one that hands out the same in-memory snapshot on every read (what the
shared read cache does between two spreadsheet reads), so the figures measure the page: the
app frame and sidebar, one `metrics.dashboard` call (or a cache hit), the Altair charts, the
tiles, lists and download buttons. Timed, median of `--runs`:

- first render: the figures computed for the selection;
- timer tick: the same selection again (what the live refresh costs while nothing changed);
- filter change: a new selection (category + grade), figures computed again.

    .venv/bin/python bench/bench_dashboard_page.py [--clients N] [--complaints N] [--revisits N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402
import streamlit  # noqa: E402
from bench_dashboard import synthetic_snapshot  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from utils import auth, ui  # noqa: E402
from utils.store import Snapshot  # noqa: E402


class CachedStore:
    """A store whose every read is a cache hit on one snapshot."""

    kind = "local"

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.reads = 0
        self.fresh_reads = 0

    def read(self, *, fresh: bool = False) -> Snapshot:
        self.reads += 1
        self.fresh_reads += int(fresh)
        return self.snapshot

    def describe(self) -> str:
        return "synthetic snapshot (bench)"

    def pending_count(self) -> int:
        return 0

    def flush(self) -> str:
        return ""

    def invalidate(self) -> None:
        pass


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def check(at: AppTest) -> AppTest:
    if at.exception:
        raise SystemExit(f"the page raised: {[e.message for e in at.exception]}")
    if len(at.metric) != 17:
        raise SystemExit(f"expected 17 tiles, got {len(at.metric)}")
    return at


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20_000)
    ap.add_argument("--complaints", type=int, default=50_000)
    ap.add_argument("--revisits", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args(argv)
    streamlit.logger.set_log_level(logging.ERROR)  # AppTest outside a server is chatty

    t0 = time.perf_counter()
    now = dt.datetime.now().replace(microsecond=0)
    cl, co, rv = synthetic_snapshot(
        args.clients, args.complaints, args.revisits, now=pd.Timestamp(now)
    )
    snap = Snapshot(
        frames={"clients": cl, "complaints": co, "revisits": rv},
        problems=[],
        read_at=now,
        source="bench",
    )
    store = CachedStore(snap)
    ui.get_store = lambda: store  # the page and the sidebar call ui.get_store() at run time
    print(
        f"snapshot: {len(cl):,} clients, {len(co):,} complaints, {len(rv):,} revisits "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )

    first, tick, change = [], [], []
    for i in range(args.runs):
        streamlit.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state[auth.SESSION_KEY] = auth.User("周主任", "manager")
        at.session_state["sheetdesk_lang"] = args.lang
        first.append(timed(lambda at=at: check(at.switch_page("pages/dashboard.py").run())))
        tick.append(timed(lambda at=at: check(at.run())))
        cats = ["service_quality", "billing"] if i % 2 == 0 else ["facilities"]
        at.multiselect(key="dash_f_category").set_value(cats)
        at.multiselect(key="dash_f_grade").set_value(["A", "B"])
        change.append(timed(lambda at=at: check(at.run())))

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<34} median {statistics.median(values):6.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f})"
        )

    print(f"dashboard page (AppTest, lang={args.lang}, {args.runs} runs):")
    print(line("  first render (figures computed)", first))
    print(line("  timer tick (cached figures)", tick))
    print(line("  filter change (figures computed)", change))
    print(f"  store reads: {store.reads}, of which forced fresh: {store.fresh_reads}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
