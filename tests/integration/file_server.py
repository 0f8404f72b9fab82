#!/usr/bin/python3
"""Serves a folder over plain HTTP on 127.0.0.1, standing where the GitHub release is.

Binds a free port and writes it to PORT_FILE once it listens, so the tests wait on that file. Every
request that reaches it is one line in LOG ("GET /path 200"), written before the answer, so a test can
count the connections a hook opened.

Below /unavailable/ it answers 503, as a server having a bad moment; a missing file is its 404.

usage: file_server.py FOLDER PORT_FILE LOG
"""
import functools
import http.server
import sys

from loopback_tls import serve_on_free_port


def main():
    folder, port_file, log = sys.argv[1:4]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/unavailable/"):
                self.send_error(503)
                return
            super().do_GET()

        def log_request(self, code="-", size="-"):
            with open(log, "a") as out:
                out.write(f"{self.command} {self.path} {code}\n")

    serve_on_free_port(functools.partial(Handler, directory=folder), port_file)

if __name__ == "__main__":
    main()
