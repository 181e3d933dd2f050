"""Client search (name, phone digits, ID), duplicate phones, the complaint and revisit lists
with their filters, staff names — and the masking of other staff's clients' phone and address
(`utils.access`), which the client pages apply for staff."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.frames import frame
from utils.access import (
    contact_visible,
    mask_address,
    mask_contacts,
    mask_phone,
    mask_record,
    may_edit_client,
    may_see_contact,
)
from utils.search import (
    client_choices,
    complaint_list,
    find_by_phone,
    looks_like_phone,
    phone_key,
    phone_keys,
    queue_for_staff,
    revisit_list,
    search_clients,
    staff_names,
)
from utils.settings import Settings

S = Settings()
NOW = dt.datetime(2026, 11, 23, 10, 0)  # a Monday


@pytest.fixture
def clients() -> pd.DataFrame:
    return frame(
        "clients",
        [
            {
                "client_id": "KH-20260101-AAAA",
                "name": "张三",
                "phone": "138 0013 8000",
                "grade": "A",
                "owner": "王芳",
                "status": "active",
                "registered_on": dt.date(2026, 1, 1),
                "address": "城东区人民路12号3栋",
            },
            {
                "client_id": "KH-20260201-BBBB",
                "name": "Acme Trading Ltd",
                "phone": "+86 13800138000",
                "grade": "B",
                "owner": "李娜",
                "status": "dormant",
                "contact_person": "Mr Li",
                "registered_on": dt.date(2026, 2, 1),
                "address": "高新区",
            },
            {
                "client_id": "KH-20260301-CCCC",
                "name": "王小明",
                "phone": "(021) 5555-1234",
                "grade": "C",
                "owner": "",
                "status": "active",
                "registered_on": dt.date(2026, 3, 1),
            },
        ],
    )


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "0086 13800138000",
        "86-13800138000",
    ],
)
def test_phone_key_ignores_formatting_and_the_china_code(typed):
    assert phone_key(typed) == "13800138000"


def test_phone_key_keeps_other_numbers_whole():
    assert phone_key("(021) 5555-1234") == "02155551234"
    assert phone_key("+44 20 7946 0958") == "442079460958"
    assert phone_key("") == "" and phone_key(None) == ""
    keys = phone_keys(pd.Series(["+86 138 0013 8000", "021-5555 1234", "", None]))
    assert keys.tolist() == ["13800138000", "02155551234", "", ""]


def test_find_by_phone_finds_the_same_number_typed_differently(clients):
    hits = find_by_phone(clients, "13800138000")
    assert hits["client_id"].tolist() == ["KH-20260101-AAAA", "KH-20260201-BBBB"]
    assert find_by_phone(clients, "13800138000", exclude_id="KH-20260101-AAAA")[
        "client_id"
    ].tolist() == ["KH-20260201-BBBB"]
    assert find_by_phone(clients, "021 5555 1234")["name"].tolist() == ["王小明"]
    assert find_by_phone(clients, "13900000000").empty
    assert find_by_phone(clients, "no digits").empty


def test_looks_like_phone():
    assert looks_like_phone("138 0013") and looks_like_phone("+86-138")
    assert not looks_like_phone("KH-2026") and not looks_like_phone("12")


# --- the client search ----------------------------------------------------------------------


def test_search_by_part_of_the_name_ignoring_case(clients):
    assert search_clients(clients, "acme")["name"].tolist() == ["Acme Trading Ltd"]
    assert search_clients(clients, "  TRADING ")["name"].tolist() == ["Acme Trading Ltd"]
    assert search_clients(clients, "小明")["name"].tolist() == ["王小明"]
    assert search_clients(clients, "mr li")["name"].tolist() == ["Acme Trading Ltd"]


def test_search_by_phone_digits_only(clients):
    assert search_clients(clients, "5555-1234")["name"].tolist() == ["王小明"]
    assert search_clients(clients, "00138")["client_id"].tolist() == [
        "KH-20260201-BBBB",
        "KH-20260101-AAAA",
    ]  # newest registration first
    assert search_clients(clients, "+86 138 0013 8000")["client_id"].tolist() == [
        "KH-20260201-BBBB",
        "KH-20260101-AAAA",
    ]


def test_search_by_part_of_the_id(clients):
    assert search_clients(clients, "bbbb")["name"].tolist() == ["Acme Trading Ltd"]
    assert search_clients(clients, "kh-2026030")["name"].tolist() == ["王小明"]
    assert len(search_clients(clients, "")) == 3
    assert search_clients(clients, "nobody").empty


def test_search_filters(clients):
    assert search_clients(clients, grades=["A", "C"])["name"].tolist() == ["王小明", "张三"]
    assert search_clients(clients, statuses=["dormant"])["name"].tolist() == ["Acme Trading Ltd"]
    assert search_clients(clients, owners=[""])["name"].tolist() == ["王小明"]  # no owner
    assert search_clients(clients, "138", owners=["王芳"])["name"].tolist() == ["张三"]


def test_client_choices_for_the_picker(clients):
    assert client_choices(clients, "acme") == {
        "KH-20260201-BBBB": "Acme Trading Ltd · KH-20260201-BBBB"
    }
    assert len(client_choices(clients, "KH", limit=2)) == 2


def test_search_is_vectorised_on_a_large_register():
    big = pd.concat(
        [
            frame(
                "clients",
                [
                    {"client_id": f"KH-{n:06d}", "name": f"客户{n}", "phone": f"1380000{n:04d}"}
                    for n in range(2000)
                ],
            )
        ]
        * 10,
        ignore_index=True,
    )
    assert len(search_clients(big, "13800001999")) == 10
    assert len(find_by_phone(big, "+86 138 0000 1999")) == 10


# --- masking (who may see what) -------------------------------------------------------------


def test_mask_phone_and_address():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "861****5678"
    assert mask_phone("12345") == "****45"
    assert mask_phone("") == "" and mask_phone(None) == ""
    assert mask_address("城东区人民路12号3栋") == "城东区****"
    assert mask_address("北京市朝阳区建国路8号") == "北京市****"
    assert mask_address("12 Baker Street") == "12 ****"
    assert mask_address("高新区") == "高新区****"
    assert mask_address("") == ""


def test_who_sees_contacts_and_who_edits():
    assert may_see_contact("王芳", "王芳", "staff")
    assert may_see_contact(" 王芳 ", "王芳", "staff")
    assert not may_see_contact("李娜", "王芳", "staff")
    assert not may_see_contact("", "王芳", "staff")
    assert may_see_contact("李娜", "周主任", "manager") and may_see_contact("", "x", "admin")
    assert may_edit_client({"owner": "王芳"}, "王芳", "staff")
    assert not may_edit_client({"owner": "李娜"}, "王芳", "staff")
    assert not may_edit_client({"owner": ""}, "王芳", "staff")
    assert may_edit_client({"owner": "李娜"}, "周主任", "manager")


def test_mask_contacts_masks_only_other_staffs_clients(clients):
    shown = mask_contacts(clients, "王芳", "staff")
    assert shown["phone"].tolist() == ["138 0013 8000", "861****8000", "021****1234"]
    assert shown["address"].tolist() == ["城东区人民路12号3栋", "高新区****", ""]
    assert clients["phone"].iloc[1] == "+86 13800138000"  # the data itself is untouched
    assert mask_contacts(clients, "周主任", "manager") is clients
    assert contact_visible(clients, "", "staff").tolist() == [False, False, False]


def test_mask_record():
    client = {"owner": "李娜", "phone": "13912345678", "address": "滨江区长江路8号"}
    assert mask_record(client, "王芳", "staff") == {
        "owner": "李娜",
        "phone": "139****5678",
        "address": "滨江区****",
        "email": "",
        "contact_person": "",
    }
    assert mask_record(client, "李娜", "staff") is client
    assert mask_record(client, "王芳", "manager") is client


# --- complaint and revisit lists ------------------------------------------------------------


@pytest.fixture
def complaints() -> pd.DataFrame:
    base = {"client_id": "KH-1", "description": "x", "category": "billing", "severity": "normal"}
    return frame(
        "complaints",
        [
            {
                **base,
                "complaint_id": "TS-1",
                "received_at": dt.datetime(2026, 11, 16, 9),
                "due_at": dt.datetime(2026, 11, 19, 9),
                "status": "in_progress",
                "first_receiver": "王芳",
                "handler": "李娜",
            },  # overdue
            {
                **base,
                "complaint_id": "TS-2",
                "received_at": dt.datetime(2026, 11, 20, 9),
                "due_at": dt.datetime(2026, 11, 25, 9),
                "status": "received",
                "first_receiver": "李娜",
                "category": "attitude",
                "severity": "serious",
                "description": "前台态度差",
            },
            {
                **base,
                "complaint_id": "TS-3",
                "received_at": dt.datetime(2026, 11, 2, 9),
                "due_at": dt.datetime(2026, 11, 5, 9),
                "status": "resolved",
                "first_receiver": "赵敏",
                "handler": "王芳",
                "resolution": "ok",
                "resolved_at": dt.datetime(2026, 11, 4),
            },
            {
                **base,
                "complaint_id": "TS-4",
                "received_at": dt.datetime(2026, 10, 1, 9),
                "status": "",
                "first_receiver": "赵敏",
                "client_id": "KH-2",
            },  # blank: received
        ],
    )


def ids(found: pd.DataFrame) -> list[str]:
    return found["complaint_id"].tolist()


def test_complaint_views(complaints):
    common = {"now": NOW, "settings": S, "actor": "王芳"}
    assert ids(complaint_list(complaints, view="open", **common)) == ["TS-1", "TS-2", "TS-4"]
    assert set(ids(complaint_list(complaints, view="overdue", **common))) == {"TS-1", "TS-4"}
    assert ids(complaint_list(complaints, view="mine", **common)) == ["TS-1", "TS-3"]
    assert ids(complaint_list(complaints, view="all", **common)) == [
        "TS-2",
        "TS-1",
        "TS-3",
        "TS-4",
    ]  # latest received first
    found = complaint_list(complaints, view="all", **common)
    assert found.set_index("complaint_id")["overdue"].to_dict() == {
        "TS-1": True,
        "TS-2": False,
        "TS-3": False,
        "TS-4": True,
    }


def test_open_views_put_the_earliest_due_first(complaints):
    found = complaint_list(complaints, view="open", now=NOW, settings=S)
    assert ids(found)[:2] == ["TS-1", "TS-2"] and "TS-3" not in ids(found)


def test_complaint_filters(complaints):
    common = {"view": "all", "now": NOW, "settings": S}
    assert ids(complaint_list(complaints, statuses=["received"], **common)) == ["TS-2", "TS-4"]
    assert ids(complaint_list(complaints, categories=["attitude"], **common)) == ["TS-2"]
    assert ids(complaint_list(complaints, severities=["normal"], **common)) == [
        "TS-1",
        "TS-3",
        "TS-4",
    ]  # blank severity counts as normal
    assert ids(complaint_list(complaints, handlers=[""], **common)) == ["TS-2", "TS-4"]
    assert ids(complaint_list(complaints, handlers=["李娜"], **common)) == ["TS-1"]
    assert ids(complaint_list(complaints, client_id="KH-2", **common)) == ["TS-4"]
    assert ids(
        complaint_list(complaints, start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 16), **common)
    ) == ["TS-1", "TS-3"]  # whole days, both ends
    assert ids(complaint_list(complaints, start=dt.date(2026, 11, 17), **common)) == ["TS-2"]
    assert ids(complaint_list(complaints, text="态度", **common)) == ["TS-2"]
    assert ids(complaint_list(complaints, text="ts-3", **common)) == ["TS-3"]


def test_nobody_has_no_complaints_of_their_own(complaints):
    assert complaint_list(complaints, view="mine", actor="", now=NOW, settings=S).empty


def test_revisit_list_and_queue_filter():
    revisits = frame(
        "revisits",
        [
            {
                "revisit_id": "HF-1",
                "client_id": "KH-1",
                "kind": "routine",
                "staff": "王芳",
                "done_at": dt.datetime(2026, 11, 1, 10),
                "reached": "yes",
            },
            {
                "revisit_id": "HF-2",
                "client_id": "KH-1",
                "kind": "complaint_followup",
                "complaint_id": "TS-1",
                "staff": "李娜",
                "done_at": dt.datetime(2026, 11, 5, 10),
                "reached": "no",
            },
        ],
    )
    assert revisit_list(revisits)["revisit_id"].tolist() == ["HF-2", "HF-1"]
    assert revisit_list(revisits, view="mine", actor="王芳")["revisit_id"].tolist() == ["HF-1"]
    assert revisit_list(revisits, kinds=["complaint_followup"])["revisit_id"].tolist() == ["HF-2"]
    assert revisit_list(
        revisits, staff=["李娜"], start=dt.date(2026, 11, 5), end=dt.date(2026, 11, 5)
    )["revisit_id"].tolist() == ["HF-2"]
    queue = pd.DataFrame({"handler": ["王芳", "", "李娜"], "first_receiver": ["", "王芳", "赵敏"]})
    assert queue_for_staff(queue, ("handler", "first_receiver"), ["王芳"]).index.tolist() == [0, 1]
    assert queue_for_staff(queue, ("handler",), []) is queue


def test_staff_names(clients, complaints):
    names = staff_names({"clients": clients, "complaints": complaints}, extra=["周主任", ""])
    assert names == sorted(["王芳", "李娜", "赵敏", "周主任"])
