"""The plotly.js the app serves (the installed plotly package's) draws every kind of
figure the app makes: each trace type is registered, and each figure plots, with its
frames, without an error and with the traces the spec asks for."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from actlib import flow_figures
from actlib.text import t
from tests.test_figures import explorer_spec, flow_labels, measured_log10, theory_log10, training_labels
from ui import live_chart

pytestmark = pytest.mark.browser


def every_figure() -> dict[str, dict]:
    """One of each figure builder's output, as the pages build them."""
    rng = np.random.default_rng(0)
    edges = np.linspace(-6.0, 6.0, 61)
    z = np.linspace(-6, 6, 241)
    shares = np.histogram(rng.standard_normal(4000), edges)[0] / 4000
    return {
        "explorer": explorer_spec("elu", second=True, overlays=("relu",), probe_x=-1.0)[0],
        "backward": flow_figures.backward_animation(measured_log10(60), theory_log10(60), labels=flow_labels()),
        "histogram": flow_figures.preactivation_histogram(
            shares, edges, z, 1 - np.tanh(z) ** 2,
            labels={"histogram": t("flow.histogram", layer=3), "derivative": t("flow.derivative"), "z": "z"}),
        "fractions": flow_figures.layer_fractions({"saturated": rng.uniform(0, 1, 20)},
                                                  labels={"layer": t("flow.layer")}),
        "training": flow_figures.training_heatmap(rng.standard_normal((40, 12)), labels=training_labels()),
        "dead": flow_figures.dead_units_over_steps(
            np.linspace(0, 0.6, 40)[:, None] * np.ones((1, 5)),
            labels={"step_axis": t("flow.step_axis"), "dead_share": t("dead.share"),
                    "layer_n": t("dead.layer_n")}),
    }


DRAW = """async (spec) => {
  const gd = document.getElementById('g');
  Plotly.purge(gd);
  await Plotly.newPlot(gd, spec.data, spec.layout, {staticPlot: false});
  if (spec.frames && spec.frames.length) {
    await Plotly.addFrames(gd, spec.frames);
    await Plotly.animate(gd, [spec.frames[spec.frames.length - 1].name],
                         {frame: {duration: 0, redraw: true}, transition: {duration: 0}, mode: 'immediate'});
  }
  return {types: gd._fullData.map((tr) => tr.type),
          drawn: gd.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .heatmaplayer image').length};
}"""


def test_the_served_bundle_draws_every_figure_the_app_makes(browser):
    # (that the served copy is this file: tests/test_live_chart_script.py)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.set_content("<div id='g' style='width:900px;height:480px'></div>")
        page.add_script_tag(path=str(live_chart.PLOTLY_BUNDLE))
        version, registered = page.evaluate("() => [Plotly.version, Object.keys(Plotly.PlotSchema.get().traces)]")
        header = live_chart.PLOTLY_BUNDLE.read_bytes()[:200].decode()
        assert re.search(r"plotly\.js v(\S+)", header).group(1) == version
        for name, spec in every_figure().items():
            wanted = [tr.get("type", "scatter") for tr in spec["data"]]
            assert set(wanted) <= set(registered), (name, wanted)
            result = page.evaluate(DRAW, json.loads(json.dumps(spec, allow_nan=False)))
            assert result["types"] == wanted, name
            assert result["drawn"] >= 1, name
        assert errors == []
    finally:
        page.close()
