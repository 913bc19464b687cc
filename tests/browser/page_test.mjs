// attnviz's --html pages in a real browser: Debian's headless Chromium driven over the DevTools
// protocol (cdp.mjs), every request but the page itself failed. Checks that nothing is requested and nothing logs an
// error, that the numbers the page shows (tooltip, head view, guesses, CSV) are the JSON output's,
// that hover, keys and the controls move the views as the weights say, that the PNG export holds
// the colormap's colors, that 320 px and 2560 px widths work, and that text from the run stays text.
// Usage: node page_test.mjs ATTNVIZ_BINARY ARTIFACT_DIR
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./cdp.mjs";
import { gpt2Shaped } from "./gpt2_shaped.mjs";

const [binary, artifacts] = process.argv.slice(2);
const reference = join(dirname(fileURLToPath(import.meta.url)), "..", "reference");
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "attnviz-browser-"));
let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error(`FAIL: ${what}`);
  }
}

// A page and the JSON of the same run.
function make(name, args) {
  const html = join(work, `${name}.html`);
  const json = join(work, `${name}.json`);
  execFileSync(binary, [...args, "--html", html, "--json", json, "--no-table"]);
  return { name, url: `file://${html}`, json: JSON.parse(readFileSync(json, "utf8")) };
}

const browser = await launch(process.env.CHROMIUM || "/usr/bin/chromium");

async function open(run, width = 1280) {
  const page = await browser.newPage(width, 900);
  await page.goto(run.url);
  return { page, problems: page.problems };
}

const text = (page, selector) => page.evaluate((s) => document.querySelector(s).textContent, selector);

const f32 = Math.fround;
const weightsOf = (run, l, h) => run.json.layers[l].heads[h].weights;

async function csvMatches(page, run, l, h, what, tolerance = 0) {
  await csvEquals(page, run, weightsOf(run, l, h), `${what} equals the JSON's weights`, tolerance);
}

// The CSV export of the matrix the page shows, against `want` (T rows of T numbers).
async function csvEquals(page, run, want, what, tolerance = 0) {
  const csv = await page.evaluate(() => window.attnvizPage.csv());
  const rows = csv.trim().split("\n").slice(1).map((line) => line.split(",").slice(-run.json.tokens.length));
  let same = rows.length === want.length;
  for (let i = 0; same && i < want.length; i++) {
    for (let j = 0; j < want.length; j++) {
      if (Math.abs(f32(Number(rows[i][j])) - f32(want[i][j])) > tolerance) same = false;
    }
  }
  check(same, `${run.name}: CSV of ${what}`);
}

// The tooltip of cell (i, j), reached with the arrow keys from the bottom-right corner.
async function tooltipAt(page, i, j, T) {
  await page.focus("#matrix");
  for (let k = 0; k < T; k++) await page.press("ArrowUp");
  for (let k = 0; k < T; k++) await page.press("ArrowLeft");
  for (let k = 0; k < i; k++) await page.press("ArrowDown");
  for (let k = 0; k < j; k++) await page.press("ArrowRight");
  return text(page, "#tooltip");
}

async function setSelect(page, id, value) {
  await page.select(id, value);
}

// ---- the lesson's module ----
{
  const run = make("lesson", ["--text", "Azərbaycan dili"]);
  const { page, problems } = await open(run);
  const T = run.json.tokens.length;
  check((await text(page, "#title")) === "“Azərbaycan dili”", "lesson: title");
  await csvMatches(page, run, 0, 0, "the lesson's head");

  // The tooltip with 7 digits says the JSON's weight and the raw and scaled score.
  await page.evaluate(() => {
    const e = document.querySelector("#precision");
    e.value = "7";
    e.dispatchEvent(new Event("change"));
  });
  const tip = await tooltipAt(page, 5, 2, T);
  const w = f32(run.json.heads[0].weights[5][2]);  // the float32 the page holds
  check(tip.includes(`weight ${w.toFixed(7)}`), `lesson: tooltip "${tip}" shows weight ${w.toFixed(7)}`);
  check(/score -?\d+\.\d{7}, scaled -?\d+\.\d{7}/.test(tip), `lesson: tooltip "${tip}" shows the scores`);
  const masked = await tooltipAt(page, 1, 4, T);
  check(masked.endsWith("masked"), `lesson: a masked cell says so ("${masked}")`);

  // Hovering a cell with the mouse shows the same text as reaching it with the keys.
  const box = await page.evaluate(() => window.attnvizPage.cellBox(3, 1));
  await page.mouseMove(box.x, box.y);
  const hovered = await text(page, "#tooltip");
  check(hovered.includes(`weight ${f32(run.json.heads[0].weights[3][1]).toFixed(7)}`), `lesson: hover "${hovered}"`);

  // Head view: the chosen query's lines carry its row's weights; ArrowUp moves to the row above.
  const lines = async () => page.evaluate(() => [...document.querySelectorAll("#lines line")].map((l) => ({
    head: Number(l.dataset.head), key: Number(l.dataset.key), weight: Number(l.dataset.weight),
    width: Number(l.getAttribute("stroke-width")) })));
  await page.focus("#lines-box");
  await page.press("ArrowUp");
  const query = await page.evaluate(() => window.attnvizPage.state.query);
  const drawn = await lines();
  const row = run.json.heads[0].weights[query];
  check(drawn.length === row.filter((x, j) => j <= query && x > 0).length,
    `lesson: ${drawn.length} lines for query ${query}`);
  check(drawn.every((l) => f32(l.weight) === f32(row[l.key])), "lesson: each line's weight is the JSON's");
  const heaviest = drawn.reduce((a, b) => (b.weight > a.weight ? b : a));
  // Hovering a token on the left chooses it: its row's lines replace the others.
  await page.hover('#lines text[data-query="6"]');
  const hoveredLines = await lines();
  check(hoveredLines.length > 0 && hoveredLines.every((l) => l.key <= 6 &&
    f32(l.weight) === f32(run.json.heads[0].weights[6][l.key])), "lesson: hovering token 6 draws its row");
  check(drawn.every((l) => l.width <= heaviest.width), "lesson: the heaviest weight draws the thickest line");

  // The PNG export decodes to the colormap's color at a cell's centre.
  const sample = await page.evaluate(async () => {
    const img = new Image();
    img.src = window.attnvizPage.png();
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const box = window.attnvizPage.cellBox(4, 2);
    const ratio = window.devicePixelRatio || 1;
    const [r, g, b] = ctx.getImageData(Math.round(box.canvasX * ratio), Math.round(box.canvasY * ratio), 1, 1).data;
    return { r, g, b, want: window.attnvizPage.colorOf(4, 2) };
  });
  const hex = `#${[sample.r, sample.g, sample.b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  check(hex === sample.want, `lesson: PNG export has ${hex} where the colormap says ${sample.want}`);

  // The steps of the chosen query: its softmax weights are the JSON's row.
  const stepWeights = await page.evaluate(() => {
    const ds = [...document.querySelectorAll("#step-list details")];
    const softmax = ds.find((d) => d.querySelector("summary").textContent.includes("Softmax"));
    return [...softmax.querySelectorAll("tr")].slice(1).map((tr) => tr.cells[2].textContent);
  });
  const q = await page.evaluate(() => window.attnvizPage.state.query);
  check(stepWeights.length === T && stepWeights.every((x, j) =>
    (j > q ? x === "0" : x === f32(run.json.heads[0].weights[q][j]).toFixed(7))),
  `lesson: the softmax step of query ${q} shows its weights (${stepWeights.slice(0, 3)}…)`);
  // The SVG export: one rect per cell, each with the colormap's color of its weight.
  const svg = await page.evaluate(() => {
    const doc = new DOMParser().parseFromString(window.attnvizPage.svg(), "image/svg+xml");
    const rects = [...doc.querySelectorAll("rect")];
    return { n: rects.length, fill: rects[3 * 15 + 2].getAttribute("fill"), want: window.attnvizPage.colorOf(3, 2) };
  });
  check(svg.n === T * T && svg.fill === svg.want, `lesson: SVG export has ${svg.n} cells, (3, 2) ${svg.fill}`);
  await page.screenshot(join(artifacts, "lesson.png"));
  // Azerbaijani: the page's words switch, the numbers stay.
  await setSelect(page, "#lang", "az");
  const title = await text(page, "#matrix-title");
  check(title.startsWith("Diqqət çəkiləri"), `lesson: Azerbaijani title "${title}"`);
  const step = await text(page, "#step-list summary");
  check(step.startsWith("Addım 1"), `lesson: Azerbaijani steps ("${step}")`);
  await page.screenshot(join(artifacts, "lesson-az.png"));
  check(problems.length === 0, `lesson: ${problems.join("; ")}`);
  await page.close();
}

// ---- the run's own rollout and means: a 3-layer nanoGPT file with two of its layers shown ----
{
  const weights = join(reference, "models", "nanogpt.safetensors");
  const run = make("rollout", ["--weights", weights, "--text", "Mən Azərbaycanlıyam.", "--layer", "0,2",
    "--rollout"]);
  const { page, problems } = await open(run);
  await setSelect(page, "#head", "-2");
  // Through every layer, 1 included, as the binary computed it (JSON's "rollout"); the page once
  // recomputed it from the two layers it held and was off by up to 0.24.
  await csvEquals(page, run, run.json.rollout, "the rollout (every layer) equals the JSON's");
  await setSelect(page, "#layer", "1");
  await setSelect(page, "#head", "-1");
  const heads = run.json.layers[1].heads.map((h) => h.weights);
  const mean = heads[0].map((row, i) => row.map((_, j) =>
    heads.reduce((sum, w) => f32(sum + w[i][j]), 0) / heads.length));
  await csvEquals(page, run, mean, "layer 2's mean equals the mean of the JSON's heads", 1e-6);
  check(problems.length === 0, `rollout: ${problems.join("; ")}`);
  await page.close();
}

// The words drawn on the matrix canvas from here on: each label's text, whether it was turned
// sideways, and its alignment; then the matrix is drawn again (one key press).
async function matrixLabels(page) {
  await page.evaluate(() => {
    window.drawnLabels = [];
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (t, x, y) {
      if (this.canvas.id === "matrix") {
        window.drawnLabels.push({ t, sideways: this.getTransform().b !== 0, align: this.textAlign });
      }
      return fillText.call(this, t, x, y);
    };
  });
  await page.focus("#matrix");
  await page.press("ArrowLeft");
  return page.evaluate(() => window.drawnLabels);
}

// ---- a long text past the model's context, as a teacher shows it ----
{
  const lesson = readFileSync(join(reference, "..", "..", "data", "texts", "lesson-definition.txt"), "utf8");
  const run = make("long", ["--model", "az", "--text", lesson.trim(), "--highlight", "100,90"]);
  const T = run.json.tokens.length;
  const { page, problems } = await open(run, 2560);
  // The heading is the text's start; the whole text is a click away.
  const title = await text(page, "#title");
  check([...title].length <= 83 && title.endsWith("…”"), `long: a short heading ("${title}")`);
  check(await page.evaluate(() => !document.getElementById("whole-text").hidden), "long: the whole text is offered");
  check((await text(page, "#whole-text p")) === run.json.config.text, "long: the whole text, as given");
  // --highlight opens on its query and key.
  const state = await page.evaluate(() => ({ query: window.attnvizPage.state.query, key: window.attnvizPage.state.key }));
  check(state.query === 100 && state.key === 90, `long: --highlight 100,90 opens on (${state.query}, ${state.key})`);
  // Each row sees only the 64 tokens ending at it: a key before that window is masked.
  await page.evaluate(() => document.getElementById("matrix").scrollIntoView());
  const hover = async (i, j) => {
    const box = await page.evaluate((a, b) => window.attnvizPage.cellBox(a, b), i, j);
    await page.mouseMove(box.x, box.y);
    return text(page, "#tooltip");
  };
  const before = await hover(120, 10);
  check(before.endsWith("masked"), `long: a key before the window is masked ("${before}")`);
  const inside = await hover(120, 60);
  check(inside.includes("weight"), `long: a key inside the window has a weight ("${inside}")`);
  // Labels thinned where they would overlap, as in the PNG; the chosen query's always shown.
  const labels = await matrixLabels(page);
  const rows = labels.filter((l) => l.align === "right");
  check(rows.length > 1 && rows.length <= Math.ceil(T / 2) + 1, `long: ${rows.length} of ${T} row labels drawn`);
  check(problems.length === 0, `long: ${problems.join("; ")}`);
  await page.close();
}

// ---- --rows/--cols: the page opens on the block, and shows the whole matrix again on request ----
{
  const lesson = readFileSync(join(reference, "..", "..", "data", "texts", "lesson-definition.txt"), "utf8");
  const run = make("block", ["--model", "az", "--text", lesson.trim(), "--rows", "100:110", "--cols", "-30:-20"]);
  const T = run.json.tokens.length;
  const { page, problems } = await open(run);
  check(await page.evaluate(() => !document.getElementById("block-toggle").hidden), "block: the box is offered");
  const words = await text(page, "#block-text");
  check(words.includes(`100–109`) && words.includes(`${T - 30}–${T - 21}`), `block: the box says which ("${words}")`);
  const shown = () => page.evaluate(() => document.getElementById("matrix").getAttribute("aria-label"));
  const before = await shown();
  check(before.endsWith("10 × 10"), `block: 10 × 10 drawn ("${before}")`);
  const hover = async (i, j) => {
    const box = await page.evaluate((a, b) => window.attnvizPage.cellBox(a, b), i, j);
    await page.mouseMove(box.x, box.y);
    return text(page, "#tooltip");
  };
  await page.evaluate(() => document.getElementById("matrix").scrollIntoView());
  const cell = await hover(105, T - 25);
  check(cell.startsWith(`query 105 `) && cell.includes(`key ${T - 25} `), `block: a cell of the block ("${cell}")`);
  await page.click("#block");
  const after = await shown();
  check(after.endsWith(`${T} × ${T}`), `block: the whole matrix on request ("${after}")`);
  check(problems.length === 0, `block: ${problems.join("; ")}`);
  await page.close();
}

// ---- --generate: the model writing, a step at a time ----
{
  const run = make("writing", ["--model", "az", "--text", "Mən çayı sevirəm, çünki", "--generate", "12",
    "--layer", "1", "--head", "2"]);
  const g = run.json.generation;
  const { page, problems } = await open(run);
  check(await page.evaluate(() => !document.getElementById("writing").hidden), "writing: the view is shown");
  const slide = (id, value) => page.evaluate((i, v) => {
    const e = document.getElementById(i);
    e.value = String(v);
    e.dispatchEvent(new Event("input"));
  }, id, value);
  await slide("step", 3);
  const query = await page.evaluate(() => window.attnvizPage.state.query);
  check(query === g.prompt_tokens + 2, `writing: step 3 moves the matrix to row ${g.prompt_tokens + 2}, not ${query}`);
  const rows = await page.evaluate(() => [...document.querySelectorAll("#candidates .candidate")].map((r) => ({
    token: r.querySelector(".candidate-token").textContent, chosen: r.classList.contains("chosen"),
    numbers: r.querySelector(".candidate-numbers").textContent })));
  const step = g.steps[3];
  check(rows.length === step.candidates.length, `writing: ${rows.length} candidates`);
  const chosen = rows.filter((r) => r.chosen);
  check(chosen.length === 1 && chosen[0].token === step.token.replace(" ", "␣").replace("\n", "↵"),
    `writing: the chosen token marked (${JSON.stringify(chosen)}, ${JSON.stringify(step.token)})`);
  // The what-if temperature re-weights the candidates kept: p^(1/T) over their sum.
  await slide("what-if", 0.5);
  const w = step.candidates.map((c) => c.p ** 2);
  const sum = w.reduce((a, b) => a + b, 0);
  const numbers = await page.evaluate(() =>
    [...document.querySelectorAll("#candidates .candidate-numbers")].map((e) => e.textContent));
  numbers.forEach((text, k) => {
    const want = (w[k] / sum).toFixed(3);
    check(text.endsWith(`· ${want}`), `writing: candidate ${k} at T 0.5 is ${want}, the page says "${text}"`);
  });
  await page.click("#play");
  check((await text(page, "#play")) === "Pause", "writing: play starts");
  await page.click("#play");
  check((await text(page, "#play")) === "Play", "writing: and pauses");
  check(problems.length === 0, `writing: ${problems.join("; ")}`);
  await page.close();
}

// ---- one-letter labels stay upright; the overview's captions whole ----
{
  const run = make("short", ["--model", "az", "--text", "salam"]);
  const { page, problems } = await open(run);
  const labels = await matrixLabels(page);
  const columns = labels.filter((l) => l.align === "center");
  check(columns.length === 5 && columns.every((l) => !l.sideways), `short: upright column labels ${JSON.stringify(columns)}`);
  const cut = await page.evaluate(() => [...document.querySelectorAll("#grid .label")]
    .filter((e) => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === "ellipsis")
    .map((e) => e.textContent));
  check(cut.length === 0, `short: captions cut: ${cut.join(", ")}`);
  check(problems.length === 0, `short: ${problems.join("; ")}`);
  await page.close();
}

// ---- a whole model: layers, heads, guesses ----
{
  const run = make("model", ["--model", "az", "--text", "bazaklar keşinlər"]);
  const { page, problems } = await open(run);
  await csvMatches(page, run, 0, 0, "layer 0, head 0");
  await setSelect(page, "#layer", 1);
  await setSelect(page, "#head", 2);
  await csvMatches(page, run, 1, 2, "layer 1, head 2 (chosen with the selects)");
  // A click in the overview opens that head.
  await page.click('#grid button[aria-label^="layer 0 · head 1"]');
  const state = await page.evaluate(() => ({ ...window.attnvizPage.state, shown: undefined }));
  check(state.layer === 0 && state.head === 1, "model: the overview's tile opens layer 0, head 1");
  await csvMatches(page, run, 0, 1, "layer 0, head 1 (from the overview)");
  // Two heads at once in the head view.
  await page.click('#head-toggles input[data-head="3"]');
  const heads = await page.evaluate(() =>
    [...new Set([...document.querySelectorAll("#lines line")].map((l) => l.dataset.head))].sort());
  check(JSON.stringify(heads) === '["1","3"]', `model: head view shows heads ${heads}`);
  // The guesses table: the first guess at the chosen position, as in the JSON.
  const T = run.json.tokens.length;
  const guess = await text(page, `#guess-table tr:nth-child(${T + 1}) td:nth-child(3)`);
  const want = run.json.predictions[T - 1][0];
  check(guess.endsWith(` ${f32(want.p).toFixed(3)}`), `model: guess "${guess}" has p ${want.p}`);
  for (const width of [320, 2560]) {
    await page.setViewport(width, 900);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `model: ${overflow} px of sideways scrolling at ${width} px`);
    await page.screenshot(join(artifacts, `model-${width}.png`));
  }
  check(problems.length === 0, `model: ${problems.join("; ")}`);
  await page.close();
}

// ---- a Hugging Face GPT-2 folder with its BPE tokenizer ----
{
  const folder = join(work, "gpt2-folder");
  mkdirSync(folder);
  copyFileSync(join(reference, "models", "gpt2_bpe.safetensors"), join(folder, "model.safetensors"));
  copyFileSync(join(reference, "models", "gpt2_bpe.config.json"), join(folder, "config.json"));
  copyFileSync(join(reference, "..", "..", "data", "gpt2", "encoder.json"), join(folder, "vocab.json"));
  copyFileSync(join(reference, "..", "..", "data", "gpt2", "vocab.bpe"), join(folder, "merges.txt"));
  const run = make("gpt2-folder", ["--weights", folder, "--text", "Azərbaycan dili is a language"]);
  const { page, problems } = await open(run);
  await setSelect(page, "#layer", 1);
  await setSelect(page, "#head", 1);
  await csvMatches(page, run, 1, 1, "layer 1, head 1 of a GPT-2 folder");
  const labels = await page.evaluate(() =>
    [...document.querySelectorAll("#lines text[data-query]")].map((t) => t.textContent));
  check(labels.includes("⟨C9⟩") && labels.includes("␣language"), `gpt2-folder: BPE labels ${labels}`);
  check(problems.length === 0, `gpt2-folder: ${problems.join("; ")}`);
  await page.close();
}

// ---- a Gemma 3 folder: grouped heads named by their key/value head, a sliding window per layer ----
{
  const run = make("gemma3", ["--weights", join(reference, "hf", "gemma3"), "--text",
    "Mən çayı sevirəm, çünki o, isti."]);
  const { page, problems } = await open(run);
  const names = await page.evaluate(() => [...document.querySelectorAll("#head option")].map((o) => o.textContent));
  check(names[3] && names[3].includes("head 3 ← KV 1"), `gemma3: head 3 is named with its KV head (${names})`);
  // Layer 0 slides over 7 tokens, layer 1 sees every token before it.
  await setSelect(page, "#layer", 0);
  const far = await tooltipAt(page, 20, 5, run.json.tokens.length);
  check(far.includes("masked"), `gemma3: layer 0 masks a key 15 back ("${far}")`);
  await setSelect(page, "#layer", 1);
  await setSelect(page, "#head", 2);
  const seen = await tooltipAt(page, 20, 5, run.json.tokens.length);
  check(!seen.includes("masked"), `gemma3: layer 1 sees a key 15 back ("${seen}")`);
  await csvMatches(page, run, 1, 2, "layer 1, head 2 of a Gemma 3 folder");
  await page.screenshot(join(artifacts, "gemma3.png"));
  check(problems.length === 0, `gemma3: ${problems.join("; ")}`);
  await page.close();
}

// ---- GPT-2 small's shape: 12 layers × 12 heads on 64 tokens, stored compactly ----
{
  const sentence = "Azərbaycan dili türk dillərinin oğuz qrupuna aiddir; 64 hərf var.".slice(0, 64);
  const weights = join(work, "gpt2-shaped.safetensors");
  gpt2Shaped(weights, sentence);
  const run = make("gpt2-shaped", ["--weights", weights, "--text", sentence]);
  const bytes = statSync(join(work, "gpt2-shaped.html")).size;
  console.log(`12 × 12 heads, ${run.json.tokens.length} tokens: ${(bytes / 1e6).toFixed(2)} MB`);
  check(bytes < 5e6, `gpt2-shaped: the page is ${bytes} bytes, over 5 MB`);
  const { page, problems } = await open(run);
  const note = await page.evaluate(() => {
    const e = document.querySelector("#precision-note");
    return e.hidden ? "" : e.textContent;
  });
  check(note.includes("16 bits"), `gpt2-shaped: the page says its numbers are rounded ("${note}")`);
  await setSelect(page, "#layer", 11);
  await setSelect(page, "#head", 7);
  await csvMatches(page, run, 11, 7, "layer 11, head 7 in 16 bits", 0.5 / 65535 + 1e-9);
  const tiles = await page.evaluate(() => document.querySelectorAll("#grid button").length);
  check(tiles === 12 * 13 + 1, `gpt2-shaped: ${tiles} tiles, not 12 × (12 heads + mean) + rollout`);
  await page.screenshot(join(artifacts, "gpt2-shaped.png"));
  check(problems.length === 0, `gpt2-shaped: ${problems.join("; ")}`);
  await page.close();
}

// ---- text that looks like markup stays text ----
{
  const markup = "</script><script>window.injected=1</script><!-- \"'&amp; \u200f\u05e9\u05dc\u05d5\u05dd 😀";
  const run = make("inject", ["--text", markup]);
  const { page, problems } = await open(run);
  check((await text(page, "#title")) === `“${markup}”`, "inject: the title is the text");
  check(await page.evaluate(() => window.injected === undefined), "inject: no script ran");
  // The data block and the page's own scripts (each opens with its comment and "use strict"),
  // nothing the text made.
  check(await page.evaluate(() => [...document.querySelectorAll("script")].every((s) =>
    s.id === "attnviz-data" || (s.textContent.startsWith("// ") &&
      s.textContent.includes('"use strict"') && !s.textContent.includes("injected")))),
  "inject: the page has its own scripts only");
  check(problems.length === 0, `inject: ${problems.join("; ")}`);
  await page.close();
}

await browser.close();
rmSync(work, { recursive: true, force: true });
if (failures) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("all browser checks passed; screenshots in", artifacts);
