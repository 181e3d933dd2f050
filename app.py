"""Sheetdesk: the frame around every page — sign-in, navigation and sidebar
(`utils.ui_frame.app_frame`). Pages live in pages/ (listed in utils/navigation.py), logic in
utils/."""

from utils import ui_frame

ui_frame.app_frame()
