"""Offline self-test of the harness's own parts (no SDK, no sandbox needed).

    python3 conformance/selftest.py

1. netguard: in a child Python with netguard/ on PYTHONPATH, non-loopback lookups,
   TCP connects and UDP sends are refused and logged; loopback works.
2. recorder: in front of a small local echo server, JSON, multipart, chunked,
   token and bodyless requests are forwarded and recorded in the documented format.
Prints `selftest: OK` and exits 0, or fails with an assertion.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))

GUARD_PROBE = r"""
import json, os, socket, urllib.request
results = {}
def attempt(name, fn):
    try:
        fn()
        results[name] = "allowed"
    except (OSError, socket.gaierror) as e:
        results[name] = "refused" if "netguard" in str(e) else f"other: {e}"
attempt("dns", lambda: socket.getaddrinfo("api.github.com", 443))
attempt("tcp", lambda: socket.create_connection(("93.184.215.14", 80), timeout=1))
attempt("tcp_raw", lambda: socket.socket().connect(("1.1.1.1", 443)))
attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)))
attempt("urllib", lambda: urllib.request.urlopen("https://example.com", timeout=1))
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
attempt("loopback", lambda: socket.create_connection(("127.0.0.1", srv.getsockname()[1]), timeout=1).close())
attempt("localhost", lambda: socket.getaddrinfo("localhost", 80))
import webbrowser
results["browser"] = "refused" if webbrowser.open("https://app.rapidata.ai/") is False else "allowed"
results["active"] = os.environ.get("NETGUARD_ACTIVE")
print(json.dumps(results))
"""


def test_guard(tmp: str) -> None:
    log = os.path.join(tmp, "guard.jsonl")
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "netguard"), NETGUARD_LOG=log,
               NETGUARD_QUIET="1", PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", GUARD_PROBE], env=env, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout.strip().splitlines()[-1])
    for name in ("dns", "tcp", "tcp_raw", "udp", "urllib", "browser"):
        assert results[name] == "refused", (name, results)
    assert results["loopback"] == "allowed", results
    assert results["localhost"] == "allowed", results
    assert results["active"] == "1", results
    with open(log, encoding="utf-8") as f:
        hosts = [json.loads(line)["host"] for line in f]
    for host in ("api.github.com", "93.184.215.14", "1.1.1.1", "8.8.8.8", "example.com"):
        assert host in hosts, (host, hosts)


class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/empty"):
            self.send_response(204)
            self.end_headers()
            return
        answer = json.dumps({"got": len(body), "path": self.path}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_DELETE = _any


def test_recorder(tmp: str) -> None:
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    out = os.path.join(tmp, "capture.json")
    rec = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "recorder.py"), "--upstream",
         f"http://127.0.0.1:{upstream.server_address[1]}", "--out", out],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    try:
        line = rec.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # one keep-alive connection

        def send(method, path, body=None, headers=None):
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()

        status, data = send("POST", "/audience?x=1&y=%5B2%5D", json.dumps({"name": "a"}),
                            {"Content-Type": "application/json"})
        assert status == 201 and json.loads(data)["path"] == "/audience?x=1&y=%5B2%5D", data
        boundary = "b0undary"
        multipart = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n"
        ).encode() + b"\xff\xd8\x00\x01" + f"\r\n--{boundary}--\r\n".encode()
        send("POST", "/asset/file", multipart,
             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        send("POST", "/connect/token", "grant_type=client_credentials",
             {"Content-Type": "application/x-www-form-urlencoded"})
        send("POST", "/empty/recruit")

        def chunks():
            yield b'{"a":'
            yield b"1}"

        conn.request("POST", "/chunked", body=chunks(), headers={"Content-Type": "application/json"},
                     encode_chunked=True)
        resp = conn.getresponse()
        assert json.loads(resp.read())["got"] == 7
        dump = json.loads(send("GET", "/_recorder/dump")[1])
        assert len(dump) == 5, dump
    finally:
        rec.send_signal(signal.SIGTERM)
        rec.wait(timeout=10)
        upstream.shutdown()

    with open(out, encoding="utf-8") as f:
        capture = json.load(f)
    assert [e["path"] for e in capture] == ["/audience", "/asset/file", "/connect/token",
                                            "/empty/recruit", "/chunked"], capture
    first, mp, token, empty, chunked = capture
    assert first == {"method": "POST", "path": "/audience", "query": "x=1&y=%5B2%5D", "status": 201,
                     "body": {"name": "a"}, "response": {"got": 13, "path": "/audience?x=1&y=%5B2%5D"}}, first
    assert mp["body"] == {"multipart": [{"name": "file", "filename": "cat.jpg",
                                         "content_type": "image/jpeg", "size": 4}]}, mp
    assert token["body"] is None and token["status"] == 201, token
    assert empty["body"] is None and empty["response"] is None and empty["status"] == 204, empty
    assert chunked["body"] == {"a": 1}, chunked


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        test_guard(tmp)
        test_recorder(tmp)
    print("selftest: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
