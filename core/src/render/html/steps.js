// The steps of one head for the chosen query, with the run's numbers: tokens, x, q, scores, the
// scale, the mask, softmax, the output and the model's guesses there.
"use strict";
/* exported stepsView */

function stepsView(page) {
  const { data, T, state, $, say, fixed, numbers } = page;
  const { cached, bytesOf, headScores, headWeights, masked } = numbers;
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
      stepBox(list, n++, say("s_scale", fixed(layer.scale), data.scale_of), say("s_scale_text"), rowsTable([say("key"), say("token"), say("scaled")],
        keys.map((j) => [String(j), data.labels[j], fixed(Math.fround(scores[i * T + j] * layer.scale))])));
    }
    const future = keys.filter((j) => masked(i, j, state.layer)).length;
    stepBox(list, n++, say("s_mask"), data.causal ? say("s_mask_text", future) : say("s_mask_none"));
    let sum = 0;
    for (const j of keys) sum += w[i * T + j];
    stepBox(list, n++, say("s_softmax"), say("s_softmax_text", fixed(sum)), rowsTable([say("key"), say("token"), say("weight")],
      keys.map((j) => [String(j), data.labels[j], masked(i, j, state.layer) ? "0" : fixed(w[i * T + j])])));
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

  return { render: renderSteps };
}
