// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Names users type and read: buffer names and owner tags (one rule with
 * the kernel, include/kalloc/name.h), policy names (one list with the
 * kernel, include/kalloc/policy.h over alloc/ka_registry.h), benchmark
 * scenarios, deletion reasons and perf record types (the comments of
 * their uapi enums).
 *
 * The plan parser checks buffer names here to report a bad one at its
 * line and column before anything reaches the kernel; kallocctl does not,
 * so that the kernel's own validation is what a user of the CLI sees.
 * Policy and scenario names, on the other hand, are the CLI's to
 * translate: the kernel only knows numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kalloc.h"
#include "kalloc/name.h"
#include "kalloc/policy.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

_Static_assert(KALLOC_NAME_MAX == 32, "update the \"31 bytes\" message");
_Static_assert(KALLOC_OWNER_MAX == 16, "update the \"15 bytes\" message");

static int check(const char *s, unsigned int max, const char *what,
		 const char *too_long, const char **why)
{
	static _Thread_local char msg[96];
	const char *problem;
	int code = -EINVAL;

	if (!s) {
		s = "";
	} else if (strnlen(s, max) >= max) {
		problem = too_long;
		code = -ERANGE;
		goto fail;
	}
	problem = kalloc_name_problem(s, max);
	if (!problem) {
		if (why)
			*why = NULL;
		return 0;
	}
fail:
	/* The answer is read before this thread's next check. */
	snprintf(msg, sizeof(msg), "%s %s", what, problem);
	if (why)
		*why = msg;
	return code;
}

int kalloc_check_name(const char *name, const char **why)
{
	return check(name, KALLOC_NAME_MAX, "name", "is longer than 31 bytes",
		     why);
}

int kalloc_check_owner(const char *owner, const char **why)
{
	return check(owner, KALLOC_OWNER_MAX, "owner tag",
		     "is longer than 15 bytes", why);
}

/* ---- numbered names --------------------------------------------------- */

/* A uapi enum's names: the name of a number (NULL for none), up to max. */
struct name_table {
	const char *(*name)(uint32_t id);
	uint32_t max;
};

static uint32_t table_lookup(const struct name_table *t, const char *s)
{
	const char *name;
	uint32_t id;

	for (id = 1; id <= t->max; id++) {
		name = t->name(id);
		if (name && !strcmp(name, s))
			return id;
	}
	return 0;
}

/* A name, or a decimal number passed through for the kernel to judge. */
static int table_parse(const struct name_table *t, const char *s,
		       uint32_t *id)
{
	uint64_t v;
	int ret;

	if (s[0] >= '0' && s[0] <= '9') {
		ret = kalloc_parse_uint(s, UINT32_MAX, &v);
		if (!ret)
			*id = (uint32_t)v;
		return ret;
	}
	*id = table_lookup(t, s);
	return *id ? 0 : -EINVAL;
}

/* "a, b or c" */
static const char *table_list(const struct name_table *t, char *buf,
			      size_t len)
{
	uint32_t id, last = 0;
	size_t off = 0;

	for (id = 1; id <= t->max; id++)
		last = t->name(id) ? id : last;
	buf[0] = '\0';
	for (id = 1; id <= t->max && off < len; id++) {
		if (!t->name(id))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? (id == last ? " or " : ", ") : "",
					t->name(id));
	}
	return buf;
}

/* The one list the kernel uses too (include/kalloc/policy.h). */
static const char *policy_name(uint32_t id)
{
	return kalloc_policy_name(id);
}

static const struct name_table policies = { policy_name, KALLOC_POLICY_MAX };

const char *kalloc_policy_name_of(uint32_t id)
{
	return kalloc_policy_name(id);
}

uint32_t kalloc_policy_by_name(const char *name)
{
	return table_lookup(&policies, name);
}

int kalloc_policy_parse(const char *s, uint32_t *id)
{
	return table_parse(&policies, s, id);
}

const char *kalloc_policy_names(char *buf, size_t len)
{
	return table_list(&policies, buf, len);
}

/* The names in the comments of enum kalloc_bench_scenario. */
static const char *scenario_name(uint32_t id)
{
	static const char *const names[KALLOC_BENCH_MAX + 1] = {
		[KALLOC_BENCH_UNIFORM]		= "uniform",
		[KALLOC_BENCH_KERNEL]		= "kernel",
		[KALLOC_BENCH_PHASE]		= "phase",
		[KALLOC_BENCH_FRAGSTRESS]	= "fragstress",
		[KALLOC_BENCH_PAGES]		= "pages",
	};

	return id < ARRAY_SIZE(names) ? names[id] : NULL;
}

static const struct name_table scenarios = { scenario_name, KALLOC_BENCH_MAX };

const char *kalloc_bench_scenario_name(uint32_t id)
{
	return scenario_name(id);
}

int kalloc_bench_scenario_parse(const char *s, uint32_t *id)
{
	return table_parse(&scenarios, s, id);
}

const char *kalloc_bench_scenario_names(char *buf, size_t len)
{
	return table_list(&scenarios, buf, len);
}

const char *kalloc_del_reason_name(uint32_t reason)
{
	static const char *const names[KALLOC_DEL_MAX + 1] = {
		[KALLOC_DEL_REQUEST]	= "request",
		[KALLOC_DEL_FLUSH]	= "flush",
		[KALLOC_DEL_SOCKET]	= "socket",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : NULL;
}

const char *kalloc_perf_type_name(uint32_t type)
{
	static const char *const names[KALLOC_PERF_MAX + 1] = {
		[KALLOC_PERF_ALLOC]		= "alloc",
		[KALLOC_PERF_FREE]		= "free",
		[KALLOC_PERF_FAIL]		= "fail",
		[KALLOC_PERF_MIGRATE]		= "migrate",
		[KALLOC_PERF_CANARY]		= "canary",
		[KALLOC_PERF_BENCH_ALLOC]	= "bench_alloc",
		[KALLOC_PERF_BENCH_FREE]	= "bench_free",
		[KALLOC_PERF_DMA]		= "dma",
		[KALLOC_PERF_IRQ]		= "irq",
	};

	return type < ARRAY_SIZE(names) ? names[type] : NULL;
}
