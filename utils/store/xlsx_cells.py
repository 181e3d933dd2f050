"""The vocabulary every piece of the xlsx editor shares: the error it raises, SpreadsheetML's
namespaces and limits, cell positions, one cell's XML (what is kept of it, what is written) and
Excel's serial dates.

Text is written as an inline string (`t="inlineStr"`), so text that begins with `=`, `+`, `-`
or `@` stays text and never becomes a formula; dates and date-times are real dates (a serial
number with a date format).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
# a prefixed declaration of the main namespace (`xmlns:x="…/main"`): such a sheet's tags are
# `<x:row>`, which the row-level editor and the guard's scan must know about
PREFIXED_MAIN_NS = re.compile(
    rb'xmlns:\w+="(?:'
    + re.escape(MAIN_NS.encode())
    + rb"|"
    + re.escape(STRICT_NS.encode())
    + rb')"'
)
TABLE_COLUMNS = 702  # A … ZZ: no table has more columns than two letters name
MAX_ROWS = 1_048_576  # Excel's last row

_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XlsxError(Exception):
    """The file is not an xlsx workbook the XML-level editor can edit."""


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
    """Excel serial → datetime, rounded to the second (serials carry float noise). A number no
    calendar has (NaN, ±inf, 1e300, beyond year 9999) raises ValueError, never OverflowError."""
    if not math.isfinite(value) or not -693593 < value < 2958466:
        raise ValueError(f"{value!r} is not a date serial")
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
