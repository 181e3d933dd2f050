"""The validated snapshot kept on disk (`utils.store.snapshot_cache`): a new process is served
from it only while the workbook is exactly the one it was made from; a hand edit, an app save,
a damaged cache file, a save still waiting or new code all mean a full read — never a stale
snapshot."""

from __future__ import annotations

import ast
import os
import threading
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from utils.store import local as local_store
from utils.store import snapshot_cache as sc
from utils.store.local import LocalWorkbookStore

CLIENT = {"name": "张三", "phone": "0138 0000 1111", "grade": "重点客户"}
ROOT = Path(__file__).resolve().parent.parent


def settle() -> None:
    """Wait for the background cache writers of this process."""
    for thread in threading.enumerate():
        if thread.name == "sheetdesk-snapshot-cache":
            thread.join(timeout=60)


class Reads:
    """Counts the full reads of the workbook (`read_workbook` calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.n = 0
        real = local_store.read_workbook

        def counted(path):
            self.n += 1
            return real(path)

        monkeypatch.setattr(local_store, "read_workbook", counted)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


@pytest.fixture
def filled(fresh_store, workbook_path, clock) -> LocalWorkbookStore:
    """A workbook with records, a hand-typed row with a bad cell (a problem), history rows."""
    for i in range(3):
        fresh_store.append("clients", {**CLIENT, "name": f"客户{i}"}, user="王芳")
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Clients"]
    ws.append(["KH-HAND", "", None, None, None, "139"])  # no name: an error on that row
    wb.save(workbook_path)
    return fresh_store


def new_store(path, clock) -> LocalWorkbookStore:
    return LocalWorkbookStore(path, clock=clock)


def same(a, b) -> None:
    assert set(a.frames) == set(b.frames)
    for tab in a.frames:
        pd.testing.assert_frame_equal(a.frames[tab], b.frames[tab], check_exact=True)
        assert list(a.frames[tab].dtypes) == list(b.frames[tab].dtypes)
    assert a.problems == b.problems
    assert [p.params for p in a.problems] == [p.params for p in b.problems]
    assert a.layouts == b.layouts
    assert getattr(a, "sheet_lang", None) == getattr(b, "sheet_lang", None)
    ha, hb = a.history.result(), b.history.result()
    pd.testing.assert_frame_equal(ha[0], hb[0], check_exact=True)
    assert ha[1] == hb[1]


def test_a_new_process_is_served_the_same_snapshot_without_reading(
    filled, workbook_path, clock, reads
) -> None:
    first = new_store(workbook_path, clock).read()
    settle()
    assert reads.n == 1
    assert (workbook_path.parent / f"{workbook_path.name}.cache" / "snapshot.bin").exists()
    second = new_store(workbook_path, clock).read()
    assert reads.n == 1, "served from the cache"
    assert [(p.row, p.column) for p in second.problems] == [(5, "name")]
    assert len(second.changes) == len(first.changes) > 0
    same(first, second)


def test_a_validated_history_is_kept_validated(filled, workbook_path, clock) -> None:
    store = new_store(workbook_path, clock)
    first = store.read()
    settle()
    first.history.result()  # loaded before the cache is written
    cache = sc.SnapshotCache(workbook_path)
    key = cache.key()
    assert key is not None and cache.save(key, lambda: sc._cached_of(first))
    second = new_store(workbook_path, clock).read()
    assert second.history.loaded
    same(first, second)


def test_a_hand_edit_means_a_full_read(filled, workbook_path, clock, reads) -> None:
    new_store(workbook_path, clock).read()
    settle()
    before = os.stat(workbook_path)
    wb = openpyxl.load_workbook(workbook_path)
    wb["Clients"]["B2"] = "改过的名字"
    wb.save(workbook_path)
    os.utime(workbook_path, ns=(before.st_atime_ns, before.st_mtime_ns))  # even at that time
    snap = new_store(workbook_path, clock).read()
    assert reads.n == 2
    assert "改过的名字" in set(snap.clients["name"])


def test_an_app_save_means_a_full_read_in_the_next_process(
    filled, workbook_path, clock, reads
) -> None:
    new_store(workbook_path, clock).read()
    settle()
    saved = new_store(workbook_path, clock).append("clients", CLIENT, user="王芳")
    snap = new_store(workbook_path, clock).read()
    assert snap.record("clients", saved.record_id) is not None
    settle()
    again = new_store(workbook_path, clock).read()  # the cache made after that read
    assert again.record("clients", saved.record_id) is not None
    same(snap, again)


@pytest.mark.parametrize("damage", ["cut", "flip", "garbage", "empty"])
def test_a_damaged_cache_file_means_a_full_read(
    filled, workbook_path, clock, reads, damage
) -> None:
    first = new_store(workbook_path, clock).read()
    settle()
    cache = workbook_path.parent / f"{workbook_path.name}.cache" / "snapshot.bin"
    data = cache.read_bytes()
    if damage == "cut":
        data = data[: len(data) // 2]
    elif damage == "flip":
        middle = len(data) - 200
        data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    elif damage == "garbage":
        data = os.urandom(len(data))
    else:
        data = b""
    cache.write_bytes(data)
    snap = new_store(workbook_path, clock).read()
    assert reads.n == 2
    same(first, snap)


def test_saves_waiting_are_never_served_from_the_cache(filled, workbook_path, clock, reads) -> None:
    new_store(workbook_path, clock).read()
    settle()
    owner = workbook_path.parent / f"~${workbook_path.name}"
    owner.write_text("")  # the workbook is open in Excel: the save waits in the queue
    saved = new_store(workbook_path, clock).append("clients", CLIENT, user="王芳")
    assert saved.pending
    snap = new_store(workbook_path, clock).read()
    assert reads.n == 2
    assert snap.record("clients", saved.record_id) is not None and snap.pending == 1


def test_other_code_never_meets_an_old_cache(
    filled, workbook_path, clock, reads, monkeypatch
) -> None:
    new_store(workbook_path, clock).read()
    settle()
    monkeypatch.setattr(sc, "code_fingerprint", lambda: "another version of the app")
    new_store(workbook_path, clock).read()
    assert reads.n == 2


def test_the_cache_can_be_turned_off(filled, workbook_path, clock, reads, monkeypatch) -> None:
    monkeypatch.setenv("SHEETDESK_SNAPSHOT_CACHE", "0")
    new_store(workbook_path, clock).read()
    settle()
    new_store(workbook_path, clock).read()
    assert reads.n == 2


def test_a_snapshot_it_cannot_hold_exactly_is_not_kept(tmp_path) -> None:
    odd = pd.DataFrame({"a": ["x", None]})  # not only text: refused, nothing written
    with pytest.raises(sc.Unsupported):
        sc.encode("k", sc.Cached({"clients": odd}, [], {}, sc.History(frame=odd, problems=[])))
    book = tmp_path / "b.xlsx"
    LocalWorkbookStore(book).init("en")
    cache = sc.SnapshotCache(book)
    key = cache.key()
    assert key is not None
    bad = sc.Cached({"clients": odd}, [], {}, sc.History(frame=odd, problems=[]))
    assert not cache.save(key, lambda: bad)
    assert not cache.path.exists()


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _sources(start: str) -> dict[str, Path]:
    """Our modules that `start` imports, directly or through others (imports inside
    functions included), with their files."""
    found: dict[str, Path] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if name in found or path is None:
            continue
        found[name] = path
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_bytes())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*anchor, target] if target else anchor)
                targets = [target, *(f"{target}.{alias.name}" for alias in node.names)]
            for target in targets:
                if target.split(".")[0] not in ("utils", "sheets_schema"):
                    continue
                while target and _module_file(target) is None:
                    target = target.rpartition(".")[0]
                if target:
                    todo.append(target)
    return found


def test_the_code_fingerprint_covers_every_module_the_store_imports() -> None:
    needed = set(_sources("utils.store.local").values())
    assert needed, "found the store's modules"
    assert needed <= set(sc.fingerprinted_files()), needed - set(sc.fingerprinted_files())
