#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""
ynl-live.py SPEC: the live "kalloc" family against its YNL spec.

Asks the generic netlink controller, over a raw socket (no libnl, no
libkalloc), for the family (CTRL_CMD_GETFAMILY: version, ops and their
flags, multicast groups) and for every op's policy (CTRL_CMD_GETPOLICY
dump), and compares them with spec/kalloc.yaml:

  - the same commands, each with do and dump exactly where the spec has
    them, GENL_ADMIN_PERM exactly where it says admin-perm, and a policy;
    a notification-only op (event) is no command at all;
  - each op's policy accepts exactly the attributes of its do request, of
    the types the spec gives (string: NUL_STRING), with the spec's ranges
    (min/max, or the full range of the type), lengths (min-len, max-len)
    and flag masks; a dump is validated with the do policy in Linux 6.1
    (no split ops), so its policy index must be the do policy's, and the
    spec's dump request must be inside it;
  - the same multicast groups.

Prints what it compared; exits 0 if everything agrees, 1 with one line
per disagreement otherwise, 2 if the controller cannot be asked.
"""

import os
import socket
import struct
import sys

import yaml

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY = 3, 10
(CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_VERSION,
 CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR, CTRL_ATTR_OPS, CTRL_ATTR_MCAST_GROUPS,
 CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY) = range(1, 10)
CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS = 1, 2
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NETLINK_ADD_MEMBERSHIP = 1
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP = 0x1, 0x2, 0x4
GENL_CMD_CAP_HASPOL, GENL_UNS_ADMIN_PERM = 0x8, 0x10

# enum netlink_policy_type_attr
POLICY_ATTRS = {1: "type", 2: "min_s", 3: "max_s", 4: "min", 5: "max",
                6: "min-len", 7: "max-len", 8: "policy-idx",
                9: "policy-maxtype", 10: "bitfield32-mask", 12: "mask"}
# enum netlink_attribute_type, as the spec's types
NL_ATTR_TYPES = {1: "flag", 2: "u8", 3: "u16", 4: "u32", 5: "u64",
                 6: "s8", 7: "s16", 8: "s32", 9: "s64", 10: "binary",
                 11: "unterminated-string", 12: "string", 13: "nest",
                 14: "nest-array", 15: "bitfield32"}
TYPE_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff,
            "u64": 0xffffffffffffffff}

errors = []

KEY_ORDER = ("type", "min", "max", "min-len", "max-len", "mask")


def fmt(desc):
    """A policy entry as "u32 min 1 max 6", keys in a fixed order."""
    keys = sorted(desc, key=lambda k: (KEY_ORDER.index(k) if k in KEY_ORDER
                                       else len(KEY_ORDER), str(k)))
    return " ".join(str(desc[k]) if k == "type" else f"{k} {desc[k]}"
                    for k in keys)


def err(msg):
    errors.append(msg)


# ---- netlink --------------------------------------------------------------

def attrs(data):
    """{type: payload} of a run of attributes (the last one of a type wins)
    and the list of (type, payload) in order."""
    out, seq, off = {}, [], 0
    while off + 4 <= len(data):
        length, atype = struct.unpack_from("=HH", data, off)
        if length < 4:
            break
        payload = data[off + 4:off + length]
        atype &= 0x3fff          # NLA_F_NESTED, NLA_F_NET_BYTEORDER
        out[atype] = payload
        seq.append((atype, payload))
        off += (length + 3) & ~3
    return out, seq


def attr(atype, payload):
    return struct.pack("=HH", 4 + len(payload), atype) + payload + \
        b"\0" * (-len(payload) % 4)


def u(payload):
    return int.from_bytes(payload, sys.byteorder)


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, cmd, payload, flags):
        """The genetlink payloads of every reply message, in order, up to
        the ACK of a do (NLM_F_ACK) or the NLMSG_DONE of a dump."""
        self.seq += 1
        if not flags & NLM_F_DUMP:
            flags |= NLM_F_ACK
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        self.sock.send(struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL,
                                   NLM_F_REQUEST | flags, self.seq, 0) + body)
        msgs = []
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                length, mtype, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                msg = data[off + 16:off + length]
                off += (length + 3) & ~3
                if seq != self.seq:
                    continue
                if mtype == NLMSG_ERROR:
                    code = struct.unpack_from("=i", msg)[0]
                    if code:
                        raise OSError(-code, os.strerror(-code))
                    return msgs
                if mtype == NLMSG_DONE:
                    return msgs
                msgs.append(msg[4:])      # past the genlmsghdr


def live_family(name):
    g = Genl()
    fam, _ = attrs(g.request(CTRL_CMD_GETFAMILY,
                             attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"),
                             0)[0])
    family_id = u(fam[CTRL_ATTR_FAMILY_ID])
    ops = {}
    for _, op in attrs(fam.get(CTRL_ATTR_OPS, b""))[1]:
        o, _ = attrs(op)
        ops[u(o[CTRL_ATTR_OP_ID])] = u(o[CTRL_ATTR_OP_FLAGS])
    groups = {}
    for _, grp in attrs(fam.get(CTRL_ATTR_MCAST_GROUPS, b""))[1]:
        gr, _ = attrs(grp)
        groups[gr[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()] = \
            u(gr[CTRL_ATTR_MCAST_GRP_ID])

    op_policy = {}       # cmd -> {"do": idx, "dump": idx}
    policies = {}        # idx -> {attr type: {field: value}}
    for msg in g.request(CTRL_CMD_GETPOLICY,
                         attr(CTRL_ATTR_FAMILY_ID,
                              struct.pack("=H", family_id)),
                         NLM_F_DUMP):
        top, _ = attrs(msg)
        if CTRL_ATTR_OP_POLICY in top:
            for cmd, nest in attrs(top[CTRL_ATTR_OP_POLICY])[1]:
                p, _ = attrs(nest)
                op_policy[cmd] = {k: u(p[v]) for k, v in
                                  (("do", CTRL_ATTR_POLICY_DO),
                                   ("dump", CTRL_ATTR_POLICY_DUMP)) if v in p}
        if CTRL_ATTR_POLICY in top:
            for idx, nest in attrs(top[CTRL_ATTR_POLICY])[1]:
                pol = policies.setdefault(idx, {})
                for atype, desc in attrs(nest)[1]:
                    d, _ = attrs(desc)
                    pol[atype] = {POLICY_ATTRS.get(k, k): u(v)
                                  for k, v in d.items()}
    return {"version": u(fam[CTRL_ATTR_VERSION]), "ops": ops,
            "groups": groups, "op_policy": op_policy, "policies": policies}


# ---- the spec --------------------------------------------------------------

def limit(value):
    if isinstance(value, int):
        return value
    t, _, which = value.partition("-")
    return TYPE_MAX[t] if which == "max" else 0


def expected_policy(spec, a):
    """What GETPOLICY shows for attribute a, as 6.1 writes it (netlink/
    policy.c): ints a mask or a range, strings and binaries their lengths."""
    want = {"type": "string" if a["type"] == "string" else a["type"]}
    checks = a.get("checks", {})
    enum = next((d for d in spec.get("definitions", [])
                 if d["name"] == a.get("enum")), None)
    if a["type"] in TYPE_MAX:
        if enum is not None and enum["type"] == "flags" and not checks:
            start = enum.get("value-start", 0)
            want["mask"] = sum(1 << (start + i)
                               for i in range(len(enum["entries"])))
        else:
            lo, hi = 0, TYPE_MAX[a["type"]]
            if enum is not None and enum["type"] == "enum":
                # ynl-gen's rule: an enum bounds the range unless checks say.
                start = enum.get("value-start", 0)
                lo, hi = start, start + len(enum["entries"]) - 1
            want["min"] = limit(checks.get("min", lo))
            want["max"] = limit(checks.get("max", hi))
    elif a["type"] in ("string", "binary"):
        for k in ("min-len", "max-len"):
            if k in checks:
                want[k] = checks[k]
        # A length range beyond S16_MAX needs NLA_POLICY_FULL_RANGE (a range
        # pointer), which 6.1's policy dump leaves out for strings and
        # binaries (net/netlink/policy.c writes lengths only for
        # NLA_VALIDATE_RANGE): the kernel enforces it, GETPOLICY is silent.
        if "min-len" in want and max(want.get("min-len", 0),
                                     want.get("max-len", 0)) > 0x7fff:
            del want["min-len"]
            want.pop("max-len", None)
    return want


def compare_policy(spec, where, policy, attr_set, names):
    """One policy against the request attributes names; how many compared."""
    want = {attr_set[a]["_value"]: attr_set[a] for a in names}
    by_value = {a["_value"]: a for a in attr_set.values()}
    for t in sorted(set(policy) - set(want)):
        an = by_value[t]["name"] if t in by_value else f"type {t}"
        err(f"{where}: the kernel accepts {an}, the spec's request does not list it")
    for t in sorted(set(want) - set(policy)):
        err(f"{where}: the spec's request lists {want[t]['name']}, the kernel rejects it")
    for t in sorted(set(want) & set(policy)):
        got = dict(policy[t])
        got["type"] = NL_ATTR_TYPES.get(got["type"], got["type"])
        exp = expected_policy(spec, want[t])
        if got != exp:
            err(f"{where} {want[t]['name']}: the kernel's policy is "
                f"'{fmt(got)}', the spec's '{fmt(exp)}'")
    return len(set(want) & set(policy))


def compare(spec, live):
    sets = {}
    for s in spec["attribute-sets"]:
        value, by_name = 1, {}
        for a in s["attributes"]:
            value = a.get("value", value)
            by_name[a["name"]] = dict(a, _value=value)
            value += 1
        sets[s["name"]] = by_name

    if live["version"] != spec.get("version", 1):
        err(f"family version {live['version']}, the spec says {spec.get('version', 1)}")
    want_groups = {g["name"] for g in spec.get("mcast-groups", {}).get("list", [])}
    if set(live["groups"]) != want_groups:
        err(f"multicast groups {sorted(live['groups'])}, the spec has {sorted(want_groups)}")
    print(f"family: version {live['version']}, groups {sorted(live['groups'])}")

    value, seen, n_attrs = 1, set(), 0
    calls = set()
    for op in spec["operations"]["list"]:
        value = op.get("value", value)
        cmd, value = value, value + 1
        name = op["name"]
        call = "do" in op or "dump" in op
        if not call:
            if cmd in calls:
                # Sent with its request's number (note 1 of the spec).
                print(f"{cmd:3} {name:14} notification on '{op.get('mcgrp')}' "
                      "with its request's number")
            elif cmd in live["ops"]:
                err(f"{name} ({cmd}): a notification in the spec, a command of the family")
            else:
                print(f"{cmd:3} {name:14} notification only: not a command, as the spec says")
            continue
        calls.add(cmd)
        seen.add(cmd)
        flags = live["ops"].get(cmd)
        if flags is None:
            err(f"{name} ({cmd}): in the spec, not a command of the family")
            continue
        modes = {m for m, bit in (("do", GENL_CMD_CAP_DO),
                                  ("dump", GENL_CMD_CAP_DUMP)) if flags & bit}
        if modes != {m for m in ("do", "dump") if m in op}:
            err(f"{name} ({cmd}): the family has {sorted(modes)}, the spec "
                f"{sorted(m for m in ('do', 'dump') if m in op)}")
        admin = bool(flags & GENL_ADMIN_PERM)
        if admin != ("admin-perm" in op.get("flags", [])):
            err(f"{name} ({cmd}): GENL_ADMIN_PERM is {'set' if admin else 'clear'}, "
                f"the spec {'has' if not admin else 'lacks'} admin-perm")
        if bool(flags & GENL_UNS_ADMIN_PERM) != ("uns-admin-perm" in op.get("flags", [])):
            err(f"{name} ({cmd}): GENL_UNS_ADMIN_PERM disagrees with the spec")
        if not flags & GENL_CMD_CAP_HASPOL:
            err(f"{name} ({cmd}): the family gives it no policy")
            continue
        idx = live["op_policy"].get(cmd, {})
        if set(idx) != modes:
            err(f"{name} ({cmd}): policies for {sorted(idx)}, ops {sorted(modes)}")
        attr_set = sets[op["attribute-set"]]
        checked = {}
        for mode in ("do", "dump"):
            if mode not in idx or mode not in op:
                continue
            policy = live["policies"].get(idx[mode], {})
            attrs_ = op[mode].get("request", {}).get("attributes", [])
            if mode == "dump" and "do" in idx and idx["dump"] == idx["do"]:
                # 6.1 has no split ops: the dump is validated with the do
                # policy, and its handler refuses what a dump cannot take.
                for a in attrs_:
                    if attr_set[a]["_value"] not in policy:
                        err(f"{name} ({cmd}): dump request attribute {a} is rejected")
                continue
            n_attrs += compare_policy(spec, f"{name} ({cmd}) {mode}", policy,
                                      attr_set, attrs_)
            checked = policy if mode == "do" or not checked else checked
        by_value = {a["_value"]: a["name"] for a in attr_set.values()}
        shown = ", ".join(
            f"{by_value.get(t, t)}="
            + fmt(dict(d, type=NL_ATTR_TYPES.get(d["type"], d["type"])))
            for t, d in sorted(checked.items()))
        print(f"{cmd:3} {name:14} {'+'.join(sorted(modes)):8} "
              f"{'admin' if admin else 'open ':5} {{{shown}}}")
    for cmd in sorted(set(live["ops"]) - seen):
        err(f"command {cmd} of the family is not in the spec")
    return len(seen), n_attrs


def join_groups(spec, live):
    """Joins every group: one with admin-perm must refuse a caller without
    CAP_NET_ADMIN (EPERM), the others must let anyone in. Run it both as
    root and without capabilities; 6.1's controller does not report group
    flags, so this is how the spec's group flags are checked."""
    caps = 0
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("CapEff:"):
                caps = int(line.split()[1], 16)
    net_admin = bool(caps & (1 << 12))
    for g in spec.get("mcast-groups", {}).get("list", []):
        admin = "admin-perm" in g.get("flags", [])
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        try:
            sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                            live["groups"][g["name"]])
            got = "joined"
        except OSError as e:
            got = os.strerror(e.errno)
        finally:
            sock.close()
        want = "joined" if net_admin or not admin else os.strerror(1)
        print(f"group {g['name']:7} {'admin-perm' if admin else 'open':10} "
              f"CAP_NET_ADMIN {'yes' if net_admin else 'no '}: {got}")
        if got != want:
            err(f"group {g['name']}: joining {'with' if net_admin else 'without'} "
                f"CAP_NET_ADMIN: {got}, the spec means {want}")


def main():
    args = sys.argv[1:]
    groups = args[:1] == ["--join-groups"]
    if groups:
        args = args[1:]
    if len(args) != 1:
        print("usage: ynl-live.py [--join-groups] SPEC", file=sys.stderr)
        return 2
    sys.argv[1:] = args
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    try:
        live = live_family(spec["name"])
    except OSError as e:
        print(f"ynl-live: cannot ask the controller about '{spec['name']}': {e}",
              file=sys.stderr)
        return 2
    n_ops, n_attrs = compare(spec, live)
    if groups:
        join_groups(spec, live)
    for e in errors:
        print(f"ynl-live: {e}")
    if errors:
        print(f"ynl-live: {len(errors)} disagreement(s) between the family and {sys.argv[1]}")
        return 1
    print(f"ynl-live: the family agrees with {sys.argv[1]}: {n_ops} commands, "
          f"{n_attrs} policy attributes, {len(live['groups'])} groups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
