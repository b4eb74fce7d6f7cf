"""The scenarios of bench/run-all. Each takes (bench, server, rep) and returns its figures
for that server; a server it does not apply to is not passed. Sizes come from `bench.size`
(quick or full)."""

import math
import os
import subprocess
import time

from benchlib.servers import Runcast, cpu_seconds, disk_written, rss_kib


def _pct(values, p):
    """The p-quantile (0 < p ≤ 1) of the values by nearest rank: the smallest value that at
    least p of them do not exceed, the ceil(p·n)-th. Of 100 samples the p99 is the 99th, not
    the largest (int(p·n) was read as a 0-based index before, one rank too high)."""
    v = sorted(values)
    rank = math.ceil(p * len(v) - 1e-9)  # 0.99 * 100 may come out a hair above 99
    return v[min(len(v), max(1, rank)) - 1]


def _one_at_a_time(b, what, *args):
    """b.size["samples"] runs of sse_load with `args`, one after the other, after one that is
    not counted. The first request after a pause (the scenario before, a server switch) is
    slow on this VM whatever the server: after 1 s idle, runcast's memory replay took 0.3–1.5
    ms to its first event and nchan's 0.5–1.5, against ~0.15 for both back to back (the idle
    vCPU's wake and cold caches; bench/RESULTS.md, 2026-12-07 late). Counted, it was the
    maximum of every series, so a 100-sample p99 measured the pause, not the request."""
    _check(b.sse_load(*args), 1, what)
    summaries = []
    for _ in range(b.size["samples"]):
        one = b.sse_load(*args)
        _check(one, 1, what)
        summaries.append(one)
    return summaries


def _check(summary, want_ok, what):
    if summary["ok"] < want_ok or summary.get("error"):
        raise RuntimeError(f"{what}: {summary}")


def live(b, srv, rep):
    """One run → one client, events as fast as the server lets them through."""
    n = b.size["live_events"]
    cpu0 = cpu_seconds(srv.pids())
    if isinstance(srv, Runcast):
        s = b.sse_load("--port", srv.port, "--method", "POST", "--path", "/agents/bench/runs",
                       "--body", f"message=bench&stream=true&events={n}&bytes={b.content_bytes}")
    else:
        n = min(n, 50_000)  # nchan takes ~12k/s: a rate needs no more
        s = b.sse_load("--port", srv.port, "--path", f"/sub/live{rep}",
                       "--publish", f"/pub/live{rep}", "--messages", n,
                       "--bytes", b.data_bytes, "--events", n)
    cpu = cpu_seconds(srv.pids()) - cpu0
    _check(s, 1, "live")
    return {"live_eps": s["stream_rate_p50"], "live_cpu_us": cpu * 1e6 / max(1, s["payloads"])}


def fanout(b, srv, rep):
    """One run → 1,000 clients that joined before its first event. The client reads the
    streams still waiting for their first event first, a small bite each: one process reads
    all 1,000, and reading 16 KiB of every other stream's backlog first (16 MB to parse)
    measured the client's queue, not the server's (bench/README.md)."""
    n, clients = b.size["fanout_events"], b.size["fanout_clients"]
    if isinstance(srv, Runcast):
        rid = srv.start_run(events=n, bytes=b.content_bytes, wait_ms=3000)
        s = b.sse_load("--port", srv.port, "--connections", clients, "--first-priority", "on",
                       "--path", srv.stream_path(rid))
        srv.wait_done(rid)
    else:
        s = b.sse_load("--port", srv.port, "--connections", clients, "--first-priority", "on",
                       "--path", f"/sub/fan{rep}",
                       "--publish", f"/pub/fan{rep}", "--messages", n,
                       "--bytes", b.data_bytes, "--events", n)
    _check(s, clients, "fanout")
    return {"fanout_dps": s["deliveries_per_s"], "fanout_first_p99": s["first_e2e_ms"]["p99"]}


def _history(b, srv, rep, n):
    """A finished run (runcast) or a channel (nchan) holding n events; its stream path."""
    if isinstance(srv, Runcast):
        rid = srv.start_run(events=n - 2, bytes=b.content_bytes)  # + RunStarted, RunCompleted
        srv.wait_done(rid)
        return srv.stream_path(rid), 0
    b.sse_load("--port", srv.port, "--connections", 0, "--publish", f"/pub/hist{rep}",
               "--messages", n, "--bytes", b.data_bytes, "--pipeline", 64)
    return f"/replay/hist{rep}", n


def replays(b, srv, rep):
    """1,000 clients replay a finished 10,000-event history at once; then one at a time."""
    n, clients = b.size["replay_events"], b.size["replay_clients"]
    path, events = _history(b, srv, rep, n)
    s = b.sse_load("--port", srv.port, "--connections", clients, "--path", path,
                   "--events", events)
    _check(s, clients, "replays")
    out = {"replay1000_dps": s["deliveries_per_s"]}
    samples = _one_at_a_time(b, "replay", "--port", srv.port, "--path", path, "--events", events)
    rates = [one["stream_rate_p50"] for one in samples]
    firsts = [one["first_event_ms"]["p50"] for one in samples]
    out["replay_mem_eps"] = _pct(rates, 0.5)
    out["replay_mem_first_p50"] = _pct(firsts, 0.5)
    out["replay_mem_first_p99"] = _pct(firsts, 0.99)
    return out


def store_replay(b, srv, rep):
    """One client at a time replays a finished run whose log memory let go (store reads)."""
    path, _ = _history(b, srv, rep, b.size["replay_events"])
    time.sleep(0.5)  # retention 0: the log expires as soon as the run is stored
    samples = _one_at_a_time(b, "store replay", "--port", srv.port, "--path", path)
    rates = [one["stream_rate_p50"] for one in samples]
    firsts = [one["first_event_ms"]["p50"] for one in samples]
    return {"replay_store_eps": _pct(rates, 0.5), "replay_store_first_p99": _pct(firsts, 0.99)}


def starts(b, srv, rep):
    """Background starts (stream=false), 64 connections keep-alive, with wrk."""
    lua = os.path.join(b.root, "bench/wrk/start.lua")
    out = subprocess.run(["wrk", "-t1", "-c64", f"-d{b.size['starts_s']}s", "--latency",
                          "-s", lua, f"http://127.0.0.1:{srv.port}/agents/bench/runs"],
                         capture_output=True, text=True, check=True).stdout
    b.keep("wrk", out)
    if "Non-2xx" in out:
        raise RuntimeError("starts: some answers were not 2xx:\n" + out)
    rps = float(out.split("Requests/sec:")[1].split()[0])
    p99 = out.split(" 99% ")[1].split()[0]
    return {"starts_per_s": rps, "starts_p99": _ms(p99)}


def _ms(text):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * f
    return float(text)


def first_event(b, srv, rep):
    """A new streamed run's first event, one start at a time on a quiet server."""
    srv.wait_quiet()
    samples = _one_at_a_time(b, "first event", "--port", srv.port, "--method", "POST",
                             "--path", "/agents/bench/runs",
                             "--body", "message=bench&stream=true&events=1&bytes=32")
    firsts = [s["first_event_ms"]["p50"] for s in samples]
    return {"new_first_p50": _pct(firsts, 0.5), "new_first_p99": _pct(firsts, 0.99)}


def memory(b, srv, rep):
    """Bytes of server memory per buffered event: finished runs held in their logs. One run
    first, not counted: what any first run costs once (SQLite's page caches, malloc's
    arenas, thread stacks) is not a cost per event."""
    runs, per_run = b.size["memory_runs"], b.size["replay_events"]
    srv.wait_done(srv.start_run(events=per_run - 2, bytes=b.content_bytes))
    before = rss_kib(srv.pids())
    ids = [srv.start_run(events=per_run - 2, bytes=b.content_bytes) for _ in range(runs)]
    for rid in ids:
        srv.wait_done(rid)
    return {"mem_per_event_b": (rss_kib(srv.pids()) - before) * 1024 / (runs * per_run)}


def idle(b, srv, rep):
    """Server memory per idle SSE connection: streams of a live run that emits nothing."""
    clients = b.size["idle_clients"]
    ready = os.path.join(b.out, f"ready-{srv.name}-{rep}")
    rid = None
    if isinstance(srv, Runcast):
        rid = srv.start_run(events=1, bytes=32, wait_ms=60000)
        path = srv.stream_path(rid)
    else:
        path = f"/sub/idle{rep}"

    def hold(n, ready):
        """n streams open (until killed): their process, or None if they did not all open."""
        proc = b.sse_load_async("--port", srv.port, "--connections", n, "--path", path,
                                "--ready-file", ready, "--timeout", 60)
        until = time.time() + 60
        while not os.path.exists(ready) and time.time() < until:
            time.sleep(0.05)
        time.sleep(0.5)
        return proc

    # A few streams first, closed again: what the first ones cost once (malloc's arenas
    # growing, per-thread caches) is not a cost per connection.
    warm = hold(clients // 25, ready + "-warm")
    warm.kill()
    warm.wait()
    time.sleep(1)
    before = rss_kib(srv.pids())
    proc = hold(clients, ready)
    after = rss_kib(srv.pids())
    proc.kill()
    proc.wait()
    if rid:
        srv.cancel(rid)
    if not os.path.exists(ready):
        raise RuntimeError("idle: the streams did not all open")
    return {"idle_kib": (after - before) / clients}


def ceiling(b, rep):
    """Pre-built 262-byte frames over one loopback connection: the physical limit."""
    s = b.sse_load("--raw-frames", b.size["raw_frames"], "--bytes", 262)
    return {"raw_fps": s["deliveries_per_s"]}


def store_ceiling(b, store_bench, rep):
    """The store's own write ceiling: store_bench's SQLite cell of one run written in batches
    of the server's flush batch (512), then of 4,096 — what live 1→1 is held against."""
    figures = {}
    for batch, key in ((512, "store_ceiling_eps"), (4096, "store_ceiling_4096_eps")):
        cmd = [store_bench, "--cell", f"1,{batch}", "--events", str(b.size["store_events"])]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                             env={k: v for k, v in os.environ.items()
                                  if k != "RUNCAST_TEST_PG_URL"})
        b.keep(" ".join(cmd), out.stdout + out.stderr)
        rows = [ln.split() for ln in out.stdout.splitlines() if ln.startswith("sqlite ")]
        if out.returncode != 0 or len(rows) != 1:
            raise RuntimeError(f"store_bench failed: {out.stderr.strip()}")
        figures[key] = float(rows[0][5])   # backend runs batch events seconds events/s
    return figures


def llm(b, srv, rep):
    """LLM-shaped traffic: 2,000 runs × 50 events/s of 40-byte tokens, one client each. Events
    are stamped when they were due, so a server that cannot keep up shows it as latency."""
    runs, n = b.size["llm_runs"], b.size["llm_events"]
    cpu0 = cpu_seconds(srv.pids())
    if isinstance(srv, Runcast):
        s = b.sse_load("--port", srv.port, "--connections", runs, "--method", "POST",
                       "--path", "/agents/bench/runs",
                       "--body", f"message=bench&stream=true&events={n}&bytes=40&rate=50")
    else:
        s = b.sse_load("--port", srv.port, "--connections", runs, "--channels", runs,
                       "--path", f"/sub/llm{rep}x{{i}}", "--publish", f"/pub/llm{rep}x{{i}}",
                       "--messages", runs * n, "--rate", runs * 50, "--publishers", 4,
                       "--bytes", b.token_data_bytes, "--events", n)
    cpu = cpu_seconds(srv.pids()) - cpu0
    _check(s, runs, "llm")
    return {"llm_dps": s["deliveries_per_s"],
            "llm_e2e_p50": s["e2e_ms"]["p50"], "llm_e2e_p99": s["e2e_ms"]["p99"],
            "llm_cpu_us": cpu * 1e6 / max(1, s["payloads"])}


def llm_long(b, srv, rep):
    """The LLM shape with runs of a minute, on a fresh server: once every run has leaves of
    the SQLite store's block index to itself, each commit rewrites one per run it holds,
    which the 5-second runs of `llm` never reach (bench/RESULTS.md, 2026-12-08). Disk bytes
    per event are `write_bytes` of /proc/PID/io: the WAL, and the checkpoint's copy."""
    runs, n = b.size["llm_long_runs"], b.size["llm_long_events"]
    cpu0, disk0 = cpu_seconds(srv.pids()), disk_written(srv.pids())
    s = b.sse_load("--port", srv.port, "--connections", runs, "--method", "POST",
                   "--path", "/agents/bench/runs",
                   "--body", f"message=bench&stream=true&events={n}&bytes=40&rate=50",
                   timeout=n // 50 + 120)
    time.sleep(1.5)  # the checkpointer copies what the last commits left within a second
    cpu, disk = cpu_seconds(srv.pids()) - cpu0, disk_written(srv.pids()) - disk0
    _check(s, runs, "llm_long")
    events = max(1, s["payloads"])
    return {"llm_long_disk_b": disk / events, "llm_long_e2e_p99": s["e2e_ms"]["p99"],
            "llm_long_cpu_us": cpu * 1e6 / events}


def starts_pg(b, srv, rep):
    """Background starts on PostgreSQL (fsync on), a fresh database each rep."""
    s = starts(b, srv, rep)
    return {"starts_pg_per_s": s["starts_per_s"], "starts_pg_p99": s["starts_p99"]}


def cluster(b, nodes, rep):
    """Two nodes on one store: a run on n1 followed from n1 (local) and from n2
    (remote, frames relayed by the owner over CAF's middleman), live and resumed."""
    n1, n2 = nodes
    out = {}
    # Live tail as fast as it goes: one client on each node, both joined before the first
    # event.
    rid = n1.start_run(events=b.size["cluster_events"], bytes=b.content_bytes, wait_ms=1000)
    local, remote = b.sse_load_together(
        ["--port", n1.port, "--path", n1.stream_path(rid)],
        ["--port", n2.port, "--path", n2.stream_path(rid)])
    _check(local, 1, "cluster local tail")
    _check(remote, 1, "cluster remote tail")
    out["cluster_local_eps"] = local["stream_rate_p50"]
    out["cluster_remote_eps"] = remote["stream_rate_p50"]
    n1.wait_done(rid)
    # Paced (1,000 events/s), so latency is not queueing behind a flood.
    paced = n1.start_run(events=1000, bytes=b.content_bytes, rate=1000, wait_ms=1000)
    local, remote = b.sse_load_together(
        ["--port", n1.port, "--path", n1.stream_path(paced)],
        ["--port", n2.port, "--path", n2.stream_path(paced)])
    _check(remote, 1, "cluster paced remote")
    out["cluster_local_e2e_p99"] = local["e2e_ms"]["p99"]
    out["cluster_remote_e2e_p99"] = remote["e2e_ms"]["p99"]
    n1.wait_done(paced)
    # Resumes of the finished run from its middle, one at a time, on each node.
    middle = b.size["cluster_events"] // 2
    for name, node in (("local", n1), ("remote", n2)):
        samples = _one_at_a_time(b, f"cluster resume {name}", "--port", node.port,
                                 "--path", node.stream_path(rid),
                                 "--header", f"Last-Event-ID: {middle}")
        firsts = [one["first_event_ms"]["p50"] for one in samples]
        out[f"cluster_resume_{name}_p50"] = _pct(firsts, 0.5)
        out[f"cluster_resume_{name}_p99"] = _pct(firsts, 0.99)
    return out
