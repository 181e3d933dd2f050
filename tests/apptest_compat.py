"""AppTest across the supported Streamlit versions (the floor run uses the oldest)."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest


def submit_button(at: AppTest) -> Any:
    """The form's submit button: its own element type in newer Streamlit, a button with a
    form in older."""
    own = list(at.get("form_submit_button"))
    return own[0] if own else next(b for b in at.button if b.form_id)


def can_sign_in_with_oidc() -> bool:
    """Whether AppTest can play a signed-in OIDC user (`AppTest.user`, Streamlit ≥ 1.66)."""
    return hasattr(AppTest.from_string("pass"), "user")
