/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ka_registry.h - the one list of allocator policies.
 *
 * KA_REG(sym, ID, name) says that the policy's ops table is ka_<sym>_ops,
 * that the uapi numbers it KALLOC_POLICY_<ID> (include/uapi/linux/kalloc.h)
 * and that users read and type it as name: in kallocctl, in plan files
 * and in benchmark tables. ops->name is the same string (the model tests
 * check it). Everything that lists policies expands this file: the
 * extern declarations in ka_policy.h, kalloc.ko's policy table, the
 * userspace name table in lib/, the model tests, the fuzzer and the
 * benchmark. Adding a policy is a file alloc/ka_<sym>.c and one line here.
 *
 * No include guard: a user defines KA_REG, includes this file, and
 * undefines KA_REG again, as often as it needs.
 */
KA_REG(buddy, BUDDY, "buddy")
KA_REG(slab, SLAB, "slab")
KA_REG(firstfit, FIRST_FIT, "first-fit")
KA_REG(bestfit, BEST_FIT, "best-fit")
KA_REG(tlsf, TLSF, "tlsf")
