"""Sign-in on the page: the Streamlit side of `utils.auth`.

Accounts: a sign-in form on the page itself (reachable on a phone without opening the
sidebar); the session is kept by an opaque token in a cookie, so a reload or a shared `?id=`
link keeps the person signed in until the idle time runs out. OpenID Connect: Streamlit's own
`st.login` / `st.user`. Open mode: the one local admin, with a banner. Glue only: the rules are
in `utils.auth`.
"""

from __future__ import annotations

import ipaddress
import json
import time

import streamlit as st

from utils import auth
from utils.ui import get_store, secrets, tr, tr_text

TOKEN_KEY = "sheetdesk_token"
COOKIE = "sheetdesk_session"
_COOKIE_JOB = "sheetdesk_cookie_job"
_NOTICE = "sheetdesk_auth_notice"
MAX_WAIT = 8.0  # seconds a slowed-down sign-in waits at most before it is checked


@st.cache_resource(show_spinner=False)
def throttle(free: int, limit: int, lock_minutes: float) -> auth.Throttle:
    """One per process (a page reload does not reset it), per configuration."""
    return auth.Throttle(free=free, limit=limit, lock_seconds=lock_minutes * 60)


@st.cache_resource(show_spinner=False)
def sessions() -> auth.Sessions:
    return auth.Sessions()


def config() -> auth.AuthConfig:
    all_secrets = secrets()
    return auth.load_auth(all_secrets.get("sheetdesk", {}), oidc="auth" in all_secrets)


def mode() -> str:
    return config().mode(get_store().kind)


def _local_browser() -> bool:
    """Is the browser on this computer? (Open mode is for this computer only.)"""
    ip = _ip()
    if not ip:
        return True  # no network between them (AppTest, a local proxy)
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def signed_in() -> auth.User | None:
    """The person acting, proven, or None. Runs on every script run: an idle session ends."""
    cfg = config()
    how = cfg.mode(get_store().kind)
    if how == "open":
        user = auth.current_user(st.session_state)
        if user is None and _local_browser():
            user = st.session_state[auth.SESSION_KEY] = auth.open_user()
        return user
    if how == "oidc":
        user = None
        if st.user.is_logged_in:
            email, name = str(st.user.get("email") or ""), str(st.user.get("name") or "")
            user = auth.oidc_user(cfg, email, name)
        if user is None:
            st.session_state.pop(auth.SESSION_KEY, None)
        else:
            st.session_state[auth.SESSION_KEY] = user
        return user
    if how == "accounts":
        token = st.session_state.get(TOKEN_KEY) or _cookie()
        user = sessions().resume(token, time.time(), cfg.idle_minutes * 60)
        if user is None:
            if auth.SESSION_KEY in st.session_state:
                st.session_state[_NOTICE] = "auth.expired"
            st.session_state.pop(auth.SESSION_KEY, None)
            st.session_state.pop(TOKEN_KEY, None)
            return None
        st.session_state[auth.SESSION_KEY] = user
        st.session_state[TOKEN_KEY] = token
        return user
    return None


def cookie_jobs() -> None:
    """Set or clear the session cookie asked for on the previous run (script in the page) —
    on this run and the next: a run cut short by a page switch (the landing page sends a
    person on at once after signing in) never puts its script in the page."""
    job = st.session_state.get(_COOKIE_JOB)
    if job is None:
        return
    value, max_age, *rest = job
    runs_left = rest[0] if rest else 2
    if runs_left > 1:
        st.session_state[_COOKIE_JOB] = (value, max_age, runs_left - 1)
    else:
        st.session_state.pop(_COOKIE_JOB, None)
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    cookie = f"{COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict{secure}"
    st.html(
        f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True
    )


def sign_in_page() -> None:
    """What a page shows to someone not signed in, then stops."""
    how = mode()
    cfg = config()
    notice = st.session_state.pop(_NOTICE, "")
    if notice:
        st.info(tr(notice), icon=":material/timer_off:")
    if how == "closed":
        st.title(tr("auth.closed.title"))
        st.warning(tr("auth.closed.body"), icon=":material/lock:")
        st.stop()
    if how == "open":
        st.title(tr("auth.open_remote.title"))
        st.warning(tr("auth.open_remote.body"), icon=":material/lock:")
        st.stop()
    if how == "oidc":
        if st.user.is_logged_in:  # signed in, but no role here
            st.title(tr("auth.no_access.title"))
            st.info(
                tr(
                    "auth.no_access.body",
                    email=str(st.user.get("email") or ""),
                    contact=cfg.contact or tr_text("auth.no_access.admin"),
                ),
                icon=":material/person_off:",
            )
            if st.button(tr("auth.sign_out"), key="oidc_sign_out_denied"):
                st.logout()
            st.stop()
        st.title(tr("auth.title"))
        if st.button(tr("auth.oidc_button"), type="primary", icon=":material/login:"):
            st.login()
        st.stop()
    _password_form(cfg)
    st.stop()


def _password_form(cfg: auth.AuthConfig) -> None:
    st.title(tr("auth.title"))
    with st.form("sheetdesk_sign_in", enter_to_submit=True):
        login = st.text_input(tr("auth.login"), key="sign_in_login", autocomplete="username")
        password = st.text_input(
            tr("auth.password"),
            type="password",
            key="sign_in_password",
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(
            tr("auth.sign_in"), type="primary", icon=":material/login:"
        )
    if not submitted:
        return
    guard = throttle(cfg.free_tries, cfg.max_tries, cfg.lock_minutes)
    keys = [f"account:{' '.join(login.split()).casefold()}", f"browser:{_browser_key()}"]
    wait, locked = guard.wait(keys, time.time())
    if locked > 0:
        st.error(
            tr("auth.locked", minutes=max(1, round(locked / 60))), icon=":material/lock_clock:"
        )
        return
    if wait > 0:
        time.sleep(min(wait, MAX_WAIT))
    user = auth.check_password(cfg, login, password)
    if user is None:
        guard.failed(keys, time.time())
        _, locked = guard.wait(keys, time.time())
        key = "auth.locked" if locked > 0 else "auth.wrong"
        st.error(tr(key, minutes=max(1, round(locked / 60))), icon=":material/error:")
        return
    guard.succeeded(keys)
    token = sessions().start(user, time.time())
    st.session_state[auth.SESSION_KEY] = user
    st.session_state[TOKEN_KEY] = token
    st.session_state[_COOKIE_JOB] = (token, int(cfg.idle_minutes * 60 * 3))
    st.rerun()


def _cookie() -> str:
    value = st.context.cookies.get(COOKIE, "")
    return value if isinstance(value, str) else ""


def _ip() -> str:
    ip = st.context.ip_address
    return ip if isinstance(ip, str) else ""


def _browser_key() -> str:
    return _ip() or "local"


def sign_out() -> None:
    how = mode()
    if how == "oidc":
        st.logout()
        return
    token = st.session_state.pop(TOKEN_KEY, "")
    if token:
        sessions().end(token)
    st.session_state.pop(auth.SESSION_KEY, None)
    st.session_state[_COOKIE_JOB] = ("", 0)
    st.rerun()


def banner() -> None:
    """Open mode says so, on every page."""
    if mode() == "open":
        st.warning(tr("auth.open_banner"), icon=":material/lock_open:")
