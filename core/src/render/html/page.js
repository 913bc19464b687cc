// attnviz's interactive page: the matrix of one head, BertViz's head view, the layers × heads
// overview and the model's guesses, from the run's numbers embedded in the page. It makes no
// request, stores nothing and needs no library.
"use strict";

(() => {
  const data = JSON.parse(document.getElementById("attnviz-data").textContent);
  const T = data.tokens.length;

  const STRINGS = {
    en: {
      layer: "Layer", head: "Head", colormap: "Colormap", theme: "Theme", theme_auto: "system",
      theme_light: "light", theme_dark: "dark", language: "Language", precision: "Digits",
      zoom: "Zoom", export_csv: "Export CSV", export_png: "Export PNG", export_svg: "Export SVG",
      matrix: "Attention weights", head_view: "Head view", overview: "Every layer and head",
      guesses: "The model's next-token guesses", heads_shown: "Heads shown",
      mean: "mean of the heads", rollout: "rollout (every layer)",
      head_n: "head {0}", layer_n: "layer {0}", query: "query", key: "key", masked: "masked",
      matrix_hint: "Hover or focus a cell for its numbers; click a row, or use the arrow keys, " +
        "to choose the query.",
      lines_hint: "Lines from the chosen token (left) to the tokens it attends to (right): the " +
        "thicker, the more weight. Hover a token or use ↑ ↓.",
      weight: "weight", score: "score", scaled: "scaled",
      position: "position", token: "token",
      footer: "Made by attnviz {0}. This page works offline: it loads nothing and sends nothing.",
    },
    az: {
      layer: "Qat", head: "Baş", colormap: "Rəng xəritəsi", theme: "Tema", theme_auto: "sistem",
      theme_light: "açıq", theme_dark: "tünd", language: "Dil", precision: "Rəqəm",
      zoom: "Miqyas", export_csv: "CSV ixrac", export_png: "PNG ixrac", export_svg: "SVG ixrac",
      matrix: "Diqqət çəkiləri", head_view: "Baş görünüşü", overview: "Bütün qatlar və başlar",
      guesses: "Modelin növbəti token təxminləri", heads_shown: "Göstərilən başlar",
      mean: "başların ortası", rollout: "yayılma (bütün qatlar)",
      head_n: "baş {0}", layer_n: "qat {0}", query: "sorğu", key: "açar", masked: "maskalanıb",
      matrix_hint: "Rəqəmləri görmək üçün xananın üzərinə gəlin və ya onu seçin; sorğunu " +
        "seçmək üçün sətrə klikləyin və ya ox düymələrini işlədin.",
      lines_hint: "Seçilmiş tokendən (solda) onun baxdığı tokenlərə (sağda) xətlər: nə qədər " +
        "qalındırsa, çəki o qədər böyükdür. Tokenin üzərinə gəlin və ya ↑ ↓ işlədin.",
      weight: "çəki", score: "bal", scaled: "miqyaslı",
      position: "mövqe", token: "token",
      footer: "attnviz {0} ilə hazırlanıb. Bu səhifə oflayn işləyir: heç nə yükləmir, heç nə " +
        "göndərmir.",
    },
  };
  const HEAD_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"];
  const MEAN = -1;
  const ROLLOUT = -2;

  const $ = (id) => document.getElementById(id);
  const say = (key, ...args) =>
    STRINGS[state.lang][key].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

  // ---- the numbers ----
  function floats(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  }
  const cache = new Map();
  function cached(key, make) {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key);
  }
  const nLayers = data.layers.length;
  const nHeads = data.layers[0].heads.length;
  const headWeights = (l, h) => cached(`w${l}.${h}`, () => floats(data.layers[l].heads[h].weights));
  const headScores = (l, h) =>
    data.layers[l].heads[h].scores ? cached(`s${l}.${h}`, () => floats(data.layers[l].heads[h].scores)) : null;
  function meanWeights(l) {
    return cached(`m${l}`, () => {
      const out = new Float32Array(T * T);
      for (let h = 0; h < nHeads; h++) {
        const w = headWeights(l, h);
        for (let i = 0; i < out.length; i++) out[i] += w[i];
      }
      for (let i = 0; i < out.length; i++) out[i] /= nHeads;
      return out;
    });
  }
  // Attention rollout (Abnar & Zuidema): Â = ½·mean + ½·I, rows renormalized; R = Â_L ⋯ Â_1.
  function rollout() {
    return cached("rollout", () => {
      let result = null;
      for (let l = 0; l < nLayers; l++) {
        const m = meanWeights(l);
        const a = new Float64Array(T * T);
        for (let i = 0; i < T; i++) {
          let sum = 0;
          for (let j = 0; j < T; j++) {
            a[i * T + j] = 0.5 * m[i * T + j] + (i === j ? 0.5 : 0);
            sum += a[i * T + j];
          }
          for (let j = 0; j < T; j++) a[i * T + j] /= sum;
        }
        if (result === null) {
          result = a;
          continue;
        }
        const next = new Float64Array(T * T);
        for (let i = 0; i < T; i++) {
          for (let k = 0; k < T; k++) {
            const v = a[i * T + k];
            if (v === 0) continue;
            for (let j = 0; j < T; j++) next[i * T + j] += v * result[k * T + j];
          }
        }
        result = next;
      }
      return Float32Array.from(result);
    });
  }
  function weightsOf(l, h) {
    if (h === ROLLOUT) return rollout();
    if (h === MEAN) return meanWeights(l);
    return headWeights(l, h);
  }
  const masked = (i, j) => data.causal && j > i;

  // The shortest decimal that reads back as the same float32, as attnviz's JSON writes it.
  function shortest(x) {
    if (x === 0) return "0";
    for (let p = 1; p <= 9; p++) {
      const s = Number(x.toPrecision(p));
      if (Math.fround(s) === x) return String(s);
    }
    return String(x);
  }
  const fixed = (x) => x.toFixed(state.precision);

  // ---- state ----
  const state = {
    layer: 0,
    head: nHeads > 1 && data.model ? 0 : 0,
    cmap: data.cmap in data.colormaps ? data.cmap : Object.keys(data.colormaps)[0],
    theme: "auto",
    lang: data.lang === "az" ? "az" : "en",
    precision: 3,
    zoom: 1,
    query: T - 1,
    key: T - 1,
    shown: new Set([0]),
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
    const base = data.model ? `${say("layer_n", data.layers[l].layer)} · ${say("head_n", h)}`
      : say("head_n", h);
    return head.labelled ? `${base} · ${head.label[state.lang]}` : base;
  }

  // ---- matrix view ----
  const matrix = $("matrix");
  let geometry = null;

  function drawMatrix(canvas, w, cell, withLabels) {
    const ctx = canvas.getContext("2d");
    const font = Math.max(9, Math.min(16, cell * 0.8));
    ctx.font = `${font}px system-ui, "DejaVu Sans", sans-serif`;
    const labelWidth = withLabels ? Math.max(...data.labels.map((t) => ctx.measureText(t).width)) + 8 : 0;
    const left = withLabels ? labelWidth + 4 : 0;
    const top = withLabels ? labelWidth + 4 : 0;
    const barWidth = withLabels ? 60 : 0;
    const size = T * cell;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.ceil((left + size + barWidth) * ratio);
    canvas.height = Math.ceil((top + size + (withLabels ? 4 : 0)) * ratio);
    canvas.style.width = `${left + size + barWidth}px`;
    canvas.style.height = `${top + size + (withLabels ? 4 : 0)}px`;
    ctx.scale(ratio, ratio);
    ctx.font = `${font}px system-ui, "DejaVu Sans", sans-serif`;
    ctx.fillStyle = css("--bg");
    ctx.fillRect(0, 0, left + size + barWidth, top + size + 4);
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        const x = left + j * cell;
        const y = top + i * cell;
        if (masked(i, j)) {
          ctx.fillStyle = css("--masked");
          ctx.fillRect(x, y, cell, cell);
          if (cell >= 6) {
            ctx.strokeStyle = css("--hatch");
            ctx.beginPath();
            ctx.moveTo(x, y + cell);
            ctx.lineTo(x + cell, y);
            ctx.stroke();
          }
        } else {
          ctx.fillStyle = colorOf(w[i * T + j]);
          ctx.fillRect(x, y, cell, cell);
        }
      }
    }
    if (!withLabels) return null;
    ctx.fillStyle = css("--fg");
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    for (let i = 0; i < T; i++) ctx.fillText(data.labels[i], left - 4, top + (i + 0.5) * cell);
    ctx.save();
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "left";
    for (let j = 0; j < T; j++) ctx.fillText(data.labels[j], -top + 4, left + (j + 0.5) * cell);
    ctx.restore();
    // The chosen query's row, outlined.
    ctx.strokeStyle = css("--focus");
    ctx.lineWidth = 2;
    ctx.strokeRect(left + 1, top + state.query * cell + 1, size - 2, cell - 2);
    // The colorbar, 0 at the bottom, 1 at the top.
    const bx = left + size + 16;
    for (let k = 0; k < size; k++) {
      ctx.fillStyle = colorOf(1 - (k + 0.5) / size);
      ctx.fillRect(bx, top + k, 14, 1);
    }
    ctx.fillStyle = css("--fg");
    ctx.textAlign = "left";
    ctx.fillText("1", bx + 18, top + 6);
    ctx.fillText("0", bx + 18, top + size - 6);
    return { left, top, cell };
  }

  function renderMatrix() {
    const w = weightsOf(state.layer, state.head);
    const cell = Math.max(6, Math.min(36, Math.floor(560 / T))) * state.zoom;
    geometry = drawMatrix(matrix, w, cell, true);
    $("matrix-title").textContent = `${say("matrix")}: ${headName(state.layer, state.head)}`;
    matrix.setAttribute("aria-label", `${say("matrix")}, ${T} × ${T}`);
    describeCell(state.query, state.key);
  }

  function describeCell(i, j) {
    const w = weightsOf(state.layer, state.head);
    const q = data.labels[i];
    const k = data.labels[j];
    let text = `${say("query")} ${i} ${q} → ${say("key")} ${j} ${k}: `;
    if (masked(i, j)) {
      text += say("masked");
    } else {
      text += `${say("weight")} ${fixed(w[i * T + j])}`;
      const scores = state.head >= 0 ? headScores(state.layer, state.head) : null;
      if (scores) {
        const raw = scores[i * T + j];
        const scale = data.layers[state.layer].scale;
        text += `; ${say("score")} ${fixed(raw)}, ${say("scaled")} ${fixed(Math.fround(raw * scale))}`;
      }
    }
    $("tooltip").textContent = text;
  }

  function cellAt(event) {
    if (!geometry) return null;
    const rect = matrix.getBoundingClientRect();
    const j = Math.floor((event.clientX - rect.left - geometry.left) / geometry.cell);
    const i = Math.floor((event.clientY - rect.top - geometry.top) / geometry.cell);
    return i >= 0 && i < T && j >= 0 && j < T ? [i, j] : null;
  }
  matrix.addEventListener("mousemove", (event) => {
    const at = cellAt(event);
    if (at) describeCell(at[0], at[1]);
  });
  matrix.addEventListener("click", (event) => {
    const at = cellAt(event);
    if (at) choose(at[0], at[1]);
  });
  matrix.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    choose(clamp(state.query + move[0]), clamp(state.key + move[1]));
  });
  const clamp = (i) => Math.max(0, Math.min(T - 1, i));

  function choose(query, key = state.key) {
    state.query = query;
    state.key = key;
    renderMatrix();
    renderLines();
    renderGuesses();
  }

  // ---- head view ----
  const svgNs = "http://www.w3.org/2000/svg";
  function element(name, attributes, text) {
    const e = document.createElementNS(svgNs, name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderToggles() {
    const box = $("head-toggles");
    box.querySelectorAll("label").forEach((e) => e.remove());
    for (let h = 0; h < nHeads; h++) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = state.shown.has(h);
      input.dataset.head = String(h);
      input.addEventListener("change", () => {
        if (input.checked) state.shown.add(h); else state.shown.delete(h);
        renderLines();
      });
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = HEAD_COLORS[h % HEAD_COLORS.length];
      label.append(input, swatch, document.createTextNode(say("head_n", h)));
      box.append(label);
    }
  }

  function renderLines() {
    const svg = $("lines");
    svg.replaceChildren();
    const row = 22 * state.zoom;
    const width = 360 * state.zoom;
    const textX = 8;
    svg.setAttribute("width", width);
    svg.setAttribute("height", T * row + 8);
    svg.setAttribute("aria-label", `${say("head_view")}: ${data.labels[state.query]}`);
    const fg = css("--fg");
    const leftEdge = width * 0.3;
    const rightEdge = width * 0.7;
    for (const h of [...state.shown].sort((a, b) => a - b)) {
      const w = headWeights(state.layer, h);
      for (let j = 0; j < T; j++) {
        const weight = w[state.query * T + j];
        if (masked(state.query, j) || weight <= 0) continue;
        svg.append(element("line", {
          x1: leftEdge, y1: (state.query + 0.5) * row + 4, x2: rightEdge, y2: (j + 0.5) * row + 4,
          stroke: HEAD_COLORS[h % HEAD_COLORS.length], "stroke-width": 1 + 5 * weight,
          "stroke-opacity": Math.max(0.08, weight), "data-head": h, "data-key": j,
          "data-weight": shortest(weight),
        }));
      }
    }
    for (let i = 0; i < T; i++) {
      const y = (i + 0.5) * row + 4;
      const left = element("text", {
        x: leftEdge - textX, y, "text-anchor": "end", "dominant-baseline": "middle", fill: fg,
        "font-weight": i === state.query ? "bold" : "normal", "data-query": i,
        "font-size": 14 * state.zoom,
      }, data.labels[i]);
      left.addEventListener("mouseenter", () => choose(i));
      svg.append(left);
      svg.append(element("text", {
        x: rightEdge + textX, y, "dominant-baseline": "middle", fill: fg, "font-size": 14 * state.zoom,
      }, data.labels[i]));
    }
  }
  $("lines-box").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    choose(clamp(state.query + (event.key === "ArrowUp" ? -1 : 1)));
  });

  // ---- overview ----
  function renderOverview() {
    const grid = $("grid");
    grid.replaceChildren();
    const extra = data.model ? 1 : 0;  // each layer's mean
    grid.style.gridTemplateColumns = `auto repeat(${nHeads + extra}, max-content)`;
    const cell = Math.max(1, Math.floor(56 / T));
    const tile = (l, h) => {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("aria-pressed", String(l === state.layer && h === state.head));
      button.setAttribute("aria-label", headName(l, h));
      button.title = headName(l, h);
      const canvas = document.createElement("canvas");
      drawMatrix(canvas, weightsOf(l, h), cell, false);
      canvas.style.width = "56px";
      canvas.style.height = "56px";
      const caption = document.createElement("span");
      caption.className = "label";
      const head = h >= 0 ? data.layers[l].heads[h] : null;
      caption.textContent = h === MEAN ? say("mean") : h === ROLLOUT ? say("rollout")
        : (head.labelled ? head.label[state.lang] : say("head_n", h));
      button.append(canvas, caption);
      button.addEventListener("click", () => select(h === ROLLOUT ? state.layer : l, h));
      return button;
    };
    for (let l = 0; l < nLayers; l++) {
      const title = document.createElement("span");
      title.className = "row-title";
      title.textContent = say("layer_n", data.layers[l].layer);
      grid.append(title);
      for (let h = 0; h < nHeads; h++) grid.append(tile(l, h));
      if (extra) grid.append(tile(l, MEAN));
    }
    if (data.model && nLayers > 1) {
      const title = document.createElement("span");
      title.className = "row-title";
      grid.append(title, tile(0, ROLLOUT));
    }
  }

  // ---- guesses ----
  function renderGuesses() {
    if (!data.predictions.length) return;
    $("guesses").hidden = false;
    const table = $("guess-table");
    table.replaceChildren();
    const head = table.insertRow();
    for (const text of [say("position"), say("token"), "1", "2", "3", "4", "5"]) {
      const th = document.createElement("th");
      th.textContent = text;
      head.append(th);
    }
    data.predictions.forEach((row, i) => {
      const tr = table.insertRow();
      if (i === state.query) tr.className = "selected";
      tr.insertCell().textContent = String(i);
      tr.insertCell().textContent = data.labels[i];
      for (const g of row) tr.insertCell().textContent = `${g.token} ${fixed(g.p)}`;
    });
  }

  // ---- exports ----
  function csv() {
    const w = weightsOf(state.layer, state.head);
    const quote = (s) => `"${s.replace(/"/g, '""')}"`;
    const lines = [[quote("query\\key"), ...data.tokens.map(quote)].join(",")];
    for (let i = 0; i < T; i++) {
      const cells = [quote(data.tokens[i])];
      for (let j = 0; j < T; j++) cells.push(shortest(w[i * T + j]));
      lines.push(cells.join(","));
    }
    return lines.join("\n") + "\n";
  }
  function svgText() {
    const w = weightsOf(state.layer, state.head);
    const cell = 20;
    const parts = [`<svg xmlns="${svgNs}" width="${T * cell}" height="${T * cell}">`];
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        const fill = masked(i, j) ? "#e4e4e4" : colorOf(w[i * T + j]);
        parts.push(`<rect x="${j * cell}" y="${i * cell}" width="${cell}" height="${cell}" fill="${fill}"/>`);
      }
    }
    parts.push("</svg>");
    return parts.join("\n");
  }
  function download(name, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  const fileName = (ext) => `attnviz-layer${data.layers[state.layer].layer}-${
    state.head === MEAN ? "mean" : state.head === ROLLOUT ? "rollout" : "head" + state.head}.${ext}`;
  $("export-csv").addEventListener("click", () =>
    download(fileName("csv"), new Blob([csv()], { type: "text/csv" })));
  $("export-svg").addEventListener("click", () =>
    download(fileName("svg"), new Blob([svgText()], { type: "image/svg+xml" })));
  $("export-png").addEventListener("click", () =>
    matrix.toBlob((blob) => download(fileName("png"), blob), "image/png"));

  // ---- controls ----
  function fillSelects() {
    const layer = $("layer");
    layer.replaceChildren(...data.layers.map((entry, l) => new Option(String(entry.layer), String(l))));
    layer.value = String(state.layer);
    layer.disabled = nLayers < 2;
    const head = $("head");
    const options = [];
    for (let h = 0; h < nHeads; h++) options.push(new Option(headName(state.layer, h), String(h)));
    if (nHeads > 1) options.push(new Option(say("mean"), String(MEAN)));
    if (data.model && nLayers > 1) options.push(new Option(say("rollout"), String(ROLLOUT)));
    head.replaceChildren(...options);
    head.value = String(state.head);
    const cmap = $("cmap");
    if (!cmap.options.length) {
      cmap.replaceChildren(...Object.keys(data.colormaps).map((n) => new Option(n, n)));
    }
    cmap.value = state.cmap;
  }

  function select(layer, head) {
    state.layer = layer;
    state.head = head;
    fillSelects();
    renderAll();
  }

  function translate() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-text]").forEach((e) => {
      e.textContent = say(e.dataset.text, data.version);
    });
    $("title").textContent = `“${data.text}”`;
    $("details").textContent = data.details[state.lang];
    $("lang").value = state.lang;
  }

  function renderAll() {
    renderMatrix();
    renderLines();
    renderOverview();
    renderGuesses();
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
    renderToggles();
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
  $("controls").addEventListener("submit", (e) => e.preventDefault());
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", renderAll);

  // Read-only hooks for the browser tests: what the export buttons would save, and the state.
  function cellBox(i, j) {
    const rect = matrix.getBoundingClientRect();
    const canvasX = geometry.left + (j + 0.5) * geometry.cell;
    const canvasY = geometry.top + (i + 0.5) * geometry.cell;
    return { x: rect.left + canvasX, y: rect.top + canvasY, canvasX, canvasY };
  }
  window.attnvizPage = {
    csv, svg: svgText, png: () => matrix.toDataURL("image/png"), state, cellBox,
    colorOf: (i, j) => colorOf(weightsOf(state.layer, state.head)[i * T + j]),
  };

  translate();
  fillSelects();
  renderToggles();
  renderAll();
})();
