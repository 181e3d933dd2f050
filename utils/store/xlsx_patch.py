"""Edit an .xlsx workbook at the XML level: change only the rows we write, keep everything else.

Rewriting a 50,000-row workbook through openpyxl on every save takes many seconds and drops
what openpyxl does not understand. Instead this module opens the workbook as the zip it is,
edits the one worksheet's XML text (set the cells of one row, append rows), and writes a new zip
in which every untouched part — other tabs, styles, comments (notes), drawings — is copied byte
for byte, without even being decompressed.

Cells we write keep the cell's existing style (its colour, font, border); text is written as an
inline string (`t="inlineStr"`), so text that begins with `=`, `+`, `-` or `@` stays text and
never becomes a formula; dates and date-times are real dates (a serial number with a date format).
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.sax.saxutils import escape

from sheets_schema.columns import column_letter

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

_ROW_START_RE = re.compile(r'<row\b[^>]*?\br="(\d+)"')
_CELL_RE = re.compile(r'<c\b[^>]*?\br="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ATTR_RE = re.compile(r'\b(\w+)="([^"]*)"')
_TEXT_RE = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_V_RE = re.compile(r"<v>(.*?)</v>", re.S)
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XlsxError(Exception):
    """The file is not an xlsx workbook this module can edit."""


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def unescape(text: str) -> str:
    if "&" not in text:
        return text
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def to_serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None, microsecond=0) - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400
    return float((value - EXCEL_EPOCH.date()).days)


def from_serial(value: float) -> dt.datetime:
    """Excel serial → datetime, rounded to the second (serials carry float noise)."""
    return EXCEL_EPOCH + dt.timedelta(seconds=round(value * 86400))


@dataclass
class Cell:
    attrs: str  # attributes other than r (e.g. ' s="3" t="inlineStr"')
    inner: str | None  # XML between <c> and </c>, None for an empty cell

    @property
    def style(self) -> str | None:
        m = re.search(r'\bs="(\d+)"', self.attrs)
        return m.group(1) if m else None

    @property
    def type(self) -> str:
        m = re.search(r'\bt="(\w+)"', self.attrs)
        return m.group(1) if m else "n"


def cell_xml(ref: str, value: object, style: str | None) -> str:
    s = f' s="{style}"' if style is not None else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style is not None else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        serial = to_serial(value)
        text = repr(serial) if isinstance(value, dt.datetime) else str(int(serial))
        return f'<c r="{ref}"{s}><v>{text}</v></c>'
    text = escape(_BAD_XML_CHARS.sub("", str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class SheetXml:
    """One worksheet's XML text with row-level edits."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.dirty = False
        self._rows: dict[int, tuple[int, int]] | None = None

    # --- reading ---
    def rows(self) -> dict[int, tuple[int, int]]:
        """row number → (start, end) of its <row> element in the text. Found from the row
        starts alone (one light pass); a row ends where the next one starts."""
        if self._rows is None:
            begin = self.xml.find("<sheetData")
            starts = [(int(m.group(1)), m.start()) for m in _ROW_START_RE.finditer(self.xml, begin)]
            end_all = self.xml.find("</sheetData>", begin)
            self._rows = {}
            for k, (number, start) in enumerate(starts):
                end = starts[k + 1][1] if k + 1 < len(starts) else end_all
                self._rows[number] = (start, end)
        return self._rows

    def row_cells(self, number: int) -> dict[int, Cell]:
        span = self.rows().get(number)
        if span is None:
            return {}
        text = self.xml[span[0] : span[1]]
        return {
            col_index(m.group(1)): Cell(m.group(3), m.group(4)) for m in _CELL_RE.finditer(text)
        }

    def last_data_row(self) -> int:
        """The last row that has a value in any cell (styled empty rows don't count)."""
        for number in sorted(self.rows(), reverse=True):
            start, end = self.rows()[number]
            chunk = self.xml[start:end]
            if "<v>" in chunk or "<v " in chunk or "<t>" in chunk or "<t " in chunk:
                return number
        return 0

    def find_text(self, value: str, index: int, sst_index: int | None) -> int | None:
        """The row whose cell in column `index` holds the text `value` (an ID), found by plain
        string search rather than by reading every cell: as an inline string, or as shared
        string number `sst_index`."""
        letter = column_letter(index)
        needles = [f">{escape(value)}</t>"]
        if sst_index is not None:
            needles.append(f"<v>{sst_index}</v>")
        for needle in needles:
            pos = self.xml.find(needle)
            while pos != -1:
                cell_start = self.xml.rfind("<c ", 0, pos)
                m = _CELL_RE.match(self.xml, cell_start)
                if m and m.group(1) == letter and m.end() > pos:
                    inner = m.group(4) or ""
                    shared = 't="s"' in m.group(3)
                    right_kind = needle.startswith("<v>") == shared
                    if right_kind and int(m.group(2)) > 1 and (shared or value in unescape(inner)):
                        return int(m.group(2))
                pos = self.xml.find(needle, pos + 1)
        return None

    # --- writing ---
    def set_row(self, number: int, values: Mapping[int, object], styles: Mapping[int, str]) -> None:
        """Set some cells of one row (column index → value); other cells of the row are kept.
        `styles` gives the style to use for a cell that has none yet (or must change, for
        dates)."""
        cells = self.row_cells(number)
        span = self.rows().get(number)
        row_attrs = ""
        if span is not None:
            head = self.xml[span[0] : self.xml.index(">", span[0]) + 1]
            row_attrs = re.sub(r'\s*\b(r|spans)="[^"]*"', "", head[4:].rstrip("/>").rstrip(">"))
        parts = []
        for index in sorted(set(cells) | set(values)):
            ref = f"{column_letter(index)}{number}"
            old = cells.get(index)
            if index in values:
                style = styles.get(index) or (old.style if old else None)
                parts.append(cell_xml(ref, values[index], style))
            elif old is not None:
                inner = f">{old.inner}</c>" if old.inner is not None else "/>"
                parts.append(f'<c r="{ref}"{old.attrs}{inner}')
        new = f'<row r="{number}"{row_attrs}>{"".join(parts)}</row>'
        if span is not None:
            self.xml = self.xml[: span[0]] + new + self.xml[span[1] :]
        else:
            later = [n for n in self.rows() if n > number]
            if later:
                at = self.rows()[min(later)][0]
            else:
                at = self.xml.find("</sheetData>")
                if at == -1:
                    self.xml = re.sub(
                        r"<sheetData\s*/>", "<sheetData></sheetData>", self.xml, count=1
                    )
                    at = self.xml.index("</sheetData>")
            self.xml = self.xml[:at] + new + self.xml[at:]
        self._rows = None
        self.dirty = True
        self._grow_dimension(number, max(values) if values else 0)

    def append_rows(
        self, first: int, rows: list[Mapping[int, object]], styles: Mapping[int, str]
    ) -> None:
        """Add many new rows at once from row `first` on (all after the last existing row:
        one text edit however many rows)."""
        if not rows:
            return
        existing = [n for n in self.rows() if n >= first]
        if existing:  # styled empty rows in the way: fall back to one row at a time
            for k, values in enumerate(rows):
                self.set_row(first + k, values, styles)
            return
        parts = []
        for k, values in enumerate(rows):
            number = first + k
            cells = "".join(
                cell_xml(f"{column_letter(i)}{number}", values[i], styles.get(i))
                for i in sorted(values)
            )
            parts.append(f'<row r="{number}">{cells}</row>')
        text = "".join(parts)
        at = self.xml.find("</sheetData>")
        if at == -1:  # <sheetData/>: an empty sheet
            self.xml = re.sub(r"<sheetData\s*/>", "<sheetData></sheetData>", self.xml, count=1)
            at = self.xml.index("</sheetData>")
        self.xml = self.xml[:at] + text + self.xml[at:]
        self._rows = None
        self.dirty = True
        self._grow_dimension(
            first + len(rows) - 1, max(max(r) for r in rows if r) if any(rows) else 0
        )

    def _grow_dimension(self, row: int, col: int) -> None:
        head = self.xml[: self.xml.find("<sheetData")]  # the dimension comes before the data
        m = re.search(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"\s*/>', head)
        if not m:
            return
        c1, r1 = m.group(1), int(m.group(2))
        c2, r2 = (m.group(3), int(m.group(4))) if m.group(3) else (c1, r1)
        c2 = column_letter(max(col_index(c2), col))
        ref = f"A1:{c2}{max(r2, row)}" if (c1, r1) != ("A", 1) else f"{c1}{r1}:{c2}{max(r2, row)}"
        self.xml = self.xml[: m.start()] + f'<dimension ref="{ref}"/>' + self.xml[m.end() :]


class XlsxWorkbook:
    """An .xlsx file opened for XML-level edits. `save(path)` writes the edited copy."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.changed: dict[str, str] = {}
        try:
            self.zip = zipfile.ZipFile(path)
            self._names = set(self.zip.namelist())
            workbook = self._text("xl/workbook.xml")
            rels = self._text("xl/_rels/workbook.xml.rels")
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise XlsxError(str(exc)) from exc
        targets = {}
        for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
            attrs = dict(_ATTR_RE.findall(m.group(1)))
            targets[attrs.get("Id")] = attrs.get("Target", "")
        self.sheet_parts: dict[str, str] = {}
        for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
            attrs = dict(_ATTR_RE.findall(m.group(1)))
            name = unescape(attrs.get("name", ""))
            rid = attrs.get("id")
            target = targets.get(rid, "")
            part = (
                target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            )
            self.sheet_parts[name] = part
        self._sheets: dict[str, SheetXml] = {}
        self._sst: list[str] | None = None

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> XlsxWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _text(self, name: str) -> str:
        if name in self.changed:
            return self.changed[name]
        return self.zip.read(name).decode("utf-8")

    # --- sheets ---
    def sheet(self, title: str) -> SheetXml:
        if title not in self._sheets:
            self._sheets[title] = SheetXml(self._text(self.sheet_parts[title]))
        return self._sheets[title]

    def shared_strings(self) -> list[str]:
        if self._sst is None:
            name = "xl/sharedStrings.xml"
            if name not in self._names:
                self._sst = []
            else:
                xml = self._text(name)
                self._sst = [
                    "".join(unescape(t or "") for t in _TEXT_RE.findall(si))
                    for si in re.findall(r"<si>(.*?)</si>", xml, re.S)
                ]
        return self._sst

    def shared_index(self, value: str) -> int | None:
        """The position of `value` in the shared-string table, or None."""
        name = "xl/sharedStrings.xml"
        if name not in self._names:
            return None
        xml = self._text(name)
        pos = xml.find(f">{escape(value)}</t></si>")
        if pos == -1:
            return None
        return xml.count("<si>", 0, pos) + xml.count("<si ", 0, pos) - 1

    def cell_value(self, cell: Cell | None) -> object:
        """The cell's value: str, float, bool or None (dates come back as serial floats)."""
        if cell is None or cell.inner is None:
            return None
        kind = cell.type
        if kind == "inlineStr":
            return "".join(unescape(t or "") for t in _TEXT_RE.findall(cell.inner))
        m = _V_RE.search(cell.inner)
        if not m:
            return None
        raw = unescape(m.group(1))
        if kind == "s":
            sst = self.shared_strings()
            i = int(raw)
            return sst[i] if i < len(sst) else None
        if kind in ("str", "e", "d"):
            return raw
        if kind == "b":
            return raw == "1"
        try:
            return float(raw)
        except ValueError:
            return raw

    def header(self, title: str) -> list[str]:
        cells = self.sheet(title).row_cells(1)
        if not cells:
            return []
        width = max(cells) + 1
        out = [""] * width
        for i, c in cells.items():
            v = self.cell_value(c)
            out[i] = (
                ""
                if v is None
                else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            )
        return out

    # --- styles ---
    def date_styles(self) -> tuple[str, str]:
        """Style indexes (date, date-time) for cells we write — `yyyy-mm-dd` and
        `yyyy-mm-dd hh:mm`, readable in every locale — added to styles.xml when missing."""
        return self._number_style(DATE_FORMAT), self._number_style(DATETIME_FORMAT)

    def _number_style(self, code: str) -> str:
        xml = self._text("xl/styles.xml")
        m = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", xml, re.S)
        if not m:
            raise XlsxError("styles.xml has no cellXfs")
        xfs = re.findall(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", m.group(1), re.S)
        fmts = {
            unescape(c): int(i)
            for i, c in re.findall(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', xml)
        }
        fmt_id = fmts.get(code)
        if fmt_id is not None:
            for i, xf in enumerate(xfs):
                fid = re.search(r'numFmtId="(\d+)"', xf)
                plain = not re.search(r'(fillId|borderId|fontId)="[1-9]', xf)
                if fid and plain and int(fid.group(1)) == fmt_id:
                    return str(i)
        else:
            fmt_id = max([163, *fmts.values()]) + 1
            numfmt = f'<numFmt numFmtId="{fmt_id}" formatCode="{escape(code)}"/>'
            if re.search(r"<numFmts\b[^>]*/>", xml):
                xml = re.sub(r"<numFmts\b[^>]*/>", f'<numFmts count="1">{numfmt}</numFmts>', xml)
            elif "<numFmts" in xml:
                xml = xml.replace("</numFmts>", numfmt + "</numFmts>", 1)
                xml = _bump_count(xml, "numFmts")
            else:
                xml = re.sub(
                    r"(<styleSheet\b[^>]*>)",
                    lambda mm: mm.group(1) + f'<numFmts count="1">{numfmt}</numFmts>',
                    xml,
                    count=1,
                )
        end = xml.index("</cellXfs>")
        xml = (
            xml[:end] + f'<xf numFmtId="{fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>' + xml[end:]
        )
        xml = _bump_count(xml, "cellXfs")
        self.changed["xl/styles.xml"] = xml
        return str(len(xfs))

    # --- adding a worksheet ---
    def add_sheet(self, title: str, header: list[str]) -> None:
        numbers = [
            int(n)
            for n in re.findall(
                r"worksheets/sheet(\d+)\.xml", " ".join(self._names | set(self.changed))
            )
        ]
        part = f"xl/worksheets/sheet{max(numbers, default=0) + 1}.xml"
        cells = "".join(cell_xml(f"{column_letter(i)}1", h, None) for i, h in enumerate(header))
        self.changed[part] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}">'
            f'<dimension ref="A1:{column_letter(len(header) - 1)}1"/><sheetViews><sheetView '
            'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'<cols><col min="1" max="{len(header)}" width="16" customWidth="1"/></cols>'
            f'<sheetData><row r="1">{cells}</row></sheetData></worksheet>'
        )
        rels = self._text("xl/_rels/workbook.xml.rels")
        ids = [int(n) for n in re.findall(r'Id="rId(\d+)"', rels)]
        rid = f"rId{max(ids, default=0) + 1}"
        rel = f'<Relationship Id="{rid}" Type="{WORKSHEET_TYPE}" Target="/{part}"/>'
        self.changed["xl/_rels/workbook.xml.rels"] = rels.replace(
            "</Relationships>", rel + "</Relationships>"
        )
        ct = self._text("[Content_Types].xml")
        self.changed["[Content_Types].xml"] = ct.replace(
            "</Types>", f'<Override PartName="/{part}" ContentType="{WORKSHEET_CT}"/></Types>'
        )
        wb = self._text("xl/workbook.xml")
        prefix = re.search(rf'xmlns:(\w+)="{re.escape(REL_NS)}"', wb)
        if prefix is None:
            wb = re.sub(r"(<(?:\w+:)?workbook\b)", rf'\1 xmlns:r="{REL_NS}"', wb, count=1)
            pfx = "r"
        else:
            pfx = prefix.group(1)
        sheet_ids = [int(n) for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*sheetId="(\d+)"', wb)]
        elem = (
            f'<sheet name="{escape(title, {chr(34): "&quot;"})}" '
            f'sheetId="{max(sheet_ids, default=0) + 1}" {pfx}:id="{rid}"/>'
        )
        wb = re.sub(r"</((?:\w+:)?)sheets>", lambda m: elem + m.group(0), wb, count=1)
        self.changed["xl/workbook.xml"] = wb
        self.sheet_parts[title] = part
        self._sheets.pop(title, None)

    # --- saving ---
    def save(self, dest: str) -> None:
        """Write the workbook with its edits to `dest` (a new file). Untouched parts are copied
        as their compressed bytes."""
        for title, sheet in self._sheets.items():
            if sheet.dirty:
                self.changed[self.sheet_parts[title]] = sheet.xml
        with open(dest, "wb") as out_file, zipfile.ZipFile(out_file, "w") as out:
            written = set()
            for info in self.zip.infolist():
                if info.filename in self.changed:
                    _write_text(out, info.filename, self.changed[info.filename])
                else:
                    _copy_raw(self.zip, out, info)
                written.add(info.filename)
            for name, text in self.changed.items():
                if name not in written:
                    _write_text(out, name, text)


def _bump_count(xml: str, tag: str) -> str:
    return re.sub(
        rf'(<{tag}\b[^>]*count=")(\d+)"',
        lambda m: f'{m.group(1)}{int(m.group(2)) + 1}"',
        xml,
        count=1,
    )


def _write_text(out: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    out.writestr(info, text.encode("utf-8"), compresslevel=1)


def _copy_raw(src: zipfile.ZipFile, out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one entry's compressed bytes without decompressing them."""
    fp = src.fp
    assert fp is not None and out.fp is not None
    fp.seek(info.header_offset)
    header = fp.read(30)
    if header[:4] != b"PK\x03\x04":
        raise XlsxError(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    data = fp.read(info.compress_size)
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.CRC = info.CRC
    new.compress_size = info.compress_size
    new.file_size = info.file_size
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    new.flag_bits = info.flag_bits & ~0x08  # sizes are in the local header, no descriptor
    new.header_offset = out.fp.tell()
    out.fp.write(new.FileHeader(zip64=False))
    out.fp.write(data)
    out.filelist.append(new)
    out.NameToInfo[new.filename] = new
    out.start_dir = out.fp.tell()
    out._didModify = True
