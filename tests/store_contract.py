"""The store contract: what every backend must do, written once against the `Store` interface.

A backend's test module runs these tests by subclassing `StoreContract` (pytest collects the
subclass, not this module) and providing a fixture `store_factory` that returns a *harness*
for one fresh, empty spreadsheet per test:

    harness()              -> Store   a new store on that spreadsheet (another session, or
                                      another process: it must see what the others saved)
    harness.unavailable()  -> a context manager; while inside, saves cannot reach the
                                      spreadsheet (network down, quota, workbook open in Excel)
    harness.hand_edit(tab, record_id, field, value)
                           -> a person changes one cell in the spreadsheet program itself

For the local workbook, for example:

    import contextlib
    import pytest
    from tests.store_contract import StoreContract
    from utils.store.local import LocalWorkbookStore

    class LocalHarness:
        def __init__(self, folder):
            self.path = folder / "desk.xlsx"

        def __call__(self):
            return LocalWorkbookStore(self.path)

        @contextlib.contextmanager
        def unavailable(self):  # Excel's owner file: the workbook is open elsewhere
            owner = self.path.with_name(f"~${self.path.name}")
            owner.write_text("someone")
            try:
                yield
            finally:
                owner.unlink()

    @pytest.fixture
    def store_factory(tmp_path):
        return LocalHarness(tmp_path)

    class TestLocalContract(StoreContract):
        pass

The Google Sheets backend runs them on the offline fake (tests/test_gsheets_store.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_schema.tables import TABLES
from utils.errors import ConflictError, InvalidRecord, RecordNotFound

CLIENT = {
    "name": "Ann Lee",
    "phone": "13800138000",
    "client_type": "individual",
    "grade": "A",
    "status": "active",
    "registered_on": dt.date(2026, 1, 5),
}


def _complaint(client_id: str, **extra: object) -> dict:
    return {
        "client_id": client_id,
        "received_at": dt.datetime(2026, 11, 20, 9, 41, 17),
        "description": "The heating in flat 3-201 has been off for two days.",
        "first_receiver": "王芳",
        "severity": "serious",
        "channel": "phone",
        "category": "service_quality",
        "status": "received",
        **extra,
    }


def _ids(store, tab: str = "clients") -> list[str]:
    return list(store.read(fresh=True).frames[tab][TABLES[tab].id_field])


class StoreContract:
    """Subclass as `TestXxxContract` next to a `store_factory` fixture (see the module doc)."""

    @pytest.fixture
    def store(self, store_factory):
        store = store_factory()
        store.init("en")
        return store

    # ---- appending and reading ----
    def test_append_then_read(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        assert not saved.pending and saved.error == ""
        assert saved.record_id.startswith("KH-")
        record = store.read().record("clients", saved.record_id)
        assert record is not None
        assert record["name"] == "Ann Lee" and record["grade"] == "A"
        assert record["registered_on"].date() == dt.date(2026, 1, 5)
        assert record["updated_by"] == "ann" and record["updated_at"] is not None
        again = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert again is not None and again["name"] == "Ann Lee"

    def test_dates_and_times_round_trip_to_the_second(self, store, store_factory) -> None:
        client = store.append("clients", CLIENT, user="ann").record_id
        saved = store.append("complaints", _complaint(client), user="ann")
        record = store_factory().read(fresh=True).record("complaints", saved.record_id)
        assert record is not None
        assert record["received_at"] == dt.datetime(2026, 11, 20, 9, 41, 17)
        assert record["updated_at"] == saved.record["updated_at"]

    def test_another_session_sees_a_save(self, store, store_factory) -> None:
        other = store_factory()
        assert other.read().is_empty()
        saved = store.append("clients", CLIENT, user="ann")
        assert saved.record_id in set(other.read().clients.client_id)

    def test_formula_looking_text_stays_text(self, store, store_factory) -> None:
        saved = store.append(
            "clients", {**CLIENT, "notes": "=1+1", "name": '=HYPERLINK("x")'}, user="ann"
        )
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None
        assert record["notes"] == "=1+1" and record["name"] == '=HYPERLINK("x")'

    @pytest.mark.parametrize("phone", ["01381234567", "+86 138 0013 8000", "0086-10-8888 1234"])
    def test_phone_numbers_stay_text(self, store, store_factory, phone) -> None:
        saved = store.append("clients", {**CLIENT, "phone": phone}, user="ann")
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None and record["phone"] == phone

    def test_ids_are_unique_across_sessions(self, store, store_factory) -> None:
        other = store_factory()
        other.read()
        ids = []
        for n in range(12):
            who = store if n % 2 else other
            ids.append(who.append("clients", {**CLIENT, "name": f"Client {n}"}, user="x").record_id)
        assert len(set(ids)) == 12
        assert sorted(_ids(store_factory())) == sorted(ids)

    def test_append_many_gives_unique_ids_and_refuses_bad_records(self, store) -> None:
        records = [{**CLIENT, "name": f"Bulk {n}"} for n in range(30)] + [{"name": "no phone"}]
        saved, refused = store.append_many("clients", records, user="import")
        assert len(saved) == 30 and len(set(saved)) == 30
        assert [n for n, _ in refused] == [30]
        assert sorted(_ids(store)) == sorted(saved)

    def test_invalid_record_is_refused_and_nothing_is_written(self, store) -> None:
        with pytest.raises(InvalidRecord) as err:
            store.append("clients", {"name": "No phone"}, user="ann")
        assert any(p.column == "phone" for p in err.value.problems)
        with pytest.raises(InvalidRecord):
            store.append("clients", {**CLIENT, "email": "not an address"}, user="ann")
        assert store.pending_count() == 0
        assert _ids(store) == []

    # ---- updating ----
    def test_update_with_the_right_version(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        result = store.update(
            "clients",
            saved.record_id,
            {"notes": "called back", "grade": "B"},
            seen=saved.record,
            user="bob",
        )
        assert not result.pending and result.error == ""
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None
        assert record["notes"] == "called back" and record["grade"] == "B"
        assert record["name"] == "Ann Lee"  # untouched fields stay
        assert record["updated_by"] == "bob"
        assert record["updated_at"] > saved.record["updated_at"]

    def test_stale_update_is_refused_with_both_versions(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        opened = saved.record  # both people open the form now
        other = store_factory()
        other.update("clients", saved.record_id, {"notes": "theirs"}, seen=opened, user="bob")
        with pytest.raises(ConflictError) as err:
            store.update(
                "clients",
                saved.record_id,
                {"notes": "mine"},
                seen=opened,
                user="ann",
            )
        assert err.value.mine["notes"] == "mine"
        assert err.value.theirs["notes"] == "theirs" and err.value.theirs["updated_by"] == "bob"
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None and record["notes"] == "theirs"  # nothing overwritten
        # the user saw both versions and keeps theirs
        store.update(
            "clients",
            saved.record_id,
            {"notes": "mine"},
            seen=opened,
            user="ann",
            force=True,
        )
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None and record["notes"] == "mine"

    def test_update_of_an_unknown_record(self, store) -> None:
        store.append("clients", CLIENT, user="ann")
        with pytest.raises(RecordNotFound):
            store.update("clients", "KH-20000101-XXXX", {"notes": "x"}, seen={}, user="ann")

    def test_invalid_update_is_refused(self, store) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        with pytest.raises(InvalidRecord):
            store.update(
                "clients",
                saved.record_id,
                {"grade": "Z"},
                seen=saved.record,
                user="ann",
            )
        assert store.pending_count() == 0

    # ---- saves that cannot be written now ----
    def test_pending_saves_are_visible_in_reads(self, store, store_factory) -> None:
        store.read()
        with store_factory.unavailable():
            saved = store.append("clients", CLIENT, user="ann")
            assert saved.pending and saved.error
            snapshot = store.read()
            assert saved.record_id in set(snapshot.clients.client_id)
            assert saved.record_id in snapshot.pending_ids["clients"]
            assert snapshot.pending == 1
            updated = store.update(
                "clients",
                saved.record_id,
                {"notes": "still offline"},
                seen=saved.record,
                user="ann",
            )
            assert updated.pending
            assert store.read().record("clients", saved.record_id)["notes"] == "still offline"

    def test_save_while_unavailable_is_written_once_later(self, store, store_factory) -> None:
        store.read()
        with store_factory.unavailable():
            saved = store.append("clients", CLIENT, user="ann")
            assert saved.pending
            assert store.pending_count() == 1
            assert store.flush() != ""  # still cannot be written; still kept
            assert store.pending_count() == 1
        assert store.flush() == ""
        assert store.pending_count() == 0
        assert store.flush() == ""  # nothing is written twice
        fresh = store_factory()
        assert _ids(fresh).count(saved.record_id) == 1
        assert fresh.read().record("clients", saved.record_id)["name"] == "Ann Lee"

    # ---- hand edits and same-second saves: nothing overwritten, nothing vanishes ----
    def test_a_hand_edit_of_a_cell_the_waiting_save_writes_is_a_conflict(
        self, store, store_factory
    ) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        with store_factory.unavailable():
            waiting = store.update(
                "clients", saved.record_id, {"notes": "mine"}, seen=saved.record, user="ann"
            )
            assert waiting.pending
        store_factory.hand_edit("clients", saved.record_id, "notes", "typed by hand")
        store.flush()
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None and record["notes"] == "typed by hand"
        (conflict,) = store.queue.conflicts()
        assert conflict.values["notes"] == "mine" and "notes" in conflict.error

    def test_a_hand_edit_of_another_cell_stays_beside_the_save(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        with store_factory.unavailable():
            store.update(
                "clients", saved.record_id, {"notes": "mine"}, seen=saved.record, user="ann"
            )
        store_factory.hand_edit("clients", saved.record_id, "region", "West side")
        assert store.flush() == ""
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None
        assert (record["notes"], record["region"]) == ("mine", "West side")
        assert store.queue.conflicts() == []

    def test_a_hand_edit_before_the_save_is_refused_at_once(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        store_factory.hand_edit("clients", saved.record_id, "notes", "typed by hand")
        fresh = store_factory()
        with pytest.raises(ConflictError) as err:
            fresh.update(
                "clients", saved.record_id, {"notes": "mine"}, seen=saved.record, user="ann"
            )
        assert err.value.theirs["notes"] == "typed by hand"

    def test_two_sessions_saving_one_cell_in_the_same_second(self, store, store_factory) -> None:
        """Both saves get the same one-second stamp: one lands, the other is a conflict — the
        person is told either way; neither is taken for the other."""
        saved = store.append("clients", CLIENT, user="ann")
        other = store_factory()
        other.read()
        with store_factory.unavailable():
            store.update(
                "clients", saved.record_id, {"notes": "ann's"}, seen=saved.record, user="ann"
            )
        told = ""
        try:
            other.update(
                "clients", saved.record_id, {"notes": "bob's"}, seen=saved.record, user="bob"
            )
        except ConflictError:
            told = "conflict at once"
        store.flush()
        other.flush()
        record = store_factory().read(fresh=True).record("clients", saved.record_id)
        assert record is not None and record["notes"] in ("ann's", "bob's")
        lost = "bob's" if record["notes"] == "ann's" else "ann's"
        reported = [c.values["notes"] for c in store_factory().queue.conflicts()]
        assert told or lost in reported, "the other save is reported, never silently dropped"

    # ---- the change history (变更记录): written with every save, once ----
    @staticmethod
    def _changes(store_factory, record_id: str | None = None):
        frame = store_factory().read(fresh=True).changes
        return frame if record_id is None else frame[frame["record_id"] == record_id]

    def test_history_of_an_append_an_update_and_a_bulk_load(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        store.update(
            "clients",
            saved.record_id,
            {"grade": "B", "notes": "called back", "name": "Ann Lee"},  # the name is unchanged
            seen=saved.record,
            user="bob",
        )
        rows = self._changes(store_factory, saved.record_id)
        assert list(rows["kind"]) == ["create", "update", "update"]
        assert list(rows["by"]) == ["ann", "bob", "bob"]
        assert set(rows["tab"]) == {"clients"}
        updates = rows[rows["kind"] == "update"].set_index("field")
        assert sorted(updates.index) == ["grade", "notes"]  # changed fields only, no stamps
        assert (updates.loc["grade", "old"], updates.loc["grade", "new"]) == (
            "A – key client",
            "B – regular",
        )  # as people read them
        assert (updates.loc["notes", "old"], updates.loc["notes", "new"]) == ("", "called back")
        assert rows["change_id"].is_unique and all(rows["change_id"].str.startswith("BG-"))
        ids, _ = store.append_many(
            "clients", [{**CLIENT, "name": f"Bulk {n}"} for n in range(7)], user="import"
        )
        changes = self._changes(store_factory)
        assert not changes["record_id"].isin(ids).any()  # no row per bulk record …
        (summary,) = changes[changes["by"] == "import"].itertuples()
        assert (summary.kind, summary.tab, summary.new) == ("create", "clients", "7")  # … one

    def test_history_waits_with_its_save_and_lands_once(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        store.read()
        with store_factory.unavailable():
            updated = store.update(
                "clients", saved.record_id, {"notes": "offline"}, seen=saved.record, user="ann"
            )
            added = store.append("clients", {**CLIENT, "name": "Offline"}, user="ann")
            assert updated.pending and added.pending
            shown = store.read().changes  # the waiting history is shown like the saves
            assert {saved.record_id, added.record_id} <= set(shown["record_id"])
            for _ in range(3):  # retried while unavailable: nothing written, nothing lost
                assert store.flush() != ""
            assert store.pending_count() == 2
        assert store.flush() == ""
        assert store.flush() == ""  # nothing is written twice
        changes = self._changes(store_factory)
        assert changes["change_id"].is_unique
        mine = changes[changes["record_id"].isin([saved.record_id, added.record_id])]
        assert sorted(zip(mine["record_id"], mine["kind"], mine["field"], strict=True)) == sorted(
            [
                (saved.record_id, "create", ""),
                (saved.record_id, "update", "notes"),
                (added.record_id, "create", ""),
            ]
        )
        assert _ids(store_factory()).count(added.record_id) == 1

    def test_a_conflicting_save_writes_no_history(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        with store_factory.unavailable():
            store.update(
                "clients", saved.record_id, {"notes": "mine"}, seen=saved.record, user="ann"
            )
        store_factory.hand_edit("clients", saved.record_id, "notes", "typed by hand")
        store.flush()
        assert [c.record_id for c in store.queue.conflicts()] == [saved.record_id]
        assert [c.tab for c in store.read(fresh=True).conflicts] == ["clients"]
        rows = self._changes(store_factory, saved.record_id)
        assert list(rows["kind"]) == ["create"]  # the set-aside save left no history

    def test_downloads_and_reports_are_registered(self, store, store_factory) -> None:
        done = store.record_export("ann", "clients", 1234, "clients.csv")
        assert not done.pending and done.tab == "changes"
        with store_factory.unavailable():
            waiting = store.record_export("bob", "report", 56, "report 2026-11")
            assert waiting.pending
        assert store.flush() == ""
        changes = self._changes(store_factory)
        rows = changes[changes["kind"].isin(["download", "export"])].sort_values("by")
        assert list(zip(rows["by"], rows["kind"], rows["tab"], rows["new"], strict=True)) == [
            ("ann", "download", "clients", "1234"),
            ("bob", "export", "", "56"),
        ]
        assert list(rows["note"]) == ["clients.csv", "report 2026-11"]
        assert store.pending_count() == 0 and store.queue.conflicts() == []

    def test_a_record_gone_from_the_sheet_is_reported(self, store, store_factory) -> None:
        saved = store.append("clients", CLIENT, user="ann")
        kept = store.append("clients", {**CLIENT, "name": "Kept"}, user="ann")
        store_factory.hand_edit("clients", saved.record_id, "client_id", "KH-TYPED-BY-HAND")
        snapshot = store_factory().read(fresh=True)
        assert not any(p.key == "problem.deleted_by_hand" for p in snapshot.problems)  # (lazy)
        problems = snapshot.all_problems
        gone = [p for p in problems if p.key == "problem.deleted_by_hand"]
        assert [(p.level, p.tab, p.params["value"], p.params["by"]) for p in gone] == [
            ("warning", "clients", saved.record_id, "ann")
        ]
        assert saved.record_id in gone[0].message("en") and "ann" in gone[0].message("en")
        assert kept.record_id not in " ".join(p.message("en") for p in problems)

    def test_init_makes_the_history_and_settings_tabs(self, store, store_factory) -> None:
        snapshot = store_factory().read(fresh=True)
        assert snapshot.problems == [] and snapshot.changes.empty
        keys = list(snapshot.settings["key"])
        assert "time_limit.normal" in keys and "cadence.A" in keys
        assert set(snapshot.settings["value"]) == {""}  # blank: the defaults are in force
        assert store.init("en") == []  # nothing twice
