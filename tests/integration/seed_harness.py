"""What seed_client_test.py needs around the seed's code: a runcast server as a child
process (output drained, always terminated) and a failing check."""

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import threading
import time

LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def _die_with_parent():
    # Runs in the child before exec: PR_SET_PDEATHSIG (1) = SIGKILL, so a killed test script
    # (CTest timeout) leaves no server behind.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except OSError:
        pass


class Server:
    """`runcast serve` as a child; its output is drained continuously (a full pipe would
    block the server) and kept for the failure report."""

    def __init__(self, binary, db):
        self.port = None
        self._lines = []
        self._lock = threading.Lock()
        self._port_found = threading.Event()
        self._closed = threading.Event()
        self.proc = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--db", db],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            with self._lock:
                self._lines.append(line)
            if self.port is None:
                match = LISTENING.search(line)
                if match:
                    self.port = int(match.group(1))
                    self._port_found.set()
        self._closed.set()

    def wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._port_found.wait(0.05):
                return self.port
            if self.proc.poll() is not None:
                self._closed.wait(2)
                if self.port is not None:
                    return self.port
                raise TestFailure(f"runcast exited with code {self.proc.returncode} before "
                                  "logging 'listening on 127.0.0.1:PORT'")
        raise TestFailure(f"runcast did not log 'listening on 127.0.0.1:PORT' within {timeout} s")

    def log(self):
        with self._lock:
            return "".join(self._lines)

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s. Returns a problem description, or None."""
        problem = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                problem = "did not exit within 5 s of SIGTERM (killed)"
        if problem is None and self.proc.returncode != 0:
            problem = f"exited with code {self.proc.returncode} after SIGTERM"
        self._closed.wait(2)
        return problem
