#!/usr/bin/env python3
"""Write emulator/tests/data/enum_probes.json from botocore's service models.

For every operation of every service folder (EC2: only the built ones, its model is
vast) and every enum-typed member of its input, up to four levels deep, one probe: the
input JSON that holds an invalid value at that member (lists hold it as their one
element). emulator/tests/enum_messages.rs sends the probes of the built operations and
checks that the answer is AWS's words, never serde's, so an operation built later is
probed without regenerating. The folder's botocore model is the one named in the header
of its generated operations.rs.

Run: pip install botocore && tools/gen_enum_probes.py
"""
import glob
import gzip
import json
import os
import re

import botocore

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
SERVICES = os.path.join(ROOT, "emulator", "src", "services")
BAD = "NotAnEnumValue-orgsim"
MAX_DEPTH = 4


def load(name):
    path = sorted(glob.glob(os.path.join(DATA, name, "*", "service-2.json.gz")))[-1]
    with gzip.open(path) as f:
        return json.load(f)


def built_operations(folder):
    names = set()
    for path in glob.glob(os.path.join(SERVICES, folder, "*.rs")):
        with open(path) as f:
            names.update(re.findall(r'^\s*"([A-Z][A-Za-z0-9]+)" =>', f.read(), re.M))
    return names


def wire_name(member_name, member, protocol):
    # Query protocols' handlers take member names; JSON bodies take their wire names.
    if protocol in ("json", "rest-json") and member.get("location") is None:
        return member.get("locationName", member_name)
    return member_name


def probes(model, shape_name, protocol, depth=0, seen=()):
    """(path, value) for every enum member under shape_name."""
    shapes = model["shapes"]
    shape = shapes[shape_name]
    out = []
    if depth >= MAX_DEPTH or shape_name in seen:
        return out
    seen = seen + (shape_name,)
    for name, member in shape.get("members", {}).items():
        target = shapes[member["shape"]]
        key = wire_name(name, member, protocol)
        if target["type"] == "string" and "enum" in target:
            out.append(([key], BAD))
        elif target["type"] == "structure":
            for path, value in probes(model, member["shape"], protocol, depth + 1, seen):
                out.append(([key] + path, value))
        elif target["type"] == "list":
            item = target["member"]["shape"]
            inner = shapes[item]
            if inner["type"] == "string" and "enum" in inner:
                out.append(([key], [BAD]))
            elif inner["type"] == "structure":
                for path, value in probes(model, item, protocol, depth + 1, seen):
                    out.append(([key, 0] + path, value))
    return out


def nest(path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == 0:
        return [nest(rest, value)]
    return {head: nest(rest, value)}


def main():
    out = {}
    for table in sorted(glob.glob(os.path.join(SERVICES, "*", "operations.rs"))):
        folder = os.path.basename(os.path.dirname(table))
        with open(table) as f:
            header = f.read(600)
        found = re.search(r"model `([^`]+)`", header)
        if not found:
            continue
        model = load(found.group(1))
        protocol = model["metadata"]["protocol"]
        built = built_operations(folder)
        service = {}
        for op_name in sorted(model["operations"]):
            op = model["operations"][op_name]
            if (folder == "ec2" and op_name not in built) or "input" not in op:
                continue
            cases = [nest(path, value) for path, value in probes(model, op["input"]["shape"], protocol)]
            if cases:
                service[op_name] = cases
        out[model["metadata"].get("signingName", model["metadata"]["endpointPrefix"])] = service
    path = os.path.join(ROOT, "emulator", "tests", "data", "enum_probes.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    print(path, sum(len(c) for s in out.values() for c in s.values()), "probes")


if __name__ == "__main__":
    main()
