"""The xlsx writer copies unchanged parts of a workbook as their compressed bytes, through
zipfile internals (`utils.store.xlsx_zip.copy_raw`). These tests fail loudly when a Python
release changes any of them; CI runs them on the oldest and the newest supported Python."""

from __future__ import annotations

import inspect
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from utils.store import xlsx_zip
from utils.store.local import LocalWorkbookStore
from utils.store.xlsx_cells import XlsxError
from utils.store.xlsx_patch import XlsxWorkbook


def raw_entries(path: Path) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    """Every entry of a zip with its compressed bytes, read from the file with the struct
    layout of the format (not through zipfile), so the copy is checked independently."""
    out = {}
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            at = info.header_offset
            assert data[at : at + 4] == b"PK\x03\x04", info.filename
            name_len = int.from_bytes(data[at + 26 : at + 28], "little")
            extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
            start = at + 30 + name_len + extra_len
            out[info.filename] = (info, data[start : start + info.compress_size])
    return out


def test_the_zipfile_internals_the_raw_copy_uses_are_there(tmp_path: Path) -> None:
    params = inspect.signature(zipfile.ZipInfo.FileHeader).parameters
    assert "zip64" in params and params["zip64"].default is None, params
    with zipfile.ZipFile(tmp_path / "w.zip", "w") as out:
        assert out.fp is not None and hasattr(out.fp, "tell") and hasattr(out.fp, "write")
        assert isinstance(out.filelist, list), "ZipFile.filelist is gone"
        assert isinstance(out.NameToInfo, dict), "ZipFile.NameToInfo is gone"
        assert isinstance(out.start_dir, int), "ZipFile.start_dir is gone"
        out.writestr("a.xml", b"<a/>")
        assert out.start_dir == out.fp.tell(), "start_dir no longer follows the last entry"
        assert out.NameToInfo["a.xml"] is out.filelist[0]
    with zipfile.ZipFile(tmp_path / "w.zip") as src:
        assert src.fp is not None and hasattr(src.fp, "seek"), "ZipFile.fp is gone"
        info = src.filelist[0]
        for name in ("header_offset", "CRC", "compress_size", "file_size", "flag_bits"):
            assert hasattr(info, name), f"ZipInfo.{name} is gone"
        header = info.FileHeader()
        assert header[:4] == b"PK\x03\x04" and len(header) == 30 + len("a.xml")


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A workbook as the store makes it (openpyxl), with rows in every tab, plus a comment
    part and a part stored with a data descriptor, as some spreadsheet programs write them."""
    path = tmp_path / "desk.xlsx"
    store = LocalWorkbookStore(path)
    store.init("zh")
    for i in range(30):
        store.append("clients", {"name": f"客户{i}", "phone": f"1380013{i:04d}"}, user="t")
    # re-pack with one extra part written to a stream that cannot seek: zipfile then puts a
    # data descriptor after it (flag bit 3), which the copy must drop and fold into the header
    parts = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            parts[info] = z.read(info)
    buf = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b) -> int:
            return buf.write(b)

    with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            z.writestr(info, data)
        z.writestr("customXml/item1.xml", "<note>保留我 keep me</note>" * 50)
    path.write_bytes(buf.getvalue())
    with zipfile.ZipFile(path) as z:
        assert any(i.flag_bits & 0x08 for i in z.infolist()), "no data descriptor to test"
    return path


def edited_copy(src: Path, dest: Path) -> str:
    """Change one cell of the clients tab; returns the changed part's name."""
    with XlsxWorkbook(str(src)) as wb:
        title = next(t for t in wb.sheet_parts if t == "客户档案")
        wb.sheet(title).set_row(3, {1: "改过的名字"}, {})  # B3: a name
        wb.save(str(dest))
        return wb.sheet_parts[title]


def test_a_copied_workbook_reopens_and_its_parts_are_unchanged(
    workbook: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "copy.xlsx"
    changed = edited_copy(workbook, dest)

    with zipfile.ZipFile(dest) as z:
        assert z.testzip() is None
        names = z.namelist()
    with zipfile.ZipFile(workbook) as z:
        assert names == z.namelist()  # same parts, same order

    before, after = raw_entries(workbook), raw_entries(dest)
    with zipfile.ZipFile(workbook) as old, zipfile.ZipFile(dest) as new:
        for name in names:
            if name == changed:
                assert new.read(name) != old.read(name)
                continue
            assert new.read(name) == old.read(name), name  # identical after decompression
            info_b, raw_b = before[name]
            info_a, raw_a = after[name]
            assert raw_a == raw_b, f"{name}: compressed bytes were not copied as they were"
            assert (info_a.CRC, info_a.file_size, info_a.compress_type) == (
                info_b.CRC,
                info_b.file_size,
                info_b.compress_type,
            )
            assert not info_a.flag_bits & 0x08, f"{name}: data descriptor flag kept"

    book = openpyxl.load_workbook(dest)
    assert book["客户档案"].cell(3, 2).value == "改过的名字"
    assert book["客户档案"].max_row == 31
    rows = CalamineWorkbook.from_path(str(dest)).get_sheet_by_name("客户档案").to_python()
    assert rows[2][1] == "改过的名字" and len(rows) == 31
    # the store reads it, and saves again on top of a copy (the copy of a copy stays valid)
    snap = LocalWorkbookStore(dest).read(fresh=True)
    assert len(snap.clients) == 30 and not [p for p in snap.problems if p.level == "error"]
    again = tmp_path / "again.xlsx"
    edited_copy(dest, again)
    with zipfile.ZipFile(again) as z:
        assert z.testzip() is None


def test_a_part_cut_short_is_an_xlsx_error(workbook: Path, tmp_path: Path) -> None:
    src = zipfile.ZipFile(workbook)
    info = next(i for i in src.infolist() if i.filename == "customXml/item1.xml")
    info.compress_size += 10_000_000  # the central directory claims more than the file has
    with zipfile.ZipFile(tmp_path / "out.zip", "w") as out, pytest.raises(XlsxError):
        xlsx_zip.copy_raw(src, out, info)
    src.close()
