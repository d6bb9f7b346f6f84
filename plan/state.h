/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * state.h - what kallocd tells "kallocctl plan status": a state file,
 * KALLOC_STATE_FILE, that the daemon rewrites atomically (a temporary
 * file, then rename(2)) after every reconcile, every rule evaluation that
 * changed a rule's phase, and every firing. Readers never see half a
 * file and need no socket, no privilege and no running daemon (a stale
 * file says which pid wrote it, and when). The file is a cache for
 * people: kallocd itself never reads it back, and ownership is always
 * the kernel's owner tags.
 *
 * Format, one record per line, words separated by one space:
 *
 *   kallocd-state 1
 *   pid PID
 *   updated UNIX_SECONDS
 *   family present|absent
 *   counter NAME VALUE            (reconciles, drift_repairs, ...)
 *   last_reconcile UNIX_SECONDS RESULT
 *   status TEXT...                (the rest of the line)
 *   rule NAME PHASE SINCE UNTIL FIRED_AT FIRED VALUE|-
 *
 * Times are Unix seconds (0: never); a rule's SINCE is when it became
 * pending, UNTIL when its cooldown ends, FIRED_AT its last firing.
 */
#ifndef KALLOC_PLAN_STATE_H
#define KALLOC_PLAN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kalloc.h"

#define KALLOC_STATE_FILE	"/run/kalloc/kallocd.state"
#define KALLOC_STATE_COUNTERS	8

struct kalloc_state_rule {
	char name[KALLOC_NAME_MAX];
	char phase[16];			/* idle, pending, cooling */
	int64_t since, until, fired_at;	/* Unix seconds, 0: none */
	uint64_t fired;
	bool have_value;
	int64_t value;			/* in the metric's unit */
};

struct kalloc_state {
	long pid;
	int64_t updated;
	bool family;
	size_t ncounters;
	struct { char name[32]; uint64_t value; } counters[KALLOC_STATE_COUNTERS];
	int64_t last_reconcile;
	char last_result[32];
	char status[512];
	size_t nrules;
	struct kalloc_state_rule *rules;
};

/* Writes s to path atomically: 0 or a negative errno. */
int kalloc_state_write(const char *path, const struct kalloc_state *s);
/* Reads path into s (kalloc_state_free() it): 0, -ENOENT, -EINVAL. */
int kalloc_state_read(const char *path, struct kalloc_state *s);
void kalloc_state_free(struct kalloc_state *s);

#endif /* KALLOC_PLAN_STATE_H */
