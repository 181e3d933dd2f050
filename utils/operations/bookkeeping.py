"""The store's side of a page beyond the records: whether a save is in the spreadsheet yet
(`save_state`), data taken out of the app registered in the change history (`record_export`),
and the settings tab (`save_setting`, `settings_rows`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from utils.auth import User
from utils.errors import InvalidRecord, WorkflowError
from utils.store import SaveResult, Store
from utils.workflow import clean_text

# --- is it in the spreadsheet yet? ------------------------------------------------------------


def save_state(store: Store, tab: str, record_id: str) -> tuple[str, str]:
    """("written", "") once the save is in the spreadsheet; ("pending", why) while it waits in
    the queue (why = "" while simply being written); ("conflict", why) when it could not be
    written because the row changed meanwhile."""
    for op in store.queue.ops():
        if op.tab == tab and op.record_id == record_id:
            return "pending", op.error
    for op in store.queue.conflicts():
        if op.tab == tab and op.record_id == record_id:
            return "conflict", op.error
    return "written", ""


# --- data taken out, settings --------------------------------------------------------------


def record_export(
    store: Store, user: User | str, what: str, rows: int, note: str = "", *, kind: str | None = None
) -> SaveResult:
    """Register data taken out of the app in the change history (the seeds: client data taken
    out is registered): a table downloaded (`what` = clients / complaints / revisits: kind
    "download") or a report (`what` = "report" …: kind "export"), `rows` rows, with a `note`
    such as "report 2026-11". Written through the pending queue like a save."""
    name = user.name if isinstance(user, User) else clean_text(user)
    return store.record_export(name, what, int(rows), note, kind=kind)


def save_setting(
    store: Store, user: User, key: str, value: object, *, seen: object = None
) -> SaveResult:
    """Set one setting in the settings tab (an admin's Settings page): the row holding `key`
    is updated, or a row is added. `value`: text as typed, or a value (a list of dates, True
    …); blank → the default again. `seen`: the value the admin saw when they began (then a
    change made meanwhile is a `ConflictError`). Refused with `WorkflowError` for anyone but
    an admin, for an unknown key, or for a list setting kept on several rows; `InvalidRecord`
    (naming the value) when the value cannot be read for that key."""
    from sheets_schema.problems import ERROR, Problem
    from utils import settings_sheet as ss
    from utils.store.base import row_dict

    if not getattr(user, "is_admin", False):
        raise WorkflowError("settings.admin_only", name=user.name, role=user.role)
    canonical = ss.match_key(key)
    if canonical is None:
        raise WorkflowError("settings.unknown_key", key=clean_text(key))
    spec = ss.BY_KEY[canonical]
    try:
        text = ss.normalise_value(canonical, value)
    except ss.BadValue:
        params = {
            "setting": canonical,
            "value": clean_text(value),
            "lo": "" if spec.lo is None else int(spec.lo),
            "hi": "" if spec.hi is None else int(spec.hi),
            "default": spec.default_text() or "—",
        }
        key_ = f"problem.bad_setting.{spec.kind}"
        raise InvalidRecord([Problem(ERROR, "settings", None, "value", key_, params)]) from None
    frame = store.read().settings
    mine = frame[[ss.match_key(k) == canonical for k in frame["key"]]] if len(frame) else frame
    if len(mine) > 1 and spec.kind in ss.LISTS:
        rows = ", ".join(str(r) for r in mine["_row"] if not pd.isna(r))
        raise WorkflowError("settings.several_rows", key=canonical, rows=rows or "?")
    if len(mine):
        record = row_dict(mine.iloc[0])
        record.pop("_row", None)
        basis = record if seen is None else {**record, "value": seen}
        return store.update(
            "settings", str(record["key"]), {"value": text}, seen=basis, user=user.name
        )
    return store.append("settings", {"key": canonical, "value": text}, user=user.name)


def settings_rows(snapshot: Any, lang: str = "en", overrides: Any = None) -> pd.DataFrame:
    """Every setting for a Settings page: key, label, value in the tab, value in force, where
    it comes from, default, rows, problem (`utils.settings_sheet.settings_rows`)."""
    from utils.settings_sheet import settings_rows as rows_of

    return rows_of(snapshot, lang, overrides)
