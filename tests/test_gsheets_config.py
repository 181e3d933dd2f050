"""Configuring the Google Sheets backend: every mistake gives one clear message, not a traceback.

Missing / unreadable / wrong credentials, a spreadsheet not shared with the service account,
one that does not exist, a key Google refuses, the API not enabled; the secrets.toml layout of
st-gsheets-connection; the environment variables; the command line's message.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exc
from gspread.exceptions import APIError

from tests.fake_sheets import FakeSheetsAPI, attach, make_client
from tests.store_contract import CLIENT
from utils.errors import ConfigError, StoreError
from utils.store import gsheets_auth, read_cache
from utils.store.config import StoreConfig, load_config, open_store
from utils.store.gsheets import open_gsheets_store
from utils.store.gsheets_api import RetryPolicy, SheetsApi, spreadsheet_key

EMAIL = "sheetdesk@desk-project.iam.gserviceaccount.com"
KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"


@pytest.fixture(autouse=True)
def _fresh_process():
    read_cache.reset()
    gsheets_auth.forget_clients()
    yield
    read_cache.reset()
    gsheets_auth.forget_clients()


@pytest.fixture(scope="module")
def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _info(pem: str, **override: object) -> dict:
    return {
        "type": "service_account",
        "project_id": "desk-project",
        "private_key_id": "abc123",
        "private_key": pem,
        "client_email": EMAIL,
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
        **override,
    }


def _config(tmp_path: Path, spreadsheet: str = KEY, **kwargs: object) -> StoreConfig:
    kwargs.setdefault("workbook", str(tmp_path / "data" / "sheetdesk.xlsx"))
    return StoreConfig("gsheets", spreadsheet=spreadsheet, **kwargs)  # type: ignore[arg-type]


def _error(exc_info: pytest.ExceptionInfo) -> tuple[str, str, str]:
    err = exc_info.value
    return err.key, err.message("en"), err.message("zh")


# ---- credentials ----
def test_no_credentials_at_all(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path))
    key, en, zh = _error(err)
    assert key == "gsheets.credentials_missing"
    assert "GOOGLE_APPLICATION_CREDENTIALS" in en and "GOOGLE_APPLICATION_CREDENTIALS" in zh


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, credentials_file=str(tmp_path / "nope.json")))
    key, en, _ = _error(err)
    assert key == "gsheets.credentials_not_found" and "nope.json" in en


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\xff\xfe"])
def test_unreadable_key_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, credentials_file=str(path)))
    assert err.value.key == "gsheets.credentials_bad_json"


def test_not_a_service_account_key(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "x"}))
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, credentials_file=str(path)))
    key, en, _ = _error(err)
    assert key == "gsheets.credentials_not_service_account" and "authorized_user" in en


def test_incomplete_and_broken_keys_in_secrets(tmp_path: Path, pem: str) -> None:
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, credentials_info=_info(pem, client_email="")))
    key, en, _ = _error(err)
    assert key == "gsheets.credentials_incomplete" and "client_email" in en
    assert "secrets.toml" in en
    broken = _info(pem, private_key=pem[:200])
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, credentials_info=broken))
    assert err.value.key == "gsheets.credentials_invalid"


def test_secrets_layout_of_st_gsheets_connection(tmp_path: Path, pem: str) -> None:
    secrets = {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
                "worksheet": "0",
                **_info(pem, private_key=pem.replace("\n", "\\n")),
            }
        }
    }
    config = load_config(secrets)
    assert config.backend == "gsheets" and "spreadsheet" not in config.credentials_info
    info, where = gsheets_auth.service_account_info(
        config.credentials_file, config.credentials_info
    )
    assert info["private_key"] == pem  # literal \n from a '…' TOML string repaired
    assert gsheets_auth.credentials(info, where).service_account_email == EMAIL


def _ready_client(path: Path, api: FakeSheetsAPI) -> None:
    """Warm the process's client for this key with a token and the fake under it (so the
    test never asks Google for a token)."""
    client, _ = gsheets_auth.cached_client(str(path))
    creds = client.http_client.session.credentials
    creds.token = "test-token"
    creds.expiry = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(hours=1)
    attach(client, api)


def test_environment_key_file_end_to_end(tmp_path: Path, pem: str, monkeypatch) -> None:
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Desk", tabs={"Sheet1": []})
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(_info(pem)))
    _ready_client(path, api)
    monkeypatch.setenv("SHEETDESK_SPREADSHEET", f"https://docs.google.com/spreadsheets/d/{sid}/")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    monkeypatch.chdir(tmp_path)
    store = open_store()
    assert store.kind == "gsheets" and store.key == sid
    assert store.queue.folder == (tmp_path / "data" / f"gsheets-{sid}.pending").resolve()
    store.init("en")
    saved = store.append("clients", CLIENT, user="ann")
    assert not saved.pending
    assert api.values(sid, "Clients")[1][0] == saved.record_id
    assert "Desk" in store.describe()
    assert api.history[0].op == "spreadsheets.get"


def test_give_up_seconds_from_the_environment_or_secrets(tmp_path: Path, monkeypatch) -> None:
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Desk", tabs={"Sheet1": []})
    monkeypatch.delenv("SHEETDESK_GIVE_UP_SECONDS", raising=False)
    monkeypatch.delenv("SHEETDESK_SPREADSHEET", raising=False)
    secrets = {"give_up_seconds": 12, "connections": {"gsheets": {"spreadsheet": sid}}}
    assert load_config(secrets).give_up_seconds == 12.0
    monkeypatch.setenv("SHEETDESK_SPREADSHEET", sid)
    monkeypatch.setenv("SHEETDESK_GIVE_UP_SECONDS", "8")
    config = load_config(secrets)  # the environment wins
    assert config.give_up_seconds == 8.0
    config = StoreConfig(
        "gsheets", spreadsheet=sid, workbook=str(tmp_path / "x.xlsx"), give_up_seconds=8.0
    )
    assert open_gsheets_store(config, client=make_client(api)).api.retry.deadline == 8.0
    default = StoreConfig("gsheets", spreadsheet=sid, workbook=str(tmp_path / "x.xlsx"))
    assert open_gsheets_store(default, client=make_client(api)).api.retry.deadline == 30.0


def test_spreadsheet_url_or_key() -> None:
    assert spreadsheet_key(KEY) == KEY
    assert spreadsheet_key(f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0") == KEY
    for bad in ("", "my sheet", "https://example.com/x"):
        with pytest.raises(ConfigError) as err:
            spreadsheet_key(bad)
        assert err.value.key == "gsheets.bad_spreadsheet"


# ---- the spreadsheet ----
def test_not_shared_with_the_service_account(tmp_path: Path) -> None:
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Private", shared=False)
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, sid), client=make_client(api), account=EMAIL)
    key, en, zh = _error(err)
    assert key == "gsheets.not_shared"
    assert EMAIL in en and "Share" in en and EMAIL in zh and "共享" in zh


def test_no_such_spreadsheet(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path), client=make_client(FakeSheetsAPI()))
    key, en, _ = _error(err)
    assert key == "gsheets.not_found" and KEY in en


def test_key_refused_by_google(tmp_path: Path) -> None:
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Desk")
    api.inject(401)
    with pytest.raises(ConfigError) as err:
        open_gsheets_store(_config(tmp_path, sid), client=make_client(api))
    assert err.value.key == "gsheets.credentials_rejected"


def _response(code: int, message: str) -> requests.Response:
    resp = requests.Response()
    resp.status_code = code
    resp._content = json.dumps({"error": {"code": code, "message": message}}).encode()
    return resp


def test_error_mapping() -> None:
    http = make_client(FakeSheetsAPI()).http_client
    api = SheetsApi(http, KEY, retry=RetryPolicy(attempts=2, sleep=lambda s: None))
    disabled = APIError(
        _response(403, "Google Sheets API has not been used in project 1 before or it is disabled.")
    )
    assert api.map_error(disabled).key == "gsheets.api_disabled"
    proxy = requests.Response()
    proxy.status_code, proxy._content = 502, b"<html>Bad gateway</html>"
    assert api.map_error(APIError(proxy)).code == 502  # not JSON: the HTTP status counts

    def refused(http: object) -> None:
        raise auth_exc.RefreshError("invalid_grant: Invalid JWT Signature.")

    with pytest.raises(ConfigError) as err:
        api.read(refused)
    assert err.value.key == "gsheets.credentials_rejected" and "JWT" in err.value.message()

    def offline(http: object) -> None:
        raise auth_exc.TransportError("Failed to resolve oauth2.googleapis.com")

    with pytest.raises(StoreError) as store_err:
        api.read(offline)
    assert store_err.value.key == "gsheets.unavailable"


def test_opens_while_google_is_unreachable_and_keeps_the_save(tmp_path: Path) -> None:
    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Desk", tabs={"Sheet1": []})
    open_gsheets_store(
        _config(tmp_path, sid), client=make_client(api), retry=RetryPolicy(sleep=lambda s: None)
    ).init("en")
    read_cache.reset()  # a new process, and Google is down
    api.inject("connection", times=10**6)
    store = open_gsheets_store(
        _config(tmp_path, sid), client=make_client(api), retry=RetryPolicy(sleep=lambda s: None)
    )
    saved = store.append("clients", CLIENT, user="ann")
    assert saved.pending and store.pending_count() == 1
    api.clear_faults()
    assert store.flush() == ""
    assert [r[0] for r in api.values(sid, "Clients")[1:]] == [saved.record_id]


def test_command_line_prints_one_message(tmp_path: Path, monkeypatch, capsys) -> None:
    from utils.cli import main

    monkeypatch.setenv("SHEETDESK_SPREADSHEET", KEY)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "missing.json" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
