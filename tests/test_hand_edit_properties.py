"""Nothing lost, nothing overwritten — as properties over generated workbooks (hypothesis).

Every workbook here is a real .xlsx written by openpyxl, as Excel, WPS or LibreOffice would
leave it: headers by field name or either label in any case and order, extra columns of the
user's own, cells of every type, hidden rows, merged cells, comments, colours, another tab.

- reading never raises (but `BadWorkbookError`) and reports every row under its own number:
  each non-blank row is a record with that `_row`, or named by an error with that row;
- after any sequence of app saves (appends, updates from the record as read, saves waiting
  while the workbook is open elsewhere, flushes) only the cells those saves own differ:
  values, fonts, fills, number formats and comments of every other cell, and other tabs,
  are as they were;
- a hand edit between opening a record and its save being written is never lost and never
  silently overwritten: the save is applied beside it, or set aside (or refused at once) when
  it writes that very cell.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import shutil
import string
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, assume, event, given, note, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from sheets_schema.choices import Choices
from sheets_schema.columns import CHOICE, DATE, DATETIME, EMAIL, ID, PHONE
from sheets_schema.parse import parse_id
from sheets_schema.tables import TABLES, match_header, match_tab
from sheets_schema.validate import read_layout
from utils.errors import BadWorkbookError, ConflictError, RecordNotFound
from utils.store.local import LocalWorkbookStore
from utils.store.reconcile import STAMPS, same

CLIENTS = TABLES["clients"]
COLUMNS = CLIENTS.columns
EDITABLE = [c.field for c in COLUMNS if c.field not in STAMPS and c.field != "client_id"]
TAB_TITLES = ["clients", "Clients", "CLIENTS", "客户档案", "客户信息", "Customers"]
SETTINGS = settings(
    deadline=None,
    database=None,  # nothing written into the working tree
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


# ---- cell values ----
# any character an .xlsx cell can hold (XML 1.0); of the control characters only tab, the
# newlines and the C1 ones are allowed, and those are drawn below
CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
)
MIXED = st.one_of(
    st.sampled_from(list("张王李赵客户投诉回访电话备注已解决重点　")),  # an ideographic space too
    st.sampled_from(["😀", "🏠", "👍🏽", "🇨🇳", "\u200b", "é", "ß"]),
    st.sampled_from(list(string.ascii_letters + string.digits + " -_+=@()./:")),
    st.sampled_from(["\t", "\n", "\r", "\x7f", "\x85"]),
    CHARS,
)
SHORT_TEXT = st.lists(MIXED, max_size=24).map("".join)  # (an emoji may be several characters)
LONG_TEXT = st.builds(
    lambda seed, n: (seed * (n // max(len(seed), 1) + 1))[:n],
    st.lists(MIXED, min_size=1, max_size=8).map("".join),
    st.sampled_from([255, 256, 1024, 8191, 32_766, 32_767]),
)
# the dates a cell may hold (sheets_schema.parse MIN_YEAR–MAX_YEAR); later ones are reported
# on their cell (test_a_date_after_2262_in_a_date_column_does_not_stop_the_read)
EXCEL_DATES = st.dates(dt.date(1900, 3, 1), dt.date(2262, 4, 10))
EXCEL_DATETIMES = st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2262, 4, 10, 23, 59, 59))
ANY_CELL = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from([" ", "\t", "\n", "　"]),
    SHORT_TEXT,
    LONG_TEXT,
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-1000, 100_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, 13_800_138_000.0, 45_678.5]),
    EXCEL_DATES,
    EXCEL_DATETIMES.map(lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.booleans(),
)


def _choice_value(choices: Choices) -> st.SearchStrategy[str]:
    names = [n for c in choices.options for n in (c.value, c.en, c.zh, *c.aliases)]
    return st.sampled_from(names)


APP_TEXT = st.text(  # what a person types into a form: no control characters but newlines
    st.one_of(
        st.sampled_from(list("张王李赵客户投诉回访电话备注 😀🏠")),
        st.sampled_from(list(string.ascii_letters + string.digits + " -_+=@()./:\n")),
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
PHONES = st.one_of(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"0[1-9][0-9]{1,2}-[0-9]{7,8}", fullmatch=True),
    st.from_regex(r"\+86 1[3-9][0-9] [0-9]{4} [0-9]{4}", fullmatch=True),
)
EMAILS = st.from_regex(r"[a-z][a-z0-9.]{0,8}@[a-z]{2,8}\.(com|cn|org)", fullmatch=True)


def valid_value(fname: str, *, app: bool = False) -> st.SearchStrategy:
    """A value this field accepts — as a form sends it (`app`), or as typed into the sheet."""
    column = CLIENTS.by_field[fname]
    if column.kind == CHOICE:
        assert column.choices is not None
        if app:
            return st.sampled_from(column.choices.values)
        return _choice_value(column.choices)
    if column.kind == PHONE:
        return PHONES if app else st.one_of(PHONES, st.integers(13_000_000_000, 19_999_999_999))
    if column.kind == EMAIL:
        return EMAILS
    if column.kind == DATE:
        days = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
        if app:
            return days
        return st.one_of(days, days.map(lambda d: f"{d.year}年{d.month}月{d.day}日"))
    if column.kind == DATETIME:
        return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)).map(
            lambda d: d.replace(microsecond=0)
        )
    if column.kind == ID:
        return st.from_regex(r"KH-2026(0[1-9]|1[0-2])[0-2][1-9]-[A-Z0-9]{4}", fullmatch=True)
    return APP_TEXT


def random_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(ch.upper() if up else ch.lower() for ch, up in zip(text, flips, strict=True))


@st.composite
def header_name(draw, fname: str, *, aliases: bool = False) -> str:
    """The field name or either label (or, with `aliases`, any alias) in random case."""
    column = CLIENTS.by_field[fname]
    names = [fname, column.col.en, column.col.zh, *(column.col.aliases if aliases else ())]
    return random_case(draw, draw(st.sampled_from(names)))


EXTRA_HEADERS = st.one_of(
    st.sampled_from(["Memo", "内部备注", "Ticket #", "负责人电话2", "Column X", "VIP?", "2024"]),
    st.lists(MIXED, min_size=1, max_size=10).map("".join),
    st.integers(1, 9999),
).filter(lambda h: str(h).strip() != "" and match_header("clients", h) is None)


# ---- writing workbooks with openpyxl (as another program would) ----
def put(cell, value: object) -> None:
    """A value into a cell, as typed: text stays text even when it begins with '='."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# in memory where the machine has it: a save fsyncs three or four files, 13 ms each on this
# machine's disk, and these properties are about which cells change, not about the disk
MEMORY_DISK = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    # hypothesis runs many examples per test: a fixture's tmp_path would be shared by all
    with tempfile.TemporaryDirectory(prefix="sheetdesk-prop-", dir=MEMORY_DISK) as name:
        try:
            yield Path(name)
        finally:  # every store's snapshot cache is written in the background: let it land
            for thread in threading.enumerate():
                if thread.name == "sheetdesk-snapshot-cache":
                    thread.join()


@contextlib.contextmanager
def open_in_excel(path: Path) -> Iterator[None]:
    """Excel's owner file beside the workbook: the store must not write it meanwhile."""
    owner = path.parent / f"~${path.name}"
    owner.write_text("王芳", encoding="utf-8")
    try:
        yield
    finally:
        owner.unlink()


def hand_edit(path: Path, title: str, row: int, column: int, value: object) -> None:
    """A person types one value into a cell and saves (the whole file is rewritten)."""
    wb = openpyxl.load_workbook(path)
    put(wb[title].cell(row, column), value)
    wb.save(path)


# ==== 1. reading never raises and reports the right row ====================================
@st.composite
def messy_clients_tab(draw):
    fields = [
        c.field
        for c in COLUMNS
        if draw(st.integers(0, 19)) > (0 if c.required else 8)  # required: 95%, others 55%
    ]
    columns: list[tuple[str | None, object]] = [
        (f, draw(header_name(f, aliases=True))) for f in fields
    ]
    for _ in range(draw(st.integers(0, 3))):
        columns.append((None, draw(EXTRA_HEADERS)))
    if draw(st.booleans()) or not columns:
        columns.append((None, None))  # a column without a header (but maybe with values)
    columns = draw(st.permutations(columns))
    ids = draw(st.lists(valid_value("client_id"), min_size=1, max_size=6))

    def cell(fname: str | None) -> st.SearchStrategy:
        if fname is None:
            return ANY_CELL
        if fname == "client_id":
            return st.one_of(st.sampled_from(ids), st.sampled_from(ids), ANY_CELL)
        return st.one_of(valid_value(fname), valid_value(fname), ANY_CELL)

    row_strategy = st.one_of(
        st.tuples(*[cell(f) for f, _ in columns]).map(list),
        st.just([None] * len(columns)),  # a whole blank row
        st.just([" "] * len(columns)),  # blank to the eye
    )
    rows = draw(st.lists(row_strategy, min_size=1, max_size=10))
    hidden = draw(st.sets(st.integers(2, len(rows) + 2), max_size=3))
    merges = []
    if rows and draw(st.booleans()):  # one merged block inside the data, a few cells wide
        r1 = draw(st.integers(2, len(rows) + 1))
        r2 = draw(st.integers(r1, min(r1 + 2, len(rows) + 1)))
        c1 = draw(st.integers(1, len(columns)))
        c2 = draw(st.integers(c1, min(c1 + 2, len(columns) + 1)))
        if (r1, c1) != (r2, c2):
            merges.append((r1, c1, r2, c2))
    return {
        "title": draw(st.sampled_from(TAB_TITLES)),
        "columns": columns,
        "rows": rows,
        "hidden": hidden,
        "merges": merges,
        "other_tab": draw(st.booleans()),
    }


def write_messy(path: Path, spec: dict) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec["title"]
    for c, (_, header) in enumerate(spec["columns"], start=1):
        put(ws.cell(1, c), header)
    for r, row in enumerate(spec["rows"], start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                put(ws.cell(r, c), value)
    for r in spec["hidden"]:
        ws.row_dimensions[r].hidden = True
    for r1, c1, r2, c2 in spec["merges"]:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    if spec["other_tab"]:
        other = wb.create_sheet("Notes 笔记")
        other.append(["not", "a", "table", 1, dt.date(2026, 1, 1)])
    wb.save(path)


@settings(SETTINGS, max_examples=80)
@given(spec=messy_clients_tab())
def test_reading_never_raises_and_reports_every_row_under_its_own_number(spec) -> None:
    with folder() as tmp:
        path = tmp / "hand-made.xlsx"
        write_messy(path, spec)
        try:
            snapshot = LocalWorkbookStore(path).read()
        except BadWorkbookError as exc:  # allowed by the contract; say so in the statistics
            event(f"BadWorkbookError: {exc}")
            return
        # the sheet as another program sees it (merging blanks all but a block's first cell)
        ws = openpyxl.load_workbook(path)[spec["title"]]
        grid = [[c.value for c in row] for row in ws.iter_rows(min_row=1)]

    nonblank = {n for n, row in enumerate(grid[1:], start=2) if not all(map(blank, row))}
    clients = snapshot.clients
    errors = {
        p.row
        for p in snapshot.problems
        if p.tab == "clients" and p.level == "error" and p.row is not None
    }
    whole_tab = [p for p in snapshot.problems if p.tab == "clients" and p.row is None]
    if any(p.level == "error" for p in whole_tab):  # no header, or a required column missing:
        assert clients.empty  # one problem for the whole tab, and no record read from it
        event(f"whole tab: {sorted({p.key for p in whole_tab})}")
        return
    records = [int(r) for r in clients["_row"]]
    event(f"{len(records)} valid / {len(nonblank)} non-blank rows")
    assert len(records) == len(set(records)), "one record per row"
    assert set(records) <= nonblank, "no record from a blank or absent row"
    assert errors <= nonblank, "no error on a blank or absent row"
    for n in nonblank:
        assert (n in records) != (n in errors), f"row {n}: a record or an error, exactly one"

    layout = snapshot.layouts["clients"]
    assert layout is not None
    at = layout.index["client_id"]
    for _, record in clients.iterrows():
        typed = grid[int(record["_row"]) - 1][at]
        if isinstance(typed, str):  # the record's ID is the one typed in its own row
            assert record["client_id"] == parse_id(typed)


# ==== a valid workbook with the user's own things around the data ==========================
@st.composite
def client_record(draw, *, app: bool) -> dict:
    record = {
        "name": draw(valid_value("name", app=app)),
        "phone": draw(valid_value("phone", app=app)),
    }
    for fname in EDITABLE:
        if fname not in record and draw(st.integers(0, 2)) == 0:
            record[fname] = draw(valid_value(fname, app=app))
    return record


FILLS = ["FFC7CE", "C6EFCE", "FFEB9C"]


@st.composite
def desk_workbook(draw, *, max_records: int = 6):
    """A workbook a team has used for a while: every client column (a few optional ones may be
    missing), extra columns, valid records typed by hand, junk rows, colours, comments, hidden
    rows, another tab with merged cells."""
    dropped = set(
        draw(st.lists(st.sampled_from([f for f in EDITABLE if f not in ("name", "phone")])))
    )
    columns: list[tuple[str | None, object]] = [
        (c.field, draw(header_name(c.field))) for c in COLUMNS if c.field not in dropped
    ]
    for _ in range(draw(st.integers(0, 2))):
        columns.append((None, draw(EXTRA_HEADERS)))
    columns = draw(st.permutations(columns))
    ids = draw(st.lists(valid_value("client_id"), min_size=1, max_size=max_records, unique=True))
    records = []
    for rid in ids:
        record = draw(client_record(app=False))
        record["client_id"] = rid
        if draw(st.booleans()):
            record["updated_at"] = draw(valid_value("updated_at"))
            record["updated_by"] = draw(valid_value("updated_by"))
        records.append(record)
    rows: list[list[object]] = []
    for record in records:
        row = [record.get(f) if f else draw(ANY_CELL) for f, _ in columns]
        rows.append(row)
        if draw(st.integers(0, 3)) == 0:  # a note typed below a record, not a record itself
            junk = [None] * len(columns)
            junk[draw(st.integers(0, len(columns) - 1))] = "备注 " + draw(SHORT_TEXT)
            rows.append(junk)
        if draw(st.integers(0, 4)) == 0:
            rows.append([None] * len(columns))
    cells = [(r, c) for r in range(1, len(rows) + 2) for c in range(1, len(columns) + 1)]
    styled = draw(st.lists(st.sampled_from(cells), max_size=6, unique=True))
    commented = draw(st.lists(st.sampled_from(cells), max_size=2, unique=True))
    return {
        "title": draw(st.sampled_from(TAB_TITLES)),
        "columns": columns,
        "rows": rows,
        "styled": [(r, c, draw(st.sampled_from(FILLS))) for r, c in styled],
        "commented": commented,
        "hidden": draw(st.sets(st.integers(2, len(rows) + 1), max_size=2)),
        "other_rows": draw(st.lists(st.lists(ANY_CELL, min_size=3, max_size=3), max_size=3)),
    }


def write_desk(path: Path, spec: dict) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec["title"]
    for c, (_, header) in enumerate(spec["columns"], start=1):
        put(ws.cell(1, c), header)
        ws.cell(1, c).font = Font(bold=True)
    for r, row in enumerate(spec["rows"], start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                put(ws.cell(r, c), value)
    for r, c, colour in spec["styled"]:
        ws.cell(r, c).fill = PatternFill("solid", fgColor=colour)
        ws.cell(r, c).font = Font(italic=True, color="9C0006")
    for r, c in spec["commented"]:
        ws.cell(r, c).comment = Comment(f"checked {r}/{c}", "王芳")
    for r in spec["hidden"]:
        ws.row_dimensions[r].hidden = True
    other = wb.create_sheet("月报 Monthly")
    other.append(["月份", "投诉数", "备注"])
    for row in spec["other_rows"]:
        other.append(row)
    other.merge_cells("A10:C11")
    other["A10"] = "合并的单元格"
    other["B2"].fill = PatternFill("solid", fgColor="DDEBF7")
    wb.save(path)


def cell_state(cell) -> tuple:
    """What a person sees of a cell: value, font, fill, number format, border, note."""
    comment = cell.comment.text if cell.comment is not None else None
    styles = tuple(copy.copy(s) for s in (cell.font, cell.fill, cell.border))  # proxies → values
    return (cell.value, *styles, cell.number_format, comment)


def header_fields(ws) -> dict[str, int]:
    """field → 1-based column, from the tab's header as it is now."""
    layout, _ = read_layout("clients", [c.value for c in ws[1]], ws.title)
    return {f: i + 1 for f, i in layout.index.items()}


# ==== 2. after app saves, every cell the saves did not own is unchanged =====================
APP_FIELDS = [f for f in EDITABLE if f not in ("name", "phone")] + ["name", "phone"]


@st.composite
def changes(draw) -> dict:
    fields = draw(st.lists(st.sampled_from(APP_FIELDS), min_size=1, max_size=3, unique=True))
    return {f: draw(valid_value(f, app=True)) for f in fields}


ACTIONS = st.one_of(
    st.tuples(st.just("append"), client_record(app=True)),
    st.tuples(st.just("update"), st.integers(0, 50), changes()),
    st.tuples(st.just("update"), st.integers(0, 50), changes()),
    st.tuples(st.just("busy")),  # the workbook is opened in Excel, or closed again
    st.tuples(st.just("flush")),
)


@settings(SETTINGS, max_examples=25)
@given(spec=desk_workbook(), actions=st.lists(ACTIONS, min_size=1, max_size=6))
def test_app_saves_change_only_the_cells_they_own(spec, actions) -> None:
    with folder() as tmp:
        path = tmp / "desk.xlsx"
        write_desk(path, spec)
        before_copy = tmp / "before.xlsx"
        shutil.copyfile(path, before_copy)
        store = LocalWorkbookStore(path)
        snapshot = store.read()
        known = list(snapshot.clients.client_id)
        assert len(known) == len({r["client_id"] for r in _records(spec)}), snapshot.problems
        expected: dict[str, dict] = {}  # record → field → what the saves put there
        owned: set[tuple[str, str]] = set()  # (record, field) cells the saves wrote
        appended: list[str] = []
        busy = None
        for action in actions:
            if action[0] == "append":
                saved = store.append("clients", action[1], user="李娜")
                appended.append(saved.record_id)
                known.append(saved.record_id)
                expected[saved.record_id] = dict(action[1])
            elif action[0] == "update":
                rid = known[action[1] % len(known)]
                seen = store.read().record("clients", rid)
                assert seen is not None
                store.update("clients", rid, action[2], seen=seen, user="周主任")
                expected.setdefault(rid, {}).update(action[2])
                owned |= {(rid, f) for f in (*action[2], *STAMPS)}
            elif action[0] == "busy":
                if busy is None:
                    busy = open_in_excel(path)
                    busy.__enter__()
                else:
                    busy.__exit__(None, None, None)
                    busy = None
            else:
                store.flush()
        if busy is not None:
            busy.__exit__(None, None, None)
        assert store.flush() == ""
        assert store.pending_count() == 0 and store.queue.conflicts() == []
        note(f"appended {appended}, owned {sorted(owned)}")

        final = LocalWorkbookStore(path).read(fresh=True)
        for rid, values in expected.items():
            record = final.record("clients", rid)
            assert record is not None, rid
            for fname, value in values.items():
                assert same("clients", fname, record[fname], value), (rid, fname)

        old_wb = openpyxl.load_workbook(before_copy)
        new_wb = openpyxl.load_workbook(path)
    added = new_wb.sheetnames[len(old_wb.sheetnames) :]
    assert new_wb.sheetnames[: len(old_wb.sheetnames)] == old_wb.sheetnames
    assert all(match_tab(t) is not None for t in added), "only the app's own tabs are added"
    for title in old_wb.sheetnames:
        old, new = old_wb[title], new_wb[title]
        if title != spec["title"]:  # other tabs: every cell, style and merge as it was
            assert sorted(map(str, old.merged_cells.ranges)) == sorted(
                map(str, new.merged_cells.ranges)
            )
            for row in old.iter_rows():
                for cell in row:
                    assert cell_state(cell) == cell_state(new[cell.coordinate]), cell.coordinate
            assert new.max_row == old.max_row and new.max_column == old.max_column
            continue
        columns = header_fields(new)
        rows_of = {str(r["client_id"]): int(r["_row"]) for _, r in final.clients.iterrows()}
        owned_cells = {(rows_of[rid], columns[f]) for rid, f in owned}
        new_rows = {rows_of[rid] for rid in appended}
        for r in range(1, max(old.max_row, new.max_row) + 1):
            assert old.row_dimensions[r].hidden == new.row_dimensions[r].hidden, r
            for c in range(1, max(old.max_column, new.max_column) + 1):
                was, now = old.cell(r, c), new.cell(r, c)
                if r in new_rows:
                    assert was.value is None, f"an appended row landed on {was.coordinate}"
                elif (r, c) in owned_cells:
                    continue
                elif r == 1 and was.value is None:  # a missing column's header is added
                    assert now.value is None or match_header("clients", now.value) is not None
                else:
                    assert cell_state(was) == cell_state(now), (was.coordinate, was.value)


def _records(spec: dict) -> list[dict]:
    at = {f: i for i, (f, _) in enumerate(spec["columns"]) if f}
    return [
        {"client_id": row[at["client_id"]]}
        for row in spec["rows"]
        if not blank(row[at["client_id"]]) and not blank(row[at["name"]])
    ]


# ==== 3. a hand edit between opening a record and its save being written ===================
@settings(SETTINGS, max_examples=40)
@given(
    spec=desk_workbook(max_records=3),
    which=st.integers(0, 10),
    app=changes(),
    data=st.data(),
    when=st.sampled_from(["before the save", "while the save waits"]),
)
def test_a_hand_edit_is_never_lost_nor_silently_overwritten(spec, which, app, data, when) -> None:
    in_sheet = [f for f, _ in spec["columns"] if f is not None and f not in STAMPS]
    written = [f for f in sorted(app) if f in in_sheet] or in_sheet
    hand_field = data.draw(  # half the time a cell the save writes too
        st.one_of(st.sampled_from(written), st.sampled_from(in_sheet)), label="typed into"
    )
    hand_value = data.draw(valid_value(hand_field), label="typed by hand")
    with folder() as tmp:
        path = tmp / "desk.xlsx"
        write_desk(path, spec)
        store = LocalWorkbookStore(path)
        snapshot = store.read()
        rid = snapshot.clients.client_id.iloc[which % len(snapshot.clients)]
        seen = snapshot.record("clients", rid)
        assert seen is not None
        row = seen["_row"]
        assume(not same("clients", hand_field, hand_value, seen.get(hand_field)))
        assume(not same("clients", hand_field, hand_value, app.get(hand_field)))
        if hand_field == "client_id":
            assume(parse_id(hand_value) not in set(snapshot.clients.client_id))
        column = header_fields(openpyxl.load_workbook(path)[spec["title"]])[hand_field]
        touches = hand_field in app or hand_field == "client_id"

        told = ""
        with open_in_excel(path):  # the save waits; the person types in Excel meanwhile
            if when == "before the save":
                hand_edit(path, spec["title"], row, column, hand_value)
            try:
                result = store.update("clients", rid, app, seen=seen, user="李娜")
                assert result.pending
            except (ConflictError, RecordNotFound) as exc:
                told = type(exc).__name__
            if when == "while the save waits":
                hand_edit(path, spec["title"], row, column, hand_value)
        assert store.flush() == ""

        ws = openpyxl.load_workbook(path)[spec["title"]]
        columns = header_fields(ws)
        typed = ws.cell(row, column).value
        assert same("clients", hand_field, typed, hand_value), "the hand edit is kept"
        conflicts = store.queue.conflicts()
        note(f"told={told!r} conflicts={[c.error for c in conflicts]}")
        assert store.pending_count() == 0
        if touches:  # the save writes the cell typed into: set aside or refused, not forced
            assert bool(told) != bool(conflicts), "reported once: at once or set aside"
            if conflicts:
                (conflict,) = conflicts
                assert conflict.record_id == rid
                assert all(same("clients", f, conflict.values[f], v) for f, v in app.items())
            for fname in app:  # and none of its cells is written
                if fname != hand_field and fname in columns:
                    now = ws.cell(row, columns[fname]).value
                    assert same("clients", fname, now, seen.get(fname)), fname
            event(f"conflict ({told or 'set aside'})")
        else:  # another cell: the save is applied beside the hand edit
            assert not told and conflicts == []
            for fname, value in app.items():
                assert same("clients", fname, ws.cell(row, columns[fname]).value, value), fname
            if any(not same("clients", f, v, seen.get(f)) for f, v in app.items()):
                assert ws.cell(row, columns["updated_by"]).value == "李娜"
            event("applied beside the hand edit")


# ==== a record whose ID was typed by hand ===================================================
@pytest.mark.parametrize("typed", [" KH-20261123-7K3F ", 20261123, "ＫＨ-20261123-7K3F"])
def test_a_record_whose_id_was_typed_by_hand_can_be_updated(tmp_path: Path, typed) -> None:
    path = tmp_path / "desk.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Client ID", "Name", "Phone", "Notes"])
    ws.append([typed, "王先生", "13800138000", "旧"])
    wb.save(path)
    store = LocalWorkbookStore(path)
    (rid,) = store.read().clients.client_id
    seen = store.read().record("clients", rid)
    result = store.update("clients", rid, {"notes": "新"}, seen=seen, user="李娜")
    assert not result.pending
    assert store.queue.conflicts() == [], store.queue.conflicts()[0].error
    assert openpyxl.load_workbook(path)["Clients"]["D2"].value == "新"


@pytest.mark.parametrize(
    ("column", "typed"),
    [
        ("Registered on", dt.date(3026, 1, 5)),
        ("Registered on", "3026-01-05"),
        ("Updated at", "9999/12/31 10:00"),
        ("Updated at", dt.datetime(2263, 1, 1, 9, 30)),
    ],
)
def test_a_date_after_2262_in_a_date_column_does_not_stop_the_read(
    tmp_path: Path, column: str, typed: object
) -> None:
    path = tmp_path / "desk.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Client ID", "Name", "Phone", column])
    ws.append(["KH-20261123-7K3F", "王先生", "13800138000", typed])
    ws.append(["KH-20261123-8M2Q", "李女士", "13900139000", None])
    wb.save(path)
    snapshot = LocalWorkbookStore(path).read()
    assert len(snapshot.clients) == 2  # the odd cell is a warning, the records stay
    assert [p.row for p in snapshot.problems if p.tab == "clients"] == [2]
