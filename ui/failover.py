"""A student moved to another app process (the first one died) gets a working page.

Streamlit's browser client reconnects by itself when its server goes away, and behind
``make school`` nginx sends the reconnect to another process. That process has never
seen this student: a new session, no fragments. The client then asks for a full rerun
with every widget's value, and that run brings the view back. But a slider moved
before that run has registered its fragment asks for a *fragment* rerun, which the new
session drops ("The fragment ... does not exist anymore"): the move is lost while the
chart already shows it, and the page disagrees with the server until the next move.

:func:`install` (called by ui/launch.py, in every app process it starts) turns a rerun
of a fragment that this session has never held into a full rerun. That rerun carries
everything the browser holds: every widget's value and the page's URL, so the view is
the link's and the page and the server agree again. (The move itself is usually not
applied: Streamlit calls a widget's change callback only for a widget the session has
seen, so the slider goes back to where the server is.) A fragment the session did hold
and a later full run removed (a page switch) is still dropped, as Streamlit intends.
"""

from __future__ import annotations

_HELD = "_actlab_ever_held"  # on a session's fragment storage: every fragment id it registered


def install() -> None:
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.fragment import MemoryFragmentStorage

    if getattr(AppSession.request_rerun, "_actlab_failover", False):
        return
    request, register = AppSession.request_rerun, MemoryFragmentStorage.register

    def remembering_register(self, key, *args, **kwargs):
        register(self, key, *args, **kwargs)
        self.__dict__.setdefault(_HELD, set()).add(key)   # after: a held id is always in one of the two

    def request_rerun(self, client_state=None):
        fragment = client_state.fragment_id if client_state is not None else ""
        if (fragment and not self.has_fragment(fragment)
                and fragment not in getattr(self._fragment_storage, _HELD, ())):
            full = type(client_state)()
            full.CopyFrom(client_state)
            full.ClearField("fragment_id")
            client_state = full
        return request(self, client_state)

    request_rerun._actlab_failover = True
    MemoryFragmentStorage.register = remembering_register
    AppSession.request_rerun = request_rerun
