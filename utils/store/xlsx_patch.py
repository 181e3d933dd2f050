"""Edit an .xlsx workbook at the XML level: change only the rows we write, keep everything else.

Rewriting a 50,000-row workbook through openpyxl on every save takes many seconds and drops
what openpyxl does not understand. Instead `XlsxWorkbook` opens the workbook as the zip it is,
edits the one worksheet's XML text (`xlsx_sheet.SheetXml`: set the cells of one row, append
rows), and writes a new zip (`xlsx_zip`) in which every untouched part — other tabs, styles,
comments (notes), drawings — is copied byte for byte, without even being decompressed.

A sheet that cannot be edited safely (see `xlsx_normalise`) is refused:
`XlsxWorkbook.check_editable(title)` raises `XlsxError` saying why, and so does every edit of
that sheet. A missing styles part is created when a date style is needed (`xlsx_styles`);
tabs are added and renamed here (`xlsx_rename` for what refers to a tab by name).

The pieces: `xlsx_cells` (the shared vocabulary) → `xlsx_normalise` → `xlsx_sheet`;
`xlsx_package`, `xlsx_styles`, `xlsx_rename`, `xlsx_zip`; this module puts them together.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from xml.sax.saxutils import escape

from sheets_schema.columns import column_letter
from utils.store.xlsx_cells import (
    MAIN_NS,
    TABLE_COLUMNS,
    Cell,
    XlsxError,
    cell_xml,
    from_serial,
    unescape,
)
from utils.store.xlsx_package import (
    REL_NS,
    STYLES_CT,
    STYLES_TYPE,
    WORKSHEET_CT,
    WORKSHEET_TYPE,
    parse_sheet_parts,
    styles_part_of,
)
from utils.store.xlsx_rename import rename_in_part, rename_in_workbook, rename_refs
from utils.store.xlsx_sheet import SheetXml
from utils.store.xlsx_styles import DATE_FORMAT, DATETIME_FORMAT, MINIMAL_STYLESHEET, number_style
from utils.store.xlsx_zip import copy_raw, write_text

__all__ = ["SheetXml", "XlsxError", "XlsxWorkbook", "from_serial"]  # what the store imports

_TEXT_RE = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_V_RE = re.compile(r"<v>(.*?)</v>", re.S)


class XlsxWorkbook:
    """An .xlsx file opened for XML-level edits. `save(path)` writes the edited copy."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.changed: dict[str, str] = {}
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise XlsxError(f"not a readable xlsx (zip) file: {exc}") from exc
        try:
            self._names = set(self.zip.namelist())
            workbook = self._text("xl/workbook.xml")
            rels = self._text("xl/_rels/workbook.xml.rels")
        except XlsxError:
            self.zip.close()
            raise
        self.sheet_parts: dict[str, str] = parse_sheet_parts(workbook, rels)
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
        return self._decode(name, self._bytes(name))

    def _bytes(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except KeyError:
            raise XlsxError(f"the part {name} is missing from the file") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise XlsxError(f"the part {name} is damaged: {exc}") from exc
        except RuntimeError as exc:  # encrypted
            raise XlsxError(f"the part {name} cannot be read: {exc}") from exc

    @staticmethod
    def _decode(name: str, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise XlsxError(f"the part {name} is not UTF-8 text") from None

    # --- sheets ---
    def sheet(self, title: str) -> SheetXml:
        """The sheet's XML, made regular (see `normalise`). Raises XlsxError when its part
        is missing or damaged."""
        if title not in self._sheets:
            part = self.sheet_parts.get(title)
            if part is None:
                raise XlsxError(f"there is no tab “{title}”")
            if part in self.changed:
                self._sheets[title] = SheetXml(self.changed[part])
            else:
                raw = self._bytes(part)
                self._sheets[title] = SheetXml(self._decode(part, raw), raw)
        return self._sheets[title]

    def check_editable(self, title: str) -> None:
        """Raise XlsxError saying why the tab `title` cannot be edited safely; return if it
        can. The writer calls it before editing a sheet (the edits check it again)."""
        sheet = self.sheet(title)
        sheet.rows()  # finds rows out of order (sorted) or used twice (refused)
        if sheet.refusal:
            raise XlsxError(f"the tab “{title}” is not edited: {sheet.refusal}")

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
        """Row 1's texts up to its last cell with a value; a value typed past column ZZ is not
        a header."""
        cells = {
            i: c
            for i, c in self.sheet(title).row_cells(1).items()
            if i < TABLE_COLUMNS and self.cell_value(c) not in (None, "")
        }
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

    def _styles_part(self) -> str:
        return styles_part_of(self._text("xl/_rels/workbook.xml.rels"))

    def _add_styles_part(self, name: str) -> None:
        """A workbook without a styles part (some tools write none) gets a minimal one, so
        dates can have a date format. Refused if cells already refer to styles it lacks."""
        for title in self.sheet_parts:
            try:
                xml = self.sheet(title).xml
            except XlsxError:
                continue
            if re.search(r'<c\b[^>]*\ss="[1-9]', xml):
                raise XlsxError(
                    f"the workbook has no styles part ({name}) but the tab “{title}” uses "
                    "styles; open it in Excel or WPS and save it once"
                )
        self.changed[name] = MINIMAL_STYLESHEET
        rels = self._text("xl/_rels/workbook.xml.rels")
        if STYLES_TYPE not in rels:
            ids = [int(n) for n in re.findall(r'Id="rId(\d+)"', rels)]
            rel = (
                f'<Relationship Id="rId{max(ids, default=0) + 1}" Type="{STYLES_TYPE}" '
                f'Target="/{name}"/>'
            )
            self.changed["xl/_rels/workbook.xml.rels"] = re.sub(
                r"</((?:\w+:)?)Relationships>", lambda m: rel + m.group(0), rels, count=1
            )
        ct = self._text("[Content_Types].xml")
        if f'PartName="/{name}"' not in ct:
            self.changed["[Content_Types].xml"] = re.sub(
                r"</((?:\w+:)?)Types>",
                lambda m: f'<Override PartName="/{name}" ContentType="{STYLES_CT}"/>' + m.group(0),
                ct,
                count=1,
            )

    def _number_style(self, code: str) -> str:
        name = self._styles_part()
        if name not in self._names and name not in self.changed:
            self._add_styles_part(name)
        index, xml = number_style(name, self._text(name), code)
        if xml is not None:
            self.changed[name] = xml
        return index

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

    # --- renaming a worksheet ---
    def rename_sheet(self, old: str, new: str) -> None:
        """Rename the tab `old` to `new`: its name in xl/workbook.xml, and what refers to it
        by name — the workbook's defined names, formulas in the worksheets and charts, pivot
        caches' sources, docProps/app.xml's list of titles. Parts that do not name it are
        left as they are (copied byte for byte on saving). Raises XlsxError when there is no
        tab `old` or another tab is called `new` already (names ignore case)."""
        if old not in self.sheet_parts:
            raise XlsxError(f"there is no tab “{old}”")
        if any(t.casefold() == new.casefold() for t in self.sheet_parts if t != old):
            raise XlsxError(f"another tab is already called “{new}”")
        if old == new:
            return
        workbook = rename_in_workbook(self._text("xl/workbook.xml"), old, new)
        self.changed["xl/workbook.xml"] = workbook
        needle = escape(old).encode("utf-8")
        for title, part in self.sheet_parts.items():
            loaded = self._sheets.get(title)
            if loaded is not None:
                if escape(old) in loaded.xml:
                    text = rename_refs(loaded.xml, old, new)
                    if text != loaded.xml:
                        loaded.xml, loaded.dirty = text, True
                continue
            if part in self.changed:
                text = rename_refs(self.changed[part], old, new)
                self.changed[part] = text
            elif needle in self._bytes(part):
                text = self._decode(part, self._bytes(part))
                renamed = rename_refs(text, old, new)
                if renamed != text:
                    self.changed[part] = renamed
        sheet_parts = set(self.sheet_parts.values())
        for name in sorted(self._names):
            if name in sheet_parts or name == "xl/workbook.xml" or not name.endswith(".xml"):
                continue
            raw = self.changed[name].encode("utf-8") if name in self.changed else None
            if raw is None:
                if not name.startswith(("xl/charts/", "xl/pivotCache/", "docProps/app.xml")):
                    continue
                raw = self._bytes(name)
            if needle not in raw:
                continue
            text = self._decode(name, raw)
            renamed = rename_in_part(name, text, old, new)
            if renamed != text:
                self.changed[name] = renamed
        self.sheet_parts = {(new if t == old else t): p for t, p in self.sheet_parts.items()}
        if old in self._sheets:
            self._sheets[new] = self._sheets.pop(old)

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
                    write_text(out, info.filename, self.changed[info.filename])
                else:
                    copy_raw(self.zip, out, info)
                written.add(info.filename)
            for name, text in self.changed.items():
                if name not in written:
                    write_text(out, name, text)
