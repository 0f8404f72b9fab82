#!/usr/bin/python3
"""A stand-in for Rekor's entry endpoint, which cannot run here: `POST /api/v1/log/entries` with a
`hashedrekord` or `dsse` v0.0.1 entry. As Rekor does, it checks the entry's signature with the key in
its certificate (refusing with 400 and a message otherwise), stores the canonical body (for dsse:
the envelope's and payload's hashes and the signatures, not the envelope), and answers 201 with the
entry and a signed entry timestamp: ECDSA over the canonical JSON of body, integratedTime, logID
and logIndex, with its own key, whose SHA-256 (of the DER public key) is the log ID.

usage: rekor_log.py SIGNING_KEY PORT_FILE LOG
"""
import base64
import hashlib
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from loopback_tls import reply, serve_on_free_port


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def openssl(*args, data=b""):
    return subprocess.run(["openssl", *args], input=data, capture_output=True)


def verifies(certificate_pem, signature, data=None, digest=None):
    """Does the certificate's key verify `signature` over `data` (or over the SHA-256 `digest`)?"""
    with tempfile.TemporaryDirectory() as scratch:
        certificate, public, sig, message = (os.path.join(scratch, n) for n in ("cert", "pub", "sig", "msg"))
        with open(certificate, "wb") as out:
            out.write(certificate_pem)
        if openssl("x509", "-in", certificate, "-pubkey", "-noout", "-out", public).returncode != 0:
            return False
        with open(sig, "wb") as out:
            out.write(signature)
        with open(message, "wb") as out:
            out.write(data if data is not None else bytes.fromhex(digest))
        if data is not None:
            checked = openssl("dgst", "-sha256", "-verify", public, "-signature", sig, message)
        else:
            checked = openssl("pkeyutl", "-verify", "-pubin", "-inkey", public, "-in", message, "-sigfile", sig)
        return checked.returncode == 0


def pae(payload_type, payload):
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type.encode(), len(payload), payload)


def canonical_body(entry):
    """The body Rekor stores for a proposed entry, or (None, why) when it would refuse it."""
    kind, spec = entry.get("kind"), entry.get("spec", {})
    if entry.get("apiVersion") != "0.0.1":
        return None, f"unsupported apiVersion {entry.get('apiVersion')}"
    if kind == "hashedrekord":
        certificate = base64.b64decode(spec["signature"]["publicKey"]["content"])
        signature = base64.b64decode(spec["signature"]["content"])
        digest = spec["data"]["hash"]["value"]
        if spec["data"]["hash"].get("algorithm") != "sha256" or not verifies(certificate, signature, digest=digest):
            return None, "verifying signature: invalid signature when validating ASN.1 encoded signature"
        return entry, None
    if kind == "dsse":
        envelope_text = spec["proposedContent"]["envelope"]
        envelope = json.loads(envelope_text)
        certificate = base64.b64decode(spec["proposedContent"]["verifiers"][0])
        payload = base64.b64decode(envelope["payload"])
        signatures = []
        for item in envelope["signatures"]:
            if not verifies(certificate, base64.b64decode(item["sig"]), data=pae(envelope["payloadType"], payload)):
                return None, "could not verify envelope: no valid signature"
            signatures.append({"signature": item["sig"], "verifier": spec["proposedContent"]["verifiers"][0]})
        return {"apiVersion": "0.0.1", "kind": "dsse", "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": hashlib.sha256(envelope_text.encode()).hexdigest()},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
            "signatures": sorted(signatures, key=lambda s: s["signature"])}}, None
    return None, f"unsupported kind {kind}"


def main():
    key, port_file, log = sys.argv[1:4]
    der = openssl("pkey", "-in", key, "-pubout", "-outform", "DER").stdout
    log_id = hashlib.sha256(der).hexdigest()
    lock = threading.Lock()
    entries = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            text = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/api/v1/log/entries":
                reply(self, 404, b'{"code":404,"message":"not found"}')
                return
            try:
                body, problem = canonical_body(json.loads(text))
            except (KeyError, ValueError, TypeError) as error:
                body, problem = None, f"malformed entry: {error}"
            with open(log, "a") as out:
                out.write(f"{problem or 'entry'} {text.decode(errors='replace')}\n")
            if problem:
                reply(self, 400, json.dumps({"code": 400, "message": problem}).encode())
                return
            with lock:
                index = len(entries)
                entries.append(body)
            fields = {"body": base64.b64encode(canonical(body)).decode(), "integratedTime": int(time.time()),
                      "logID": log_id, "logIndex": index}
            timestamp = openssl("dgst", "-sha256", "-sign", key, data=canonical(fields)).stdout
            uuid = hashlib.sha256(canonical(body)).hexdigest()
            answer = {uuid: {**fields, "verification": {"signedEntryTimestamp": base64.b64encode(timestamp).decode()}}}
            reply(self, 201, json.dumps(answer).encode())

        def log_message(self, *args):
            pass

    serve_on_free_port(Handler, port_file)


if __name__ == "__main__":
    main()
