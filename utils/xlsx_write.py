"""A small .xlsx writer for whole tables, built column by column with vectorised string
operations (pandas' Arrow-backed strings) instead of one Python call per cell: 50,000 rows of
two dozen columns in well under a second, where a cell-by-cell writer takes ten.

What it writes is what `utils.downloads` needs and no more: one sheet per table, a header row
(bold, filled, frozen, with a filter), column widths, and cells of four kinds — text (always a
shared string: never a formula, never a number), whole numbers, dates and date-times (real
dates with a date format). Blank cells are left out. The parts are the ones Excel writes
itself for such a workbook ([Content_Types].xml, the relationships, workbook, styles, shared
strings, sheets); Excel, LibreOffice, WPS, openpyxl and calamine open it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from sheets_schema.columns import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_STYLE, DATE_STYLE, DATETIME_STYLE = 1, 2, 3
_SELECTED = ' tabSelected="1"'
_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")  # Excel's day 0 (1900 date system)
_NS_PER_DAY = 86_400 * 10**9
# Excel reads "_x0041_" in a string as an escaped character: such text is escaped itself
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # (Arrow text is UTF-8)


@dataclass
class Column:
    """One column: its header, its kind ("text" | "int" | "date" | "datetime"), its values (a
    Series: text as str or None, int as a nullable integer, dates as datetime64) and width."""

    header: str
    kind: str
    values: pd.Series
    width: float


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]


class _Strings:
    """The shared-string table: each distinct text once; cells refer to it by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def codes(self, values: pd.Series) -> pd.Series:
        """The index of each value (NaN where the value is blank)."""
        text = values.astype("str")
        present = (text.notna() & (text != "")).to_numpy()
        codes, uniques = pd.factorize(text[present], sort=False)
        mapping = np.fromiter(
            (self.index.setdefault(u, len(self.index)) for u in uniques), dtype=np.int64
        )
        out = np.full(len(text), np.nan)
        if len(codes):
            out[present] = mapping[codes]
        self.count += int(present.sum())
        return pd.Series(out)

    def add(self, text: str) -> int:
        self.count += 1
        return self.index.setdefault(text, len(self.index))

    def xml(self) -> bytes:
        head = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{MAIN}" count="{self.count}" uniqueCount="{len(self.index)}">'
        )
        if not self.index:
            return (head + "</sst>").encode("utf-8")
        text = pd.Series(list(self.index), dtype="str")
        text = text.str.replace(_NOT_XML.pattern, "", regex=True)
        text = text.str.replace(_ESCAPE_LIKE.pattern, r"_x005F_\1", regex=True)
        spaced = (text != text.str.strip()) | text.str.contains("\n", regex=False)
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = text.str.replace(char, entity, regex=False)
        opening = pd.Series(np.where(spaced, '<si><t xml:space="preserve">', "<si><t>"))
        body = (opening.astype("str") + text + "</t></si>").str.cat()
        return (head + body + "</sst>").encode("utf-8")


def _as_text(numbers: pd.Series) -> pd.Series:
    return numbers.astype("str")


def _cells(letter: str, rows: pd.Series, column: Column, strings: _Strings) -> pd.Series:
    """The cells of one column as XML strings ('' for a blank cell)."""
    values = column.values.reset_index(drop=True)
    ref = ('<c r="' + letter) + rows
    if column.kind == "text":
        codes = strings.codes(values)
        blank = codes.isna()
        body = ref + '" t="s"><v>' + _as_text(codes.fillna(0).astype(np.int64)) + "</v></c>"
    elif column.kind == "int":
        numbers = pd.to_numeric(values, errors="coerce")
        blank = numbers.isna()
        body = ref + '"><v>' + _as_text(numbers.fillna(0).astype(np.int64)) + "</v></c>"
    else:
        stamps = pd.to_datetime(values).to_numpy(dtype="datetime64[ns]")
        blank = pd.Series(np.isnat(stamps)).astype(bool)
        ticks = (stamps - _EPOCH).astype(np.int64)
        days, rest = np.divmod(ticks, _NS_PER_DAY)
        serial = days + rest / _NS_PER_DAY
        style = DATE_STYLE if column.kind == "date" else DATETIME_STYLE
        text = _as_text(pd.Series(np.where(blank, 0.0, serial)))
        text = text.str.replace(r"\.0$", "", regex=True)
        body = ref + f'" s="{style}"><v>' + text + "</v></c>"
    return body.where(~blank.to_numpy(), "")


def _sheet_xml(sheet: Sheet, strings: _Strings, selected: bool) -> bytes:
    columns = list(sheet.columns)
    n = len(columns[0].values) if columns else 0
    last = column_letter(max(len(columns) - 1, 0)) + str(n + 1)
    head = [
        f'<c r="{column_letter(i)}1" s="{HEADER_STYLE}" t="s"><v>{strings.add(c.header)}</v></c>'
        for i, c in enumerate(columns)
    ]
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">',
        f'<dimension ref="A1:{last}"/>',
        "<sheetViews>",
        f'<sheetView{_SELECTED if selected else ""} workbookViewId="0">',
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>',
        "</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if columns:
        parts.append("<cols>")
        parts += [
            f'<col min="{i}" max="{i}" width="{c.width:.2f}" customWidth="1"/>'
            for i, c in enumerate(columns, start=1)
        ]
        parts.append("</cols>")
    parts.append("<sheetData>")
    if columns:
        parts.append(f'<row r="1">{"".join(head)}</row>')
    if n:
        rows = pd.Series(np.arange(2, n + 2)).astype("str")
        line = '<row r="' + rows + '">'
        for i, column in enumerate(columns):
            line = line + _cells(column_letter(i), rows, column, strings)
        parts.append((line + "</row>").str.cat())
    parts.append("</sheetData>")
    if columns:
        parts.append(f'<autoFilter ref="A1:{last}"/>')
    parts.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    )
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts><fonts count="2"><font>\
<sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/>\
<name val="Calibri"/><family val="2"/></font></fonts><fills count="3"><fill>\
<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill>\
<patternFill patternType="solid"><fgColor rgb="FFDDE7F2"/><bgColor indexed="64"/></patternFill>\
</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>\
</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>\
</cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" \
defaultPivotStyle="PivotStyleLight16"/></styleSheet>"""


def _quoted_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one .xlsx file (at least one sheet)."""
    if not sheets:
        raise ValueError("a workbook needs a sheet")
    strings = _Strings()
    sheet_parts = [_sheet_xml(s, strings, i == 0) for i, s in enumerate(sheets)]
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
    rels += f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
    )
    entries = "".join(
        f'<sheet name={quoteattr(s.title)} sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_quoted_sheet(s.title))}!$A$1:${column_letter(len(s.columns) - 1)}$"
        f"{len(s.columns[0].values) + 1}</definedName>"
        for i, s in enumerate(sheets)
        if s.columns
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{entries}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        zf.writestr("xl/styles.xml", STYLES)
        for i, part in enumerate(sheet_parts, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", part)
        zf.writestr("xl/sharedStrings.xml", strings.xml())
    return buf.getvalue()


__all__ = ["Column", "Sheet", "workbook_bytes"]
