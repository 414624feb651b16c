"""Shared links in a real browser, as a class uses them: open a link to either page and
see exactly that view; move a slider and watch the address bar follow; switch language;
go from page to page with the sidebar and back, each page's address holding only its
own parameters; play the backward pass; download a chart's CSV; copy the link from the
popover and reopen it; open a malformed link and get a polite notice and a chart.

Every wait is on the page's state (chart data, address, text), never a sleep.
Known bugs are strict xfails; their reasons say how to reproduce them.
"""

from __future__ import annotations

import csv
import re
import urllib.parse

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from actlib.text import t
from actlib.urlstate import LESSON_FIELDS, page_fields
from tests.browser.plotly_js import DECODE_ARRAYS

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 90_000
RERUN_MS = 30_000
VIEWPORT = {"width": 1400, "height": 900}

# Every Plotly chart on the page, Plotly's typed arrays decoded: [{traces: [{name, x, y}]}],
# or null while a chart is not drawn yet.
READ_CHARTS = r"""() => {
""" + DECODE_ARRAYS + r"""  const charts = [...document.querySelectorAll('.live-plot.js-plotly-plot, [data-testid="stPlotlyChart"] .js-plotly-plot')];
  if (!charts.length || charts.some(gd => !gd.data || !gd._fullLayout)) return null;
  return charts.map(gd => ({traces: gd.data.map(t => ({name: t.name, x: decode(t.x), y: decode(t.y)}))}));
}"""

# True once a drawn chart has a trace called arg.name (with arg.length points, if given).
HAS_TRACE = "(arg) => { const charts = (" + READ_CHARTS + r""")();
  if (!charts) return false;
  return charts.some(c => c.traces.some(t => t.name === arg.name && t.x
                                         && (arg.length == null || t.x.length === arg.length)));
}"""

QUERY_HAS = r"""(want) => {
  const q = new URLSearchParams(location.search);
  return location.pathname.endsWith(want.path) &&
         Object.entries(want.query).every(([k, v]) => q.get(k) === v);
}"""


# --- helpers -------------------------------------------------------------------------------------

def selu(x, alpha, scale):
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_prime(x, alpha):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def wait_trace(page: Page, name: str, length: int | None = None, timeout: float = RERUN_MS) -> None:
    try:
        page.wait_for_function(HAS_TRACE, arg={"name": name, "length": length}, timeout=timeout)
    except Exception as error:
        charts = page.evaluate(READ_CHARTS)
        names = [[tr["name"] for tr in c["traces"]] for c in charts] if charts else "no chart"
        raise AssertionError(f"no trace {name!r} (length {length}) within {timeout / 1000:.0f} s; "
                             f"traces: {names}") from error


def trace(page: Page, name: str) -> tuple[np.ndarray, np.ndarray]:
    charts = page.evaluate(READ_CHARTS) or []
    found = [tr for c in charts for tr in c["traces"] if tr["name"] == name]
    assert len(found) == 1, f"{len(found)} traces named {name!r}"
    return np.asarray(found[0]["x"], dtype=float), np.asarray(found[0]["y"], dtype=float)


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))


def wait_url(page: Page, path: str = "/", timeout: float = RERUN_MS, **query: str) -> dict[str, str]:
    """Wait until the address bar is ``path`` with (at least) ``query``; return its query."""
    try:
        page.wait_for_function(QUERY_HAS, arg={"path": path, "query": query}, timeout=timeout)
    except Exception as error:
        raise AssertionError(f"the address never showed {path}?{query}; it is {page.url}") from error
    return query_of(page.url)


def keys_of(page_name: str, act: str | None) -> set[str]:
    # the lesson's fields are in the address only while a lesson is open
    return {f.key for f in page_fields(page_name, act) if f not in LESSON_FIELDS}


def link_notices(page: Page) -> list[str]:
    """The text of each 🔗 notice about the link."""
    alerts = page.get_by_test_id("stAlert").filter(
        has=page.get_by_test_id("stAlertDynamicIcon").get_by_text("🔗", exact=True))
    return [text.strip() for text in alerts.get_by_test_id("stMarkdownContainer").all_inner_texts()]


def live_row(page: Page, label: str):
    """A live chart's slider row (ui/live_chart.py) labelled exactly ``label``."""
    by_text = page.locator(".live-row").filter(has=page.locator(".live-label > span").get_by_text(label, exact=True))
    return by_text.or_(page.locator(".live-row").filter(has=page.locator(f'input[aria-label="{label}"]')))


def labelled_slider(page: Page, label: str):
    """The thumb(s) of the slider labelled exactly ``label``: a Streamlit slider, or a
    live chart's range input."""
    streamlit = page.get_by_test_id("stSlider").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)).get_by_role("slider")
    return streamlit.or_(live_row(page, label).locator("input[type=range]"))


def slider_values(page: Page, label: str) -> list[float]:
    """The value of each thumb of the slider labelled ``label`` (a live slider's input
    holds a step index; its value is what it announces)."""
    thumbs = labelled_slider(page, label)
    expect(thumbs.first).to_be_attached()
    return [float(v) for v in thumbs.evaluate_all(
        "els => els.map(e => e.closest('.live-row') ? e.getAttribute('aria-valuetext') : e.value)")]


def slider_shown(page: Page, label: str) -> list[str]:
    """The numbers the slider shows on its thumbs (beside a live slider's label)."""
    return page.get_by_test_id("stSlider").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    ).get_by_test_id("stSliderThumbValue").or_(live_row(page, label).locator(".live-value")).all_inner_texts()


def open_page(page: Page, url: str, first_trace: str, length: int | None = None) -> list[str]:
    """Go to ``url``, wait for the chart; returns the list collecting uncaught JS errors."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    wait_trace(page, first_trace, length, timeout=FIRST_LOAD_MS)
    return errors


@pytest.fixture(scope="module")
def served(app_url, browser) -> str:
    """The server, after one visit to the explorer. Until app.py has run once in the server
    process, /gradient_flow runs its page script alone (see the xfail at the end)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    open_page(page, app_url + "/", t("chart.f"))
    context.close()
    return app_url


# --- a link restores the exact view ----------------------------------------------------------

EXPLORER_LINK = {"act": "selu", "alpha": "2.5", "scale": "1.2", "xmin": "-3", "xmax": "4",
                 "second": "1", "overlay": "relu,tanh", "probe": "1.5", "lang": "ja", "presenter": "1"}
FLOW_LINK = {"depth": "120", "act": "sigmoid", "init": "he", "gain": "1.5", "residual": "1",
             "view": "forward", "layer": "7"}


def test_explorer_link_restores_the_view(page: Page, served: str):
    errors = open_page(page, f"{served}/?{urllib.parse.urlencode(EXPLORER_LINK)}", t("chart.d2f", "ja"))
    expect(page.locator("h1").first).to_have_text(t("explorer.title", "ja"))
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text(t("nav.explorer", "ja"))
    expect(nav).to_contain_text(t("nav.gradient_flow", "ja"))
    # the chart: SELU with alpha 2.5, scale 1.2 over [-3, 4], f″ and both overlays
    x, y = trace(page, t("chart.f", "ja"))
    assert (x[0], x[-1], x.size) == (-3.0, 4.0, 301)
    np.testing.assert_allclose(y, selu(x, 2.5, 1.2), rtol=2e-5, atol=2e-6)
    for name in ("relu", "tanh"):
        trace(page, t(f"act.{name}.title", "ja"))
    # presenter mode: the controls are folded; open them and read the sliders
    page.get_by_test_id("stExpander").filter(has_text=t("explorer.controls", "ja")).locator("summary").click()
    assert slider_values(page, "alpha") == [2.5] and slider_shown(page, "alpha") == ["2.50"]
    assert slider_values(page, "scale") == [1.2] and slider_shown(page, "scale") == ["1.20"]
    assert slider_values(page, t("explorer.x_range", "ja")) == [-3.0, 4.0]
    assert slider_shown(page, t("explorer.x_range", "ja")) == ["-3.00", "4.00"]
    expect(page.get_by_test_id("stNumberInput").locator("input")).to_have_value(re.compile(r"^1\.50?$"))
    assert link_notices(page) == []
    url = wait_url(page, "/", **EXPLORER_LINK)
    assert set(url) == keys_of("explorer", "selu")
    assert errors == []


def test_flow_link_restores_the_view(page: Page, served: str):
    errors = open_page(page, f"{served}/gradient_flow?{urllib.parse.urlencode(FLOW_LINK)}",
                       t("flow.histogram", layer=7))
    expect(page.locator("h1").first).to_have_text(t("flow.title"))
    wait_trace(page, t("flow.dead"), length=120)  # the unit fractions over all 120 layers
    assert slider_values(page, t("flow.depth")) == [120]
    assert slider_values(page, t("flow.forward_layer")) == [7]
    assert slider_values(page, t("flow.gain")) == [1.5]
    expect(page.get_by_role("combobox", name=t("flow.activation"))).to_have_value(t("act.sigmoid.title"))
    assert link_notices(page) == []
    url = wait_url(page, "/gradient_flow", **FLOW_LINK)
    assert set(url) == keys_of("flow", "sigmoid")
    assert errors == []


# --- the address follows the controls ----------------------------------------------------------

def test_moving_a_slider_updates_the_address(page: Page, served: str, browser):
    errors = open_page(page, f"{served}/?act=elu", t("chart.f"))
    alpha = labelled_slider(page, "alpha")
    alpha.focus()
    alpha.press("ArrowRight")
    wait_url(page, "/", alpha="1.05", act="elu")
    alpha.press("End")
    url = wait_url(page, "/", alpha="3")
    # the address, opened afresh, is the same view
    other = browser.new_context(viewport=VIEWPORT).new_page()
    open_page(other, page.url, t("chart.f"))
    assert slider_values(other, "alpha") == [3.0]
    assert wait_url(other, "/", alpha="3") == url
    x, y = trace(other, t("chart.df"))
    np.testing.assert_allclose(y, elu_prime(x, 3.0), rtol=2e-5, atol=2e-6)
    other.context.close()
    assert errors == []


def test_moving_a_flow_slider_updates_the_address(page: Page, served: str):
    open_page(page, f"{served}/gradient_flow", t("flow.measured"))
    wait_url(page, "/gradient_flow", depth="50")
    depth = labelled_slider(page, t("flow.depth"))
    depth.focus()
    depth.press("ArrowLeft")
    wait_url(page, "/gradient_flow", depth="49")
    wait_trace(page, t("flow.measured"), length=49)


def test_switching_language_in_the_sidebar(page: Page, served: str):
    open_page(page, f"{served}/", t("chart.f"))
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name=t("app.language")).click()
    page.get_by_role("option", name="日本語").click()
    expect(page.locator("h1").first).to_have_text(t("explorer.title", "ja"), timeout=RERUN_MS)
    wait_url(page, "/", lang="ja")
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text(t("nav.gradient_flow", "ja"))
    assert link_notices(page) == []


# --- page to page --------------------------------------------------------------------------------

def test_each_page_keeps_only_its_own_parameters_in_the_address(page: Page, served: str):
    open_page(page, f"{served}/?act=selu&alpha=2.5", t("chart.f"))
    wait_url(page, "/", act="selu", alpha="2.5")
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name=t("nav.gradient_flow")).click()
    wait_trace(page, t("flow.measured"), timeout=FIRST_LOAD_MS)
    url = wait_url(page, "/gradient_flow", depth="50", act="sigmoid")
    assert set(url) == keys_of("flow", "sigmoid"), f"not the flow page's keys: {page.url}"
    assert link_notices(page) == []

    nav.get_by_role("link", name=t("nav.explorer")).click()
    url = wait_url(page, "/", act="selu", alpha="2.5")  # the explorer as it was left
    assert set(url) == keys_of("explorer", "selu"), f"not the explorer's keys: {page.url}"
    assert slider_values(page, "alpha") == [2.5]
    assert link_notices(page) == []

    # the browser's back button: whichever page it shows, no stranger's keys and no notice
    for _ in range(3):
        page.go_back()
        page.wait_for_function("() => document.querySelector('h1') !== null")
        wait_trace(page, t("chart.f") if "/gradient_flow" not in page.url else t("flow.measured"))
        on_flow = urllib.parse.urlsplit(page.url).path.endswith("/gradient_flow")
        expect(page.locator("h1").first).to_have_text(t("flow.title") if on_flow else t("explorer.title"))
        assert set(query_of(page.url)) <= keys_of("flow" if on_flow else "explorer",
                                                  "sigmoid" if on_flow else "selu"), page.url
        assert link_notices(page) == []


# --- play, download, copy link -----------------------------------------------------------------

def test_play_replays_the_backward_pass(page: Page, served: str):
    errors = open_page(page, f"{served}/gradient_flow?depth=30", t("flow.measured"), length=30)
    page.evaluate("""() => {
      const gd = document.querySelector('.live-plot.js-plotly-plot, [data-testid="stPlotlyChart"] .js-plotly-plot');
      window.__frames = []; window.__done = 0;
      gd.on('plotly_animatingframe', e => window.__frames.push(e.name));
      gd.on('plotly_animated', () => { window.__done += 1; });
    }""")
    page.locator(".updatemenu-button").filter(has_text=t("flow.play")).click()
    page.wait_for_function("() => window.__done > 0", timeout=RERUN_MS)
    frames = page.evaluate("window.__frames")
    # from the output layer back to the input, one layer a frame
    assert frames == [str(layer) for layer in range(30, 0, -1)], frames
    charts = page.evaluate(READ_CHARTS)
    line = charts[0]["traces"][0]  # the measured line (its markers are trace 1)
    assert line["name"] == t("flow.measured") and line["x"] == list(range(1, 31))  # whole pass again
    assert errors == []


def read_download(download) -> tuple[list[str], list[list[str]]]:
    with open(download.path(), newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_download_the_explorer_csv(page: Page, served: str):
    open_page(page, f"{served}/?act=selu&alpha=2.5&scale=1.2&xmin=-3&xmax=4&second=1&overlay=relu",
              t("chart.d2f"))
    with page.expect_download(timeout=RERUN_MS) as info:
        page.get_by_role("button", name=t("export.csv")).click()
    download = info.value
    assert download.suggested_filename == "activation_selu_alpha2.5_scale1.2.csv"
    header, rows = read_download(download)
    assert header == ["x", "f", "f_prime", "f_second", f"overlay_{t('act.relu.title')}"]
    assert len(rows) == 301
    x, f = trace(page, t("chart.f"))
    np.testing.assert_array_equal(np.array([float(r[0]) for r in rows]), x)
    np.testing.assert_array_equal(np.array([float(r[1]) for r in rows]), f)


def test_download_the_flow_csv(page: Page, served: str):
    open_page(page, f"{served}/gradient_flow?depth=30&gain=1.5", t("flow.measured"), length=30)
    with page.expect_download(timeout=RERUN_MS) as info:
        page.get_by_role("button", name=t("export.csv")).click()
    download = info.value
    assert download.suggested_filename == "gradient_flow_backward_sigmoid_xavier_gain1.5_depth30.csv"
    header, rows = read_download(download)
    assert header[:3] == ["layer", "log10_grad", "log10_grad_theory"] and len(rows) == 30
    assert [int(float(r[0])) for r in rows] == list(range(1, 31))
    drawn = page.evaluate(READ_CHARTS)[0]["traces"][0]["y"]  # the measured line, 4 decimals
    np.testing.assert_allclose([float(r[1]) for r in rows], drawn, atol=6e-5)


def popover_link(page: Page) -> str:
    page.get_by_role("button", name=re.compile(re.escape(t("share.button")))).click()
    body = page.get_by_test_id("stPopoverBody")
    expect(body).to_be_visible()
    code = body.locator("code")
    expect(code).to_have_count(1)
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def test_copy_link_reopens_the_same_view(page: Page, served: str, browser):
    start = {"act": "swish", "beta": "2.5", "xmin": "-2", "xmax": "6", "overlay": "tanh"}
    open_page(page, f"{served}/?{urllib.parse.urlencode(start)}", t("chart.f"))
    here = wait_url(page, "/", **start)
    link = popover_link(page)
    parts = urllib.parse.urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == served and parts.path in ("", "/"), link
    other = browser.new_context(viewport=VIEWPORT).new_page()
    open_page(other, link, t("chart.f"))
    assert wait_url(other, "/", **start) == here
    assert slider_values(other, "beta") == [2.5]
    assert slider_values(other, t("explorer.x_range")) == [-2.0, 6.0]
    assert link_notices(other) == []
    other.context.close()


def test_copy_link_on_the_flow_page(page: Page, served: str, browser):
    open_page(page, f"{served}/gradient_flow?depth=30&init=he&seed=3", t("flow.measured"), length=30)
    here = wait_url(page, "/gradient_flow", depth="30", init="he", seed="3")
    link = popover_link(page)
    assert urllib.parse.urlsplit(link).path.endswith("/gradient_flow"), link
    other = browser.new_context(viewport=VIEWPORT).new_page()
    open_page(other, link, t("flow.measured"), length=30)
    assert wait_url(other, "/gradient_flow", depth="30", init="he", seed="3") == here
    assert slider_values(other, t("flow.depth")) == [30]
    other.context.close()


def test_copy_link_follows_a_moved_slider(page: Page, served: str):
    open_page(page, f"{served}/?act=elu&alpha=2.5", t("chart.f"))
    alpha = labelled_slider(page, "alpha")
    alpha.focus()
    alpha.press("ArrowRight")
    wait_url(page, "/", alpha="2.55")
    assert query_of(popover_link(page)).get("alpha") == "2.55"


# --- bad links -------------------------------------------------------------------------------

def test_malformed_link_gets_a_polite_notice_and_a_chart(page: Page, served: str):
    errors = open_page(page, f"{served}/?alpha=abc&xmin=%3Cscript%3E&bogus=1&act=elu",
                       t("chart.f"))
    notices = link_notices(page)
    assert len(notices) == 3, notices
    assert any("“alpha”" in n for n in notices) and any("“xmin”" in n for n in notices)
    assert any("“bogus”" in n for n in notices)
    assert not any("<script>" in n for n in notices)
    expect(page.locator("script", has_text="alert")).to_have_count(0)
    assert slider_values(page, "alpha") == [1.0]
    assert slider_values(page, t("explorer.x_range")) == [-5.0, 5.0]
    x, y = trace(page, t("chart.f"))
    assert x.size == 301 and np.isfinite(y).all()
    url = wait_url(page, "/", alpha="1", xmin="-5")
    assert "bogus" not in url
    assert page.get_by_test_id("stException").count() == 0
    assert errors == []


def test_malformed_flow_link(page: Page, served: str):
    open_page(page, f"{served}/gradient_flow?depth=-5&width=7&view=%2A%2Aside%2A%2A",
              t("flow.measured"), length=50)
    notices = link_notices(page)
    assert len(notices) == 3 and all("**" not in n for n in notices), notices
    assert slider_values(page, t("flow.depth")) == [50]
    wait_url(page, "/gradient_flow", depth="50", width="128", view="backward")
    assert page.get_by_test_id("stException").count() == 0


def test_flow_link_opened_first_after_a_restart(browser):
    from tests.browser.server import start_streamlit

    with start_streamlit("app.py") as fresh:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        try:
            try:
                open_page(page, f"{fresh.url}/gradient_flow?depth=30&gain=1.5&lang=ja",
                          t("flow.measured", "ja"))
            except AssertionError as error:  # not the bug: the page never drew
                raise RuntimeError(f"the flow page never drew: {error}") from error
            # the bug: the address is rewritten to the defaults (depth=50, gain=1, no lang)
            wait_url(page, "/gradient_flow", timeout=15_000, depth="30", gain="1.5", lang="ja")
        finally:
            context.close()
