"""Where a chart's words go, so that none covers another at any width (a 390 px phone to
a 1920 px projector): one set of rules that every figure builder uses.

- A band across the top holds the title (left) and Plotly's toolbar (right).
- The legend runs horizontally under that band. Its position is in the figure's own
  coordinates (``yref="container"``), so Plotly reserves room for it: on a phone,
  where its entries wrap into several rows, the plot area moves down instead of the
  legend running into the toolbar, the title or the axis labels.
- The animation controls sit under the x axis's tick labels and title, at a pixel
  offset: Play and Pause on one row, the frame slider on the row under it, full width.

Heights here are in CSS pixels and grow with the font (presenter mode).
"""

from __future__ import annotations

# Plotly's toolbar: save, zoom, pan, reset. Selection tools have no use on a line chart, and
# zoom in/out repeat the zoom box; four buttons leave the title room on a narrow chart.
TOOLBAR = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d",
                                                              "zoomIn2d", "zoomOut2d"]}
BAND = 36  # the title and toolbar row, at the normal font (Plotly's toolbar is ~26 px)


def top_band(font: int) -> int:
    """The height of the title and toolbar row for a figure drawn at ``font`` px."""
    return round(BAND * max(1.0, font / 15))


def x_axis_band(font: int) -> int:
    """Tick labels plus the x axis title under the plot, at ``font`` px (measured in
    Chromium: the title's lower edge is 65 px under the plot at 14 px, 94 px at 22 px)."""
    return round(3.8 * font + 24)


def frame(*, height: int, font: int, title: str = "", legend: bool = True) -> dict:
    """The layout keys every chart shares: height, margins, title, legend."""
    band = top_band(font)
    layout = {
        "height": height,
        "font": {"size": font},
        # t: the band (the legend, when there is one, reserves its own room under it)
        "margin": {"l": 60, "r": 20, "t": band + 6, "b": 10, "autoexpand": True},
        "title": {"text": title, "x": 0, "xref": "container", "xanchor": "left", "pad": {"l": 12},
                  "y": 1 - 6 / height, "yref": "container", "yanchor": "top",
                  "font": {"size": round(font * 1.1)}},
    }
    if legend:
        layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "xref": "container",
                            "y": 1 - band / height, "yanchor": "top", "yref": "container"}
    return layout


def animation_rows(font: int) -> dict:
    """Pixel offsets (under the plot area) of the Play/Pause row and the frame slider."""
    below_axis = x_axis_band(font)
    return {"buttons": below_axis, "slider": below_axis + button_height(font) + 6}


BUTTON = 44  # Play and Pause: a finger's target. Plotly draws them 33 px high at any size
# up to 24 px type; the live chart (ui/assets/live_chart.js) stretches them to this.


def button_height(font: int) -> int:
    return max(BUTTON, round(1.45 * font + 20))


def side_title(text: str, font: int) -> dict:
    """A y axis title. It runs along the plot's height, which a legend of many rows (a
    phone) or presenter mode's big type shortens: capped at 18 px, it still fits."""
    return {"text": text, "font": {"size": min(font, 18)}}
