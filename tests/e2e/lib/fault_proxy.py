#!/usr/bin/env python3
"""A loopback proxy in front of nemo-sandbox that answers the Nth POST /run_sse itself.

usage: fault_proxy.py UPSTREAM STATUS  (e.g. http://127.0.0.1:8080 503)
Prints {"api": "http://127.0.0.1:PORT"} when ready. Every POST /run_sse gets STATUS (a JSON
503, or a 429 with Retry-After: 1) and is counted in the file named by $FAULT_PROXY_COUNT;
everything else is forwarded as it is (bodies are small: no streaming needed). Stops on SIGTERM.
"""
import http.client
import http.server
import json
import os
import sys
import urllib.parse

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
STATUS = int(sys.argv[2])
COUNT = os.environ.get("FAULT_PROXY_COUNT", "/dev/null")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _answer(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self):
        body = self._body()
        if self.command == "POST" and self.path.startswith("/run_sse"):
            with open(COUNT, "a") as f:
                f.write("run_sse\n")
            extra = [("Retry-After", "1")] if STATUS == 429 else []
            payload = json.dumps({"code": STATUS, "message": "injected by fault_proxy"})
            self._answer(STATUS, [("Content-Type", "application/json")] + extra, payload.encode())
            return
        conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        r = conn.getresponse()
        self._answer(r.status, r.getheaders(), r.read())
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = _forward


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(json.dumps({"api": "http://127.0.0.1:%d" % server.server_address[1]}), flush=True)
server.serve_forever()
