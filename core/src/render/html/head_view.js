// BertViz's head view: the chosen query's attention as lines to every key it sees, one color per
// head, with heads toggled on and off.
"use strict";
/* exported headView */

function headView(page) {
  const { data, T, state, $, say, css, clamp, svgNs, numbers } = page;
  const { nHeads, headWeights, masked, shortest } = numbers;
  const choose = (...args) => page.choose(...args);
  const HEAD_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"];
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
        if (masked(state.query, j, state.layer) || weight <= 0) continue;
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

  return { renderToggles, renderLines };
}
