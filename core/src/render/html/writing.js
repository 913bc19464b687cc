// --generate: the model writing, a step at a time — the token chosen, its candidates as bars
// (the model's probability and the one it was drawn with), a step slider that moves the matrix to
// the row that chose the token, play, and a temperature slider that re-weights the stored
// candidates (p^(1/T), renormalised over them): a what-if on the numbers kept, not a new draw.
"use strict";
/* exported writingView */

function writingView(page) {
  const { data, state, $, say, fixed } = page;
  const g = data.generation;
  let timer = null;

  function reweighted(candidates, t) {
    const w = candidates.map((c) => Math.pow(c.p, 1 / t));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  }

  function renderWriting() {
    if (!g) return;
    $("writing").hidden = false;
    const s = Number($("step").value);
    const step = g.steps[s];
    const t = Number($("what-if").value);
    $("step-text").textContent = say("writing_step", s + 1, g.steps.length, step.token,
      g.prompt_tokens + s - 1);
    $("what-if-text").textContent = say("what_if", t.toFixed(2));
    const what = reweighted(step.candidates, t);
    const list = $("candidates");
    list.replaceChildren();
    step.candidates.forEach((c, k) => {
      const row = document.createElement("div");
      row.className = c.id === step.id ? "candidate chosen" : "candidate";
      const label = document.createElement("span");
      label.className = "candidate-token";
      label.textContent = c.token;
      const bars = document.createElement("span");
      bars.className = "candidate-bars";
      for (const [cls, p] of [["model", c.p], ["drawn", c.p_sampled], ["what-if", what[k]]]) {
        const bar = document.createElement("span");
        bar.className = `bar ${cls}`;
        bar.style.width = `${(100 * p).toFixed(1)}%`;
        bars.append(bar);
      }
      const numbers = document.createElement("span");
      numbers.className = "candidate-numbers";
      numbers.textContent = `${fixed(c.p)} → ${fixed(c.p_sampled)} · ${fixed(what[k])}`;
      row.append(label, bars, numbers);
      list.append(row);
    });
  }

  // The matrix and the other views follow the step: the query is the row that chose its token.
  function show(s) {
    $("step").value = String(s);
    page.choose(g.prompt_tokens + s - 1, state.key);
    renderWriting();
  }

  if (g) {
    $("step").max = String(g.steps.length - 1);
    $("step").value = String(g.steps.length - 1);  // the page opens on the text written
    $("step").addEventListener("input", (e) => show(Number(e.target.value)));
    $("what-if").addEventListener("input", renderWriting);
    $("play").addEventListener("click", () => {
      if (timer) {
        clearInterval(timer);
        timer = null;
        $("play").textContent = say("play");
        return;
      }
      $("play").textContent = say("pause");
      if (Number($("step").value) >= g.steps.length - 1) show(0);
      timer = setInterval(() => {
        const next = Number($("step").value) + 1;
        if (next >= g.steps.length) {
          $("play").click();
          return;
        }
        show(next);
      }, 600);
    });
  }

  return { render: renderWriting, show };
}
