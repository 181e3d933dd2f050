"""Which pages the app has, in what order, and who sees them. Pure data and one rule, so the
navigation a role gets is tested without Streamlit; `utils.ui.app_frame()` turns it into
`st.navigation`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # the page script, relative to app.py
    title_key: str  # catalogue key of the title
    url: str  # URL path: /complaints?id=…
    icon: str  # a Material icon Streamlit ships (renders without an emoji font)
    managers_only: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/home.py", "nav.home", "home", ":material/home:"),
    PageSpec("pages/clients.py", "nav.clients", "clients", ":material/groups:"),
    PageSpec("pages/complaints.py", "nav.complaints", "complaints", ":material/report:"),
    PageSpec("pages/revisits.py", "nav.revisits", "revisits", ":material/call:"),
    PageSpec("pages/dashboard.py", "nav.dashboard", "dashboard", ":material/monitoring:", True),
    PageSpec("pages/health.py", "nav.health", "data-health", ":material/health_and_safety:"),
)
DEFAULT_URL = "home"


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages a role uses, in menu order: staff do not see the managers' pages. Nobody
    signed in yet: every page (each shows the sign-in form, and a link to any page works)."""
    if role in (None, "manager", "admin"):
        return list(PAGES)
    return [p for p in PAGES if not p.managers_only]
