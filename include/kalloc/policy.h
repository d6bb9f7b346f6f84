/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Policy numbers and names, shared by kalloc.ko and libkalloc.
 *
 * The numbers are the uapi's enum kalloc_policy; the names are those of
 * alloc/ka_registry.h, the one list of kalloc's own policies, plus the
 * baseline "kmalloc", which is the kernel's allocator and not a file in
 * alloc/. Include the uapi header and have alloc/ on the include path.
 */
#ifndef KALLOC_POLICY_H
#define KALLOC_POLICY_H

#define KALLOC_POLICY_KMALLOC_NAME	"kmalloc"

/* The name of policy id, or NULL for a number that names no policy. */
static inline const char *kalloc_policy_name(unsigned int id)
{
	static const char *const names[KALLOC_POLICY_MAX + 1] = {
		[KALLOC_POLICY_KMALLOC] = KALLOC_POLICY_KMALLOC_NAME,
		/* No space before '[': checkpatch would read a subscript. */
#define KA_REG(sym, id, name)[KALLOC_POLICY_##id] = name,
#include "ka_registry.h"
#undef KA_REG
	};

	return id <= KALLOC_POLICY_MAX ? names[id] : (const char *)0;
}

#endif /* KALLOC_POLICY_H */
