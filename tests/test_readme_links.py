"""Every lesson link in the README opens its view with no notice and a chart."""

import re
import urllib.parse
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apptest_helpers import APP, TIMEOUT, assert_no_exception, keep_running_app_py, live_charts

README = Path(__file__).resolve().parents[1] / "README.md"
LINKS = re.findall(r"`(http://localhost:8501/[^`]*)`", README.read_text(encoding="utf-8"))
PAGES = {"": "pages/activations.py", "gradient_flow": "pages/gradient_flow.py"}


def test_the_readme_has_lesson_links_for_both_pages():
    paths = {urllib.parse.urlsplit(link).path.strip("/") for link in LINKS}
    assert len(LINKS) >= 10 and paths == set(PAGES)


@pytest.mark.parametrize("link", LINKS)
def test_lesson_link_opens_cleanly(monkeypatch, link):
    parts = urllib.parse.urlsplit(link)
    query = dict(urllib.parse.parse_qsl(parts.query))
    keep_running_app_py(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page(PAGES[parts.path.strip("/")])  # opening the link: its page, its query only
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert_no_exception(at)
    notices = [w.value for w in at.warning if w.icon == "🔗"]  # "this link's ... was ..."
    assert not notices
    assert len(at.get("plotly_chart")) + len([c for c in live_charts(at) if c["figure"]]) >= 1
    for key, value in query.items():  # the view is the one the link asks for
        assert at.query_params[key] == [value] or at.query_params[key] == value, key
