#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""
spec/check-header.py: spec/kalloc.yaml against the uapi headers, both ways.

    spec/check-header.py [--spec FILE] [--include DIR] [--cc CC] [--clang CLANG]

What the spec renders into C (constants, enum and flag values, attribute
and command numbers, the *_MAX and *_UNSPEC entries, multicast group and
family names, struct layouts) must be in the headers with the same value,
and everything the headers define for the family must be in the spec.

The headers are never parsed with regular expressions. The compiler reads
them: clang's JSON AST lists every enum and its constants (with their file
offsets) and every struct's fields, "cc -dM -E" lists every macro, and a C
program generated here, compiled against the headers, prints the value of
every name and the layout of every struct. The only text read directly is
the comment on an enumerator's own line (found through the AST's offset),
whose first word names the attribute's type ("/* u32 */").

Exit status 0 if they agree; 1 with one line per disagreement otherwise;
2 if the tools fail.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import yaml

HEADERS = ("linux/kalloc.h", "linux/kalloc_vdev.h")

# Macros of the headers that are not part of the netlink family: the
# device file's ioctl interface (kalloc-vdev(4)) and its directory.
NOT_FAMILY_PREFIXES = ("KALLOC_VDEV_IOC_", "KALLOC_VDEV_CTL_F_")
NOT_FAMILY_SUFFIXES = ("_SIZE_VER0",)
NOT_FAMILY_NAMES = {"KALLOC_VDEV_DIR"}
# Their structs, likewise: only the ones the spec defines are compared.

SCALAR_BYTES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8,
                "s8": 1, "s16": 2, "s32": 4, "s64": 8}
TYPE_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff,
            "u64": 0xffffffffffffffff}

# The attribute types a header comment may name, and the spec types each
# stands for.
COMMENT_TYPES = {"u8": {"u8"}, "u16": {"u16"}, "u32": {"u32"},
                 "u64": {"u64"}, "string": {"string"},
                 "binary": {"binary"}, "flag": {"flag"},
                 "nest": {"nest", "indexed-array"}}

errors = []


def err(msg):
    errors.append(msg)


def c_upper(name):
    return name.upper().replace("-", "_")


# ---- the spec's own shape ---------------------------------------------------
#
# The subset of the genetlink-legacy schema (Documentation/netlink/
# genetlink-legacy.yaml in newer kernels) that this spec uses: an unknown
# key is a typo that a YNL tool would reject.

TOP_KEYS = {"name", "doc", "protocol", "version", "uapi-header",
            "c-family-name", "c-version-name", "kernel-policy",
            "definitions", "attribute-sets", "operations", "mcast-groups"}
DEF_KEYS = {"name", "type", "doc", "header", "value", "value-start",
            "entries", "render-max", "enum-name", "name-prefix", "members"}
ENTRY_KEYS = {"name", "value", "doc"}
MEMBER_KEYS = {"name", "type", "doc", "enum", "len", "byte-order"}
SET_KEYS = {"name", "name-prefix", "enum-name", "doc", "attributes",
            "attr-cnt-name", "attr-max-name"}
ATTR_KEYS = {"name", "type", "doc", "value", "checks", "enum",
             "enum-as-flags", "nested-attributes", "multi-attr",
             "sub-type", "byte-order", "display-hint", "struct"}
ATTR_TYPES = {"unused", "pad", "flag", "binary", "u8", "u16", "u32", "u64",
              "s8", "s16", "s32", "s64", "string", "nest", "indexed-array"}
CHECK_KEYS = {"min", "max", "min-len", "max-len", "exact-len"}
OPS_KEYS = {"name-prefix", "enum-name", "list"}
OP_KEYS = {"name", "doc", "value", "attribute-set", "flags", "do", "dump",
           "event", "notify", "mcgrp"}
SUBOP_KEYS = {"request", "reply", "pre", "post"}
GROUP_KEYS = {"name", "c-define-name", "flags"}


def keys_ok(obj, allowed, where):
    if not isinstance(obj, dict):
        err(f"spec: {where} is not a mapping")
        return False
    for k in obj:
        if k not in allowed:
            err(f"spec: {where} has an unknown key '{k}'")
    return True


def limit(value, attr_type):
    """A check's value: an integer, or a limit such as u32-max."""
    if isinstance(value, int):
        return value
    t, _, which = value.partition("-")
    if which == "max" and t in TYPE_MAX:
        return TYPE_MAX[t]
    if which == "min" and t in TYPE_MAX:
        return 0
    err(f"spec: unknown limit '{value}' ({attr_type})")
    return 0


class Spec:
    """The spec, with the values YNL gives what it leaves implicit."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            first = f.readline()
            f.seek(0)
            self.y = yaml.safe_load(f)
        if not first.startswith("# SPDX-License-Identifier: "):
            err("spec: the first line must be an SPDX license tag")
        y = self.y
        keys_ok(y, TOP_KEYS, "the family")
        self.family = y["name"]
        self.defs = {}
        self.sets = {}
        self.ops = {}
        # C name -> value: what the header must define.
        self.expected = {}
        # C name -> value: what the header may define (flag masks).
        self.optional = {}
        # C enum name -> the constants it must have, in order.
        self.c_enums = {}
        self._definitions()
        self._attribute_sets()
        self._operations()
        self._groups()

    def expect(self, cname, value, where):
        if cname in self.expected:
            err(f"spec: {where} renders {cname}, which something else renders too")
        self.expected[cname] = value

    def _definitions(self):
        for d in self.y.get("definitions", []):
            where = f"definition '{d.get('name')}'"
            keys_ok(d, DEF_KEYS, where)
            self.defs[d["name"]] = d
            if d["type"] == "const":
                prefix = d.get("name-prefix", f"{self.family}-")
                self.expect(c_upper(prefix + d["name"]), d["value"], where)
            elif d["type"] in ("enum", "flags"):
                self._enum(d, where)
            elif d["type"] == "struct":
                for m in d["members"]:
                    keys_ok(m, MEMBER_KEYS, f"{where} member {m.get('name')}")
                    if m["type"] not in SCALAR_BYTES:
                        err(f"spec: {where}: member {m['name']} is not a fixed-size scalar")
                    if "enum" in m and m["enum"] not in self.defs:
                        err(f"spec: {where}: member {m['name']} names an unknown enum")
            else:
                err(f"spec: {where} has an unknown type '{d['type']}'")

    def _enum(self, d, where):
        prefix = d.get("name-prefix", f"{self.family}-{d['name']}-")
        start = d.get("value-start", 0)
        names = []
        values = {}
        value = start
        for e in d["entries"]:
            if isinstance(e, str):
                e = {"name": e}
            keys_ok(e, ENTRY_KEYS, f"{where} entry {e.get('name')}")
            value = e.get("value", value)
            values[e["name"]] = value
            cname = c_upper(prefix + e["name"])
            self.expect(cname, 1 << value if d["type"] == "flags" else value,
                        where)
            names.append(cname)
            value += 1
        d["_values"] = values
        d["_prefix"] = prefix
        if d["type"] == "flags":
            mask = sum(1 << v for v in values.values())
            d["_mask"] = mask
            self.optional[c_upper(prefix + "all")] = mask
            return
        d["_min"] = min(values.values())
        d["_max"] = max(values.values())
        if start >= 1:
            # YNL leaves 0 out; the header names it *_UNSPEC.
            self.expect(c_upper(prefix + "unspec"), 0, where)
            names.insert(0, c_upper(prefix + "unspec"))
        if d.get("render-max"):
            self.expect(c_upper("__" + prefix + "max"), d["_max"] + 1, where)
            self.expect(c_upper(prefix + "max"), d["_max"], where)
            names += [c_upper("__" + prefix + "max"), c_upper(prefix + "max")]
        if d.get("enum-name"):
            self.c_enums[d["enum-name"]] = names

    def _attribute_sets(self):
        for s in self.y["attribute-sets"]:
            where = f"attribute set '{s.get('name')}'"
            keys_ok(s, SET_KEYS, where)
            prefix = s.get("name-prefix", f"{self.family}-{s['name']}-a-")
            attrs = {}
            names = [c_upper(prefix + "unspec")]
            self.expect(names[0], 0, where)
            value = 1
            for a in s["attributes"]:
                awhere = f"{where} attribute '{a.get('name')}'"
                keys_ok(a, ATTR_KEYS, awhere)
                if a.get("type") not in ATTR_TYPES:
                    err(f"spec: {awhere} has an unknown type '{a.get('type')}'")
                keys_ok(a.get("checks", {}), CHECK_KEYS, f"{awhere} checks")
                value = a.get("value", value)
                a["_value"] = value
                a["_c"] = c_upper(prefix + a["name"])
                if a["name"] in attrs:
                    err(f"spec: {awhere} appears twice")
                attrs[a["name"]] = a
                self.expect(a["_c"], value, awhere)
                names.append(a["_c"])
                value += 1
            last = max(a["_value"] for a in attrs.values())
            cnt = s.get("attr-cnt-name", c_upper("__" + prefix + "max"))
            mx = s.get("attr-max-name", c_upper(prefix + "max"))
            self.expect(cnt, last + 1, where)
            self.expect(mx, last, where)
            names += [cnt, mx]
            if s.get("enum-name"):
                self.c_enums[s["enum-name"]] = names
            self.sets[s["name"]] = {"yaml": s, "attrs": attrs}
        for s in self.sets.values():
            for a in s["attrs"].values():
                self._attr_refs(s["yaml"]["name"], a)

    def _attr_refs(self, set_name, a):
        where = f"attribute '{set_name}.{a['name']}'"
        if "nested-attributes" in a and a["nested-attributes"] not in self.sets:
            err(f"spec: {where} nests an unknown set")
        if a["type"] == "nest" and "nested-attributes" not in a:
            err(f"spec: {where} is a nest without nested-attributes")
        if a["type"] == "indexed-array" and a.get("sub-type") not in TYPE_MAX:
            err(f"spec: {where} is an indexed-array without a scalar sub-type")
        if "enum" not in a:
            return
        d = self.defs.get(a["enum"])
        if d is None or d["type"] not in ("enum", "flags"):
            err(f"spec: {where} names an unknown enum '{a['enum']}'")
            return
        checks = a.get("checks", {})
        # A range written beside an enum must be the enum's own range, or
        # adding a policy would leave the spec's check behind.
        if d["type"] == "enum" and checks:
            if limit(checks.get("min", 0), a["type"]) != d["_min"] or \
               limit(checks.get("max", 0), a["type"]) != d["_max"]:
                err(f"spec: {where}: checks {checks} are not the range "
                    f"{d['_min']}..{d['_max']} of enum '{a['enum']}'")

    def _operations(self):
        ops = self.y["operations"]
        keys_ok(ops, OPS_KEYS, "operations")
        prefix = ops.get("name-prefix", f"{self.family}-")
        names = [c_upper(prefix + "unspec")]
        self.expect(names[0], 0, "operations")
        value = 1
        calls = {}
        for op in ops["list"]:
            where = f"operation '{op.get('name')}'"
            keys_ok(op, OP_KEYS, where)
            value = op.get("value", value)
            op["_value"] = value
            if op["name"] in self.ops:
                err(f"spec: {where} appears twice")
            self.ops[op["name"]] = op
            value += 1
            self._op_refs(op, where)
            if "do" in op or "dump" in op:
                if op["_value"] in calls:
                    err(f"spec: {where} has the value of '{calls[op['_value']]}'")
                calls[op["_value"]] = op["name"]
            elif op["_value"] in calls:
                # A notification sent with its request's number (note 1 of
                # the spec): no C name of its own.
                if "mcgrp" not in op:
                    err(f"spec: {where} shares a request's value but names no group")
                continue
            cname = c_upper(prefix + op["name"])
            self.expect(cname, op["_value"], where)
            names.append(cname)
        last = max(op["_value"] for op in self.ops.values())
        self.expect(c_upper("__" + prefix + "max"), last + 1, "operations")
        self.expect(c_upper(prefix + "max"), last, "operations")
        names += [c_upper("__" + prefix + "max"), c_upper(prefix + "max")]
        if ops.get("enum-name"):
            self.c_enums[ops["enum-name"]] = names

    def _op_refs(self, op, where):
        set_name = op.get("attribute-set")
        if "notify" in op:
            target = next((o for o in self.y["operations"]["list"]
                           if o["name"] == op["notify"]), None)
            if target is None or "reply" not in target.get("do", {}):
                err(f"spec: {where} notifies like '{op['notify']}', no op with a do reply")
                return
            set_name = set_name or target.get("attribute-set")
        s = self.sets.get(set_name)
        if s is None:
            err(f"spec: {where} has no known attribute-set")
            return
        for flag in op.get("flags", []):
            if flag not in ("admin-perm", "uns-admin-perm"):
                err(f"spec: {where} has an unknown flag '{flag}'")
        if ("do" in op or "dump" in op) and ("event" in op or "notify" in op):
            err(f"spec: {where} is both a call and a notification; a YNL "
                "library would file it among the notifications only")
        lists = []
        for mode in ("do", "dump"):
            if mode in op:
                keys_ok(op[mode], SUBOP_KEYS, f"{where} {mode}")
                for part in ("request", "reply"):
                    if part in op[mode]:
                        keys_ok(op[mode][part], {"attributes"},
                                f"{where} {mode} {part}")
                        lists.append(op[mode][part].get("attributes", []))
        if "event" in op:
            lists.append(op["event"].get("attributes", []))
        for attrs in lists:
            for name in attrs:
                if name not in s["attrs"]:
                    err(f"spec: {where} lists '{name}', not in set "
                        f"'{set_name}'")

    def _groups(self):
        groups = self.y.get("mcast-groups", {}).get("list", [])
        names = set()
        for g in groups:
            keys_ok(g, GROUP_KEYS, f"multicast group '{g.get('name')}'")
            names.add(g["name"])
            cname = g.get("c-define-name",
                          c_upper(f"{self.family}-mcgrp-{g['name']}"))
            self.expect(cname, g["name"], f"group '{g['name']}'")
        for op in self.ops.values():
            if "mcgrp" in op and op["mcgrp"] not in names:
                err(f"spec: operation '{op['name']}' names an unknown group")
        self.expect(self.y["c-family-name"], self.family, "the family")
        self.expect(self.y["c-version-name"], self.y.get("version", 1),
                    "the family")


# ---- the headers, as the compiler reads them -------------------------------

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        print(f"check-header: {' '.join(cmd)} failed:\n{r.stderr}",
              file=sys.stderr)
        sys.exit(2)
    return r.stdout


class Header:
    """One header: its enums, structs and macros."""

    def __init__(self, rel, incdir, clang, cc):
        self.rel = rel
        self.path = os.path.join(incdir, rel)
        with open(self.path, "rb") as f:
            self.text = f.read()
        ast = json.loads(run([clang, "-x", "c", "-std=c11", "-fsyntax-only",
                              "-Xclang", "-ast-dump=json", "-I", incdir,
                              self.path]))
        self.enums = {}     # enum name -> [(constant, file offset)]
        self.structs = {}   # struct name -> [(field, type)]
        for node in ast.get("inner", []):
            name = node.get("name", "")
            if not name.startswith("kalloc"):
                continue
            if node["kind"] == "EnumDecl":
                self.enums[name] = [(c["name"], c["loc"]["offset"])
                                    for c in node.get("inner", [])
                                    if c["kind"] == "EnumConstantDecl"]
            elif node["kind"] == "RecordDecl" and node.get("completeDefinition"):
                self.structs[name] = [(c["name"], c["type"]["qualType"])
                                      for c in node.get("inner", [])
                                      if c["kind"] == "FieldDecl"]
        self.macros = set()
        for line in run([cc, "-dM", "-E", "-I", incdir, "-x", "c",
                         self.path]).splitlines():
            parts = line.split(None, 2)
            # Object-like macros only: a function-like one has "(" in its name.
            if len(parts) >= 3 and parts[1].startswith("KALLOC_") and \
               "(" not in parts[1]:
                self.macros.add(parts[1])

    def comment_type(self, offset):
        """The first word of the comment on the line of offset, if any."""
        end = self.text.find(b"\n", offset)
        line = self.text[offset:end].decode()
        start = line.find("/*")
        if start < 0:
            return None
        words = line[start + 2:].replace(",", " ").replace(":", " ").split()
        return words[0] if words else None


def values_of(names, structs, incdir, cc):
    """Compiles a program that prints every name's value and every struct
    member's offset and size; returns {name: value}, {struct: layout}."""
    prog = ["#include <stddef.h>", "#include <stdio.h>"]
    prog += [f"#include <{h}>" for h in HEADERS]
    prog += ["static void num(const char *n, unsigned long long v)",
             "{ printf(\"%s %llu\\n\", n, v); }",
             "static void str(const char *n, const char *v)",
             "{ printf(\"%s \\\"%s\\n\", n, v); }",
             "#define P(x) _Generic((x), char *: str, const char *: str,"
             " default: num)(#x, x)",
             "int main(void)", "{"]
    for n in sorted(names):
        prog.append(f"\tP({n});")
    for s, members in sorted(structs.items()):
        prog.append(f"\tprintf(\"struct {s} %zu\\n\", sizeof(struct {s}));")
        for m in members:
            prog.append(f"\tprintf(\"member {s}.{m} %zu %zu\\n\", "
                        f"offsetof(struct {s}, {m}), "
                        f"sizeof(((struct {s} *)0)->{m}));")
    prog += ["\treturn 0;", "}"]
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "values.c")
        exe = os.path.join(tmp, "values")
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(prog) + "\n")
        run([cc, "-std=c11", "-Wall", "-Werror", "-I", incdir, "-o", exe, src])
        out = run([exe])
    values, layouts = {}, {}
    for line in out.splitlines():
        kind, rest = line.split(" ", 1)
        if kind == "struct":
            name, size = rest.split()
            layouts.setdefault(name, {})["sizeof"] = int(size)
        elif kind == "member":
            ref, off, size = rest.split()
            s, m = ref.split(".")
            layouts.setdefault(s, {})[m] = (int(off), int(size))
        else:
            name, v = kind, rest
            values[name] = v[1:] if v.startswith('"') else int(v)
    return values, layouts


# ---- the comparison ---------------------------------------------------------

def not_family(name):
    return name in NOT_FAMILY_NAMES or name.startswith(NOT_FAMILY_PREFIXES) \
        or name.endswith(NOT_FAMILY_SUFFIXES)


def compare(spec, headers, incdir, cc):
    enums = {}
    structs = {}
    macros = set()
    where = {}
    for h in headers:
        for e, consts in h.enums.items():
            enums[e] = (h, consts)
        structs.update(h.structs)
        macros |= h.macros
    constants = {c for _, consts in enums.values() for c, _ in consts}

    # The spec's structs and their C twins (perf-record -> kalloc_perf_record).
    spec_structs = {}
    for d in spec.defs.values():
        if d["type"] == "struct":
            spec_structs[f"{spec.family}_{d['name'].replace('-', '_')}"] = d
    members = {s: [m["name"].replace("-", "_") for m in d["members"]]
               for s, d in spec_structs.items() if s in structs}

    names = set(spec.expected) | set(spec.optional) | constants | \
        {m for m in macros if not not_family(m)}
    present = constants | macros
    values, layouts = values_of(names & present, members, incdir, cc)

    # Spec -> header: every name it renders, with its value.
    for name, want in sorted(spec.expected.items()):
        if name not in present:
            err(f"{name}: in the spec ({want}), not in the headers")
        elif values[name] != want:
            err(f"{name}: the spec says {want!r}, the header {values[name]!r}")
    for name, want in sorted(spec.optional.items()):
        if name in present and values[name] != want:
            err(f"{name}: the header says {values[name]!r}, the spec's flags "
                f"make the mask {want!r}")

    # Header -> spec: every enum and macro of the family is described.
    for name in sorted(present):
        if name in spec.expected or name in spec.optional or not_family(name):
            continue
        where = "enum constant" if name in constants else "macro"
        err(f"{name}: {where} in the headers, not in the spec")
    for e, (h, consts) in sorted(enums.items()):
        got = [c for c, _ in consts]
        if e not in spec.c_enums:
            err(f"enum {e} ({h.rel}): no definition, attribute set or "
                "operations of the spec has this enum-name")
        elif got != spec.c_enums[e]:
            err(f"enum {e}: the header has {got}, the spec renders "
                f"{spec.c_enums[e]}")
    for e in sorted(set(spec.c_enums) - set(enums)):
        err(f"enum {e}: in the spec, not in the headers")

    # Attribute types: the header documents each in a comment.
    for s in spec.sets.values():
        e = s["yaml"].get("enum-name")
        if e not in enums:
            continue
        h, consts = enums[e]
        offsets = dict(consts)
        for a in s["attrs"].values():
            if a["_c"] not in offsets or a["type"] == "pad":
                continue
            word = h.comment_type(offsets[a["_c"]])
            if word not in COMMENT_TYPES:
                err(f"{a['_c']}: the header gives no type in a comment "
                    f"(the spec says {a['type']})")
            elif a["type"] not in COMMENT_TYPES[word]:
                err(f"{a['_c']}: the header says {word}, the spec {a['type']}")

    # Structs: the same members, in order, at the offsets natural alignment
    # gives, with the sizes of their types.
    for s, d in sorted(spec_structs.items()):
        if s not in structs:
            err(f"struct {s}: in the spec, not in the headers")
            continue
        got = [f for f, _ in structs[s]]
        if got != members[s]:
            err(f"struct {s}: the header has members {got}, the spec {members[s]}")
            continue
        off = 0
        for m, (_, ctype) in zip(d["members"], structs[s]):
            size = SCALAR_BYTES[m["type"]]
            off = (off + size - 1) // size * size
            c = m["name"].replace("-", "_")
            if ctype != f"__{m['type']}":
                err(f"struct {s}.{c}: the header says {ctype}, the spec {m['type']}")
            if layouts[s][c] != (off, size):
                err(f"struct {s}.{c}: at {layouts[s][c]} (offset, size), "
                    f"the spec implies {(off, size)}")
            off += size
        if layouts[s]["sizeof"] != off:
            err(f"struct {s}: {layouts[s]['sizeof']} bytes, the spec implies {off}")
    return len(spec.expected), len(constants), len(macros)


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default=os.path.join(top, "spec", "kalloc.yaml"))
    ap.add_argument("--include", default=os.path.join(top, "include", "uapi"))
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--clang", default="clang")
    args = ap.parse_args()

    spec = Spec(args.spec)
    headers = [Header(h, args.include, args.clang, args.cc) for h in HEADERS]
    n_spec, n_consts, n_macros = compare(spec, headers, args.include, args.cc)
    for e in errors:
        print(f"check-header: {e}")
    if errors:
        print(f"check-header: {len(errors)} disagreement(s) between "
              f"{os.path.relpath(args.spec)} and the headers")
        return 1
    print(f"check-header: {os.path.relpath(args.spec)} agrees with "
          f"{' '.join(HEADERS)}: {n_spec} names, {n_consts} enum constants, "
          f"{n_macros} macros, {len(spec.ops)} operations, "
          f"{len(spec.sets)} attribute sets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
