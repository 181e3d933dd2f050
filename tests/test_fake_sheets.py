"""Tests of the fake Google Sheets API (tests/fake_sheets), driven through real gspread 6.

Each test talks HTTP-shaped requests through gspread's own client code into the fake, so what
is asserted here is what the Sheetdesk Google Sheets backend will see.
"""

from __future__ import annotations

import threading
import time

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound, WorksheetNotFound
from gspread.http_client import BackOffHTTPClient
from gspread.utils import ValidationConditionType

try:  # `python -m pytest` puts the project root on sys.path …
    from tests import fake_sheets
except ImportError:  # … plain `pytest` only puts tests/ there (no conftest/__init__ yet)
    import fake_sheets  # type: ignore[no-redef]

FORMULA_PLACEHOLDER = fake_sheets.FORMULA_PLACEHOLDER
FakeSheetsAPI = fake_sheets.FakeSheetsAPI
FakeSheetsNetworkError = fake_sheets.FakeSheetsNetworkError
attach = fake_sheets.attach
make_client = fake_sheets.make_client
Bounds = fake_sheets.a1.Bounds
format_range = fake_sheets.a1.format_range
parse_a1 = fake_sheets.a1.parse_a1
quote_sheet = fake_sheets.a1.quote_sheet
split_sheet = fake_sheets.a1.split_sheet

HEADER = ["id", "name", "phone"]


@pytest.fixture
def api() -> FakeSheetsAPI:
    return FakeSheetsAPI()


@pytest.fixture
def sid(api: FakeSheetsAPI) -> str:
    return api.create_spreadsheet(
        "Sheetdesk",
        tabs={
            "clients": [HEADER, ["C-001", "Ann", "0138"], ["C-002", "Bob", "0612"]],
            "complaints": [["id", "client_id", "status"], ["K-001", "C-001", "open"]],
            "revisits": [],
        },
    )


@pytest.fixture
def gc(api: FakeSheetsAPI) -> gspread.Client:
    return make_client(api)


def _ws(gc: gspread.Client, sid: str, tab: str) -> gspread.Worksheet:
    return gc.open_by_key(sid).worksheet(tab)


# ---- opening, metadata --------------------------------------------------------------------------
def test_open_by_key_and_worksheets(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    sh = gc.open_by_key(sid)
    assert sh.id == sid and sh.title == "Sheetdesk"
    assert sh.locale == "en_US" and sh.timezone == "Etc/GMT"
    tabs = sh.worksheets()
    assert [w.title for w in tabs] == ["clients", "complaints", "revisits"]
    assert [w.index for w in tabs] == [0, 1, 2]
    assert tabs[0].id == 0  # the first tab of a new spreadsheet has sheetId 0
    assert len({w.id for w in tabs}) == 3
    assert (tabs[0].row_count, tabs[0].col_count, tabs[0].frozen_row_count) == (1000, 26, 0)
    # open_by_key and worksheets() each cost one spreadsheets.get; no Drive call at all
    assert api.count("metadata") == 2 and api.count() == 2
    assert all("/drive/" not in path for _, path, _ in api.requests)

    masked = sh.fetch_sheet_metadata({"fields": "sheets(properties(sheetId,title))"})
    assert masked == {"sheets": [{"properties": {"sheetId": w.id, "title": w.title}} for w in tabs]}
    # Drive is only used by open(title) / get_lastUpdateTime()
    assert gc.open("Sheetdesk").id == sid and sh.get_lastUpdateTime().endswith("Z")
    assert api.count(op="drive.list") == api.count(op="drive.get") == 1


# ---- reads --------------------------------------------------------------------------------------
def test_values_batch_get_over_three_tabs(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    sh = gc.open_by_key(sid)
    api.reset_counts()
    res = sh.values_batch_get(
        ["'clients'", "'complaints'!A:C", "'revisits'"],
        params={"valueRenderOption": "UNFORMATTED_VALUE"},
    )
    assert res["spreadsheetId"] == sid
    clients, complaints, revisits = res["valueRanges"]
    assert clients == {
        "range": "clients!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [HEADER, ["C-001", "Ann", "0138"], ["C-002", "Bob", "0612"]],
    }
    assert complaints["range"] == "complaints!A1:C1000"
    assert complaints["values"][1] == ["K-001", "C-001", "open"]
    assert revisits == {"range": "revisits!A1:Z1000", "majorDimension": "ROWS"}  # no "values"
    assert api.count("read") == 1 and api.count() == 1

    by_column = sh.values_batch_get(["clients!A1:B3"], params={"majorDimension": "COLUMNS"})
    assert by_column["valueRanges"][0]["values"] == [
        ["id", "C-001", "C-002"],
        ["name", "Ann", "Bob"],
    ]


def test_reads_trim_like_google(api: FakeSheetsAPI, gc: gspread.Client) -> None:
    """Shapes of WorksheetTest.test_update_and_get.json: inner empties "", empty inner row [],
    trailing cells and rows dropped, a tab titled like a cell is quoted."""
    sid = api.create_spreadsheet("t", tabs={"D3": []}, rows=20, cols=20)
    ws = _ws(gc, sid, "D3")
    res = ws.update(
        [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "D4"]], "A1"
    )
    assert res == {
        "spreadsheetId": sid,
        "updatedRange": "'D3'!A1:D4",
        "updatedRows": 4,
        "updatedColumns": 4,
        "updatedCells": 16,
    }
    got = ws.spreadsheet.values_get("'D3'!A1:E6")
    assert got == {
        "range": "'D3'!A1:E6",
        "majorDimension": "ROWS",
        "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]],
    }


# ---- appends ------------------------------------------------------------------------------------
def test_append_rows_raw_insert_rows_with_table_range_a1(
    api: FakeSheetsAPI, sid: str, gc: gspread.Client
) -> None:
    api.set_values(sid, "clients", [["footer note"]], start="A10")
    ws = _ws(gc, sid, "clients")
    res = ws.append_rows(
        [["", "Cy", "0777"], ["C-004", "Dee", "=1+1"]],
        value_input_option="RAW",
        insert_data_option="INSERT_ROWS",
        table_range="A1",
    )
    assert res["tableRange"] == "clients!A1:C3"
    assert res["updates"] == {
        "spreadsheetId": sid,
        "updatedRange": "clients!A4:C5",
        "updatedRows": 2,
        "updatedColumns": 3,
        "updatedCells": 6,
    }
    values = api.values(sid, "clients")
    assert values[3] == ["", "Cy", "0777"]  # leading empty cell: still starts in column A
    assert values[4] == ["C-004", "Dee", "=1+1"]  # RAW: text stays text
    assert values[11] == ["footer note"]  # INSERT_ROWS pushed the rows below down by 2
    assert api.sheet(sid, "clients").row_count == 1002

    ws.append_row(["C-005", "Eve", "1"], value_input_option="RAW", table_range="A1")
    assert api.values(sid, "clients")[5] == ["C-005", "Eve", "1"]


def test_append_to_whole_tab_shifts_after_a_gap_quirk(
    api: FakeSheetsAPI, gc: gspread.Client
) -> None:
    """Replays WorksheetTest.test_append_row_with_empty_value(_and_table_range).json."""
    sid = api.create_spreadsheet("t", tabs={"Sheet1": []}, rows=20, cols=20)
    ws = _ws(gc, sid, "Sheet1")
    row = ["x", "", "y"]
    first = ws.append_row(row)
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Sheet1!A1:C1"
    second = ws.append_row(row)  # no table_range: Google picks the last table, C1
    assert second["tableRange"] == "Sheet1!C1"
    assert second["updates"]["updatedRange"] == "Sheet1!C2:E2"
    assert ws.spreadsheet.values_get("'Sheet1'!A2:2") == {
        "range": "Sheet1!A2:T2",
        "majorDimension": "ROWS",
        "values": [["", "", "x", "", "y"]],
    }
    third = ws.append_row(row, table_range="A1")
    assert third["tableRange"] == "Sheet1!A1"
    assert third["updates"]["updatedRange"] == "Sheet1!A2:C2"  # OVERWRITE: lands on row 2


def test_append_after_an_empty_row_and_leading_empty_cells(
    api: FakeSheetsAPI, gc: gspread.Client
) -> None:
    sid = api.create_spreadsheet(
        "t", tabs={"clients": [HEADER, ["C-001", "Ann", "1"], [], ["", "orphan", "2"]]}
    )
    ws = _ws(gc, sid, "clients")
    shifted = ws.append_row(["C-009", "Zed", "3"])  # whole tab: the last table starts at B4
    assert shifted["tableRange"] == "clients!B4:C4"
    assert shifted["updates"]["updatedRange"] == "clients!B5:D5"
    anchored = ws.append_row(["C-010", "Yan", "4"], table_range="A1")
    assert anchored["tableRange"] == "clients!A1:C2"
    assert anchored["updates"]["updatedRange"] == "clients!A3:C3"


# ---- updates, value input -----------------------------------------------------------------------
def test_update_of_a_single_row_range(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    ws = _ws(gc, sid, "clients")
    res = ws.update([["C-002", "Bob B.", "0613"]], "A3:C3")
    assert res == {
        "spreadsheetId": sid,
        "updatedRange": "clients!A3:C3",
        "updatedRows": 1,
        "updatedColumns": 3,
        "updatedCells": 3,
    }
    assert api.values(sid, "clients")[2] == ["C-002", "Bob B.", "0613"]

    with pytest.raises(APIError) as too_wide:
        ws.update([["C-002", "Bob", "0613", "extra"]], "A3:C3")
    assert too_wide.value.response.status_code == 400
    assert "tried writing to column [D]" in too_wide.value.error["message"]
    with pytest.raises(APIError) as past_grid:
        ws.update([["x"], ["y"]], "A1000")
    assert "exceeds grid limits" in past_grid.value.error["message"]
    assert api.values(sid, "clients")[2] == ["C-002", "Bob B.", "0613"]  # nothing half-written


def test_user_entered_vs_raw(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    ws = _ws(gc, sid, "revisits")
    ws.update(
        [["=1+1", "0138", "'0138", "+33612345678", "2024-05-01", "=A1*3", "=SUM(A1:B1)"]],
        "A1",
        value_input_option="USER_ENTERED",
    )
    ws.update(
        [["=1+1", "0138", "'0138", "+33612345678", "2024-05-01"]], "A2", value_input_option="RAW"
    )
    assert ws.get("A1:G2") == [  # FORMATTED_VALUE, gspread's default
        ["2", "138", "0138", "33612345678", "2024-05-01", FORMULA_PLACEHOLDER, FORMULA_PLACEHOLDER],
        ["=1+1", "0138", "'0138", "+33612345678", "2024-05-01"],
    ]
    assert ws.get("A1:E1", value_render_option="UNFORMATTED_VALUE") == [
        [2, 138, "0138", 33612345678, 45413]
    ]
    assert (
        ws.get(
            "A1:E1",
            value_render_option="UNFORMATTED_VALUE",
            date_time_render_option="FORMATTED_STRING",
        )[0][4]
        == "2024-05-01"
    )
    assert ws.get("A1:B1", value_render_option="FORMULA") == [["=1+1", 138]]
    assert ws.get("A2:A2", value_render_option="FORMULA") == [["=1+1"]]  # RAW: just text
    # gspread's update_cell() writes USER_ENTERED although update() defaults to RAW
    ws.update_cell(3, 1, "0099")
    assert api.values(sid, "revisits")[2] == [99]


def test_values_batch_update_and_clears(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    """Shapes of WorksheetTest.test_batch_update.json and test_batch_clear.json."""
    ws = _ws(gc, sid, "revisits")
    res = ws.batch_update(
        [
            {"range": "A1:D1", "values": [["A1", "B1", "", "D1"]]},
            {"range": "A4:D4", "values": [["A4", "B4", "", "D4"]]},
        ]
    )
    assert {k: v for k, v in res.items() if k != "responses"} == {
        "spreadsheetId": sid,
        "totalUpdatedRows": 2,
        "totalUpdatedColumns": 4,
        "totalUpdatedCells": 8,
        "totalUpdatedSheets": 1,
    }
    assert [r["updatedRange"] for r in res["responses"]] == ["revisits!A1:D1", "revisits!A4:D4"]
    assert ws.get("A1:D4") == [["A1", "B1", "", "D1"], [], [], ["A4", "B4", "", "D4"]]
    assert ws.batch_clear(["A1:B1", "C4:E4"]) == {
        "spreadsheetId": sid,
        "clearedRanges": ["revisits!A1:B1", "revisits!C4:E4"],
    }
    assert api.values(sid, "revisits") == [["", "", "", "D1"], [], [], ["A4", "B4"]]
    assert ws.clear() == {"spreadsheetId": sid, "clearedRange": "revisits!A1:Z1000"}
    assert api.values(sid, "revisits") == []
    with pytest.raises(APIError):  # one bad range: nothing is written
        ws.batch_update([{"range": "A1", "values": [["x"]]}, {"range": "ZZZ1", "values": [[1]]}])
    with pytest.raises(APIError, match="tried writing to row"):
        ws.batch_update(
            [
                {"range": "A1", "values": [["x"]]},
                {"range": "B1:B2", "values": [["1"], ["2"], ["3"]]},
            ]
        )
    assert api.values(sid, "revisits") == []


# ---- spreadsheets:batchUpdate -------------------------------------------------------------------
def test_batch_update_add_sheet_freeze_validation_protection(
    api: FakeSheetsAPI, sid: str, gc: gspread.Client
) -> None:
    sh = gc.open_by_key(sid)
    new = sh.add_worksheet("audit log", rows=50, cols=5)
    assert (new.title, new.index, new.row_count, new.col_count) == ("audit log", 3, 50, 5)
    new.freeze(rows=1)
    new.add_validation(
        "C2:C50",
        ValidationConditionType.one_of_list,
        ["open", "closed"],
        strict=True,
        showCustomUi=True,
    )
    new.add_protected_range("A1:E1", editor_users_emails=["desk@example.com"], description="header")
    sh.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": new.id, "title": "audit"},
                        "fields": "title",
                    }
                },
                {"appendDimension": {"sheetId": new.id, "dimension": "ROWS", "length": 10}},
                {"repeatCell": {"range": {"sheetId": new.id}, "cell": {}, "fields": "*"}},
            ]
        }
    )

    fresh = sh.worksheet("audit")
    assert (fresh.frozen_row_count, fresh.row_count) == (1, 60)
    model = api.sheet(sid, "audit")
    assert model.validations[(1, 2)]["condition"] == {
        "type": "ONE_OF_LIST",
        "values": [{"userEnteredValue": "open"}, {"userEnteredValue": "closed"}],
    }
    assert (0, 2) not in model.validations and model.validations[(49, 2)]["strict"] is True
    [protected] = sh.list_protected_ranges(new.id)
    assert protected["range"] == {
        "sheetId": new.id,
        "startRowIndex": 0,
        "endRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": 5,
    }
    assert protected["description"] == "header"
    assert protected["editors"] == {"users": ["desk@example.com"], "groups": []}
    assert [name for name, _ in api.ignored_requests] == ["repeatCell"]

    grid = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "'audit'!C2"})
    [tab] = grid["sheets"]
    cell = tab["data"][0]["rowData"][0]["values"][0]
    assert cell["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"

    with pytest.raises(APIError) as dup:
        sh.add_worksheet("clients", rows=5, cols=5)
    assert 'A sheet with the name "clients" already exists' in dup.value.error["message"]
    with pytest.raises(APIError) as typo:
        sh.batch_update(
            {"requests": [{"addSheet": {"properties": {"title": "x"}}}, {"frezeRows": {}}]}
        )
    assert 'Unknown name "frezeRows"' in typo.value.error["message"]
    assert [w.title for w in sh.worksheets()] == ["clients", "complaints", "revisits", "audit"]


def test_delete_rows_shifts_values_and_validation(
    api: FakeSheetsAPI, sid: str, gc: gspread.Client
) -> None:
    ws = _ws(gc, sid, "clients")
    ws.add_validation("C3", ValidationConditionType.number_greater, [0])
    ws.delete_rows(2)
    assert api.values(sid, "clients") == [HEADER, ["C-002", "Bob", "0612"]]
    assert list(api.sheet(sid, "clients").validations) == [(1, 2)]
    assert api.sheet(sid, "clients").row_count == 999


# ---- faults -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "status, google_status", [(429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL"), (503, "UNAVAILABLE")]
)
def test_injected_http_faults_raise_api_error(
    api: FakeSheetsAPI, sid: str, gc: gspread.Client, status: int, google_status: str
) -> None:
    ws = _ws(gc, sid, "clients")
    fault = api.inject(status, times=1, match=":append")
    ws.get_all_values()  # does not match: unaffected
    with pytest.raises(APIError) as err:
        ws.append_row(["C-003", "Cy", "1"], table_range="A1")
    assert err.value.response.status_code == status == err.value.code
    assert err.value.error["status"] == google_status
    assert len(api.values(sid, "clients")) == 3  # nothing written
    assert fault.remaining == 0 and fault.fired == 1
    ws.append_row(["C-003", "Cy", "1"], table_range="A1")  # the fault is used up
    assert len(api.values(sid, "clients")) == 4
    if status == 429:
        assert "Quota exceeded for quota metric 'Write requests'" in err.value.error["message"]


def test_timeout_faults(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    ws = _ws(gc, sid, "clients")
    api.inject("timeout", match=":append")
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.append_row(["C-003", "Cy", "1"], table_range="A1")
    assert len(api.values(sid, "clients")) == 3  # not applied

    api.inject("timeout_after_commit", match=":append")
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.append_row(["C-003", "Cy", "1"], table_range="A1")
    assert api.values(sid, "clients")[-1] == ["C-003", "Cy", "1"]  # applied anyway
    ws.append_row(["C-003", "Cy", "1"], table_range="A1")  # a naive retry duplicates it
    assert api.values(sid, "clients")[-2:] == [["C-003", "Cy", "1"]] * 2
    assert [c.outcome for c in api.history[-3:]] == ["timeout", "timeout_after_commit", "ok"]

    api.inject("connection", kind="read")
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.get_all_values()


def test_backoff_client_retries_429_and_5xx_but_not_timeouts(
    api: FakeSheetsAPI, sid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(gspread.http_client.time, "sleep", slept.append)
    gc = make_client(api, http_client=BackOffHTTPClient)
    ws = _ws(gc, sid, "clients")
    api.reset_counts()
    api.inject(429, times=2, match="values:batchGet")
    api.inject(503, times=1, match="values:batchGet")
    assert ws.batch_get(["A1"])[0] == [["id"]]
    assert slept == [2, 4, 8]  # exponential, class-level counter reset after the success
    assert api.count("read") == 4
    api.inject("timeout", match="values:batchGet")
    with pytest.raises(requests.exceptions.ReadTimeout):  # not an APIError: never retried
        ws.batch_get(["A1"])

    slept.clear()
    api.inject(429, times=9)  # the wait is capped at 128 s, but the retries never stop
    ws.batch_get(["A1"])
    assert slept == [2, 4, 8, 16, 32, 64, 128, 128, 128]
    slept.clear()
    with pytest.raises(APIError):  # a 400 is not retried, yet it bumps the shared counter…
        ws.batch_get(["'tickets'!A1"])
    api.inject(429)
    ws.batch_get(["A1"])
    assert slept == [4]  # … so the next 429 starts with a longer wait


def test_latency_and_client_timeout(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    ws = _ws(gc, sid, "clients")
    api.latency = 0.05
    started = time.perf_counter()
    ws.get("A1")
    assert time.perf_counter() - started >= 0.05
    gc.set_timeout(0.01)
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.get("A1")


def test_quota_per_minute(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    ws = _ws(gc, sid, "clients")
    api.set_quota(write_per_minute=2)
    ws.update([["x"]], "D1")
    ws.update([["y"]], "D2")
    with pytest.raises(APIError) as err:
        ws.update([["z"]], "D3")
    assert err.value.code == 429
    ws.get("A1")  # reads have their own bucket


# ---- errors -------------------------------------------------------------------------------------
def test_not_found_forbidden_and_unknown_tab(
    api: FakeSheetsAPI, sid: str, gc: gspread.Client
) -> None:
    with pytest.raises(SpreadsheetNotFound) as missing:
        gc.open_by_key("no-such-id")
    assert missing.value.args[0].status_code == 404
    assert missing.value.__cause__.error == {  # type: ignore[union-attr]
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }

    private = api.create_spreadsheet("private", shared=False)
    with pytest.raises(PermissionError) as denied:  # gspread maps 403 to the builtin
        gc.open_by_key(private)
    cause = denied.value.__cause__
    assert isinstance(cause, APIError) and cause.response.status_code == 403
    assert cause.error["status"] == "PERMISSION_DENIED"

    sh = gc.open_by_key(sid)
    api.set_shared(sid, False)  # sharing revoked while the app runs
    with pytest.raises(APIError) as revoked:
        sh.values_get("'clients'!A1")
    assert revoked.value.code == 403
    api.set_shared(sid, True)

    with pytest.raises(APIError) as unknown:
        sh.values_get("'tickets'!A1:C")
    assert unknown.value.code == 400
    assert unknown.value.error == {
        "code": 400,
        "message": "Unable to parse range: 'tickets'!A1:C",
        "status": "INVALID_ARGUMENT",
    }
    with pytest.raises(APIError, match="Unable to parse range"):
        sh.values_append("tickets!A1", {"valueInputOption": "RAW"}, {"values": [["x"]]})
    with pytest.raises(WorksheetNotFound):  # decided by gspread from a metadata read
        sh.worksheet("tickets")
    with pytest.raises(APIError, match="INPUT_VALUE_OPTION_UNSPECIFIED"):
        sh.values_update("clients!A1", params={}, body={"values": [["x"]]})


def test_no_request_reaches_the_network(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    with pytest.raises(FakeSheetsNetworkError, match="blocked a real network call"):
        gc.http_client.request("get", "https://example.com/")
    with pytest.raises(FakeSheetsNetworkError, match="does not implement"):
        gc.open_by_key(sid).sheet1.copy_to("another-spreadsheet")
    assert len(api.blocked) == 2

    plain = gspread.Client(auth=None, session=requests.Session())  # type: ignore[arg-type]
    attach(plain, api)
    assert plain.open_by_key(sid).title == "Sheetdesk"


# ---- counters, browser edits, concurrency -------------------------------------------------------
def test_request_counters(api: FakeSheetsAPI, sid: str, gc: gspread.Client) -> None:
    sh = gc.open_by_key(sid)  # metadata
    ws = sh.worksheet("clients")  # metadata
    ws.get_all_values()  # read
    ws.append_row(["C-003", "Cy", "1"], table_range="A1")  # write
    ws.freeze(rows=1)  # write (spreadsheets:batchUpdate)
    assert (api.count("metadata"), api.count("read"), api.count("write")) == (2, 1, 2)
    assert api.count(op="values.append") == 1 and api.count() == 5
    method, path, kind = api.requests[2]
    assert (method, path, kind) == ("GET", f"/v4/spreadsheets/{sid}/values/'clients'", "read")
    append = api.history[3]
    assert append.param("valueInputOption") == "RAW" and append.body == {
        "values": [["C-003", "Cy", "1"]]
    }
    api.reset_counts()
    assert api.count() == 0 and api.requests == []


def test_set_values_simulates_a_person_in_the_browser(
    api: FakeSheetsAPI, sid: str, gc: gspread.Client
) -> None:
    ws = _ws(gc, sid, "clients")
    api.reset_counts()
    api.set_values(sid, "clients", [["C-002", "Bob", "0612"]], start="A2")  # typed: a number
    api.delete_rows(sid, "clients", 3)
    assert api.count() == 0
    assert ws.get_all_values() == [HEADER, ["C-002", "Bob", "612"]]
    assert ws.get_all_values(value_render_option="UNFORMATTED_VALUE")[1][2] == 612


def test_concurrent_appends_are_atomic(api: FakeSheetsAPI, sid: str) -> None:
    api.latency = 0.001

    def writer(tag: str) -> None:
        ws = _ws(make_client(api), sid, "complaints")
        for i in range(10):
            ws.append_row([f"{tag}-{i}", "C-001", "open"], table_range="A1")

    threads = [threading.Thread(target=writer, args=(t,)) for t in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [row[0] for row in api.values(sid, "complaints")[2:]]
    assert sorted(ids) == sorted([f"{t}-{i}" for t in "AB" for i in range(10)])


# ---- A1 notation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, bounds",
    [
        ("A1", Bounds(0, 0, 1, 1)),
        ("b2:a1", Bounds(0, 0, 2, 2)),
        ("A:C", Bounds(0, 0, None, 3)),
        ("2:4", Bounds(1, 0, 4, None)),
        ("A2:2", Bounds(1, 0, 2, None)),
        ("A5:C", Bounds(4, 0, None, 3)),
        ("$A$1:$B$2", Bounds(0, 0, 2, 2)),
    ],
)
def test_parse_a1(text: str, bounds: Bounds) -> None:
    assert parse_a1(text) == bounds


def test_sheet_names_in_ranges() -> None:
    assert split_sheet("'It''s'!A1") == ("It's", "A1")
    assert split_sheet("'clients'") == ("clients", None)
    assert split_sheet("my tab!A:A") == ("my tab", "A:A")
    assert [quote_sheet(t) for t in ("Sheet1", "D3", "my tab", "客户")] == [
        "Sheet1",
        "'D3'",
        "'my tab'",
        "客户",
    ]
    assert format_range("clients", Bounds(2, 0, 3, 1)) == "clients!A3"
    for bad in ("A", "1", "A1:", "'open"):
        with pytest.raises(ValueError):
            parse_a1(bad) if bad != "'open" else split_sheet(bad)
