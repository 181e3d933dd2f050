"""What renaming a tab changes in the XML text of a part: its `<sheet>` element in
xl/workbook.xml, the formulas that name it (`Old!A1` → `'New'!A1`), the pivot caches' sources
and docProps/app.xml's list of titles. Text elsewhere is left as it is.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from utils.store.xlsx_cells import XlsxError

_QUOTE = {'"': "&quot;"}

_FORMULA_TEXT = re.compile(
    r"(<(?:\w+:)?(?:f|definedName)\b[^>]*>)(.*?)(</(?:\w+:)?(?:f|definedName)>)", re.S
)


def rename_in_workbook(workbook: str, old: str, new: str) -> str:
    """xl/workbook.xml (`workbook`) with the tab `old` called `new`: its `<sheet>` element and
    the defined names that refer to it. Raises XlsxError when no `<sheet>` is called `old`."""
    element = re.compile(
        r'(<(?:\w+:)?sheet\b[^>]*?\bname=")' + re.escape(escape(old, _QUOTE)) + '"'
    )
    workbook, found = element.subn(
        lambda m: m.group(1) + escape(new, _QUOTE) + '"', workbook, count=1
    )
    if not found:
        raise XlsxError(f"the tab “{old}” is not named in xl/workbook.xml")
    return rename_refs(workbook, old, new)


def rename_in_part(name: str, text: str, old: str, new: str) -> str:
    """The text of the part `name` (a chart, a pivot cache, docProps/app.xml, …) with what
    names the tab `old` by name made to name `new`."""
    renamed = rename_refs(text, old, new)
    renamed = re.sub(
        r'(<(?:\w+:)?worksheetSource\b[^>]*?\bsheet=")' + re.escape(escape(old, _QUOTE)) + '"',
        lambda m: m.group(1) + escape(new, _QUOTE) + '"',
        renamed,
    )
    if name == "docProps/app.xml":
        renamed = re.sub(
            r"(<(?:\w+:)?lpstr>)" + re.escape(escape(old)) + r"(</(?:\w+:)?lpstr>)",
            lambda m: m.group(1) + escape(new) + m.group(2),
            renamed,
        )
    return renamed


def rename_refs(xml: str, old: str, new: str) -> str:
    """`Old!A1` and `'Old'!A1` in the formulas (`<f>`, `<c:f>`, `<definedName>`) of an XML
    part → `'New'!A1` (quoted: always valid). Text elsewhere is left as it is."""
    quoted = escape("'" + old.replace("'", "''") + "'")
    refs = re.compile(
        rf"(?:{re.escape(quoted)}|(?<![\w.'\]]){re.escape(escape(old))})!", re.IGNORECASE
    )
    target = escape("'" + new.replace("'", "''") + "'") + "!"

    def formula(m: re.Match) -> str:
        return m.group(1) + refs.sub(lambda _: target, m.group(2)) + m.group(3)

    return _FORMULA_TEXT.sub(formula, xml)
