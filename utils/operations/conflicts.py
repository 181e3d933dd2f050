"""Saving a change to a record someone saw: on a conflict, the error carries that person's
version with their changes (`mine`), which the conflict dialog offers to keep."""

from __future__ import annotations

from utils.errors import ConflictError
from utils.store import SaveResult, Store


def update_as_seen(
    store: Store,
    tab: str,
    record_id: str,
    changes: dict,
    *,
    seen: dict,
    user: str,
    force: bool = False,
) -> SaveResult:
    """`store.update` of `changes` made on `seen`; a ConflictError names `seen` + `changes`
    as the person's version."""
    try:
        return store.update(tab, record_id, changes, seen=seen, user=user, force=force)
    except ConflictError as err:
        raise ConflictError(tab, record_id, mine={**seen, **changes}, theirs=err.theirs) from err
