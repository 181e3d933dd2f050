"""The pending queue's own promises: a damaged save file is reported (Data health names it and
what can still be read of it), never applied, never counted as waiting forever."""

from __future__ import annotations

from pathlib import Path

import streamlit
from streamlit.testing.v1 import AppTest

from utils.store.local import LocalWorkbookStore
from utils.store.pending import PendingOp, PendingQueue

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _damage(folder: Path) -> Path:
    """A save file cut short in the middle (a crash of another program, a copy tool)."""
    queue = PendingQueue(folder)
    queue.put(PendingOp("append", "clients", "KH-20261123-7K3F", {"name": "张三", "phone": "1"}))
    (path,) = folder.glob("*.json")
    path.write_text(path.read_text(encoding="utf-8")[:70], encoding="utf-8")
    return path


def test_a_damaged_save_file_is_set_aside_and_reported(tmp_path: Path) -> None:
    store = LocalWorkbookStore(tmp_path / "desk.xlsx")
    store.init("en")
    path = _damage(Path(f"{store.path}.pending"))
    snap = store.read(fresh=True)
    assert store.pending_count() == 0, "a damaged file is not 'waiting' forever"
    assert not path.exists()
    (bad,) = snap.damaged
    assert bad.name == path.name
    assert (bad.tab, bad.record_id) == ("clients", "KH-20261123-7K3F")
    assert "JSONDecodeError" in bad.reason
    assert snap.clients.empty, "nothing of a damaged save is applied"
    assert store.flush() == ""
    store.queue.drop_damaged(bad.name)
    assert store.read(fresh=True).damaged == []


def test_data_health_names_the_damaged_save(tmp_path: Path, monkeypatch) -> None:
    workbook = tmp_path / "desk.xlsx"
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(workbook))
    LocalWorkbookStore(workbook).init("en")
    path = _damage(Path(f"{workbook}.pending"))
    streamlit.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=30)
        at.session_state["sheetdesk_lang"] = "en"
        at.run()
        at.switch_page("pages/health.py").run()
        assert not at.exception
        shown = "\n".join(str(e.value) for e in at.error).replace("\\", "")
        assert path.name in shown and "KH-20261123-7K3F" in shown, shown
        assert "could not be read back" in shown
    finally:
        streamlit.cache_resource.clear()
