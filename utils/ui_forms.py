"""Streamlit widgets the staff pages share: sign-in and snapshot guards, messages that survive a
rerun, form fields built from the schema with a place for their validation messages, the row
picker of a table, the "which version do you keep?" dialog after a conflict, and a memo of
computations per snapshot. Glue only: every rule is in a plain module under utils/.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from sheets_schema.tables import TABLES
from utils import access, auth, ui, ui_auth, ui_frame
from utils.errors import ConflictError, InvalidRecord, SheetdeskError
from utils.forms import conflict_table, format_value
from utils.history import hand_edits_note, history
from utils.operations import save_state
from utils.search import staff_names
from utils.settings import Settings
from utils.store import SaveResult, Snapshot, Store
from utils.store.saves import same_moment
from utils.ui_fields import show_problems

FLASH_KEY = "sheetdesk_flash"
CONFLICT_KEY = "sheetdesk_conflict"


# --- guards ---------------------------------------------------------------------------------


def require_user() -> auth.User:
    """The signed-in person; without one, say so and stop the page."""
    who = ui.user()
    if who is None:
        ui_auth.sign_in_page()  # stops the page
        st.stop()
    return who


def read_snapshot() -> Snapshot:
    """The store's snapshot; a store error is shown and stops the page."""
    return ui.snapshot()


memo = ui.memo


def people(snapshot: Snapshot) -> list[str]:
    """Everyone named anywhere in the data (handlers, owners, staff), for pickers."""
    return memo(snapshot, "staff_names", lambda: staff_names(snapshot.frames))


def client_names(snapshot: Snapshot) -> pd.Series:
    """Client name by client ID, for the lists that show both."""
    clients = snapshot.clients
    return memo(
        snapshot,
        "client_names",
        lambda: pd.Series(clients["name"].to_numpy(), index=clients["client_id"].to_numpy()),
    )


# --- messages that survive a rerun ----------------------------------------------------------


def flash(kind: str, text: str, *, tab: str = "", record_id: str = "") -> None:
    """Show `text` (success/info/warning/error) on the next run. With a record, the message
    also says whether the save is in the spreadsheet yet."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text, tab, record_id))


def saved(result: SaveResult, text: str) -> None:
    flash("success", text, tab=result.tab, record_id=result.record_id)


def show_flash() -> None:
    for kind, text, tab, record_id in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(
            text,
            icon={
                "success": ":material/check_circle:",
                "info": ":material/info:",
                "warning": ":material/warning:",
                "error": ":material/warning:",
            }[kind],
        )
        if tab and record_id:
            show_save_state(tab, record_id)


def show_save_state(tab: str, record_id: str) -> None:
    """Says plainly when a save is not in the spreadsheet yet."""
    state, error = save_state(ui.get_store(), tab, record_id)
    if state == "pending" and error:
        st.warning(
            ui.tr("save.kept", record_id=record_id, error=error), icon=":material/hourglass_top:"
        )
    elif state == "pending":
        st.caption(ui.tr("save.writing", record_id=record_id))
    elif state == "conflict":
        st.error(ui.tr("save.conflict_queued", record_id=record_id), icon=":material/warning:")


# --- the record being looked at -------------------------------------------------------------


def current_id(param: str = "id") -> str:
    value = st.query_params.get(param)
    return str(value).strip() if value else ""


def open_record(record_id: str, param: str = "id", **others: str) -> None:
    """Show a record (its ID goes in the URL, so the page can be linked) and rerun."""
    st.query_params[param] = record_id
    for key, value in others.items():
        st.query_params[key] = value
    st.rerun()


def close_record(*params: str) -> None:
    for param in params or ("id",):
        if param in st.query_params:
            del st.query_params[param]
    st.rerun()


def back_button(label_key: str, *params: str, key: str) -> None:
    if st.button(ui.tr(label_key), icon=":material/arrow_back:", key=key):
        close_record(*params)


def seen_version(tab: str, record: dict) -> dict:
    """The record as the page showed it on the previous run — what the user looked at when
    they pressed an action's button — and remember this run's version for the next run.
    Actions are checked against it, so a change made in the spreadsheet meanwhile is caught
    as a conflict."""
    key = f"sheetdesk_seen:{tab}:{record[TABLES[tab].id_field]}"
    before = st.session_state.get(key)
    st.session_state[key] = record
    if before is None or before[TABLES[tab].id_field] != record[TABLES[tab].id_field]:
        return record
    return before


def forget_seen(tab: str, record_id: str) -> None:
    st.session_state.pop(f"sheetdesk_seen:{tab}:{record_id}", None)


def form_basis(tab: str, record: dict, form: str) -> tuple[dict, bool]:
    """The version an edit form was filled from (kept while that form is open, so what the
    user typed is compared with what they started from) and whether the record has changed
    since. A fresh form (`bump(form)`) starts from the record as it is now."""
    key = f"sheetdesk_basis:{form}:{generation(form)}"
    id_field = TABLES[tab].id_field
    basis = st.session_state.get(key)
    if basis is None or basis[id_field] != record[id_field]:
        basis = st.session_state[key] = record
    return basis, not same_moment(basis.get("updated_at"), record.get("updated_at"))


def generation(name: str) -> int:
    """A counter in a form's key: bumping it gives a fresh, empty form after a save."""
    return int(st.session_state.get(f"sheetdesk_gen:{name}", 0))


def bump(name: str) -> None:
    st.session_state[f"sheetdesk_gen:{name}"] = generation(name) + 1


# --- tables ---------------------------------------------------------------------------------


TINTS = {
    "red": "background-color: rgba(255, 75, 75, 0.16)",
    "orange": "background-color: rgba(255, 164, 33, 0.18)",
}


def readable(display: pd.DataFrame) -> pd.DataFrame:
    """A table for people: dates as `2026-11-23` or `2026-11-23 10:05` and blanks as empty
    cells (never "None"/"NaT"). For the rows about to be shown."""
    out = display
    for name in display.columns:
        column = display[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            known = column.dropna()
            whole_days = bool((known == known.dt.normalize()).all())
            text = column.dt.strftime("%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M")
        elif isinstance(column.dtype, pd.Int64Dtype) and column.isna().any():
            text = column.astype(object)
        else:
            continue
        if out is display:
            out = display.copy()
        out[name] = text.where(column.notna(), "")
    return out


def _styled(display: pd.DataFrame, tint: Any, color: str) -> Any:
    """The table with the rows where `tint` is True tinted (a Styler), or as it is."""
    frame = readable(display)
    if tint is None or not bool(np.any(tint)):
        return frame
    css = np.where(np.asarray(tint, dtype=bool)[:, None], TINTS[color], "")
    css = css.repeat(frame.shape[1], axis=1)
    return frame.style.apply(
        lambda part: pd.DataFrame(css, index=part.index, columns=part.columns), axis=None
    )


def table(display: pd.DataFrame, *, tint: Any = None, color: str = "red", **kwargs: Any) -> None:
    st.dataframe(_styled(display, tint, color), hide_index=True, width="stretch", **kwargs)


def pick_row(
    display: pd.DataFrame,
    ids: Sequence[str],
    key: str,
    *,
    tint: Any = None,
    color: str = "red",
    **kwargs: Any,
) -> str | None:
    """A table whose rows can be clicked to open a record: the chosen row's ID, or None.
    Rows where `tint` is True stand out in `color`."""
    gen = generation(key)
    event = st.dataframe(
        _styled(display, tint, color),
        key=f"{key}_{gen}",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        **kwargs,
    )
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(ids):
        bump(key)  # the next time the table is shown, nothing is selected
        return ids[rows[0]] or None
    return None


def count_caption(shown: int, total: int) -> None:
    if total == 0:
        st.caption(ui.tr("list.none"))
    elif shown < total:
        st.caption(ui.tr("list.count_some", shown=shown, total=total))
    else:
        st.caption(ui.tr("list.count_all", total=total))


# --- conflicts ------------------------------------------------------------------------------


def start_conflict(
    err: ConflictError, keep_mine: Callable[[dict], SaveResult | None], done: str, form: str = ""
) -> None:
    """Remember a conflict for the dialog: `err.mine` is the version the user wanted to save,
    `keep_mine(theirs)` saves it over the spreadsheet's version `theirs`, `done` is the
    message after; `form` is emptied once the user has chosen a version (not on cancel: the
    form keeps what they typed)."""
    st.session_state[CONFLICT_KEY] = {
        "tab": err.tab,
        "record_id": err.record_id,
        "mine": err.mine,
        "theirs": err.theirs,
        "keep_mine": keep_mine,
        "done": done,
        "form": form,
        "error": "",
    }


def conflict_dialog() -> None:
    """The open conflict, if any, as a dialog: both versions, keep mine / take the sheet's /
    cancel. Nothing is overwritten unless the user chooses to keep their version."""
    if CONFLICT_KEY in st.session_state:
        st.dialog(ui.tr("conflict.title"), width="large", dismissible=False)(_conflict_body)()


def _conflict_body() -> None:
    conflict = st.session_state.get(CONFLICT_KEY)
    if not conflict:
        return
    lang = ui.lang()
    tab, rid, theirs = conflict["tab"], conflict["record_id"], conflict["theirs"]
    st.warning(
        ui.tr(
            "conflict.intro",
            record_id=rid,
            by=theirs.get("updated_by") or "?",
            at=format_value(tab, "updated_at", theirs.get("updated_at"), lang),
        ),
        icon=":material/warning:",
    )
    st.dataframe(
        conflict_table(tab, conflict["mine"], theirs, lang), hide_index=True, width="stretch"
    )
    if conflict.get("error"):
        st.error(conflict["error"], icon=":material/warning:")
    a, b, c = st.columns(3)
    if a.button(ui.tr("conflict.keep_mine"), type="primary", key="conflict_keep_mine"):
        try:
            result = conflict["keep_mine"](theirs)
        except ConflictError as err:  # changed once more meanwhile: show the newest version
            conflict.update(theirs=err.theirs, error=ui.tr("conflict.again"))
            st.rerun()
        except SheetdeskError as err:
            conflict["error"] = err.message(lang)
            st.rerun()
        _chosen(conflict)
        if result is not None:
            saved(result, conflict["done"])
        st.rerun()
    if b.button(ui.tr("conflict.take_theirs"), key="conflict_take_theirs"):
        _chosen(conflict)
        flash("info", ui.tr("conflict.took_theirs", record_id=rid))
        st.rerun()
    if c.button(ui.tr("conflict.cancel"), key="conflict_cancel"):
        st.session_state.pop(CONFLICT_KEY, None)
        st.rerun()


def _chosen(conflict: dict) -> None:
    st.session_state.pop(CONFLICT_KEY, None)
    forget_seen(conflict["tab"], conflict["record_id"])
    if conflict.get("form"):
        bump(conflict["form"])


def submit(
    save: Callable[[], SaveResult | None],
    keep_mine: Callable[[dict], SaveResult | None],
    done: str,
    *,
    form: str,
    general: Any,
    slots: dict | None = None,
) -> None:
    """Run a form's save and show the outcome the same way on every form: a conflict opens the
    two-version dialog (`keep_mine` redoes the save on the sheet's version), validation
    messages go next to their fields, other errors in `general`; what was typed is kept on
    any failure; on success the form is cleared and the page reruns with the message."""
    try:
        result = save()
    except ConflictError as err:
        start_conflict(err, keep_mine, done, form=form)
        st.rerun()
    except InvalidRecord as err:
        show_problems(err, slots or {}, general)
        return
    except SheetdeskError as err:  # workflow refusals included
        general.error(err.message(ui.lang()), icon=":material/warning:")
        return
    if result is None:
        general.info(ui.tr("form.no_changes"))
        return
    bump(form)
    saved(result, done)
    st.rerun()


def open_staff_page(*, conflicts: bool = True) -> tuple[auth.User, Store, Settings, str, Snapshot]:
    """What every staff page starts with: run inside app.py's frame, ask for a name, and hand
    back (user, store, settings, language, snapshot); shows a pending conflict dialog."""
    ui_frame.page_frame()
    who = require_user()
    snap = view_for(read_snapshot(), who)
    if conflicts:
        conflict_dialog()
    return who, ui.get_store(), ui.get_settings(), ui.lang(), snap


def view_for(snapshot: Snapshot, who: auth.User) -> Snapshot:
    """The snapshot as `who` may see it (`access.staff_view`: other staff's clients' contact
    details masked for staff), once per snapshot and person."""
    if who.is_manager:
        return snapshot
    frames = memo(
        snapshot,
        f"staff_view:{who.name}",
        lambda: access.staff_view(snapshot.frames, who.name, who.role),
    )
    return dataclasses.replace(snapshot, frames=frames)


def history_section(snapshot: Snapshot, tab: str, record_id: str, *, masked: bool = False) -> None:
    """A record's change history (what was saved in the app, newest first), folded; the
    contact details of a client the person may not see in full are masked."""
    lang = ui.lang()
    with st.expander(ui.tr("history.title"), icon=":material/history:"):
        changes = snapshot.changes
        if masked:
            changes = access.mask_changes(changes, record_id)
        rows = history(changes, tab, record_id, lang)
        if rows.empty:
            st.caption(ui.tr("history.none"))
        else:
            table(rows)
        st.caption(hand_edits_note(lang))
