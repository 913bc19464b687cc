// The run's numbers as the page reads them from its embedded data: base64 float32 (exact) or 16-bit
// (compact) matrices, decoded once and cached. The page computes none of them: the mean over the
// heads and the rollout through every layer are the run's own.
"use strict";
/* exported pageNumbers */

const MEAN = -1;     // the head "index" of the mean over a layer's heads
const ROLLOUT = -2;  // and of the rollout through every layer

function pageNumbers(data) {
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
  // A future key, or one `window` or more tokens back: in layer l's sliding window, or (a text
  // past the model's context) in every layer's.
  const masked = (i, j, l) => {
    const window = l !== undefined && data.layers[l].window !== undefined ? data.layers[l].window
      : data.window;
    return data.causal && (j > i || (window > 0 && i - j >= window));
  };

  // The shortest decimal that reads back as the same float32, as attnviz's JSON writes it.
  function shortest(x) {
    if (x === 0) return "0";
    for (let p = 1; p <= 9; p++) {
      const s = Number(x.toPrecision(p));
      if (Math.fround(s) === x) return String(s);
    }
    return String(x);
  }

  return {
    compact, cached, bytesOf, nLayers, nHeads, headWeights, headScores, hasMean, hasRollout,
    weightsOf, masked, shortest,
  };
}
