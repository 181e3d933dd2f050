"""Test data in the shape the store hands over: `records_frame` (the store's own builder for
one record or many) plus spreadsheet row numbers from 2 on."""

from __future__ import annotations

import pandas as pd

from sheets_schema.validate import records_frame


def frame(tab: str, rows: list[dict]) -> pd.DataFrame:
    """A tab as the store hands it over: every column, "" / NaT / <NA> for blanks."""
    out = records_frame(tab, rows)
    out["_row"] = pd.array(range(2, len(rows) + 2), dtype="Int64")
    return out
