"""Whole tabs in, valid records and problems out — never an exception.

`validate_rows(tab, rows)` takes a tab's cells as a list of rows (row 0 = the header row, the
spreadsheet's row 1) and returns a `TabResult`: the valid records as a DataFrame (one column per
field plus `_row`, the spreadsheet row) and the problems. Parsing runs once per distinct value in
each column; the pydantic model then validates every row in one batch (a `TypeAdapter` over the
list), and its errors are turned into problems with tab, row and column.

Rules for what a problem does to its row:
- a required cell that is empty or unreadable, a rule across cells (a resolved complaint with no
  resolution …) or a duplicate ID → error; the row is left out of the frame;
- an optional cell that is unreadable (a bad date, an unknown choice, score 11) → warning; the
  cell is treated as empty and the row stays usable;
- a client or complaint ID that points nowhere → warning (see `check_references`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from pydantic import TypeAdapter, ValidationError, create_model, model_validator
from pydantic_core import ErrorDetails

from sheets_schema.columns import CHOICE, DATE, DATETIME, INT, Column, column_letter
from sheets_schema.models import RULES, RowModel
from sheets_schema.parse import CellError, parse_column, parser_for
from sheets_schema.problems import ERROR, WARNING, Problem, parser_key
from sheets_schema.tables import TABLES, match_header

_ADAPTERS: dict[str, tuple[TypeAdapter, tuple[str, ...]]] = {}


def _adapter(tab: str) -> tuple[TypeAdapter, tuple[str, ...]]:
    """The batch validator of a tab and the fields it checks.

    The tolerant parsers have already given every cell its type, so the batch model keeps just
    the fields pydantic still has something to say about — required ones, those with a pattern
    or a range, and those the cross-cell rules read — and the same rules as the full model.
    Fewer fields per row is what makes 120,000 rows fast."""
    if tab not in _ADAPTERS:
        model = TABLES[tab].model
        rule_fields = set(getattr(model, "rule_fields", ()))
        keep = {
            name: (info.annotation, info)
            for name, info in model.model_fields.items()
            if info.is_required() or len(info.metadata) > 1 or name in rule_fields
        }
        validators = {}
        if model.__name__ in RULES:
            validators["rules"] = model_validator(mode="after")(RULES[model.__name__])
        # pydantic's stubs want plain callables in __validators__ (a decorated validator is a
        # descriptor proxy, as create_model's docs pass it), and a **dict of fields is checked
        # against create_model's named options (__base__, __config__ …) too
        check = create_model(
            f"{model.__name__}Check", __base__=RowModel, __validators__=validators, **keep
        )  # type: ignore[call-overload]
        _ADAPTERS[tab] = (TypeAdapter(list[check]), tuple(keep))
    return _ADAPTERS[tab]


@dataclass
class Layout:
    """Where each field is in a sheet: header texts, field → column index, extra columns."""

    headers: list[str]
    index: dict[str, int]
    extra: list[int] = field(default_factory=list)

    def letter(self, fname: str) -> str | None:
        i = self.index.get(fname)
        return column_letter(i) if i is not None else None

    def header(self, fname: str) -> str | None:
        i = self.index.get(fname)
        return self.headers[i] if i is not None else None


@dataclass
class TabResult:
    tab: str
    frame: pd.DataFrame
    problems: list[Problem]
    layout: Layout | None


def _cell_str(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_layout(tab: str, header_row: Sequence[object], sheet: str) -> tuple[Layout, list[Problem]]:
    headers = [_cell_str(h) for h in header_row]
    index: dict[str, int] = {}
    extra: list[int] = []
    problems: list[Problem] = []
    for i, h in enumerate(headers):
        fname = match_header(tab, h) if h else None
        if fname is None:
            if h:
                extra.append(i)
            continue
        if fname in index:  # the same column twice: the later one wins, say so
            problems.append(
                Problem(
                    WARNING,
                    tab,
                    1,
                    fname,
                    "problem.duplicate_column",
                    {"letter": column_letter(index[fname]), "other": column_letter(i)},
                )
            )
        index[fname] = i
    for c in TABLES[tab].columns:
        if c.required and c.field not in index:
            problems.append(
                Problem(
                    ERROR,
                    tab,
                    None,
                    c.field,
                    "problem.missing_column",
                    {"sheet": sheet, "field": c.field},
                )
            )
    return Layout(headers, index, extra), problems


def records_frame(tab: str, records: list[dict]) -> pd.DataFrame:
    """Normalised records (as from `validate_record`) as a frame shaped like a tab's."""
    columns = TABLES[tab].columns
    parsed = {c.field: [r.get(c.field) for r in records] for c in columns}
    return _frame(columns, parsed, list(range(len(records))), [None] * len(records))


def empty_frame(tab: str) -> pd.DataFrame:
    return _frame(TABLES[tab].columns, {}, [], [])


def _series(column: Column, values: list[object]) -> pd.Series:
    if column.kind in (DATE, DATETIME):
        moments = pd.Series(values, dtype=object)  # dates, datetimes and None
        return pd.Series(pd.to_datetime(moments, errors="coerce"), dtype="datetime64[ns]")
    if column.kind == INT:
        return pd.Series(values, dtype="Int64")
    return pd.Series([v if v is not None else "" for v in values], dtype=object)


def _frame(
    columns: Sequence[Column],
    parsed: dict[str, list],
    keep: list[int],
    row_numbers: Sequence[int | None],
) -> pd.DataFrame:
    data = {}
    for c in columns:
        values = parsed.get(c.field)
        data[c.field] = _series(c, [values[i] for i in keep] if values else [None] * len(keep))
    data["_row"] = pd.Series(pd.array([row_numbers[i] for i in keep], dtype="Int64"))
    return pd.DataFrame(data)


def validate_rows(
    tab: str, rows: Sequence[Sequence[object]], sheet: str | None = None
) -> TabResult:
    """Validate one tab. `rows[0]` is the header row (spreadsheet row 1)."""
    table = TABLES[tab]
    sheet = sheet or table.name
    if not rows:
        return TabResult(
            tab,
            empty_frame(tab),
            [
                Problem(
                    ERROR,
                    tab,
                    None,
                    None,
                    "problem.missing_tab",
                    {"label": table.zh + " / " + table.en},
                )
            ],
            None,
        )
    layout, problems = read_layout(tab, rows[0], sheet)
    if any(p.level == ERROR for p in problems):
        return TabResult(tab, empty_frame(tab), problems, layout)

    # data rows, skipping blank ones but keeping the sheet's row numbers
    body: list[Sequence[object]] = []
    row_numbers: list[int] = []
    for n, row in enumerate(rows[1:], start=2):
        if row.count("") + row.count(None) == len(row):
            continue
        for v in row:
            if v is not None and v != "" and not (isinstance(v, str) and not v.strip()):
                body.append(row)
                row_numbers.append(n)
                break

    count = len(body)
    bad: set[int] = set()
    parsed: dict[str, list] = {}

    def report(i: int, column: Column, level: str, key: str, value: object, **extra: object):
        ids = parsed.get(table.id_field)
        row_id = ids[i] if ids is not None and ids[i] is not None else ""
        problems.append(
            Problem(
                level,
                tab,
                row_numbers[i],
                column.field,
                key,
                {"value": _cell_str(value), "row_id": row_id, **extra},
                layout.letter(column.field),
                layout.header(column.field),
            )
        )

    width = len(layout.headers)
    if any(len(r) != width for r in body):  # ragged rows (hand-made lists): pad or cut
        body = [(list(r) + [None] * width)[:width] for r in body]
    by_position = list(zip(*body, strict=True)) if body else [()] * width
    for c in table.columns:
        idx = layout.index.get(c.field)
        if idx is None:
            continue
        raw = by_position[idx]
        values, errors = parse_column(c, raw)
        for i, err in errors.items():
            if c.required:
                report(i, c, ERROR, parser_key(err.key), raw[i])
                bad.add(i)
            else:
                report(i, c, WARNING, parser_key(err.key), raw[i], ignored=True)
        if c.required:
            for i, v in enumerate(values):
                if v is None and i not in errors:
                    report(i, c, ERROR, "problem.missing_value", None)
                    bad.add(i)
        parsed[c.field] = values

    # one batch through the pydantic model for the typed rules and the cross-cell rules
    # (a row already missing a required cell is still checked, so one pass over the sheet
    # shows everything wrong in it; errors on cells already reported are not repeated)
    reported = {(p.row, p.column) for p in problems}
    fields = [f for f in _adapter(tab)[1] if f in parsed]
    columns = (parsed[f] for f in fields)
    records = [dict(zip(fields, values, strict=True)) for values in zip(*columns, strict=True)]
    blanked: set[int] = set()
    for i, fname, detail in _model_errors(tab, records):
        if fname is not None and (row_numbers[i], fname) in reported:
            continue
        _model_problem(table.by_field, i, fname, detail, parsed, bad, report)
        if fname is not None and i not in bad:
            blanked.add(i)
    # a row whose bad optional cells were blanked gets its cross-cell rules checked now
    # (pydantic runs those only once every cell is valid)
    again = sorted(blanked)
    recheck = [{f: parsed[f][i] for f in fields} for i in again]
    for pos, fname, detail in _model_errors(tab, recheck):
        if fname is None:
            _model_problem(table.by_field, again[pos], None, detail, parsed, bad, report)

    # duplicate IDs: the first row keeps the ID, later rows are errors
    id_field = table.id_field
    first_seen: dict[str, int] = {}
    id_col = table.by_field[id_field]
    for i, value in enumerate(parsed[id_field] if table.unique_ids else ()):
        if i in bad or value is None:
            continue
        if value in first_seen:
            report(i, id_col, ERROR, "problem.duplicate_id", value, first=first_seen[value])
            bad.add(i)
        else:
            first_seen[value] = row_numbers[i]

    keep = [i for i in range(count) if i not in bad]
    problems.sort(key=lambda p: (p.row or 0, layout.index.get(p.column or "", -1)))
    return TabResult(tab, _frame(table.columns, parsed, keep, row_numbers), problems, layout)


def _model_errors(tab: str, records: list[dict]) -> list[tuple[int, str | None, ErrorDetails]]:
    """(position in records, field or None, pydantic error) for every failing record."""
    try:
        _adapter(tab)[0].validate_python(records)
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False, include_input=False):
            loc = err["loc"]
            out.append((int(loc[0]), str(loc[1]) if len(loc) > 1 else None, err))
        return out
    return []


def _model_problem(by_field, i, fname, err, parsed, bad, report) -> None:
    if fname is None:  # a rule across cells: "needs:resolution,resolved_at"
        msg = str(err.get("msg", ""))
        needed = msg.split("needs:", 1)[1].split(",") if "needs:" in msg else []
        status = parsed.get("status", [None] * (i + 1))[i] or ""
        for name in needed:
            key = {
                "resolution": "problem.needs_resolution",
                "resolved_at": "problem.needs_resolution",
                "closed_at": "problem.needs_closed_at",
                "solved": "problem.needs_solved",
                "complaint_id": "problem.needs_complaint",
            }[name]
            report(i, by_field[name], ERROR, key, None, status=status)
        bad.add(i)
        return
    column = by_field[fname]
    value = parsed[fname][i]
    kind = err["type"]
    if kind in ("greater_than_equal", "less_than_equal"):
        rng = {"attempt": (1, 3), "score": (1, 10)}.get(fname, ("", ""))
        key, extra = "problem.out_of_range", {"lo": rng[0], "hi": rng[1]}
    elif kind == "string_pattern_mismatch":
        key = "problem.bad_phone" if column.kind == "phone" else "problem.bad_email"
        extra = {}
    else:
        key, extra = "problem.bad_value", {"detail": err.get("msg", kind)}
    if column.required:
        report(i, column, ERROR, key, value, **extra)
        bad.add(i)
    else:
        report(i, column, WARNING, key, value, ignored=True, **extra)
        parsed[fname][i] = None


def check_references(results: dict[str, TabResult]) -> list[Problem]:
    """Warnings for complaints and revisits that point at a client or complaint that is not
    there. Vectorised over whole columns."""
    out: list[Problem] = []
    client_ids = set(results["clients"].frame["client_id"]) if "clients" in results else set()
    complaint_ids = (
        set(results["complaints"].frame["complaint_id"]) if "complaints" in results else set()
    )
    checks = [
        ("complaints", "client_id", client_ids, "problem.unknown_client"),
        ("revisits", "client_id", client_ids, "problem.unknown_client"),
        ("revisits", "complaint_id", complaint_ids, "problem.unknown_complaint"),
    ]
    for tab, fname, known, key in checks:
        res = results.get(tab)
        if res is None or res.layout is None or fname not in res.layout.index:
            continue
        if tab != "complaints" and fname == "client_id" and "clients" not in results:
            continue
        col = res.frame[fname]
        missing = (col != "") & ~col.isin(known)
        for value, row in zip(col[missing], res.frame["_row"][missing], strict=True):
            out.append(
                Problem(
                    WARNING,
                    tab,
                    int(row),
                    fname,
                    key,
                    {"value": value},
                    res.layout.letter(fname),
                    res.layout.header(fname),
                )
            )
    return out


MAX_CELL_CHARS = 32_767  # what one cell of Excel, WPS or LibreOffice holds


def validate_record(tab: str, raw: dict, *, partial: bool = False) -> tuple[dict, list[Problem]]:
    """Validate one record typed into a form. Returns the normalised record and the problems
    (every problem is an error here: a form refuses what a sheet read would tolerate).
    With `partial`, only the fields present are checked (an update of some fields)."""
    table = TABLES[tab]
    problems: list[Problem] = []
    out: dict = {}
    for c in table.columns:
        if c.field not in raw:
            continue
        if isinstance(raw[c.field], str) and len(raw[c.field]) > MAX_CELL_CHARS:
            problems.append(
                Problem(
                    ERROR,
                    tab,
                    None,
                    c.field,
                    "problem.too_long",
                    {"value": f"{len(raw[c.field]):,}", "limit": f"{MAX_CELL_CHARS:,}"},
                )
            )
            out[c.field] = None
            continue
        try:
            out[c.field] = parser_for(c)(raw[c.field])
        except CellError as err:
            problems.append(
                Problem(
                    ERROR,
                    tab,
                    None,
                    c.field,
                    parser_key(err.key),
                    {"value": _cell_str(raw[c.field])},
                )
            )
            out[c.field] = None
    if problems:
        return out, problems
    if partial:
        return out, problems
    for c in table.columns:
        if c.required and out.get(c.field) in (None, ""):
            problems.append(Problem(ERROR, tab, None, c.field, "problem.missing_value", {}))
    if problems:
        return out, problems
    bad: set[int] = set()
    parsed = {k: [v] for k, v in out.items()}

    def report(i, column, level, key, value, **extra):
        extra.pop("ignored", None)
        problems.append(
            Problem(ERROR, tab, None, column.field, key, {"value": _cell_str(value), **extra})
        )

    for _pos, fname, detail in _model_errors(tab, [out]):
        _model_problem(table.by_field, 0, fname, detail, parsed, bad, report)
    return out, problems


__all__ = [
    "CHOICE",
    "Layout",
    "TabResult",
    "check_references",
    "empty_frame",
    "read_layout",
    "validate_record",
    "validate_rows",
]
