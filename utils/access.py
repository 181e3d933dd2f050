"""Who may see and change what in the client register (SPEC "Who may do what").

Staff see a client's full phone number and address only when they own the client (客服负责人);
for everyone else's clients both are masked (`138****5678`). Managers and admins see everything.
Staff edit the clients they own; managers and admins edit any client. Complaint permissions
are in `utils.workflow`.

Pure functions; `mask_contacts` works on a whole register at once (no per-row Python).
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


def mask_contacts(clients: pd.DataFrame, actor: str, role: str) -> pd.DataFrame:
    """A copy of the client frame (or any part of it with `owner`, `phone`, `address`) with the
    phone and address masked on the rows `actor` may not see in full. Meant for the rows about
    to be shown (a few hundred), not for searching."""
    visible = contact_visible(clients, actor, role)
    if bool(visible.all()):
        return clients
    out = clients.copy()
    hidden = ~visible
    if "phone" in out.columns:
        out.loc[hidden, "phone"] = _mask_phones(out.loc[hidden, "phone"])
    if "address" in out.columns:
        out.loc[hidden, "address"] = _mask_addresses(out.loc[hidden, "address"])
    return out


def mask_record(client: dict, actor: str, role: str) -> dict:
    """One client record with phone and address masked unless `actor` may see them."""
    if may_see_contact(client.get("owner"), actor, role):
        return client
    return {
        **client,
        "phone": mask_phone(client.get("phone")),
        "address": mask_address(client.get("address")),
    }
