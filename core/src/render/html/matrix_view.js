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
  function drawThumbnail(canvas, w, layer) {
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
        const rgb = masked(i, j, layer) ? maskedRgb : lut[Math.min(255, Math.max(0, Math.floor(w[i * T + j] * 256)))];
        const at = 4 * (i * T + j);
        image.data[at] = rgb[0];
        image.data[at + 1] = rgb[1];
        image.data[at + 2] = rgb[2];
        image.data[at + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  // The rows and columns drawn: --rows/--cols's block while "block" is ticked, else all.
  function shownBlock() {
    return data.block && state.block ? data.block : { rows: [0, T], cols: [0, T] };
  }

  function drawMatrix(canvas, w, cell) {
    const { rows: [r0, r1], cols: [c0, c1] } = shownBlock();
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
    const width = (c1 - c0) * cell;
    const height = (r1 - r0) * cell;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.ceil((left + width + barWidth) * ratio);
    canvas.height = Math.ceil((top + height + 4) * ratio);
    canvas.style.width = `${left + width + barWidth}px`;
    canvas.style.height = `${top + height + 4}px`;
    ctx.scale(ratio, ratio);
    ctx.font = `${font}px system-ui, "DejaVu Sans", sans-serif`;
    ctx.fillStyle = css("--bg");
    ctx.fillRect(0, 0, left + width + barWidth, top + height + 4);
    const x0 = left - c0 * cell;  // where column 0 would be
    const y0 = top - r0 * cell;   // and row 0
    for (let i = r0; i < r1; i++) {
      for (let j = c0; j < c1; j++) {
        const x = x0 + j * cell;
        const y = y0 + i * cell;
        if (masked(i, j, state.layer)) {
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
    for (let i = r0; i < r1; i++) {
      if (labelled(i, state.query)) ctx.fillText(data.labels[i], left - 4, y0 + (i + 0.5) * cell);
    }
    if (upright) {
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      for (let j = c0; j < c1; j++) ctx.fillText(data.labels[j], x0 + (j + 0.5) * cell, top - 4);
      ctx.textBaseline = "middle";
    } else {
      ctx.save();
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "left";
      for (let j = c0; j < c1; j++) {
        if (labelled(j, state.key)) ctx.fillText(data.labels[j], -top + 4, x0 + (j + 0.5) * cell);
      }
      ctx.restore();
    }
    // Drawing past the block is clipped away: an outline of a row or cell outside it is not seen.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - 3, top - 3, width + 6, height + 6);
    ctx.clip();
    // --generate: the rule where the model began to write, as in the heatmap.
    if (data.generation) {
      const p = data.generation.prompt_tokens;
      ctx.strokeStyle = "#f28e2b";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(left, y0 + p * cell);
      ctx.lineTo(left + width, y0 + p * cell);
      ctx.moveTo(x0 + p * cell, top);
      ctx.lineTo(x0 + p * cell, top + height);
      ctx.stroke();
    }
    // The chosen query's row, outlined.
    ctx.strokeStyle = css("--focus");
    ctx.lineWidth = 2;
    ctx.strokeRect(left + 1, y0 + state.query * cell + 1, width - 2, cell - 2);
    // --highlight's row or cell, in the heatmap's outline color.
    if (data.highlight) {
      const [row, col] = data.highlight;
      ctx.strokeStyle = "#e63946";
      ctx.lineWidth = 3;
      if (col >= 0) ctx.strokeRect(x0 + col * cell - 1.5, y0 + row * cell - 1.5, cell + 3, cell + 3);
      else ctx.strokeRect(left - 1.5, y0 + row * cell - 1.5, width + 3, cell + 3);
    }
    ctx.restore();
    // The colorbar, 0 at the bottom, 1 at the top.
    const bx = left + width + 16;
    for (let k = 0; k < height; k++) {
      ctx.fillStyle = colorOf(1 - (k + 0.5) / height);
      ctx.fillRect(bx, top + k, 14, 1);
    }
    ctx.fillStyle = css("--fg");
    ctx.textAlign = "left";
    ctx.fillText("1", bx + 18, top + 6);
    ctx.fillText("0", bx + 18, top + height - 6);
    return { left, top, cell, r0, r1, c0, c1 };
  }

  function renderMatrix() {
    const w = weightsOf(state.layer, state.head);
    const { rows: [r0, r1], cols: [c0, c1] } = shownBlock();
    const cell = Math.max(6, Math.min(36, Math.floor(560 / Math.max(r1 - r0, c1 - c0)))) * state.zoom;
    geometry = drawMatrix(matrix, w, cell);
    $("matrix-title").textContent = `${say("matrix")}: ${headName(state.layer, state.head)}`;
    matrix.setAttribute("aria-label", `${say("matrix")}, ${r1 - r0} × ${c1 - c0}`);
    if (data.block) {
      const [b0, b1] = data.block.rows;
      const [k0, k1] = data.block.cols;
      $("block-text").textContent = say("block", b0, b1 - 1, k0, k1 - 1);
    }
    describeCell(state.query, state.key);
  }

  function describeCell(i, j) {
    const w = weightsOf(state.layer, state.head);
    const q = data.labels[i];
    const k = data.labels[j];
    let text = `${say("query")} ${i} ${q} → ${say("key")} ${j} ${k}: `;
    if (masked(i, j, state.layer)) {
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
    const { left, top, cell, r0, r1, c0, c1 } = geometry;
    const j = c0 + Math.floor((event.clientX - rect.left - left) / cell);
    const i = r0 + Math.floor((event.clientY - rect.top - top) / cell);
    return i >= r0 && i < r1 && j >= c0 && j < c1 ? [i, j] : null;
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
    const canvasX = geometry.left + (j - geometry.c0 + 0.5) * geometry.cell;
    const canvasY = geometry.top + (i - geometry.r0 + 0.5) * geometry.cell;
    return { x: rect.left + canvasX, y: rect.top + canvasY, canvasX, canvasY };
  }

  return { render: renderMatrix, drawThumbnail, cellBox, canvas: matrix };
}
