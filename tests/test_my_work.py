"""My work (我的工作): the lists of `utils.my_work` on hand-made frames — my overdue, due-today
and not-started cases (a Friday receipt is "not started" only one working day later, across
the weekend), the follow-ups and routine revisits waiting for me, my clients' recent
complaints — and the page through AppTest: staff land on it, managers on the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.frames import frame
from utils import navigation as nav
from utils.auth import User
from utils.i18n import en, zh
from utils.my_work import LISTS, my_cases, my_work, recent_of_my_clients
from utils.queues import followup_queue, followups_for, routine_for, routine_queue
from utils.settings import Settings
from utils.store.local import LocalWorkbookStore

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
S = Settings(calendar="none")  # weekends only: the dates below do not depend on holidays
ME = "王芳"
MONDAY = dt.datetime(2026, 11, 23, 10, 0)
FRIDAY = dt.datetime(2026, 11, 20, 15, 0)


def complaint(cid: str, received: dt.datetime, **fields: object) -> dict:
    row = {
        "complaint_id": cid,
        "client_id": "KH-1",
        "received_at": received,
        "description": "x",
        "first_receiver": "李雷",
        "handler": ME,
        "severity": "normal",
        "status": "in_progress",
        "level": "frontline",
    }
    row.update(fields)
    return row


def client(cid: str, owner: str = ME, grade: str = "B", **fields: object) -> dict:
    row = {
        "client_id": cid,
        "name": f"客户{cid}",
        "phone": "13800138000",
        "grade": grade,
        "owner": owner,
        "status": "active",
        "registered_on": dt.date(2025, 1, 1),
    }
    row.update(fields)
    return row


def ids(rows: pd.DataFrame, column: str = "complaint_id") -> list[str]:
    return rows[column].tolist()


# --- my cases -----------------------------------------------------------------------------------


def test_my_open_cases_fall_in_one_list_each():
    rows = frame(
        "complaints",
        [
            # overdue: due last Wednesday, still in progress (and also not started: said once)
            complaint("TS-LATE", dt.datetime(2026, 11, 16, 9), status="received"),
            # due today at 17:00 (received last Wednesday 17:00, 3 working days)
            complaint("TS-TODAY", dt.datetime(2026, 11, 18, 17)),
            # due this morning, already past: overdue, not due today
            complaint("TS-MORNING", dt.datetime(2026, 11, 18, 9)),
            # received on Thursday, still received: not started (due Tuesday)
            complaint("TS-IDLE", dt.datetime(2026, 11, 19, 9), status="received"),
            # mine as the first receiver, blank status counts as received
            complaint(
                "TS-FIRST", dt.datetime(2026, 11, 19, 8), handler="", first_receiver=ME, status=""
            ),
            # done, someone else's, and in progress with time left: in none of the lists
            complaint(
                "TS-DONE",
                dt.datetime(2026, 11, 16, 9),
                status="resolved",
                resolved_at=dt.datetime(2026, 11, 17, 9),
                resolution="ok",
            ),
            complaint("TS-OTHER", dt.datetime(2026, 11, 16, 9), handler="张伟"),
            complaint("TS-FINE", dt.datetime(2026, 11, 20, 9)),
        ],
    )
    cases = my_cases(rows, ME, MONDAY, S)
    assert ids(cases["overdue"]) == ["TS-LATE", "TS-MORNING"]  # earliest due first
    assert ids(cases["due_today"]) == ["TS-TODAY"]
    assert ids(cases["not_started"]) == ["TS-FIRST", "TS-IDLE"]  # earliest received first
    assert cases["overdue"]["overdue"].all() and not cases["due_today"]["overdue"].any()
    assert bool(cases["overdue"].set_index("complaint_id").loc["TS-LATE", "not_started"])


def test_my_name_matches_whatever_its_case_and_spaces():
    rows = frame("complaints", [complaint("TS-1", dt.datetime(2026, 11, 16, 9), handler=" wang ")])
    assert ids(my_cases(rows, "Wang", MONDAY, S)["overdue"]) == ["TS-1"]
    assert all(v.empty for v in my_cases(rows, "", MONDAY, S).values())


@pytest.mark.parametrize(
    ("now", "started_late"),
    [
        (dt.datetime(2026, 11, 20, 18, 0), False),  # the same Friday evening
        (dt.datetime(2026, 11, 21, 12, 0), False),  # Saturday: not a working day
        (dt.datetime(2026, 11, 22, 20, 0), False),  # Sunday evening
        (dt.datetime(2026, 11, 23, 14, 59), False),  # Monday, before one working day is up
        (dt.datetime(2026, 11, 23, 15, 1), True),  # Monday, one working day after Friday 15:00
    ],
)
def test_a_friday_receipt_is_not_started_one_working_day_later_across_the_weekend(
    now, started_late
):
    rows = frame("complaints", [complaint("TS-FRI", FRIDAY, status="received")])
    cases = my_cases(rows, ME, now, S)
    assert ids(cases["not_started"]) == (["TS-FRI"] if started_late else [])
    assert cases["overdue"].empty and cases["due_today"].empty  # due Wednesday 15:00


def test_a_case_in_progress_is_started_however_old():
    rows = frame("complaints", [complaint("TS-FRI", FRIDAY, status="in_progress")])
    assert my_cases(rows, ME, dt.datetime(2026, 11, 24, 9), S)["not_started"].empty


def test_a_make_up_working_saturday_counts_on_the_teams_calendar():
    saturday = dt.date(2026, 11, 21)
    settings = Settings(calendar="none", extra_working_days=frozenset({saturday}))
    rows = frame("complaints", [complaint("TS-FRI", FRIDAY, status="received")])
    cases = my_cases(rows, ME, dt.datetime(2026, 11, 21, 15, 30), settings)
    assert ids(cases["not_started"]) == ["TS-FRI"]


# --- revisits waiting for me ---------------------------------------------------------------------


def resolved(cid: str, **fields: object) -> dict:
    return complaint(
        cid,
        dt.datetime(2026, 11, 2, 9),
        status="resolved",
        resolved_at=dt.datetime(2026, 11, 4, 9),
        resolution="已处理",
        **fields,
    )


def test_followups_and_routine_revisits_are_the_queues_offered_to_me():
    clients = frame(
        "clients",
        [
            client("KH-1", grade="A"),  # mine, a key client last reached 40 days ago: due
            client("KH-2", owner="张伟", grade="A"),  # someone else's
            client("KH-3", grade="D"),  # mine, reached last month: not due
        ],
    )
    complaints = frame(
        "complaints",
        [
            resolved("TS-A", handler="张伟", first_receiver="李雷"),
            resolved("TS-B", handler=ME, first_receiver="李雷"),
            resolved("TS-C", handler="李雷", first_receiver=ME, client_id="KH-2"),
        ],
    )
    revisits = frame(
        "revisits",
        [
            {
                "revisit_id": f"HF-{n}",
                "client_id": cid,
                "kind": "routine",
                "done_at": MONDAY - dt.timedelta(days=days),
                "staff": ME,
                "reached": "yes",
            }
            for n, (cid, days) in enumerate([("KH-1", 40), ("KH-2", 40), ("KH-3", 30)])
        ],
    )
    frames = {"clients": clients, "complaints": complaints, "revisits": revisits}
    work = my_work(frames, ME, MONDAY, S)
    queue = followup_queue(complaints, revisits, S)
    expected = followups_for(queue, ME, S)
    assert ids(work.followups) == ids(expected)  # the rule is utils.queues'; this is the wiring
    assert set(ids(queue)) == {"TS-A", "TS-B", "TS-C"}
    others = my_work(frames, "赵敏", MONDAY, S).followups  # nobody's own: all three offered
    assert ids(others) == ids(followups_for(queue, "赵敏", S))
    assert ids(work.routine, "client_id") == ["KH-1"]
    routine = routine_for(routine_queue(clients, revisits, MONDAY.date(), S), ME)
    assert ids(work.routine, "client_id") == ids(routine, "client_id")


# --- my clients' recent complaints ---------------------------------------------------------------


def test_my_clients_complaints_of_the_last_30_days_newest_first_whoever_logged_them():
    clients = frame("clients", [client("KH-1"), client("KH-2", owner="张伟")])
    rows = frame(
        "complaints",
        [
            complaint("TS-OLD", MONDAY - dt.timedelta(days=31), handler="李雷"),
            complaint(
                "TS-10",
                MONDAY - dt.timedelta(days=10),
                handler="李雷",
                status="closed",
                resolved_at=MONDAY - dt.timedelta(days=9),
                resolution="ok",
                closed_at=MONDAY - dt.timedelta(days=8),
            ),
            complaint("TS-2", MONDAY - dt.timedelta(days=2), handler="赵敏"),
            complaint("TS-NOT-MINE", MONDAY - dt.timedelta(days=1), client_id="KH-2"),
        ],
    )
    recent = recent_of_my_clients(clients, rows, ME, MONDAY, S)
    assert ids(recent) == ["TS-2", "TS-10"]
    assert {"overdue", "not_started", "due"} <= set(recent.columns)
    assert recent_of_my_clients(clients, rows, ME, MONDAY, S, days=60)["complaint_id"].tolist() == [
        "TS-2",
        "TS-10",
        "TS-OLD",
    ]


def test_nothing_for_someone_with_nothing():
    frames = {
        "clients": frame("clients", [client("KH-1")]),
        "complaints": frame("complaints", [complaint("TS-1", dt.datetime(2026, 11, 16, 9))]),
        "revisits": frame("revisits", []),
    }
    work = my_work(frames, "新同事", MONDAY, S)
    assert work.is_empty() and set(work.counts()) == set(LISTS)
    assert my_work(frames, ME, MONDAY, S).counts()["overdue"] == 1


# --- navigation ----------------------------------------------------------------------------------


def test_each_role_lands_on_its_own_page():
    assert nav.default_for("staff") == "my-work"
    assert nav.default_for("manager") == "dashboard"
    assert nav.default_for("admin") == "dashboard"
    assert nav.default_for(None) == "home"
    for role in ("staff", "manager", "admin", None):
        assert nav.default_for(role) in [p.url for p in nav.pages_for(role)]
    spec = next(p for p in nav.PAGES if p.url == "my-work")
    assert spec.path == "pages/my_work.py" and spec.icon == ":material/assignment_ind:"
    assert not spec.managers_only


def test_every_my_work_message_is_in_both_catalogues():
    source = (ROOT / "pages" / "my_work.py").read_text(encoding="utf-8")
    keys = set(re.findall(r"\btr?(?:_text)?\(\s*\"([a-z_]+\.[a-z_.]+)\"", source))
    keys |= {f"my_work.{name}{part}" for name in LISTS for part in ("", ".hint", ".none")}
    keys.add("nav.my_work")
    assert {"my_work.title", "my_work.intro", "my_work.all_clear"} <= keys
    assert not keys - set(en.MESSAGES), sorted(keys - set(en.MESSAGES))
    assert not keys - set(zh.MESSAGES), sorted(keys - set(zh.MESSAGES))


# --- the page ------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 23, 16, 0)


@pytest.fixture
def workbook(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "desk.xlsx"
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
    monkeypatch.setenv("SHEETDESK_NOW", NOW.isoformat())
    monkeypatch.setenv("SHEETDESK_CALENDAR", "none")
    for name in ("SHEETDESK_SPREADSHEET", "SHEETDESK_ROLES", "SHEETDESK_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    streamlit.cache_resource.clear()
    store = LocalWorkbookStore(path, clock=lambda: NOW)
    store.init("en")
    store.append_many("clients", [client("KH-1"), client("KH-2", owner="张伟")], user="seed")
    store.append_many(
        "complaints",
        [
            complaint("TS-LATE", dt.datetime(2026, 11, 16, 9)),
            complaint("TS-FRI", FRIDAY, status="received"),
            complaint("TS-ELSE", dt.datetime(2026, 11, 16, 9), handler="张伟", client_id="KH-2"),
        ],
        user="seed",
    )
    yield path
    streamlit.cache_resource.clear()


def start(user: User, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["sheetdesk_user"] = user
    at.session_state["sheetdesk_lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_ids(at: AppTest) -> set[str]:
    out: set[str] = set()
    for table in at.dataframe:
        value = table.value
        frame_ = value.data if hasattr(value, "data") else value  # a Styler or a frame
        for column in frame_.columns:
            out |= {str(v) for v in frame_[column] if str(v).startswith(("TS-", "KH-"))}
    return out


def test_staff_land_on_my_work_and_see_their_own_cases(workbook):
    at = start(User(ME, "staff"))
    assert [t.value for t in at.title] == ["My work"]
    assert shown_ids(at) >= {"TS-LATE", "TS-FRI"}
    assert "TS-ELSE" not in shown_ids(at)  # someone else's case, someone else's client
    headers = " ".join(h.value for h in at.subheader)
    assert "Overdue" in headers and "Not started" in headers
    assert "Due today" not in headers  # an empty case list takes no room


def test_staff_land_on_my_work_in_chinese(workbook):
    at = start(User(ME, "staff"), lang="zh")
    assert [t.value for t in at.title] == ["我的工作"]
    assert "已超时" in " ".join(h.value for h in at.subheader)


def test_managers_and_admins_land_on_the_dashboard(workbook):
    for role in ("manager", "admin"):
        at = start(User("周主任", role))
        assert [t.value for t in at.title] == ["Dashboard"], role


def test_a_manager_may_open_my_work_too(workbook):
    at = start(User(ME, "manager"))
    at.switch_page("pages/my_work.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["My work"]
    assert "TS-LATE" in shown_ids(at)


def test_someone_with_nothing_to_do_is_told_so(workbook):
    at = start(User("新同事", "staff"))
    assert [t.value for t in at.title] == ["My work"]
    assert at.success and "Nothing overdue" in at.success[0].value


def test_the_root_sends_each_person_to_their_page_and_links_keep_working(tmp_path, monkeypatch):
    """ "/" is a hidden landing page: staff go on to My work, managers to the dashboard; the
    pages themselves keep their own addresses (a direct link to /dashboard works)."""
    import streamlit
    from streamlit.testing.v1 import AppTest

    from utils.auth import User
    from utils.i18n import t
    from utils.navigation import default_for
    from utils.store.local import LocalWorkbookStore

    path = tmp_path / "desk.xlsx"
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
    LocalWorkbookStore(path).init("en")
    streamlit.cache_resource.clear()
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    for user, title in ((User("王芳", "staff"), "my_work.title"), (User("周", "manager"), None)):
        at = AppTest.from_file(app, default_timeout=30)
        at.session_state["sheetdesk_user"] = user
        at.session_state["sheetdesk_lang"] = "en"
        at.run()
        assert not at.exception, at.exception
        if title:
            assert [x.value for x in at.title] == [t(title, "en")]
        else:
            assert [x.value for x in at.title] == [t("dash.page.title", "en")]
    assert default_for(None) == "home"
    streamlit.cache_resource.clear()
