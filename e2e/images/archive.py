#!/usr/bin/env python3
"""Writes a container image as a docker-archive tarball (`docker save` format: manifest.json, a config blob and
gzipped layers), the format `ctr images import`, `docker load`, `podman load` and `skopeo copy docker-archive:` read.

Each layer is a directory tree; entries are written sorted, owned by root, with mtime 0 and gzip without a timestamp,
so the same inputs always give the same layer digests (images that share a layer directory share the layer).

  archive.py --tag simgate/agent:0.1.0 --layer DIR [--layer DIR ...] [--entrypoint '["java","-jar","/app/a.jar"]'] \
             [--cmd '["sh"]'] [--env K=V ...] [--user 65532:65532] [--workdir /] [--label K=V ...] OUT.tar
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import stat
import sys
import tarfile


def layer_tar(root):
    """The uncompressed tar of a directory tree, deterministic."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        paths = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                paths.append(os.path.join(dirpath, name))
        for path in sorted(paths, key=lambda p: os.path.relpath(p, root)):
            rel = os.path.relpath(path, root)
            info = tar.gettarinfo(path, arcname=rel)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 0
            info.pax_headers = {}
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as f:
        f.write(data)
    return out.getvalue()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tag", required=True, action="append", help="repository:tag (repeatable)")
    p.add_argument("--layer", required=True, action="append", help="a directory tree, bottom layer first")
    p.add_argument("--entrypoint", help='a JSON list, e.g. ["java","-jar","/app/a.jar"]')
    p.add_argument("--cmd", help='a JSON list: the default arguments (or command, without an entrypoint)')
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--user", default="")
    p.add_argument("--workdir", default="/")
    p.add_argument("--label", action="append", default=[], help="KEY=VALUE")
    p.add_argument("out")
    a = p.parse_args()

    for root in a.layer:
        if not os.path.isdir(root):
            sys.exit(f"archive.py: layer directory {root} does not exist")
    blobs, diff_ids, history = [], [], []
    for root in a.layer:
        raw = layer_tar(root)
        diff_ids.append("sha256:" + sha256(raw))
        data = gz(raw)
        blobs.append((sha256(data) + "/layer.tar.gz", data))
        history.append({"created": "1970-01-01T00:00:00Z", "created_by": "e2e/images: " + os.path.basename(root)})
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "Env": a.env,
            "WorkingDir": a.workdir,
            "Labels": dict(kv.split("=", 1) for kv in a.label),
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    if a.entrypoint:
        config["config"]["Entrypoint"] = json.loads(a.entrypoint)
    if a.cmd:
        config["config"]["Cmd"] = json.loads(a.cmd)
    if a.user:
        config["config"]["User"] = a.user
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = sha256(config_bytes) + ".json"
    manifest = [{"Config": config_name, "RepoTags": a.tag, "Layers": [name for name, _ in blobs]}]

    tmp = a.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = [(config_name, config_bytes)] + blobs
        entries.append(("manifest.json", json.dumps(manifest, separators=(",", ":")).encode()))
        for name, data in entries:
            if "/" in name:
                d = tarfile.TarInfo(name.split("/")[0])
                d.type, d.mode, d.mtime = tarfile.DIRTYPE, 0o755, 0
                if d.name not in tar.getnames():
                    tar.addfile(d)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    os.replace(tmp, a.out)
    print(f"archive.py: {a.out} ({os.path.getsize(a.out) / 1e6:.1f} MB, {len(blobs)} layers, "
          f"image {sha256(config_bytes)[:12]}) tagged {' '.join(a.tag)}", file=sys.stderr)


if __name__ == "__main__":
    main()
