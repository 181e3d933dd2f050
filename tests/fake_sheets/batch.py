"""``POST /v4/spreadsheets/{id}:batchUpdate`` — the structural requests.

Implemented: addSheet, deleteSheet, updateSheetProperties (title, index, hidden,
gridProperties incl. frozenRowCount — field masks with ``.`` or ``/`` as gspread's ``freeze``
sends), updateSpreadsheetProperties, setDataValidation, addProtectedRange,
updateProtectedRange, deleteProtectedRange, appendDimension, insertDimension,
deleteDimension. Every other request kind of the API (repeatCell, updateCells,
autoResizeDimensions, mergeCells, …) is accepted, answered with an empty reply and recorded in
``FakeSheetsAPI.ignored_requests``; a name that is not part of the API is a 400, as Google's
JSON parser answers. Replies were checked against ``SpreadsheetTest.test_values_batch_get.json``
(``{"spreadsheetId", "replies": [{"addSheet": {"properties": …}}]}`` and ``[{}]`` for
deleteSheet). The whole batch is atomic: on any error nothing is applied.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from .a1 import Bounds, grid_range_bounds
from .errors import SheetsError, bad_request
from .model import FakeSheet, FakeSpreadsheet, copy_masked, parse_field_mask

KNOWN_REQUESTS = frozenset(
    {
        "updateSpreadsheetProperties",
        "updateSheetProperties",
        "updateDimensionProperties",
        "updateNamedRange",
        "repeatCell",
        "addNamedRange",
        "deleteNamedRange",
        "addSheet",
        "deleteSheet",
        "autoFill",
        "cutPaste",
        "copyPaste",
        "mergeCells",
        "unmergeCells",
        "updateBorders",
        "updateCells",
        "addFilterView",
        "appendCells",
        "clearBasicFilter",
        "deleteDimension",
        "deleteEmbeddedObject",
        "deleteFilterView",
        "duplicateFilterView",
        "duplicateSheet",
        "findReplace",
        "insertDimension",
        "insertRange",
        "moveDimension",
        "updateEmbeddedObjectPosition",
        "pasteData",
        "textToColumns",
        "updateFilterView",
        "deleteRange",
        "appendDimension",
        "addConditionalFormatRule",
        "updateConditionalFormatRule",
        "deleteConditionalFormatRule",
        "sortRange",
        "setDataValidation",
        "setBasicFilter",
        "addProtectedRange",
        "updateProtectedRange",
        "deleteProtectedRange",
        "autoResizeDimensions",
        "addChart",
        "updateChartSpec",
        "updateBanding",
        "addBanding",
        "deleteBanding",
        "createDeveloperMetadata",
        "updateDeveloperMetadata",
        "deleteDeveloperMetadata",
        "randomizeRange",
        "addDimensionGroup",
        "deleteDimensionGroup",
        "updateDimensionGroup",
        "trimWhitespace",
        "deleteDuplicates",
        "updateEmbeddedObjectBorder",
        "addSlicer",
        "updateSlicerSpec",
        "addDataSource",
        "updateDataSource",
        "deleteDataSource",
        "refreshDataSource",
        "cancelDataSourceRefresh",
        "addTable",
        "updateTable",
        "deleteTable",
    }
)

Handler = Callable[["BatchContext", dict[str, Any]], dict[str, Any] | None]


class BatchContext:
    def __init__(
        self, ss: FakeSpreadsheet, rng: random.Random, ignored: list[tuple[str, dict[str, Any]]]
    ) -> None:
        self.ss = ss
        self.rng = rng
        self.ignored = ignored

    def new_id(self, taken: set[int]) -> int:
        while True:
            value = self.rng.randint(1, 2**31 - 1)
            if value not in taken:
                return value

    def sheet(self, sheet_id: Any) -> FakeSheet:
        sheet = self.ss.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise bad_request(f"No grid with id: {sheet_id}")
        return sheet

    def grid(self, grid_range: dict[str, Any]) -> tuple[FakeSheet, Bounds]:
        sheet = self.sheet(grid_range.get("sheetId", 0))
        return sheet, grid_range_bounds(grid_range).clip(sheet.row_count, sheet.col_count)


def apply_batch(
    ss: FakeSpreadsheet,
    requests: list[dict[str, Any]],
    rng: random.Random,
    ignored: list[tuple[str, dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Apply the requests; return one reply per request. On a SheetsError the caller (the
    server) rolls the spreadsheet back to its snapshot, so a batch is all or nothing."""
    ctx = BatchContext(ss, rng, ignored)
    replies: list[dict[str, Any]] = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise bad_request(
                f"Invalid requests[{i}]: exactly one kind of request is required per entry"
            )
        ((name, payload),) = request.items()
        if name not in KNOWN_REQUESTS:
            raise bad_request(
                f'Invalid JSON payload received. Unknown name "{name}" at '
                f"'requests[{i}]': Cannot find field."
            )
        handler = HANDLERS.get(name)
        if handler is None:
            ignored.append((name, payload))
            replies.append({})
            continue
        try:
            reply = handler(ctx, payload or {})
        except SheetsError as err:
            raise bad_request(f"Invalid requests[{i}].{name}: {err.message}") from None
        replies.append({name: reply} if reply is not None else {})
    ss.reindex()
    return replies


def add_sheet(ctx: BatchContext, payload: dict[str, Any]) -> dict[str, Any]:
    props = dict(payload.get("properties") or {})
    taken = {sh.sheet_id for sh in ctx.ss.sheets}
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ctx.new_id(taken)
    elif sheet_id in taken:
        raise bad_request(f"A sheet with the id {sheet_id} already exists.")
    title = props.get("title")
    if not title:
        n = len(ctx.ss.sheets) + 1
        while ctx.ss.sheet(f"Sheet{n}") is not None:
            n += 1
        title = f"Sheet{n}"
    if ctx.ss.sheet(title) is not None:
        raise bad_request(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    grid = props.get("gridProperties") or {}
    sheet = FakeSheet(
        sheet_id=int(sheet_id),
        title=title,
        row_count=int(grid.get("rowCount", 1000)),
        col_count=int(grid.get("columnCount", 26)),
        frozen_rows=int(grid.get("frozenRowCount", 0)),
        frozen_cols=int(grid.get("frozenColumnCount", 0)),
        hidden=bool(props.get("hidden", False)),
    )
    index = props.get("index")
    position = len(ctx.ss.sheets) if index is None else max(0, min(int(index), len(ctx.ss.sheets)))
    ctx.ss.sheets.insert(position, sheet)
    ctx.ss.reindex()
    return {"properties": sheet.properties()}


def delete_sheet(ctx: BatchContext, payload: dict[str, Any]) -> None:
    sheet = ctx.sheet(payload.get("sheetId"))
    if len(ctx.ss.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    ctx.ss.sheets.remove(sheet)
    ctx.ss.reindex()


def update_sheet_properties(ctx: BatchContext, payload: dict[str, Any]) -> None:
    props = payload.get("properties") or {}
    fields = payload.get("fields")
    if not fields:
        raise bad_request("At least one field must be updated, but 'fields' is empty.")
    sheet = ctx.sheet(props.get("sheetId"))
    current = sheet.properties()
    tree = parse_field_mask(fields)
    if "*" in tree:
        tree = {k: {} for k in props if k != "sheetId"}
    copy_masked(current, props, tree)
    title = current.get("title")
    if not title:
        raise bad_request("The sheet name cannot be empty.")
    other = ctx.ss.sheet(title)
    if other is not None and other is not sheet:
        raise bad_request(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    sheet.set_properties(current)
    if "index" in tree and props.get("index") is not None:
        ctx.ss.sheets.remove(sheet)
        ctx.ss.sheets.insert(max(0, min(int(props["index"]), len(ctx.ss.sheets))), sheet)
        ctx.ss.reindex()


def update_spreadsheet_properties(ctx: BatchContext, payload: dict[str, Any]) -> None:
    props = payload.get("properties") or {}
    current = {"title": ctx.ss.title, "locale": ctx.ss.locale, "timeZone": ctx.ss.time_zone}
    copy_masked(current, props, parse_field_mask(payload.get("fields") or "*"))
    ctx.ss.title = current.get("title") or ctx.ss.title
    ctx.ss.locale = current.get("locale") or ctx.ss.locale
    ctx.ss.time_zone = current.get("timeZone") or ctx.ss.time_zone


def set_data_validation(ctx: BatchContext, payload: dict[str, Any]) -> None:
    sheet, b = ctx.grid(payload.get("range") or {})
    rule = payload.get("rule")
    if rule is not None:
        rule = {k: v for k, v in rule.items() if v is not None}
        if not (rule.get("condition") or {}).get("type"):
            raise bad_request("Invalid data validation rule: a condition type is required.")
    assert b.r1 is not None and b.c1 is not None
    for r in range(b.r0, b.r1):
        for c in range(b.c0, b.c1):
            if rule is None:
                sheet.validations.pop((r, c), None)
            else:
                sheet.validations[(r, c)] = rule


def add_protected_range(ctx: BatchContext, payload: dict[str, Any]) -> dict[str, Any]:
    pr = {k: v for k, v in (payload.get("protectedRange") or {}).items() if v is not None}
    rng = {k: v for k, v in (pr.get("range") or {}).items() if v is not None}
    sheet = ctx.sheet(rng.get("sheetId", 0))
    rng["sheetId"] = sheet.sheet_id
    taken = {p["protectedRangeId"] for s in ctx.ss.sheets for p in s.protected_ranges}
    stored = {
        "protectedRangeId": pr.get("protectedRangeId") or ctx.new_id(taken),
        **pr,
        "range": rng,
    }
    if not stored.get("warningOnly"):
        stored.setdefault("editors", {})
    stored.setdefault("warningOnly", False)
    stored.setdefault("requestingUserCanEdit", False)
    sheet.protected_ranges.append(stored)
    return {"protectedRange": copy.deepcopy(stored)}


def _find_protected(ctx: BatchContext, pr_id: Any) -> tuple[FakeSheet, dict[str, Any]]:
    for sheet in ctx.ss.sheets:
        for pr in sheet.protected_ranges:
            if pr["protectedRangeId"] == pr_id or str(pr["protectedRangeId"]) == str(pr_id):
                return sheet, pr
    raise bad_request(f"No protected range with id: {pr_id}")


def update_protected_range(ctx: BatchContext, payload: dict[str, Any]) -> None:
    new = payload.get("protectedRange") or {}
    _, pr = _find_protected(ctx, new.get("protectedRangeId"))
    copy_masked(pr, new, parse_field_mask(payload.get("fields") or "*"))


def delete_protected_range(ctx: BatchContext, payload: dict[str, Any]) -> None:
    sheet, pr = _find_protected(ctx, payload.get("protectedRangeId"))
    sheet.protected_ranges.remove(pr)


def _dimension_range(ctx: BatchContext, rng: dict[str, Any]) -> tuple[FakeSheet, str, int, int]:
    sheet = ctx.sheet(rng.get("sheetId", 0))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request(f"Invalid dimension: {dimension}")
    start, end = int(rng.get("startIndex", 0)), rng.get("endIndex")
    end = (
        int(end)
        if end is not None
        else (sheet.row_count if dimension == "ROWS" else sheet.col_count)
    )
    if start < 0 or end <= start:
        raise bad_request("Invalid dimension range: startIndex must be less than endIndex.")
    return sheet, dimension, start, end


def append_dimension(ctx: BatchContext, payload: dict[str, Any]) -> None:
    sheet = ctx.sheet(payload.get("sheetId", 0))
    length = int(payload.get("length", 0))
    if length <= 0:
        raise bad_request("length must be greater than 0")
    if payload.get("dimension") == "COLUMNS":
        sheet.col_count += length
    else:
        sheet.row_count += length


def insert_dimension(ctx: BatchContext, payload: dict[str, Any]) -> None:
    sheet, dimension, start, end = _dimension_range(ctx, payload.get("range") or {})
    size = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if start > size:
        raise bad_request(f"Invalid startIndex {start}: beyond the {size} {dimension.lower()}")
    if payload.get("inheritFromBefore") and start == 0:
        raise bad_request("Cannot inherit from before when inserting at index 0.")
    sheet.insert(dimension, start, end - start)


def delete_dimension(ctx: BatchContext, payload: dict[str, Any]) -> None:
    sheet, dimension, start, end = _dimension_range(ctx, payload.get("range") or {})
    size = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if end > size:
        raise bad_request(f"Invalid endIndex {end}: the sheet has {size} {dimension.lower()}")
    if start == 0 and end >= size:
        raise bad_request(f"You can't delete all the {dimension.lower()} on the sheet.")
    sheet.delete(dimension, start, end)


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
}
