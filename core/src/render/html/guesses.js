// The model's next-token guesses at every position, the chosen query's row marked.
"use strict";
/* exported guessesView */

function guessesView(page) {
  const { data, state, $, say, fixed } = page;
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

  return { render: renderGuesses };
}
