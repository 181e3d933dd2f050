"""The styles part on the editing side: the date formats cells are written with, found in
styles.xml or added to it, and the minimal styles part a workbook without one is given.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from utils.store.xlsx_cells import MAIN_NS, XlsxError, unescape
from utils.store.xlsx_normalise import unprefix

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

MINIMAL_STYLESHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
    'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
    '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
    'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def number_style(name: str, xml: str, code: str) -> tuple[str, str | None]:
    """The index of a plain cell format (in `cellXfs`) that shows numbers with the format
    `code`, in the styles part `name` whose text is `xml`; and the part's new text when that
    format had to be added (None when one was there). Raises XlsxError when the part cannot
    be edited."""
    xml, why = unprefix(xml, "styleSheet")
    if why:
        raise XlsxError(f"{name}: {why}")
    m = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", xml, re.S)
    if not m:
        raise XlsxError(f"{name} has no cell formats (cellXfs); Sheetdesk does not edit it")
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
                return str(i), None
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
    return str(len(xfs)), xml


def _bump_count(xml: str, tag: str) -> str:
    return re.sub(
        rf'(<{tag}\b[^>]*count=")(\d+)"',
        lambda m: f'{m.group(1)}{int(m.group(2)) + 1}"',
        xml,
        count=1,
    )
