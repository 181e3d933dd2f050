"""The spreadsheet speaks the team's language (SPEC "Languages").

- a new workbook is made in the configured language, else in the language of the person whose
  first save makes it: tabs, headers, choice cells (labels, not codes), progress-log verbs;
- an existing workbook keeps the language its headers are in, whoever saves;
- reading stays tolerant: codes and both languages' labels, mixed in one column, read alike;
- the Google backend writes labels too, and its dropdowns list the sheet's labels;
- `python -m utils.cli translate --to zh|en` changes tab names, header cells, choice cells and
  log verbs in place, nothing else (every other part of the file byte for byte), undoes
  itself, and changes nothing when run again;
- LibreOffice reads a new Chinese workbook as Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_schema.columns import CHOICE
from sheets_schema.tables import TABLES, sheet_language
from tests.test_cli import cli
from tests.test_gsheets_store import FakeGoogle
from tests.test_libreoffice import CSV_FILTER, convert, soffice  # noqa: F401 (a fixture)
from utils import operations as ops
from utils import progress_log as plog
from utils.auth import User
from utils.settings import Settings
from utils.store import load_config, open_store, read_cache
from utils.store.local import LocalWorkbookStore

WHEN = dt.datetime(2026, 11, 23, 10, 5)
MANAGER = User("王芳", "manager")
S = Settings()
CLIENT = {"name": "张三", "phone": "0138 0000 1111", "source": "walk_in", "status": "dormant"}


@pytest.fixture(autouse=True)
def _fresh_caches():
    read_cache.reset()  # the Google caches are per process: each test is a new process
    yield
    read_cache.reset()


def save_some(store) -> str:
    """A client, a complaint about them logged and escalated (the app's own steps)."""
    client = ops.add_client(store, dict(CLIENT), user=MANAGER, today=WHEN.date())
    saved, _ = ops.log_complaint(
        store,
        client_id=client.record_id,
        channel="walk_in",
        category="billing",
        severity="serious",
        description="多收了物业费",
        user=MANAGER,
        when=WHEN,
        settings=S,
    )
    row = store.read().record("complaints", saved.record_id)
    ops.apply_action(
        store,
        "escalate",
        row,
        {"reason": "客户要求找经理"},
        user=MANAGER,
        when=WHEN,
        settings=S,
        revisits=store.read().revisits,
        lang="en",  # the person's language: messages only
    )
    return saved.record_id


def rows(path: Path, title: str) -> list[tuple]:
    return [tuple(r) for r in openpyxl.load_workbook(path)[title].iter_rows(values_only=True)]


def by_header(table: list[tuple], row: int) -> dict:
    return dict(zip(table[0], table[row], strict=False))


# ---- a new workbook, an existing one ----
def test_a_new_workbook_made_by_a_chinese_save_speaks_chinese(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    store = LocalWorkbookStore(path)  # nothing configured
    store.offer_lang("zh")  # what the app does with the session's language before a save
    complaint_id = save_some(store)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["客户档案", "投诉记录", "回访记录", "变更记录", "设置"]
    clients = rows(path, "客户档案")
    assert list(clients[0][:4]) == ["客户编号", "客户名称", "客户类型", "客户等级"]
    client = by_header(clients, 1)
    assert client["客户来源"] == "来访" and client["状态"] == "不活跃"
    complaint = by_header(rows(path, "投诉记录"), 1)
    assert complaint["投诉编号"] == complaint_id
    assert (complaint["投诉渠道"], complaint["投诉类别"]) == ("现场", "收费")
    assert (complaint["严重程度"], complaint["处理层级"]) == ("严重", "部门负责人")
    assert complaint["处理状态"] == "已受理"
    assert complaint["处理记录"].splitlines() == [
        "2026-11-23 10:05 王芳 受理",
        "2026-11-23 10:05 王芳 升级→部门负责人：客户要求找经理",
    ]
    changes = rows(path, "变更记录")
    assert {r[3] for r in changes[1:]} == {"客户档案", "投诉记录"}  # choices: labels
    assert {r[8] for r in changes[1:]} == {"新建", "修改"}
    # read back as the values, whoever reads it, in any language
    snap = LocalWorkbookStore(path).read()
    assert snap.problems == []
    assert snap.clients.iloc[0][["source", "status"]].tolist() == ["walk_in", "dormant"]
    assert snap.complaints.iloc[0][["channel", "level"]].tolist() == ["walk_in", "department"]
    assert LocalWorkbookStore(path).sheet_lang() == "zh"
    store.offer_lang("en")  # another person, once it exists: no effect
    assert store.sheet_lang() == "zh"


def test_an_english_workbook_stays_english_when_a_chinese_user_saves(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    LocalWorkbookStore(path).init("en")
    store = LocalWorkbookStore(path)  # the app, another process
    store.offer_lang("zh")
    assert store.sheet_lang() == "en"
    save_some(store)
    assert openpyxl.load_workbook(path).sheetnames[:3] == ["Clients", "Complaints", "Revisits"]
    client = by_header(rows(path, "Clients"), 1)
    assert client["Source"] == "Walk-in" and client["Status"] == "Dormant"  # labels, not codes
    complaint = by_header(rows(path, "Complaints"), 1)
    assert complaint["Level"] == "Department head" and complaint["Channel"] == "Walk-in"
    assert complaint["Progress log"].splitlines()[-1] == (
        "2026-11-23 10:05 王芳 escalate→department: 客户要求找经理"
    )


def test_the_configured_language_wins_over_the_first_saver(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHEETDESK_LANGUAGE", "zh")
    store = open_store(load_config({}, workbook=str(tmp_path / "team.xlsx")))
    assert store.lang_configured
    store.offer_lang("en")
    store.append("clients", dict(CLIENT), user="王芳")
    assert openpyxl.load_workbook(tmp_path / "team.xlsx").sheetnames[0] == "客户档案"
    monkeypatch.delenv("SHEETDESK_LANGUAGE")
    config = load_config({"sheetdesk": {"language": "zh"}}, workbook="x.xlsx")
    assert (config.lang, config.lang_configured) == ("zh", True)
    assert load_config({}, workbook="x.xlsx").lang_configured is False


def test_the_header_row_decides_the_language() -> None:
    assert sheet_language({}) is None
    en = TABLES["clients"].header("en")
    zh = TABLES["clients"].header("zh")
    assert sheet_language({"clients": ("客户档案", en)}) == "en"  # headers over the title
    assert sheet_language({"clients": ("Clients", [*en[:4], *zh[4:]])}) == "zh"
    assert sheet_language({"clients": ("Clients", [*en, "备注2", "来源渠道"])}) == "en"
    assert sheet_language({"clients": ("客户", [])}) == "zh"  # no header: the title


# ---- reading stays tolerant ----
MIXED = [
    ("KH-1", "walk_in", "dormant", "A", "complaint_followup"),
    ("KH-2", "Walk-in", "Dormant", "A – key client", "Complaint follow-up"),
    ("KH-3", "来访", "不活跃", "A 重点客户", "投诉回访"),
    ("KH-4", " WALK-IN ", "DORMANT", "重点客户", "投诉回访"),
]


def _mixed_rows(lang: str) -> list[list[object]]:
    header = ["client_id", "name", "phone", "source", "status", "grade"]
    labels = [TABLES["clients"].by_field[f].label(lang) for f in header]
    return [labels] + [[cid, "某人", "13800000000", *rest[:3]] for cid, *rest in MIXED]


def test_codes_and_both_languages_mixed_in_one_column_read_alike(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        path = tmp_path / f"mixed-{lang}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = TABLES["clients"].label(lang)
        for row in _mixed_rows(lang):
            ws.append(row)
        wb.save(path)
        snap = LocalWorkbookStore(path).read()
        assert [p for p in snap.problems if p.tab == "clients"] == []
        frame = snap.clients.set_index("client_id")
        assert set(frame["source"]) == {"walk_in"} and set(frame["status"]) == {"dormant"}
        assert set(frame["grade"]) == {"A"} and len(frame) == 4
        assert LocalWorkbookStore(path).sheet_lang() == lang


def test_google_reads_mixed_cells_alike(tmp_path: Path) -> None:
    google = FakeGoogle(tmp_path)
    google.api.add_tab(google.sid, "Clients", _mixed_rows("en"))
    snap = google().read()
    assert [p for p in snap.problems if p.tab == "clients"] == []
    assert set(snap.clients["source"]) == {"walk_in"} and set(snap.clients["grade"]) == {"A"}


# ---- Google Sheets ----
def test_google_writes_labels_and_lists_the_sheets_labels_in_dropdowns(tmp_path: Path) -> None:
    google = FakeGoogle(tmp_path)
    store = google()  # nothing configured: the first saver's language
    store.offer_lang("zh")
    store.init()
    store.append("clients", dict(CLIENT), user="王芳")
    values = google.values("客户档案")
    row = dict(zip(values[0], values[1], strict=False))
    assert row["客户来源"] == "来访" and row["状态"] == "不活跃"
    sheet = google.api.sheet(google.sid, "客户档案")
    source = values[0].index("客户来源")
    rule = next(v for (row, column), v in sheet.validations.items() if column == source and row)
    names = [v["userEnteredValue"] for v in rule["condition"]["values"]]
    assert names == ["热线", "来访", "网站", "转介绍", "销售", "其他"]
    assert google().read().clients.iloc[0]["source"] == "walk_in"
    assert google().sheet_lang() == "zh"


def test_google_keeps_an_english_sheet_english(tmp_path: Path) -> None:
    google = FakeGoogle(tmp_path)
    google(lang="en").init("en")
    read_cache.reset()
    store = google()
    store.offer_lang("zh")
    store.append("clients", dict(CLIENT), user="王芳")
    values = google.values("Clients")
    assert dict(zip(values[0], values[1], strict=False))["Source"] == "Walk-in"


def test_translate_a_google_sheet_both_ways(tmp_path: Path) -> None:
    from utils.store.translate import translate_store

    google = FakeGoogle(tmp_path)
    store = google(lang="en")
    store.init("en")
    save_some(store)
    read_cache.reset()
    before = {t: google.values(t) for t in ("Clients", "Complaints")}
    done = translate_store(google(), "zh")
    assert done.tabs[:3] == [
        ("Clients", "客户档案"),
        ("Complaints", "投诉记录"),
        ("Revisits", "回访记录"),
    ]
    clients = google.values("客户档案")
    assert clients[0][0] == "客户编号"
    assert dict(zip(clients[0], clients[1], strict=False))["客户来源"] == "来访"
    log = dict(zip(*google.values("投诉记录")[:2], strict=False))["处理记录"]
    assert "升级→部门负责人：" in log
    rule = google.api.sheet(google.sid, "客户档案").validations[(1, clients[0].index("状态"))]
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == [
        "活跃",
        "不活跃",
        "流失",
    ]
    read_cache.reset()
    google.api.reset_counts()
    assert not translate_store(google(), "zh").changed  # a second run: no write at all
    assert google.api.count("write") == 0
    read_cache.reset()
    translate_store(google(), "en")
    assert {t: google.values(t) for t in ("Clients", "Complaints")} == before


# ---- translate a local workbook ----
def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_parts(path: Path) -> set[str]:
    """The worksheets' parts and the workbook part: what a translation may change."""
    names = set(_parts(path))
    return {n for n in names if n.startswith("xl/worksheets/sheet")} | {"xl/workbook.xml"}


def _cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every cell's value by tab (as its table name) and position."""
    from sheets_schema.tables import match_tab

    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[match_tab(ws.title) or ws.title] = {
            (c.row, c.column): c.value for row in ws.iter_rows() for c in row
        }
    return out


def _translated(tab: str, header: list[object], column: int) -> bool:
    """Is the cell in this column one a translation may change (choices, the log)?"""
    from sheets_schema.tables import match_header

    if tab not in TABLES or column > len(header):
        return False
    field = match_header(tab, header[column - 1])
    if field is None:
        return False
    col = TABLES[tab].by_field[field]
    return col.kind == CHOICE or field == "progress_log"


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    args = ("--clients", "60", "--complaints", "120", "--revisits", "120", "--seed", "3")
    done = cli("demo", "--workbook", str(path), *args, "--today", "2026-11-23")
    assert done.returncode == 0, done.stderr
    return path


def test_translate_a_demo_workbook_there_and_back(demo_workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.xlsx"
    shutil.copy(demo_workbook, path)
    original_bytes = path.read_bytes()
    original = _cells(path)
    before_parts = _parts(path)

    done = cli("translate", "--to", "zh", "--workbook", str(path))
    assert done.returncode == 0, done.stderr
    assert "is now in Chinese: 5 tab name(s)" in done.stdout
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["客户档案", "投诉记录", "回访记录", "变更记录", "设置"]
    # every other part of the file: byte for byte
    after_parts = _parts(path)
    assert set(after_parts) == set(before_parts)
    for name in set(before_parts) - _sheet_parts(path):
        assert after_parts[name] == before_parts[name], name
    translated = _cells(path)
    logs = 0
    for tab, cells in original.items():
        header = [cells.get((1, c)) for c in range(1, 1 + max(c for _, c in cells))]
        ws = wb[TABLES[tab].label("zh")]
        for (r, c), value in cells.items():
            now = translated[tab][(r, c)]
            if r == 1:
                if value is not None:  # every header cell of ours: its Chinese label
                    assert now == TABLES[tab].header("zh")[TABLES[tab].header("en").index(value)]
                continue
            if not _translated(tab, header, c):
                assert now == value, (tab, r, c)  # not a choice, not the log: as it was
                continue
            if value is None:
                assert now is None
                continue
            name = header[c - 1]
            column = next(col for col in TABLES[tab].columns if col.label("en") == name)
            if column.kind == CHOICE:
                assert column.choices is not None
                assert now in column.choices.labels("zh").values(), (tab, r, c, now)
            else:
                logs += 1
                for line, entry in zip(now.splitlines(), plog.parse(now), strict=True):
                    assert entry.action, line  # the demo's lines are all the app's
                    assert plog.VERBS[entry.action]["zh"] in line
                    assert plog.VERBS[entry.action]["en"] + " " not in line
        assert ws.max_row == max(r for r, _ in cells)
    assert logs == 120

    zh_bytes = path.read_bytes()
    again = cli("translate", "--to", "zh", "--workbook", str(path))
    assert again.returncode == 0 and "is in Chinese already" in again.stdout
    assert path.read_bytes() == zh_bytes  # a second run: nothing written

    back = cli("translate", "--to", "en", "--workbook", str(path))
    assert back.returncode == 0, back.stderr
    assert _cells(path) == original  # every value as it was
    assert (
        openpyxl.load_workbook(path).sheetnames == openpyxl.load_workbook(demo_workbook).sheetnames
    )
    en_bytes = path.read_bytes()
    assert cli("translate", "--to", "en", "--workbook", str(path)).returncode == 0
    assert path.read_bytes() == en_bytes
    assert original_bytes  # (the original file's own bytes differ only in the edited tabs)
    check = cli("check", "--workbook", str(path))
    assert check.returncode == 0, check.stdout


def test_translate_follows_formulas_and_keeps_the_teams_own_cells(tmp_path: Path) -> None:
    path = tmp_path / "own.xlsx"
    store = LocalWorkbookStore(path)
    store.init("en")
    store.append("clients", dict(CLIENT), user="王芳")
    wb = openpyxl.load_workbook(path)
    ws = wb["Clients"]
    ws.cell(1, 20, "My column")
    ws.cell(2, 20, "walk_in")  # not a column of ours: kept
    summary = wb.create_sheet("Summary")
    summary["A1"] = "=COUNTA(Clients!A:A)-1"
    summary["A2"] = "='Clients'!J2"
    wb.save(path)
    done = cli("translate", "--to", "zh", "--workbook", str(path))
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(path)
    assert wb["Summary"]["A1"].value == "=COUNTA('客户档案'!A:A)-1"
    assert wb["Summary"]["A2"].value == "='客户档案'!J2"
    ws = wb["客户档案"]
    assert ws.cell(1, 20).value == "My column" and ws.cell(2, 20).value == "walk_in"
    assert ws.cell(2, 10).value == "来访"


def test_translate_refuses_a_workbook_open_in_a_spreadsheet_program(tmp_path: Path) -> None:
    path = tmp_path / "busy.xlsx"
    LocalWorkbookStore(path).init("en")
    before = path.read_bytes()
    (tmp_path / "~$busy.xlsx").write_text("owner")
    done = cli("translate", "--to", "zh", "--workbook", str(path), "--lang", "zh")
    assert done.returncode == 2 and "暂时无法转换" in done.stderr
    assert path.read_bytes() == before
    missing = cli("translate", "--to", "zh", "--workbook", str(tmp_path / "none.xlsx"))
    assert missing.returncode == 2 and "no workbook" in missing.stderr


# ---- a real spreadsheet program ----
def test_libreoffice_shows_a_new_chinese_workbook_in_chinese(
    soffice: list[str],  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "zh.xlsx"
    store = LocalWorkbookStore(path)
    store.offer_lang("zh")
    save_some(store)
    convert(soffice, path, CSV_FILTER, tmp_path / "csv")
    with open(tmp_path / "csv" / "zh-客户档案.csv", encoding="utf-8") as fh:
        clients = list(csv.reader(fh))
    with open(tmp_path / "csv" / "zh-投诉记录.csv", encoding="utf-8") as fh:
        complaints = list(csv.reader(fh))
    assert clients[0][:3] == ["客户编号", "客户名称", "客户类型"]
    client = dict(zip(clients[0], clients[1], strict=False))
    assert client["客户来源"] == "来访" and client["状态"] == "不活跃"
    complaint = dict(zip(complaints[0], complaints[1], strict=False))
    assert complaint["处理层级"] == "部门负责人" and complaint["投诉渠道"] == "现场"
    assert "升级→部门负责人：客户要求找经理" in complaint["处理记录"]
