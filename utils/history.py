"""The change history (变更记录): what its rows say, a record's history, records deleted by hand.

Every save the app makes also writes rows to the `changes` tab, in the same pending write as the
save itself (`PendingOp.history`), so a save and its history land together or wait together:

- a new record (`Store.append`): one **create** row (who, when, which record). Its first values
  are the record itself; what changes later is in the update rows, old value included, so the
  record's whole story can be read back;
- a change (`Store.update`): one **update** row per field whose value actually changed, with the
  old and the new value as text, the way `utils.forms.format_value` shows them (choice labels,
  `2026-11-23 10:05`); the stamps (`updated_at`, `updated_by`) are not rows. A line added to the
  progress log is recorded as the added text alone (the note says so), not the whole log twice;
- a bulk load (import, demo: `Store.append_many`): one summary **create** row per batch;
- data taken out of the app (`Store.record_export`): one **download** or **export** row.

Change IDs are `BG-<day>-<8 characters from the save's own random id>-<n>`: unique across
processes without a register, and the same however often the save is retried — which is what
makes writing the history idempotent (an ID already in the tab is skipped).

Edits typed by hand in the spreadsheet are not in the history: only what the app saved.

Pure: no streamlit, no store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

import pandas as pd

from sheets_schema.problems import WARNING, Problem
from sheets_schema.system_models import CHANGE_KIND, CHANGE_TAB
from sheets_schema.tables import TAB_NAMES, TABLES
from utils.cells import clean_text
from utils.forms import format_value
from utils.i18n import t

CHANGES = "changes"
PREFIX = TABLES[CHANGES].id_prefix  # BG
STAMPS = ("updated_at", "updated_by")
APPENDED_FIELDS = ("progress_log",)  # text the app only ever adds lines to
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32, as record IDs
MAX_DELETED_PER_TAB = 50  # hand-deleted records named one by one per tab; the rest counted
COLUMNS = ("at", "by", "kind", "field", "old", "new", "note")


def change_id(op_id: str, n: int, day: dt.date) -> str:
    """The `n`-th history row of the save `op_id` on `day`: 40 bits of the op's random ID
    (hashed), in 8 characters, so two saves on one day practically never share a prefix."""
    number = int.from_bytes(hashlib.sha1(op_id.encode("utf-8")).digest()[:5], "big")
    code = ""
    for _ in range(8):
        number, rem = divmod(number, 32)
        code = ALPHABET[rem] + code
    return f"{PREFIX}-{day:%Y%m%d}-{code}-{n}"


def _row(
    op_id: str,
    n: int,
    *,
    at: dt.datetime,
    by: str,
    kind: str,
    tab: str = "",
    record_id: str = "",
    field: str = "",
    old: str = "",
    new: str = "",
    note: str = "",
) -> dict:
    row = {
        "change_id": change_id(op_id, n, at.date()),
        "at": at,
        "by": clean_text(by),
        "tab": tab,
        "record_id": record_id,
        "field": field,
        "old": old,
        "new": new,
        "kind": kind,
        "note": note,
    }
    return {k: v for k, v in row.items() if v not in ("", None)}


def create_rows(
    tab: str, record: Mapping, *, op_id: str, user: str, at: dt.datetime, lang: str
) -> list[dict]:
    """The history of a new record: one "create" row (a setting: with its value)."""
    record_id = clean_text(record.get(TABLES[tab].id_field))
    if tab == "settings":
        value = format_value(tab, "value", record.get("value"), lang)
        return [
            _row(
                op_id,
                1,
                at=at,
                by=user,
                kind="create",
                tab=tab,
                record_id=record_id,
                field="value",
                new=value,
            )
        ]
    return [_row(op_id, 1, at=at, by=user, kind="create", tab=tab, record_id=record_id)]


def update_rows(
    tab: str,
    record_id: str,
    before: Mapping,
    after: Mapping,
    *,
    op_id: str,
    user: str,
    at: dt.datetime,
    lang: str,
) -> list[dict]:
    """One "update" row per field of `after` whose text differs from `before` (stamps left
    out), in the table's column order."""
    rows: list[dict] = []
    order = [c.field for c in TABLES[tab].columns]
    for name in sorted(after, key=lambda f: order.index(f) if f in order else len(order)):
        if name in STAMPS or name == TABLES[tab].id_field:
            continue
        old = format_value(tab, name, before.get(name), lang)
        new = format_value(tab, name, after.get(name), lang)
        if old == new:
            continue
        note = ""
        if name in APPENDED_FIELDS and old and new.startswith(old):
            old, new = "", new[len(old) :].lstrip("\n")
            note = t("history.note.appended", lang)
        rows.append(
            _row(
                op_id,
                len(rows) + 1,
                at=at,
                by=user,
                kind="update",
                tab=tab,
                record_id=record_id,
                field=name,
                old=old,
                new=new,
                note=note,
            )
        )
    return rows


def bulk_row(tab: str, count: int, *, op_id: str, user: str, at: dt.datetime, lang: str) -> dict:
    """The one summary row of a bulk load (import, demo data) of `count` records."""
    note = t("history.note.bulk", lang, count=f"{count:,}", user=clean_text(user))
    return _row(op_id, 1, at=at, by=user, kind="create", tab=tab, new=str(count), note=note)


def export_row(
    what: str,
    rows: int,
    *,
    op_id: str,
    user: str,
    at: dt.datetime,
    lang: str,
    note: str = "",
    kind: str | None = None,
) -> dict:
    """A download or export: `what` is a table (clients, complaints, revisits, settings) or
    anything else (`report` …, then the table cell stays blank); `new` holds the number of rows
    taken out. `kind` defaults to "download" for a table, "export" otherwise."""
    tab = what if what in CHANGE_TAB.values else ""
    kind = kind or ("download" if tab else "export")
    if kind not in ("download", "export"):
        raise ValueError(f"not a download or export: {kind!r}")
    note = clean_text(note) or t(
        "history.note.export", lang, what=TABLES[tab].label(lang) if tab else what, rows=rows
    )
    return _row(op_id, 1, at=at, by=user, kind=kind, tab=tab, new=str(int(rows)), note=note)


# ---- reading the history ----
def _field_label(tab: str, name: str, lang: str) -> str:
    column = TABLES[tab].by_field.get(name) if tab in TABLES else None
    return column.label(lang) if column is not None else name


def history(changes: pd.DataFrame, tab: str, record_id: str, lang: str = "en") -> pd.DataFrame:
    """What the app saved of one record, newest first: when, who, what kind, which field
    (its label), old and new value, note — columns labelled in `lang`. Edits typed by hand in
    the spreadsheet are not in it (`hand_edits_note`)."""
    labels = [t(f"history.col.{c}", lang) for c in COLUMNS]
    if changes is None or changes.empty:
        return pd.DataFrame(columns=labels)
    mine = changes[(changes["tab"] == tab) & (changes["record_id"] == record_id)]
    if mine.empty:
        return pd.DataFrame(columns=labels)
    mine = mine.assign(_order=range(len(mine))).sort_values(
        ["at", "_order"], ascending=[False, True], kind="stable"
    )
    out = pd.DataFrame(
        {
            labels[0]: mine["at"].dt.strftime("%Y-%m-%d %H:%M").fillna(""),
            labels[1]: mine["by"],
            labels[2]: [CHANGE_KIND.label(k, lang) for k in mine["kind"]],
            labels[3]: [_field_label(tab, f, lang) if f else "" for f in mine["field"]],
            labels[4]: mine["old"],
            labels[5]: mine["new"],
            labels[6]: mine["note"],
        }
    )
    return out.reset_index(drop=True)


def hand_edits_note(lang: str = "en") -> str:
    """The caption a record's history is shown with: hand edits are not in it."""
    return t("history.hand_edits_note", lang)


def last_saves(changes: pd.DataFrame) -> pd.DataFrame:
    """The app's last save of every record it created or changed: tab, record_id, at, by."""
    cols = ["tab", "record_id", "at", "by"]
    if changes is None or changes.empty:
        return pd.DataFrame(columns=cols)
    saves = changes[
        changes["kind"].isin(("create", "update"))
        & changes["tab"].isin(TAB_NAMES)
        & (changes["record_id"] != "")
    ]
    if saves.empty:
        return pd.DataFrame(columns=cols)
    saves = saves.assign(_order=range(len(saves))).sort_values(["at", "_order"], kind="stable")
    return saves.drop_duplicates(["tab", "record_id"], keep="last")[cols].reset_index(drop=True)


def deleted_records(
    changes: pd.DataFrame,
    present: Mapping[str, object],
    *,
    skip: frozenset[str] | set[str] = frozenset(),
) -> list[Problem]:
    """Records the app created or saved that are no longer in the spreadsheet: one warning
    each, naming the ID and when and by whom the app last saved it (`MAX_DELETED_PER_TAB`
    per tab, then a count). `present`: tab → the IDs in the tab now (a frame's ID column, a
    set …: rows with bad cells count as present). `skip`: tabs that could not be read (a
    missing tab is its own problem, not a thousand deleted records)."""
    last = last_saves(changes)
    out: list[Problem] = []
    if last.empty:
        return out
    for tab in TAB_NAMES:
        if tab in skip or tab not in present:
            continue
        ids = present[tab]
        mine = last[last["tab"] == tab]
        gone = mine[~mine["record_id"].isin(list(ids) if isinstance(ids, set | frozenset) else ids)]
        if gone.empty:
            continue
        id_field = TABLES[tab].id_field
        for record_id, at, by in zip(
            gone["record_id"][:MAX_DELETED_PER_TAB],
            gone["at"][:MAX_DELETED_PER_TAB],
            gone["by"][:MAX_DELETED_PER_TAB],
            strict=True,
        ):
            when = "" if pd.isna(at) else f"{pd.Timestamp(at):%Y-%m-%d %H:%M}"
            out.append(
                Problem(
                    WARNING,
                    tab,
                    None,
                    id_field,
                    "problem.deleted_by_hand",
                    {"value": record_id, "at": when, "by": clean_text(by) or "?"},
                )
            )
        if len(gone) > MAX_DELETED_PER_TAB:
            out.append(
                Problem(
                    WARNING,
                    tab,
                    None,
                    id_field,
                    "problem.deleted_more",
                    {"count": len(gone) - MAX_DELETED_PER_TAB},
                )
            )
    return out


__all__ = [
    "bulk_row",
    "change_id",
    "create_rows",
    "deleted_records",
    "export_row",
    "hand_edits_note",
    "history",
    "last_saves",
    "update_rows",
]
