#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat-completions server for the openai runnable's tests.

Binds 127.0.0.1 port 0, prints "port N" on stdout, and answers each POST with the next
behaviour of the JSON script (a list; the last behaviour repeats):

  {"status": 503, "body": {...} or "text", "headers": {"Retry-After": "0"}}
      a plain (non-streamed) answer with that status;
  {"chunks": [...], "done": true, "split": false, "drop_after": N, "hang": false}
      a streamed 200 (text/event-stream, chunked). A chunk is {"content": "x"},
      {"finish": "stop"}, {"usage": {...}}, {"tool_call": {"index", "id", "name",
      "arguments"}}, {"error": {...}} or {"raw": "text sent as is"}; each is one data: event
      in its own HTTP chunk ("split": each event cut in two writes mid-line). "done" sends
      data: [DONE] (default true). "drop_after": N closes the socket after N chunks, without
      the last chunk. "hang": after the chunks, sends nothing and waits for the client to
      go away.

Every request is appended to --record as one JSON line {"path", "authorization", "body"};
"disconnected" lines go to --events when a hanging stream's client closes the connection.
--tls CERT KEY serves HTTPS. Python 3 standard library only.
"""
import argparse
import json
import select
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"served": 0}


def chunk_json(item):
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake"}
    if "content" in item:
        base["choices"] = [{"index": 0, "delta": {"content": item["content"]},
                            "finish_reason": None}]
    elif "finish" in item:
        base["choices"] = [{"index": 0, "delta": {}, "finish_reason": item["finish"]}]
    elif "usage" in item:
        base["choices"] = []
        base["usage"] = item["usage"]
    elif "tool_call" in item:
        tc = item["tool_call"]
        frag = {"index": tc.get("index", 0), "function": {}}
        if "id" in tc:
            frag["id"] = tc["id"]
            frag["type"] = "function"
        if "name" in tc:
            frag["function"]["name"] = tc["name"]
        frag["function"]["arguments"] = tc.get("arguments", "")
        base["choices"] = [{"index": 0, "delta": {"tool_calls": [frag]}, "finish_reason": None}]
    elif "error" in item:
        return {"error": item["error"]}
    return base


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the test reads our stdout for the port only
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with LOCK:
            script = self.server.script
            behaviour = script[min(STATE["served"], len(script) - 1)]
            STATE["served"] += 1
            with open(self.server.record, "a") as f:
                f.write(json.dumps({"path": self.path,
                                    "authorization": self.headers.get("Authorization", ""),
                                    "body": body}) + "\n")
        if "status" in behaviour:
            self.plain(behaviour)
        else:
            self.stream(behaviour)

    def plain(self, b):
        payload = b.get("body", {"error": {"message": "scripted failure"}})
        data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
        self.send_response(b["status"])
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for k, v in b.get("headers", {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def stream(self, b):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        events = []
        for item in b.get("chunks", []):
            if "raw" in item:
                events.append(item["raw"].encode())
            else:
                events.append(b"data: " + json.dumps(chunk_json(item)).encode() + b"\n\n")
        if b.get("done", True) and "drop_after" not in b and not b.get("hang"):
            events.append(b"data: [DONE]\n\n")
        for n, ev in enumerate(events):
            if "drop_after" in b and n >= b["drop_after"]:
                break
            if b.get("split") and len(ev) > 4:
                self.write_chunk(ev[: len(ev) // 2])
                self.write_chunk(ev[len(ev) // 2:])
            else:
                self.write_chunk(ev)
        if "drop_after" in b:
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if b.get("hang"):
            self.wait_for_disconnect()
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def wait_for_disconnect(self):
        sock = self.connection
        for _ in range(300):  # at most 30 s, then give up without a note
            readable, _, _ = select.select([sock], [], [], 0.1)
            if not readable:
                continue
            try:
                data = sock.recv(1024)
            except (OSError, ssl.SSLError):
                data = b""
            if not data:
                with LOCK, open(self.server.events, "a") as f:
                    f.write("disconnected\n")
                return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.script) as f:
        server.script = json.load(f)
    server.record = args.record
    server.events = args.events
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("port %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
