"""The app's root: sign in if needed, then on to the page this person lands on — My work for
staff, the dashboard for managers (`utils.navigation.default_for`)."""

import streamlit as st

from utils import ui_forms as uf
from utils import ui_frame
from utils.navigation import default_for, spec_for

ui_frame.page_frame()
who = uf.require_user()
st.switch_page(spec_for(default_for(who.role)).path)
