"""Many writers at once: nothing lost, nothing written twice, no update silently dropped.

- local workbook: several OS processes ("spawn"), each with its own `LocalWorkbookStore`
  (saves written synchronously, the workbook's file lock serialising them), append and update
  the same records of one workbook at the same moment;
- Google Sheets (the in-process fake of the v4 API, real gspread): several threads, each with
  its own `GoogleSheetsStore`, do the same while 503s, 429s, timeouts (before and after the
  write landed) and dropped connections are injected — and Google goes down for a moment, so
  saves wait in the queue and are written later.

Afterwards every append is in the sheet exactly once (its ID, and a marker in `notes`), and
every update either landed — its value is in the cell, or was overwritten by a later update
that saw it (each process logs what every update saw and wrote, so the chain of values in a
cell can be followed back to its first value) — or was reported as a conflict: refused at once
(`ConflictError`) or set aside in the queue's `conflicts/`. Never neither, never both.

The saves per second under contention are printed (`pytest -s`), not asserted beyond a sanity
bound: they depend on the machine (docs/reliability-figures.md has this machine's).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import ClassVar

import pytest

from sheets_schema.tables import TABLES
from sheets_schema.validate import read_layout
from utils.errors import ConflictError
from utils.store.base import Store
from utils.store.pending import PendingOp

FIELDS = ["notes", "region", "owner", "address", "contact_person"]  # what the updates write
SEED_RECORDS = 5
APPENDERS, APPENDS = 4, 25
UPDATERS, UPDATES = 4, 10


def _seed_records() -> list[dict]:
    return [
        {
            "name": f"老客户{n}",
            "phone": f"1380013800{n}",
            "grade": "B",
            **{f: f"初始-{f}-{n}" for f in FIELDS},
        }
        for n in range(SEED_RECORDS)
    ]


# ---- one writer: appends or updates, logging what each save saw and wrote ----
def _append_one(store: Store, who: str, k: int) -> dict:
    marker = f"{who}-A{k:02d}"
    started = time.monotonic()
    saved = store.append(
        "clients",
        {"name": f"新客户 {marker}", "phone": "+86 138 0013 8000", "notes": marker},
        user=who,
    )
    return {
        "kind": "append",
        "id": saved.record_id,
        "marker": marker,
        "pending": saved.pending,
        "error": saved.error,
        "start": started,
        "end": time.monotonic(),
    }


def _update_one(store: Store, who: str, k: int, ids: list[str], rng: random.Random) -> dict:
    rid, field = rng.choice(ids), rng.choice(FIELDS)
    started = time.monotonic()
    record = store.read().record("clients", rid)  # the record as this writer last read it
    assert record is not None, rid
    time.sleep(rng.uniform(0, 0.01))  # the person types
    value = f"{who}-U{k:02d}"
    entry = {
        "kind": "update",
        "id": rid,
        "field": field,
        "seen": record[field],
        "value": value,
        "start": started,
    }
    try:
        saved = store.update("clients", rid, {field: value}, seen=record, user=who)
        entry.update(outcome="pending" if saved.pending else "returned", error=saved.error)
    except ConflictError:
        entry["outcome"] = "refused"
    entry["end"] = time.monotonic()
    return entry


def _write_until_empty(store: Store, seconds: float = 30.0) -> None:
    """Saves still waiting (a lock held too long, Google down) are written before the end."""
    until = time.monotonic() + seconds
    while store.flush() or store.pending_count():
        assert time.monotonic() < until, f"saves still waiting: {store.queue.ops()}"
        time.sleep(0.05)


def local_writer(path: str, who: str, role: str, count: int, ids: list[str], go, log: str):
    """One OS process with its own store (imported by the "spawn" children)."""
    from utils.store.local import LocalWorkbookStore

    store = LocalWorkbookStore(path)
    store.read()
    rng = random.Random(who)
    go.wait(120)  # everyone starts at the same moment
    entries = []
    for k in range(count):
        if role == "append":
            entries.append(_append_one(store, who, k))
        else:
            entries.append(_update_one(store, who, k, ids, rng))
    _write_until_empty(store)
    Path(log).write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


# ---- checking the end state ----
def check_everything_accounted_for(
    rows: list[list[object]], entries: list[dict], conflicts: list[PendingOp], seeds: dict
) -> dict:
    """`rows`: the clients tab as the spreadsheet holds it now (header first). Returns the
    counts of each outcome, for the report."""
    layout, _ = read_layout("clients", rows[0], "clients")
    at = layout.index
    cells = {}
    for row in rows[1:]:
        row = list(row) + [None] * (len(rows[0]) - len(row))
        rid = row[at["client_id"]]
        if rid not in (None, ""):
            cells.setdefault(str(rid), []).append(row)

    # every append exactly once, with its own marker
    appends = [e for e in entries if e["kind"] == "append"]
    assert len({e["id"] for e in appends}) == len(appends), "an ID was given twice"
    notes = Counter(str(r[at["notes"]]) for group in cells.values() for r in group)
    for e in appends:
        assert len(cells.get(e["id"], [])) == 1, (
            f"{e['id']} is in the sheet {len(cells.get(e['id'], []))}×"
        )
        assert cells[e["id"]][0][at["notes"]] == e["marker"]
        assert notes[e["marker"]] == 1
    assert len(cells) == len({rid for rid, _ in seeds}) + len(appends), "no row from nowhere"

    # every update landed (on the chain of values of its cell) or reported — one of the two
    updates = [e for e in entries if e["kind"] == "update"]
    by_value = {e["value"]: e for e in updates}
    set_aside = {
        (c.record_id, f, str(v)) for c in conflicts for f, v in c.values.items() if f in FIELDS
    }
    landed: set[str] = set()
    for (rid, field), first in seeds.items():
        (row,) = cells[rid]
        value, chain = row[at[field]], []
        while value != first:  # follow the cell's values back to the first one
            e = by_value.get(value)
            assert e is not None, f"{rid}.{field} holds {value!r}, which nobody wrote"
            assert (e["id"], e["field"]) == (rid, field), e
            assert value not in chain, f"{value!r} applied twice"
            chain.append(value)
            value = e["seen"]
        landed |= set(chain)
    outcomes = Counter()
    for e in updates:
        on_chain = e["value"] in landed
        aside = (e["id"], e["field"], e["value"]) in set_aside
        refused = e["outcome"] == "refused"
        assert on_chain + aside + refused == 1, (
            f"update {e} is {'landed' if on_chain else ''} {'set aside' if aside else ''} "
            f"{'refused' if refused else ''} — exactly one expected"
        )
        outcomes["landed" if on_chain else "set aside" if aside else "refused at once"] += 1
        outcomes[f"returned {e['outcome']}"] += 1
    outcomes["appended"] = len(appends)
    outcomes["appends that waited"] = sum(e["pending"] for e in appends)
    return dict(outcomes)


def saves_per_second(entries: list[dict]) -> float:
    span = max(e["end"] for e in entries) - min(e["start"] for e in entries)
    return len(entries) / span


# ==== local workbook: processes =============================================================
@pytest.mark.slow
def test_processes_appending_and_updating_one_workbook_lose_nothing(tmp_path: Path) -> None:
    from utils.store.local import LocalWorkbookStore

    path = tmp_path / "desk.xlsx"
    seeder = LocalWorkbookStore(path)
    seeder.init("zh")
    ids, refused = seeder.append_many("clients", _seed_records(), user="导入")
    assert not refused
    seeds = {(rid, f): f"初始-{f}-{n}" for n, rid in enumerate(ids) for f in FIELDS}

    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    roles = [("append", APPENDS)] * APPENDERS + [("update", UPDATES)] * UPDATERS
    logs = [tmp_path / f"log-{n}.json" for n in range(len(roles))]
    procs = [
        ctx.Process(
            target=local_writer,
            args=(str(path), f"P{n}", role, count, ids, go, str(logs[n])),
            daemon=True,
        )
        for n, (role, count) in enumerate(roles)
    ]
    for p in procs:
        p.start()
    time.sleep(0.5)
    go.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * len(procs)

    entries = [e for log in logs for e in json.loads(log.read_text(encoding="utf-8"))]
    assert len(entries) == APPENDERS * APPENDS + UPDATERS * UPDATES
    final = LocalWorkbookStore(path)
    assert final.pending_count() == 0
    rows = _sheet_rows(path)
    outcomes = check_everything_accounted_for(rows, entries, final.queue.conflicts(), seeds)
    rate = saves_per_second(entries)
    snapshot = final.read(fresh=True)
    assert [p for p in snapshot.problems if p.level == "error"] == []
    print(
        f"\nlocal: {len(procs)} processes, {len(entries)} saves, {rate:.1f} saves/s "
        f"under contention ({os.cpu_count()} cores); {outcomes}"
    )
    assert rate > 0.5  # a sanity bound only: the machine's figure is in the docs


def test_a_save_already_written_is_not_set_aside_by_another_process(tmp_path: Path) -> None:
    """Three processes (three stores on one workbook); a process is descheduled between
    releasing the lock and removing its queue files (made to happen here by a hook)."""
    from utils.store.local import LocalWorkbookStore

    path = tmp_path / "desk.xlsx"
    seeder = LocalWorkbookStore(path)
    seeder.init("en")
    rid = seeder.append("clients", _seed_records()[0], user="import").record_id
    ann, bob, cat = (LocalWorkbookStore(path) for _ in range(3))
    ann_saw = ann.read().record("clients", rid)

    def paused_before_removing(store, meanwhile) -> None:
        done = store.queue.done
        calls: list[Path] = []

        def later(queue_file: Path) -> None:
            if not calls:
                meanwhile()
            calls.append(queue_file)
            done(queue_file)

        store.queue.done = later

    def another_process_tries_to_write() -> None:
        """Between Ann's write and the removal of her queue file, another process wants the
        workbook: it finds it locked (the removal happens under the lock) and waits."""
        cat.file_lock.timeout = 0.2
        assert cat.flush(), "the workbook is still Ann's: the other process waits"

    paused_before_removing(ann, another_process_tries_to_write)
    saved = ann.update("clients", rid, {"notes": "Ann's"}, seen=ann_saw, user="Ann")
    assert not saved.pending
    assert cat.flush() == "" and cat.queue.conflicts() == [], "Ann's save landed: no conflict"
    seen = bob.read(fresh=True).record("clients", rid)
    assert seen is not None and seen["notes"] == "Ann's"
    bob.update("clients", rid, {"notes": "Bob's"}, seen=seen, user="Bob")  # built on Ann's
    assert _cell(path, rid, "Notes") == "Bob's"
    assert cat.queue.conflicts() == []


def _cell(path: Path, rid: str, header: str) -> object:
    import openpyxl

    ws = openpyxl.load_workbook(path)["Clients"]
    names = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == rid:
            return row[names.index(header)]
    raise AssertionError(f"{rid} is not in the workbook")


def _sheet_rows(path: Path) -> list[list[object]]:
    import openpyxl

    ws = openpyxl.load_workbook(path)[TABLES["clients"].zh]
    return [list(r) for r in ws.iter_rows(values_only=True)]


# ==== Google Sheets: threads, several stores, faults ========================================
class FakeGoogle:
    """One fake spreadsheet and the stores (sessions) on it — the minimal part of the harness
    in tests/test_gsheets_store.py."""

    def __init__(self, folder: Path) -> None:
        from tests.fake_sheets import FakeSheetsAPI

        self.api = FakeSheetsAPI(latency=0.001)  # requests interleave, as over a network
        self.sid = self.api.create_spreadsheet("Sheetdesk concurrency", tabs={"Sheet1": []})
        self.pending = folder / f"gsheets-{self.sid}.pending"

    def __call__(self):
        from tests.fake_sheets import make_client
        from utils.store.gsheets import GoogleSheetsStore
        from utils.store.gsheets_api import RetryPolicy

        return GoogleSheetsStore(
            self.sid,
            client=make_client(self.api),
            pending_dir=self.pending,
            retry=RetryPolicy(sleep=lambda seconds: None),  # retries at once: faults bite
        )


class Chaos:
    """Faults while the writers run, one after another (the next once the last has fired):
    transient errors on reads and writes, writes that land but whose answer is lost, and
    short outages in which nothing gets through, so that saves wait in the queue."""

    FAULTS: ClassVar[list[tuple[int | str, int, str | None]]] = [
        (503, 2, None),
        (429, 3, None),
        ("timeout_after_commit", 1, ":append"),
        ("timeout", 2, None),
        ("connection", 1, None),
        (500, 6, None),  # more than the retries: that save waits in the queue
        ("timeout_after_commit", 1, "PUT"),
    ]

    def __init__(self, api) -> None:
        self.api = api
        self.stop = threading.Event()
        self.outages = 0
        self.refused = 0  # requests refused during the outages
        self.a_save_waited = threading.Event()  # set by the writers
        self.thread = threading.Thread(target=self.run, name="chaos", daemon=True)

    def run(self) -> None:
        n = 0
        while not self.stop.wait(0.03):
            fault, times, match = self.FAULTS[n % len(self.FAULTS)]
            handle = self.api.inject(fault, times=times, match=match)
            while handle.remaining > 0 and not self.stop.wait(0.005):
                pass
            handle.remaining = 0
            n += 1
            if n % 5 == 0:  # Google is down for a moment (the first time, until a save waited)
                outage = self.api.inject(503, times=10**6)
                self.stop.wait(0.2)
                if self.outages == 0:
                    self.a_save_waited.wait(5)
                outage.remaining = 0
                self.outages += 1
                self.refused += outage.fired


@pytest.mark.slow
def test_threads_with_their_own_google_stores_lose_nothing_through_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from utils.store import read_cache

    read_cache.reset()  # the cache is per process: this test is a new process
    google = FakeGoogle(tmp_path)
    seeder = google()
    seeder.init("en")
    ids, refused = seeder.append_many("clients", _seed_records(), user="import")
    assert not refused
    seeds = {(rid, f): f"初始-{f}-{n}" for n, rid in enumerate(ids) for f in FIELDS}

    go = threading.Event()
    results: dict[str, list[dict]] = {}
    failures: list[BaseException] = []
    chaos = Chaos(google.api)

    def writer(who: str, role: str, count: int) -> None:
        try:
            store = google()
            store.read()
            rng = random.Random(who)
            go.wait(30)
            entries = []
            for k in range(count):
                if role == "append":
                    entries.append(_append_one(store, who, k))
                else:
                    entries.append(_update_one(store, who, k, ids, rng))
                if entries[-1].get("pending") or entries[-1].get("outcome") == "pending":
                    chaos.a_save_waited.set()
            results[who] = entries
        except BaseException as exc:  # reported below, with the thread's name
            failures.append(exc)
            raise

    roles = [("append", APPENDS)] * APPENDERS + [("update", UPDATES)] * UPDATERS
    threads = [
        threading.Thread(target=writer, args=(f"T{n}", role, count), name=f"writer-{n}")
        for n, (role, count) in enumerate(roles)
    ]
    for th in threads:
        th.start()
    chaos.thread.start()
    go.set()
    for th in threads:
        th.join(120)
    chaos.stop.set()
    chaos.thread.join(5)
    assert not failures, failures
    google.api.clear_faults()

    entries = [e for who in sorted(results) for e in results[who]]
    assert len(entries) == APPENDERS * APPENDS + UPDATERS * UPDATES
    waited = sum(e.get("pending", False) or e.get("outcome") == "pending" for e in entries)
    read_cache.reset()
    final = google()
    _write_until_empty(final)  # what waited in the queue is written now, once
    rows = google.api.values(google.sid, "Clients")
    outcomes = check_everything_accounted_for(rows, entries, final.queue.conflicts(), seeds)
    rate = saves_per_second(entries)
    faulted = Counter(c.outcome for c in google.api.history if c.outcome not in ("ok", "error"))
    print(
        f"\ngoogle: {len(threads)} threads, {len(entries)} saves, {rate:.1f} saves/s, "
        f"{waited} waited in the queue, {chaos.outages} outages ({chaos.refused} requests "
        f"refused), faults {dict(faulted)}; {outcomes}"
    )
    assert waited > 0, "some saves waited in the queue (the faults are meant to bite)"
    assert sum(faulted.values()) > 10
    assert rate > 0.5
    snapshot = final.read(fresh=True)
    assert [p for p in snapshot.problems if p.level == "error"] == []


def test_a_save_written_during_another_sessions_check_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from utils.store import gsheets_sheet, read_cache

    read_cache.reset()
    google = FakeGoogle(tmp_path)
    seeder = google()
    seeder.init("en")
    (rid,), _ = seeder.append_many("clients", _seed_records()[:1], user="import")
    ann, bob = google(), google()
    ann_saw = ann.read().record("clients", rid)
    bob_saw = bob.read().record("clients", rid)

    locate = gsheets_sheet.SheetAccess.locate
    told: list[str] = []

    def slow_locate(self, tab: str, record_id: str):
        ref = locate(self, tab, record_id)
        if not told:  # Bob's check has its answer; Ann's save is written before he goes on
            told.append("ann")
            saved = ann.update("clients", rid, {"region": "Ann's"}, seen=ann_saw, user="Ann")
            assert not saved.pending and saved.error == ""  # Ann is told it is saved
        return ref

    monkeypatch.setattr(gsheets_sheet.SheetAccess, "locate", slow_locate)
    refused = False
    try:
        bob.update("clients", rid, {"region": "Bob's"}, seen=bob_saw, user="Bob")
    except ConflictError:
        refused = True
    monkeypatch.setattr(gsheets_sheet.SheetAccess, "locate", locate)
    rows = google.api.values(google.sid, "Clients")
    region = rows[0].index("Region")
    (cell,) = [row[region] for row in rows if row[0] == rid]
    set_aside = [c.values.get("region") for c in bob.queue.conflicts()]
    assert cell == "Ann's", "Ann's save, reported saved, is still there"
    assert refused or set_aside == ["Bob's"], "Bob is told, or his save is set aside"


def test_a_save_whose_answer_was_lost_is_not_overwritten_by_the_next(tmp_path: Path) -> None:
    from utils.store import read_cache

    read_cache.reset()
    google = FakeGoogle(tmp_path)
    seeder = google()
    seeder.init("en")
    (rid,), _ = seeder.append_many("clients", _seed_records()[:1], user="import")
    ann, bob = google(), google()
    ann_saw = ann.read().record("clients", rid)
    bob_saw = bob.read().record("clients", rid)
    put = bob.queue.put

    def ann_saves_first(op: PendingOp) -> None:  # Bob's check has passed; Ann saves now
        google.api.inject("timeout_after_commit", times=1, match="PUT")  # lands, answer lost
        saved = ann.update("clients", rid, {"region": "Ann's"}, seen=ann_saw, user="Ann")
        assert not saved.pending and saved.error == ""  # Ann is told it is saved
        put(op)

    bob.queue.put = ann_saves_first  # type: ignore[method-assign]
    refused = False
    try:
        bob.update("clients", rid, {"region": "Bob's"}, seen=bob_saw, user="Bob")
    except ConflictError:
        refused = True
    rows = google.api.values(google.sid, "Clients")
    region = rows[0].index("Region")
    (cell,) = [row[region] for row in rows if row[0] == rid]
    set_aside = [c.values.get("region") for c in bob.queue.conflicts()]
    assert cell == "Ann's", "Ann's save, reported saved, is still there"
    assert refused or set_aside == ["Bob's"], "Bob is told, or his save is set aside"


def test_a_save_landing_during_a_read_is_in_that_read(tmp_path: Path, monkeypatch) -> None:
    """Another process reads the cells; then the writer puts a waiting save in the workbook and
    takes it off the queue; then the reader looks at the queue. The save must be in that
    snapshot, once (it listed the queue first, and laying a landed save over is harmless)."""
    from utils.store.local import LocalWorkbookStore

    path = tmp_path / "desk.xlsx"
    LocalWorkbookStore(path).init("en")
    app = LocalWorkbookStore(path)
    app.background = True
    monkeypatch.setattr(app, "_wake_writer", lambda: None)  # the save waits in the queue
    rid = app.append("clients", _seed_records()[0], user="王芳").record_id
    assert app.pending_count() == 1

    reader = LocalWorkbookStore(path)
    cells_then = reader._read_raw

    def read_then_the_writer_runs():
        raw = cells_then()
        assert app.flush() == "" and app.pending_count() == 0  # written, off the queue
        return raw

    monkeypatch.setattr(reader, "_read_raw", read_then_the_writer_runs)
    clients = reader.read(fresh=True).clients
    assert list(clients["client_id"]).count(rid) == 1
    assert LocalWorkbookStore(path).read(fresh=True).clients["client_id"].tolist() == [rid]
