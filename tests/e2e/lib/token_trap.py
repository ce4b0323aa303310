#!/usr/bin/env python3
"""A stand-in for a host a hostile context names: it records which bearer tokens reach it.

usage: token_trap.py HOST   (HOST: an address to listen on, or "nonloopback" for this machine's
                             first non-loopback IPv4 address; exit 3 when there is none)
Prints {"api": "http://HOST:PORT"} when ready. Every request appends one line to the file named by
$TRAP_LOG: "METHOD PATH SHA" where SHA is the sha256 of the bearer token, or "-" without one (the
tokens themselves are never written anywhere). It answers like a small NemoVideo API: an anonymous
token of its own, a credit balance, and an empty success for everything else. Stops on SIGTERM.
"""
import hashlib
import http.server
import json
import os
import secrets
import socket
import sys

LOG = os.environ.get("TRAP_LOG", "/dev/null")


def non_loopback_address():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.123", 9))  # no packet is sent: this only picks the outgoing address
        address = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if address.startswith("127.") else address


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        auth = self.headers.get("Authorization") or ""
        sha = hashlib.sha256(auth[7:].encode()).hexdigest() if auth.startswith("Bearer ") else "-"
        with open(LOG, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, sha))
        if self.path.startswith("/api/auth/anonymous-token"):
            data = {"token": "nmv_usr_trap" + secrets.token_hex(8), "user_id": "anon_trap",
                    "expires_at": "2099-01-01T00:00:00Z", "credits": 7}
        elif self.path.startswith("/api/tasks/me/with-session"):
            data = {"task_id": "task_trap", "session_id": "ses_trap", "user_id": "anon_trap"}
        elif self.path.startswith("/api/credits/balance"):
            data = {"available": 7, "frozen": 0, "total": 7}
        else:
            data = {}
        body = json.dumps({"code": 0, "message": "ok", "data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
if host == "nonloopback":
    host = non_loopback_address()
    if host is None:
        sys.exit(3)
server = http.server.ThreadingHTTPServer((host, 0), Handler)
print(json.dumps({"api": "http://%s:%d" % (host, server.server_address[1])}), flush=True)
server.serve_forever()
