"""Opt-in check of a real Google Sheet setup: one command tells a user whether it works.

    SHEETDESK_LIVE_SPREADSHEET="https://docs.google.com/spreadsheets/d/…" \\
    GOOGLE_APPLICATION_CREDENTIALS=~/keys/sheetdesk.json \\
    .venv/bin/python -m pytest tests/test_gsheets_live.py -rs

Use a spreadsheet made for testing and shared (Editor) with the service account. The test runs
`init` on it (adds the three tabs if they are missing), writes a client marked LIVE-TEST, reads
it back, updates it, checks that a stale update is refused, and deletes its row again. It never
touches other rows. Without the two variables it is skipped, and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.store_contract import CLIENT
from utils.errors import ConflictError
from utils.store import read_cache
from utils.store.config import StoreConfig
from utils.store.gsheets import GoogleSheetsStore, open_gsheets_store

SPREADSHEET = os.environ.get("SHEETDESK_LIVE_SPREADSHEET", "")
CREDENTIALS = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not (SPREADSHEET and CREDENTIALS),
        reason="live Google Sheets test: set SHEETDESK_LIVE_SPREADSHEET (a test "
        "spreadsheet shared with the service account) and "
        "GOOGLE_APPLICATION_CREDENTIALS (its JSON key file) to run it",
    ),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> GoogleSheetsStore:
    read_cache.reset()
    data = tmp_path_factory.mktemp("live") / "data"
    config = StoreConfig(
        "gsheets",
        spreadsheet=SPREADSHEET,
        credentials_file=CREDENTIALS,
        workbook=str(data / "sheetdesk.xlsx"),
    )
    store = open_gsheets_store(config)
    store.init("en")
    return store


def _delete_rows(store: GoogleSheetsStore, tab: str, record_ids: list[str]) -> None:
    sheet_id = store.sheet.tabs(force=True)[tab].get("sheetId", 0)
    for record_id in record_ids:
        ref = store.sheet.locate(tab, record_id)
        if ref is not None:
            store.api.structure(
                [
                    {
                        "deleteDimension": {
                            "range": {
                                "sheetId": sheet_id,
                                "dimension": "ROWS",
                                "startIndex": ref.number - 1,
                                "endIndex": ref.number,
                            }
                        }
                    }
                ]
            )


def test_round_trip_on_a_real_sheet(store: GoogleSheetsStore) -> None:
    assert isinstance(store.describe(), str)
    saved = store.append(
        "clients",
        {**CLIENT, "name": "LIVE-TEST client", "notes": "=1+1", "phone": "01381234567"},
        user="live-test",
    )
    try:
        assert not saved.pending, saved.error
        record = store.read(fresh=True).record("clients", saved.record_id)
        assert record is not None
        assert record["notes"] == "=1+1" and record["phone"] == "01381234567"
        assert record["updated_at"] == saved.record["updated_at"]
        opened = record
        store.update(
            "clients",
            saved.record_id,
            {"notes": "+86 138 0013 8000"},
            seen=opened,
            user="live-test",
        )
        with pytest.raises(ConflictError) as err:
            store.update(
                "clients",
                saved.record_id,
                {"notes": "stale"},
                seen=opened,
                user="live-test",
            )
        assert err.value.theirs["notes"] == "+86 138 0013 8000"
        read_cache.reset()  # as another process would see it
        again = open_gsheets_store(
            StoreConfig(
                "gsheets",
                spreadsheet=SPREADSHEET,
                credentials_file=CREDENTIALS,
                workbook=str(Path(store.queue.folder).parent / "sheetdesk.xlsx"),
            )
        )
        record = again.read().record("clients", saved.record_id)
        assert record is not None and record["notes"] == "+86 138 0013 8000"
        assert store.pending_count() == 0
    finally:
        _delete_rows(store, "clients", [saved.record_id])
