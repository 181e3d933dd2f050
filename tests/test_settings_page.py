"""The admins' Settings page: every setting with where its value comes from, one changed
through the spreadsheet's settings tab (and then in force), the last reminder run shown;
managers and staff have no such page."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.apptest_compat import submit_button
from tests.rendered import rendered
from utils import ui
from utils.auth import User
from utils.reminders.status import write_last_run
from utils.store.local import LocalWorkbookStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "desk.xlsx"
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(path))
    for name in ("SHEETDESK_SPREADSHEET", "SHEETDESK_LANGUAGE", "SHEETDESK_HOLIDAYS"):
        monkeypatch.delenv(name, raising=False)
    streamlit.cache_resource.clear()
    LocalWorkbookStore(path).init("en")
    yield path
    streamlit.cache_resource.clear()


def app(user: User | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["sheetdesk_lang"] = "en"
    if user is not None:
        at.session_state["sheetdesk_user"] = user
    at.run()
    ui.get_store().background = False
    return at


def test_an_admin_changes_a_time_limit_in_the_settings_tab(workbook: Path) -> None:
    at = app()  # open mode: the admin
    at.switch_page("pages/settings.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert "Setting" in table.columns and "From" in table.columns
    picker = at.selectbox[0]
    key = next(o for o in picker.options if "normal" in o.lower())
    picker.select(key)
    at.text_input[0].input("5")
    submit_button(at).click()
    at.run()
    assert not at.exception, at.exception
    assert ui.get_settings().time_limits["normal"] == 5
    assert "saved in the settings tab" in rendered("\n".join(s.value for s in at.success))
    assert LocalWorkbookStore(workbook).read(fresh=True).settings.shape[0] >= 1


def test_a_bad_value_is_refused_with_a_message(workbook: Path) -> None:
    at = app()
    at.switch_page("pages/settings.py").run()
    picker = at.selectbox[0]
    picker.select(next(o for o in picker.options if "normal" in o.lower()))
    at.text_input[0].input("three days")
    submit_button(at).click()
    at.run()
    assert at.error and not at.exception
    assert ui.get_settings().time_limits["normal"] == 3


def test_the_last_reminder_run_is_shown(workbook: Path) -> None:
    write_last_run(
        Path(f"{workbook}.reminders"),
        {
            "at": "2026-11-23T09:05:00",
            "messages": 4,
            "reminders": {"overdue": 3},
            "channels": {"wecom": {"sent": 4}},
            "failing": [{"channel": "email", "reason": "unavailable", "detail": "timeout"}],
        },
    )
    at = app()
    at.switch_page("pages/settings.py").run()
    shown = rendered("\n".join(x.value for x in (*at.info, *at.warning)))
    assert "2026-11-23 09:05" in shown and "4 message(s)" in shown
    assert "email is failing" in shown


def test_managers_and_staff_have_no_settings_page(workbook: Path) -> None:
    for user in (User("周主任", "manager"), User("王芳", "staff")):
        at = app(user)
        with pytest.raises(ValueError):
            at.switch_page("pages/settings.py")
