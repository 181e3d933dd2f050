"""Someone leaves: their clients and open complaints go to someone else (`handover`), each
record saved with the version read, conflicts listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from sheets_schema.tables import TABLES
from utils import progress_log as plog
from utils import workflow as wf
from utils.access import same_person
from utils.auth import User
from utils.errors import ConflictError, WorkflowError
from utils.store import Store
from utils.workflow import clean_text


@dataclass(frozen=True)
class HandoverConflict:
    tab: str
    record_id: str
    reason: str  # "about": the complaint is about the new person; "changed": edited meanwhile


@dataclass
class HandoverResult:
    clients: int = 0  # clients whose owner is now the new person
    complaints: int = 0  # open complaints they now handle
    conflicts: list[HandoverConflict] = field(default_factory=list)


def handover(
    store: Store,
    user: User,
    from_name: str,
    to_name: str,
    now: dt.datetime,
    *,
    lang: str | None = None,
) -> HandoverResult:
    """When someone leaves (seeds: 调离时指派其他员工代替): every client `from_name` owns gets
    `to_name` as owner, and every open complaint they answer for (they handle it, or first
    received it and nobody handles it) gets `to_name` as handler, with a `handover` line in its
    progress log (the first receiver, 首问, stays as it was). A manager's action
    (`WorkflowError` otherwise). Each record is saved through the store with the version read
    (`seen=`): one changed meanwhile is left as it is and listed in `conflicts`, as is a
    complaint about `to_name` (they may not handle it). `lang`: the log line's language
    (default: the sheet's)."""
    if not user.is_manager:
        raise WorkflowError("workflow.handover_manager_only", name=user.name)
    old, new = clean_text(from_name), clean_text(to_name)
    if not old or not new:
        raise WorkflowError("workflow.handover_need_names")
    if same_person(old, new):
        raise WorkflowError("workflow.handover_same", name=new)
    snap = store.read()
    log_lang = lang or store.sheet_lang()
    out = HandoverResult()

    def save(tab: str, record: dict, changes: dict) -> bool:
        record_id = clean_text(record.get(TABLES[tab].id_field))
        try:
            store.update(tab, record_id, changes, user=user.name, seen=record)
        except ConflictError:
            out.conflicts.append(HandoverConflict(tab, record_id, "changed"))
            return False
        return True

    clients = snap.clients
    owned = clients["owner"].fillna("").astype(str).str.strip().str.casefold() == old.casefold()
    for record in _records(clients.loc[owned]):
        out.clients += save("clients", record, {"owner": new})
    complaints = snap.complaints
    handler = complaints["handler"].fillna("").astype(str).str.strip().str.casefold()
    receiver = complaints["first_receiver"].fillna("").astype(str).str.strip().str.casefold()
    theirs = (handler == old.casefold()) | ((handler == "") & (receiver == old.casefold()))
    for record in _records(complaints.loc[theirs & wf.open_mask(complaints["status"])]):
        if wf.is_about(record, new):
            out.conflicts.append(HandoverConflict("complaints", record["complaint_id"], "about"))
            continue
        line = plog.line(now, user.name, "handover", old, target=new, lang=log_lang)
        changes = {"handler": new, "progress_log": plog.append(record.get("progress_log"), line)}
        out.complaints += save("complaints", record, changes)
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a snapshot's frame as records (as `Snapshot.record` gives them)."""
    from utils.store.base import row_dict

    out = []
    for _, row in frame.iterrows():
        record = row_dict(row)
        record.pop("_row", None)
        out.append(record)
    return out
