// Live chart: sliders that redraw a Plotly chart on every step the thumb crosses.
// Python sends the committed figure and, per slider, one precomputed frame per step
// (JAX-computed on the server); while a thumb moves this only swaps frames, and on
// release (or an arrow key) it reports the value so that Python commits it.
// Served from the app's static folder and imported once per page by each element's
// loader (ui/live_chart.py), which passes a function that loads plotly.js (copied to the
// static folder from the installed `plotly` package) and resolves to it.

const frameStore = (window.__actlabFrames = window.__actlabFrames || new Map());
const MAX_STORED = 64;

function remember(ref, frames) {
  frameStore.delete(ref);
  frameStore.set(ref, frames);
  while (frameStore.size > MAX_STORED) frameStore.delete(frameStore.keys().next().value);
}

// A frame's trace is either whole, or {"$base": j, ...changes} over the committed trace j.
function expand(frameTraces, baseTraces) {
  return frameTraces.map((t) => ("$base" in t ? Object.assign({}, baseTraces[t.$base], t) : t));
}


// Plotly draws Play and Pause 33 px high whatever the type size; a finger needs 44
// (the figure leaves the room: actlib/chart_layout.py). Stretched about their centre.
const BUTTON = 44;
function fingerSizedButtons(gd) {
  gd.querySelectorAll(".updatemenu-button").forEach((button) => {
    const rect = button.querySelector(".updatemenu-item-rect");
    const height = rect ? +rect.getAttribute("height") : BUTTON;
    if (height >= BUTTON) return;
    rect.setAttribute("height", String(BUTTON));
    rect.setAttribute("y", String(-(BUTTON - height) / 2));
  });
}

// Two renders of one payload: the same bytes (a rerun that changed nothing in this chart).
function sameBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const decoder = new TextDecoder();

export default function (component, loadPlotly) {
  const { parentElement, setStateValue } = component;
  const root = parentElement.querySelector(".live-root");
  if (!root) return () => {};   // ui/live_chart.py's preload(): the loader fetches plotly.js
  const state = root.__live || (root.__live = { dragging: null, painted: 0, pending: {} });
  // state values (not triggers): Python's change callbacks read them from session state;
  // the sequence number makes every release a change, even to the same value
  const send = (name, value) => {
    window.__actlabSeq = (window.__actlabSeq || 0) + 1;
    setStateValue(name, Object.assign({ seq: window.__actlabSeq }, value));
  };
  // Frames sent only by hash that this page no longer holds: ask for them again.
  const askForMissing = (sliders) => {
    const missing = sliders.filter((s) => !s.frames && !frameStore.has(s.frames_ref)).map((s) => s.frames_ref);
    if (missing.length) send("missing", { refs: missing });
  };
  // the data: one JSON document in bytes (ui/live_chart.py), parsed once
  const raw = component.data;
  // The same bytes again (a rerun that changed nothing in this chart), with the committed
  // figure on screen rather than a dragged frame: nothing to parse or draw.
  if (raw instanceof Uint8Array && state.data && !root.dataset.shownParam && sameBytes(raw, state.raw)) {
    askForMissing(state.data.sliders);
    return () => {};
  }
  const data = raw instanceof Uint8Array ? JSON.parse(decoder.decode(raw)) : raw;
  state.raw = raw;
  state.data = data;
  root.classList.toggle("presenter", !!data.presenter);
  root.classList.toggle("sliders-below", data.sliders_position === "below");
  const chart = root.querySelector(".live-plot");
  const panel = root.querySelector(".live-sliders");
  const note = root.querySelector(".live-note");
  note.textContent = data.note || "";
  note.hidden = !data.note;

  for (const s of data.sliders) if (s.frames) remember(s.frames_ref, s.frames);
  askForMissing(data.sliders);

  // One row per slider: built when the set of sliders changes, updated otherwise.
  const signature = data.sliders.map((s) => s.name).join("|");
  if (state.signature !== signature) {
    panel.replaceChildren();
    state.rows = data.sliders.map((s, k) => {
      const row = document.createElement("div");
      row.className = "live-row";
      const label = document.createElement("label");
      label.className = "live-label";
      const input = document.createElement("input");
      input.type = "range";
      input.min = "0";
      input.step = "1";
      input.setAttribute("aria-label", s.name);
      input.dataset.param = s.name;
      const output = document.createElement("output");
      output.className = "live-value";
      label.append(document.createElement("span"), output);
      row.append(label, input);
      panel.append(row);
      // A thumb let go where it was picked up gets no change event (the value did not
      // change): the release itself must then end the drag and put the committed figure back.
      const start = () => {
        state.dragging = k;
        const ends = new AbortController();
        const end = () => {
          ends.abort();
          setTimeout(() => {   // after the change event, when there is one
            if (state.dragging !== k) return;
            state.dragging = null;
            state.showCommitted();
          }, 0);
        };
        for (const type of ["pointerup", "pointercancel", "touchend", "touchcancel"])
          window.addEventListener(type, end, { signal: ends.signal });
      };
      input.addEventListener("pointerdown", start);
      input.addEventListener("touchstart", start, { passive: true });
      input.addEventListener("input", () => show(k, +input.value, true));
      input.addEventListener("change", () => {
        state.dragging = null;
        const slider = state.data.sliders[k];
        const value = slider.values[+input.value];
        // Released on the value the page already shows: nothing new may come back to
        // redraw, so put the committed figure back here.
        if (value === slider.values[slider.index]) state.showCommitted();
        state.pending[slider.name] = { value: value, until: Date.now() + 5000 };
        send("commit", { name: slider.name, value: value });
      });
      return { input, output, text: label.firstChild };
    });
    state.signature = signature;
  }
  data.sliders.forEach((s, k) => {
    const row = state.rows[k];
    row.text.textContent = s.label;
    row.text.parentElement.title = s.help || "";
    row.input.max = String(s.values.length - 1);
    // A rerun for an older commit must not pull the thumb back: quick arrow presses
    // each commit, and the page catches up with the last one.
    // (A render of an interrupted older run can still arrive after the newest one, so the
    // local value holds for a moment after the page has caught up.)
    const pending = state.pending[s.name];
    const now = Date.now();
    if (pending && s.values[s.index] === pending.value) pending.until = Math.min(pending.until, now + 1000);
    const behind = pending && pending.until > now && s.values[s.index] !== pending.value;
    if (pending && pending.until <= now) delete state.pending[s.name];
    if (behind && state.dragging !== k) {   // the values may have moved (a link's value left them)
      const i = s.values.indexOf(pending.value);
      if (i >= 0) row.input.value = String(i);
      // if the page never catches up (a commit the server dropped), show what it has
      clearTimeout(row.resync);
      row.resync = setTimeout(() => {
        const now = state.data.sliders[k];
        if (state.dragging === k || !now || (state.pending[now.name] || {}).until > Date.now()) return;
        delete state.pending[now.name];
        row.input.value = String(now.index);
        row.input.setAttribute("aria-valuetext", now.texts[now.index]);
        row.output.textContent = now.texts[now.index];
      }, pending.until - now + 20);
    }
    if (state.dragging !== k && !behind) {   // never yank a thumb out of the hand
      row.input.value = String(s.index);
      row.input.setAttribute("aria-valuetext", s.texts[s.index]);
      row.output.textContent = s.texts[s.index];
    }
  });

  // On a touch screen a finger on the chart scrolls the page, and there is no toolbar: its
  // zoom and pan tools fight the finger, and on a phone it covers the title and legend
  // (Plotly draws it 44 px high for touch). A mouse drags a zoom box, with the toolbar.
  const touch = window.matchMedia("(pointer: coarse)").matches;
  // on state, not in this render's closure: the sliders' listeners were made by an
  // earlier render, and a dragged frame drawn with that render's config (its download
  // name) would make Plotly replot the whole chart at the drag's first step and again on release
  state.config = Object.assign({ responsive: true, displaylogo: false }, data.config || {},
                               touch ? { displayModeBar: false } : {});
  // One Plotly call at a time on this chart, the latest request drawn and the ones it
  // replaced dropped. Plotly.react given a new config (the download's file name holds the
  // parameter's value) replots and then reacts again; two such calls in flight on one
  // chart undo each other's config forever, and the tab froze (quick arrow presses).
  // ``after`` runs once this request is on screen, never for a dropped one.
  function paint(traces, layout, frames, after) {
    const figure = { data: traces, layout: touch ? Object.assign({}, layout, { dragmode: false }) : layout,
                     config: state.config };
    if (frames) figure.frames = frames;
    state.nextPaint = { figure, after };
    if (!state.painting) drawNext();
  }
  function drawNext() {
    const job = state.nextPaint;
    state.nextPaint = null;
    state.painting = !!job;
    if (!job) return;
    const drawn = loadPlotly().then((Plotly) => Plotly.react(chart, job.figure)).then(() => {
      fingerSizedButtons(chart);
      if (!state.buttonsHooked) {   // Plotly redraws its buttons on a resize and on Play
        chart.on("plotly_afterplot", () => fingerSizedButtons(chart));
        state.buttonsHooked = true;
      }
      state.painted += 1;
      root.dataset.painted = String(state.painted);
      if (job.after) job.after();
    });
    // a failed paint still lets the next one run, and stays an error on the page
    drawn.then(drawNext, (error) => { drawNext(); throw error; });
  }
  // While dragging: at most one paint per animation frame, always the latest step.
  function show(k, i, live) {
    const slider = state.data.sliders[k];
    state.rows[k].output.textContent = slider.texts[i];
    state.rows[k].input.setAttribute("aria-valuetext", slider.texts[i]);
    const frames = frameStore.get(slider.frames_ref);
    if (!live) return;
    if (!frames || i >= frames.length || !state.data.figure) {   // no frame here: this value is drawn on release
      caption.textContent = slider.beyond || "";
      root.dataset.shownParam = "";
      return;
    }
    const wanted = { k, i };
    if (state.livePending) { state.livePending.wanted = wanted; return; }
    state.livePending = { wanted };
    requestAnimationFrame(() => {
      if (!state.livePending) return;   // released meanwhile, onto the committed figure
      const { k: kk, i: ii } = state.livePending.wanted;
      state.livePending = null;
      const s = state.data.sliders[kk];
      const frame = frameStore.get(s.frames_ref)[ii];
      const layout = Object.assign({}, state.data.figure.layout, frame.layout || {});
      delete layout.updatemenus;   // the committed figure's animation controls wait for release
      delete layout.sliders;
      paint(expand(frame.data, state.data.figure.data), layout, null, () => {
        root.dataset.shownParam = s.name;
        root.dataset.shownValue = String(s.values[ii]);
        caption.textContent = frame.text || "";
      });
    });
  }
  const caption = root.querySelector(".live-caption");
  chart.hidden = !data.figure;
  // the committed figure and its read-out (the listeners above reach it through state)
  state.showCommitted = () => {
    const now = state.data;
    state.livePending = null;   // a dragged frame still waiting to be painted
    caption.textContent = now.text || "";
    if (!now.figure) return;
    paint(now.figure.data, now.figure.layout, now.figure.frames || null, () => {
      root.dataset.shownParam = "";
      root.dataset.shownValue = "";
    });
  };
  if (state.dragging === null) state.showCommitted();
  return () => {};
}
