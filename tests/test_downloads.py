"""The dashboard's files: CSV (UTF-8 with BOM, labelled) and one Excel workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sheets_schema.tables import TABLES
from tests.frames import frame
from utils import downloads as dl
from utils import metrics as m

COMPLAINTS = [
    {
        "complaint_id": "TS-20261005-0001",
        "client_id": "KH-20240101-0001",
        "received_at": "2026-10-05 14:30",
        "channel": "phone",
        "category": "billing",
        "severity": "serious",
        "description": "多收了物业费\n第二行",
        "first_receiver": "王芳",
        "handler": "李娜",
        "level": "frontline",
        "status": "resolved",
        "due_at": "2026-10-07 14:30",
        "resolved_at": "2026-10-06 09:15",
        "progress_log": "2026-10-05 14:30 王芳 receive: 登记",
    },
    {
        "complaint_id": "TS-20261006-0002",
        "client_id": "KH-20240101-0002",
        "received_at": "2026-10-06 09:00",
        "channel": "web",
        "category": "other",
        "severity": "normal",
        "description": '=HYPERLINK("http://x","点我")',
        "first_receiver": "张伟",
        "handler": "",
        "level": "frontline",
        "status": "received",
    },
]
CLIENTS = [
    {
        "client_id": "KH-20240101-0001",
        "name": "王小明",
        "client_type": "individual",
        "grade": "A",
        "phone": "+86 138 0013 8000",
        "status": "active",
        "registered_on": "2024-01-01",
        "notes": "@SUM(A1)",
    },
    {
        "client_id": "KH-20240101-0002",
        "name": "恒通贸易有限公司",
        "client_type": "company",
        "grade": "C",
        "phone": "13800138000",
        "status": "active",
        "registered_on": "2024-01-02",
        "notes": "-2+3\x07",
    },
]
REVISITS = [
    {
        "revisit_id": "HF-20261007-0001",
        "client_id": "KH-20240101-0001",
        "complaint_id": "TS-20261005-0001",
        "kind": "complaint_followup",
        "done_at": "2026-10-07 10:00",
        "method": "phone",
        "staff": "李娜",
        "attempt": 1,
        "reached": "yes",
        "solved": "yes",
        "attitude": "satisfied",
        "score": 9,
    },
    {
        "revisit_id": "HF-20261008-0002",
        "client_id": "KH-20240101-0002",
        "kind": "routine",
        "done_at": "2026-10-08 11:00",
        "method": "phone",
        "staff": "张伟",
        "attempt": 2,
        "reached": "no",
    },
]


Frames = dict[str, pd.DataFrame]


@pytest.fixture
def frames() -> Frames:
    return {
        "complaints": frame("complaints", COMPLAINTS),
        "revisits": frame("revisits", REVISITS),
        "clients": frame("clients", CLIENTS),
    }


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel shows Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_bom_crlf_and_labelled_headers_in_the_schema_order(frames: Frames) -> None:
    data = dl.csv_bytes("complaints", frames["complaints"], "zh")
    assert b"\r\n" in data
    rows = read_csv(data)
    assert rows[0] == [c.label("zh") for c in TABLES["complaints"].columns]
    assert "_row" not in rows[0]
    assert len(rows) == 1 + len(COMPLAINTS)
    en = read_csv(dl.csv_bytes("complaints", frames["complaints"], "en"))
    assert en[0] == [c.label("en") for c in TABLES["complaints"].columns]


def test_csv_shows_choice_labels_and_formats_dates(frames: Frames) -> None:
    rows = read_csv(dl.csv_bytes("complaints", frames["complaints"], "zh"))
    head = rows[0]
    first = dict(zip(head, rows[1], strict=True))
    col = TABLES["complaints"].by_field
    assert first[col["channel"].label("zh")] == col["channel"].choices.label("phone", "zh")
    assert first[col["category"].label("zh")] == col["category"].choices.label("billing", "zh")
    assert first[col["received_at"].label("zh")] == "2026-10-05 14:30"
    assert first[col["closed_at"].label("zh")] == ""
    assert first[col["description"].label("zh")] == "多收了物业费\n第二行"  # quoted, kept whole
    en = read_csv(dl.csv_bytes("complaints", frames["complaints"], "en"))
    assert dict(zip(en[0], en[1], strict=True))[col["status"].label("en")] == col[
        "status"
    ].choices.label("resolved", "en")
    clients = read_csv(dl.csv_bytes("clients", frames["clients"], "en"))
    reg = TABLES["clients"].by_field["registered_on"].label("en")
    assert dict(zip(clients[0], clients[1], strict=True))[reg] == "2024-01-01"


def test_csv_integers_stay_whole_and_blanks_stay_blank(frames: Frames) -> None:
    rows = read_csv(dl.csv_bytes("revisits", frames["revisits"], "en"))
    col = TABLES["revisits"].by_field
    a, b = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert a[col["score"].label("en")] == "9" and a[col["attempt"].label("en")] == "1"
    assert b[col["score"].label("en")] == "" and b[col["attempt"].label("en")] == "2"


def test_csv_defuses_cells_excel_would_run_as_formulas(frames: Frames) -> None:
    rows = read_csv(dl.csv_bytes("complaints", frames["complaints"], "en"))
    desc = TABLES["complaints"].by_field["description"].label("en")
    assert dict(zip(rows[0], rows[2], strict=True))[desc].startswith("'=HYPERLINK(")
    clients = read_csv(dl.csv_bytes("clients", frames["clients"], "en"))
    notes = TABLES["clients"].by_field["notes"].label("en")
    phone = TABLES["clients"].by_field["phone"].label("en")
    one, two = (dict(zip(clients[0], r, strict=True)) for r in clients[1:])
    assert one[notes] == "'@SUM(A1)"
    assert one[phone] == "'+86 138 0013 8000"  # OWASP: every such text cell
    assert two[notes].startswith("'-2+3")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("@cmd", "'@cmd"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-A1", "'-A1"),
        ("\tx", "'\tx"),
        ("+86 138 0013 8000", "'+86 138 0013 8000"),
        ("-5", "'-5"),
        ("\rx", "'\rx"),
        ("(010) 6552-1234", "(010) 6552-1234"),
        ("普通文字", "普通文字"),
        ("", ""),
    ],
)
def test_defuse(value: str, safe: str) -> None:
    assert dl.defuse(value) == safe


def test_csv_of_an_empty_table_is_the_header_row() -> None:
    empty = m.conform(None, "revisits")
    rows = read_csv(dl.csv_bytes("revisits", empty, "zh"))
    assert rows == [[c.label("zh") for c in TABLES["revisits"].columns]]


# --- Excel ------------------------------------------------------------------------------------


def load(data: bytes) -> openpyxl.Workbook:
    assert data[:2] == b"PK"
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_one_sheet_per_table_with_labelled_frozen_headers(frames: Frames) -> None:
    wb = load(dl.xlsx_bytes(frames, "zh"))
    assert wb.sheetnames == [TABLES[t].label("zh") for t in ("complaints", "revisits", "clients")]
    for tab in frames:
        ws = wb[TABLES[tab].label("zh")]
        assert [c.value for c in ws[1]] == [c.label("zh") for c in TABLES[tab].columns]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws[1][0].font.bold
        assert ws.max_row == 1 + len(frames[tab])
    assert load(dl.xlsx_bytes(frames, "en")).sheetnames == ["Complaints", "Revisits", "Clients"]


def test_xlsx_keeps_types_dates_numbers_and_text(frames: Frames) -> None:
    wb = load(dl.xlsx_bytes(frames, "en"))
    ws = wb["Complaints"]
    head = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(head, ws[2], strict=True)}
    col = TABLES["complaints"].by_field
    assert row[col["received_at"].label("en")].value == dt.datetime(2026, 10, 5, 14, 30)
    assert row[col["received_at"].label("en")].is_date
    assert row[col["closed_at"].label("en")].value is None
    assert row[col["category"].label("en")].value == col["category"].choices.label("billing", "en")
    rv = wb["Revisits"]
    rhead = [c.value for c in rv[1]]
    score = rhead.index(TABLES["revisits"].by_field["score"].label("en"))
    assert rv[2][score].value == 9 and rv[3][score].value is None
    cl = wb["Clients"]
    chead = [c.value for c in cl[1]]
    phone = cl[3][chead.index(TABLES["clients"].by_field["phone"].label("en"))]
    assert phone.value == "13800138000" and phone.data_type == "s"  # not turned into a number
    reg = cl[2][chead.index(TABLES["clients"].by_field["registered_on"].label("en"))]
    assert reg.is_date and reg.value.date() == dt.date(2024, 1, 1)


def test_xlsx_text_is_never_a_formula_and_control_characters_are_dropped(frames: Frames) -> None:
    wb = load(dl.xlsx_bytes(frames, "en"))
    ws = wb["Complaints"]
    desc = [c.value for c in ws[1]].index(TABLES["complaints"].by_field["description"].label("en"))
    cell = ws[3][desc]
    assert cell.value.startswith("=HYPERLINK(") and cell.data_type == "s"
    cl = wb["Clients"]
    notes = [c.value for c in cl[1]].index(TABLES["clients"].by_field["notes"].label("en"))
    assert cl[3][notes].value == "-2+3"  # \x07 is not allowed in a workbook


def test_xlsx_of_empty_tables_and_of_nothing() -> None:
    empty = {t: m.conform(None, t) for t in dl.TABS}
    wb = load(dl.xlsx_bytes(empty, "zh"))
    assert len(wb.sheetnames) == 3
    assert all(wb[name].max_row == 1 for name in wb.sheetnames)
    assert load(dl.xlsx_bytes({}, "en")).sheetnames == ["Sheet"]


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    a = dl._sheet_title("Complaints: 2026/10 [all]?", taken)
    b = dl._sheet_title("Complaints: 2026/10 [all]?", taken)
    assert len(a) <= 31 and not set(a) & set("[]:*?/\\")
    assert a != b and len(b) <= 31


# --- with the dashboard's selection -----------------------------------------------------------


def test_download_tables_then_files_hold_the_filtered_period(frames: Frames) -> None:
    filters = m.Filters.for_period(m.month_period("2026-10"), categories=("billing",))
    t = m.download_tables(frames["clients"], frames["complaints"], frames["revisits"], filters)
    rows = read_csv(dl.csv_bytes("complaints", t.complaints, "en"))
    assert [r[0] for r in rows[1:]] == ["TS-20261005-0001"]
    revisits = read_csv(dl.csv_bytes("revisits", t.revisits, "en"))
    assert [r[0] for r in revisits[1:]] == ["HF-20261007-0001"]  # follow-ups of kept complaints
    wb = load(dl.xlsx_bytes({k: getattr(t, k) for k in dl.TABS}, "en"))
    assert wb["Complaints"].max_row == 2 and wb["Clients"].max_row == 3


def test_file_names() -> None:
    p = m.month_period("2026-10")
    stem = dl.file_stem(p.start, p.last_day)
    assert stem == "sheetdesk-2026-10-01_2026-10-31"
    assert dl.csv_name("complaints", stem) == "sheetdesk-2026-10-01_2026-10-31-complaints.csv"
    assert dl.xlsx_name(stem) == "sheetdesk-2026-10-01_2026-10-31.xlsx"


# --- a real spreadsheet program ---------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def test_libreoffice_opens_the_workbook_as_text_and_dates(frames: Frames, tmp_path: Path) -> None:
    if SOFFICE is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    src = tmp_path / "dl.xlsx"
    src.write_bytes(dl.xlsx_bytes(frames, "zh"))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            str(src),
            "--outdir",
            str(tmp_path / "csv"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheet = TABLES["complaints"].label("zh")
    with open(tmp_path / "csv" / f"dl-{sheet}.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [c.label("zh") for c in TABLES["complaints"].columns]
    col = {c.field: i for i, c in enumerate(TABLES["complaints"].columns)}
    assert rows[1][col["complaint_id"]] == "TS-20261005-0001"
    assert rows[1][col["received_at"]].startswith("2026-10-05")
    assert rows[2][col["description"]].startswith("=HYPERLINK(")  # text, not run as a formula


def test_xlsx_keeps_awkward_text_exactly() -> None:
    awkward = ["_x0041_ stays", "  spaces around  ", "a & b < c > d", "line one\nline two", "0012"]
    clients = frame(
        "clients",
        [
            {"client_id": f"KH-20240101-{i:04d}", "name": text, "status": "active"}
            for i, text in enumerate(awkward, start=1)
        ],
    )
    wb = load(dl.xlsx_bytes({"clients": clients}, "en"))
    ws = wb["Clients"]
    name = [c.value for c in ws[1]].index(TABLES["clients"].by_field["name"].label("en"))
    cells = [ws.cell(row, name + 1) for row in range(2, 2 + len(awkward))]
    assert [c.value for c in cells] == awkward
    assert all(c.data_type == "s" for c in cells)


def test_xlsx_of_many_rows_keeps_every_row_in_order() -> None:
    rows = [
        {**COMPLAINTS[0], "complaint_id": f"TS-20261005-{i:05d}", "description": f"第 {i} 条"}
        for i in range(2_000)
    ]
    data = dl.xlsx_bytes({"complaints": frame("complaints", rows)}, "zh")
    ws = load(data)[TABLES["complaints"].label("zh")]
    assert ws.max_row == 1 + len(rows)
    assert [ws.cell(r, 1).value for r in (2, 1001, 2001)] == [
        "TS-20261005-00000",
        "TS-20261005-00999",
        "TS-20261005-01999",
    ]
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}2001"
