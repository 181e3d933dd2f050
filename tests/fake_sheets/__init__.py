"""An in-process fake of the Google Sheets v4 HTTP API, driven by real gspread.

    from tests.fake_sheets import FakeSheetsAPI, make_client

    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Sheetdesk", tabs={"clients": [["id", "name"]]})
    gc = make_client(api)
    gc.open_by_key(sid).worksheet("clients").append_row(["C1", "Ann"], table_range="A1")
    assert api.values(sid, "clients") == [["id", "name"], ["C1", "Ann"]]

See ``server.py`` for the endpoints and the cassettes their answers were checked against.
"""

from .cells import FORMULA_PLACEHOLDER, Cell
from .errors import FakeSheetsNetworkError, SheetsError
from .model import FakeSheet, FakeSpreadsheet
from .server import (
    Call,
    FakeSheetsAdapter,
    FakeSheetsAPI,
    Fault,
    RequestRecord,
    attach,
    make_client,
)

__all__ = [
    "FORMULA_PLACEHOLDER",
    "Call",
    "Cell",
    "FakeSheet",
    "FakeSheetsAPI",
    "FakeSheetsAdapter",
    "FakeSheetsNetworkError",
    "FakeSpreadsheet",
    "Fault",
    "RequestRecord",
    "SheetsError",
    "attach",
    "make_client",
]
