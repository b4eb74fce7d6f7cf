"""The servers bench/run-all measures, and how to read their CPU and memory."""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, path="/health", timeout=30):
    until = time.time() + timeout
    while time.time() < until:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def stat_cpu_seconds(path):
    """User + system CPU in a /proc stat file (a process's, or one thread's under task/)."""
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()  # the name in (…) may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_seconds(pids):
    """User + system CPU of these processes (all their threads)."""
    total = 0
    for pid in pids:
        try:
            total += stat_cpu_seconds(f"/proc/{pid}/stat")
        except OSError:
            pass
    return total


def _proc_sum(pids, name, key):
    """The sum over these processes of the number after `key` in /proc/PID/name (a process
    that has ended counts 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/{name}") as f:
                for line in f:
                    if line.startswith(key):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def disk_written(pids):
    """Bytes these processes caused to be written to disk (`write_bytes` of /proc/PID/io)."""
    return _proc_sum(pids, "io", "write_bytes:")


def rss_kib(pids):
    """Resident memory of these processes, in KiB (`VmRSS` of /proc/PID/status)."""
    return _proc_sum(pids, "status", "VmRSS:")


def post_form(port, path, form):
    data = urllib.parse.urlencode(form).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def get_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
        return json.loads(r.read())


class Runcast:
    name = "runcast"

    def __init__(self, binary, workdir, extra=(), db=None):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="runcast-", dir=workdir)
        db = db or f"sqlite:{self.dir}/bench.db"
        args = [binary, "serve", "--port", str(self.port), "--db", db,
                "--bench-agent", "1", "--log-level", "warn",
                "--max-starting-runs", "100000", "--max-live-runs", "100000",
                "--max-streams", "60000", "--max-connections", "65000", *extra]
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log,
                                     preexec_fn=raise_fd_limit)
        wait_http(self.port)

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def start_run(self, **params):
        """Starts a background `bench` run; returns (run_id, session_id)."""
        form = {"message": "bench", "stream": "false", "background": "true", **params}
        r = post_form(self.port, "/agents/bench/runs", form)
        return r["run_id"], r["session_id"]

    @staticmethod
    def stream_path(run):
        return f"/agents/bench/runs/{run[0]}/stream?session_id={run[1]}"

    def wait_done(self, run, timeout=120):
        until = time.time() + timeout
        while time.time() < until:
            status = get_json(self.port,
                              f"/agents/bench/runs/{run[0]}?session_id={run[1]}")["status"]
            if status in ("COMPLETED", "ERROR", "CANCELLED"):
                return status
            time.sleep(0.05)
        raise RuntimeError(f"run {run[0]} did not finish")

    def wait_quiet(self, timeout=60):
        """Until no run is live (the previous scenario's runs have finished)."""
        until = time.time() + timeout
        while time.time() < until:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith("runcast_live_runs "):
                        if float(line.split()[1]) == 0:
                            return
            time.sleep(0.1)
        raise RuntimeError("runs were still live after the wait")

    def cancel(self, run):
        post_form(self.port, f"/agents/bench/runs/{run[0]}/cancel", {"session_id": run[1]})


def cluster_pair(binary, workdir, db):
    """Two runcast nodes on one store, joined as a cluster; returns them once each sees the
    other."""
    p1, p2 = free_port(), free_port()
    nodes = []
    for node, port, peer in (("n1", p1, p2), ("n2", p2, p1)):
        nodes.append(Runcast(binary, workdir, db=db, extra=[
            "--node-id", node, "--cluster-port", str(port), "--peers", f"127.0.0.1:{peer}",
            "--cluster-secret", "bench"]))
    until = time.time() + 30
    while any(not get_json(n.port, "/health")["peers"] for n in nodes):
        if time.time() > until:
            for n in nodes:
                n.stop()
            raise RuntimeError("the two nodes did not see each other")
        time.sleep(0.1)
    return nodes


class Postgres:
    """A throwaway PostgreSQL server (scripts/pg-test-server), with fsync back on: the
    test server turns it off, a production server does not, and a commit's cost is what
    group commit saves. database() makes a fresh database on it."""

    def __init__(self, workdir):
        self.dir = tempfile.mkdtemp(prefix="pg-", dir=workdir)
        # Run as root, the script starts the server as the postgres user: it must reach DIR.
        for d in (workdir, self.dir):
            os.chmod(d, 0o755)
        out = subprocess.run([os.path.join(ROOT, "scripts/pg-test-server"), "start", self.dir],
                             check=True, capture_output=True, text=True).stdout
        env = dict(line.split("=", 1) for line in out.split())
        self.url = env["RUNCAST_TEST_PG_URL"]
        self.count = 0
        self.sql("ALTER SYSTEM SET fsync = on")
        self.sql("SELECT pg_reload_conf()")

    def sql(self, statement):
        subprocess.run(["psql", self.url, "-qXc", statement], check=True,
                       stdout=subprocess.DEVNULL)

    def database(self):
        self.count += 1
        name = f"bench{self.count}"
        self.sql(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts/pg-test-server"), "stop", self.dir],
                       stdout=subprocess.DEVNULL)


class Nchan:
    name = "nchan"

    def __init__(self, workdir):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="nchan-", dir=workdir)
        with open(os.path.join(ROOT, "bench/nchan/nginx.conf.in")) as f:
            conf = f.read().replace("@DIR@", self.dir).replace("@PORT@", str(self.port))
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(conf)
        subprocess.run(["nginx", "-p", self.dir, "-c", f"{self.dir}/nginx.conf",
                        "-e", f"{self.dir}/error.log"], check=True, preexec_fn=raise_fd_limit)
        wait_http(self.port)
        with open(os.path.join(self.dir, "nginx.pid")) as f:
            self.master = int(f.read())

    def pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.master)], capture_output=True, text=True)
        return [self.master] + [int(p) for p in out.stdout.split()]

    def stop(self):
        os.kill(self.master, signal.SIGQUIT)
        for _ in range(100):
            if not os.path.exists(f"/proc/{self.master}"):
                return
            time.sleep(0.05)


def raise_fd_limit():
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


