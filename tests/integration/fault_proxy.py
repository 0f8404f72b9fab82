#!/usr/bin/python3
"""A TLS proxy in front of a real registry that answers the first FAILURES requests with 500, then
passes every request through: a registry having a bad moment. Each request is a line in LOG, so
that a benchmark can count them (FAILURES 0).

usage: fault_proxy.py PORT TLS_CERT TLS_KEY UPSTREAM_PORT FAILURES LOG
"""
import http.client
import http.server
import ssl
import sys
import threading

from loopback_tls import reply, serve


def main():
    port, tls_cert, tls_key, upstream_port, failures, log = sys.argv[1:7]
    remaining = [int(failures)]
    lock = threading.Lock()
    upstream_context = ssl.create_default_context(cafile=tls_cert)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def relay(self):
            with lock:
                fail = remaining[0] > 0
                remaining[0] -= 1
            with open(log, "a") as out:
                out.write(f"{self.command} {self.path} {'500' if fail else 'relayed'}\n")
            if fail:
                reply(self, 500)
                return
            connection = http.client.HTTPSConnection("127.0.0.1", int(upstream_port), context=upstream_context)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            length = int(self.headers.get("Content-Length") or 0)
            connection.request(self.command, self.path, body=self.rfile.read(length) if length else None, headers=headers)
            response = connection.getresponse()
            body = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("connection", "transfer-encoding", "content-length"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = relay
        do_HEAD = relay
        do_PUT = relay

        def log_message(self, *args):
            pass

    serve(port, tls_cert, tls_key, Handler)


if __name__ == "__main__":
    main()
