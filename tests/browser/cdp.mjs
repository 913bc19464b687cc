// A small driver for Debian's Chromium over the DevTools protocol, on the pipe Chromium opens with
// --remote-debugging-pipe (messages are JSON, each ended by a NUL byte) — the transport puppeteer
// uses, without a package to download. Enough for the page tests: tabs, viewport, every request
// held and failed or let through, console errors, navigation, script evaluation, real mouse and
// keyboard events, screenshots.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function launch(executable = "/usr/bin/chromium") {
  // A profile of its own, and its temporary files in it, removed when Chromium has gone: nothing
  // of a run stays behind.
  const profile = mkdtempSync(join(tmpdir(), "attnviz-chromium-"));
  const chrome = spawn(executable, [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
    `--user-data-dir=${profile}`,
    "--no-first-run", "--no-default-browser-check", "--font-render-hinting=none", "about:blank",
  ], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: profile } });
  const toChrome = chrome.stdio[3];
  const fromChrome = chrome.stdio[4];
  let nextId = 1;
  const waiting = new Map();
  const listeners = new Set();
  let buffer = Buffer.alloc(0);
  fromChrome.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let end; (end = buffer.indexOf(0)) >= 0;) {
      const message = JSON.parse(buffer.subarray(0, end).toString("utf8"));
      buffer = buffer.subarray(end + 1);
      if (message.id !== undefined && waiting.has(message.id)) {
        const { resolve, reject, method } = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      } else {
        for (const listen of listeners) listen(message);
      }
    }
  });
  const send = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject, method });
    toChrome.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
  });
  const browser = {
    async newPage(width = 1280, height = 900) {
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
      return makePage(send, listeners, sessionId, targetId, width, height);
    },
    async close() {
      const gone = chrome.exitCode !== null || chrome.signalCode !== null;
      const exited = gone ? Promise.resolve() : new Promise((resolve) => chrome.once("exit", resolve));
      await send("Browser.close").catch(() => {});
      chrome.kill();
      await exited;
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

async function makePage(send, listeners, sessionId, targetId, width, height) {
  const call = (method, params) => send(method, params, sessionId);
  const problems = [];
  let allowed = () => false;
  const loaded = [];
  listeners.add((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === "Runtime.consoleAPICalled" && m.params.type === "error") {
      problems.push(`console: ${m.params.args.map((a) => a.value ?? a.description).join(" ")}`);
    } else if (m.method === "Runtime.exceptionThrown") {
      problems.push(`page error: ${m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text}`);
    } else if (m.method === "Log.entryAdded" && m.params.entry.level === "error") {
      problems.push(`log: ${m.params.entry.text}`);
    } else if (m.method === "Fetch.requestPaused") {
      const url = m.params.request.url;
      if (allowed(url)) {
        call("Fetch.continueRequest", { requestId: m.params.requestId }).catch(() => {});
      } else {
        problems.push(`request: ${url.slice(0, 80)}`);
        call("Fetch.failRequest", { requestId: m.params.requestId, errorReason: "BlockedByClient" }).catch(() => {});
      }
    } else if (m.method === "Page.loadEventFired") {
      loaded.splice(0).forEach((resolve) => resolve());
    }
  });
  await Promise.all([call("Page.enable"), call("Runtime.enable"), call("Log.enable"),
    call("Fetch.enable", { patterns: [{ urlPattern: "*" }] })]);

  const page = {
    problems,
    async setViewport(w, h) {
      await call("Emulation.setDeviceMetricsOverride", { width: w, height: h, deviceScaleFactor: 1, mobile: false });
    },
    // Navigates to `url`, letting through it and the page's own data: and blob: URLs only.
    async goto(url) {
      allowed = (u) => u === url || /^(data|blob):/.test(u);
      const done = new Promise((resolve) => loaded.push(resolve));
      await call("Page.navigate", { url });
      await done;
    },
    // Runs `fn` (a function, with JSON arguments) in the page and returns its JSON result.
    async evaluate(fn, ...args) {
      const { result, exceptionDetails } = await call("Runtime.evaluate", {
        expression: `(${fn})(...${JSON.stringify(args)})`, awaitPromise: true, returnByValue: true,
      });
      if (exceptionDetails) throw new Error(`evaluate: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    },
    async focus(selector) {
      await page.evaluate((s) => document.querySelector(s).focus(), selector);
    },
    async press(key) {
      const codes = { ArrowUp: 38, ArrowDown: 40, ArrowLeft: 37, ArrowRight: 39 };
      const event = { key, code: key, windowsVirtualKeyCode: codes[key], nativeVirtualKeyCode: codes[key] };
      await call("Input.dispatchKeyEvent", { type: "keyDown", ...event });
      await call("Input.dispatchKeyEvent", { type: "keyUp", ...event });
    },
    async mouseMove(x, y) {
      await call("Input.dispatchMouseEvent", { type: "mouseMoved", x, y });
    },
    async center(selector) {
      return page.evaluate((s) => {
        const e = document.querySelector(s);
        e.scrollIntoView({ block: "center", inline: "center" });
        const r = e.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }, selector);
    },
    async hover(selector) {
      const { x, y } = await page.center(selector);
      await page.mouseMove(x, y);
    },
    async click(selector) {
      const { x, y } = await page.center(selector);
      await page.mouseMove(x, y);
      await call("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button: "left", clickCount: 1 });
      await call("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button: "left", clickCount: 1 });
    },
    // Chooses `value` in a <select>, as a user's choice does: the value, then a change event.
    async select(selector, value) {
      await page.evaluate((s, v) => {
        const e = document.querySelector(s);
        e.value = v;
        e.dispatchEvent(new Event("change", { bubbles: true }));
      }, selector, String(value));
    },
    // The whole page, not only the viewport.
    async screenshot(path) {
      const { cssContentSize: size } = await call("Page.getLayoutMetrics");
      const clip = { x: 0, y: 0, width: Math.ceil(size.width), height: Math.ceil(size.height), scale: 1 };
      const { data } = await call("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip });
      writeFileSync(path, Buffer.from(data, "base64"));
    },
    async close() {
      await send("Target.closeTarget", { targetId });
    },
  };
  await page.setViewport(width, height);
  return page;
}
