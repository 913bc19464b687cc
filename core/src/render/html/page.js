// attnviz's interactive page: the matrix of one head, BertViz's head view, the layers × heads
// overview, the steps and the model's guesses, from the run's numbers embedded in the page. This
// file holds the page's state and controls and puts the views together (matrix_view.js,
// head_view.js, overview.js, steps.js, guesses.js, exports.js; the words in strings.js, the
// numbers in numbers.js). It makes no request, stores nothing and needs no library.
"use strict";
/* global STRINGS, MEAN, ROLLOUT, pageNumbers, matrixView, headView, overview, stepsView,
   guessesView, writingView, exportsView */

(() => {
  const data = JSON.parse(document.getElementById("attnviz-data").textContent);
  const T = data.tokens.length;
  const numbers = pageNumbers(data);
  const { compact, cached, nLayers, nHeads, hasMean, hasRollout, weightsOf } = numbers;

  const $ = (id) => document.getElementById(id);
  const say = (key, ...args) =>
    STRINGS[state.lang][key].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

  const fixed = (x) => x.toFixed(state.precision);
  const kTitleChars = 80;  // a longer text's heading is cut here

  // ---- state ----
  // The first view is the run's --head: one head, the mean (-1) or the first head.
  const firstHead = data.view.head === MEAN && !hasMean ? 0 : data.view.head;
  const state = {
    layer: 0,
    head: firstHead,
    cmap: data.cmap in data.colormaps ? data.cmap : Object.keys(data.colormaps)[0],
    theme: "auto",
    lang: data.lang === "az" ? "az" : "en",
    precision: 3,
    zoom: Math.min(3, Math.max(0.5, Number(data.scale) || 1)),
    // --highlight ROW[,COL] opens on that query (and key).
    query: data.highlight ? data.highlight[0] : T - 1,
    key: data.highlight && data.highlight[1] >= 0 ? data.highlight[1] : T - 1,
    shown: new Set([Math.max(0, firstHead)]),
    block: Boolean(data.block),  // the matrix shows only --rows/--cols's block
  };

  function colormap() {
    return cached(`cmap.${state.cmap}`, () => {
      const hex = data.colormaps[state.cmap];
      const lut = [];
      for (let i = 0; i < 256; i++) lut.push("#" + hex.slice(i * 6, i * 6 + 6));
      return lut;
    });
  }
  const colorOf = (w) => colormap()[Math.min(255, Math.max(0, Math.floor(w * 256)))];
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function headName(l, h) {
    if (h === ROLLOUT) return say("rollout");
    if (h === MEAN) return say("mean");
    const head = data.layers[l].heads[h];
    // A grouped head names the key/value head it shares: "head 5 ← KV 1".
    const kv = head.kv !== undefined ? ` ← ${say("kv_n", head.kv)}` : "";
    const base = data.model ? `${say("layer_n", data.layers[l].layer)} · ${say("head_n", h)}${kv}`
      : say("head_n", h);
    return head.labelled ? `${base} · ${head.label[state.lang]}` : base;
  }

  const clamp = (i) => Math.max(0, Math.min(T - 1, i));
  const page = {
    data, T, state, $, say, fixed, colorOf, colormap, css, headName, clamp, numbers,
    svgNs: "http://www.w3.org/2000/svg", choose, select,
  };
  const matrix = page.matrix = matrixView(page);
  const heads = headView(page);
  const grid = overview(page);
  const steps = stepsView(page);
  const guesses = guessesView(page);
  const writing = writingView(page);
  const { csv, svgText } = exportsView(page);

  function choose(query, key = state.key) {
    state.query = query;
    state.key = key;
    matrix.render();
    heads.renderLines();
    steps.render();
    guesses.render();
  }

  // ---- controls ----
  function fillSelects() {
    const layer = $("layer");
    layer.replaceChildren(...data.layers.map((entry, l) => new Option(String(entry.layer), String(l))));
    layer.value = String(state.layer);
    layer.disabled = nLayers < 2;
    const head = $("head");
    const options = [];
    for (let h = 0; h < nHeads; h++) options.push(new Option(headName(state.layer, h), String(h)));
    if (hasMean) options.push(new Option(say("mean"), String(MEAN)));
    if (hasRollout) options.push(new Option(say("rollout"), String(ROLLOUT)));
    head.replaceChildren(...options);
    head.value = String(state.head);
    const cmap = $("cmap");
    if (!cmap.options.length) {
      cmap.replaceChildren(...Object.keys(data.colormaps).map((n) => new Option(n, n)));
    }
    cmap.value = state.cmap;
  }

  // The head chosen for the matrix is the one the head view shows; more can be toggled on.
  function select(layer, head) {
    state.layer = layer;
    state.head = head;
    if (head >= 0) state.shown = new Set([head]);
    fillSelects();
    heads.renderToggles();
    renderAll();
  }

  function translate() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-text]").forEach((e) => {
      e.textContent = say(e.dataset.text, data.version);
    });
    // A long text's heading is its start; the whole text is a click away.
    const chars = [...data.text];
    const long = chars.length > kTitleChars;
    $("title").textContent = `“${long ? chars.slice(0, kTitleChars).join("").trimEnd() + "…" : data.text}”`;
    $("whole-text").hidden = !long;
    $("whole-text").querySelector("summary").textContent = say("whole_text", chars.length);
    $("whole-text").querySelector("p").textContent = data.text;
    $("details").textContent = data.details[state.lang];
    $("precision-note").hidden = !compact;
    $("precision-note").textContent = compact ? say("compact") : "";
    $("lang").value = state.lang;
  }

  function renderAll() {
    matrix.render();
    heads.renderLines();
    grid.render();
    steps.render();
    guesses.render();
    writing.render();
  }

  $("layer").addEventListener("change", (e) => select(Number(e.target.value), state.head));
  $("head").addEventListener("change", (e) => select(state.layer, Number(e.target.value)));
  $("cmap").addEventListener("change", (e) => {
    state.cmap = e.target.value;
    renderAll();
  });
  $("theme").addEventListener("change", (e) => {
    state.theme = e.target.value;
    if (state.theme === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = state.theme;
    renderAll();
  });
  $("lang").addEventListener("change", (e) => {
    state.lang = e.target.value;
    translate();
    fillSelects();
    heads.renderToggles();
    renderAll();
  });
  $("precision").addEventListener("change", (e) => {
    state.precision = Math.max(1, Math.min(9, Number(e.target.value) || 3));
    renderAll();
  });
  $("zoom").addEventListener("input", (e) => {
    state.zoom = Number(e.target.value);
    document.documentElement.style.setProperty("--scale", String(state.zoom));
    renderAll();
  });
  $("block").addEventListener("change", (e) => {
    state.block = e.target.checked;
    matrix.render();
  });
  $("controls").addEventListener("submit", (e) => e.preventDefault());
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", renderAll);

  // Read-only hooks for the browser tests: what the export buttons would save, and the state.
  window.attnvizPage = {
    csv, svg: svgText, png: () => matrix.canvas.toDataURL("image/png"), state,
    cellBox: matrix.cellBox, colorOf: (i, j) => colorOf(weightsOf(state.layer, state.head)[i * T + j]),
  };

  $("zoom").value = String(state.zoom);
  $("block-toggle").hidden = !data.block;
  document.documentElement.style.setProperty("--scale", String(state.zoom));
  translate();
  fillSelects();
  heads.renderToggles();
  renderAll();
})();
