"""Layout checks run inside the page: which of a chart's texts and controls overlap,
what sticks out past the viewport, and how much of the chart is on screen. Shared by
the phone-layout tests and docs/make_screenshots.py (stdlib only)."""

# A chart's labelled parts, one group per selector: two boxes from different parts (or
# two entries of one part) must not intersect. Boxes narrower or lower than 1 px (an
# empty title) are left out; touching edges (within 1 px) do not count.
CHART_PARTS = {
    "xtitle": ".g-xtitle text", "ytitle": ".g-ytitle text", "y2title": ".g-y2title text",
    "legend": ".legend .traces", "legendtitle": ".legend .legendtitletext",
    "button": ".updatemenu-button", "slider": ".slider-container", "toolbar": ".modebar-container",
    "title": ".gtitle", "colorbar": ".colorbar",
}

OVERLAPS = r"""(parts) => {
  const found = [];
  document.querySelectorAll('.js-plotly-plot').forEach((gd, chart) => {
    const boxes = [];
    for (const [part, selector] of Object.entries(parts)) {
      gd.querySelectorAll(selector).forEach((el, i) => {
        let r = el.getBoundingClientRect();
        if (part === 'toolbar') {  // the container spans the chart; its buttons are what shows
          const bar = el.querySelector('.modebar');
          if (!bar) return;
          r = bar.getBoundingClientRect();
        }
        if (r.width < 1 || r.height < 1) return;
        boxes.push({part, i, text: (el.textContent || '').trim().slice(0, 40),
                    l: r.left, r: r.right, t: r.top, b: r.bottom});
      });
    }
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const p = boxes[a], q = boxes[b];
        const w = Math.min(p.r, q.r) - Math.max(p.l, q.l), h = Math.min(p.b, q.b) - Math.max(p.t, q.t);
        if (w > 1 && h > 1) found.push({chart, a: `${p.part}[${p.i}] ${p.text}`, b: `${q.part}[${q.i}] ${q.text}`,
                                        w: Math.round(w), h: Math.round(h)});
      }
    }
  });
  return found;
}"""

# Elements wider than the viewport, or reaching past its right edge (a horizontal scroll).
TOO_WIDE = r"""() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll('body *').forEach((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    if (r.right > width + 1 && r.left < width) {  // (hidden off-screen helpers sit far left)
      // inside a scrolling box (a wide formula, a table) is fine: the box scrolls, not the page
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (p.matches('[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stApp"]')) break;  // the page
        const style = getComputedStyle(p);
        const pr = p.getBoundingClientRect();
        if (/(auto|scroll|hidden|clip)/.test(style.overflowX) && pr.right <= width + 1) return;
      }
      out.push({tag: el.tagName, cls: String(el.className).slice(0, 60), l: Math.round(r.left), r: Math.round(r.right)});
    }
  });
  const scroller = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
  return {width, scroll: scroller.scrollWidth - scroller.clientWidth, out: out.slice(0, 10)};
}"""

# How much of the chart is on screen together with the slider, scrolled the way a student
# would: the slider to the bottom of the screen when it sits under the chart (a phone),
# to the top when it sits above. Streamlit's header bar covers the top of the screen.
CHART_AND_SLIDER = r"""(slider) => {
  const root = document.querySelector('.live-root');
  const plot = root && root.querySelector('.live-plot .main-svg');
  const input = root && root.querySelector(`input[aria-label="${slider}"]`);
  if (!plot || !input) return null;
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  const below = input.getBoundingClientRect().top > plot.getBoundingClientRect().top;
  input.style.scrollMarginTop = `${top + 8}px`;
  input.scrollIntoView({block: below ? 'end' : 'start', behavior: 'instant'});
  const h = window.innerHeight, c = plot.getBoundingClientRect(), s = input.getBoundingClientRect();
  const visible = Math.max(0, Math.min(c.bottom, h) - Math.max(c.top, top));
  return {chart: visible / c.height, slider_on_screen: s.top >= top - 1 && s.bottom <= h + 1, below,
          header: Math.round(top), chart_top: Math.round(c.top), chart_bottom: Math.round(c.bottom),
          slider_top: Math.round(s.top), slider_bottom: Math.round(s.bottom), viewport: h};
}"""

# What a finger presses, smaller than ``min`` CSS px either way: buttons and links, a
# select box, a number box, a switch's label, a slider's track and thumbs, the live
# chart's sliders, expander headers. Visually hidden helpers (an input inside a clipped
# 1 px box, a skip link) are left out: a finger presses the thing drawn over them.
SMALL_TARGETS = r"""(min) => {
  const hidden = (el) => {
    for (let e = el, k = 0; e && k < 4; e = e.parentElement, k++) {
      const s = getComputedStyle(e), r = e.getBoundingClientRect();
      if (s.visibility === 'hidden' || s.display === 'none' || s.clipPath === 'inset(50%)'
          || (r.width <= 1 && r.height <= 1)) return true;
    }
    return false;
  };
  const targets = new Set();
  const folded = (el) => el.closest('[data-testid="stSidebar"][aria-expanded="false"]');  // off screen
  const add = (el) => { if (el && !hidden(el) && !folded(el)) targets.add(el); };
  const main = document.querySelector('[data-testid="stAppViewContainer"]') || document.body;
  main.querySelectorAll('button, a[href], summary').forEach((el) => {
    if (!el.closest('[data-baseweb="select"], .modebar, .katex')) add(el);
  });
  main.querySelectorAll('[data-baseweb="select"]').forEach(add);
  main.querySelectorAll('[data-testid="stNumberInputContainer"]').forEach(add);
  main.querySelectorAll('[data-testid="stCheckbox"] label').forEach(add);
  main.querySelectorAll('[data-testid="stSlider"] [role="group"]').forEach(add);
  main.querySelectorAll('[data-testid="stSlider"] input[type="range"]').forEach((input) => {
    const thumb = input.parentElement && input.parentElement.parentElement;
    if (thumb && !folded(thumb)) targets.add(thumb);
  });
  main.querySelectorAll('.live-root input[type="range"]').forEach(add);
  const out = [];
  targets.forEach((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0) return;  // (a folded sidebar sits left of the screen)
    if (r.height < min - 0.5 || r.width < min - 0.5)
      out.push({tag: el.tagName, testid: (el.closest('[data-testid]') || {}).dataset?.testid || '',
                label: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30),
                w: Math.round(r.width), h: Math.round(r.height)});
  });
  return out;
}"""

# The script idle for ``ms`` running, and every chart on the page drawn.
SETTLED = r"""(ms) => {
  const idle = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
               === 'notRunning' && [...document.querySelectorAll('.live-root .live-plot:not([hidden])')]
               .every((p) => p.querySelector('.main-svg'));
  const now = performance.now();
  if (!idle) { window.__layoutSince = null; return false; }
  window.__layoutSince = window.__layoutSince || now;
  return now - window.__layoutSince > ms;
}"""
