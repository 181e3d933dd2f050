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
    hidden: bool = False  # in the app, not in the menu
    admins_only: bool = False


# The app's root ("/") is a hidden landing page that sends each person to their own page
# (`default_for`); every other page keeps its own address, so a link to /dashboard or
# /my-work always works (Streamlit serves the default page only at "/").
LANDING = PageSpec("pages/landing.py", "nav.home", "start", ":material/home:", hidden=True)
PAGES: tuple[PageSpec, ...] = (
    LANDING,
    PageSpec("pages/home.py", "nav.home", "home", ":material/home:"),
    PageSpec("pages/my_work.py", "nav.my_work", "my-work", ":material/assignment_ind:"),
    PageSpec("pages/clients.py", "nav.clients", "clients", ":material/groups:"),
    PageSpec("pages/complaints.py", "nav.complaints", "complaints", ":material/report:"),
    PageSpec("pages/revisits.py", "nav.revisits", "revisits", ":material/call:"),
    PageSpec("pages/dashboard.py", "nav.dashboard", "dashboard", ":material/monitoring:", True),
    PageSpec("pages/health.py", "nav.health", "data-health", ":material/health_and_safety:"),
    PageSpec(
        "pages/settings.py", "nav.settings", "settings", ":material/settings:", admins_only=True
    ),
)
DEFAULT_URL = "home"  # nobody signed in yet: the sign-in form
STAFF_DEFAULT_URL = "my-work"  # staff land on their own work
MANAGER_DEFAULT_URL = "dashboard"  # managers and admins land on the dashboard


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages a role uses, in menu order: staff do not see the managers' pages. Nobody
    signed in yet: every page (each shows the sign-in form, and a link to any page works)."""
    if role in (None, "admin"):
        return list(PAGES)
    if role == "manager":
        return [p for p in PAGES if not p.admins_only]
    return [p for p in PAGES if not p.managers_only and not p.admins_only]


def default_for(role: str | None) -> str:
    """The URL of the page a role lands on from the app's root: My work for staff, the
    dashboard for managers and admins, Home while nobody is signed in. Always one of
    `pages_for(role)`."""
    if role is None:
        return DEFAULT_URL
    wanted = MANAGER_DEFAULT_URL if role in ("manager", "admin") else STAFF_DEFAULT_URL
    urls = [p.url for p in pages_for(role) if not p.hidden]
    return wanted if wanted in urls else urls[0]


def spec_for(url: str) -> PageSpec:
    return next(p for p in PAGES if p.url == url)
