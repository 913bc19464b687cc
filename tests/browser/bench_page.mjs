// How long a GPT-2-small-shaped page (12 × 12 heads, 64 tokens) takes to open in headless
// Chromium: from navigation to the end of the load event, when every view is drawn. Run by hand
// (a benchmark, not a test): node bench_page.mjs ATTNVIZ_BINARY [RUNS]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./cdp.mjs";
import { gpt2Shaped } from "./gpt2_shaped.mjs";

const [binary, runs = "7"] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "attnviz-bench-"));
const text = "Azərbaycan dili türk dillərinin oğuz qrupuna aiddir; 64 hərf var.".slice(0, 64);
const weights = join(work, "gpt2-shaped.safetensors");
const html = join(work, "page.html");
gpt2Shaped(weights, text);
execFileSync(binary, ["--weights", weights, "--text", text, "--html", html, "--no-table"]);
const browser = await launch(process.env.CHROMIUM || "/usr/bin/chromium");
const times = [];
for (let r = 0; r < Number(runs); r++) {
  const page = await browser.newPage(1280, 900);
  await page.goto(`file://${html}`);
  times.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
  await page.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(`page ${(statSync(html).size / 1e6).toFixed(2)} MB; open to drawn: median ` +
  `${times[times.length >> 1].toFixed(0)} ms, best ${times[0].toFixed(0)} ms, worst ` +
  `${times[times.length - 1].toFixed(0)} ms over ${times.length} runs`);
rmSync(work, { recursive: true, force: true });
