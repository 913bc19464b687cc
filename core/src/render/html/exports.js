// What the export buttons save: the shown matrix as CSV (the shortest decimal of each float32),
// SVG, or the canvas as PNG.
"use strict";
/* exported exportsView */
/* global MEAN, ROLLOUT */

function exportsView(page) {
  const { data, T, state, $, colorOf, svgNs, numbers } = page;
  const { weightsOf, masked, shortest } = numbers;
  const matrix = page.matrix.canvas;
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
        const fill = masked(i, j, state.layer) ? "#e4e4e4" : colorOf(w[i * T + j]);
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

  return { csv, svgText };
}
