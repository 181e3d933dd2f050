"""The package's map: which zip part holds each tab and which holds the styles, read from
xl/workbook.xml and its relationships, and the relationship and content types the editor adds.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from utils.store.xlsx_cells import unescape

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_TYPE = REL_NS + "/styles"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

_ANY_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(text: str) -> dict[str, str]:
    """Attributes of a start tag, by local name (`r:id` → `id`), either quote style."""
    out: dict[str, str] = {}
    for name, dq, sq in _ANY_ATTR.findall(text):
        out.setdefault(name.rpartition(":")[2], unescape(dq or sq))
    return out


def parse_sheet_parts(workbook: str, rels: str) -> dict[str, str]:
    """Sheet title → its part in the zip, from xl/workbook.xml and its relationships."""
    targets = {}
    for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        attrs = _attrs(m.group(1))
        targets[attrs.get("Id")] = attrs.get("Target", "")
    parts: dict[str, str] = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", workbook):
        attrs = _attrs(m.group(1))
        target = targets.get(attrs.get("id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts.setdefault(attrs.get("name", ""), _normpath(part))
    return parts


def _normpath(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def styles_part_of(rels: str) -> str:
    """The styles part named by the workbook's relationships (`rels`), xl/styles.xml if none."""
    for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        attrs = _attrs(m.group(1))
        if attrs.get("Type") == STYLES_TYPE and attrs.get("Target"):
            target = attrs["Target"]
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return _normpath(part)
    return "xl/styles.xml"
