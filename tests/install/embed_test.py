#!/usr/bin/python3
"""examples/embed against an installed runcast, as its users build it.

  embed_test.py build SOURCE_DIR BUILD_DIR WORK_DIR
      installs runcast (component dev) from BUILD_DIR into WORK_DIR/prefix, then configures
      and builds examples/embed in WORK_DIR/build with CMAKE_PREFIX_PATH=WORK_DIR/prefix
      alone, and checks that CMake found runcast there.
  embed_test.py single WORK_DIR
      runs the example on SQLite: a run of its own CAF actor through HTTP, dropped mid-run
      and resumed with the seed's resume_stream(); the same events through the example's
      in-process subscription (its `follow` command), byte for byte; its plain function.
  embed_test.py cluster WORK_DIR
      two example processes as a cluster on the test PostgreSQL (RUNCAST_TEST_PG_URL): a run
      started on one is resumed on the other, live ("catch_up"), to its end.

Exits 0 on success, 1 with a message (and the example's output) on failure.
"""

import asyncio
import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
import seed_client_test as seed  # noqa: E402  (the seed's functions, verbatim)
from seed_harness import TestFailure, check, _die_with_parent  # noqa: E402

import httpx  # noqa: E402

LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")



def cache_value(cache_file, name):
    """The value of `name` in a CMakeCache.txt, or "" when it is absent or empty."""
    with open(cache_file) as cache:
        for line in cache:
            key, _, value = line.strip().partition("=")
            if key.split(":")[0] == name:
                return value
    return ""

def run(command, what, cwd=None):
    print("+ " + " ".join(command), flush=True)
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=600)
    if done.returncode != 0:
        raise TestFailure(f"{what} failed ({done.returncode}):\n{done.stdout[-4000:]}")
    return done.stdout


def build(source, build_dir, work):
    prefix = os.path.join(work, "prefix")
    example_build = os.path.join(work, "build")
    run(["cmake", "--install", build_dir, "--prefix", prefix, "--component", "dev"],
        "cmake --install")
    configure = ["cmake", "-S", os.path.join(source, "examples", "embed"), "-B", example_build,
                 f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF",
                 "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
    if os.path.exists("/usr/bin/ccache"):
        configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=/usr/bin/ccache")
    # A sanitizer build's libraries need the example built the same way: TSan cannot see the
    # synchronisation done in code it did not instrument and reports races that are not there.
    sanitizers = cache_value(os.path.join(build_dir, "CMakeCache.txt"), "RUNCAST_SANITIZERS")
    if sanitizers:
        flag = f"-fsanitize={sanitizers}"
        configure += [f"-DCMAKE_CXX_FLAGS={flag} -fno-omit-frame-pointer",
                      f"-DCMAKE_EXE_LINKER_FLAGS={flag}"]
    run(configure, "configuring examples/embed")
    with open(os.path.join(example_build, "CMakeCache.txt")) as cache:
        found = [line.strip() for line in cache if line.startswith("runcast_DIR:")]
    check(found and found[0].endswith(os.path.join(prefix, "lib", "cmake", "runcast")),
          f"CMake should find runcast in {prefix} only; the cache says {found}")
    run(["cmake", "--build", example_build, "-j2"], "building examples/embed")
    print(f"examples/embed built against {prefix}: {found[0]}", flush=True)


class Example:
    """The example as a child process: stdin for commands, stdout drained into lines."""

    def __init__(self, work, *args):
        binary = os.path.join(work, "build", "embed_example")
        self.proc = subprocess.Popen([binary, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, preexec_fn=_die_with_parent)
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for(lambda l: LISTENING.search(l), 30, "its listening line")
        self.port = int(LISTENING.search(line).group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, predicate, timeout, what, start=0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines[start:]:
                    if predicate(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and not self.cond.wait(0.2):
                    raise TestFailure(f"the example printed no {what} within {timeout} s")
                self.cond.wait(min(left, 0.2))

    def command(self, text):
        start = len(self.lines)
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return start

    def stop(self):
        """Closes stdin (the example shuts down in order); returns its exit code."""
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            return "killed after 20 s"

    def output(self):
        with self.cond:
            return "\n".join(self.lines)


def start_and_drop(url, keep, count):
    """A background streamed run of the example's own actor; reads `keep` events, drops."""
    form = {"message": "count", "background": "true", "count": str(count), "delay_ms": "50"}
    seen = []
    with httpx.Client(base_url=url, timeout=10) as client:
        with client.stream("POST", "/agents/counter/runs", data=form) as response:
            check(response.status_code == 200, f"start answered {response.status_code}")
            buffer = ""
            for chunk in response.iter_text():
                buffer += chunk
                while "\n\n" in buffer:
                    frame, buffer = buffer.split("\n\n", 1)
                    for line in frame.split("\n"):
                        if line.startswith("data: "):
                            seen.append(json.loads(line[6:]))
                if len(seen) >= keep:
                    return seen
    raise TestFailure(f"the stream ended after {len(seen)} events")


def resume_with_seed(url, run_id, session_id, last):
    """The seed's resume_stream(), unchanged, against `url`; its printed lines parsed."""
    seed.BASE_URL = url
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        asyncio.run(asyncio.wait_for(seed.resume_stream("counter", run_id, session_id, last),
                                     60))
    print(captured.getvalue(), flush=True)
    return seed.parse_printed("resume_stream()", captured.getvalue())


def check_resumed(lines, last, count):
    check(lines and lines[0][0] == "META", f"the resume should begin with a meta frame: {lines}")
    events = [line for line in lines if line[0] != "META"]
    indices = [int(index) for index, _, _ in events]
    check(indices == list(range(last + 1, count + 2)),
          f"the resume should carry {last + 1}…{count + 1} once each; got {indices}")
    check(events[-1][1] == "RunCompleted", f"the last event should be RunCompleted: {events[-1]}")
    return lines[0][1]


def replay_data(url, run_id, session_id):
    """index → data of a full replay through HTTP."""
    out = {}
    with httpx.Client(base_url=url, timeout=20) as client:
        r = client.post(f"/agents/counter/runs/{run_id}/resume",
                        data={"last_event_index": "-1", "session_id": session_id})
        for frame in r.text.split("\n\n"):
            fields = dict(line.split(": ", 1) for line in frame.split("\n") if ": " in line)
            if "id" in fields:
                out[int(fields["id"])] = fields["data"]
    return out


def single(work):
    example = Example(work, "--port", "0", "--db", f"sqlite:{work}/single.db")
    try:
        count = 20
        seen = start_and_drop(example.url, keep=3, count=count)
        run_id, session_id = seen[0]["run_id"], seen[0]["session_id"]
        lines = resume_with_seed(example.url, run_id, session_id, 2)
        print(f"resume after a drop began with {check_resumed(lines, 2, count)}", flush=True)

        start = example.command(f"follow {run_id} {session_id}")
        example.wait_for(lambda l: l.startswith("end "), 20, "end of the subscription", start)
        followed = {}
        for line in example.lines[start:]:
            if line.startswith("event "):
                _, index, data = line.split(" ", 2)
                followed[int(index)] = data
            elif line.startswith("end "):
                check(line == "end ok", f"the in-process subscription ended with {line!r}")
                break
        replay = replay_data(example.url, run_id, session_id)
        check(len(replay) == count + 2, f"the replay has {len(replay)} events")
        check(followed == replay, "the in-process subscription and the HTTP replay differ")
        print(f"in-process subscription: {len(followed)} events, identical to the replay",
              flush=True)

        with httpx.Client(base_url=example.url, timeout=20) as client:
            r = client.post("/agents/shout/runs", data={"message": "hello embed", "stream": "false"})
            check(r.status_code == 200 and r.json().get("content") == "HELLO EMBED",
                  f"the function agent answered {r.status_code}: {r.text}")
    finally:
        code = example.stop()
        print(example.output(), flush=True)
    check(code == 0, f"the example exited with {code}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database():
    url = os.environ.get("RUNCAST_TEST_PG_URL")
    check(url, "RUNCAST_TEST_PG_URL is not set (scripts/test starts the test PostgreSQL)")
    name = "embed_" + uuid.uuid4().hex[:12]
    run(["psql", url, "-q", "-c", f"CREATE DATABASE {name}"], "creating a database")
    return url.rsplit("/", 1)[0] + "/" + name


def cluster(work):
    db = fresh_database()
    pa, pb = free_port(), free_port()
    common = ["--port", "0", "--db", db, "--cluster-secret", "embed-secret"]
    a = Example(work, *common, "--node-id", "a", "--cluster-port", str(pa),
                "--peers", f"127.0.0.1:{pb}")
    b = Example(work, *common, "--node-id", "b", "--cluster-port", str(pb),
                "--peers", f"127.0.0.1:{pa}")
    try:
        for node in (a, b):
            deadline = time.monotonic() + 20
            while True:
                peers = httpx.get(node.url + "/health", timeout=5).json().get("peers", [])
                if peers:
                    break
                check(time.monotonic() < deadline, f"{node.url}: no peer within 20 s")
                time.sleep(0.1)
        count = 30
        seen = start_and_drop(a.url, keep=3, count=count)
        run_id, session_id = seen[0]["run_id"], seen[0]["session_id"]
        lines = resume_with_seed(b.url, run_id, session_id, 2)
        first = check_resumed(lines, 2, count)
        check(first == "catch_up", f"a resume on the other node should be live (catch_up); got {first}")
        print("resume on the non-owner: catch_up, then the live tail to RunCompleted", flush=True)
    finally:
        codes = (a.stop(), b.stop())
        print(a.output() + "\n" + b.output(), flush=True)
    check(codes == (0, 0), f"the examples exited with {codes}")


def main():
    mode = sys.argv[1]
    try:
        if mode == "build":
            build(*sys.argv[2:5])
        elif mode == "single":
            single(sys.argv[2])
        elif mode == "cluster":
            cluster(sys.argv[2])
        else:
            raise TestFailure(f"unknown mode {mode}")
    except TestFailure as e:
        print(f"embed_test {mode}: FAIL: {e}", file=sys.stderr)
        return 1
    print(f"embed_test {mode}: ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
