// The web console in a real browser: Debian's chromium driven by playwright-core (never a
// downloaded browser). The server runs with the test-only fault hook that drops every SSE
// stream after a few events, so the page's EventSource must reconnect with Last-Event-ID
// again and again; the page must still show every event exactly once, in order. A second
// server with --auth-key checks the login: one prompt, an HttpOnly cookie EventSource sends.
//
// Usage: node console_test.mjs RUNCAST_BIN ARTIFACT_DIR (CTest: browser_console_works_through_
// stream_cuts). scripts/setup installs playwright-core here from package-lock.json.
import {spawn} from "node:child_process";
import {mkdtempSync, mkdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import assert from "node:assert/strict";
import {chromium} from "playwright-core";

const [bin, artifacts] = process.argv.slice(2);
assert.ok(bin && artifacts, "usage: console_test.mjs RUNCAST_BIN ARTIFACT_DIR");
const CUT_AFTER = 4; // events per connection before the server drops it
const work = mkdtempSync(join(tmpdir(), "runcast-browser-"));
mkdirSync(artifacts, {recursive: true});

function startServer(name = "console", extra = []) {
  const child = spawn(bin, ["serve", "--port", "0", "--db", `sqlite:${work}/${name}.db`,
    "--fault-cut-streams-after", String(CUT_AFTER), "--sse-retry-ms", "100", ...extra],
    {stdio: ["ignore", "pipe", "pipe"]});
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20000);
    const scan = (chunk) => {
      output += chunk;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve({child, port: Number(m[1]), log: () => output}); }
    };
    child.stdout.on("data", scan);
    child.stderr.on("data", scan);
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
}

/// The indices the page shows, in page order, and its error lines.
async function shown(page) {
  return page.evaluate(() => ({
    indices: [...document.querySelectorAll("#log .ev[data-index]")].map((e) => Number(e.dataset.index)),
    errors: [...document.querySelectorAll("#log .err")].map((e) => e.textContent),
    groups: [...document.querySelectorAll("#log .grp")].map((e) => e.textContent),
    text: document.getElementById("log").textContent,
  }));
}
const range = (from, to) => Array.from({length: to - from}, (_, i) => from + i);
const words = (n) => Array.from({length: n}, (_, i) => `w${i}`).join(" ");
const waitDone = (page) => page.waitForSelector("#log .ev.done", {timeout: 30000});

async function startRun(page, kind, component, message, delay, mode = "background") {
  await page.selectOption("#kind", kind);
  await page.waitForSelector(`#component option[value="${component}"]`, {state: "attached"});
  await page.selectOption("#component", component);
  await page.fill("#message", message);
  await page.fill("#delay", String(delay));
  await page.selectOption("#mode", mode);
  await page.click("#start button[type=submit]");
}

const server = await startServer();
const browser = await chromium.launch({executablePath: "/usr/bin/chromium", headless: true,
                                       args: ["--no-sandbox"]});
let failed = false;
try {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  // Each EventSource request: the Last-Event-ID it sent (null: none). allHeaders(): the
  // browser adds that header below what headers() shows.
  const streams = [];
  page.on("request", (r) => {
    if (r.url().includes("/stream?"))
      streams.push(r.allHeaders().then((h) => h["last-event-id"] ?? null));
  });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.port}/`);

  // 1. A background run followed through many server-side cuts.
  const n = 30;
  await startRun(page, "agents", "echo", words(n), 60);
  await page.waitForSelector("#log .ev[data-index='12']", {timeout: 20000});
  const shot = join(artifacts, "console-mid-run.png");
  await page.screenshot({path: shot, fullPage: true});
  await waitDone(page);
  let s = await shown(page);
  const total = s.indices.length;
  assert.deepEqual(s.indices, range(0, total), "every event once, in order");
  assert.ok(total >= n + 2, `RunStarted, ${n} words, RunCompleted: got ${total}`);
  assert.deepEqual(s.errors, []);
  assert.match(await page.textContent("#run"), /COMPLETED/);
  const sent = await Promise.all(streams);
  const resumed = sent.filter((h) => h !== null).map(Number);
  // How many events one connection carries depends on how they are batched into writes (a
  // slow machine batches more), and a browser may drop what arrived just before the cut; so
  // this asserts only that reconnects carried Last-Event-ID — the exact-once check above is
  // what proves they resumed at the right place.
  assert.ok(sent.length >= 3 && resumed.length >= 1 && sent[0] === null,
            `EventSource reconnected with Last-Event-ID: ${JSON.stringify(sent)}`);
  assert.deepEqual(resumed, [...resumed].sort((a, b) => a - b), "cursors only move forward");
  assert.match(s.text, /reconnected: resuming after event \d+/);
  const firstRun = await page.evaluate(() => ({...window.runcastConsole.run}));
  console.log(`run ${firstRun.run_id}: ${total} events over ${sent.length} connections, ` +
              `Last-Event-ID sent ${JSON.stringify(resumed)}; screenshot ${shot}`);

  // 2. Cancel from the page.
  await startRun(page, "agents", "echo", words(200), 300);
  await page.waitForSelector("#log .ev[data-index='2']", {timeout: 20000});
  await page.click("#cancel");
  await waitDone(page);
  s = await shown(page);
  assert.match(s.text, /RunCancelled/);
  assert.deepEqual(s.indices, range(0, s.indices.length));
  assert.match(await page.textContent("#run"), /CANCELLED/);

  // 3. Team members and workflow steps are grouped.
  await startRun(page, "teams", "echo-team", words(5), 20);
  await waitDone(page);
  s = await shown(page);
  assert.ok(s.groups.some((g) => g === "member echo"), `member groups: ${s.groups}`);
  assert.deepEqual(s.indices, range(0, s.indices.length));
  await startRun(page, "workflows", "echo-flow", words(5), 20);
  await waitDone(page);
  s = await shown(page);
  assert.ok(s.groups.includes("step first") && s.groups.includes("step second"),
            `step groups: ${s.groups}`);

  // 4. The session list: the first run's session holds it; clicking replays it whole.
  await page.click("#sessions-refresh");
  await page.waitForSelector(`#sessions td:text("${firstRun.session_id}")`, {timeout: 10000});
  assert.ok(await page.locator("#sessions tbody tr").count() >= 4, "one session per run");
  await page.click(`#sessions td:text("${firstRun.session_id}")`);
  await page.waitForSelector(`#session-runs td:text("${firstRun.run_id}")`);
  assert.match(await page.textContent("#session-runs"), /COMPLETED/);
  await page.click(`#session-runs td:text("${firstRun.run_id}")`);
  await waitDone(page);
  s = await shown(page);
  assert.deepEqual(s.indices, range(0, total), "a replay through cuts: every event once");

  // 5. Open by id, resuming after an index.
  await page.fill("#open-component", "echo");
  await page.fill("#open-run", firstRun.run_id);
  await page.fill("#open-session", firstRun.session_id);
  await page.fill("#open-from", "9");
  await page.click("#open button[type=submit]");
  await waitDone(page);
  s = await shown(page);
  assert.deepEqual(s.indices, range(10, total), "exactly the events after index 9");
  assert.deepEqual(s.errors, []);
  assert.deepEqual(pageErrors, [], "no script errors on the page");

  // 6. With --auth-key: the page asks for the key once and logs in for an HttpOnly cookie;
  //    EventSource, which cannot send a header, follows the run through the cuts with it.
  const KEY = "browser-test-key";
  const authed = await startServer("authed", ["--auth-key", KEY]);
  try {
    const page2 = await browser.newPage();
    let asked = 0;
    page2.on("dialog", (d) => { asked++; d.accept(KEY); });
    page2.on("pageerror", (e) => pageErrors.push(String(e)));
    const sentHeaders = [];
    page2.on("request", (r) => {
      if (r.url().includes("/stream?"))
        sentHeaders.push(r.allHeaders().then((h) => ({auth: h["authorization"] ?? null,
                                                       cookie: h["cookie"] ?? ""})));
    });
    await page2.goto(`http://127.0.0.1:${authed.port}/`);
    await startRun(page2, "agents", "echo", words(12), 40);
    await waitDone(page2);
    s = await shown(page2);
    assert.ok(s.indices.length >= 14, `RunStarted, 12 words, RunCompleted: ${s.indices}`);
    assert.deepEqual(s.indices, range(0, s.indices.length), "every event once, in order");
    assert.equal(asked, 1, "the key is asked for once");
    assert.match(await page2.textContent("#auth"), /logged in/);
    assert.equal(await page2.evaluate(() => document.cookie.includes("runcast_auth")), false,
                 "HttpOnly: the page's scripts cannot read the token");
    const hs = await Promise.all(sentHeaders);
    assert.ok(hs.length >= 2 && hs.every((h) => h.auth === null
                                         && h.cookie.includes("runcast_auth=v1.")),
              `EventSource sent the cookie and no Authorization: ${JSON.stringify(hs)}`);
    assert.deepEqual(pageErrors, [], "no script errors on the page");
    console.log(`auth: one login, ${hs.length} EventSource connections with the cookie`);
  } finally {
    authed.child.kill("SIGTERM");
  }
  console.log("console: reconnects, cancel, groups, sessions, open-by-id and login all passed");
} catch (err) {
  failed = true;
  console.error(err);
  console.error(`server output:\n${server.log()}`);
} finally {
  await browser.close();
  server.child.kill("SIGTERM");
  rmSync(work, {recursive: true, force: true});
}
process.exit(failed ? 1 : 0);
