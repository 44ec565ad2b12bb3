"""Loopback-only network guard for the conformance harness.

Put this directory on PYTHONPATH and Python imports this module at start-up
(the `site` module imports any `sitecustomize` it finds). From then on, the
process may only talk to loopback: 127.0.0.0/8, ::1 and the name
"localhost". Everything else is refused before a packet is sent:

* name lookups (socket.getaddrinfo, gethostbyname, gethostbyname_ex) of any
  other name raise socket.gaierror; so no DNS query ever leaves the machine;
* connections (socket.socket.connect / connect_ex, socket.create_connection)
  and datagrams (sendto) to a non-loopback address raise PermissionError;
* webbrowser.open* does nothing and returns False (a browser would fetch
  the page from outside this process).

Each refusal is appended as one JSON line to the file named by the
environment variable NETGUARD_LOG (if set), e.g.
    {"kind": "getaddrinfo", "host": "api.github.com", "port": 443}
and echoed to stderr unless NETGUARD_QUIET=1.

Unix-domain sockets are local and stay allowed. `NETGUARD_ACTIVE` is set to
"1" in os.environ so a runner can check that the guard is loaded.
"""

import ipaddress
import json
import os
import socket
import sys
import threading
import time

_LOG_PATH = os.environ.get("NETGUARD_LOG")
_QUIET = os.environ.get("NETGUARD_QUIET") == "1"
_log_lock = threading.Lock()

_real_getaddrinfo = socket.getaddrinfo
_real_gethostbyname = socket.gethostbyname
_real_gethostbyname_ex = socket.gethostbyname_ex
_real_create_connection = socket.create_connection
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto

_LOOPBACK_NAMES = {"localhost", "localhost.", "localhost.localdomain"}


def _record(kind, host, port=None):
    entry = {"kind": kind, "host": host, "port": port, "time": time.time()}
    line = json.dumps(entry, default=str)
    if _LOG_PATH:
        with _log_lock:
            with open(_LOG_PATH, "a", encoding="utf-8") as f:
                f.write(line + "\n")
    if not _QUIET:
        sys.stderr.write(f"[netguard] refused {kind} {host}:{port}\n")


def _as_text(host):
    if isinstance(host, (bytes, bytearray)):
        return bytes(host).decode("ascii", "replace")
    return host


def _is_loopback_literal(host):
    """True if host is a loopback IP literal (IPv6 scope ids allowed)."""
    text = _as_text(host)
    if not isinstance(text, str):
        return False
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _name_allowed(host):
    text = _as_text(host)
    if text is None:  # getaddrinfo(None, port) means the local host / wildcard
        return True
    return text.lower() in _LOOPBACK_NAMES or _is_loopback_literal(text)


def _address_allowed(family, address):
    if family == socket.AF_INET or family == socket.AF_INET6:
        host = address[0] if isinstance(address, tuple) else address
        return _is_loopback_literal(host)
    return True  # AF_UNIX and friends never leave the machine


def _refuse_lookup(kind, host, port=None):
    _record(kind, _as_text(host), port)
    raise socket.gaierror(
        socket.EAI_NONAME, f"netguard: lookup of {_as_text(host)!r} refused (loopback only)"
    )


def guarded_getaddrinfo(host, port, *args, **kwargs):
    if not _name_allowed(host):
        _refuse_lookup("getaddrinfo", host, port)
    results = _real_getaddrinfo(host, port, *args, **kwargs)
    # "localhost" could be mapped elsewhere by /etc/hosts: keep loopback answers only.
    return [r for r in results if _address_allowed(r[0], r[4])]


def guarded_gethostbyname(host):
    if not _name_allowed(host):
        _refuse_lookup("gethostbyname", host)
    return _real_gethostbyname(host)


def guarded_gethostbyname_ex(host):
    if not _name_allowed(host):
        _refuse_lookup("gethostbyname_ex", host)
    return _real_gethostbyname_ex(host)


def _refuse_connect(kind, address):
    host, port = (address[0], address[1]) if isinstance(address, tuple) else (address, None)
    _record(kind, _as_text(host), port)
    raise PermissionError(f"netguard: connection to {host!r}:{port} refused (loopback only)")


def guarded_connect(self, address):
    if not _address_allowed(self.family, address):
        _refuse_connect("connect", address)
    return _real_connect(self, address)


def guarded_connect_ex(self, address):
    if not _address_allowed(self.family, address):
        _refuse_connect("connect_ex", address)
    return _real_connect_ex(self, address)


def guarded_sendto(self, data, *args):
    address = args[-1] if args else None
    if address is not None and not _address_allowed(self.family, address):
        _refuse_connect("sendto", address)
    return _real_sendto(self, data, *args)


def guarded_create_connection(address, *args, **kwargs):
    host = address[0] if isinstance(address, tuple) else address
    port = address[1] if isinstance(address, tuple) and len(address) > 1 else None
    if not _name_allowed(host):
        _record("create_connection", _as_text(host), port)
        raise PermissionError(f"netguard: connection to {host!r}:{port} refused (loopback only)")
    return _real_create_connection(address, *args, **kwargs)


def _refuse_browser(url, *args, **kwargs):
    _record("webbrowser", url)
    return False


def _install():
    socket.getaddrinfo = guarded_getaddrinfo
    socket.gethostbyname = guarded_gethostbyname
    socket.gethostbyname_ex = guarded_gethostbyname_ex
    socket.create_connection = guarded_create_connection
    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.socket.sendto = guarded_sendto
    try:
        import webbrowser

        webbrowser.open = _refuse_browser
        webbrowser.open_new = _refuse_browser
        webbrowser.open_new_tab = _refuse_browser
    except ImportError:
        pass
    os.environ["NETGUARD_ACTIVE"] = "1"


_install()
