"""Finding records: the client search (name, phone digits, ID), duplicate phones, the complaint
and revisit lists with their filters, and the list of staff names.

Pure pandas over the store's frames ("" for blank text, NaT for blank dates), vectorised: a
search over 20,000 clients or a filter over 50,000 complaints is a few column operations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from utils.settings import Settings
from utils.workflow import clean_text, open_mask, overdue_mask, status_values

_PHONE_CHARS = re.compile(r"^[0-9+\-() 　]+$")
_NON_DIGIT = re.compile(r"\D")
COMPLAINT_VIEWS = ("open", "overdue", "mine", "all")
REVISIT_VIEWS = ("all", "mine")


def _text(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip()


def _folded(column: pd.Series) -> pd.Series:
    return _text(column).str.casefold()


# --- phones ---------------------------------------------------------------------------------


def phone_key(phone: object) -> str:
    """The digits of a phone number, without a leading China code on a mobile number:
    `+86 138-0013-8000`, `0086 13800138000` and `138 0013 8000` all give `13800138000`."""
    digits = _NON_DIGIT.sub("", clean_text(phone))
    for prefix in ("0086", "86"):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


def phone_keys(phones: pd.Series) -> pd.Series:
    """`phone_key` over a whole column."""
    digits = _text(phones).str.replace(r"\D", "", regex=True)
    return digits.str.replace(r"^(?:0086|86)(1\d{10})$", r"\1", regex=True)


def find_by_phone(clients: pd.DataFrame, phone: object, exclude_id: str = "") -> pd.DataFrame:
    """The clients whose phone is the same number as `phone` (formatting and a +86 prefix
    ignored), except `exclude_id`. Empty when `phone` has no digits."""
    key = phone_key(phone)
    if not key:
        return clients.iloc[0:0]
    hits = clients.loc[phone_keys(clients["phone"]) == key]
    if exclude_id:
        hits = hits.loc[_text(hits["client_id"]) != clean_text(exclude_id)]
    return hits


def looks_like_phone(text: str) -> bool:
    """Digits, spaces, +, - and brackets only, with at least three digits."""
    text = text.strip()
    return bool(_PHONE_CHARS.match(text)) and len(_NON_DIGIT.sub("", text)) >= 3


# --- clients --------------------------------------------------------------------------------


def search_clients(
    clients: pd.DataFrame,
    text: str = "",
    *,
    grades: Sequence[str] = (),
    statuses: Sequence[str] = (),
    owners: Sequence[str] = (),
) -> pd.DataFrame:
    """Clients matching `text` — part of the name, the contact person or the client ID (case
    ignored), or, when `text` looks like a phone number, part of the phone's digits — and the
    filters (each empty filter lets everything through; "" in `owners` means no owner).
    Newest registration first."""
    mask = pd.Series(True, index=clients.index)
    needle = clean_text(text).casefold()
    if needle:
        hit = (
            _folded(clients["name"]).str.contains(needle, regex=False)
            | _folded(clients["client_id"]).str.contains(needle, regex=False)
            | _folded(clients["contact_person"]).str.contains(needle, regex=False)
        )
        if looks_like_phone(needle):
            digits = phone_key(needle)
            shown = _text(clients["phone"]).str.replace(r"\D", "", regex=True)
            if "_phone_key" in clients.columns:  # a staff view: masked rows match whole numbers
                masked = _text(clients["_phone_key"]) != ""
                whole = phone_keys(clients["_phone_key"]) == digits
                hit |= (~masked & shown.str.contains(digits, regex=False)) | (masked & whole)
            else:
                hit |= shown.str.contains(digits, regex=False)
        mask &= hit
    if grades:
        mask &= _text(clients["grade"]).isin(list(grades))
    if statuses:
        mask &= _text(clients["status"]).isin(list(statuses))
    if owners:
        mask &= _text(clients["owner"]).isin(list(owners))
    found = clients.loc[mask]
    return found.sort_values("registered_on", ascending=False, kind="stable", na_position="last")


def client_choices(clients: pd.DataFrame, text: str, limit: int = 50) -> dict[str, str]:
    """{client_id: "name · client_id"} for a client picker: the first `limit` search hits."""
    hits = search_clients(clients, text).head(limit)
    ids = _text(hits["client_id"])
    labels = _text(hits["name"]) + " · " + ids
    return dict(zip(ids, labels, strict=True))


# --- complaints -----------------------------------------------------------------------------


def _mine(frame: pd.DataFrame, actor: str, columns: Iterable[str]) -> pd.Series:
    me = clean_text(actor).casefold()
    mask = pd.Series(False, index=frame.index)
    if not me:
        return mask
    for column in columns:
        mask |= _folded(frame[column]) == me
    return mask


def _in_period(moments: pd.Series, start: dt.date | None, end: dt.date | None) -> pd.Series:
    moments = pd.to_datetime(moments)
    mask = pd.Series(True, index=moments.index)
    if start is not None:
        mask &= moments >= pd.Timestamp(start)
    if end is not None:
        mask &= moments < pd.Timestamp(end) + pd.Timedelta(days=1)
    return mask


def complaint_list(
    complaints: pd.DataFrame,
    *,
    view: str = "open",
    actor: str = "",
    now: dt.datetime,
    settings: Settings,
    statuses: Sequence[str] = (),
    categories: Sequence[str] = (),
    severities: Sequence[str] = (),
    handlers: Sequence[str] = (),
    client_id: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    text: str = "",
) -> pd.DataFrame:
    """The complaints of a list view with its filters, and an `overdue` column.

    Views: `open` (received or in progress; blank status counts as received), `overdue` (open
    and past due_at), `mine` (`actor` is the first receiver or the handler), `all`. Filters:
    status, category, severity, handler ("" = unassigned), client, received in [start, end]
    (whole days), and `text` in the ID, client ID or description. Open views put the
    earliest due first; `all` and `mine` the latest received first."""
    overdue = overdue_mask(complaints, now, settings)
    status = status_values(complaints["status"])
    if view == "open":
        mask = open_mask(status)
    elif view == "overdue":
        mask = overdue.copy()
    elif view == "mine":
        mask = _mine(complaints, actor, ("first_receiver", "handler"))
    else:
        mask = pd.Series(True, index=complaints.index)
    if statuses:
        mask &= status.isin(list(statuses))
    if categories:
        mask &= _text(complaints["category"]).isin(list(categories))
    if severities:
        mask &= _text(complaints["severity"]).replace("", "normal").isin(list(severities))
    if handlers:
        mask &= _text(complaints["handler"]).isin(list(handlers))
    if client_id:
        mask &= _text(complaints["client_id"]) == clean_text(client_id)
    if start is not None or end is not None:
        mask &= _in_period(complaints["received_at"], start, end)
    needle = clean_text(text).casefold()
    if needle:
        mask &= (
            _folded(complaints["complaint_id"]).str.contains(needle, regex=False)
            | _folded(complaints["client_id"]).str.contains(needle, regex=False)
            | _folded(complaints["description"]).str.contains(needle, regex=False)
        )
    out = complaints.loc[mask].assign(overdue=overdue.loc[mask])
    if view in ("open", "overdue"):
        return out.sort_values("due_at", kind="stable", na_position="last")
    return out.sort_values("received_at", ascending=False, kind="stable", na_position="last")


def revisit_list(
    revisits: pd.DataFrame,
    *,
    view: str = "all",
    actor: str = "",
    staff: Sequence[str] = (),
    kinds: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Recorded revisits, latest first: all or `actor`'s own, by staff, kind and period."""
    mask = (
        _mine(revisits, actor, ("staff",))
        if view == "mine"
        else pd.Series(True, index=revisits.index)
    )
    if staff:
        mask &= _text(revisits["staff"]).isin(list(staff))
    if kinds:
        mask &= _text(revisits["kind"]).isin(list(kinds))
    if start is not None or end is not None:
        mask &= _in_period(revisits["done_at"], start, end)
    out = revisits.loc[mask]
    return out.sort_values("done_at", ascending=False, kind="stable", na_position="last")


def queue_for_staff(
    queue: pd.DataFrame, columns: Sequence[str], staff: Sequence[str]
) -> pd.DataFrame:
    """Rows of a revisit queue where any of `columns` names one of `staff` (case ignored)."""
    if not staff:
        return queue
    names = {clean_text(s).casefold() for s in staff}
    mask = pd.Series(False, index=queue.index)
    for column in columns:
        mask |= _folded(queue[column]).isin(names)
    return queue.loc[mask]


# --- people ---------------------------------------------------------------------------------


def staff_names(frames: dict[str, pd.DataFrame], extra: Iterable[str] = ()) -> list[str]:
    """Every person named in the data (client owners, first receivers, handlers, revisit staff)
    and `extra`, sorted, without blanks or repeats."""
    names: set[str] = {clean_text(n) for n in extra}
    for tab, columns in (
        ("clients", ("owner",)),
        ("complaints", ("first_receiver", "handler")),
        ("revisits", ("staff",)),
    ):
        frame = frames.get(tab)
        if frame is None:
            continue
        for column in columns:
            if column in frame.columns:
                names.update(_text(frame[column]).unique())
    names.discard("")
    return sorted(names)
