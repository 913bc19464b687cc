// The overview: every shown layer's heads (and mean) as thumbnails, and the rollout; a click opens
// one in the other views.
"use strict";
/* exported overview */
/* global MEAN, ROLLOUT */

function overview(page) {
  const { data, state, $, say, headName, numbers } = page;
  const { nLayers, nHeads, hasMean, hasRollout, weightsOf } = numbers;
  const drawThumbnail = (...args) => page.matrix.drawThumbnail(...args);
  const select = (...args) => page.select(...args);
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
      drawThumbnail(canvas, weightsOf(l, h), l);
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

  return { render: renderOverview };
}
