#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""
spec/check-ynl.py YNL_TREE [SPEC]: spec/kalloc.yaml as the kernel's own
YNL library reads it.

YNL_TREE is a kernel tree's top (spec/ynl-tree prints one, from Debian's
linux-source-6.12). Its tools/net/ynl/lib loads the spec as every YNL tool
does (lib.SpecFamily): validated against Documentation/netlink/
genetlink-legacy.yaml with python3-jsonschema, every reference resolved.
Then what the library made of it is checked against what the spec means:

  - every op with do or dump is a request op (family.ops), with the
    spec's do/dump modes;
  - every notification is filed as one (family.ntfs), and a message of its
    command number arriving unasked decodes as it (rsp_by_value), also where
    it shares the number of its request (6.1's events);
  - the multicast groups, and the attribute set of every op.

Exit status 0 if so, 1 with one line per problem, 2 if the tree is unusable.
"""

import os
import sys


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: check-ynl.py YNL_TREE [SPEC]", file=sys.stderr)
        return 2
    tree = sys.argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec_path = sys.argv[2] if len(sys.argv) == 3 else \
        os.path.join(top, "spec", "kalloc.yaml")
    schema = os.path.join(tree, "Documentation", "netlink",
                          "genetlink-legacy.yaml")
    sys.path.insert(0, os.path.join(tree, "tools", "net", "ynl"))
    try:
        # pylint: disable=import-outside-toplevel,import-error
        from lib import SpecFamily
    except ImportError as e:
        print(f"check-ynl: no YNL library under {tree}: {e}", file=sys.stderr)
        return 2

    try:
        family = SpecFamily(spec_path, schema)
    except Exception as e:  # pylint: disable=broad-except
        # jsonschema.ValidationError, nlspec's SpecException, a KeyError of
        # an unresolved reference: all mean the same, YNL refuses the spec.
        print(f"check-ynl: YNL refuses {spec_path}: {type(e).__name__}: "
              f"{str(e).splitlines()[0] if str(e) else e!r}")
        return 1

    errors = []
    raw = family.yaml["operations"]["list"]
    calls = {}
    for op in raw:
        if "do" in op or "dump" in op:
            calls[op["value"]] = op["name"]
    for op in raw:
        name = op["name"]
        if "do" in op or "dump" in op:
            if name not in family.ops:
                errors.append(f"{name}: a request in the spec, YNL files it "
                              "as no request op")
                continue
            modes = family.ops[name].modes
            want = {m for m in ("do", "dump") if m in op}
            if modes != want:
                errors.append(f"{name}: YNL sees {sorted(modes)}, the spec {sorted(want)}")
            if family.ops[name].attr_set is None:
                errors.append(f"{name}: no attribute set")
        else:
            if name not in family.ntfs:
                errors.append(f"{name}: a notification in the spec, not to YNL")
                continue
            got = family.rsp_by_value.get(op["value"])
            if got is None or got.name != name:
                errors.append(f"{name}: a message of number {op['value']} decodes "
                              f"as '{got.name if got else None}', not as this notification")
            if op["mcgrp"] not in family.mcast_groups:
                errors.append(f"{name}: unknown group {op['mcgrp']}")
    for e in errors:
        print(f"check-ynl: {e}")
    if errors:
        return 1
    print(f"check-ynl: {os.path.relpath(spec_path)} is valid YNL "
          f"(genetlink-legacy schema of {os.path.relpath(tree)}): "
          f"{len(family.ops)} request ops, {len(family.ntfs)} notifications, "
          f"{len(family.attr_sets)} attribute sets, "
          f"{len(family.mcast_groups)} groups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
