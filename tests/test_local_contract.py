"""The shared store contract (tests/store_contract.py) run against the local workbook."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from sheets_schema.tables import TABLES
from tests.store_contract import StoreContract
from utils.store.local import LocalWorkbookStore


class LocalHarness:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "desk.xlsx"

    def __call__(self) -> LocalWorkbookStore:
        return LocalWorkbookStore(self.path)

    def hand_edit(self, tab: str, record_id: str, field: str, value: object) -> None:
        """A person changes one cell in Excel: the workbook is rewritten by openpyxl."""
        wb = openpyxl.load_workbook(self.path)
        ws = wb[TABLES[tab].label("en")]
        header = [c.value for c in ws[1]]
        column = header.index(TABLES[tab].by_field[field].label("en"))
        for row in ws.iter_rows(min_row=2):
            if row[0].value == record_id:
                row[column].value = value
        wb.save(self.path)

    @contextlib.contextmanager
    def unavailable(self) -> Iterator[None]:
        """Excel's owner file beside the workbook: it is open in a spreadsheet program."""
        owner = self.path.with_name(f"~${self.path.name}")
        owner.write_text("someone")
        try:
            yield
        finally:
            owner.unlink()


@pytest.fixture
def store_factory(tmp_path: Path) -> LocalHarness:
    return LocalHarness(tmp_path)


class TestLocalContract(StoreContract):
    pass
