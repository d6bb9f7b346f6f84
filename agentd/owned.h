/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * owned.h - the names of the buffers kallocd created or adopted, i.e.
 * may delete, and their state file (owned.c).
 */
#ifndef KALLOCD_OWNED_H
#define KALLOCD_OWNED_H

#include <stddef.h>

struct kd_owned {
	char **names;
	size_t n;
};

void kd_owned_clear(struct kd_owned *o);
/* A missing file is an empty set. */
int kd_owned_load(struct kd_owned *o, const char *path);
/* Replaces the file atomically. */
int kd_owned_save(const struct kd_owned *o, const char *path);

#endif /* KALLOCD_OWNED_H */
