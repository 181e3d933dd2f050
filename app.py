"""Sheetdesk: navigation and sidebar. Pages live in pages/, logic in utils/."""

import streamlit as st

from utils import ui

st.set_page_config(page_title="Sheetdesk", page_icon="📋", layout="wide")
ui.sidebar()

PAGES = [
    ("pages/home.py", "nav.home", "home", "🏠"),
    ("pages/clients.py", "nav.clients", "clients", "👥"),
    ("pages/complaints.py", "nav.complaints", "complaints", "📨"),
    ("pages/revisits.py", "nav.revisits", "revisits", "📞"),
    ("pages/dashboard.py", "nav.dashboard", "dashboard", "📊"),
    ("pages/health.py", "nav.health", "data-health", "🩺"),
]
pages = [
    st.Page(path, title=ui.tr(title), url_path=url, icon=icon, default=(url == "home"))
    for path, title, url, icon in PAGES
]
st.navigation(pages).run()
