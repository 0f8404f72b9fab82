#!/usr/bin/python3
"""The tests' OIDC issuer, standing where Buildkite's is: the discovery document and JWKS Fulcio
reads, and the Agent API's token endpoint (`POST /v3/jobs/{id}/oidc/tokens` {audience, lifetime})
that the stand-in agent's `oidc request-token` calls. Tokens are RS256 and carry the claims a
Buildkite job token carries; the job's facts come with the request, as the real API knows them.

usage: oidc_issuer.py SIGNING_KEY PORT_FILE LOG
"""
import base64
import http.server
import json
import secrets
import subprocess
import sys
import time

from loopback_tls import reply, serve_on_free_port


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    key, port_file, log = sys.argv[1:4]
    modulus = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-modulus"], check=True,
                             capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "kaniko-tests",
           "n": b64url(bytes.fromhex(modulus)), "e": b64url((65537).to_bytes(3, "big"))}

    def sign(claims):
        header = {"alg": "RS256", "typ": "JWT", "kid": jwk["kid"]}
        unsigned = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=unsigned.encode(),
                                   check=True, capture_output=True).stdout
        return f"{unsigned}.{b64url(signature)}"

    class Handler(http.server.BaseHTTPRequestHandler):
        def issuer(self):
            return f"http://127.0.0.1:{self.server.server_address[1]}"

        def do_GET(self):
            if self.path == "/.well-known/openid-configuration":
                reply(self, 200, json.dumps({
                    "issuer": self.issuer(), "jwks_uri": f"{self.issuer()}/jwks",
                    "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"]}).encode())
            elif self.path == "/jwks":
                reply(self, 200, json.dumps({"keys": [jwk]}).encode())
            else:
                reply(self, 404, b'{"message":"not found"}')

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            parts = self.path.strip("/").split("/")
            if len(parts) != 5 or parts[:2] != ["v3", "jobs"] or parts[3:] != ["oidc", "tokens"]:
                reply(self, 404, b'{"message":"not found"}')
                return
            job = request.get("job", {})
            now = int(time.time())
            ref = f"refs/tags/{job['tag']}" if job.get("tag") else f"refs/heads/{job.get('branch', 'main')}"
            claims = {
                "iss": self.issuer(), "aud": request.get("audience", ""), "iat": now, "nbf": now,
                "exp": now + int(request.get("lifetime") or 600), "jti": secrets.token_hex(8),
                "sub": (f"organization:{job.get('organization_slug')}:pipeline:{job.get('pipeline_slug')}:"
                        f"ref:{ref}:commit:{job.get('build_commit')}:step:{job.get('step_key', '')}"),
                "organization_slug": job.get("organization_slug"), "pipeline_slug": job.get("pipeline_slug"),
                "build_number": int(job.get("build_number") or 0), "build_branch": job.get("branch"),
                "build_tag": job.get("tag") or None, "build_commit": job.get("build_commit"),
                "build_source": "ui", "step_key": job.get("step_key") or None, "job_id": parts[2],
                "agent_id": "0190f1c8-0000-4000-8000-000000000001", "runner_environment": "self-hosted",
            }
            token = sign(claims)
            with open(log, "a") as out:
                out.write(f"{request.get('audience', '')} {token}\n")
            reply(self, 200, json.dumps({"token": token}).encode())

        def log_message(self, *args):
            pass

    serve_on_free_port(Handler, port_file)


if __name__ == "__main__":
    main()
