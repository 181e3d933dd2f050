"""The staff pages, driven through Streamlit's AppTest as a person would use them — register a
client whose phone is already known, log a complaint, escalate, resolve, record an unreached
and then a reached follow-up and see the complaint closed, a bad hand-typed row on the
data-health page, conflicts with a change made meanwhile, masking for staff, a save kept in the
pending queue — plus the plain functions behind the pages' forms (`utils.operations`,
`utils.forms`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from sheets_schema.validate import validate_record
from tests.apptest_compat import submit_button
from tests.rendered import rendered
from utils import operations as ops
from utils import ui
from utils.auth import User
from utils.errors import ConflictError, DuplicatePhone, InvalidRecord, WorkflowError
from utils.forms import changed_fields, conflict_table, field_messages, format_value
from utils.i18n import t
from utils.settings import Settings
from utils.store.local import LocalWorkbookStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
S = Settings()
# AppTest before Streamlit 1.66 starts each run after switch_page() as a page change (a new
# PagesManager per run), so widget state it does not send back itself, such as the open tab of a
# lazy st.tabs, is dropped between runs; a browser keeps it. Re-open the tab there (a no-op on
# 1.66+, where the tab must stay open by itself).
APPTEST_DROPS_TABS = tuple(int(p) for p in streamlit.__version__.split(".")[:2]) < (1, 66)


def reopen_tab(at: AppTest, key: str, label: str) -> None:
    if APPTEST_DROPS_TABS:
        at.session_state[key] = label


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "desk.xlsx"
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
    for name in (
        "SHEETDESK_SPREADSHEET",
        "SHEETDESK_ROLES",
        "SHEETDESK_LANGUAGE",
        "SHEETDESK_HOLIDAYS",
    ):
        monkeypatch.delenv(name, raising=False)
    streamlit.cache_resource.clear()
    store = LocalWorkbookStore(path)
    store.init("en")
    yield path
    streamlit.cache_resource.clear()


def seed_client(path: Path, **fields: object) -> str:
    """A client written by another program (a second store on the same workbook)."""
    record = {
        "name": "张三",
        "phone": "13800138000",
        "grade": "B",
        "owner": "王芳",
        "status": "active",
        "address": "城东区人民路12号3栋",
        **fields,
    }
    return LocalWorkbookStore(path).append("clients", record, user="seed").record_id


MANAGER = User("王芳", "manager")


def start(user: User = MANAGER, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["sheetdesk_user"] = user
    at.session_state["sheetdesk_lang"] = lang
    at.run()
    ui.get_store().background = False  # saves are written before the page reruns
    return at


def goto(at: AppTest, page: str, **params: str) -> AppTest:
    at.switch_page(page)
    at.query_params.clear()
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def click(at: AppTest, label: str) -> AppTest:
    button(at, label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> str:
    """What a person reads: the elements' Markdown with its escapes resolved."""
    return rendered("\n".join(str(e.value) for e in elements))


def store_record(path: Path, tab: str, record_id: str) -> dict:
    record = LocalWorkbookStore(path).read(fresh=True).record(tab, record_id)
    assert record is not None, f"{tab} {record_id} not in the workbook"
    return record


def current_id(at: AppTest, param: str = "id") -> str:
    value = at.query_params.get(param)
    return value[0] if isinstance(value, list) else (value or "")


# --- client register ------------------------------------------------------------------------


def test_add_client_with_a_known_phone_warns_and_links(workbook):
    known = seed_client(workbook, name="张三", phone="13800138000")
    at = goto(start(), "pages/clients.py")
    at.session_state["clients_mode"] = "Register a client"
    at.run()
    at.text_input(key="client_add_0_name").input("李四")
    at.text_input(key="client_add_0_phone").input("+86 138-0013-8000")
    reopen_tab(at, "clients_mode", "Register a client")
    click(at, "Register client")
    assert "already belongs to 1 client" in texts(at.warning)
    links = [link for link in at.get("page_link") if known in link.proto.label]
    assert links, "the warning links to the client who has the phone"
    assert len(LocalWorkbookStore(workbook).read(fresh=True).clients) == 1  # nothing saved yet
    click(at, "Register anyway")
    new_id = current_id(at)
    assert new_id and new_id != known
    assert "李四" in texts(at.title)
    assert store_record(workbook, "clients", new_id)["phone"] == "+86 138-0013-8000"
    assert "registered as" in texts(at.success)


def test_add_client_shows_problems_next_to_the_fields_and_keeps_the_input(workbook):
    at = goto(start(), "pages/clients.py")
    at.session_state["clients_mode"] = "Register a client"
    at.run()
    at.text_input(key="client_add_0_name").input("王五")
    at.text_input(key="client_add_0_phone").input("13900001111")
    at.text_input(key="client_add_0_email").input("not-an-email")
    reopen_tab(at, "clients_mode", "Register a client")
    click(at, "Register client")
    assert "not an e-mail address" in texts(at.error)
    assert at.text_input(key="client_add_0_name").value == "王五"  # what was typed is kept
    assert LocalWorkbookStore(workbook).read(fresh=True).clients.empty


def test_client_search_and_page_with_timeline(workbook):
    cid = seed_client(workbook, name="Acme Trading", phone="021-5555 1234")
    seed_client(workbook, name="Other", phone="13100000000")
    at = goto(start(), "pages/clients.py")
    at.text_input(key="clients_q").input("acme").run()
    table = at.dataframe[0].value
    assert list(table["Client ID"]) == [cid]
    at.text_input(key="clients_q").input("55551234").run()  # phone digits, formatting ignored
    assert list(at.dataframe[0].value["Client ID"]) == [cid]
    goto(at, "pages/clients.py", id=cid)
    assert "Acme Trading" in texts(at.title)
    assert "No complaints or revisits yet" in texts(at.caption)


def test_staff_see_other_staff_clients_masked(workbook):
    mine = seed_client(workbook, name="我的客户", phone="13800001234", owner="李娜")
    other = seed_client(workbook, name="别人的客户", phone="13911115678", owner="王芳")
    at = goto(start(User("李娜", "staff")), "pages/clients.py")
    table = at.dataframe[0].value.set_index("Client ID")
    assert table.loc[mine, "Phone"] == "13800001234"
    assert table.loc[other, "Phone"] == "139****5678"
    goto(at, "pages/clients.py", id=other)
    page = texts(at.markdown)
    assert "139****5678" in page and "13911115678" not in page
    assert "Only the client's owner" in texts(at.caption)  # staff edit only their own clients


# --- the complaint lifecycle ----------------------------------------------------------------


def log_complaint(at: AppTest, client_id: str, text: str = "空调不制冷，三天没人来修") -> str:
    goto(at, "pages/complaints.py", client=client_id, new="1")
    at.selectbox(key="log_category_0").set_value("service_quality")
    at.text_area(key="log_desc_0").input(text)
    click(at, t("complaints.log.submit", at.session_state["sheetdesk_lang"]))
    complaint_id = current_id(at)
    assert complaint_id.startswith("TS-"), [e.value for e in at.error]
    return complaint_id


def action_widget(widgets, complaint_id: str, action: str, name: str):
    """The input `name` of an action's form (its key ends with the form's generation)."""
    key = f"action_{complaint_id}_{action}_"
    found = [w for w in widgets if w.key and w.key.startswith(key) and w.key.endswith(f"_{name}")]
    assert found, f"no input {name} for {action}"
    return found[0]


def act(at: AppTest, complaint_id: str, action: str, label: str, **inputs: str) -> AppTest:
    for name, value in inputs.items():
        action_widget([*at.text_area, *at.text_input], complaint_id, action, name).input(value)
    return click(at, label)


def test_complaint_flow_log_escalate_resolve_followups_closed(workbook):
    client = seed_client(workbook)
    seed_client(workbook, name="李娜的客户", phone="13700000000", owner="李娜")  # a colleague
    at = start()
    complaint_id = log_complaint(at, client)
    saved = store_record(workbook, "complaints", complaint_id)
    assert saved["first_receiver"] == "王芳" and saved["status"] == "received"
    assert saved["due_at"] is not None and saved["client_id"] == client
    assert "logged" in texts(at.success)

    act(at, complaint_id, "escalate", "Escalate", reason="客户要求部门负责人处理")
    assert store_record(workbook, "complaints", complaint_id)["level"] == "department"
    act(at, complaint_id, "assign", "Assign handler")  # no handler chosen: refused, says why
    assert "Choose the handler" in texts(at.error)
    action_widget(at.selectbox, complaint_id, "assign", "handler").set_value("李娜")
    click(at, "Assign handler")
    assert store_record(workbook, "complaints", complaint_id)["handler"] == "李娜"
    act(at, complaint_id, "resolve", "Resolve", resolution="已上门更换压缩机")
    resolved = store_record(workbook, "complaints", complaint_id)
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert "Close" not in [b.label for b in at.button]  # no follow-up yet: not offered
    assert "follow-up" in texts(at.caption).lower()

    # the follow-ups are a colleague's: not the first receiver's (王芳) nor the handler's
    fu = start(User("赵敏", "staff"))
    # first follow-up: the client does not answer
    goto(fu, "pages/revisits.py")
    assert complaint_id in list(fu.dataframe[0].value["Complaint ID"])
    goto(fu, "pages/revisits.py", complaint=complaint_id)
    assert "This will be attempt 1" in texts(fu.caption)
    fu.radio(key=f"revisit_{complaint_id}_0_reached").set_value("no")
    click(fu, "Record revisit")
    assert "attempt 1" in texts(fu.success)
    assert current_id(fu, "complaint") == ""  # back to the queue
    goto(fu, "pages/revisits.py")
    queue = fu.dataframe[0].value.set_index("Complaint ID")
    assert queue.loc[complaint_id, "Unreached attempts"] == 1

    # second follow-up: reached, solved, satisfied → the complaint is closed
    goto(fu, "pages/revisits.py", complaint=complaint_id)
    assert "This will be attempt 2" in texts(fu.caption)
    key = f"revisit_{complaint_id}_1"
    fu.radio(key=f"{key}_reached").set_value("yes")
    fu.radio(key=f"{key}_solved").set_value("yes")
    fu.radio(key=f"{key}_attitude").set_value("satisfied")
    fu.button_group(key=f"{key}_score").set_value(9)
    click(fu, "Record revisit")
    assert f"Complaint {complaint_id} is closed" in texts(fu.success)
    closed = store_record(workbook, "complaints", complaint_id)
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    revisits = LocalWorkbookStore(workbook).read(fresh=True).revisits
    assert sorted(revisits["attempt"].tolist()) == [1, 2]
    assert revisits.loc[revisits["reached"] == "yes", "score"].tolist() == [9]

    # the complaint's page and the client's timeline show it all
    goto(at, "pages/complaints.py", id=complaint_id)
    log = at.dataframe[0].value
    assert list(log["What"]) == [
        "Received",
        "Escalated → Department head",
        "Assigned → 李娜",
        "Resolved",
        "Closed",
    ]
    goto(at, "pages/clients.py", id=client)
    events = at.dataframe[0].value
    assert {
        "Complaint received",
        "Complaint resolved",
        "Complaint closed",
        "Follow-up revisit",
    } <= set(events["What"])


def test_follow_up_not_solved_reopens_and_escalates(workbook):
    client = seed_client(workbook)
    at = start(lang="zh")
    complaint_id = log_complaint(at, client)
    act(at, complaint_id, "resolve", "处理完毕", resolution="已处理")
    goto(at, "pages/revisits.py", complaint=complaint_id)
    key = f"revisit_{complaint_id}_0"
    at.radio(key=f"{key}_reached").set_value("yes")
    at.radio(key=f"{key}_solved").set_value("no")
    click(at, "登记回访")
    assert "已重新处理" in texts(at.warning) and "部门负责人" in texts(at.warning)
    reopened = store_record(workbook, "complaints", complaint_id)
    assert reopened["status"] == "in_progress" and reopened["level"] == "department"


def test_reached_follow_up_needs_the_solved_answer(workbook):
    client = seed_client(workbook)
    at = start()
    complaint_id = log_complaint(at, client)
    act(at, complaint_id, "resolve", "Resolve", resolution="done")
    goto(at, "pages/revisits.py", complaint=complaint_id)
    at.radio(key=f"revisit_{complaint_id}_0_reached").set_value("yes")
    click(at, "Record revisit")
    assert "must say whether the problem is solved" in texts(at.error)
    assert LocalWorkbookStore(workbook).read(fresh=True).revisits.empty


def test_staff_cannot_act_on_someone_elses_complaint(workbook):
    client = seed_client(workbook)
    at = start()
    complaint_id = log_complaint(at, client)
    other = start(User("赵敏", "staff"))
    goto(other, "pages/complaints.py", id=complaint_id)
    assert "belongs to its first receiver" in texts(other.info)
    assert "Escalate" not in [b.label for b in other.button]


def test_routine_queue_lists_clients_due_and_records_a_revisit(workbook):
    client = seed_client(workbook, grade="A", registered_on=dt.date.today() - dt.timedelta(40))
    at = goto(start(), "pages/revisits.py")
    at.session_state["revisits_mode"] = "Routine revisits due"
    at.run()
    due = at.dataframe[0].value
    # never contacted: a new client's first contact was due 7 days after registration
    assert list(due["Client ID"]) == [client] and due["Days late"].iloc[0] == 33
    goto(at, "pages/revisits.py", client=client)
    key = f"revisit_{client}_0"
    assert at.selectbox(key=f"{key}_kind").value == "key_client"
    at.radio(key=f"{key}_reached").set_value("yes")
    click(at, "Record revisit")
    at.session_state["revisits_mode"] = "Routine revisits due"
    at.run()
    assert "Nothing matches" in texts(at.caption)


# --- data health ----------------------------------------------------------------------------


def test_a_bad_hand_typed_row_is_listed_on_data_health(workbook):
    seed_client(workbook, name="好客户")
    wb = openpyxl.load_workbook(workbook)
    sheet = wb["Clients"]
    header = [c.value for c in sheet[1]]
    row = [None] * len(header)
    row[header.index("Client ID")] = "KH-HAND-1"
    row[header.index("Name")] = "手写客户"
    row[header.index("Phone")] = "call me"
    sheet.append(row)
    wb.save(workbook)
    at = goto(start(), "pages/health.py")
    problems = at.dataframe[0].value
    assert 3 in problems["Row"].tolist()
    message = problems.loc[problems["Row"] == 3, "What to do"].iloc[0]
    assert "call me" in message and "not a phone number" in message
    goto(at, "pages/clients.py")  # the register keeps working on the valid rows
    assert list(at.dataframe[0].value["Name"]) == ["好客户"]
    goto(at, "pages/clients.py", id="KH-HAND-1")
    assert "There is no valid client KH-HAND-1" in texts(at.warning)


# --- conflicts and failures -----------------------------------------------------------------


def open_edit_and_change_meanwhile(workbook: Path) -> tuple[AppTest, str]:
    cid = seed_client(workbook, notes="")
    at = goto(start(), "pages/clients.py", id=cid)  # the edit form is filled from this version
    other = LocalWorkbookStore(workbook)
    row = other.read(fresh=True).record("clients", cid)
    other.update(
        "clients",
        cid,
        {"notes": "李娜改过的备注"},
        seen=row,
        user="李娜",
    )
    at.text_area(key=f"client_edit_{cid}_0_notes").input("我的备注")
    click(at, "Save changes")
    return at, cid


def test_conflict_shows_both_versions_and_keeps_mine(workbook):
    at, cid = open_edit_and_change_meanwhile(workbook)
    dialogs = [d.proto.dialog.title for d in at.get("dialog")]
    assert dialogs == ["Changed in the spreadsheet meanwhile"]
    assert "was changed by 李娜" in texts(at.warning)
    (versions,) = [d.value for d in at.dataframe if "Your version" in d.value.columns]
    versions = versions.set_index("Field")
    assert versions.loc["Notes", "Your version"] == "我的备注"
    assert versions.loc["Notes", "In the spreadsheet now"] == "李娜改过的备注"
    assert store_record(workbook, "clients", cid)["notes"] == "李娜改过的备注"  # not overwritten
    click(at, "Keep my version")
    assert not at.get("dialog")
    assert store_record(workbook, "clients", cid)["notes"] == "我的备注"
    assert "Client " + cid + " saved" in texts(at.success)


def test_conflict_take_the_sheets_version(workbook):
    at, cid = open_edit_and_change_meanwhile(workbook)
    click(at, "Take the spreadsheet's version")
    assert store_record(workbook, "clients", cid)["notes"] == "李娜改过的备注"
    assert "your changes were not saved" in texts(at.info)
    assert at.text_area(key=f"client_edit_{cid}_1_notes").value == "李娜改过的备注"


def test_conflict_cancel_keeps_the_form_and_asks_again(workbook):
    at, cid = open_edit_and_change_meanwhile(workbook)
    click(at, "Cancel")
    assert at.text_area(key=f"client_edit_{cid}_0_notes").value == "我的备注"
    click(at, "Save changes")  # still based on the old version: asked again, not overwritten
    assert "was changed by 李娜" in texts(at.warning)
    assert store_record(workbook, "clients", cid)["notes"] == "李娜改过的备注"


def test_conflict_on_a_workflow_action_keeps_both_log_lines(workbook):
    client = seed_client(workbook)
    at = start()
    complaint_id = log_complaint(at, client)
    other = LocalWorkbookStore(workbook)
    row = other.read(fresh=True).record("complaints", complaint_id)
    note = ops.action_changes(
        "record_progress",
        row,
        {"note": "李娜已致电客户"},
        user=User("李娜", "manager"),
        when=ops.now(),
        settings=S,
        revisits=other.read().revisits,
        lang="en",
    )
    other.update("complaints", complaint_id, note, seen=row, user="李娜")
    act(at, complaint_id, "escalate", "Escalate", reason="客户情绪激动")
    assert "was changed by 李娜" in texts(at.warning)
    click(at, "Keep my version")
    saved = store_record(workbook, "complaints", complaint_id)
    assert saved["level"] == "department" and saved["status"] == "in_progress"
    assert "李娜已致电客户" in saved["progress_log"] and "客户情绪激动" in saved["progress_log"]


def test_a_save_the_workbook_cannot_take_is_kept_and_the_page_says_so(workbook):
    cid = seed_client(workbook)
    at = goto(start(), "pages/clients.py", id=cid)
    owner_file = workbook.parent / f"~${workbook.name}"  # Excel has the workbook open
    owner_file.write_text("x")
    at.text_area(key=f"client_edit_{cid}_0_notes").input("Excel 打开时保存")
    click(at, "Save changes")
    assert "not in the spreadsheet yet" in texts(at.warning)
    assert "Excel 打开时保存" in texts(at.markdown)  # shown everywhere meanwhile
    owner_file.unlink()
    ui.get_store().flush()
    assert store_record(workbook, "clients", cid)["notes"] == "Excel 打开时保存"


def test_pages_render_on_demo_data_in_both_languages(workbook):
    from utils.demo import load_demo

    load_demo(LocalWorkbookStore(workbook), clients=40, complaints=80, revisits=80)
    for lang in ("zh", "en"):
        at = start(lang=lang)
        for page in ("pages/clients.py", "pages/complaints.py", "pages/revisits.py"):
            goto(at, page)
            assert not at.error, texts(at.error)
            assert at.dataframe, page
        snap = ui.get_store().read()
        goto(at, "pages/complaints.py", id=snap.complaints["complaint_id"].iloc[0])
        goto(at, "pages/clients.py", id=snap.clients["client_id"].iloc[0])
        assert not at.error, texts(at.error)


# --- the functions behind the forms ---------------------------------------------------------


def test_changed_fields_compares_the_way_the_sheet_reads():
    basis = {
        "name": "张三",
        "notes": None,
        "registered_on": dt.datetime(2026, 1, 5),
        "grade": "B",
        "updated_at": dt.datetime(2026, 1, 5, 9),
    }
    edited = {
        "name": "张三 ",
        "notes": "",
        "registered_on": dt.date(2026, 1, 5),
        "grade": "A",
        "updated_at": None,
    }
    assert changed_fields("clients", basis, edited) == {"grade": "A"}


def test_conflict_table_lists_the_differences_and_who_changed():
    mine = {
        "notes": "我的",
        "grade": "A",
        "updated_by": "王芳",
        "updated_at": dt.datetime(2026, 1, 5, 9),
    }
    theirs = {
        "notes": "她的",
        "grade": "A",
        "updated_by": "李娜",
        "updated_at": dt.datetime(2026, 1, 5, 10),
    }
    table = conflict_table("clients", mine, theirs, "zh")
    assert list(table.columns) == ["字段", "您的版本", "表格中的当前版本"]
    assert table.iloc[0].tolist() == ["备注", "我的", "她的"]
    assert table.iloc[-1].tolist() == ["更新人", "王芳", "李娜"]
    assert "客户等级" not in table["字段"].tolist()


def test_format_value_and_field_messages():
    assert format_value("complaints", "severity", "serious", "zh") == "严重"
    assert (
        format_value("complaints", "due_at", dt.datetime(2026, 1, 5, 9, 30), "en")
        == "2026-01-05 09:30"
    )
    assert (
        format_value("clients", "registered_on", pd.Timestamp("2026-01-05"), "en") == "2026-01-05"
    )
    assert format_value("clients", "notes", None, "en") == ""
    _, problems = validate_record(
        "clients", {"client_id": "K", "name": "A", "phone": "abc", "email": "x"}
    )
    messages = field_messages(problems, "zh")
    assert set(messages) == {"phone", "email"}
    assert "abc" in messages["phone"][0] and "x" in messages["email"][0]


def test_add_client_fills_owner_status_and_date(fresh_store):
    saved = ops.add_client(
        fresh_store,
        {"name": "张三", "phone": "138", "owner": "", "status": "", "registered_on": None},
        user=MANAGER,
        today=dt.date(2026, 1, 5),
    )
    assert saved.record["owner"] == "王芳" and saved.record["status"] == "active"
    assert saved.record["registered_on"] == dt.date(2026, 1, 5)
    with pytest.raises(InvalidRecord) as err:
        ops.add_client(
            fresh_store, {"name": "", "phone": "138"}, user=MANAGER, today=dt.date(2026, 1, 5)
        )
    assert [p.column for p in err.value.problems] == ["name"]


def test_a_known_phone_is_refused_until_the_person_confirms(fresh_store):
    first = ops.add_client(
        fresh_store,
        {"name": "张三", "phone": "13800138000"},
        user=MANAGER,
        today=dt.date(2026, 1, 5),
    )
    with pytest.raises(DuplicatePhone) as err:
        ops.add_client(
            fresh_store,
            {"name": "李四", "phone": "+86 138-0013-8000"},
            user=MANAGER,
            today=dt.date(2026, 1, 5),
        )
    assert [m["client_id"] for m in err.value.matches] == [first.record_id]
    assert len(fresh_store.read().clients) == 1, "nothing saved"
    again = ops.add_client(
        fresh_store,
        {"name": "李四", "phone": "+86 138-0013-8000"},
        user=MANAGER,
        today=dt.date(2026, 1, 5),
        allow_duplicate_phone=True,
    )
    assert fresh_store.read().record("clients", again.record_id)["name"] == "李四"


def test_log_complaint_for_a_new_client_checks_everything_first(fresh_store):
    when = dt.datetime(2026, 11, 23, 10, 0)
    with pytest.raises(InvalidRecord) as err:
        ops.log_complaint(
            fresh_store,
            client_id="",
            channel="phone",
            category="billing",
            severity="normal",
            description="多收了物业费",
            user=MANAGER,
            when=when,
            settings=S,
            new_client={"name": "新客户", "phone": "电话"},
        )
    assert [p.column for p in err.value.problems] == ["phone"]
    assert fresh_store.read().clients.empty and fresh_store.read().complaints.empty
    with pytest.raises(WorkflowError):
        ops.log_complaint(
            fresh_store,
            client_id="",
            channel="",
            category="",
            severity="",
            description=" ",
            user=MANAGER,
            when=when,
            settings=S,
            new_client={"name": "新客户", "phone": "13800000000"},
        )
    assert fresh_store.read().clients.empty
    complaint, client = ops.log_complaint(
        fresh_store,
        client_id="",
        channel="phone",
        category="billing",
        severity="critical",
        description="多收了物业费",
        user=MANAGER,
        when=when,
        settings=S,
        new_client={"name": "新客户", "phone": "13800000000"},
    )
    assert client is not None and complaint.record["client_id"] == client.record_id
    assert client.record["owner"] == "王芳" and client.record["status"] == "active"
    assert complaint.record["due_at"] == dt.datetime(2026, 11, 24, 10, 0)  # critical: 1 day


def test_edit_record_saves_only_the_changes_and_reports_conflicts(fresh_store):
    cid = fresh_store.append("clients", {"name": "张三", "phone": "1380000"}, user="a").record_id
    basis = fresh_store.read().record("clients", cid)
    assert ops.edit_client(fresh_store, basis, dict(basis), user=MANAGER) is None
    other = dict(basis)
    fresh_store.update("clients", cid, {"notes": "他人", "grade": "C"}, seen=basis, user="李娜")
    with pytest.raises(ConflictError) as err:  # the same cell, changed meanwhile
        ops.edit_client(fresh_store, basis, {**other, "grade": "A"}, user=MANAGER)
    assert err.value.mine["grade"] == "A" and err.value.theirs["grade"] == "C"
    ops.edit_client(fresh_store, basis, {**other, "grade": "A"}, user=MANAGER, force=True)
    row = fresh_store.read().record("clients", cid)
    assert row["grade"] == "A" and row["notes"] == "他人"  # their other change survives
    # a change to a cell this edit does not write is no conflict: both land
    ops.edit_client(fresh_store, basis, {**other, "region": "城东"}, user=MANAGER)
    row = fresh_store.read().record("clients", cid)
    assert row["region"] == "城东" and row["notes"] == "他人" and row["grade"] == "A"


def test_record_revisit_fills_attempts_and_drops_answers_when_unreached(fresh_store):
    when = dt.datetime(2026, 11, 23, 10, 0)
    manager = User("王芳", "manager")
    complaint, _ = ops.log_complaint(
        fresh_store,
        client_id="KH-1",
        channel="phone",
        category="billing",
        severity="normal",
        description="x",
        user=MANAGER,
        when=when,
        settings=S,
    )
    row = fresh_store.read().record("complaints", complaint.record_id)
    ops.apply_action(
        fresh_store,
        "resolve",
        row,
        {"resolution": "退款"},
        user=manager,
        when=when,
        settings=S,
        revisits=fresh_store.read().revisits,
        lang="en",
    )
    effects = []
    for _ in range(3):
        out = ops.record_revisit(
            fresh_store,
            {
                "kind": "complaint_followup",
                "complaint_id": complaint.record_id,
                "reached": "no",
                "score": 9,
                "attitude": "satisfied",
            },
            user=User("李娜", "staff"),
            when=when,
            settings=S,
            lang="en",
        )
        assert out.revisit.record.get("score") is None
        effects.append((out.revisit.record["attempt"], out.effect))
    assert effects == [(1, ""), (2, ""), (3, "unreachable")]
    row = fresh_store.read().record("complaints", complaint.record_id)
    assert "unreachable" in row["progress_log"]
    assert ops.refusal(
        "close",
        row,
        user=User("李娜", "staff"),
        settings=S,
        revisits=fresh_store.read().revisits,
        lang="en",
    )
    assert (
        ops.refusal(
            "close", row, user=manager, settings=S, revisits=fresh_store.read().revisits, lang="en"
        )
        == ""
    )


def test_save_state_follows_the_pending_queue(fresh_store, workbook_path):
    owner = workbook_path.parent / f"~${workbook_path.name}"
    owner.write_text("x")
    result = fresh_store.append("clients", {"name": "A", "phone": "1"}, user="a")
    assert result.pending and result.error
    state, error = ops.save_state(fresh_store, "clients", result.record_id)
    assert state == "pending" and "open in a spreadsheet program" in error
    owner.unlink()
    fresh_store.flush()
    assert ops.save_state(fresh_store, "clients", result.record_id) == ("written", "")


def test_edit_complaint_details_moves_the_due_date_and_notes_it(fresh_store):
    when = dt.datetime(2026, 11, 20, 16, 0)  # a Friday
    manager = User("王芳", "manager")
    saved, _ = ops.log_complaint(
        fresh_store,
        client_id="KH-1",
        channel="phone",
        category="billing",
        severity="normal",
        description="x",
        user=MANAGER,
        when=when,
        settings=S,
    )
    basis = fresh_store.read().record("complaints", saved.record_id)
    assert basis["due_at"] == dt.datetime(2026, 11, 25, 16, 0)
    edited = {**basis, "severity": "critical", "verified": "yes", "description": "改不了"}
    with pytest.raises(WorkflowError):
        ops.edit_complaint(
            fresh_store, basis, edited, user=User("赵敏", "staff"), when=when, settings=S
        )
    result = ops.edit_complaint(
        fresh_store, basis, edited, user=manager, when=when, settings=S, lang="zh"
    )
    row = fresh_store.read().record("complaints", saved.record_id)
    assert row["severity"] == "critical" and row["verified"] == "yes"
    assert row["due_at"] == dt.datetime(2026, 11, 23, 16, 0)  # one working day, over the weekend
    assert row["description"] == "x"  # the complaint's words stay as logged
    # the log speaks the workbook's language (English here), not the person's
    assert row["progress_log"].splitlines()[-1].endswith("王芳 edit: Severity, Verified")
    assert result is not None
    assert (
        ops.edit_complaint(fresh_store, row, dict(row), user=manager, when=when, settings=S) is None
    )


def test_every_page_message_is_in_both_catalogues():
    import re

    from utils.i18n import en, zh

    root = Path(__file__).resolve().parent.parent
    sources = [root / "pages" / f"{name}.py" for name in ("clients", "complaints", "revisits")]
    sources += [root / "utils" / name for name in ("timeline.py", "forms.py")]
    sources += sorted((root / "utils").glob("ui*.py"))
    keys = set()
    for source in sources:
        found = re.findall(r"\btr?(?:_text)?\(\s*\"([a-z_]+\.[a-z_.]+)\"", source.read_text())
        keys |= {k for k in found if not k.endswith(("_", "."))}  # not a prefix + variable
    families = {
        "complaints.view.": ("open", "overdue", "mine", "all"),
        "revisits.effect.": ("closed", "reopened", "unreachable"),
        "timeline.event.": (
            "received",
            "resolved",
            "closed",
            "complaint_followup",
            "routine",
            "key_client",
        ),
        "log.action.": (
            "receive",
            "assign",
            "escalate",
            "progress",
            "resolve",
            "feedback",
            "close",
            "reopen",
            "unreachable",
            "edit",
        ),
    }
    keys |= {prefix + name for prefix, names in families.items() for name in names}
    assert len(keys) > 150
    assert not keys - set(en.MESSAGES), sorted(keys - set(en.MESSAGES))
    assert not keys - set(zh.MESSAGES), sorted(keys - set(zh.MESSAGES))


def _everything(at: AppTest) -> str:
    """All the text and table cells a page shows."""
    parts = [
        str(e.value)
        for kind in ("markdown", "caption", "title", "info", "warning")
        for e in getattr(at, kind)
    ]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(parts)


def test_a_staff_session_never_sees_another_staff_members_client_details(workbook):
    other = seed_client(
        workbook,
        name="别人的客户",
        phone="13911115678",
        email="secret.person@example.com",
        contact_person="李秘书",
        owner="王芳",
    )
    at = goto(start(User("李娜", "staff")), "pages/home.py")
    seen = _everything(at)  # Home: the latest rows
    for page, params in (
        ("pages/clients.py", {}),
        ("pages/clients.py", {"id": other}),
        ("pages/complaints.py", {}),
        ("pages/revisits.py", {}),
    ):
        goto(at, page, **params)
        seen += _everything(at)
    for secret in ("13911115678", "secret.person", "李秘书", "人民路12号"):
        assert secret not in seen, secret
    assert "139****5678" in rendered(seen)
    goto(at, "pages/clients.py")
    at.text_input(key="clients_q").input("139 1111 5678").run()
    assert list(at.dataframe[0].value["Client ID"]) == [other]  # found by the whole number
    at.text_input(key="clients_q").input("1111567").run()
    assert not at.dataframe, "fragments of a masked number find nothing"


def test_home_never_ships_a_whole_register(workbook):
    from utils.demo import load_demo

    load_demo(LocalWorkbookStore(workbook), clients=260, complaints=20, revisits=20)
    at = goto(start(), "pages/home.py")
    (table,) = at.dataframe  # only the tab in view is built
    assert len(table.value) == 200
    assert "200 most recently changed of 260" in texts(at.caption)


def test_a_records_page_shows_its_history_and_masks_others_contact_details(workbook):
    cid = seed_client(workbook, name="史记客户", phone="13911112222", owner="王芳")
    seen = LocalWorkbookStore(workbook).read().record("clients", cid)
    LocalWorkbookStore(workbook).update(
        "clients", cid, {"phone": "13933334444", "notes": "换号了"}, seen=seen, user="王芳"
    )
    at = goto(start(), "pages/clients.py", id=cid)  # a manager: everything
    shown = "\n".join(df.value.to_string() for df in at.dataframe)
    assert "13911112222" in shown and "13933334444" in shown and "换号了" in shown
    assert "typed directly into the spreadsheet are not" in texts(at.caption)
    staff = goto(start(User("李娜", "staff")), "pages/clients.py", id=cid)
    shown = "\n".join(df.value.to_string() for df in staff.dataframe)
    assert "换号了" in shown, "the history is there"
    assert "13911112222" not in shown and "13933334444" not in shown
    assert "139****2222" in shown and "139****4444" in shown


def test_a_bad_cell_is_fixed_from_data_health(workbook):
    wb = openpyxl.load_workbook(workbook)
    sheet = wb["Clients"]
    header = [c.value for c in sheet[1]]
    row = [None] * len(header)
    row[header.index("Client ID")] = "KH-HAND-2"
    row[header.index("Name")] = "手写客户"
    row[header.index("Phone")] = "call me"
    sheet.append(row)
    wb.save(workbook)
    at = goto(start(), "pages/health.py")
    at.selectbox(key="health_fix_pick").set_value(("clients", "KH-HAND-2")).run()
    assert "not a phone number" in texts(at.error)  # the bad cell, highlighted with its message
    phone = next(t for t in at.text_input if t.key and t.key.endswith("_phone"))
    phone.input("13800001111")
    submit_button(at).click()
    at.run()
    assert not at.exception, at.exception
    assert "KH-HAND-2 fixed" in texts(at.success)
    assert store_record(workbook, "clients", "KH-HAND-2")["phone"] == "13800001111"
