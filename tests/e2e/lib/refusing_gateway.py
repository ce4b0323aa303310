#!/usr/bin/env python3
"""A gateway in front of nemo-sandbox that refuses every upload after reading only its headers.

usage: refusing_gateway.py UPSTREAM STATUS KIND [CODE]
  e.g. refusing_gateway.py http://127.0.0.1:8080 413 html
       refusing_gateway.py http://127.0.0.1:8080 401 json 1001
Prints {"api": "http://127.0.0.1:PORT"} when ready. Every POST /api/upload-video/... gets STATUS
with an nginx-like HTML page (KIND html) or the JSON envelope {"code": CODE, "message": ...}
(KIND json; CODE defaults to STATUS), and "Connection: close"; a 429 carries Retry-After: 0.
The body is never read, as a gateway with a size or token check in front of the service does:

- with "Expect: 100-continue" the answer takes the place of 100 Continue, then the gateway
  waits for the client to close and counts any body bytes it sent all the same;
- without it the connection is closed at once with the body unread and SO_LINGER 0: the client,
  still sending, gets a TCP reset.

Each refusal appends "STATUS expect BYTES" or "STATUS plain BYTES" to the file named by
$GATEWAY_LOG (BYTES: body bytes received; for "plain" only those that came with the headers).
Everything else is forwarded to UPSTREAM, one request at a time (bodies are small). SIGTERM
stops it once the connections in progress are done, so the log is complete when it has exited.
"""
import http.client
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import urllib.parse

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
STATUS = int(sys.argv[2])
KIND = sys.argv[3]
CODE = int(sys.argv[4]) if len(sys.argv) > 4 else STATUS
LOG = os.environ.get("GATEWAY_LOG", "/dev/null")
REASONS = {401: "Unauthorized", 403: "Forbidden", 413: "Request Entity Too Large",
           429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Temporarily Unavailable"}
HOP_BY_HOP = ("connection", "keep-alive", "transfer-encoding", "content-length", "host", "expect")
log_lock = threading.Lock()


def log(line):
    with log_lock, open(LOG, "a") as f:
        f.write(line + "\n")


def refusal():
    reason = REASONS.get(STATUS, "Error")
    if KIND == "html":
        title = "%d %s" % (STATUS, reason)
        body = ("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>"
                "\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (title, title))
        ctype = "text/html"
    else:
        body = json.dumps({"code": CODE, "message": "refused by the gateway"})
        ctype = "application/json"
    body = body.encode()
    head = "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n" % (
        STATUS, reason, ctype, len(body))
    if STATUS == 429:
        head += "Retry-After: 0\r\n"
    return (head + "Connection: close\r\n\r\n").encode() + body


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(30)
        self.buf = b""
        try:
            while self.one_request():
                pass
        except (OSError, ValueError):
            pass

    def recv_more(self):
        data = self.request.recv(1 << 16)
        if not data:
            raise ValueError("closed")
        self.buf += data

    def one_request(self):
        while b"\r\n\r\n" not in self.buf:
            self.recv_more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = [tuple(p.strip() for p in l.split(":", 1)) for l in lines[1:] if ":" in l]
        lower = {k.lower(): v for k, v in headers}
        expect = lower.get("expect", "").lower() == "100-continue"
        if method == "POST" and target.startswith("/api/upload-video/"):
            self.refuse(expect)
            return False
        if expect:
            self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        n = int(lower.get("content-length") or 0)
        while len(self.buf) < n:
            self.recv_more()
        body, self.buf = self.buf[:n], self.buf[n:]
        conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=30)
        conn.request(method, target, body=body if n else None,
                     headers={k: v for k, v in headers if k.lower() not in HOP_BY_HOP})
        r = conn.getresponse()
        data = r.read()
        out = "HTTP/1.1 %d %s\r\n" % (r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in HOP_BY_HOP:
                out += "%s: %s\r\n" % (k, v)
        out += "Content-Length: %d\r\n\r\n" % len(data)
        conn.close()
        self.request.sendall(out.encode("latin-1") + data)
        return lower.get("connection", "").lower() != "close"

    def refuse(self, expect):
        sock = self.request
        received = len(self.buf)
        sock.sendall(refusal())
        if not expect:
            log("%d plain %d" % (STATUS, received))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            return
        # Nothing unread: a normal close. Whatever the client sends anyway is counted.
        sock.shutdown(socket.SHUT_WR)
        try:
            while True:
                data = sock.recv(1 << 16)
                if not data:
                    break
                received += len(data)
        except OSError:
            pass
        log("%d expect %d" % (STATUS, received))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = False  # server_close() waits for them: the log is complete at exit
    block_on_close = True


server = Server(("127.0.0.1", 0), Handler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
print(json.dumps({"api": "http://127.0.0.1:%d" % server.server_address[1]}), flush=True)
server.serve_forever()
server.server_close()
