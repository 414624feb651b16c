"""The live chart's script travels once per page, not once per element per rerun.

Each chart element carries a few lines that import the script from the app's static
folder; the file served there must be exactly ui/assets/live_chart.js, and plotly.js
exactly the installed package's. (tests/browser/test_plotly_bundle.py draws one of each
figure with it; a load that fails is tests/browser/test_live_slider.py's.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import plotly

from actlib.text import t
from apptest_helpers import ROOT, new_app

SCRIPT = ROOT / "ui" / "assets" / "live_chart.js"
PLOTLY = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def served(address: str) -> Path:
    """Where Streamlit's static serving reads ``app/static/...`` from."""
    assert address.startswith("app/static/"), address
    return ROOT / "static" / address.removeprefix("app/static/")


def test_every_element_imports_the_script_instead_of_carrying_it(monkeypatch):
    at = new_app(monkeypatch)
    elements = at.get("bidi_component")
    names = {e.proto.component_name for e in elements}
    assert {"actlab.live_chart", "actlab.plotly_preload"} <= names, names
    script = SCRIPT.read_text()
    for element in elements:
        js = element.proto.js_content
        assert len(js) < len(script) / 5, len(js)
        assert "Plotly.react" not in js
        (module,) = re.findall(r'import\(new URL\("([^"]+)"', js)
        assert served(module).read_bytes() == SCRIPT.read_bytes()
        # a content-named file: a browser holding an older copy asks for a new name
        assert re.fullmatch(r"app/static/vendor/live_chart\.[0-9a-f]{12}\.js", module), module
        (plotly_at,) = re.findall(r'script\.src = new URL\("([^"]+)"', js)
        assert served(plotly_at).read_bytes() == PLOTLY.read_bytes()
        assert re.fullmatch(r"app/static/vendor/plotly\.[0-9a-f]{12}\.js", plotly_at), plotly_at
        # a chart's failed load is told in both languages, from the catalogue
        if element.proto.component_name == "actlab.live_chart":
            assert t("chart.script_failed", "en") in js and t("chart.script_failed", "ja") in js


def test_importing_the_chart_module_loads_neither_actlib_nor_jax():
    """app.py imports it first so that the preloader goes out before JAX loads; importing
    actlib.text from it then ran into actlib's own import of the catalogue (a cycle that
    broke every page of a freshly started school process)."""
    check = "import sys, ui.live_chart; print(sorted(m for m in ('actlib', 'jax') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
