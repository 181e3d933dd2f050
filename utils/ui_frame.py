"""The frame around every page: page config, sign-in, the sidebar (language, who is signed in,
the store's state) and `st.navigation` over the pages the signed-in person uses. app.py calls
`app_frame()`; every page starts with `page_frame()`. Glue only."""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar

import streamlit as st

from utils import ui, ui_auth
from utils.errors import SheetdeskError
from utils.i18n import LANGUAGES
from utils.navigation import LANDING, PageSpec, pages_for

_IN_FRAME: ContextVar[bool] = ContextVar("sheetdesk_in_frame", default=False)


def app_frame(specs: Sequence[PageSpec] | None = None) -> None:
    """app.py's whole work: page config, sign-in, the sidebar, `st.navigation` over the pages
    the signed-in person uses, and the chosen page run inside this frame."""
    st.set_page_config(page_title="Sheetdesk", page_icon="📋", layout="wide")
    who = ui_auth.signed_in()
    ui_auth.cookie_jobs()
    sidebar(who)
    chosen = specs if specs is not None else pages_for(who.role if who else None)
    pages = [
        st.Page(
            p.path,
            title=ui.tr(p.title_key),
            url_path=p.url,
            icon=p.icon,
            default=p is LANDING,
            visibility="hidden" if p.hidden else "visible",
        )
        for p in chosen
    ]
    page = st.navigation(pages)
    ui_auth.banner()
    token = _IN_FRAME.set(True)
    try:
        page.run()
    finally:
        _IN_FRAME.reset(token)


def page_frame() -> None:
    """The first call of every page: make sure the page runs inside app.py's frame.

    Right after the server starts, a link straight to a page (`/complaints?id=…`) is run by
    Streamlit's pages-directory mode — the page file alone, without app.py, so without the
    sidebar and sign-in — because app.py sits beside a folder named `pages/`. Streamlit's
    documented switch out of that mode is `st.navigation` itself ("As soon as any session of
    your app executes the st.navigation command, your app will ignore the pages/ directory
    (across all sessions)"). So a page run alone draws the frame here — `st.navigation`
    resolves the same URL to this page and runs it inside the frame — and then stops its own
    outer run. Public API only."""
    if not _IN_FRAME.get():
        app_frame()
        st.stop()


def sidebar(who) -> None:
    """The language switch, who is signed in, and the store's state."""
    with st.sidebar:
        current = ui.lang()
        choice = st.segmented_control(
            "🌐",
            options=list(LANGUAGES),
            default=current,
            key="lang_switch",
            format_func=lambda code: {"zh": "中文", "en": "English"}[code],
            label_visibility="collapsed",
        )
        if choice and choice != current:
            st.session_state[ui.LANG_KEY] = choice
            st.rerun()
        if who is not None:
            st.markdown(
                ui.tr("ui.signed_in_as", name=who.name, role=ui.tr_text(f"role.{who.role}"))
            )
            if who.via != "open" and st.button(
                ui.tr("auth.sign_out"), key="sign_out", icon=":material/logout:"
            ):
                ui_auth.sign_out()
        st.divider()
        store_status()


def store_status() -> None:
    store = ui.get_store()
    try:
        snap = store.read()
    except SheetdeskError as err:
        ui.show_error(err)
        return
    st.caption(ui.tr("ui.store_" + store.kind, source=store.display_name()))
    st.caption(ui.tr("ui.read_at", time=f"{snap.read_at:%H:%M:%S}"))
    waiting = store.queue.ops() if store.pending_count() else []
    if any(op.error for op in waiting):  # the writer tried and could not
        st.warning(ui.tr("ui.pending", count=len(waiting)), icon=":material/hourglass_top:")
    elif waiting:  # just saved: the writer is on it
        st.caption(ui.tr("ui.writing", count=len(waiting)))
    degraded = store.queue.degraded
    if degraded is not None and degraded.where == "memory":
        st.error(ui.tr("ui.kept_memory", reason=degraded.reason), icon=":material/memory:")
    elif degraded is not None:
        st.warning(ui.tr("ui.kept_fallback", reason=degraded.reason, folder=degraded.folder))
    if store.writer_failure:
        st.error(ui.tr("ui.writer_failed", reason=store.writer_failure), icon=":material/warning:")
    if snap.conflicts:
        st.error(ui.tr("ui.conflicts", count=len(snap.conflicts)), icon=":material/warning:")
    if st.button(ui.tr("ui.refresh"), key="refresh_store", icon=":material/refresh:"):
        store.flush()
        store.read(fresh=True)
        st.rerun()
