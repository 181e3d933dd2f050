"""A damaged or hostile workbook never takes the app down and is never written blind.

Every workbook here is made the way a user's would be: openpyxl writes it, then zipfile edits
its bytes the way another tool, a crash or a bad disk would. What is checked is what the
person is told (in English and Chinese) and that the store keeps working.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.cli import main as cli_main
from utils.errors import BadWorkbookError
from utils.store import xlsx_read
from utils.store.local import LocalWorkbookStore
from utils.store.xlsx_cells import XlsxError, from_serial
from utils.store.xlsx_normalise import normalise
from utils.store.xlsx_patch import XlsxWorkbook
from utils.store.xlsx_read import read_workbook, remove_stale_temps

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CLIENTS = "xl/worksheets/sheet1.xml"
COMPLAINTS = "xl/worksheets/sheet2.xml"


# ---- building workbooks ---------------------------------------------------------------------
def build(path: Path, clients: int = 3) -> Path:
    """A small workbook as a person would have it: three tabs, English headers, a few clients
    with a registration date, one complaint."""
    from sheets_schema.tables import TABLES

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(TABLES["clients"].header("en"))
    for i in range(clients):
        ws.append(
            [f"KH-20260101-{i:04X}", f"客户{i}", None, None, None, f"0138000{i:05d}"]
            + [None] * 6
            + [
                dt.date(2026, 1, 1) + dt.timedelta(days=i),
                f"note {i}",
                dt.datetime(2026, 1, 2, 9, i),
                "王芳",
            ]
        )
        ws.cell(ws.max_row, 13).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 15).number_format = "yyyy-mm-dd hh:mm"
    wc = wb.create_sheet("Complaints")
    wc.append(TABLES["complaints"].header("en"))
    wc.append(["TS-20260101-0001", "KH-20260101-0000", dt.datetime(2026, 1, 3, 10, 0), None, None])
    wc.cell(2, 3).number_format = "yyyy-mm-dd hh:mm"
    wc.cell(2, 7).value = "漏水"
    wc.cell(2, 8).value = "李雷"
    wr = wb.create_sheet("Revisits")
    wr.append(TABLES["revisits"].header("en"))
    wb.save(path)
    return path


def rewrite(path: Path, edits: dict[str, object], *, drop=(), stored: bool = False) -> Path:
    """Rewrite the zip with some parts changed (a function of the old text, or new text) or
    dropped; every other part is kept as it was."""
    tmp = path.with_suffix(".rewrite")
    compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", compression) as out:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info)
            edit = edits.get(info.filename)
            if callable(edit):
                data = edit(data.decode("utf-8")).encode("utf-8")
            elif edit is not None:
                data = edit.encode("utf-8") if isinstance(edit, str) else edit
            out.writestr(info.filename, data)
        for name, text in edits.items():  # parts the file did not have
            if name not in src.namelist():
                out.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
    tmp.replace(path)
    return path


def cells(path: Path) -> dict[str, dict[str, object]]:
    """Every sheet's values by cell reference, as openpyxl reads them (from its sparse cell
    store: iterating rows would walk the whole grid up to a far-away cell)."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: {c.coordinate: c.value for c in ws._cells.values() if c.value is not None}
        for ws in wb.worksheets
    }


def sheet_xml(path: Path, part: str = CLIENTS) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def problem_lines(problems, lang: str = "en") -> list[str]:
    return [p.line(lang) for p in problems]


CLIENT = {"name": "新客户", "phone": "13900001111", "registered_on": "2026-03-04"}


# ---- 1. far-away cells --------------------------------------------------------------------
GUARD_PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails, not the runner
    sys.path.insert(0, sys.argv[2])
    from utils.store.local import LocalWorkbookStore
    t0, c0 = time.perf_counter(), time.process_time()
    snapshot = LocalWorkbookStore(sys.argv[1]).read()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    from utils.store.xlsx_read import read_workbook
    raw = read_workbook(sys.argv[1])
    print(json.dumps({
        "elapsed": elapsed,
        "cpu": cpu,
        "clients": len(snapshot.clients),
        "width": len(raw["clients"][1][0]),
        "height": len(raw["clients"][1]),
        "en": [p.message("en") for p in raw.problems],
        "zh": [p.message("zh") for p in raw.problems],
        "rows": [p.row for p in raw.problems],
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
    """
)


def probe(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", GUARD_PROBE, str(path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_a_value_in_the_last_cell_is_ignored_and_named_before_calamine_sees_it(tmp_path) -> None:
    path = build(tmp_path / "far.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Clients"]["XFD1048576"] = "oops"
    wb.save(path)
    # calamine would be asked for the dense range from A1 to XFD1048576: 1.7e10 cells
    refs = re.findall(r'<c r="([A-Z]+)(\d+)"', sheet_xml(path))
    cols = max(openpyxl.utils.column_index_from_string(c) for c, _ in refs)
    rows = max(int(r) for _, r in refs)
    assert cols * rows > 1e10
    # read under a 2 GB address-space limit: the guard intercepts, or the probe dies
    found = probe(path)
    assert found["cpu"] < 1.0 and found["elapsed"] < 10  # wall time: the machine may be busy
    assert found["clients"] == 3 and found["height"] == 4 and found["width"] == 16
    assert found["maxrss_mb"] < 1500
    assert found["rows"] == [1048576]
    assert "Cell XFD1048576" in found["en"][0] and "“oops”" in found["en"][0]
    assert "ignored" in found["en"][0] and "columns A–P" in found["en"][0]
    assert "单元格 XFD1048576" in found["zh"][0] and "已被忽略" in found["zh"][0]


def test_the_guard_runs_before_calamine_reads_the_sheet(tmp_path, monkeypatch) -> None:
    path = build(tmp_path / "far.xlsx")
    rewrite(path, {CLIENTS: lambda x: x.replace("</sheetData>", far_row(1048576, "XFD"))})
    asked: list[str] = []
    real = xlsx_read.CalamineWorkbook.get_sheet_by_name

    def spy(self, title):
        asked.append(title)
        return real(self, title)

    monkeypatch.setattr(xlsx_read.CalamineWorkbook, "get_sheet_by_name", spy)
    raw = read_workbook(path)
    assert "Clients" not in asked and {"Complaints", "Revisits"} <= set(asked)
    assert [p.params["ref"] for p in raw.problems] == ["XFD1048576"]
    assert raw["clients"][1][1][:2] == ["KH-20260101-0000", "客户0"]


def test_ignored_far_cells_reach_the_snapshot_and_the_check_command(tmp_path, capfd) -> None:
    path = build(tmp_path / "far.xlsx")
    rewrite(path, {CLIENTS: lambda x: x.replace("</sheetData>", far_row(1048576, "XFD"))})
    snapshot = LocalWorkbookStore(path).read()
    assert [p.params.get("ref") for p in snapshot.problems] == ["XFD1048576"]
    assert cli_main(["check", "--workbook", str(path)]) == 0
    assert "warning clients!1048576: Cell XFD1048576" in capfd.readouterr().out


def far_row(number: int, column: str, value: str = "x") -> str:
    cell = f'<c r="{column}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<row r="{number}">{cell}</row></sheetData>'


@pytest.mark.parametrize(
    ("column", "number", "why"),
    [
        ("XFD", 4, "a column beyond any table (3 letters)"),
        ("B", 1048576, "Excel's last row"),
        ("ZZ", 50000, "two letters × a 5-digit row: a 35-million-cell grid"),
        ("AZ", 1048576, "the last row, past the header's columns"),
    ],
)
def test_far_cells_never_blow_up_the_read(tmp_path, column, number, why) -> None:
    path = build(tmp_path / "far.xlsx")
    rewrite(path, {CLIENTS: lambda x: x.replace("</sheetData>", far_row(number, column))})
    found = probe(path)
    assert found["cpu"] < 3.0 and found["elapsed"] < 30, why
    assert found["clients"] == 3
    if column == "B":  # inside the table: a row of its own (reported by validation)
        assert found["height"] == number and found["rows"] == []
        store = LocalWorkbookStore(path)
        snapshot = store.read()
        assert any(p.row == number and p.column == "client_id" for p in snapshot.problems)
    else:
        assert found["height"] == 4 and found["rows"] == [number]
        assert f"{column}{number}" in found["en"][0]


def test_a_far_cell_does_not_stop_saves_and_stays_where_it_was(tmp_path, clock) -> None:
    path = build(tmp_path / "far.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Clients"]["XFD1048576"] = "oops"
    wb["Clients"]["XFD1"] = "far header"
    wb.save(path)
    before = cells(path)
    store = LocalWorkbookStore(path, clock=clock)
    assert store.read().clients.shape[0] == 3
    saved = store.append("clients", CLIENT, user="测试")
    assert not saved.pending
    after = cells(path)
    new = {k: v for k, v in after["Clients"].items() if k not in before["Clients"]}
    assert {int(re.sub(r"[A-Z]", "", k)) for k in new} == {5}  # the next row, not 1048577
    assert all(after["Clients"][k] == v for k, v in before["Clients"].items())
    assert store.read(fresh=True).record("clients", saved.record_id)["name"] == "新客户"


def test_a_full_tab_refuses_appends_clearly_and_keeps_them_waiting(tmp_path, clock) -> None:
    path = build(tmp_path / "full.xlsx")
    rewrite(path, {CLIENTS: lambda x: x.replace("</sheetData>", far_row(1048576, "B", "末行"))})
    store = LocalWorkbookStore(path, clock=clock)
    saved = store.append("clients", CLIENT, user="测试")
    assert saved.pending
    [op] = store.queue.ops()
    assert "the tab is full" in op.error and "1,048,576" in op.error
    assert cells(path)["Clients"]["B1048576"] == "末行"  # nothing written


# ---- 2. damaged files -----------------------------------------------------------------------
def flip_middle(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    for k in range(8):
        data[middle + k] ^= 0x55
    path.write_bytes(bytes(data))
    return path


def damaged(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.xlsx"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "not_zip":
        path.write_text("client_id,name\nKH-1,张三\n", encoding="utf-8")
    elif kind == "xls":  # an old Excel file renamed to .xlsx (OLE2 signature)
        path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    elif kind == "cut_zip":
        build(path, clients=40)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "bit_flips":
        flip_middle(build(path, clients=40))
    elif kind == "part_missing":
        rewrite(build(path), {}, drop={CLIENTS})
    elif kind == "cut_xml":
        rewrite(build(path), {CLIENTS: lambda x: x[: len(x) * 2 // 3]})
    elif kind == "workbook_missing":
        rewrite(build(path), {}, drop={"xl/workbook.xml"})
    elif kind == "sst_bomb":  # a shared-string table claiming a trillion entries
        rewrite(
            build(path),
            {
                "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}" count="999999999999" '
                'uniqueCount="999999999999"><si><t>张三</t></si></sst>',
                "xl/_rels/workbook.xml.rels": lambda x: x.replace(
                    "</Relationships>",
                    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" '
                    'Target="sharedStrings.xml"/></Relationships>',
                ),
                CLIENTS: lambda x: x.replace(
                    '<c r="B2" t="inlineStr"><is><t>客户0</t></is></c>',
                    '<c r="B2" t="s"><v>0</v></c>',
                ),
            },
        )
    else:
        raise AssertionError(kind)
    return path


UNREADABLE = {
    "empty": ("is empty", "空文件"),
    "not_zip": ("is not an .xlsx workbook", "不是 .xlsx 工作簿"),
    "xls": ("is not an .xlsx workbook", "不是 .xlsx 工作簿"),
    "cut_zip": ("is damaged", "已损坏"),
    "bit_flips": ("is damaged", "已损坏"),
    "part_missing": ("its cells (xl/worksheets/sheet1.xml) are missing", "不在文件里"),
    "cut_xml": ("the tab “Clients” cannot be read", "无法读取工作表“Clients”"),
    "workbook_missing": ("xl/workbook.xml", "xl/workbook.xml"),
}


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_an_unreadable_file_is_one_clear_error_naming_it(tmp_path, kind, capfd) -> None:
    path = damaged(tmp_path, kind)
    with pytest.raises(BadWorkbookError) as err:
        LocalWorkbookStore(path).read()
    en, zh = UNREADABLE[kind]
    assert path.name in err.value.message("en") and en in err.value.message("en")
    assert path.name in err.value.message("zh") and zh in err.value.message("zh")
    assert cli_main(["check", "--workbook", str(path)]) == 2
    captured = capfd.readouterr()
    assert path.name in captured.err and "Traceback" not in captured.err + captured.out
    assert cli_main(["check", "--workbook", str(path), "--lang", "zh"]) == 2
    assert zh in capfd.readouterr().err


def test_a_lying_shared_string_table_is_read_without_calamine(tmp_path) -> None:
    path = damaged(tmp_path, "sst_bomb")
    found = probe(path)  # calamine would reserve 24 TB for it and abort
    assert found["clients"] == 3 and found["cpu"] < 2.0
    assert LocalWorkbookStore(path).read().record("clients", "KH-20260101-0000")["name"] == "张三"


BAD_SERIALS = ["1e300", "-5", "2958466", "-1e300", "nan", "inf", "abc"]


@pytest.mark.parametrize("serial", BAD_SERIALS)
def test_an_absurd_date_is_a_problem_on_its_row_and_the_rest_works(tmp_path, serial, capfd):
    path = build(tmp_path / "dates.xlsx")

    def put(column: str, row: int):
        def edit(xml: str) -> str:
            cell = re.search(rf'<c r="{column}{row}"([^>]*?)(?:/>|>.*?</c>)', xml)
            style = re.search(r'\bs="(\d+)"', cell.group(1)).group(1)
            return xml.replace(
                cell.group(0), f'<c r="{column}{row}" s="{style}"><v>{serial}</v></c>'
            )

        return edit

    rewrite(path, {CLIENTS: put("M", 3), COMPLAINTS: put("C", 2)})  # registered_on, received_at
    store = LocalWorkbookStore(path)
    snapshot = store.read()
    assert len(snapshot.clients) == 3  # an optional date: the row stays, the cell is reported
    warning = [p for p in snapshot.problems if p.tab == "clients"]
    assert [(p.level, p.row, p.column) for p in warning] == [("warning", 3, "registered_on")]
    assert "is not a date" in warning[0].message("en") and "不是" in warning[0].message("zh")
    if serial in ("-1e300", "abc"):  # read by the careful reader: shown as typed
        assert f"“{serial}”" in warning[0].message("en")
    error = [p for p in snapshot.problems if p.tab == "complaints"]
    assert [(p.level, p.row, p.column) for p in error] == [("error", 2, "received_at")]
    assert snapshot.record("clients", "KH-20260101-0002")["registered_on"] is not None
    assert store.current("complaints", "TS-20260101-0001") is not None  # read fresh: no crash
    assert cli_main(["check", "--workbook", str(path)]) == 1
    assert "panicked" not in capfd.readouterr().err  # calamine never got the -1e300


def test_from_serial_refuses_numbers_no_calendar_has() -> None:
    assert from_serial(46000.5) == dt.datetime(2025, 12, 9, 12, 0)
    for value in (1e300, -1e300, float("nan"), float("inf"), 2958466.0):
        with pytest.raises(ValueError):
            from_serial(value)


def test_dates_outside_1900_to_2200_are_refused_by_the_parser() -> None:
    from sheets_schema.parse import CellError, parse_date, parse_datetime

    for value in (
        dt.datetime(1899, 12, 30),
        dt.date(1066, 10, 14),
        "1899-12-31",
        2958466,
        -5,
        "3026-01-05",  # a typo: the tables hold timestamps up to 2262
        dt.datetime(2263, 1, 1),
    ):
        with pytest.raises(CellError):
            parse_datetime(value)
    assert parse_date(float("nan")) is None  # how pandas spells an empty cell
    assert parse_date("2200-12-31") == dt.date(2200, 12, 31)


# ---- 3. writing what another tool wrote -------------------------------------------------------
def without_positions(rows: bool = True, cell_refs: bool = True):
    """The sheet as a tool that writes implicit positions has it: every cell of a row written
    in order (`<c/>` for the empty ones) without `r`, and/or rows without `r`."""

    def dense(m: re.Match) -> str:
        out, col = [], 0
        for cell in re.finditer(r'<c r="([A-Z]+)\d+"(.*?(?:/>|</c>))', m.group(2), re.S):
            index = openpyxl.utils.column_index_from_string(cell.group(1))
            out += ["<c/>"] * (index - 1 - col)
            out.append("<c" + cell.group(2))
            col = index
        return m.group(1) + "".join(out) + "</row>"

    def edit(xml: str) -> str:
        if cell_refs:
            xml = re.sub(r"(<row\b[^>]*>)(.*?)</row>", dense, xml, flags=re.S)
        if rows:
            xml = re.sub(r'<row r="\d+"', "<row", xml)
        return xml

    return edit


def with_prefix(xml: str) -> str:
    xml = re.sub(r"<(/?)(?![?!])([A-Za-z])", r"<\1x:\2", xml)
    return xml.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')


def save_twice(store: LocalWorkbookStore) -> tuple[str, str]:
    """One append and one update of an existing row, as the app makes them."""
    added = store.append("clients", CLIENT, user="测试")
    current = store.current("clients", "KH-20260101-0001")
    store.update("clients", "KH-20260101-0001", {"notes": "已回访"}, seen=current, user="测试")
    store.flush()
    return added.record_id, "KH-20260101-0001"


@pytest.mark.parametrize(
    "edit",
    [
        without_positions(),
        without_positions(rows=False),
        without_positions(cell_refs=False),
        with_prefix,
        lambda x: re.sub(r"(<row r=\"2\">.*?</row>)(<row r=\"3\">.*?</row>)", r"\2\1", x),
    ],
    ids=[
        "rows_and_cells_without_r",
        "cells_without_r",
        "rows_without_r",
        "x_prefix",
        "rows_out_of_order",
    ],
)
def test_an_app_save_keeps_every_record_of_a_sheet_another_tool_wrote(tmp_path, clock, edit):
    path = build(tmp_path / "tool.xlsx")
    rewrite(path, {CLIENTS: edit})
    before = cells(path)
    assert len(LocalWorkbookStore(path).read().clients) == 3  # read right before the save too
    store = LocalWorkbookStore(path, clock=clock)
    new_id, _ = save_twice(store)
    assert store.pending_count() == 0
    after = cells(path)
    for ref, value in before["Clients"].items():
        if ref not in ("N3", "O3", "P3"):  # the update's notes and stamps
            assert after["Clients"][ref] == value, ref
    assert after["Clients"]["N3"] == "已回访"
    assert after["Clients"]["A5"] == new_id and after["Clients"]["B5"] == "新客户"
    assert after["Complaints"] == before["Complaints"]
    snapshot = LocalWorkbookStore(path).read()
    assert len(snapshot.clients) == 4 and not snapshot.errors
    xml = sheet_xml(path)
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', xml)]
    assert numbers == sorted(numbers) == [1, 2, 3, 4, 5]
    assert not re.search(r"<c(?:[>/]|\s(?!r=\"))", xml)  # every cell has its position now


def test_a_row_number_used_twice_is_refused_and_the_save_waits(tmp_path, clock) -> None:
    path = build(tmp_path / "twice.xlsx")
    rewrite(path, {CLIENTS: lambda x: x.replace('<row r="3">', '<row r="2">')})
    with XlsxWorkbook(str(path)) as wb, pytest.raises(XlsxError, match="row 2 appears twice"):
        wb.check_editable("Clients")
    before = path.read_bytes()
    store = LocalWorkbookStore(path, clock=clock)
    saved = store.append("clients", CLIENT, user="测试")
    assert saved.pending and "appears twice" in store.queue.ops()[0].error
    assert path.read_bytes() == before  # nothing written blind


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda x: x.replace('<c r="A3"', '<c r="A4"', 1), "another row"),
        (lambda x: x.replace("<sheetData>", "<sheetData><!-- <row r='9'/> -->"), "comments"),
        (lambda x: '<!DOCTYPE worksheet [<!ENTITY e "x">]>' + x, "document type"),
        (lambda x: x.replace('<c r="B3"', '<c r="A3"', 1), "twice"),
    ],
    ids=["cell_of_another_row", "xml_comment", "doctype", "cell_twice"],
)
def test_irregular_sheets_are_refused_with_a_reason(tmp_path, edit, reason) -> None:
    path = rewrite(build(tmp_path / "odd.xlsx"), {CLIENTS: edit})
    with XlsxWorkbook(str(path)) as wb:
        with pytest.raises(XlsxError, match=reason):
            wb.check_editable("Clients")
            wb.sheet("Clients").set_row(3, {1: "x"}, {})
        with pytest.raises(XlsxError):
            wb.sheet("Clients").append_rows(9, [{0: "x"}], {})


def test_check_editable_passes_a_plain_sheet_and_the_normalised_ones(tmp_path) -> None:
    path = build(tmp_path / "plain.xlsx")
    with XlsxWorkbook(str(path)) as wb:
        wb.check_editable("Clients")
        assert wb.sheet("Clients").xml == sheet_xml(path)  # a plain sheet is left as it was
    rewrite(path, {CLIENTS: with_prefix})
    with XlsxWorkbook(str(path)) as wb:
        wb.check_editable("Clients")
        assert "<x:" not in wb.sheet("Clients").xml and f'<worksheet xmlns="{MAIN}"' in (
            wb.sheet("Clients").xml
        )


def test_normalise_gives_implicit_positions_as_excel_reads_them() -> None:
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c><v>1</v></c><c r="C1"><v>3</v></c>'
        "<c><v>4</v></c></row><row r='5'><c t='s'><v>0</v></c></row><row><c/></row>"
        "</sheetData></worksheet>"
    )
    out, why = normalise(xml)
    assert why == ""
    assert '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>3</v></c><c r="D1"><v>4</v></c>' in out
    assert '<row r="5"><c r="A5" t="s"><v>0</v></c></row><row r="6"><c r="A6"/></row>' in out


def test_a_workbook_without_styles_gets_them_when_a_date_is_written(tmp_path, clock) -> None:
    path = build(tmp_path / "nostyles.xlsx")

    def unstyle(xml: str) -> str:
        return re.sub(r'\s+s="\d+"', "", xml)

    rewrite(
        path,
        {
            CLIENTS: unstyle,
            COMPLAINTS: unstyle,
            "xl/worksheets/sheet3.xml": unstyle,
            "xl/_rels/workbook.xml.rels": lambda x: re.sub(
                r"<Relationship[^>]*styles[^>]*/>", "", x
            ),
            "[Content_Types].xml": lambda x: re.sub(r"<Override[^>]*styles\.xml[^>]*/>", "", x),
        },
        drop={"xl/styles.xml"},
    )
    before = cells(path)
    store = LocalWorkbookStore(path, clock=clock)
    saved = store.append("clients", CLIENT, user="测试")
    assert not saved.pending
    wb = openpyxl.load_workbook(path)
    assert wb["Clients"]["M5"].is_date and wb["Clients"]["M5"].value == dt.datetime(2026, 3, 4)
    assert all(cells(path)["Clients"][k] == v for k, v in before["Clients"].items())


def test_a_missing_styles_part_is_refused_when_cells_use_styles(tmp_path, clock) -> None:
    path = build(tmp_path / "nostyles.xlsx")
    rewrite(path, {}, drop={"xl/styles.xml"})
    store = LocalWorkbookStore(path, clock=clock)
    saved = store.append("clients", CLIENT, user="测试")
    assert saved.pending and "no styles part" in store.queue.ops()[0].error


SHARED = (
    '<c r="Q{r}"><f t="shared" ref="Q2:Q4" si="0">B2&amp;"!"</f><v>x</v></c>',
    '<c r="Q{r}"><f t="shared" si="0"/><v>x</v></c>',
)


def with_formulas(column: str = "Q"):
    """A formula column: a shared formula whose master is in row 2 (replacing the column's
    cells in rows 2–4, or added at the end of those rows)."""

    def edit(xml: str) -> str:
        for r in (2, 3, 4):
            text = SHARED[0 if r == 2 else 1].format(r=r).replace("Q", column)
            old = re.search(rf'<c r="{column}{r}"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
            if old:
                xml = xml.replace(old.group(0), text)
                continue
            row = re.search(rf'<row r="{r}"[^>]*>.*?(</row>)', xml, re.S)
            xml = xml[: row.start(1)] + text + xml[row.start(1) :]
        return xml

    return edit


def test_a_shared_formula_in_a_row_being_rewritten_is_kept(tmp_path, clock) -> None:
    path = rewrite(build(tmp_path / "formula.xlsx"), {CLIENTS: with_formulas("Q")})
    store = LocalWorkbookStore(path, clock=clock)
    current = store.current("clients", "KH-20260101-0000")
    store.update("clients", "KH-20260101-0000", {"notes": "改"}, seen=current, user="w")
    assert store.pending_count() == 0
    xml = sheet_xml(path)
    assert '<c r="Q2"><f t="shared" ref="Q2:Q4" si="0">B2&amp;"!"</f>' in xml
    assert '<c r="Q3"><f t="shared" si="0"/>' in xml
    assert openpyxl.load_workbook(path)["Clients"]["N2"].value == "改"


def test_overwriting_the_master_of_a_shared_formula_is_refused(tmp_path, clock) -> None:
    path = rewrite(build(tmp_path / "formula.xlsx"), {CLIENTS: with_formulas("N")})  # notes
    before = sheet_xml(path)
    store = LocalWorkbookStore(path, clock=clock)
    current = store.current("clients", "KH-20260101-0000")
    store.update("clients", "KH-20260101-0000", {"notes": "改"}, seen=current, user="w")
    [refused] = store.queue.conflicts()
    assert "shared formula" in refused.error
    assert '<f t="shared" ref="Q2:Q4" si="0">'.replace("Q", "N") in sheet_xml(path)
    assert sheet_xml(path).count("<f ") == before.count("<f ")


def test_writing_into_an_array_formula_is_refused(tmp_path) -> None:
    path = build(tmp_path / "array.xlsx")
    rewrite(
        path,
        {
            CLIENTS: lambda x: x.replace(
                '<c r="N2"', '<c r="N2"><f t="array" ref="N2:N3">B2:B3</f><v>a</v></c><c r="Z2"', 1
            )
        },
    )
    with XlsxWorkbook(str(path)) as wb:
        sheet = wb.sheet("Clients")
        with pytest.raises(XlsxError, match="array formula"):
            sheet.set_row(3, {13: "x"}, {})
        sheet.set_row(3, {1: "fine"}, {})  # a cell outside the array is written


# ---- 4. the command line ------------------------------------------------------------------
def test_check_on_a_missing_workbook_exits_2_with_a_message(tmp_path) -> None:
    missing = tmp_path / "MISSING.xlsx"
    out = subprocess.run(
        [sys.executable, "-m", "utils.cli", "check", "--workbook", str(missing)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SHEETDESK_LANGUAGE": "en"},
    )
    assert out.returncode == 2
    assert "There is no workbook at" in out.stderr and "MISSING.xlsx" in out.stderr
    assert "Traceback" not in out.stderr and not missing.exists()


def test_check_on_a_damaged_file_exits_2_end_to_end(tmp_path) -> None:
    path = damaged(tmp_path, "cut_zip")
    out = subprocess.run(
        [sys.executable, "-m", "utils.cli", "check", "--workbook", str(path), "--lang", "zh"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "已损坏" in out.stderr and "cut_zip.xlsx" in out.stderr
    assert "Traceback" not in out.stderr and "panicked" not in out.stderr


# ---- 5. leftovers of a crashed save ---------------------------------------------------------
def test_stale_temporary_copies_are_removed_young_ones_kept(tmp_path) -> None:
    path = build(tmp_path / "book.xlsx")
    old = tmp_path / ".book.xlsx.0a1b2c3d.tmp"
    young = tmp_path / ".book.xlsx.99887766.tmp"
    other = tmp_path / ".other.xlsx.0a1b2c3d.tmp"
    mine = tmp_path / "book.xlsx.0a1b2c3d.tmp"
    for f in (old, young, other, mine):
        f.write_bytes(b"PK")
    hour_ago = time.time() - 3600
    for f in (old, other, mine):
        os.utime(f, (hour_ago, hour_ago))
    assert remove_stale_temps(path, older_than=3600 * 2) == []
    LocalWorkbookStore(path).read()  # a read tidies up while the lock is free
    assert not old.exists()
    assert young.exists() and other.exists() and mine.exists()


# ---- 6. fuzzing ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_workbooks(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("fuzz")
    deflated = build(folder / "deflated.xlsx", clients=4)
    stored = rewrite(build(folder / "stored.xlsx", clients=4), {}, stored=True)
    return {"deflated": deflated.read_bytes(), "stored": stored.read_bytes()}


def read_or_refuse(path: Path) -> None:
    try:
        LocalWorkbookStore(path).read()
    except BadWorkbookError as err:
        assert path.name in err.message("en") and path.name in err.message("zh")


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_bytes_read_or_raise_bad_workbook_error(small_workbooks, tmp_path, data) -> None:
    kind = data.draw(st.sampled_from(sorted(small_workbooks)))
    blob = bytearray(small_workbooks[kind])
    action = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if action == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, len(blob) - 1))
            blob[at] ^= 1 << data.draw(st.integers(0, 7))
    elif action == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    else:  # digits or letters typed into the XML (stored parts are plain text)
        at = data.draw(st.integers(0, len(blob) - 8))
        blob[at : at + 4] = data.draw(
            st.sampled_from([b"9999", b"XFD9", b"<c>", b"-1e3", b"\x00\x00"])
        )
    path = tmp_path / f"fuzz-{kind}.xlsx"
    path.write_bytes(bytes(blob))
    read_or_refuse(path)
