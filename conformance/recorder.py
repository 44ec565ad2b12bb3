"""Recording reverse proxy: client -> recorder -> upstream (the sandbox).

    python recorder.py --upstream http://127.0.0.1:PORT [--port 0] --out capture.json

Python standard library only (http.server + http.client), one thread per client
connection. Every request is forwarded unchanged (method, raw path and query,
headers except hop-by-hop ones, body) to the upstream; the upstream's answer is
returned unchanged (status, headers except hop-by-hop ones, body). A chunked
request body is de-chunked and forwarded with a Content-Length.

The first stdout line, flushed, is `listening on http://127.0.0.1:PORT`.

Capture: one entry per request, in arrival order:
    {"method", "path", "query", "status", "body", "response"}
* path: the raw path as sent (no query); query: the raw query string, "" if none;
* body / response: parsed JSON if the bytes are JSON, null if empty, otherwise a
  string; a multipart body becomes {"multipart": [{"name", "filename",
  "content_type", "size"}, ...]} (size = bytes of the part's content);
* token requests (path /connect/token) are recorded with "body": null (the form
  carries the client secret) and the tokens in their answer replaced by "<redacted>";
* if the upstream gave no answer (connection closed), "status" is null and
  "response" is {"error": "..."}; the client's connection is then closed
  without an answer too, as the upstream did.

Output: on SIGTERM or SIGINT the recorder writes the whole list as JSON to --out
and exits 0. `GET /_recorder/dump` (not forwarded, not recorded) returns the
list recorded so far, for a live look.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import ipaddress
import json
import re
import signal
import sys
import threading
import urllib.parse

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


class Capture:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict] = []

    def reserve(self, entry: dict) -> None:
        with self._lock:  # the slot is taken on arrival, filled in when the answer is back
            self._entries.append(entry)

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries]


def decode_payload(data: bytes, content_type: str | None):
    if not data:
        return None
    ctype = (content_type or "").lower()
    if ctype.startswith("multipart/"):
        parts = parse_multipart(data, content_type or "")
        if parts is not None:
            return {"multipart": parts}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(data)} bytes, not UTF-8>"
    try:
        return json.loads(text)
    except ValueError:
        return text


_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def header_params(value: str) -> dict[str, str]:
    params = {}
    for key, raw in _PARAM.findall(";" + value.split(";", 1)[1] if ";" in value else ""):
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key.lower()] = raw
    return params


def parse_multipart(data: bytes, content_type: str):
    boundary = header_params(content_type).get("boundary")
    if not boundary:
        return None
    delimiter = b"--" + boundary.encode("latin-1")
    parts = []
    for chunk in data.split(delimiter)[1:]:
        if chunk.startswith(b"--"):  # closing delimiter
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition = header_params(headers.get("content-disposition", ""))
        parts.append(
            {
                "name": disposition.get("name"),
                "filename": disposition.get("filename"),
                "content_type": headers.get("content-type"),
                "size": len(content),
            }
        )
    return parts


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "conformance-recorder"
    upstream: urllib.parse.SplitResult
    capture: Capture

    def log_message(self, format, *args):  # quiet; the capture is the log
        pass

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        path, _, query = self.path.partition("?")
        if path.startswith("/_recorder/"):
            if self.command == "GET" and path == "/_recorder/dump":
                data = json.dumps(self.capture.snapshot(), indent=2).encode()
                self._reply(200, data, "application/json")
            else:
                self._reply(404, b'{"error":"unknown recorder endpoint"}', "application/json")
            return

        body = self._read_body()
        entry = {
            "method": self.command,
            "path": path,
            "query": query,
            "status": None,
            "body": None
            if path.rstrip("/") == "/connect/token"
            else decode_payload(body, self.headers.get("Content-Type")),
            "response": None,
        }
        self.capture.reserve(entry)

        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=300)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            dechunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
            for name, value in self.headers.items():
                lower = name.lower()
                if lower in HOP_BY_HOP or (dechunked and lower == "content-length"):
                    continue
                conn.putheader(name, value)
            if dechunked or (body and "Content-Length" not in self.headers):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            entry["response"] = {"error": f"{type(e).__name__}: {e}"}
            conn.close()
            self.close_connection = True  # mirror the upstream's drop
            return
        conn.close()

        entry["status"] = resp.status
        entry["response"] = decode_payload(data, resp.getheader("Content-Type"))
        if path.rstrip("/") == "/connect/token" and isinstance(entry["response"], dict):
            # The access token is a credential too: keep the answer's shape, not the token.
            for key in ("access_token", "refresh_token", "id_token"):
                if key in entry["response"]:
                    entry["response"][key] = "<redacted>"

        self.send_response_only(resp.status, resp.reason)
        for name, value in resp.getheaders():
            if name.lower() in HOP_BY_HOP or name.lower() == "content-length":
                continue
            self.send_header(name, value)
        no_body = self.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200
        if not no_body:
            self.send_header("Content-Length", str(len(data)))
        if (resp.getheader("Connection") or "").lower() == "close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not no_body:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--out", required=True, help="file the capture is written to on exit")
    args = parser.parse_args()

    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname or not upstream.port:
        parser.error("--upstream must look like http://127.0.0.1:PORT")
    try:
        loopback = upstream.hostname == "localhost" or ipaddress.ip_address(upstream.hostname).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        parser.error("--upstream must be a loopback address")

    capture = Capture()
    handler = type("BoundHandler", (Handler,), {"upstream": upstream, "capture": capture})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)

    while not stop.wait(0.5):
        pass
    server.shutdown()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(capture.snapshot(), f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
