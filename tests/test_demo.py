"""Demo data that a desk would believe: nothing happens after 09:00 on the reference day, a few
percent of the complaints open past their deadline (the recent ones, not last year's), follow-ups
made by a colleague, deterministic for a seed and day; and a manifest of what was loaded, so
that exactly those rows — and nothing typed by people — are picked for removal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from sheets_schema.validate import records_frame, validate_record
from utils import demo
from utils.deadlines import overdue_mask
from utils.errors import StoreError
from utils.settings import Settings
from utils.store.local import LocalWorkbookStore

S = Settings()
DAYS = [dt.date(2026, 11, 23), dt.date(2026, 10, 8), dt.date(2027, 1, 4)]  # a Monday, after
# the National Day holiday, the first working day of a year
EVENTS = {
    "clients": ("registered_on", "updated_at"),
    "complaints": ("received_at", "resolved_at", "feedback_at", "closed_at", "updated_at"),
    "revisits": ("done_at", "updated_at"),
}


def frames(data: demo.DemoData) -> dict[str, pd.DataFrame]:
    return {tab: records_frame(tab, getattr(data, tab)) for tab in EVENTS}


@pytest.mark.parametrize("today", DAYS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nothing_happens_after_the_reference_moment(seed, today):
    data = demo.generate(60, 300, 300, seed=seed, today=today)
    cutoff = pd.Timestamp(dt.datetime.combine(today, demo.CUTOFF_TIME))
    for tab, frame in frames(data).items():
        for column in EVENTS[tab]:
            latest = pd.to_datetime(frame[column]).max()
            assert pd.isna(latest) or latest <= cutoff, (tab, column, latest)
    lines = [line for r in data.complaints for line in r["progress_log"].splitlines()]
    assert max(dt.datetime.strptime(line[:16], "%Y-%m-%d %H:%M") for line in lines) <= cutoff


@pytest.mark.parametrize("today", DAYS)
def test_every_record_is_valid_and_in_order(today):
    data = demo.generate(60, 300, 300, seed=5, today=today)
    for tab in EVENTS:
        for record in getattr(data, tab):
            assert not validate_record(tab, record)[1], (tab, record)
    registered = {c["client_id"]: c["updated_at"] for c in data.clients}
    for c in data.complaints:
        assert registered[c["client_id"]] <= c["received_at"] <= c["updated_at"]
        if c.get("resolved_at"):
            assert c["received_at"] < c["resolved_at"]
        if c.get("closed_at"):
            assert c["resolved_at"] <= c["closed_at"]


@pytest.mark.parametrize(("seed", "today"), [(1, DAYS[0]), (2, DAYS[1]), (3, DAYS[2])])
def test_a_few_percent_overdue_and_the_open_ones_are_recent(seed, today):
    data = demo.generate(300, 2000, 2000, seed=seed, today=today)
    complaints = frames(data)["complaints"]
    now = dt.datetime.combine(today, demo.CUTOFF_TIME)
    overdue = overdue_mask(complaints, now, S)
    assert 0.01 <= overdue.mean() <= 0.10, overdue.mean()
    status = complaints["status"]
    is_open = status.isin(["received", "in_progress"])
    assert 0.01 <= is_open.mean() <= 0.15, is_open.mean()
    assert status.isin(["resolved", "closed"]).mean() >= 0.85
    assert (status == "closed").mean() >= 0.5
    age = pd.Timestamp(now) - pd.to_datetime(complaints["received_at"])
    assert age[is_open].median() < pd.Timedelta(days=30)  # recent ones are the open ones
    assert (age[is_open] > pd.Timedelta(days=90)).mean() < 0.25
    assert complaints["progress_log"].str.contains("reopen").any()


def test_follow_ups_are_made_by_a_colleague_and_close_the_complaint():
    data = demo.generate(80, 400, 500, seed=4, today=DAYS[0])
    complaints = {c["complaint_id"]: c for c in data.complaints}
    followups = [r for r in data.revisits if r["kind"] == "complaint_followup"]
    assert followups
    for visit in followups:
        complaint = complaints[visit["complaint_id"]]
        assert visit["staff"] not in (complaint["handler"], complaint["first_receiver"])
        assert visit["done_at"] >= complaint["received_at"]
    closed = [c for c in data.complaints if c["status"] == "closed"]
    reached = {r["complaint_id"] for r in followups if r["reached"] == "yes"}
    assert closed and all(c["complaint_id"] in reached for c in closed)
    routine = [r for r in data.revisits if r["kind"] != "complaint_followup"]
    assert len(routine) >= 0.2 * 500  # the routine revisits are not all used up


def test_deterministic_for_a_seed_and_day():
    a = demo.generate(40, 120, 150, seed=3, today=DAYS[0])
    b = demo.generate(40, 120, 150, seed=3, today=DAYS[0])
    c = demo.generate(40, 120, 150, seed=4, today=DAYS[0])
    assert a == b and a != c


def test_resolutions_fall_in_office_hours():
    data = demo.generate(60, 400, 100, seed=6, today=DAYS[0])
    hours = [c["resolved_at"].hour for c in data.complaints if c.get("resolved_at")]
    assert hours and all(8 <= h < 18 for h in hours)


# --- the manifest: exactly what the demo added ----------------------------------------------------

TODAY = DAYS[0]
NOW = dt.datetime.combine(TODAY, dt.time(9, 30))


@pytest.fixture
def store(tmp_path: Path) -> LocalWorkbookStore:
    store = LocalWorkbookStore(tmp_path / "desk.xlsx", clock=lambda: NOW)
    store.init("en")
    return store


def hand_typed(store: LocalWorkbookStore) -> dict[str, str]:
    """Rows people typed: a client of their own and a revisit of a demo client."""
    demo_client = store.read(fresh=True).clients["client_id"].iloc[0]
    client = {"name": "真实客户", "phone": "13900001111", "owner": "王芳", "status": "active"}
    revisit = {
        "client_id": demo_client,
        "kind": "routine",
        "done_at": NOW,
        "staff": "王芳",
        "reached": "no",
    }
    return {
        "clients": store.append("clients", client, user="王芳").record_id,
        "revisits": store.append("revisits", revisit, user="王芳").record_id,
    }


def test_load_writes_a_manifest_of_exactly_the_saved_ids(store):
    counts = demo.load_demo(store, clients=12, complaints=20, revisits=20, seed=2, today=TODAY)
    path = demo.manifest_path(store)
    assert path == Path(f"{store.path}.demo.json")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    snap = store.read(fresh=True)
    for tab in demo.DEMO_TABS:
        ids = snap.frames[tab][demo.TABLES[tab].id_field].tolist()
        assert sorted(manifest["ids"][tab]) == sorted(ids), tab
        assert counts[tab] == len(ids)
    assert manifest["loads"] == [{"seed": 2, "today": TODAY.isoformat(), "counts": counts}]


def test_demo_rows_selects_the_demo_rows_and_nothing_typed_by_people(store):
    demo.load_demo(store, clients=12, complaints=20, revisits=20, seed=2, today=TODAY)
    mine = hand_typed(store)
    manifest = demo.read_manifest(demo.manifest_path(store))
    snap = store.read(fresh=True)
    chosen = demo.demo_rows(snap.frames, manifest)
    for tab in demo.DEMO_TABS:
        id_field = demo.TABLES[tab].id_field
        picked = set(chosen[tab][id_field])
        assert picked == set(manifest["ids"][tab]), tab
        assert mine.get(tab, "") not in picked
        left = set(snap.frames[tab][id_field]) - picked
        assert left == ({mine[tab]} if tab in mine else set()), tab


def test_a_second_load_adds_to_the_manifest_and_a_missing_one_selects_nothing(store, tmp_path):
    assert all(v == [] for v in demo.read_manifest(tmp_path / "none.json")["ids"].values())
    demo.load_demo(store, clients=5, complaints=5, revisits=5, seed=1, today=TODAY)
    demo.load_demo(store, clients=5, complaints=5, revisits=5, seed=9, today=TODAY)
    manifest = demo.read_manifest(demo.manifest_path(store))
    snap = store.read(fresh=True)
    assert len(manifest["ids"]["clients"]) == len(snap.clients) == 10
    assert len(manifest["loads"]) == 2
    empty = demo.read_manifest(tmp_path / "none.json")
    assert all(frame.empty for frame in demo.demo_rows(snap.frames, empty).values())


def test_remove_demo_needs_a_store_that_deletes_and_otherwise_deletes_nothing(store):
    demo.load_demo(store, clients=8, complaints=10, revisits=10, seed=2, today=TODAY)
    before = {tab: len(f) for tab, f in store.read(fresh=True).frames.items()}
    with pytest.raises(StoreError) as caught:
        demo.remove_demo(store, "管理员")
    assert "cannot delete rows" in caught.value.message("en")
    assert "不支持删除" in caught.value.message("zh")
    assert {tab: len(f) for tab, f in store.read(fresh=True).frames.items()} == before
    assert demo.manifest_path(store).exists()


def test_remove_demo_deletes_exactly_the_manifest_rows_children_first(store):
    demo.load_demo(store, clients=8, complaints=10, revisits=10, seed=2, today=TODAY)
    mine = hand_typed(store)
    manifest = demo.read_manifest(demo.manifest_path(store))
    calls: list[tuple[str, list[str], str]] = []

    class Deleting:  # the store API remove_demo asks for: delete_many(tab, ids, *, user)
        def __init__(self, inner: LocalWorkbookStore) -> None:
            self.inner = inner
            self.path = inner.path

        def read(self, *, fresh: bool = False):
            return self.inner.read(fresh=fresh)

        def display_name(self) -> str:
            return self.inner.display_name()

        def delete_many(self, tab: str, ids: list[str], *, user: str) -> list[str]:
            calls.append((tab, ids, user))
            return ids

    counts = demo.remove_demo(Deleting(store), "管理员")
    assert [tab for tab, _, _ in calls] == ["revisits", "complaints", "clients"]
    for tab, ids, user in calls:
        assert sorted(ids) == sorted(manifest["ids"][tab]) and user == "管理员"
        assert mine.get(tab) not in ids
        assert counts[tab] == len(ids)
    assert not demo.manifest_path(store).exists()
