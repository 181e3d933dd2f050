"""One setting's value read from a cell of the settings tab (设置), and the text written back.

A value that cannot be read for its key's kind, or is out of its range, raises `BadValue`
(the tab's reader turns that into a warning and uses the default). Dates and names may be
comma-separated; a flag is yes/no in either language; a language is zh or en however typed;
a calendar is a country code or none (`utils.workdays.normalise_choice`).

Pure: no streamlit, no store.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sheets_schema.choices import YES_NO
from sheets_schema.parse import CellError, parse_choice, parse_date, parse_text
from utils.errors import SheetdeskError
from utils.settings_keys import (
    BY_KEY,
    CALENDAR,
    DATES,
    FLAG,
    INT,
    LANGUAGE,
    NAMES,
    NUMBER,
    value_text,
)
from utils.workdays import normalise_choice

_DATE_SPLIT = re.compile(r"[,，;；、\s]+")
_NAME_SPLIT = re.compile(r"[,，;；、\n]+")


class BadValue(ValueError):
    pass


def _number(text: str) -> float:
    try:
        return float(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        raise BadValue(text) from None


def parse_value(key: str, value: object) -> Any:
    """The value of setting `key` read from a cell (text or what the spreadsheet holds);
    None for a blank cell. Raises BadValue when it cannot be read or is out of range."""
    spec = BY_KEY[key]
    if isinstance(value, dt.date) and spec.kind == DATES:
        return frozenset({value.date() if isinstance(value, dt.datetime) else value})
    text = parse_text(value)
    if text is None:
        return None
    if spec.kind in (INT, NUMBER):
        number = _number(text)
        if spec.kind == INT and not number.is_integer():
            raise BadValue(text)
        if (spec.lo is not None and number < spec.lo) or (spec.hi is not None and number > spec.hi):
            raise BadValue(text)
        return int(number) if spec.kind == INT else number
    if spec.kind == DATES:
        days = set()
        for part in _DATE_SPLIT.split(text):
            if not part:
                continue
            try:
                day = parse_date(part)
            except CellError:
                raise BadValue(text) from None
            if day is None:
                raise BadValue(text)
            days.add(day.date() if isinstance(day, dt.datetime) else day)
        return frozenset(days)
    if spec.kind == NAMES:
        return tuple(n.strip() for n in _NAME_SPLIT.split(text) if n.strip())
    if spec.kind == FLAG:
        try:
            return parse_choice(text, YES_NO) == "yes"
        except CellError:
            raise BadValue(text) from None
    if spec.kind == LANGUAGE:
        lang = {"zh": "zh", "中文": "zh", "简体中文": "zh", "chinese": "zh", "汉语": "zh"}.get(
            text.strip().casefold()
        ) or {"en": "en", "english": "en", "英文": "en", "英语": "en"}.get(text.strip().casefold())
        if lang is None and text.strip().casefold().startswith(("zh-", "zh_", "en-", "en_")):
            lang = text.strip()[:2].casefold()
        if lang is None:
            raise BadValue(text)
        return lang
    if spec.kind == CALENDAR:
        try:
            return normalise_choice(text)
        except SheetdeskError:
            raise BadValue(text) from None
    raise BadValue(text)  # pragma: no cover - every kind is handled above


def normalise_value(key: str, value: object) -> str:
    """What `save_setting` writes for a value given as text or as a value (a list of dates,
    True …): the text the sheet will hold. Raises BadValue."""
    spec = BY_KEY[key]
    parsed: object
    if spec.kind == DATES and not isinstance(value, str) and isinstance(value, Iterable):
        parsed = frozenset().union(*(parse_value(key, v) or frozenset() for v in value))
    elif spec.kind == NAMES and not isinstance(value, str) and isinstance(value, Iterable):
        parsed = tuple(str(v).strip() for v in value if str(v).strip())
    elif spec.kind == FLAG and isinstance(value, bool):
        parsed = value
    else:
        parsed = parse_value(key, value)
    if spec.kind == FLAG:
        return "" if parsed is None else ("yes" if parsed else "no")
    return value_text(spec.kind, parsed)


__all__ = ["BadValue", "normalise_value", "parse_value"]
