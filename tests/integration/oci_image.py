#!/usr/bin/env python3
"""Writes a one-platform OCI image into an OCI layout, as the tests need them: children of an index
whose config names their platform, and the image Kaniko pushes for `--custom-platform` (the base's
layers plus one layer per COPY, the config's platform that of the flag).

usage: oci_image.py LAYOUT TAG OS/ARCH[/VARIANT] [--from BASE_TAG] [SOURCE=DEST ...]
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
REF_NAME = "org.opencontainers.image.ref.name"


def write_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as out:
        out.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def read_blob(layout, digest):
    with open(os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1]), "rb") as blob:
        return blob.read()


def read_index(layout):
    path = os.path.join(layout, "index.json")
    if not os.path.exists(path):
        return {"schemaVersion": 2, "manifests": []}
    with open(path) as index:
        return json.load(index)


def layer_of(files):
    """A reproducible tar of SOURCE=DEST pairs: root-owned, dated 0, its parent directories included."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        directories = set()
        for source, dest in files:
            parts = dest.strip("/").split("/")
            for depth in range(1, len(parts)):
                directory = "/".join(parts[:depth])
                if directory not in directories:
                    directories.add(directory)
                    info = tarfile.TarInfo(directory)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
                    tar.addfile(info)
            info = tar.gettarinfo(source, arcname="/".join(parts))
            info.uid = info.gid = info.mtime = 0
            info.uname = info.gname = ""
            with open(source, "rb") as data:
                tar.addfile(info, data)
    diff = raw.getvalue()
    return gzip.compress(diff, mtime=0), "sha256:" + hashlib.sha256(diff).hexdigest()


def main(argv):
    layout, tag, platform = argv[1], argv[2], argv[3].split("/")
    rest = argv[4:]
    base = None
    if rest[:1] == ["--from"]:
        base, rest = rest[1], rest[2:]
    files = [tuple(pair.split("=", 1)) for pair in rest]
    if not os.path.exists(os.path.join(layout, "oci-layout")):
        os.makedirs(layout, exist_ok=True)
        with open(os.path.join(layout, "oci-layout"), "w") as marker:
            json.dump({"imageLayoutVersion": "1.0.0"}, marker)
    index = read_index(layout)
    config = {"config": {}, "rootfs": {"type": "layers", "diff_ids": []}, "history": []}
    layers = []
    if base is not None:
        entry = next(m for m in index["manifests"] if m.get("annotations", {}).get(REF_NAME) == base)
        manifest = json.loads(read_blob(layout, entry["digest"]))
        config = json.loads(read_blob(layout, manifest["config"]["digest"]))
        layers = manifest["layers"]
    config["os"], config["architecture"] = platform[0], platform[1]
    config.pop("variant", None)
    if len(platform) > 2:
        config["variant"] = platform[2]
    if files:
        compressed, diff_id = layer_of(files)
        layers = layers + [dict(mediaType=OCI_LAYER, **write_blob(layout, compressed))]
        config["rootfs"]["diff_ids"].append(diff_id)
        config.setdefault("history", []).append({"created_by": "COPY " + " ".join(dest for _, dest in files)})
    config_blob = dict(mediaType=OCI_CONFIG, **write_blob(layout, json.dumps(config, sort_keys=True).encode()))
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config_blob, "layers": layers}
    written = write_blob(layout, json.dumps(manifest, sort_keys=True).encode())
    index["manifests"] = [m for m in index["manifests"] if m.get("annotations", {}).get(REF_NAME) != tag]
    index["manifests"].append(dict(mediaType=OCI_MANIFEST, annotations={REF_NAME: tag}, **written))
    with open(os.path.join(layout, "index.json"), "w") as out:
        json.dump(index, out)
    print(written["digest"])


if __name__ == "__main__":
    main(sys.argv)
