#!/usr/bin/python3
"""Answers as GitHub's REST API does for publishing a release, on plain HTTP on 127.0.0.1, for
scripts/publish-release: the release of a tag (GET .../releases/tags/TAG: 404 until created), its
creation (POST .../releases: 201), asset uploads to the upload_url it returns (POST ...?name=: 201,
422 for a name taken), and asset downloads (GET .../releases/assets/ID with Accept
application/octet-stream: a 302 to the bytes, as GitHub sends to its storage). Without
`Authorization: Bearer TOKEN` every request is a 401. Each request is a line in LOG:
"METHOD PATH content-type=TYPE", the token never.

usage: github_api.py TOKEN PORT_FILE LOG
"""
import http.server
import json
import re
import sys
import threading
import urllib.parse

from loopback_tls import reply, serve_on_free_port


def main():
    token, port_file, log = sys.argv[1:4]
    lock = threading.Lock()
    releases = {}  # tag -> release
    blobs = {}  # asset id -> bytes
    counter = [0]

    def next_id():
        counter[0] += 1
        return counter[0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def base(self):
            return f"http://127.0.0.1:{self.server.server_address[1]}"

        def answer(self, status, body=b"", content_type="application/json", headers=()):
            reply(self, status, json.dumps(body).encode() if isinstance(body, dict) else body, content_type, headers)

        def handle_request(self):
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
            with open(log, "a") as out:
                out.write(f"{self.command} {self.path} content-type={self.headers.get('Content-Type', '-')}\n")
            if self.headers.get("Authorization") != f"Bearer {token}":
                return self.answer(401, {"message": "Bad credentials"})
            url = urllib.parse.urlparse(self.path)
            query = urllib.parse.parse_qs(url.query)
            with lock:
                if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/releases/tags/([^/]+)", url.path):
                    if self.command == "GET" and m.group(2) in releases:
                        return self.answer(200, releases[m.group(2)])
                    return self.answer(404, {"message": "Not Found"})
                if (m := re.fullmatch(r"/repos/([^/]+/[^/]+)/releases", url.path)) and self.command == "POST":
                    tag = json.loads(data)["tag_name"]
                    if tag in releases:
                        return self.answer(422, {"message": "Validation Failed"})
                    number = next_id()
                    releases[tag] = {"id": number, "tag_name": tag, "assets": [],
                                     "upload_url": f"{self.base()}/uploads/repos/{m.group(1)}/releases/{number}/assets{{?name,label}}"}
                    return self.answer(201, releases[tag])
                if (m := re.fullmatch(r"/uploads/repos/([^/]+/[^/]+)/releases/(\d+)/assets", url.path)) and \
                        self.command == "POST":
                    release = next(r for r in releases.values() if r["id"] == int(m.group(2)))
                    name = query["name"][0]
                    if any(a["name"] == name for a in release["assets"]):
                        return self.answer(422, {"message": "Validation Failed", "errors": [{"code": "already_exists"}]})
                    number = next_id()
                    blobs[number] = data
                    asset = {"id": number, "name": name, "size": len(data),
                             "content_type": self.headers.get("Content-Type"),
                             "url": f"{self.base()}/repos/{m.group(1)}/releases/assets/{number}"}
                    release["assets"].append(asset)
                    return self.answer(201, asset)
                if (m := re.fullmatch(r"/repos/[^/]+/[^/]+/releases/assets/(\d+)", url.path)) and self.command == "GET":
                    if self.headers.get("Accept") != "application/octet-stream":
                        return self.answer(200, {"id": int(m.group(1))})
                    return self.answer(302, b"", headers=[("Location", f"{self.base()}/storage/{m.group(1)}")])
                if (m := re.fullmatch(r"/storage/(\d+)", url.path)) and self.command == "GET":
                    return self.answer(200, blobs[int(m.group(1))], "application/octet-stream")
            return self.answer(404, {"message": "Not Found"})

        do_GET = handle_request
        do_POST = handle_request

        def log_message(self, *args):
            pass

    serve_on_free_port(Handler, port_file)

if __name__ == "__main__":
    main()
