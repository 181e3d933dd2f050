"""Tolerant parsing of what people type into cells, one parser per kind of column.

Each parser takes a raw cell value (str, int, float, bool, date, datetime or None, as a
spreadsheet library returns it) and returns the normalised value, or raises `CellError` with a
catalogue key. Empty → None. Parsers are pure and deterministic, so a whole column can be
parsed once per *distinct* value (`parse_column`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from sheets_schema.choices import Choices
from sheets_schema.columns import (
    CHOICE,
    DATE,
    DATETIME,
    EMAIL,
    ID,
    INT,
    PHONE,
    TEXT,
    Column,
    name_key,
)

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# The dates a cell may hold: a service desk's dates lie between 1900 and 2200. (The tables
# hold nanosecond timestamps, which end in 2262; a year like 3026 is a typo, reported on its
# cell rather than stopping the read.)
MIN_YEAR, MAX_YEAR = 1900, 2200
_MAX_SERIAL = (dt.datetime(MAX_YEAR + 1, 1, 1) - EXCEL_EPOCH).days


class CellError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_text(value: object) -> str | None:
    if type(value) is str:
        return value.strip() or None
    if _blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_id(value: object) -> str | None:
    text = parse_text(value)
    if text and not text.isascii():
        return unicodedata.normalize("NFKC", text).strip()
    return text


def parse_phone(value: object) -> str | None:
    """A number (Excel turned 13812345678 into 1.38e10) is read as its digits; full-width
    digits and brackets become half-width."""
    text = parse_text(value)
    return unicodedata.normalize("NFKC", text) if text else text


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*[分秒]?"
    r"(?:\.\d+)?)?$"
)


def _from_serial(value: float) -> dt.datetime:
    # 1900-01-01 … MAX_YEAR-12-31; NaN and ±inf fail the comparison too
    if not (math.isfinite(value) and 1 <= value < _MAX_SERIAL):
        raise CellError("bad_date")
    return EXCEL_EPOCH + dt.timedelta(seconds=round(value * 86400))  # serials carry noise


def _in_range(moment: dt.datetime) -> dt.datetime:
    """Dates in the schema are MIN_YEAR–MAX_YEAR (a NaN serial reads as 1899-12-30, for one)."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise CellError("bad_datetime")
    return moment


def parse_datetime(value: object) -> dt.datetime | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        if value.microsecond or value.tzinfo:
            value = value.replace(microsecond=0, tzinfo=None)
        return _in_range(value)
    if isinstance(value, dt.date):
        return _in_range(dt.datetime.combine(value, dt.time()))
    if isinstance(value, bool):
        raise CellError("bad_datetime")
    if isinstance(value, int | float):
        try:
            return _from_serial(float(value))
        except CellError:
            raise CellError("bad_datetime") from None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _DATE_RE.match(text)
    if not m:
        raise CellError("bad_datetime")
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        return _in_range(dt.datetime(y, mo, d, h, mi, s))
    except ValueError:
        raise CellError("bad_datetime") from None


def parse_date(value: object) -> dt.date | None:
    try:
        moment = parse_datetime(value)
    except CellError:
        raise CellError("bad_date") from None
    return moment.date() if moment else None


def parse_int(value: object) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("bad_int")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError("bad_int")
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip("分次")
    try:
        number = float(text)
    except ValueError:
        raise CellError("bad_int") from None
    if not number.is_integer():
        raise CellError("bad_int")
    return int(number)


@lru_cache(maxsize=64)
def _choice_index(choices: Choices) -> dict[str, str]:
    index: dict[str, str] = {}
    for c in choices.options:
        for name in (c.value, c.en, c.zh, *c.aliases):
            index.setdefault(name_key(name), c.value)
    return index


def parse_choice(value: object, choices: Choices) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    found = _choice_index(choices).get(name_key(value))
    if found is None:
        raise CellError("bad_choice")
    return found


def parser_for(column: Column) -> Callable[[object], object]:
    kind = column.kind
    if kind == CHOICE:
        choices = column.choices
        assert choices is not None
        return lambda v: parse_choice(v, choices)
    return {
        TEXT: parse_text,
        ID: parse_id,
        PHONE: parse_phone,
        EMAIL: parse_text,
        DATE: parse_date,
        DATETIME: parse_datetime,
        INT: parse_int,
    }[kind]


def parse_column(
    column: Column, values: Sequence[object]
) -> tuple[list[object], dict[int, CellError]]:
    """Parse a whole column, each distinct value once. Returns the parsed values and the
    errors by position."""
    parse = parser_for(column)
    distinct: dict[object, object] = {}
    failed = False
    if bool in set(map(type, values)):  # True == 1 == 1.0 would share a slot: no sharing
        out = []
        for v in values:
            try:
                out.append(parse(v))
            except CellError as err:
                out.append(err)
                failed = True
    else:
        for v in set(values):
            try:
                distinct[v] = parse(v)
            except CellError as err:
                distinct[v] = err
                failed = True
        out = list(map(distinct.__getitem__, values))
    errors: dict[int, CellError] = {}
    if failed:
        for i, v in enumerate(out):
            if isinstance(v, CellError):
                errors[i] = v
                out[i] = None
    return out, errors


def comparable(column: Column, value: object) -> object:
    """A cell's value in a form fit for "is it still what the person saw?": parsed the way
    the sheet is read ("" and None both blank, a choice's label equals its value, a phone
    number typed as a number equals its digits), dates as dates, date-times to the second.
    A value the column cannot parse is compared as the text it is."""
    try:
        parsed = parser_for(column)(value)
    except CellError:
        return str(value).strip()
    if isinstance(parsed, dt.datetime):
        parsed = parsed.replace(microsecond=0, tzinfo=None)
        return parsed.date() if column.kind == DATE else parsed
    return parsed
