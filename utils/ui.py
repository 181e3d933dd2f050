"""Streamlit glue shared by the pages: the process-wide store, the session's language and
user, and a few display helpers. The only module under utils/ that imports streamlit; no
business rule lives here.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any

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
def _shared_store() -> Store:
    store = open_store(load_config(secrets()))
    store.background = True  # saves return at once; a writer thread puts them in the sheet
    return store


def get_store() -> Store:
    """One store per process, shared by every session: one read cache, one writer. A new
    spreadsheet is made in this session's language when none is configured
    (`Store.offer_lang`: no effect once the spreadsheet speaks one)."""
    store = _shared_store()
    store.offer_lang(lang())
    return store


_MEMO: dict[int, tuple[weakref.ref, dict]] = {}  # id(snapshot) → (the snapshot, results)


def memo(snapshot: Snapshot, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per snapshot (process-wide: it depends only on the data). A save or a
    re-read makes a new snapshot, so nothing stale is served."""
    key = id(snapshot)
    entry = _MEMO.get(key)
    if entry is None or entry[0]() is not snapshot:

        def forget(_gone: weakref.ref[Snapshot]) -> None:
            _MEMO.pop(key, None)

        entry = (weakref.ref(snapshot, forget), {})
        _MEMO[key] = entry
    results = entry[1]
    if name not in results:
        results[name] = compute()
    return results[name]


def get_settings() -> Settings:
    """The team's settings: defaults < the spreadsheet's settings tab < secrets' [sheetdesk]
    < the environment; once per snapshot (an admin's change in the tab applies on the next
    read). Without a readable spreadsheet: without the tab."""
    overrides = secrets().get("sheetdesk", {})
    try:
        snap = get_store().read()
    except SheetdeskError:
        return load_settings(overrides)
    return memo(snap, "settings", lambda: load_settings(overrides, snap.settings))


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
