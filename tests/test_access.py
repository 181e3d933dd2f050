"""Confidentiality (seeds: client information is secret): a staff session is handed the
register with other staff's clients' contact details masked; search by a whole number still
finds them, fragments never do."""

from __future__ import annotations

import pandas as pd

from tests.frames import frame
from utils.access import mask_email, mask_name, mask_record, staff_view
from utils.search import search_clients

CLIENTS = frame(
    "clients",
    [
        {
            "client_id": "KH-1",
            "name": "我的客户",
            "phone": "13800001234",
            "email": "mine@example.com",
            "address": "城东区人民路1号",
            "contact_person": "张三",
            "owner": "李娜",
        },
        {
            "client_id": "KH-2",
            "name": "别人的客户",
            "phone": "+86 139-1111-5678",
            "email": "zhang.san@example.com",
            "address": "城西区解放路9号",
            "contact_person": "Ann Lee",
            "owner": "王芳",
        },
    ],
)


def test_staff_are_handed_masked_contact_details_of_other_peoples_clients() -> None:
    frames = {"clients": CLIENTS, "complaints": pd.DataFrame(), "revisits": pd.DataFrame()}
    view = staff_view(frames, "李娜", "staff")["clients"].set_index("client_id")
    assert view.loc["KH-1", "phone"] == "13800001234" and view.loc["KH-1", "email"] == (
        "mine@example.com"
    )
    other = view.loc["KH-2"]
    assert (other["phone"], other["email"], other["address"], other["contact_person"]) == (
        "861****5678",
        "z***@example.com",
        "城西区****",
        "A***",
    )
    flat = view.drop(columns=["_phone_key"]).to_string()
    assert "13911115678" not in flat and "zhang.san" not in flat and "解放路" not in flat
    assert staff_view(frames, "周主任", "manager") is frames


def test_a_whole_number_finds_a_masked_client_but_fragments_do_not() -> None:
    view = staff_view({"clients": CLIENTS}, "李娜", "staff")["clients"]
    assert search_clients(view, "139 1111 5678")["client_id"].tolist() == ["KH-2"]
    assert search_clients(view, "+86 13911115678")["client_id"].tolist() == ["KH-2"]
    for fragment in ("1391111567", "5678", "139111", "11115678"):
        assert search_clients(view, fragment).empty, fragment
    assert search_clients(view, "0000123")["client_id"].tolist() == ["KH-1"]  # own: fragments ok


def test_single_record_masks() -> None:
    record = CLIENTS.iloc[1].to_dict()
    masked = mask_record(record, "李娜", "staff")
    assert masked["phone"] == "861****5678" and masked["contact_person"] == "A***"
    assert mask_record(record, "王芳", "staff") == record
    assert mask_email("") == "" and mask_name("张三") == "张*"
