#!/usr/bin/python3
"""The seed's own Python client code, unchanged, against a real runcast server.

DESIGN.md promises that runcast keeps the reference server's HTTP contract, "so the seed's
Python client code works against it unchanged". This script proves it: it starts
`$RUNCAST_BIN serve --host 127.0.0.1 --port 0 --db sqlite:<tmp>/seed.db`, points the seed's
module-level BASE_URL at it, and runs the seed's `start_resumable_stream()` and
`resume_stream(...)` exactly as written (only the indentation, lost in the seed file, is
restored). It then checks what they printed, and checks the fire-and-forget mode with
polling, as the seed's first example does.

"The pattern is the same for agents, teams, and workflows; only the URL path differs", says the
seed. So the same checks run against the demo team and workflow with the seed's functions
changed in exactly that: their source with "/agents" replaced by "/teams" or "/workflows".

Run with Debian's /usr/bin/python3 (it has httpx). Exits 0 on success, 1 with a message and
the server's log on any failure. The server is always terminated: SIGTERM, then SIGKILL
after 5 s; it also dies with this script (PR_SET_PDEATHSIG) if the script itself is killed.
"""

import asyncio
import contextlib
import inspect
import io
import json
import os
import re
import signal
import sys
import tempfile
import time
import traceback

import httpx

from seed_harness import Server, TestFailure, check

# The seed's value; main() points it at the server this script starts.
BASE_URL = "http://localhost:7777"

MESSAGE = "Write a detailed story about a brave knight."


# ---- the seed's code, verbatim --------------------------------------------------------------

async def start_resumable_stream():
    async with httpx.AsyncClient(base_url=BASE_URL, timeout=60) as client:
        # Use /agents, /teams, or /workflows
        agents = (await client.get("/agents")).json()
        agent_id = agents[0]["id"]

        form_data = {
            "message": "Write a detailed story about a brave knight.",
            "stream": "true",
            "background": "true",
        }

        run_id = None
        session_id = None
        last_event_index = None

        async with client.stream("POST", f"/agents/{agent_id}/runs", data=form_data) as response:
            buffer = ""
            async for chunk in response.aiter_text():
                buffer += chunk
                while "\n\n" in buffer:
                    event_str, buffer = buffer.split("\n\n", 1)
                    for line in event_str.strip().split("\n"):
                        if not line.startswith("data: "):
                            continue
                        data = json.loads(line[6:])

                        # Track identifiers for reconnection
                        if data.get("run_id") and not run_id:
                            run_id = data["run_id"]
                        if data.get("session_id") and not session_id:
                            session_id = data["session_id"]
                        if data.get("event_index") is not None:
                            last_event_index = data["event_index"]

                        print(f"[{data.get('event_index')}] {data.get('event')}: {str(data.get('content', ''))[:60]}")

        return run_id, session_id, last_event_index


async def resume_stream(agent_id: str, run_id: str, session_id: str, last_event_index: int):
    form_data = {"last_event_index": str(last_event_index)}
    if session_id:
        form_data["session_id"] = session_id

    async with httpx.AsyncClient(base_url=BASE_URL, timeout=120) as client:
        async with client.stream(
            "POST", f"/agents/{agent_id}/runs/{run_id}/resume", data=form_data
        ) as response:
            buffer = ""
            async for chunk in response.aiter_text():
                buffer += chunk
                while "\n\n" in buffer:
                    event_str, buffer = buffer.split("\n\n", 1)
                    for line in event_str.strip().split("\n"):
                        if not line.startswith("data: "):
                            continue
                        data = json.loads(line[6:])
                        event_type = data.get("event")
                        if event_type in ("catch_up", "replay", "subscribed"):
                            print(f"[META] {event_type}: {data}")
                        else:
                            print(f"[{data.get('event_index')}] {event_type}: {str(data.get('content', ''))[:60]}")

# ---- end of the seed's code -----------------------------------------------------------------


class Kind:
    """What differs between agents, teams and workflows: the path, the demo component, its
    event names, its output, and the seed's two functions with the path changed."""

    def __init__(self, path, component, started, completed, output, words):
        self.path = path
        self.component = component
        self.started = started
        self.completed = completed
        self.output = output
        self.words = words  # the words its content events spell, in any order
        self.start, self.resume = seed_functions(path)


def seed_functions(path):
    """The seed's start_resumable_stream and resume_stream with "/agents" replaced by `path`
    in their source, and nothing else changed; the originals for "/agents"."""
    if path == "/agents":
        return start_resumable_stream, resume_stream
    namespace = {"httpx": httpx, "json": json, "BASE_URL": BASE_URL}
    for function in (start_resumable_stream, resume_stream):
        source = inspect.getsource(function)
        check(source.count("/agents") >= 1, f"{function.__name__}: no /agents in its source")
        exec(compile(source.replace("/agents", path), f"<seed {path}>", "exec"), namespace)
    # They read BASE_URL from their own globals: point them at the server.
    namespace["BASE_URL"] = BASE_URL
    return namespace["start_resumable_stream"], namespace["resume_stream"]


def kinds():
    words = MESSAGE.split()
    return [
        Kind("/agents", "echo", "RunStarted", "RunCompleted", MESSAGE, words),
        # Two echo members at once: each spells the message, interleaved.
        Kind("/teams", "echo-team", "TeamRunStarted", "TeamRunCompleted",
             MESSAGE + "\n\n" + MESSAGE, words * 2),
        # Two echo steps, the second on the first's output.
        Kind("/workflows", "echo-flow", "WorkflowStarted", "WorkflowCompleted", MESSAGE,
             words * 2),
    ]


PRINTED = re.compile(r"^\[(?P<index>[^\]]*)\] (?P<event>[^:]*): (?P<rest>.*)$")
STARTUP_TIMEOUT = 15      # seconds until the listening line
SEED_CALL_TIMEOUT = 30    # seconds per call of a seed function
OVERALL_TIMEOUT = 100     # seconds for everything (CTest's TIMEOUT is 120)


def run_seed(what, coroutine_function, *args):
    """Runs one seed function with a deadline; returns (its result, what it printed)."""
    async def bounded():
        try:
            return await asyncio.wait_for(coroutine_function(*args), SEED_CALL_TIMEOUT)
        except asyncio.TimeoutError:
            raise TestFailure(f"{what} did not finish within {SEED_CALL_TIMEOUT} s") from None

    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            result = asyncio.run(bounded())
    finally:
        print(f"--- {what} printed ---\n{captured.getvalue()}--- end ---", flush=True)
    return result, captured.getvalue()


def parse_printed(what, text):
    """The seed's printed lines as (index, event, rest); index is "META" for meta frames.
    A content with line breaks (a team's joined output) prints on several lines: those go
    with the line before."""
    lines = []
    for line in text.splitlines():
        match = PRINTED.match(line)
        if not match and lines and lines[-1][0] != "META":
            index, event, rest = lines[-1]
            lines[-1] = (index, event, rest + "\n" + line)
            continue
        check(match, f"{what}: unexpected printed line {line!r}")
        index, event = match.group("index"), match.group("event")
        check(event != "error", f"{what}: the server sent an error frame: {line}")
        check(index == "META" or re.fullmatch(r"\d+", index),
              f"{what}: an event without event_index: {line!r}")
        lines.append((index, event, match.group("rest")))
    return lines


def check_events(kind, what, events, first_index):
    """Dense indices first_index, first_index+1, … (so no duplicates), ending with the
    kind's completed event."""
    indices = [int(index) for index, _, _ in events]
    check(events, f"{what}: no events after index {first_index - 1}")
    check(indices == list(range(first_index, first_index + len(indices))),
          f"{what}: indices should run {first_index}, {first_index + 1}, … in order, "
          f"each once; got {indices}")
    check(events[-1][1] == kind.completed,
          f"{what}: the last event should be {kind.completed}, got {events[-1][1]}")


def check_echoed(kind, what, events):
    words = [rest.strip() for _, event, rest in events if event == "RunContent"]
    check(sorted(" ".join(words).split()) == sorted(kind.words),
          f"{what}: the RunContent events should spell out {kind.words}; got {words}")


def poll_until_completed(client, kind, run_id, session_id, what):
    output = None
    for _ in range(60):
        time.sleep(0.2)
        response = client.get(f"{kind.path}/{kind.component}/runs/{run_id}",
                              params={"session_id": session_id})
        check(response.status_code == 200,
              f"{what}: GET run answered {response.status_code}: {response.text}")
        output = response.json()
        check(output.get("run_id") == run_id, f"{what}: GET run returned another run: {output}")
        status = output.get("status")
        if status == "COMPLETED":
            return output
        check(status in ("PENDING", "RUNNING"), f"{what}: unexpected status {status}: {output}")
    raise TestFailure(f"{what}: not COMPLETED after 60 polls of 0.2 s; last output: {output}")


def start_and_drop(kind, keep):
    """Starts a background streaming run, reads `keep` events, then drops the connection."""
    form = {"message": MESSAGE, "stream": "true", "background": "true",
            # Slower words (DESIGN: delay_ms overrides the echo agent's 20 ms) so that the
            # resume is likely to find the run still going: a catch_up, not a replay.
            "delay_ms": "150"}
    seen = []
    with httpx.Client(base_url=BASE_URL, timeout=10) as client:
        with client.stream("POST", f"{kind.path}/{kind.component}/runs",
                           data=form) as response:
            check(response.status_code == 200,
                  f"background stream start answered {response.status_code}")
            check(response.headers.get("content-type", "").startswith("text/event-stream"),
                  f"background stream start answered {response.headers.get('content-type')}")
            buffer = ""
            for chunk in response.iter_text():
                buffer += chunk
                while "\n\n" in buffer:
                    frame, buffer = buffer.split("\n\n", 1)
                    for line in frame.split("\n"):
                        if line.startswith("data: "):
                            data = json.loads(line[6:])
                            if data.get("event_index") is not None:
                                seen.append(data)
                    if len(seen) >= keep:
                        # Leaving both `with` blocks mid-body closes the connection.
                        return seen
    raise TestFailure(f"the background stream ended after {len(seen)} events, before {keep}")


def run_checks(kind):
    print(f"=== {kind.path} ===", flush=True)
    with httpx.Client(base_url=BASE_URL, timeout=10) as client:
        agents = client.get(kind.path).json()
    check(isinstance(agents, list) and agents and agents[0].get("id") == kind.component,
          f"GET {kind.path} should list the demo {kind.component!r} first; got {agents}")
    agent_id = agents[0]["id"]

    # 1. The seed's start_resumable_stream(), read to the end.
    (run_id, session_id, last), printed = run_seed("start_resumable_stream()",
                                                   kind.start)
    check(run_id and session_id and isinstance(last, int),
          f"start_resumable_stream() returned run_id={run_id!r}, session_id={session_id!r}, "
          f"last_event_index={last!r}")
    first_events = parse_printed("start_resumable_stream()", printed)
    check(all(index != "META" for index, _, _ in first_events),
          "start_resumable_stream(): the first connection must carry no meta frames")
    check_events(kind, "start_resumable_stream()", first_events, 0)
    check(first_events[0][1] == kind.started,
          f"start_resumable_stream(): the first event should be {kind.started}, "
          f"got {first_events[0][1]}")
    check(int(first_events[-1][0]) == last,
          "start_resumable_stream(): returned last_event_index differs from the last printed")
    check_echoed(kind, "start_resumable_stream()", first_events)

    # 2. Resuming the finished run after its last event: a replay of nothing.
    _, printed = run_seed(f"resume_stream(last_event_index={last})", kind.resume,
                          agent_id, run_id, session_id, last)
    lines = parse_printed("resume after the end", printed)
    check([(index, event) for index, event, _ in lines] == [("META", "replay")],
          f"resume after the end of a finished run should print only '[META] replay'; "
          f"got {lines}")

    # 3. Resuming it from the start (-1): a replay identical to the first connection.
    _, printed = run_seed("resume_stream(last_event_index=-1)", kind.resume,
                          agent_id, run_id, session_id, -1)
    lines = parse_printed("resume from the start", printed)
    check(lines and lines[0][:2] == ("META", "replay"),
          f"resume from the start should begin with '[META] replay'; got {lines[:1]}")
    check(lines[1:] == first_events,
          "resume from the start should replay exactly what the first connection printed")

    # 4. A client that leaves mid-stream, then resumes with the seed's resume_stream().
    seen = start_and_drop(kind, keep=3)
    run_id = seen[0]["run_id"]
    session_id = seen[0]["session_id"]
    check(all(e["run_id"] == run_id and e["session_id"] == session_id for e in seen),
          f"events of one run carry different run_id/session_id: {seen}")
    check([e["event_index"] for e in seen] == [0, 1, 2],
          f"the first events should be numbered 0, 1, 2; got {seen}")
    last = seen[-1]["event_index"]
    _, printed = run_seed(f"resume_stream(last_event_index={last})", kind.resume,
                          agent_id, run_id, session_id, last)
    lines = parse_printed("resume after a disconnect", printed)
    check(lines and lines[0][0] == "META" and lines[0][1] in ("catch_up", "replay"),
          f"resume after a disconnect should begin with '[META] catch_up' or "
          f"'[META] replay'; got {lines[:1]}")
    metas = [event for index, event, _ in lines[1:] if index == "META"]
    allowed = ["subscribed"] if lines[0][1] == "catch_up" else []
    check(metas in ([], allowed),
          f"after '[META] {lines[0][1]}' the only meta frame allowed is {allowed}; got {metas}")
    events = [line for line in lines if line[0] != "META"]
    check_events(kind, "resume after a disconnect", events, last + 1)
    print(f"resume after a disconnect began with {lines[0][1]}", flush=True)
    with httpx.Client(base_url=BASE_URL, timeout=10) as client:
        output = poll_until_completed(client, kind, run_id, session_id,
                                      "the run whose client left")
    check(output.get("content") == kind.output,
          f"the run whose client left: content should be the message; got {output}")

    # 5. Fire-and-forget: 202 PENDING at once, then poll until COMPLETED.
    with httpx.Client(base_url=BASE_URL, timeout=10) as client:
        response = client.post(f"{kind.path}/{agent_id}/runs",
                               data={"message": MESSAGE, "stream": "false",
                                     "background": "true"})
        check(response.status_code == 202,
              f"fire-and-forget start should answer 202; got {response.status_code}: "
              f"{response.text}")
        started = response.json()
        check(started.get("run_id") and started.get("session_id")
              and started.get("status") == "PENDING",
              f"fire-and-forget start should return run_id, session_id and status PENDING; "
              f"got {started}")
        output = poll_until_completed(client, kind, started["run_id"],
                                      started["session_id"], "fire-and-forget")
        check(output.get("session_id") == started["session_id"],
              f"fire-and-forget: GET run returned another session: {output}")
        check(output.get("content") == kind.output,
              f"fire-and-forget: content should be the message; got {output}")


def on_alarm(signum, frame):
    raise TestFailure(f"the test did not finish within {OVERALL_TIMEOUT} s")


def main():
    global BASE_URL
    binary = os.environ.get("RUNCAST_BIN")
    if not binary:
        print("seed_client: FAIL: RUNCAST_BIN is not set (path of the runcast executable)",
              file=sys.stderr)
        return 1

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(OVERALL_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="runcast-seed-") as tmp:
        server = None
        failure = None
        try:
            server = Server(binary, f"sqlite:{tmp}/seed.db")
            port = server.wait_listening(STARTUP_TIMEOUT)
            BASE_URL = f"http://127.0.0.1:{port}"
            print(f"seed_client: runcast listening on {BASE_URL}", flush=True)
            for kind in kinds():
                run_checks(kind)
        except TestFailure as e:
            failure = str(e)
        except Exception:
            failure = "unexpected exception:\n" + traceback.format_exc()
        finally:
            signal.alarm(0)
            stop_problem = server.stop() if server is not None else None
        if failure is None and stop_problem is not None:
            failure = f"runcast {stop_problem}"
        if failure is not None:
            print(f"seed_client: FAIL: {failure}", file=sys.stderr)
            if server is not None:
                print(f"--- runcast log ---\n{server.log()}--- end of log ---", file=sys.stderr)
            return 1
    print("seed_client: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
