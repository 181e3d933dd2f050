"""Streamlit glue shared by the pages: the process-wide store, the session's language and
user, and a few display helpers. The only module under utils/ that imports streamlit; no
business rule lives here.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from utils import auth
from utils.display import md
from utils.errors import SheetdeskError
from utils.i18n import default_lang, t
from utils.settings import Settings, load_settings
from utils.store import Snapshot, Store, load_config, open_store

LANG_KEY = "sheetdesk_lang"


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


def show_error(err: SheetdeskError) -> None:
    st.error(err.message(lang()), icon=":material/warning:")
