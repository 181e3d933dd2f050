"""Schema and whole-tab validation: tolerant input, problems with tab/row/column, messages."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_schema import TABLES, match_header, match_tab
from sheets_schema.parse import CellError, parse_choice, parse_date, parse_datetime, parse_phone
from sheets_schema.validate import check_references, validate_record, validate_rows
from utils.i18n import CATALOGUES

CLIENT_HEADER = ["client_id", "name", "phone", "grade", "status", "email", "registered_on"]


def client_rows(*rows: list) -> list[list]:
    return [CLIENT_HEADER, *rows]


def by_cell(problems):
    return {(p.row, p.column): p for p in problems}


# ---- the schema ----
def test_columns_match_spec_order_and_labels() -> None:
    fields = [c.field for c in TABLES["complaints"].columns]
    assert fields[:4] == ["complaint_id", "client_id", "received_at", "channel"]
    assert fields[-3:] == ["progress_log", "updated_at", "updated_by"]
    assert TABLES["clients"].by_field["phone"].label("zh") == "联系电话"
    assert TABLES["revisits"].by_field["score"].label("en") == "Score"
    assert TABLES["clients"].required_fields == ("client_id", "name", "phone")


@pytest.mark.parametrize(
    "title,tab",
    [
        ("clients", "clients"),
        ("Clients", "clients"),
        ("客户档案", "clients"),
        ("  COMPLAINTS ", "complaints"),
        ("投诉记录", "complaints"),
        ("回访记录", "revisits"),
        ("Sheet1", None),
    ],
)
def test_tab_aliases(title: str, tab: str | None) -> None:
    assert match_tab(title) == tab


@pytest.mark.parametrize(
    "header,field",
    [
        ("客户编号", "client_id"),
        ("Client ID", "client_id"),
        ("client_id", "client_id"),
        ("ＣＬＩＥＮＴ　ＩＤ", "client_id"),
        ("联系电话", "phone"),
        ("PHONE", "phone"),
        ("手机号", "phone"),
        ("Registered on", "registered_on"),
        ("登记日期", "registered_on"),
        ("unknown", None),
    ],
)
def test_header_aliases_both_languages(header: str, field: str | None) -> None:
    assert match_header("clients", header) == field


@pytest.mark.parametrize(
    "raw,value",
    [
        ("已解决", "resolved"),
        ("Resolved", "resolved"),
        ("RESOLVED", "resolved"),
        ("in progress", "in_progress"),
        ("In Progress", "in_progress"),
        ("处理中", "in_progress"),
    ],
)
def test_choices_accept_value_and_both_labels_any_case(raw: str, value: str) -> None:
    column = TABLES["complaints"].by_field["status"]
    assert parse_choice(raw, column.choices) == value


def test_unknown_choice_is_refused() -> None:
    with pytest.raises(CellError):
        parse_choice("maybe", TABLES["complaints"].by_field["status"].choices)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-10-05",
        "2026/10/05",
        "2026年10月5日",
        "2026.10.5",
        dt.date(2026, 10, 5),
        dt.datetime(2026, 10, 5, 13, 0),
        46300.0,
    ],
)
def test_date_spellings(raw: object) -> None:
    assert parse_date(raw) == dt.date(2026, 10, 5)  # 46300 is that day as an Excel serial


def test_datetime_spellings() -> None:
    assert parse_datetime("2026-10-05 14:30") == dt.datetime(2026, 10, 5, 14, 30)
    assert parse_datetime("2026/10/05 14:30:15") == dt.datetime(2026, 10, 5, 14, 30, 15)
    assert parse_datetime("2026年10月5日 9:05") == dt.datetime(2026, 10, 5, 9, 5)
    assert parse_datetime("2026-10-05T08:00") == dt.datetime(2026, 10, 5, 8, 0)
    assert parse_datetime("2026-10-05") == dt.datetime(2026, 10, 5)


def test_number_where_text_is_expected_is_read_as_its_digits() -> None:
    assert parse_phone(13812345678.0) == "13812345678"
    assert parse_phone(13812345678) == "13812345678"
    assert parse_phone("＋８６ １３８") == "+86 138"


# ---- whole tabs ----
def test_valid_rows_become_a_frame_with_sheet_row_numbers() -> None:
    result = validate_rows(
        "clients",
        client_rows(
            ["KH-1", "张三", 13812345678.0, "a", "活跃", "", "2026年10月5日"],
            [None, None, None, None, None, None, None],  # blank row: ignored but counted
            ["KH-2", "李四", "0138 1234", "B 普通客户", "Active", "x@y.cn", dt.date(2026, 1, 2)],
        ),
    )
    assert result.problems == []
    frame = result.frame
    assert list(frame["client_id"]) == ["KH-1", "KH-2"]
    assert list(frame["_row"]) == [2, 4]
    assert list(frame["phone"]) == ["13812345678", "0138 1234"]
    assert list(frame["grade"]) == ["A", "B"]
    assert list(frame["status"]) == ["active", "active"]
    assert frame["registered_on"].iloc[0] == dt.datetime(2026, 10, 5)
    assert frame["email"].iloc[0] == ""


def test_each_kind_of_bad_cell_is_named_with_row_and_column() -> None:
    result = validate_rows(
        "clients",
        client_rows(
            ["KH-1", "", "138", "A", "", "", ""],  # required name missing → error
            ["KH-2", "王五", "call me", "A", "", "", ""],  # bad phone (required) → error
            [
                "KH-3",
                "赵六",
                "139",
                "Z",
                "gone",
                "not-an-email",
                "2026-13-45",
            ],  # optional → warnings
        ),
    )
    cells = by_cell(result.problems)
    assert cells[(2, "name")].level == "error"
    assert cells[(2, "name")].key == "problem.missing_value"
    assert cells[(3, "phone")].key == "problem.bad_phone"
    assert cells[(3, "phone")].level == "error"
    for column, key in [
        ("grade", "problem.bad_choice"),
        ("status", "problem.bad_choice"),
        ("email", "problem.bad_email"),
        ("registered_on", "problem.bad_date"),
    ]:
        assert cells[(4, column)].level == "warning", column
        assert cells[(4, column)].key == key
    # rows with errors are left out; a row with only warnings stays, the bad cells blank
    assert list(result.frame["client_id"]) == ["KH-3"]
    assert result.frame["grade"].iloc[0] == ""
    message = cells[(2, "name")].message("en")
    assert "column B" in message and "name" in message
    zh = cells[(4, "grade")].message("zh")
    assert "D 列" in zh and "A 重点客户" in zh and "“Z”" in zh


def test_reordered_and_extra_columns_and_chinese_headers() -> None:
    rows = [
        ["备注", "自定义列", "联系电话", "客户名称", "客户编号"],
        ["VIP", "keep me", "13800000000", "张三", "KH-9"],
    ]
    result = validate_rows("clients", rows)
    assert result.problems == []
    assert result.frame["name"].iloc[0] == "张三"
    assert result.frame["notes"].iloc[0] == "VIP"
    assert result.layout.extra == [1]
    assert result.layout.letter("client_id") == "E"


def test_missing_required_column_is_one_error_not_one_per_row() -> None:
    rows = [["client_id", "name"]] + [[f"KH-{i}", "x"] for i in range(500)]
    result = validate_rows("clients", rows, "客户档案")
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.level, problem.column, problem.row) == ("error", "phone", None)
    assert "客户档案" in problem.message("zh") and "联系电话" in problem.message("zh")
    assert result.frame.empty


def test_missing_tab_is_one_error() -> None:
    result = validate_rows("revisits", [])
    assert [p.key for p in result.problems] == ["problem.missing_tab"]


def test_duplicate_ids_are_errors_pointing_at_the_first() -> None:
    result = validate_rows(
        "clients",
        client_rows(
            ["KH-1", "a", "1", "", "", "", ""],
            ["KH-1", "b", "2", "", "", "", ""],
        ),
    )
    assert [(p.row, p.key) for p in result.problems] == [(3, "problem.duplicate_id")]
    assert result.problems[0].params["first"] == 2
    assert list(result.frame["name"]) == ["a"]


def test_cross_field_rules() -> None:
    header = [
        "complaint_id",
        "received_at",
        "description",
        "first_receiver",
        "status",
        "resolution",
        "resolved_at",
        "closed_at",
    ]
    result = validate_rows(
        "complaints",
        [
            header,
            ["TS-1", "2026-10-01 09:00", "d", "王芳", "resolved", "", "", ""],
            ["TS-2", "2026-10-01 09:00", "d", "王芳", "已结案", "ok", "2026-10-02 10:00", ""],
            ["TS-3", "2026-10-01 09:00", "d", "王芳", "closed", "ok", "2026-10-02", "2026-10-03"],
        ],
    )
    keys = {(p.row, p.column): p.key for p in result.problems}
    assert keys == {
        (2, "resolution"): "problem.needs_resolution",
        (2, "resolved_at"): "problem.needs_resolution",
        (3, "closed_at"): "problem.needs_closed_at",
    }
    assert list(result.frame["complaint_id"]) == ["TS-3"]
    assert "已解决" in next(p for p in result.problems if p.row == 2).message("zh")


def test_revisit_ranges_and_followup_rules() -> None:
    header = [
        "revisit_id",
        "client_id",
        "complaint_id",
        "kind",
        "done_at",
        "staff",
        "attempt",
        "reached",
        "solved",
        "score",
    ]
    result = validate_rows(
        "revisits",
        [
            header,
            ["HF-1", "KH-1", "TS-1", "投诉回访", "2026-10-01", "王芳", 4, "是", "", 11],
            ["HF-2", "KH-1", "", "complaint_followup", "2026-10-01", "王芳", 1, "no", "", 9],
            ["HF-3", "KH-1", "", "routine", "2026-10-01", "王芳", 1, "yes", "", "8"],
        ],
    )
    keys = {(p.row, p.column): (p.level, p.key) for p in result.problems}
    assert keys[(2, "attempt")] == ("warning", "problem.out_of_range")
    assert keys[(2, "score")] == ("warning", "problem.out_of_range")
    assert keys[(2, "solved")] == ("error", "problem.needs_solved")
    assert keys[(3, "complaint_id")] == ("error", "problem.needs_complaint")
    assert list(result.frame["revisit_id"]) == ["HF-3"]
    assert int(result.frame["score"].iloc[0]) == 8


def test_dangling_references_are_warnings() -> None:
    clients = validate_rows("clients", client_rows(["KH-1", "a", "1", "", "", "", ""]))
    complaints = validate_rows(
        "complaints",
        [
            ["complaint_id", "client_id", "received_at", "description", "first_receiver"],
            ["TS-1", "KH-1", "2026-10-01", "d", "w"],
            ["TS-2", "KH-404", "2026-10-01", "d", "w"],
        ],
    )
    revisits = validate_rows(
        "revisits",
        [
            ["revisit_id", "client_id", "complaint_id", "done_at", "staff", "reached"],
            ["HF-1", "KH-1", "TS-404", "2026-10-02", "w", "yes"],
        ],
    )
    problems = check_references(
        {"clients": clients, "complaints": complaints, "revisits": revisits}
    )
    found = {(p.tab, p.row, p.column, p.level) for p in problems}
    assert found == {
        ("complaints", 3, "client_id", "warning"),
        ("revisits", 2, "complaint_id", "warning"),
    }


def test_validation_never_raises_on_odd_cells() -> None:
    odd = [True, 3.5, -1, dt.time(12, 0), "=SUM(A1)", "   ", "\u00a0", 1e20, dt.date(1, 1, 1)]
    rows = [TABLES["revisits"].header("en")] + [[v] * len(TABLES["revisits"].columns) for v in odd]
    result = validate_rows("revisits", rows)
    assert result.problems, "odd cells must be reported"
    assert all(p.row for p in result.problems)


def test_validate_record_for_forms() -> None:
    clean, problems = validate_record(
        "clients",
        {"client_id": "KH-1", "name": " 张三 ", "phone": "138 0000 0000", "grade": "重点客户"},
    )
    assert problems == []
    assert clean["name"] == "张三" and clean["grade"] == "A"
    _, problems = validate_record("clients", {"client_id": "KH-1", "name": "", "phone": "x"})
    assert {p.column for p in problems} == {"name"}  # required first, then the rest
    _, problems = validate_record(
        "clients", {"client_id": "KH-1", "name": "a", "phone": "x", "email": "bad"}
    )
    assert {p.column for p in problems} == {"phone", "email"}
    assert all(p.level == "error" for p in problems)


def test_catalogues_have_the_same_keys() -> None:
    assert set(CATALOGUES["en"]) == set(CATALOGUES["zh"])
    assert all(CATALOGUES["zh"][k].strip() for k in CATALOGUES["zh"])
