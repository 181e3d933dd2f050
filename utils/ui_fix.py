"""Data health: fix a bad row from the app — the row's form with each bad cell highlighted and
its message beside it; saved like any edit (checked against what was there, through the
pending queue). Managers and admins fix any row; staff ask them. Glue only."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from sheets_schema.parse import CellError, parser_for
from sheets_schema.problems import Problem
from sheets_schema.tables import TAB_NAMES, TABLES
from utils import auth, ui
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils.errors import ConflictError, InvalidRecord, SheetdeskError
from utils.store import Store


def fixable(problems: Sequence[Problem]) -> dict[tuple[str, str], list[Problem]]:
    """The problems of rows the app can open by their ID, by (tab, ID)."""
    out: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        row_id = str(p.params.get("row_id") or "")
        if p.tab in TAB_NAMES and row_id and p.column and p.column in TABLES[p.tab].by_field:
            out.setdefault((p.tab, row_id), []).append(p)
    return out


def _shown(tab: str, field: str, value: object) -> object:
    """A value a widget can show: parsed, or nothing when it cannot be read (the message
    says what was typed)."""
    try:
        return parser_for(TABLES[tab].by_field[field])(value)
    except CellError:
        return None


def fix_panel(store: Store, problems: Sequence[Problem], who: auth.User) -> None:
    rows = fixable(problems)
    if not rows:
        return
    lang = ui.lang()
    st.subheader(ui.tr("health.fix.title"))
    if not who.is_manager:
        st.caption(ui.tr("health.fix.managers"))
        return
    keys = list(rows)
    chosen = st.selectbox(
        ui.tr("health.fix.pick"),
        keys,
        index=None,
        format_func=lambda k: ui.tr_text(
            "health.fix.row", tab=ui.tr_text(f"tab.{k[0]}"), row=rows[k][0].row, record_id=k[1]
        ),
        placeholder=ui.tr_text("health.fix.pick_hint"),
        key="health_fix_pick",
    )
    if chosen is None:
        return
    tab, row_id = chosen
    current = store.current(tab, row_id)
    if current is None:
        st.warning(ui.tr("health.fix.gone", record_id=row_id))
        return
    form = f"health_fix_{tab}_{row_id}"
    gen = uf.generation(form)
    with st.form(f"{form}_{gen}"):
        values = {}
        for p in rows[chosen]:
            column = p.column
            if column is None:  # `fixable` keeps only problems of a column
                continue
            st.error(p.message(lang), icon=":material/error:")
            values[column] = fields.field_input(
                tab,
                column,
                _shown(tab, column, current.get(column)),
                key=f"{form}_{gen}_{column}",
            )
        submitted = st.form_submit_button(
            ui.tr("form.save"), type="primary", icon=":material/save:"
        )
    if not submitted:
        return
    try:
        store.update(tab, row_id, values, seen=current, user=who.name)
    except InvalidRecord as err:
        st.error(err.message(lang), icon=":material/warning:")
        return
    except ConflictError:
        st.warning(ui.tr("health.fix.changed"), icon=":material/sync_problem:")
        return
    except SheetdeskError as err:
        st.error(err.message(lang), icon=":material/warning:")
        return
    uf.bump(form)
    uf.flash("success", ui.tr("health.fix.saved", record_id=row_id))
    store.invalidate()
    st.rerun()
