"""Who is acting, proven: password accounts (argon2), OpenID Connect roles, open mode, slowing
down and locking out guessing, sessions that end when idle — the rules (`utils.auth`) and the
sign-in pages run through AppTest with real hashes in real secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.apptest_compat import can_sign_in_with_oidc
from tests.rendered import rendered
from utils import auth
from utils.store.local import LocalWorkbookStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
STAFF_HASH = auth.hash_password("staff-secret")
MANAGER_HASH = auth.hash_password("manager-secret")
ACCOUNTS = {
    "sheetdesk": {
        "accounts": {
            "wangfang": {"name": "王芳", "role": "staff", "password_hash": STAFF_HASH},
            "zhou": {"name": "周主任", "role": "manager", "password_hash": MANAGER_HASH},
        }
    }
}


# --- the rules --------------------------------------------------------------------------------


def test_passwords_are_argon2_and_checked() -> None:
    config = auth.load_auth(ACCOUNTS["sheetdesk"])
    assert STAFF_HASH.startswith("$argon2id$") and "staff-secret" not in STAFF_HASH
    assert auth.check_password(config, " WangFang ", "staff-secret") == auth.User(
        "王芳", "staff", "wangfang", "password"
    )
    assert auth.check_password(config, "wangfang", "Staff-secret") is None
    assert auth.check_password(config, "nobody", "staff-secret") is None


def test_bad_account_entries_are_refused_by_name() -> None:
    with pytest.raises(auth.AuthConfigError, match=r"accounts\.li\].*role"):
        auth.load_auth({"accounts": {"li": {"role": "boss", "password_hash": STAFF_HASH}}})
    with pytest.raises(auth.AuthConfigError, match="hash-password") as err:
        auth.load_auth({"accounts": {"li": {"role": "staff", "password_hash": "hunter2"}}})
    assert "hunter2" not in str(err.value)


def test_which_mode() -> None:
    nothing = auth.load_auth({})
    assert nothing.mode("local") == "open"
    assert nothing.mode("gsheets") == "closed", "shared data is never open by default"
    assert auth.load_auth({"allow_open": True}).mode("gsheets") == "open"
    assert auth.load_auth(ACCOUNTS["sheetdesk"]).mode("gsheets") == "accounts"
    assert auth.load_auth({}, oidc=True).mode("local") == "oidc"


def test_allow_open_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETDESK_ALLOW_OPEN", "1")
    assert auth.load_auth({}).mode("gsheets") == "open"


def test_oidc_roles_by_address_and_domain() -> None:
    config = auth.load_auth({"roles": {"zhou@desk.cn": "manager", "@desk.cn": "staff"}})
    assert auth.oidc_user(config, "Zhou@Desk.cn", "周主任").role == "manager"
    assert auth.oidc_user(config, "li@desk.cn").role == "staff"
    assert auth.oidc_user(config, "li@desk.cn").name == "li"
    assert auth.oidc_user(config, "eve@elsewhere.com") is None


def test_guessing_is_slowed_then_locked_out_and_a_success_resets() -> None:
    throttle = auth.Throttle(free=2, limit=4, delay=1.0, lock_seconds=600)
    keys = ["account:wangfang"]
    for n, expected in enumerate([0, 0, 1, 2]):
        assert throttle.wait(keys, 100.0 + n) == (expected, 0), n
        throttle.failed(keys, 100.0 + n)
    _, locked = throttle.wait(keys, 110.0)
    assert locked == pytest.approx(600 - 7)
    assert throttle.wait(keys, 104.0 + 601)[1] == 0, "the lock ends"
    throttle.failed(["browser:1.2.3.4"], 100.0)
    throttle.succeeded(["browser:1.2.3.4"])
    assert throttle.wait(["browser:1.2.3.4"], 101.0) == (0, 0)


def test_sessions_end_when_idle_or_signed_out() -> None:
    sessions = auth.Sessions()
    user = auth.User("王芳", "staff", "wangfang", "password")
    token = sessions.start(user, 1000.0)
    assert sessions.resume(token, 1000.0 + 3000, idle_seconds=3600) == user
    assert sessions.resume(token, 1000.0 + 3000 + 3599, idle_seconds=3600) == user
    assert sessions.resume(token, 1000.0 + 3000 + 3599 + 3601, idle_seconds=3600) is None
    token = sessions.start(user, 0.0)
    sessions.end(token)
    assert sessions.resume(token, 1.0, idle_seconds=3600) is None
    assert sessions.resume("forged", 1.0, idle_seconds=3600) is None
    assert token not in repr(sessions._by_hash), "only a hash of the token is kept"


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "desk.xlsx"
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
    for name in ("SHEETDESK_SPREADSHEET", "SHEETDESK_ALLOW_OPEN", "SHEETDESK_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    streamlit.cache_resource.clear()
    LocalWorkbookStore(path).init("en")
    yield path
    streamlit.cache_resource.clear()


def app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["sheetdesk_lang"] = "en"
    if secrets:
        at.secrets.update(secrets)
    return at.run()


def sign_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="sign_in_login").input(login)
    at.text_input(key="sign_in_password").input(password)
    submit = [b for b in at.get("button") if getattr(b, "label", "") == "Sign in"]
    submit[0].click()
    return at.run()


def offers(at: AppTest, page: str) -> bool:
    """Is the page in the signed-in person's navigation? (AppTest refuses a page that is not.)"""
    try:
        at.switch_page(page)
    except ValueError:
        return False
    at.switch_page("pages/home.py")
    return True


def test_open_mode_is_the_local_admin_with_a_banner(workbook: Path) -> None:
    at = app()
    assert not at.exception
    assert "Open mode" in rendered("\n".join(w.value for w in at.warning))
    assert at.session_state["sheetdesk_user"] == auth.open_user()
    assert offers(at, "pages/dashboard.py")


def test_accounts_sign_in_on_the_page_first_try_and_roles_shape_the_menu(workbook: Path) -> None:
    at = app(ACCOUNTS)
    assert [t.value for t in at.title] == ["Sign in to Sheetdesk"]
    assert not at.dataframe, "no data before signing in"
    at = sign_in(at, "wangfang", "staff-secret")
    assert not at.exception, at.exception
    assert at.session_state["sheetdesk_user"].name == "王芳"
    assert not offers(at, "pages/dashboard.py") and offers(at, "pages/clients.py")
    manager = sign_in(app(ACCOUNTS), "zhou", "manager-secret")
    assert offers(manager, "pages/dashboard.py")


def test_a_wrong_password_says_so_and_repeated_failures_lock_out_across_reloads(
    workbook: Path,
) -> None:
    at = app(ACCOUNTS)
    at = sign_in(at, "wangfang", "wrong")
    assert "do not match" in "\n".join(e.value for e in at.error)
    strict = {"sheetdesk": {**ACCOUNTS["sheetdesk"], "free_tries": 1, "max_tries": 2}}
    for _ in range(2):
        at = sign_in(app(strict), "wangfang", "wrong")  # each a new browser session
    reloaded = sign_in(app(strict), "wangfang", "staff-secret")  # right, but locked
    assert "paused" in "\n".join(e.value for e in reloaded.error)
    assert "sheetdesk_user" not in reloaded.session_state


@pytest.mark.skipif(
    not can_sign_in_with_oidc(),
    reason="AppTest plays an OIDC user (AppTest.user) from Streamlit 1.66: the newest run has it",
)
def test_oidc_maps_roles_and_a_person_without_one_gets_no_access(workbook: Path) -> None:
    oidc = {
        "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"},
        "sheetdesk": {
            "roles": {"zhou@desk.cn": "manager", "@desk.cn": "staff"},
            "contact": "周主任",
        },
    }
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["sheetdesk_lang"] = "en"
    at.secrets.update(oidc)
    at.user = {"is_logged_in": True, "email": "zhou@desk.cn", "name": "周主任"}
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["sheetdesk_user"] == auth.User(
        "周主任", "manager", "zhou@desk.cn", "oidc"
    )
    at.user = {"is_logged_in": True, "email": "eve@elsewhere.com"}
    at.run()
    shown = rendered("\n".join(i.value for i in at.info))
    assert "eve@elsewhere.com" in shown and "周主任" in shown
    assert not at.dataframe


def _hash_cli(text: str) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-m", "utils.cli", "hash-password"],
        input=text,
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=60,
    )


def test_hash_password_prompts_twice_and_prints_an_argon2_hash() -> None:
    out = _hash_cli("correct horse\ncorrect horse\n")
    assert out.returncode == 0, out.stderr
    (digest,) = out.stdout.split()
    assert digest.startswith("$argon2id$") and "correct horse" not in out.stdout
    config = auth.load_auth({"accounts": {"li": {"role": "staff", "password_hash": digest}}})
    assert auth.check_password(config, "li", "correct horse") is not None
    mismatch = _hash_cli("correct horse\ncorrect hose\n")
    assert mismatch.returncode == 2 and "differ" in mismatch.stderr and not mismatch.stdout
    short = _hash_cli("abc\nabc\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
