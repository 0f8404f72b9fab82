#!/usr/bin/python3
"""A registry token service for the tests, standing where Buildkite's is in production.

Accepts user `buildkite` with a JWT password only while its `aud` is the expected audience and its
`exp` is in the future (the signature is the agent's business, not checked here), and answers with
an RS256 token the registry verifies through the `x5c` certificate in its rootcertbundle.

usage: token_server.py PORT TLS_CERT TLS_KEY SIGNING_CERT SIGNING_KEY ISSUER AUDIENCE LOG
"""
import base64
import http.server
import json
import secrets
import subprocess
import sys
import time
import urllib.parse

from loopback_tls import reply, serve


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main():
    port, tls_cert, tls_key, signing_cert, signing_key, issuer, audience, log = sys.argv[1:9]
    der = subprocess.run(["openssl", "x509", "-in", signing_cert, "-outform", "DER"],
                         check=True, capture_output=True).stdout

    def sign(claims):
        header = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
        unsigned = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", signing_key],
                                   input=unsigned.encode(), check=True, capture_output=True).stdout
        return f"{unsigned}.{b64url(signature)}"

    def verdict(authorization):
        if not authorization.startswith("Basic "):
            return "no credentials"
        user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        if user != "buildkite":
            return f"user {user} is not buildkite"
        try:
            claims = json.loads(b64url_decode(password.split(".")[1]))
        except Exception:  # noqa: BLE001 - anything unreadable is simply refused
            return "the password is not a JWT"
        if claims.get("aud") != audience:
            return f"Invalid 'aud' claim: {claims.get('aud')}"
        if claims.get("exp", 0) <= time.time():
            return "the token has expired"
        return None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            problem = verdict(self.headers.get("Authorization", ""))
            with open(log, "a") as out:
                out.write(f"{query.get('scope', [''])[0]} {problem or 'granted'}\n")
            if problem:
                reply(self, 401, json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": problem}]}).encode())
            else:
                access = []
                for scope in query.get("scope", []):
                    kind, name, actions = scope.split(":")
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
                now = int(time.time())
                token = sign({"iss": issuer, "sub": "buildkite", "aud": query["service"][0], "exp": now + 300,
                              "nbf": now - 10, "iat": now, "jti": secrets.token_hex(8), "access": access})
                reply(self, 200, json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode())

        def log_message(self, *args):
            pass

    serve(port, tls_cert, tls_key, Handler)


if __name__ == "__main__":
    main()
