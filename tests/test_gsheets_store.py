"""The Google Sheets backend on the offline fake of the Sheets v4 API (real gspread code runs).

- the store contract (tests/store_contract.py), as for the local workbook;
- request counts: one batch read per cache window for any number of sessions, append = one
  write, update = at most one read + one write, no repeated metadata;
- faults (429, 5xx, timeouts before and after the write landed, dropped connections): no save
  lost, none written twice; what cannot be written after the retries stays pending;
- a Google that never answers: a save gives up within the 30 s deadline (a fake clock), each
  request's timeout cut to the time left;
- cells: RAW text, serial-number dates, header layout, extra columns, tabs deleted or renamed;
- `init`: tabs, headers, frozen row, dropdowns, protected columns, data untouched.
Configuration errors (credentials, sharing) are in tests/test_gsheets_config.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from pathlib import Path

import pytest

from sheets_schema.tables import TABLES
from tests.fake_sheets import FakeSheetsAPI, make_client
from tests.store_contract import CLIENT, StoreContract
from utils.errors import StoreError
from utils.store import read_cache
from utils.store.gsheets import GoogleSheetsStore
from utils.store.gsheets_api import RetryPolicy
from utils.store.gsheets_cells import letter

NO_WAIT = RetryPolicy(sleep=lambda seconds: None)


class FakeGoogle:
    """A harness for the contract: one fake spreadsheet, stores (sessions) on it."""

    def __init__(self, folder: Path) -> None:
        self.api = FakeSheetsAPI()
        self.sid = self.api.create_spreadsheet("Sheetdesk test", tabs={"Sheet1": []})
        self.pending = folder / f"gsheets-{self.sid}.pending"

    def __call__(self, **kwargs: object) -> GoogleSheetsStore:
        kwargs.setdefault("retry", NO_WAIT)
        return GoogleSheetsStore(
            self.sid, client=make_client(self.api), pending_dir=self.pending, **kwargs
        )

    @contextlib.contextmanager
    def unavailable(self):
        self.api.inject(503, times=10**6)
        try:
            yield
        finally:
            self.api.clear_faults()

    def hand_edit(self, tab: str, record_id: str, field: str, value: object) -> None:
        """A person changes one cell in the browser."""
        title = TABLES[tab].label("en")
        rows = self.values(title)
        column = rows[0].index(TABLES[tab].by_field[field].label("en"))
        number = next(n for n, r in enumerate(rows, start=1) if r and r[0] == record_id)
        self.api.set_values(self.sid, title, [[value]], f"{letter(column)}{number}")

    def values(self, tab: str) -> list[list[object]]:
        return self.api.values(self.sid, tab)

    def column(self, tab: str, index: int = 0) -> list[object]:
        return [r[index] if len(r) > index else "" for r in self.values(tab)[1:]]


@pytest.fixture(autouse=True)
def _one_process_per_test():
    read_cache.reset()  # the caches are per process: each test is a new process
    yield
    read_cache.reset()


@pytest.fixture
def google(tmp_path: Path) -> FakeGoogle:
    return FakeGoogle(tmp_path)


@pytest.fixture
def store_factory(google: FakeGoogle) -> FakeGoogle:
    return google


class TestGoogleContract(StoreContract):
    """The same contract as the local workbook, on the fake Google Sheet."""


@pytest.fixture
def seeded(google: FakeGoogle) -> FakeGoogle:
    """Tabs made by init, 40 clients and 60 complaints written by the app; a new process."""
    store = google()
    store.init("en")
    clients, _ = store.append_many(
        "clients", [{**CLIENT, "name": f"Client {n}"} for n in range(40)], user="seed"
    )
    store.append_many(
        "complaints",
        [
            {
                "client_id": clients[n % 40],
                "received_at": dt.datetime(2026, 11, 2, 9, n % 60),
                "description": f"complaint {n}",
                "first_receiver": "王芳",
                "severity": "normal",
            }
            for n in range(60)
        ],
        user="seed",
    )
    read_cache.reset()
    google.api.reset_counts()
    return google


def _complaint(client_id: str) -> dict:
    return {
        "client_id": client_id,
        "received_at": dt.datetime(2026, 11, 23, 10, 5, 9),
        "description": "No hot water",
        "first_receiver": "李娜",
    }


# ---- request counts ----
def test_ten_sessions_one_read_one_write_per_save(seeded: FakeGoogle) -> None:
    api = seeded.api
    sessions = [seeded() for _ in range(10)]
    for s in sessions:
        assert len(s.read().complaints) == 60
    assert (api.count("metadata"), api.count("read"), api.count("write")) == (1, 1, 0)
    assert api.count(op="values.batchGet") == 1

    api.reset_counts()
    client = sessions[0].read().clients.client_id.iloc[0]
    saved = sessions[3].append("complaints", _complaint(client), user="李娜")
    assert not saved.pending
    # the record, then its change-history row (two tabs cannot be one request)
    assert (api.count("metadata"), api.count("read"), api.count("write")) == (0, 0, 2)
    assert api.count(op="values.append") == 2
    for s in sessions:  # everyone sees it at once, without reading again
        assert saved.record_id in set(s.read().complaints.complaint_id)
    assert api.count("read") == 0
    assert all(s.read() is sessions[3].read() for s in sessions)  # nor validating again

    api.reset_counts()
    record = sessions[5].read().record("complaints", saved.record_id)
    sessions[5].update(
        "complaints",
        saved.record_id,
        {"handler": "张伟"},
        seen=record,
        user="张伟",
    )
    assert api.count("read") <= 1 and api.count("write") == 2 and api.count("metadata") == 0
    for s in sessions:
        assert s.read().record("complaints", saved.record_id)["handler"] == "张伟"
    assert api.count("read") <= 1


def test_sessions_reading_at_the_same_moment_share_one_read(seeded: FakeGoogle) -> None:
    import threading

    seeded.api.latency = 0.05
    stores = [seeded() for _ in range(10)]
    sizes: list[int] = []
    threads = [
        threading.Thread(target=lambda s=s: sizes.append(len(s.read().clients))) for s in stores
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sizes == [40] * 10
    assert (seeded.api.count("metadata"), seeded.api.count("read")) == (1, 1)


def test_background_writing_lands_once(seeded: FakeGoogle) -> None:
    store = seeded()
    store.background = True
    store.read()
    saved = store.append("clients", {**CLIENT, "name": "Background"}, user="ann")
    assert saved.pending  # returned at once; the writer thread writes it
    store._writer.join(timeout=10)
    assert store.pending_count() == 0
    assert seeded.column("Clients").count(saved.record_id) == 1


def test_cache_window_and_forced_refresh(seeded: FakeGoogle) -> None:
    now = [1000.0]
    store = seeded(cache_seconds=30)
    store.cache.monotonic = lambda: now[0]
    store.read()
    seeded.api.set_values(seeded.sid, "Clients", [["edited in the browser"]], "N2")
    now[0] += 29
    assert seeded() and store.read().clients.notes.iloc[0] != "edited in the browser"
    assert seeded.api.count("read") == 1
    now[0] += 2  # the window is over: the next read goes to Google, once
    assert store.read().clients.notes.iloc[0] == "edited in the browser"
    assert seeded().read() is not None
    assert seeded.api.count("read") == 2
    store.read(fresh=True)  # a manager's "refresh now"
    assert seeded.api.count("read") == 3


def test_update_finds_the_row_after_rows_moved(seeded: FakeGoogle) -> None:
    store = seeded()
    snapshot = store.read()
    record = snapshot.record("clients", snapshot.clients.client_id.iloc[10])
    seeded.api.insert_rows(seeded.sid, "Clients", 2, 3)  # someone inserts rows at the top
    seeded.api.delete_rows(seeded.sid, "Clients", 30, 1)  # and deletes one further down
    store.update(
        "clients",
        record["client_id"],
        {"notes": "moved"},
        seen=record,
        user="ann",
    )
    rows = seeded.values("Clients")
    hits = [r for r in rows if r and r[0] == record["client_id"]]
    assert len(hits) == 1 and hits[0][13] == "moved"
    assert sum(1 for r in rows if len(r) > 13 and r[13] == "moved") == 1


# ---- faults: nothing lost, nothing twice ----
FAULTS = [429, 500, 503, "timeout", "timeout_after_commit", "connection"]


@pytest.mark.parametrize("fault", FAULTS)
def test_append_retried_through_a_fault_lands_once(seeded: FakeGoogle, fault) -> None:
    store = seeded()
    store.read()
    seeded.api.inject(fault, times=2, match=":append")
    saved = store.append("clients", {**CLIENT, "name": "Retried"}, user="ann")
    assert not saved.pending and store.pending_count() == 0
    assert seeded.column("Clients").count(saved.record_id) == 1
    assert seeded.column("Clients", 1).count("Retried") == 1


@pytest.mark.parametrize("fault", FAULTS)
def test_append_failing_after_retries_stays_pending_then_lands_once(
    seeded: FakeGoogle, fault
) -> None:
    store = seeded()
    store.read()
    seeded.api.inject(fault, times=10**6, match=":append")
    saved = store.append("clients", {**CLIENT, "name": "Offline"}, user="ann")
    landed = fault == "timeout_after_commit"  # it landed; the look-up finds it
    assert saved.pending is not landed
    if not landed:
        assert "cannot be reached" in saved.error
        assert store.queue.ops()[0].error == saved.error  # the reason, for people
        assert saved.record_id in set(store.read().clients.client_id)  # shown meanwhile
    seeded.api.clear_faults()
    assert store.flush() == ""
    read_cache.reset()
    assert seeded().read().clients.client_id.tolist().count(saved.record_id) == 1
    assert seeded.column("Clients").count(saved.record_id) == 1


def test_crash_after_an_append_landed_does_not_duplicate(seeded: FakeGoogle) -> None:
    """The append landed, its answer was lost and so were the look-ups; the process ended.
    The next process sees the `.sent` marker, looks the ID up and does not append again."""
    store = seeded()
    store.read()
    seeded.api.inject("timeout_after_commit", times=1, match=":append")
    seeded.api.inject("timeout", times=10**6, match="values:batchGet")
    saved = store.append("clients", {**CLIENT, "name": "Crash"}, user="ann")
    assert saved.pending
    seeded.api.clear_faults()
    read_cache.reset()
    later = seeded()
    assert later.flush() == ""
    assert seeded.column("Clients").count(saved.record_id) == 1
    appends = [c.path for c in seeded.api.history if c.op == "values.append"]
    assert sum("Clients" in p for p in appends) == 1  # (and one of its history row)


@pytest.mark.parametrize("fault", [429, 500, "timeout", "timeout_after_commit"])
def test_update_retried_through_a_fault_is_applied_once(seeded: FakeGoogle, fault) -> None:
    store = seeded()
    record = store.read().record("clients", store.read().clients.client_id.iloc[3])
    seeded.api.inject(fault, times=2, match="PUT")
    result = store.update(
        "clients",
        record["client_id"],
        {"notes": "once"},
        seen=record,
        user="bob",
    )
    assert not result.pending and not store.queue.conflicts()
    fresh = seeded().read(fresh=True).record("clients", record["client_id"])
    assert fresh["notes"] == "once" and fresh["updated_by"] == "bob"


def test_reads_retry_then_serve_the_last_cells(seeded: FakeGoogle) -> None:
    store = seeded()
    seeded.api.inject(429, times=2, match="values:batchGet")
    assert len(store.read().clients) == 40  # retried
    seeded.api.inject(503, times=10**6)
    snapshot = store.read(fresh=False)
    assert len(snapshot.clients) == 40
    store.cache.expire()
    assert len(store.read().clients) == 40  # Google is down: the last cells are served
    assert store.stale_error is not None
    seeded.api.clear_faults()


def test_row_changed_before_a_pending_update_is_written(seeded: FakeGoogle) -> None:
    store = seeded()
    record = store.read().record("clients", store.read().clients.client_id.iloc[0])
    with seeded.unavailable():
        queued = store.update(
            "clients",
            record["client_id"],
            {"notes": "mine"},
            seen=record,
            user="ann",
        )
        assert queued.pending
    row = record["_row"]
    seeded.api.set_values(
        seeded.sid, "Clients", [["theirs", "2026-11-23 11:00:00", "bob"]], f"N{row}"
    )  # a person edits the row in the browser
    assert store.flush() == ""
    assert [c.record_id for c in store.queue.conflicts()] == [record["client_id"]]
    assert seeded.values("Clients")[row - 1][13] == "theirs"  # not overwritten


def test_bulk_append_in_chunks_with_a_fault_and_a_taken_id(seeded: FakeGoogle, monkeypatch) -> None:
    from utils.store import gsheets_write

    monkeypatch.setattr(gsheets_write, "APPEND_CHUNK", 10)
    store = seeded()
    taken = store.read().clients.client_id.iloc[0]
    seeded.api.inject(
        "timeout_after_commit",
        times=1,
        match=lambda call: call.op == "values.append" and seeded.api.count(op="values.append") == 2,
    )  # the second chunk lands, its answer is lost
    records = [{**CLIENT, "name": f"Bulk {n}"} for n in range(25)]
    records.append({**CLIENT, "client_id": taken, "name": "typed an existing ID"})
    saved, refused = store.append_many("clients", records, user="import")
    assert not refused and store.pending_count() == 0
    ids = seeded.column("Clients")
    assert all(ids.count(i) == 1 for i in saved)
    assert len(ids) == 40 + 25
    assert [c.record_id for c in store.queue.conflicts()] == [taken]


# ---- Google does not answer: a save gives up within a bounded time ----
class FakeClock:
    """Time for the retry policy and for requests that hang: every request waits out its read
    timeout on this clock and then times out, like a Google that never answers."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def hang(self, google: FakeGoogle, monkeypatch) -> None:
        handle = google.api.handle

        def hung(request, timeout=None):
            self.now += timeout[1] if isinstance(timeout, tuple) else timeout
            return handle(request, timeout)

        monkeypatch.setattr(google.api, "handle", hung)
        google.api.inject("timeout", times=10**6)


@pytest.mark.parametrize("cache", ["fresh", "stale"])
def test_append_gives_up_within_the_deadline_when_every_request_times_out(
    seeded: FakeGoogle, monkeypatch, cache: str
) -> None:
    clock = FakeClock()
    store = seeded(retry=RetryPolicy(sleep=clock.sleep, clock=clock))
    store.read()
    if cache == "stale":  # the header is read again before the append
        monkeypatch.setattr(store, "cache_seconds", -1.0)
    clock.hang(seeded, monkeypatch)
    saved = store.append("clients", {**CLIENT, "name": "Offline"}, user="ann")
    assert saved.pending and "cannot be reached" in saved.error
    assert 29 <= clock.now <= 30.0  # one request's 30 s timeout, nothing after it
    assert store.pending_count() == 1

    # without the deadline (as before it was set) the same flush took five 30 s tries
    read_cache.reset()
    clock.now = 0.0
    unbounded = seeded(retry=RetryPolicy(sleep=clock.sleep, clock=clock, deadline=float("inf")))
    assert unbounded.flush()
    assert clock.now >= 150


def test_update_gives_up_within_two_deadlines_when_every_request_times_out(
    seeded: FakeGoogle, monkeypatch
) -> None:
    """The conflict check (a read) and the write are an operation each."""
    clock = FakeClock()
    store = seeded(retry=RetryPolicy(sleep=clock.sleep, clock=clock))
    record = store.read().record("clients", store.read().clients.client_id.iloc[0])
    clock.hang(seeded, monkeypatch)
    result = store.update(
        "clients",
        record["client_id"],
        {"notes": "offline"},
        seen=record,
        user="ann",
    )
    assert result.pending
    assert clock.now <= 2 * 30.0
    clock.now = 0.0
    with pytest.raises(StoreError):
        store.read(fresh=True)  # a read on its own is one operation too
    assert clock.now <= 30.0


def test_each_request_timeout_is_cut_to_the_time_left(seeded: FakeGoogle) -> None:
    """Real time, a short deadline: Google holds every request for 5 s, longer than the
    deadline; the save gives up after the deadline, not after the 30 s read timeout."""
    store = seeded(retry=RetryPolicy(deadline=0.3))
    store.read()
    seeded.api.latency = 5.0
    started = time.monotonic()
    saved = store.append("clients", {**CLIENT, "name": "Slow"}, user="ann")
    elapsed = time.monotonic() - started
    seeded.api.latency = 0.0
    assert saved.pending and "timeout" in saved.error
    assert 0.25 <= elapsed < 2.0
    assert store.flush() == ""
    assert seeded.column("Clients").count(saved.record_id) == 1


# ---- cells and layout ----
def test_cells_are_written_raw_with_serial_dates(seeded: FakeGoogle) -> None:
    store = seeded()
    client = store.read().clients.client_id.iloc[0]
    saved = store.append(
        "complaints",
        {**_complaint(client), "description": "=SUM(A1:A3)", "responsible_staff": "0138"},
        user="ann",
    )
    call = next(c for c in seeded.api.history if c.op == "values.append")
    assert re.fullmatch(r"'Complaints'!A1", call.path.rsplit("/values/", 1)[1][:-7])
    assert (call.param("valueInputOption"), call.param("insertDataOption")) == (
        "RAW",
        "INSERT_ROWS",
    )
    row = next(r for r in seeded.values("Complaints") if r[0] == saved.record_id)
    formulas = seeded.api.values(seeded.sid, "Complaints", render="FORMULA")
    assert any(r[0] == saved.record_id and "=SUM(A1:A3)" in r for r in formulas)
    assert "=SUM(A1:A3)" in row and "0138" in row
    received = row[2]
    assert isinstance(received, float)
    assert dt.datetime(1899, 12, 30) + dt.timedelta(days=received) == pytest.approx(
        dt.datetime(2026, 11, 23, 10, 5, 9), abs=dt.timedelta(milliseconds=1)
    )
    assert not any(c.op in ("values.clear", "values.batchClear") for c in seeded.api.history)


def test_hand_made_sheet_reordered_columns_extra_column_typed_dates(google: FakeGoogle) -> None:
    google.api.add_tab(
        google.sid,
        "客户档案",
        [
            ["备注", "客户名称", "Internal memo", "联系电话", "客户编号", "登记日期"],
            ["", "王先生", "keep me", "13900000000", "KH-1", ""],
        ],
    )
    google.api.set_values(google.sid, "客户档案", [["2026/10/05"]], "F2")  # typed by a person
    store = google()
    snapshot = store.read()
    assert snapshot.record("clients", "KH-1")["registered_on"].date() == dt.date(2026, 10, 5)
    saved = store.append("clients", {**CLIENT, "notes": "new"}, user="ann")
    header = google.values("客户档案")[0]
    assert header[:6] == ["备注", "客户名称", "Internal memo", "联系电话", "客户编号", "登记日期"]
    assert "更新时间" in header  # missing columns added after the last header, in Chinese
    row = google.values("客户档案")[2]
    assert row[0] == "new" and row[1] == "Ann Lee" and row[4] == saved.record_id
    assert row[2] == ""  # the extra column is left alone
    store.update("clients", "KH-1", {"notes": "updated"}, seen={}, user="ann")
    assert google.values("客户档案")[1][:3] == ["updated", "王先生", "keep me"]


@pytest.mark.parametrize("column_a", [["", "", ""], ["", "1", "2"]])
def test_header_not_starting_in_column_a(google: FakeGoogle, column_a: list[str]) -> None:
    """A1 is blank (an unnamed column, empty or holding someone's row numbers): the new row
    still goes below the last row, under the right headers, and the header stays in row 1."""
    header = ["Client ID", "Name", "Phone", "Updated at", "Updated by"]
    google.api.add_tab(
        google.sid,
        "Clients",
        [
            [column_a[0], *header],
            [column_a[1], "KH-1", "Wang", "13900000000"],
            [column_a[2], "KH-2", "Li", "13900000001"],
        ],
    )
    store = google()
    store.read()
    saved = store.append("clients", {**CLIENT, "client_type": None}, user="ann")
    rows = google.values("Clients")
    assert rows[0][1:6] == header  # (and the missing columns added after them)
    assert rows[3][1:4] == [saved.record_id, "Ann Lee", "13800138000"]
    assert (rows[3][0] if rows[3] else "") == ""
    assert seeded_ids(store) == {"KH-1", "KH-2", saved.record_id}


def seeded_ids(store: GoogleSheetsStore) -> set[str]:
    return set(store.read(fresh=True).clients.client_id)


def test_deleted_and_renamed_tabs(seeded: FakeGoogle) -> None:
    store = seeded()
    store.read()
    ss = seeded.api.spreadsheet(seeded.sid)
    ss.sheets.remove(ss.sheet("Revisits"))  # deleted in the browser
    ss.sheet("Clients").title = "客户档案"  # renamed in the browser
    snapshot = store.read(fresh=True)  # no traceback: one clear problem for the missing tab
    assert len(snapshot.clients) == 40
    missing = [p for p in snapshot.problems if p.key == "problem.missing_tab"]
    assert len(missing) == 1 and missing[0].tab == "revisits"
    assert "Revisits" in missing[0].message("en")
    client = snapshot.clients.client_id.iloc[0]
    saved = store.append(
        "revisits",
        {
            "client_id": client,
            "kind": "routine",
            "staff": "王芳",
            "done_at": dt.datetime(2026, 11, 23, 15, 0),
            "method": "phone",
            "reached": "yes",
            "attempt": 1,
        },
        user="王芳",
    )
    assert not saved.pending  # the tab is made again rather than the save lost
    assert seeded.values("Revisits")[1][0] == saved.record_id
    assert saved.record_id in set(store.read().revisits.revisit_id)


# ---- init ----
def test_init_creates_tabs_and_structure_and_touches_no_data(google: FakeGoogle) -> None:
    google.api.add_tab(
        google.sid, "Complaints", [["Complaint ID", "Description"], ["TS-1", "kept as it is"]]
    )
    store = google()
    added = store.init("zh")
    assert "客户档案" in added and "回访记录" in added
    assert "Complaints: 受理时间" in added
    values = google.values("Complaints")
    assert values[1] == ["TS-1", "kept as it is"]
    assert values[0][:3] == ["Complaint ID", "Description", "客户编号"]
    for title in ("客户档案", "Complaints", "回访记录"):
        sheet = google.api.sheet(google.sid, title)
        assert sheet.frozen_rows == 1
        assert len(sheet.protected_ranges) == 2
        assert all(pr["warningOnly"] for pr in sheet.protected_ranges)
    sheet = google.api.sheet(google.sid, "客户档案")
    rule = sheet.validations[(1, 3)]  # grade, row 2
    names = [v["userEnteredValue"] for v in rule["condition"]["values"]]
    assert rule["strict"] is False and rule["showCustomUi"] is True
    assert names == ["A 重点客户", "B 普通客户", "C 一般客户", "D 潜在客户"]  # the sheet's labels
    assert (0, 3) not in sheet.validations  # not on the header
    assert google.api.count("write") == 2  # one structural batch, one write of header cells
    google.api.reset_counts()
    assert google().init("zh") == []
    assert all(
        len(google.api.sheet(google.sid, t).protected_ranges) == 2
        for t in ("客户档案", "Complaints", "回访记录")
    )
    assert not any(c.op in ("values.clear", "values.batchClear") for c in google.api.history)
