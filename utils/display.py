"""Frames made for people: choice values shown as their labels, headers as column labels.
Pure pandas; pages show what these return."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from sheets_schema.tables import TABLES


def labelled(
    tab: str, frame: pd.DataFrame, lang: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """`frame` (a tab's records) with choice values replaced by their labels in `lang` and the
    columns renamed to their labels. `columns` picks and orders the fields to show."""
    table = TABLES[tab]
    fields = [c for c in (columns or [c.field for c in table.columns]) if c in frame.columns]
    out = frame[fields].copy()
    for name in fields:
        column = table.by_field.get(name)
        if column is not None and column.choices is not None:
            out[name] = out[name].map(column.choices.labels(lang)).fillna(out[name])
    return out.rename(
        columns={
            name: table.by_field[name].label(lang) for name in fields if name in table.by_field
        }
    )


def choice_label(tab: str, field: str, value: str, lang: str) -> str:
    column = TABLES[tab].by_field[field]
    return column.choices.label(value, lang) if column.choices else value


# characters Markdown (CommonMark + Streamlit's :colour[…], :emoji:, $maths$) gives a meaning
# anywhere in a line, and those that mean something only at a line's start (headings, lists,
# quotes); a backslash before ASCII punctuation shows it as itself
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|~<>$:&])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))", re.M)


def _line_start(m: re.Match) -> str:
    lead, mark = m.group(1), m.group(2)
    if mark.isdigit():  # "1." / "1)" starts a numbered list: escape what follows the digits
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


def md(text: object) -> str:
    """A value from the spreadsheet (or a URL) made safe for Markdown-rendering calls: shown
    exactly as typed, never as a link, image, colour, emoji or formula — a client named
    `![x](http://host/p.png)` stays text and makes no browser fetch anything. Line breaks
    are kept."""
    if text is None:
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text).replace("\r\n", "\n"))
    escaped = _MD_LINE_START.sub(_line_start, escaped)
    return escaped.replace("\n", "  \n")


LATEST_ROWS = 200  # rows a page shows of a whole table (Home): never a whole register


def latest_rows(frame: pd.DataFrame, n: int = LATEST_ROWS) -> pd.DataFrame:
    """The `n` most recently changed rows (by `updated_at`, newest first; rows without a stamp
    last, in sheet order)."""
    if "updated_at" not in frame.columns or len(frame) <= n:
        order = frame
    else:
        order = frame.sort_values("updated_at", ascending=False, kind="stable", na_position="last")
    return order.head(n)
