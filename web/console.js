// The runcast console (served at /console.js, embedded in the binary; no build step).
// Follows runs with the browser's EventSource, which resends the last `id:` it saw as
// Last-Event-ID when it reconnects (with an API key, after a login that sets a cookie).
"use strict";
const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
const META = ["catch_up", "replay", "subscribed"];
const EVENTS = ["RunStarted", "RunContent", "RunCompleted", "RunError", "RunCancelled",
  "ToolCallStarted", "ToolCallCompleted", "TeamRunStarted", "TeamRunContent",
  "TeamRunCompleted", "TeamRunError", "TeamRunCancelled", "WorkflowStarted",
  "WorkflowCompleted", "WorkflowError", "WorkflowCancelled", "StepStarted", "StepCompleted",
  "ParallelExecutionStarted", "ParallelExecutionCompleted", "ConditionExecutionStarted",
  "ConditionExecutionCompleted", "LoopExecutionStarted", "LoopExecutionCompleted",
  "LoopIterationStarted", "LoopIterationCompleted"];
const FINAL = {agents: /^Run(Completed|Error|Cancelled)$/,
  teams: /^TeamRun(Completed|Error|Cancelled)$/, workflows: /^Workflow(Completed|Error|Cancelled)$/};

// -- the API; with --auth-key the tab logs in once (POST auth/login) for an HttpOnly cookie
// that fetch and EventSource then send by themselves --------------------------------------
const api = {
  loggedIn: false,
  async login() {
    const key = prompt("This runcast server needs its API key:");
    if (!key) return false;
    const res = await fetch("auth/login", {method: "POST", body: new URLSearchParams({key})});
    this.loggedIn = res.ok;
    showAuth();
    return res.ok;
  },
  pending: null, // the login the calls refused together wait for: one prompt, not one each
  async fetch(path, init = {}) {
    const res = await fetch(path, init);
    if (res.status !== 401) return res;
    if (!this.pending)
      this.pending = this.login().then((ok) => { if (!ok) this.pending = null; return ok; });
    if (!(await this.pending)) return res;
    const again = await fetch(path, init);
    if (again.status === 401) this.pending = null; // the login has expired since: ask again
    return again;
  },
  async json(path, init) {
    const res = await this.fetch(path, init);
    const body = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${res.status}: ${body && body.detail}`);
    return body;
  },
};
function showAuth() { $("auth").textContent = api.loggedIn ? "logged in (cookie)" : ""; }

// -- the run on screen -----------------------------------------------------------------------
const view = {run: null, lastIndex: -1, done: false, source: null, abort: null, seen: 0};
window.runcastConsole = view; // for the browser tests

function line(text, cls, index, group) {
  const div = document.createElement("div");
  div.className = cls ? `ev ${cls}` : "ev";
  if (index !== undefined) div.dataset.index = index;
  if (group) {
    const badge = document.createElement("span");
    badge.className = "grp";
    badge.textContent = group;
    div.appendChild(badge);
    let hue = 0;
    for (const c of group) hue = (hue * 31 + c.charCodeAt(0)) % 360;
    div.style.borderLeftColor = `hsl(${hue} 70% 60%)`;
  }
  div.appendChild(document.createTextNode(text));
  $("log").appendChild(div);
  $("log").scrollTop = $("log").scrollHeight;
}

function runPath(r) { return `${r.kind}/${enc(r.component)}/runs/${enc(r.run_id)}`; }
function showRun(status) {
  const r = view.run;
  const el = $("run");
  el.className = status ? `status-${status}` : "muted";
  el.textContent = `${r.kind}/${r.component} run ${r.run_id} (session ${r.session_id})` +
                   (status ? `: ${status}` : "");
}
function setButtons() {
  const live = !!(view.source || view.abort);
  $("disconnect").disabled = !live;
  $("reconnect").disabled = live || !view.run || view.done;
  $("cancel").disabled = !view.run || view.done;
}
function reset(run) {
  closeStream();
  $("log").textContent = "";
  Object.assign(view, {run, lastIndex: -1, done: false, seen: 0});
}

function onEvent(data) {
  if (!view.run.run_id) {
    view.run.run_id = data.run_id;
    view.run.session_id = data.session_id;
    loadSessions().catch(fail);
  }
  if (data.event_index <= view.lastIndex) { line(`duplicate ${data.event_index}!`, "err"); return; }
  if (data.event_index !== view.lastIndex + 1)
    line(`events ${view.lastIndex + 1}..${data.event_index - 1} missing!`, "err");
  view.lastIndex = data.event_index;
  view.seen++;
  const group = data.member_id ? `member ${data.member_id}`
              : data.step_name ? `step ${data.step_name}` : "";
  const content = data.content === undefined || data.content === null ? ""
                : ": " + (typeof data.content === "string" ? data.content : JSON.stringify(data.content));
  const final = !data.member_id && !data.step_name && FINAL[view.run.kind].test(data.event);
  line(`[${data.event_index}] ${data.event}${content}`, final ? "done" : "", data.event_index, group);
  if (final) {
    view.done = true;
    closeStream();
    showRun(/Completed/.test(data.event) ? "COMPLETED" : /Error/.test(data.event) ? "ERROR"
                                                                          : "CANCELLED");
  } else if (view.seen === 1) {
    showRun("RUNNING");
  }
}
function onMeta(type, data) {
  const counts = type === "replay" ? `${data.missed_events} of ${data.total_events} events`
               : type === "catch_up" ? `${data.missed_events} missed, ${data.current_event_count} so far`
               : `${data.current_event_count} events so far, live now`;
  line(`[${type}] ${counts}`, "meta");
  if (data.gap) line(`gap: events ${data.gap.from}..${data.gap.to} cannot be served`, "err");
}
function dispatch(type, text) {
  if (!text) return;
  const data = JSON.parse(text);
  if (META.includes(type)) return onMeta(type, data);
  if (type === "error") return line(`[error] ${data.error}`, "err");
  onEvent(data);
}

// -- streams -----------------------------------------------------------------------------------
function closeStream() {
  if (view.source) view.source.close();
  if (view.abort) view.abort.abort();
  view.source = view.abort = null;
  setButtons();
}

/// Follows the run from view.lastIndex on with EventSource (with --auth-key, the login
/// cookie goes along).
function follow(relogged = false) {
  closeStream();
  if (view.done) return;
  const url = `${runPath(view.run)}/stream?session_id=${enc(view.run.session_id)}` +
              (view.lastIndex >= 0 ? `&last_event_id=${view.lastIndex}` : "");
  const es = new EventSource(url);
  view.source = es;
  let opens = 0;
  es.onopen = () => {
    if (opens++ > 0) line(`— reconnected: resuming after event ${view.lastIndex} —`, "meta");
  };
  for (const type of [...META, ...EVENTS]) es.addEventListener(type, (e) => dispatch(type, e.data));
  es.addEventListener("error", async (e) => {
    if (e.data) return dispatch("error", e.data); // an error frame from the server
    if (es.readyState !== EventSource.CLOSED) {
      if (!view.done) line(`— connection lost after event ${view.lastIndex}; reconnecting —`, "meta");
      return;
    }
    // Refused (not a lost connection): perhaps the login expired. Ask once, then go on.
    view.source = null;
    setButtons();
    if (view.done || relogged) return;
    const res = await api.fetch(`${runPath(view.run)}?session_id=${enc(view.run.session_id)}`);
    if (res.ok) follow(true);
  });
  setButtons();
}

/// Reads an SSE response body (a streamed POST, which EventSource cannot send).
async function readSse(res, signal) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "", type = "message", data = [];
  signal.addEventListener("abort", () => reader.cancel().catch(() => {}));
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buf += decoder.decode(value, {stream: true});
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const text = buf.slice(0, nl).replace(/\r$/, "");
      buf = buf.slice(nl + 1);
      if (text === "") { dispatch(type, data.join("\n")); type = "message"; data = []; continue; }
      if (text.startsWith(":")) continue;
      const colon = text.indexOf(":");
      const field = colon < 0 ? text : text.slice(0, colon);
      const val = colon < 0 ? "" : text.slice(colon + 1).replace(/^ /, "");
      if (field === "event") type = val; else if (field === "data") data.push(val);
    }
  }
}

// -- starting and opening runs -------------------------------------------------------------
async function loadComponents() {
  const kind = $("kind").value;
  const list = await api.json(kind);
  $("component").textContent = "";
  for (const c of list) {
    const opt = document.createElement("option");
    opt.value = c.id;
    opt.textContent = `${c.name} (${c.id})`;
    $("component").appendChild(opt);
  }
}

async function start(e) {
  e.preventDefault();
  const kind = $("kind").value, component = $("component").value, mode = $("mode").value;
  reset({kind, component, run_id: "", session_id: $("session").value});
  const body = new URLSearchParams({message: $("message").value, delay_ms: $("delay").value,
    stream: String(mode.endsWith("stream")), background: String(mode.startsWith("background"))});
  if (view.run.session_id) body.set("session_id", view.run.session_id);
  const abort = new AbortController();
  view.abort = abort;
  setButtons();
  try {
    const res = await api.fetch(`${kind}/${enc(component)}/runs`, {method: "POST", body, signal: abort.signal});
    if ((res.headers.get("content-type") || "").startsWith("text/event-stream")) {
      await readSse(res, abort.signal);
      if (view.abort === abort) view.abort = null;
      if (!view.done && view.run.run_id && mode === "background-stream") follow();
      return setButtons();
    }
    const json = await res.json();
    if (view.abort === abort) view.abort = null;
    if (!res.ok) { line(`[${res.status}] ${json.detail}`, "err"); return setButtons(); }
    view.run.run_id = json.run_id;
    view.run.session_id = json.session_id;
    showRun(json.status);
    loadSessions().catch(fail);
    if (res.status === 202) return follow();
    view.done = true;
    line(`[done] ${json.status}: ${json.content || json.error || ""}`, "done");
    setButtons();
  } catch (err) {
    if (!abort.signal.aborted) line(`request failed: ${err}`, "err");
  }
}

function open(run, from) {
  reset(run);
  view.lastIndex = from;
  showRun("");
  line(from >= 0 ? `— opening: resuming after event ${from} —` : "— opening from the start —", "meta");
  follow();
}

// -- sessions ------------------------------------------------------------------------------
const sessions = {page: 1, pages: 1};
async function loadSessions() {
  const page = await api.json(`sessions?limit=10&page=${sessions.page}&sort_by=updated_at&sort_order=desc`);
  sessions.pages = Math.max(1, page.meta.total_pages);
  $("sessions-page").textContent = `page ${page.meta.page} of ${sessions.pages} (${page.meta.total_count})`;
  const body = $("sessions").tBodies[0];
  body.textContent = "";
  for (const s of page.data) {
    const tr = body.insertRow();
    tr.className = "pick";
    for (const v of [s.session_id, s.session_type, s.run_count,
                     new Date(s.updated_at * 1000).toLocaleTimeString()])
      tr.insertCell().textContent = v;
    tr.addEventListener("click", () => loadSessionRuns(s).catch(fail));
  }
}
async function loadSessionRuns(s) {
  const runs = await api.json(`sessions/${enc(s.session_id)}/runs?limit=50`);
  const body = $("session-runs").tBodies[0];
  body.textContent = "";
  for (const r of runs) {
    const kind = s.session_type + "s";
    const component = r[`${s.session_type}_id`];
    const tr = body.insertRow();
    tr.className = "pick";
    tr.insertCell().textContent = r.run_id;
    tr.insertCell().textContent = component;
    const st = tr.insertCell();
    st.textContent = r.status;
    st.className = `status-${r.status}`;
    tr.addEventListener("click", () => open({kind, component, run_id: r.run_id, session_id: r.session_id}, -1));
  }
}

// -- metrics -------------------------------------------------------------------------------
const rate = {events: null, at: 0};
async function loadMetrics() {
  const res = await api.fetch("metrics");
  if (!res.ok) return;
  const sums = {};
  for (const l of (await res.text()).split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.eE+-]+)$/.exec(l);
    if (m) sums[m[1]] = (sums[m[1]] || 0) + Number(m[3]);
  }
  const now = performance.now();
  const events = sums.runcast_events_emitted_total;
  let perSecond = "—";
  if (events !== undefined && rate.events !== null)
    perSecond = ((events - rate.events) / ((now - rate.at) / 1000)).toFixed(1);
  rate.events = events === undefined ? null : events;
  rate.at = now;
  const show = (v) => (v === undefined ? "—" : v);
  $("metrics").innerHTML = "";
  for (const [label, v] of [["live runs", show(sums.runcast_live_runs)], ["events/s", perSecond],
                            ["subscribers", show(sums.runcast_subscribers)]]) {
    const span = document.createElement("span");
    span.textContent = `${label}: ${v}`;
    $("metrics").appendChild(span);
  }
}

// -- wiring --------------------------------------------------------------------------------
function fail(err) { line(`${err}`, "err"); }
$("kind").addEventListener("change", () => loadComponents().catch(fail));
$("start").addEventListener("submit", start);
$("open").addEventListener("submit", (e) => {
  e.preventDefault();
  open({kind: $("open-kind").value, component: $("open-component").value,
        run_id: $("open-run").value, session_id: $("open-session").value},
       Number($("open-from").value));
});
$("disconnect").addEventListener("click", () => {
  closeStream();
  line(`— disconnected after event ${view.lastIndex} —`, "meta");
});
$("reconnect").addEventListener("click", () => {
  line(`— reconnecting: resuming after event ${view.lastIndex} —`, "meta");
  follow();
});
$("cancel").addEventListener("click", async () => {
  const res = await api.fetch(`${runPath(view.run)}/cancel`, {method: "POST",
    body: new URLSearchParams({session_id: view.run.session_id})});
  const json = await res.json();
  line(`[cancel ${res.status}] ${json.detail || json.message}`, res.ok ? "meta" : "err");
});
$("sessions-refresh").addEventListener("click", () => loadSessions().catch(fail));
$("sessions-prev").addEventListener("click", () => {
  sessions.page = Math.max(1, sessions.page - 1);
  loadSessions().catch(fail);
});
$("sessions-next").addEventListener("click", () => {
  sessions.page = Math.min(sessions.pages, sessions.page + 1);
  loadSessions().catch(fail);
});
showAuth();
loadComponents()
  .then(() => { if (location.hash === "#demo") $("start").requestSubmit(); }) // /#demo starts a run
  .catch(fail);
loadSessions().catch(fail);
loadMetrics().catch(() => {});
setInterval(() => loadMetrics().catch(() => {}), 2000);
