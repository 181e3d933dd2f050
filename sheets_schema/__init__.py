"""The one source of truth for the sheet's shape: tables, columns, labels, choices, parsing
and validation. Knows nothing about storage or screens."""

from sheets_schema.columns import Col, Column, column_letter, name_key
from sheets_schema.tables import (
    ALL_TAB_NAMES,
    SYSTEM_TAB_NAMES,
    TAB_NAMES,
    TABLES,
    Table,
    columns,
    match_header,
    match_tab,
    sheet_language,
)

__all__ = [
    "ALL_TAB_NAMES",
    "SYSTEM_TAB_NAMES",
    "TABLES",
    "TAB_NAMES",
    "Col",
    "Column",
    "Table",
    "column_letter",
    "columns",
    "match_header",
    "match_tab",
    "name_key",
    "sheet_language",
]
