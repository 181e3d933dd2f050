"""Streamlit glue shared by the pages: the process-wide store, the session's language and
user, and a few display helpers. The only module under utils/ that imports streamlit; no
business rule lives here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar

import streamlit as st

from utils import auth
from utils.display import md
from utils.errors import SheetdeskError
from utils.i18n import LANGUAGES, default_lang, t
from utils.navigation import DEFAULT_URL, PageSpec, pages_for
from utils.settings import Settings, load_settings
from utils.store import Snapshot, Store, load_config, open_store

LANG_KEY = "sheetdesk_lang"
_IN_FRAME: ContextVar[bool] = ContextVar("sheetdesk_in_frame", default=False)


def secrets() -> Mapping:
    """The app's secrets (`.streamlit/secrets.toml`), or {} when there is no such file."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """One store per process, shared by every session: one read cache, one writer."""
    store = open_store(load_config(secrets()))
    store.background = True  # saves return at once; a writer thread puts them in the sheet
    return store


@st.cache_resource(show_spinner=False)
def get_settings() -> Settings:
    return load_settings(secrets().get("sheetdesk", {}))


def snapshot() -> Snapshot:
    """The current snapshot; on a store error, the error in the user's words and the page
    stops (never a traceback)."""
    try:
        return get_store().read()
    except SheetdeskError as err:
        show_error(err)
        st.stop()
        raise  # st.stop() does not return


def lang() -> str:
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = default_lang(st.context.locale)
    return st.session_state[LANG_KEY]


def tr(key: str, **params: object) -> str:
    """`t()` in the session's language, for Markdown-rendering calls (titles, captions,
    messages, labels, links): every parameter is escaped (`display.md`), so a value typed in
    the spreadsheet is shown as typed and never rendered as Markdown."""
    return t(key, lang(), **{k: md(v) for k, v in params.items()})


def tr_text(key: str, **params: object) -> str:
    """`t()` in the session's language with parameters as they are: for places that show
    plain text (option lists, table cells, file names), never Markdown."""
    return t(key, lang(), **params)


def user() -> auth.User | None:
    return auth.current_user(st.session_state)


def roles() -> dict[str, str]:
    return auth.role_map(secrets().get("sheetdesk", {}).get("roles"))


def show_error(err: SheetdeskError) -> None:
    st.error(err.message(lang()), icon="⚠️")


def sidebar() -> None:
    """Who is signed in, the language switch, and the store's state."""
    with st.sidebar:
        current = lang()
        choice = st.segmented_control(
            "🌐",
            options=list(LANGUAGES),
            default=current,
            key="lang_switch",
            format_func=lambda code: {"zh": "中文", "en": "English"}[code],
            label_visibility="collapsed",
        )
        if choice and choice != current:
            st.session_state[LANG_KEY] = choice
            st.rerun()
        who = user()
        if who is None:
            with st.form("sign_in", border=False):
                name = st.text_input(tr("ui.your_name"), placeholder=tr("ui.your_name_hint"))
                if st.form_submit_button(tr("ui.sign_in"), type="primary"):
                    if auth.sign_in(st.session_state, name, roles()):
                        st.rerun()
                    st.warning(tr("ui.name_required"))
        else:
            st.markdown(tr("ui.signed_in_as", name=who.name, role=tr(f"role.{who.role}")))
            if st.button(tr("ui.sign_out"), key="sign_out"):
                auth.sign_out(st.session_state)
                st.rerun()
        st.divider()
        store_status()


def store_status() -> None:
    store = get_store()
    try:
        snap = store.read()
    except SheetdeskError as err:
        show_error(err)
        return
    st.caption(tr("ui.store_" + store.kind, source=store.display_name()))
    st.caption(tr("ui.read_at", time=f"{snap.read_at:%H:%M:%S}"))
    waiting = store.queue.ops() if store.pending_count() else []
    if any(op.error for op in waiting):  # the writer tried and could not
        st.warning(tr("ui.pending", count=len(waiting)), icon="⏳")
    elif waiting:  # just saved: the writer is on it
        st.caption(tr("ui.writing", count=len(waiting)))
    degraded = store.queue.degraded
    if degraded is not None and degraded.where == "memory":
        st.error(tr("ui.kept_memory", reason=degraded.reason), icon=":material/memory:")
    elif degraded is not None:
        st.warning(tr("ui.kept_fallback", reason=degraded.reason, folder=degraded.folder))
    if store.writer_failure:
        st.error(tr("ui.writer_failed", reason=store.writer_failure), icon="⚠️")
    if snap.conflicts:
        st.error(tr("ui.conflicts", count=len(snap.conflicts)), icon="⚠️")
    if st.button(tr("ui.refresh"), key="refresh_store", icon="🔄"):
        store.flush()
        store.read(fresh=True)
        st.rerun()


# --- the frame around every page -------------------------------------------------------------


def app_frame(specs: Sequence[PageSpec] | None = None) -> None:
    """app.py's whole work: page config, the sidebar, `st.navigation` over the pages the
    signed-in person uses, and the chosen page run inside this frame."""
    st.set_page_config(page_title="Sheetdesk", page_icon=":material/support_agent:", layout="wide")
    sidebar()
    who = user()
    chosen = specs if specs is not None else pages_for(who.role if who else None)
    pages = [
        st.Page(
            p.path, title=tr(p.title_key), url_path=p.url, icon=p.icon, default=p.url == DEFAULT_URL
        )
        for p in chosen
    ]
    page = st.navigation(pages)
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
