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
      steps: "Step by step, for the chosen query",
      steps_hint: "How head {0} computes the weights of query {1} “{2}”: each step with its numbers.",
      steps_single: "The steps are those of one head: choose a head, not the mean or the rollout.",
      step: "Step {0}",
      s_tokens: "Tokens and their ids", s_tokens_text: "The text split into {0} tokens; each id is the token's row in the embedding table.",
      s_x: "The input x of the query", s_x_text: "x = token embedding + position embedding ({0} numbers; here the first and last).",
      s_xln: "LayerNorm(x): the heads' input", s_xln_text: "The block normalizes x before attention.",
      s_q: "Query q = x · Wq", s_q_text: "What the token is looking for: {0} numbers.",
      s_scores: "Scores q · k for every key", s_scores_text: "Each key k_j says what token j offers; the dot product says how well it matches the query.",
      s_scale: "Scaled by head_size^-0.5 = {0}", s_scale_text: "Dividing by √head_size keeps the scores from growing with the head's size, so softmax does not saturate.",
      s_mask: "Masked: the future is −∞", s_mask_text: "{0} keys come after the query; their scores become −∞, so their weights are exactly 0.",
      s_mask_none: "Nothing is masked (--no-mask): every token sees every other.",
      s_softmax: "Softmax: the weights", s_softmax_text: "exp of each scaled score, divided by their sum: every weight is between 0 and 1, and they sum to {0}.",
      s_out: "Output: the weighted sum of the values", s_out_text: "out = Σ_j weight_j · v_j ({0} numbers): what the query takes from the tokens it attends to.",
      s_guess: "The model's next-token guesses here", s_guess_text: "After every layer, ln_f and lm_head turn this position into probabilities for the next token.",
      compact: "This run is large, so its numbers are stored in 16 bits: weights within 0.0000077, " +
        "scores to 3 significant digits. attnviz --json gives them exactly.",
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
      steps: "Addım-addım, seçilmiş sorğu üçün",
      steps_hint: "Baş {0} sorğu {1} “{2}” üçün çəkiləri necə hesablayır: hər addım öz rəqəmləri ilə.",
      steps_single: "Addımlar bir başa aiddir: ortanı və ya yayılmanı yox, bir baş seçin.",
      step: "Addım {0}",
      s_tokens: "Tokenlər və onların id-ləri", s_tokens_text: "Mətn {0} tokenə bölünüb; hər id tokenin gömülmə cədvəlindəki sətridir.",
      s_x: "Sorğunun girişi x", s_x_text: "x = token gömülməsi + mövqe gömülməsi ({0} ədəd; burada ilkləri və sonuncuları).",
      s_xln: "LayerNorm(x): başların girişi", s_xln_text: "Blok diqqətdən əvvəl x-i normallaşdırır.",
      s_q: "Sorğu q = x · Wq", s_q_text: "Tokenin axtardığı: {0} ədəd.",
      s_scores: "Hər açar üçün q · k balları", s_scores_text: "Hər k_j açarı j tokeninin nə təklif etdiyini deyir; skalyar hasil sorğuya nə qədər uyduğunu göstərir.",
      s_scale: "head_size^-0.5 = {0} ilə miqyaslama", s_scale_text: "√head_size-a bölmək balların başın ölçüsü ilə böyüməsinin qarşısını alır, softmax doymur.",
      s_mask: "Maska: gələcək −∞ olur", s_mask_text: "{0} açar sorğudan sonra gəlir; onların balları −∞ olur, çəkiləri isə tam 0.",
      s_mask_none: "Heç nə maskalanmayıb (--no-mask): hər token hər birini görür.",
      s_softmax: "Softmax: çəkilər", s_softmax_text: "hər miqyaslı balın exp-i onların cəminə bölünür: hər çəki 0 ilə 1 arasındadır, cəmi {0}.",
      s_out: "Çıxış: dəyərlərin çəkili cəmi", s_out_text: "out = Σ_j çəki_j · v_j ({0} ədəd): sorğunun baxdığı tokenlərdən götürdüyü.",
      s_guess: "Modelin burada növbəti token təxminləri", s_guess_text: "Bütün qatlardan sonra ln_f və lm_head bu mövqeni növbəti token üçün ehtimallara çevirir.",
      compact: "Bu işləmə böyükdür, ona görə rəqəmlər 16 bitdə saxlanıb: çəkilər 0.0000077 " +
        "dəqiqliklə, ballar 3 əhəmiyyətli rəqəmlə. attnviz --json onları dəqiq verir.",
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
  // float32 (exact), or for large runs 16 bits each: weights as round(w · 65535), scores as
  // IEEE half floats.
  const compact = data.encoding === "compact";
  function bytesOf(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }
  function half(h) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) return sign * mantissa * 2 ** -24;
    if (exponent === 31) return mantissa ? NaN : sign * Infinity;
    return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  function weightsFrom(base64) {
    if (!compact) return new Float32Array(bytesOf(base64));
    return Float32Array.from(new Uint16Array(bytesOf(base64)), (u) => u / 65535);
  }
  function scoresFrom(base64) {
    if (!compact) return new Float32Array(bytesOf(base64));
    return Float32Array.from(new Uint16Array(bytesOf(base64)), half);
  }
  const cache = new Map();
  function cached(key, make) {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key);
  }
  const nLayers = data.layers.length;
  const nHeads = data.layers[0].heads.length;
  const headWeights = (l, h) =>
    cached(`w${l}.${h}`, () => weightsFrom(data.layers[l].heads[h].weights));
  const headScores = (l, h) => (data.layers[l].heads[h].scores
    ? cached(`s${l}.${h}`, () => scoresFrom(data.layers[l].heads[h].scores)) : null);
  // The mean over a layer's heads and the rollout through every layer are the run's own numbers,
  // computed once by attnviz; the page only shows them.
  const hasMean = data.layers[0].mean !== undefined;
  const hasRollout = data.rollout !== undefined;
  const meanWeights = (l) => cached(`m${l}`, () => weightsFrom(data.layers[l].mean));
  const rollout = () => cached("rollout", () => weightsFrom(data.rollout));
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
    query: T - 1,
    key: T - 1,
    shown: new Set([Math.max(0, firstHead)]),
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

  // A thumbnail: one pixel per cell, scaled up by CSS; masked cells in the masked color.
  function drawThumbnail(canvas, w) {
    canvas.width = T;
    canvas.height = T;
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(T, T);
    const lut = cached(`rgb.${state.cmap}`, () =>
      colormap().map((hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16))));
    const m = css("--masked");
    const maskedRgb = m.startsWith("#") && m.length === 7 ? [1, 3, 5].map((k) => parseInt(m.slice(k, k + 2), 16)) : [228, 228, 228];
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        const rgb = masked(i, j) ? maskedRgb : lut[Math.min(255, Math.max(0, Math.floor(w[i * T + j] * 256)))];
        const at = 4 * (i * T + j);
        image.data[at] = rgb[0];
        image.data[at + 1] = rgb[1];
        image.data[at + 2] = rgb[2];
        image.data[at + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  function drawMatrix(canvas, w, cell) {
    const ctx = canvas.getContext("2d");
    const font = Math.max(9, Math.min(16, cell * 0.8));
    ctx.font = `${font}px system-ui, "DejaVu Sans", sans-serif`;
    const labelWidth = Math.max(...data.labels.map((t) => ctx.measureText(t).width)) + 8;
    const left = labelWidth + 4;
    const top = labelWidth + 4;
    const barWidth = 60;
    const size = T * cell;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.ceil((left + size + barWidth) * ratio);
    canvas.height = Math.ceil((top + size + 4) * ratio);
    canvas.style.width = `${left + size + barWidth}px`;
    canvas.style.height = `${top + size + 4}px`;
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
    geometry = drawMatrix(matrix, w, cell);
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
    renderSteps();
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
    const extra = data.model && hasMean ? 1 : 0;  // each layer's mean
    grid.style.gridTemplateColumns = `auto repeat(${nHeads + extra}, max-content)`;
    const tile = (l, h) => {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("aria-pressed", String(l === state.layer && h === state.head));
      button.setAttribute("aria-label", headName(l, h));
      button.title = headName(l, h);
      const canvas = document.createElement("canvas");
      drawThumbnail(canvas, weightsOf(l, h));
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
    if (hasRollout) {
      const title = document.createElement("span");
      title.className = "row-title";
      grid.append(title, tile(0, ROLLOUT));
    }
  }

  // ---- steps ----
  // Row `row` of a (rows, cols) float32 matrix embedded as base64, decoded once.
  const vectorOf = (base64, row, cols) =>
    cached(base64, () => new Float32Array(bytesOf(base64))).subarray(row * cols, (row + 1) * cols);
  function vectorText(v) {
    const shown = v.length > 10 ? [...Array.from(v.slice(0, 4)).map(fixed), "…", ...Array.from(v.slice(-4)).map(fixed)]
      : Array.from(v).map(fixed);
    return `[${shown.join(", ")}]`;
  }
  function stepBox(list, n, title, text, body) {
    const details = document.createElement("details");
    details.open = true;
    const summary = document.createElement("summary");
    summary.textContent = `${say("step", n)} · ${title}`;
    const p = document.createElement("p");
    p.textContent = text;
    details.append(summary, p);
    if (body) details.append(body);
    list.append(details);
  }
  function rowsTable(header, rows) {
    const table = document.createElement("table");
    const head = table.insertRow();
    for (const h of header) {
      const th = document.createElement("th");
      th.textContent = h;
      head.append(th);
    }
    for (const row of rows) {
      const tr = table.insertRow();
      for (const cell of row) tr.insertCell().textContent = cell;
    }
    const box = document.createElement("div");
    box.className = "scroll";
    box.append(table);
    return box;
  }
  function vectorBox(v) {
    const p = document.createElement("p");
    p.className = "vector";
    p.textContent = vectorText(v);
    return p;
  }
  function renderSteps() {
    const list = $("step-list");
    list.replaceChildren();
    const i = state.query;
    const h = state.head;
    if (h < 0) {
      $("steps-hint").textContent = say("steps_single");
      return;
    }
    $("steps-hint").textContent = say("steps_hint", h, i, data.labels[i]);
    const layer = data.layers[state.layer];
    const head = layer.heads[h];
    let n = 1;
    stepBox(list, n++, say("s_tokens"), say("s_tokens_text", T), rowsTable(
      ["#", say("token"), "id"], data.labels.map((t, j) => [String(j), t, data.ids.length ? String(data.ids[j]) : ""])));
    if (layer.x) {
      stepBox(list, n++, say("s_x"), say("s_x_text", layer.n_embd), vectorBox(vectorOf(layer.x, i, layer.n_embd)));
      if (layer.x_ln) {
        stepBox(list, n++, say("s_xln"), say("s_xln_text"), vectorBox(vectorOf(layer.x_ln, i, layer.n_embd)));
      }
    }
    if (head.q) stepBox(list, n++, say("s_q"), say("s_q_text", head.head_size), vectorBox(vectorOf(head.q, i, head.head_size)));
    const scores = headScores(state.layer, h);
    const w = headWeights(state.layer, h);
    const keys = [...Array(T).keys()];
    if (scores) {
      stepBox(list, n++, say("s_scores"), say("s_scores_text"), rowsTable([say("key"), say("token"), say("score")],
        keys.map((j) => [String(j), data.labels[j], fixed(scores[i * T + j])])));
      stepBox(list, n++, say("s_scale", fixed(layer.scale)), say("s_scale_text"), rowsTable([say("key"), say("token"), say("scaled")],
        keys.map((j) => [String(j), data.labels[j], fixed(Math.fround(scores[i * T + j] * layer.scale))])));
    }
    const future = keys.filter((j) => masked(i, j)).length;
    stepBox(list, n++, say("s_mask"), data.causal ? say("s_mask_text", future) : say("s_mask_none"));
    let sum = 0;
    for (const j of keys) sum += w[i * T + j];
    stepBox(list, n++, say("s_softmax"), say("s_softmax_text", fixed(sum)), rowsTable([say("key"), say("token"), say("weight")],
      keys.map((j) => [String(j), data.labels[j], masked(i, j) ? "0" : fixed(w[i * T + j])])));
    if (head.v) {
      const out = new Float32Array(head.head_size);
      for (const j of keys) {
        const v = vectorOf(head.v, j, head.head_size);
        for (let c = 0; c < out.length; c++) out[c] += w[i * T + j] * v[c];
      }
      stepBox(list, n++, say("s_out"), say("s_out_text", head.head_size), vectorBox(out));
    }
    if (data.predictions.length) {
      stepBox(list, n++, say("s_guess"), say("s_guess_text"), rowsTable(["", say("token"), "p"],
        data.predictions[i].map((g, r) => [String(r + 1), g.token, fixed(g.p)])));
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
    renderToggles();
    renderAll();
  }

  function translate() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-text]").forEach((e) => {
      e.textContent = say(e.dataset.text, data.version);
    });
    $("title").textContent = `“${data.text}”`;
    $("details").textContent = data.details[state.lang];
    $("precision-note").hidden = !compact;
    $("precision-note").textContent = compact ? say("compact") : "";
    $("lang").value = state.lang;
  }

  function renderAll() {
    renderMatrix();
    renderLines();
    renderOverview();
    renderSteps();
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

  $("zoom").value = String(state.zoom);
  document.documentElement.style.setProperty("--scale", String(state.zoom));
  translate();
  fillSelects();
  renderToggles();
  renderAll();
})();
