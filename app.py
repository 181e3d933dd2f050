"""Sheetdesk: the frame around every page — navigation and sidebar (`utils.ui.app_frame`).
Pages live in pages/ (listed in utils/navigation.py), logic in utils/."""

from utils import ui

ui.app_frame()
