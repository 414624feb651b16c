"""Make sure every page runs under app.py.

With a ``pages/`` folder beside the entry file, Streamlit serves a page URL
(``/gradient_flow``) in its old folder mode until the entry file has called
``st.navigation`` once in the server process: the page script then runs alone,
without app.py's link restore and sidebar. A page that finds app.py did not
route it switches that mode off (what ``st.navigation`` itself does) and reruns,
so the same URL, query included, now goes through app.py.
"""

import streamlit as st

_ROUTED = "_routing.by_app"
_REROUTED = "_routing.rerouted"


def routed_by_app() -> None:
    """Called by app.py just before it runs the page."""
    st.session_state[_ROUTED] = True


def require_app() -> None:
    """First line of each page: rerun through app.py if app.py did not route this run."""
    if st.session_state.pop(_ROUTED, False) or st.session_state.get(_REROUTED):
        return
    from streamlit.runtime.pages_manager import PagesManager  # the switch st.navigation flips

    st.session_state[_REROUTED] = True  # once per session: never a rerun loop
    PagesManager.uses_pages_directory = False
    st.rerun()
