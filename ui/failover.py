"""A student moved to another app process (the first one died) gets a working page.

Streamlit's browser client reconnects by itself when its server goes away, and behind
``make school`` nginx sends the reconnect to another process. That process has never
seen this student: a new session, no fragments. The page still shows the old view,
and the student's next slider move asks for a *fragment* rerun, which the new session
drops ("The fragment ... does not exist anymore"): the slider moves, nothing happens.

:func:`install` (called by ui/launch.py, in every app process it starts) turns such a
request, a fragment rerun as a session's very first run request, into a full rerun. It
carries everything the browser holds: every widget's value and the page's URL, so the
view comes back as it was, plus the move, and the session goes on from there.
"""

from __future__ import annotations

_FULL_RUN_SEEN = "_actlab_full_run_requested"


def install() -> None:
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession.request_rerun, "_actlab_failover", False):
        return
    original = AppSession.request_rerun

    def request_rerun(self, client_state=None):
        if client_state is not None and client_state.fragment_id and not getattr(self, _FULL_RUN_SEEN, False):
            full = type(client_state)()
            full.CopyFrom(client_state)
            full.ClearField("fragment_id")
            client_state = full
        if client_state is None or not client_state.fragment_id:
            setattr(self, _FULL_RUN_SEEN, True)
        return original(self, client_state)

    request_rerun._actlab_failover = True
    AppSession.request_rerun = request_rerun
