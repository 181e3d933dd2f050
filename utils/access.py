"""Who may see and change what in the client register (SPEC "Who may do what"; the seeds:
client information is confidential).

Staff see a client's contact details — phone, e-mail, address, contact person — only when they
own the client (客服负责人); for everyone else's clients they are masked (`138****5678`,
`z***@example.com`, `城东区****`, `张*`), in every path: `staff_view` masks the frames a staff
session is handed, so tables, record pages, search results and anything built from them never
hold the full values. A masked row keeps the full number's digits in the hidden column
`_phone_key`, so a search by a client's whole phone number still finds them (never by a
fragment: that would let someone recover a number digit by digit). Managers and admins see
everything. Staff edit the clients they own; managers and admins edit any client. Complaint
permissions are in `utils.workflow`.

Pure functions over whole frames (no per-row Python).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from utils.workflow import clean_text, is_manager

MASK = "****"
_NON_DIGIT = re.compile(r"\D")
_DISTRICT = re.compile(r"^(.{0,8}?[区县市])")


def same_person(a: object, b: object) -> bool:
    """Names compared the way people type them: case and surrounding spaces ignored."""
    a, b = clean_text(a).casefold(), clean_text(b).casefold()
    return bool(a) and a == b


def mask_phone(phone: object) -> str:
    """`13800138000` → `138****8000`; `+86 138-0013-8000` → `861****8000`; short numbers keep
    their last two digits (`****34`); blank stays blank."""
    digits = _NON_DIGIT.sub("", clean_text(phone))
    if not digits:
        return ""
    if len(digits) >= 8:
        return digits[:3] + MASK + digits[-4:]
    return MASK + digits[-2:]


def mask_address(address: object) -> str:
    """The district and `****`: `城东区人民路12号3栋` → `城东区****`, `北京市朝阳区建国路8号` →
    `北京市****`; without a 区/县/市 near the start, the first three characters
    (`12 Baker Street` → `12 ****`); blank stays blank."""
    text = clean_text(address)
    if not text:
        return ""
    m = _DISTRICT.match(text)
    return (m.group(1) if m else text[:3]) + MASK


def mask_email(email: object) -> str:
    """`zhang.san@example.com` → `z***@example.com`; blank stays blank."""
    text = clean_text(email)
    if not text:
        return ""
    local, at, domain = text.partition("@")
    return (local[:1] + "***" + at + domain) if at else local[:1] + "***"


def mask_name(name: object) -> str:
    """A contact person: the first character and `*` (`张三` → `张*`, `Ann Lee` → `A***`)."""
    text = clean_text(name)
    if not text:
        return ""
    return text[0] + ("*" if "\u4e00" <= text[0] <= "\u9fff" else "***")


def may_see_contact(owner: object, actor: str, role: str) -> bool:
    """Full phone and address: managers and admins always, staff for their own clients."""
    return is_manager(role) or same_person(owner, actor)


def may_edit_client(client: dict, actor: str, role: str) -> bool:
    """Managers and admins edit any client; staff the clients they own (a client nobody owns
    is given an owner by a manager)."""
    return is_manager(role) or same_person(client.get("owner"), actor)


def contact_visible(clients: pd.DataFrame, actor: str, role: str) -> pd.Series:
    """`may_see_contact` for every row of a client frame (True = show in full)."""
    if is_manager(role):
        return pd.Series(True, index=clients.index)
    owner = clients["owner"].fillna("").astype(str).str.strip().str.casefold()
    me = clean_text(actor).casefold()
    return (owner == me) & (me != "")


def _mask_phones(phone: pd.Series) -> pd.Series:
    digits = phone.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    n = digits.str.len()
    long = digits.str[:3] + MASK + digits.str[-4:]
    short = MASK + digits.str[-2:]
    return pd.Series(np.where(n >= 8, long, np.where(n > 0, short, "")), index=phone.index)


def _mask_addresses(address: pd.Series) -> pd.Series:
    text = address.fillna("").astype(str).str.strip()
    heads = text.str.extract(_DISTRICT.pattern, expand=False).fillna(text.str[:3])
    return pd.Series(np.where(text != "", heads + MASK, ""), index=address.index)


def _mask_emails(email: pd.Series) -> pd.Series:
    text = email.fillna("").astype(str).str.strip()
    local, domain = text.str.partition("@")[0], text.str.partition("@")[2]
    masked = local.str[:1] + "***" + np.where(domain != "", "@" + domain, "")
    return pd.Series(np.where(text != "", masked, ""), index=email.index)


def _mask_names(name: pd.Series) -> pd.Series:
    text = name.fillna("").astype(str).str.strip()
    first = text.str[:1]
    han = first.str.contains("[\u4e00-\u9fff]", regex=True)
    return pd.Series(np.where(text != "", first + np.where(han, "*", "***"), ""), index=name.index)


_MASKERS = {
    "phone": _mask_phones,
    "email": _mask_emails,
    "address": _mask_addresses,
    "contact_person": _mask_names,
}


def mask_contacts(clients: pd.DataFrame, actor: str, role: str) -> pd.DataFrame:
    """A copy of the client frame (or any part of it with `owner` and contact columns) with the
    contact details masked on the rows `actor` may not see in full; those rows keep their full
    phone's digits in `_phone_key` (for a search by the whole number)."""
    visible = contact_visible(clients, actor, role)
    if bool(visible.all()) or "_phone_key" in clients.columns:  # or masked already
        return clients
    out = clients.copy()
    hidden = ~visible
    if "phone" in out.columns:
        digits = out["phone"].fillna("").astype(str).str.replace(r"\D", "", regex=True)
        out["_phone_key"] = digits.where(hidden, "")
    for column, mask in _MASKERS.items():
        if column in out.columns:
            out[column] = out[column].astype(object)
            out.loc[hidden, column] = mask(out.loc[hidden, column])
    return out


def mask_record(client: dict, actor: str, role: str) -> dict:
    """One client record with its contact details masked unless `actor` may see them."""
    if may_see_contact(client.get("owner"), actor, role) or MASK in str(client.get("phone", "")):
        return client
    return {
        **client,
        "phone": mask_phone(client.get("phone")),
        "email": mask_email(client.get("email")),
        "address": mask_address(client.get("address")),
        "contact_person": mask_name(client.get("contact_person")),
    }


def staff_view(frames: dict[str, pd.DataFrame], actor: str, role: str) -> dict[str, pd.DataFrame]:
    """The frames a session is handed: for staff, the client register with other staff's
    clients' contact details masked (`mask_contacts`); for managers and admins, as they are.
    Complaints and revisits hold no contact details."""
    if is_manager(role):
        return frames
    return {**frames, "clients": mask_contacts(frames["clients"], actor, role)}


CONTACT_FIELDS = ("phone", "email", "address", "contact_person")
_ONE = {
    "phone": mask_phone,
    "email": mask_email,
    "address": mask_address,
    "contact_person": mask_name,
}


def mask_changes(changes: pd.DataFrame, record_id: str) -> pd.DataFrame:
    """The change history with the old and new contact details of client `record_id` masked,
    for someone who may not see that client's contact details in full."""
    if changes is None or changes.empty:
        return changes
    hit = (changes["tab"] == "clients") & (changes["record_id"] == record_id)
    hit &= changes["field"].isin(CONTACT_FIELDS)
    if not bool(hit.any()):
        return changes
    out = changes.copy()
    for n in out.index[hit]:
        mask = _ONE[str(out.at[n, "field"])]
        out.at[n, "old"] = mask(out.at[n, "old"])
        out.at[n, "new"] = mask(out.at[n, "new"])
    return out
