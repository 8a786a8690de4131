#!/usr/bin/env python3
"""Regenerate emulator/data/aws-services.json.gz: every AWS service in botocore's models.

orgsim answers the services it does not emulate with HTTP 501 `NotImplemented` in the
service's own wire format, naming service and operation. To tell them apart it needs,
per service: the SigV4 signing name, the endpoint prefix, the protocols (the model's
`protocols` list, else `protocol`), the awsJson `X-Amz-Target` prefix and JSON version,
the awsQuery/EC2 `Version` and XML namespace, and every operation — with its HTTP method,
URI template and required query keys and headers for the REST protocols, so a REST
request can be named by operation.

The file is gzip with a fixed timestamp, so the same botocore gives the same bytes.

Run: pip install botocore && tools/gen_catalog.py
"""
import glob
import gzip
import io
import json
import os

import botocore

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
DEST = os.path.join(ROOT, "emulator", "data", "aws-services.json.gz")
REST = ("rest-json", "rest-xml")


def latest_model(service):
    paths = sorted(glob.glob(os.path.join(DATA, service, "*", "service-2.json*")))
    if not paths:
        return None
    path = paths[-1]
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path) as f:
        return json.load(f)


def required_bindings(model, operation):
    """Required query-string keys (`?key`) and headers (lower case) of a REST input:
    what tells apart operations that share a method and URI (S3's PutObject, CopyObject,
    UploadPart)."""
    if "input" not in operation:
        return []
    shape = model["shapes"][operation["input"]["shape"]]
    required = set(shape.get("required", []))
    found = []
    for member, m in shape.get("members", {}).items():
        if member not in required:
            continue
        if m.get("location") == "querystring":
            found.append("?" + m.get("locationName", member))
        elif m.get("location") == "header":
            found.append(m.get("locationName", member).lower())
    return sorted(found)


def describe(name, model):
    meta = model["metadata"]
    protocols = meta.get("protocols") or [meta["protocol"]]
    service = {
        "name": name,
        "full_name": meta.get("serviceFullName", name),
        "signing_name": meta.get("signingName", meta["endpointPrefix"]),
        "endpoint_prefix": meta["endpointPrefix"],
        "protocols": protocols,
    }
    if "targetPrefix" in meta:
        service["target_prefix"] = meta["targetPrefix"]
    if "jsonVersion" in meta:
        service["json_version"] = meta["jsonVersion"]
    if any(p in ("query", "ec2") for p in protocols):
        service["api_version"] = meta["apiVersion"]
        service["xml_namespace"] = meta.get("xmlNamespace", "")
    rest = any(p in REST for p in protocols)
    operations = []
    for op in sorted(model["operations"]):
        http = model["operations"][op].get("http", {})
        if rest:
            entry = [op, http.get("method", "POST"), http.get("requestUri", "/")]
            required = required_bindings(model, model["operations"][op])
            if required:
                entry.append(required)
            operations.append(entry)
        else:
            operations.append([op])
    service["operations"] = operations
    return service


def main():
    services = []
    for name in sorted(os.listdir(DATA)):
        model = latest_model(name)
        if model is not None:
            services.append(describe(name, model))
    document = {"botocore": botocore.__version__, "services": services}
    text = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(text)
    os.makedirs(os.path.dirname(DEST), exist_ok=True)
    with open(DEST, "wb") as f:
        f.write(buffer.getvalue())
    operations = sum(len(s["operations"]) for s in services)
    print(f"{DEST}: {len(services)} services, {operations} operations, "
          f"{len(text)} bytes of JSON, {len(buffer.getvalue())} compressed")


if __name__ == "__main__":
    main()
