"""Make a worksheet's XML regular before the row-level edits, or say why it must not be edited.

Files written by other tools are made regular before the first edit (`normalise`): rows and
cells without an `r="…"` position get their explicit one, a namespace prefix on the elements
(`<x:row>`, from some .NET tools) is dropped, rows out of order are sorted. What cannot be made
regular safely — a row number used twice, a cell that says it is in another row, XML comments
among the cells, a document type declaration — is refused, with the reason.
"""

from __future__ import annotations

import itertools
import re

from sheets_schema.columns import column_letter
from utils.store.xlsx_cells import MAIN_NS, PREFIXED_MAIN_NS, STRICT_NS, col_index

ROW_START_RE = re.compile(r'<row\b[^>]*?\br="(\d+)"')
# a cell or row start tag that is not the plain `<c r="A1"` / `<row r="1"` form
_ODD_CELL = re.compile(r'<c(?:[>/]|\s(?!r="[A-Z]))')
_ODD_ROW = re.compile(r'<row(?:[>/]|\s(?!r="\d))')
_ROW_ELEM = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
_CELL_ELEM = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_R_ATTR = re.compile(r'\s+r="([^"]*)"')
_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")
_QUOTED_TAG = re.compile(r"<(?:row|c|f)\b[^>]*'[^>]*>")


_B_ODD_CELL = re.compile(rb'<c(?:[>/]|\s(?!r="[A-Z]))')
_B_ODD_ROW = re.compile(rb'<row(?:[>/]|\s(?!r="\d))')
_B_QUOTED_TAG = re.compile(rb"<(?:row|c|f)\b[^>]*'")


def looks_regular(raw: bytes) -> bool:
    """Is this worksheet part (its UTF-8 bytes) already regular, so `normalise` has nothing to
    do (rows out of order are caught by `SheetXml.rows`)? Searches on bytes, much faster than
    on the decoded text, and for rare bytes where it can."""
    head = raw[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return False
    for uri in (b"spreadsheetml/2006/main", b"ooxml/spreadsheetml/main"):
        at = raw.find(uri)
        while at != -1:  # declared under a prefix?
            decl = raw.rfind(b"xmlns", max(at - 80, 0), at)
            if decl != -1 and PREFIXED_MAIN_NS.match(raw, decl):
                return False
            at = raw.find(uri, at + 1)
    start = raw.find(b"<sheetData")
    end = raw.find(b"</sheetData>", start)
    if start == -1 or end == -1:
        return raw.find(b"<sheetData/>") != -1 or raw.find(b"<sheetData />") != -1
    for mark in (b"!", b"?"):  # <!-- -->, <![CDATA[ ]]>, <?pi?> among the cells
        at = raw.find(mark, start, end)
        while at != -1:
            if raw[at - 1] == 0x3C:  # "<"
                return False
            at = raw.find(mark, at + 1, end)
    if raw.find(b"'", start, end) != -1 and _B_QUOTED_TAG.search(raw, start, end):
        return False
    return not (_B_ODD_ROW.search(raw, start, end) or _B_ODD_CELL.search(raw, start, end))


def normalise(xml: str) -> tuple[str, str]:
    """A worksheet's XML made regular for the row-level edits, and why it must not be edited
    ("" when it may be). Only what is irregular is rewritten (see `looks_regular` for the
    cheap test that comes first)."""
    head = xml[:4096]
    if "<!DOCTYPE" in head or "<!ENTITY" in head:
        return xml, "the tab's XML declares a document type, which Sheetdesk does not edit"
    xml, why = unprefix(xml)
    if why:
        return xml, why
    start = re.search(r"<sheetData\b[^>]*?(/?)>", xml)
    if start is None:
        return xml, "the tab has no cell data (no <sheetData>)"
    if start.group(1):
        return xml, ""  # <sheetData/>: an empty sheet
    end = xml.find("</sheetData>", start.end())
    if end == -1:
        return xml, "the tab's XML is cut short"
    body = original = xml[start.end() : end]
    if "<!--" in body or "<![CDATA[" in body or "<?" in body:
        return (
            xml,
            "the tab has XML comments or CDATA among its cells, which Sheetdesk does not edit",
        )
    if "'" in body and _QUOTED_TAG.search(body):
        body = _QUOTED_TAG.sub(_double_quotes, body)
    if _ODD_ROW.search(body) or _ODD_CELL.search(body):
        body, why = _explicit_positions(body)
        if why:
            return xml, why
    body, why = rows_in_order(body)
    if why:
        return xml, why
    if body is not original:
        xml = xml[: start.end()] + body + xml[end:]
    return xml, ""


def _double_quotes(m: re.Match) -> str:
    return re.sub(
        r"""(\s[\w:]+)\s*=\s*'([^']*)'""",
        lambda a: f'{a.group(1)}="{a.group(2).replace(chr(34), "&quot;")}"',
        m.group(0),
    )


def unprefix(xml: str, root_name: str = "worksheet") -> tuple[str, str]:
    """`<x:worksheet xmlns:x="…main"><x:sheetData><x:row>` → the same elements without the
    prefix, the main namespace made the default one."""
    namespaces = f"(?:{re.escape(MAIN_NS)}|{re.escape(STRICT_NS)})"
    declared = re.findall(rf'xmlns:(\w+)="({namespaces})"', xml)
    if not declared:
        return xml, ""
    root = re.search(rf"<(?:(\w+):)?{root_name}\b([^>]*)>", xml)
    if root is None:
        return xml, f"the XML has no {root_name} element"
    refuse = "the XML uses namespace prefixes in a way Sheetdesk does not edit"
    prefixes = {p for p, _ in declared}
    uris = {u for _, u in declared}
    if len(uris) != 1 or any(xml.count(f"xmlns:{p}=") != 1 for p in prefixes):
        return xml, refuse
    if any(f"xmlns:{p}=" not in root.group(2) for p in prefixes):
        return xml, refuse
    default = re.search(r'\sxmlns="([^"]*)"', root.group(2))
    if default is not None and default.group(1) not in uris:
        return xml, refuse
    if re.search(r'\sxmlns="', xml[root.end() :]):
        return xml, refuse  # a default namespace set inside: unprefixed names would move
    if default is None and re.search(r"<(?![/?!])[\w.-]+[\s/>]", xml[root.end() :]):
        return xml, refuse  # elements in no namespace that the new default would capture
    names = "|".join(map(re.escape, sorted(prefixes)))
    xml = re.sub(rf"<(/?)(?:{names}):", r"<\1", xml)
    if default is None:
        uri = uris.pop()
        xml = re.sub(rf"<{root_name}\b", lambda m: f'<{root_name} xmlns="{uri}"', xml, count=1)
    return xml, ""


def _explicit_positions(body: str) -> tuple[str, str]:
    """Give every row and cell of `<sheetData>`'s content its explicit `r`: a row without one
    is the previous row + 1 (the first is 1), a cell without one is the previous cell's
    column + 1 (the first is A) — as Excel reads them."""
    out: list[str] = []
    pos = 0
    previous = 0
    for m in _ROW_ELEM.finditer(body):
        if body[pos : m.start()].strip():
            return body, "the tab's rows are not plain <row> elements"
        attrs = m.group(1)
        r = _R_ATTR.search(attrs)
        if r is not None and not r.group(1).strip().isdigit():
            return body, f"a row has the position “{r.group(1)}”, which is not a row number"
        number = int(r.group(1)) if r is not None else previous + 1
        previous = number
        attrs = _R_ATTR.sub("", attrs)
        if m.group(2) == "/>":
            out.append(f'<row r="{number}"{attrs}/>')
        else:
            cells, why = _explicit_cells(m.group(3) or "", number)
            if why:
                return body, why
            out.append(f'<row r="{number}"{attrs}>{cells}</row>')
        pos = m.end()
    if body[pos:].strip():
        return body, "the tab's rows are not plain <row> elements"
    return "".join(out), ""


def _explicit_cells(content: str, number: int) -> tuple[str, str]:
    out: list[str] = []
    pos = 0
    col = -1
    seen: set[int] = set()
    for m in _CELL_ELEM.finditer(content):
        if content[pos : m.start()].strip():
            return content, f"row {number} holds something other than cells"
        attrs = m.group(1)
        r = _R_ATTR.search(attrs)
        if r is not None:
            ref = _REF.fullmatch(r.group(1).strip())
            if ref is None:
                return content, f"row {number} has a cell at “{r.group(1)}”, which is no cell"
            if int(ref.group(2)) != number:
                return content, f"row {number} holds the cell {r.group(1)} of another row"
            col = col_index(ref.group(1).upper())
        else:
            col += 1
        if col in seen:
            return content, f"row {number} holds the cell {column_letter(col)}{number} twice"
        seen.add(col)
        attrs = _R_ATTR.sub("", attrs)
        ref_text = f"{column_letter(col)}{number}"
        tail = "/>" if m.group(2) == "/>" else f">{m.group(3)}</c>"
        out.append(f'<c r="{ref_text}"{attrs}{tail}')
        pos = m.end()
    if content[pos:].strip():
        return content, f"row {number} holds something other than cells"
    return "".join(out), ""


def rows_in_order(body: str) -> tuple[str, str]:
    """Rows sorted by number (Excel requires it); the same number twice is refused."""
    starts = [(int(m.group(1)), m.start()) for m in ROW_START_RE.finditer(body)]
    numbers = [n for n, _ in starts]
    if all(a < b for a, b in itertools.pairwise(numbers)):
        return body, ""
    if len(set(numbers)) != len(numbers):
        twice = sorted({n for n in numbers if numbers.count(n) > 1})[:3]
        return body, f"row {', '.join(map(str, twice))} appears twice in the tab's XML"
    head = body[: starts[0][1]]
    chunks = []
    for k, (number, start) in enumerate(starts):
        end = starts[k + 1][1] if k + 1 < len(starts) else len(body)
        chunks.append((number, body[start:end]))
    chunks.sort()
    return head + "".join(c for _, c in chunks), ""
