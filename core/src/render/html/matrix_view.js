// The matrix view: one head's (or the mean's, or the rollout's) weights as a heatmap on a canvas,
// a cell's numbers under the pointer, the chosen query outlined; and the overview's thumbnails.
"use strict";
/* exported matrixView */

function matrixView(page) {
  const { data, T, state, $, say, fixed, colorOf, colormap, css, headName, clamp, numbers } = page;
  const { cached, weightsOf, headScores, masked } = numbers;
  const choose = (...args) => page.choose(...args);
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
    // Column labels of one character stay upright where they fit (a sideways "l" reads as a
    // dash); longer ones are turned.
    const upright = data.labels.every((t) => [...t].length <= 1) && font * 1.3 <= cell;
    const top = upright ? font * 1.6 + 4 : labelWidth + 4;
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
    // Labels that would overlap are thinned, as in the PNG: every step-th, the chosen query's and
    // key's always.
    const step = Math.max(1, Math.ceil((font * 1.3) / cell));
    const labelled = (i, chosen) => i % step === 0 || i === chosen;
    for (let i = 0; i < T; i++) {
      if (labelled(i, state.query)) ctx.fillText(data.labels[i], left - 4, top + (i + 0.5) * cell);
    }
    if (upright) {
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      for (let j = 0; j < T; j++) ctx.fillText(data.labels[j], left + (j + 0.5) * cell, top - 4);
      ctx.textBaseline = "middle";
    } else {
      ctx.save();
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "left";
      for (let j = 0; j < T; j++) {
        if (labelled(j, state.key)) ctx.fillText(data.labels[j], -top + 4, left + (j + 0.5) * cell);
      }
      ctx.restore();
    }
    // The chosen query's row, outlined.
    ctx.strokeStyle = css("--focus");
    ctx.lineWidth = 2;
    ctx.strokeRect(left + 1, top + state.query * cell + 1, size - 2, cell - 2);
    // --highlight's row or cell, in the heatmap's outline color.
    if (data.highlight) {
      const [row, col] = data.highlight;
      ctx.strokeStyle = "#e63946";
      ctx.lineWidth = 3;
      if (col >= 0) ctx.strokeRect(left + col * cell - 1.5, top + row * cell - 1.5, cell + 3, cell + 3);
      else ctx.strokeRect(left - 1.5, top + row * cell - 1.5, size + 3, cell + 3);
    }
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

  function cellBox(i, j) {
    const rect = matrix.getBoundingClientRect();
    const canvasX = geometry.left + (j + 0.5) * geometry.cell;
    const canvasY = geometry.top + (i + 0.5) * geometry.cell;
    return { x: rect.left + canvasX, y: rect.top + canvasY, canvasX, canvasY };
  }

  return { render: renderMatrix, drawThumbnail, cellBox, canvas: matrix };
}
