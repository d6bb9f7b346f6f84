// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * policy.c - "kallocctl policy": show the allocator policies and which
 * one is active, and switch it, moving buffers on request.
 *
 *   kallocctl policy [show [P]]
 *   kallocctl policy set P [migrate [from Q]]
 *
 * Policies are named as in include/kalloc/policy.h; a number is passed
 * through, so that the kernel refuses the ones it does not know with its
 * own message.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_print.h"
#include "policy.h"

enum { COL_ID, COL_POLICY, COL_ACTIVE, COL_BUFFERS, COL_ARENA, COL_LIMIT,
       NCOLS };

static void fit_row(struct ctl_col *c, const struct kalloc_policy_info *p)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu32, p->id);
	ctl_col_fit(&c[COL_ID], buf);
	ctl_col_fit(&c[COL_POLICY], p->name);
	snprintf(buf, sizeof(buf), "%" PRIu32, p->buffers);
	ctl_col_fit(&c[COL_BUFFERS], buf);
	ctl_col_fit(&c[COL_ARENA], size_text(p->arena_bytes, buf,
						      sizeof(buf)));
}

/* The active one is marked "*" in text, "active": true in JSON. */
static void print_policy(const struct kalloc_policy_info *p,
			 const struct ctl_col *c)
{
	char fmt[16];

	open_json_object(NULL);
	print_uint(PRINT_ANY, "policy_id",
		   ctl_col_fmt(&c[COL_ID], "u", false, fmt, sizeof(fmt)), p->id);
	print_string(PRINT_ANY, "policy",
		     ctl_col_fmt(&c[COL_POLICY], "s", false, fmt, sizeof(fmt)),
		     p->name);
	print_bool(PRINT_JSON, "active", NULL, p->active);
	print_string(PRINT_FP, NULL,
		     ctl_col_fmt(&c[COL_ACTIVE], "s", false, fmt, sizeof(fmt)),
		     p->active ? "*" : "-");
	print_uint(PRINT_ANY, "buffers",
		   ctl_col_fmt(&c[COL_BUFFERS], "u", false, fmt, sizeof(fmt)),
		   p->buffers);
	print_u64(PRINT_JSON, "arena_bytes", NULL, p->arena_bytes);
	print_size(PRINT_FP, NULL,
		   ctl_col_fmt(&c[COL_ARENA], "s", false, fmt, sizeof(fmt)),
		   p->arena_bytes);
	print_u64(PRINT_JSON, "arena_limit", NULL, p->arena_limit);
	if (p->arena_limit)
		print_size(PRINT_FP, NULL, "%s", p->arena_limit);
	else
		print_string(PRINT_FP, NULL, "%s", "-");
	close_json_object();
	print_nl();
}

static void print_policies(const struct kalloc_policy_info *v, size_t n)
{
	struct ctl_col c[NCOLS] = {
		{ .head = "ID" }, { .head = "POLICY" }, { .head = "ACTIVE" },
		{ .head = "BUFFERS" }, { .head = "ARENA" },
		{ .head = "LIMIT" },
	};
	size_t i;

	ctl_cols_init(c, NCOLS);
	for (i = 0; i < n; i++)
		fit_row(c, &v[i]);
	ctl_cols_header(c, NCOLS);
	open_json_array(NULL);
	for (i = 0; i < n; i++)
		print_policy(&v[i], c);
	close_json_array();
}

/* Every policy (a dump), or the one named (a do). */
static int get_policies(struct kalloc_nl *nl, const uint32_t *id,
			struct kalloc_policy_info **v, size_t *n,
			struct kalloc_err *err)
{
	if (!id)
		return kalloc_policy_list(nl, v, n, err);
	*v = malloc(sizeof(**v));
	if (!*v)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	*n = 1;
	return kalloc_policy_get(nl, id, *v, err);
}

static int do_show(int argc, char **argv)
{
	struct kalloc_policy_info *v = NULL;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	uint32_t id;
	size_t n = 0;
	int ret;

	if (argc > 2)
		return ctl_usage(CTL_POLICY_SHOW_ARGS);
	if (argc == 2 && ctl_parse_policy(argv[1], &id))
		return EXIT_USAGE;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = get_policies(nl, argc == 2 ? &id : NULL, &v, &n, &err);
	ctl_close(nl);
	if (!ret)
		print_policies(v, n);
	free(v);
	return ret ? ctl_failed(&err) : EXIT_OK;
}

int ctl_policy_set_parse(int argc, char **argv, struct ctl_policy_set_args *a)
{
	memset(a, 0, sizeof(*a));
	if (argc < 2 || argc > 5)
		return ctl_usage(CTL_POLICY_SET_ARGS);
	if (argc >= 3 && strcmp(argv[2], "migrate"))
		return ctl_usage_because(CTL_POLICY_SET_ARGS,
					 "unknown argument \"%s\"", argv[2]);
	if (argc >= 4 && strcmp(argv[3], "from"))
		return ctl_usage_because(CTL_POLICY_SET_ARGS,
					 "unknown argument \"%s\"", argv[3]);
	if (argc == 4)
		return ctl_usage_because(CTL_POLICY_SET_ARGS,
					 "\"from\" needs a value");
	if (ctl_parse_policy(argv[1], &a->id))
		return EXIT_USAGE;
	a->migrate = argc >= 3;
	a->has_from = argc == 5;
	if (a->has_from && ctl_parse_policy(argv[4], &a->from))
		return EXIT_USAGE;
	return EXIT_OK;
}

static const char *name_of(uint32_t id, char *buf, size_t len)
{
	const char *name = kalloc_policy_name_of(id);

	if (name)
		return name;
	snprintf(buf, len, "%" PRIu32, id);
	return buf;
}

/* "kmalloc -> slab, migrated 3 buffers, 1 unmoved" or "no change: ...". */
static void print_change(const struct kalloc_policy_change *c, bool migrate)
{
	char buf[16];

	open_json_object(NULL);
	print_string(PRINT_JSON, "policy", NULL, c->active.name);
	print_uint(PRINT_JSON, "policy_id", NULL, c->active.id);
	print_string(PRINT_JSON, "previous", NULL,
		     name_of(c->previous, buf, sizeof(buf)));
	print_uint(PRINT_JSON, "previous_id", NULL, c->previous);
	print_bool(PRINT_JSON, "changed", NULL, c->changed);
	print_uint(PRINT_JSON, "migrated", NULL, c->migrated);
	print_uint(PRINT_JSON, "unmoved", NULL, c->unmoved);
	if (!c->changed) {
		print_string(PRINT_FP, NULL, "no change: %s is active",
			     c->active.name);
		print_string(PRINT_FP, NULL, "%s",
			     migrate ? " and there was nothing to move" : "");
	} else {
		print_string(PRINT_FP, NULL, "active policy: %s",
			     name_of(c->previous, buf, sizeof(buf)));
		print_string(PRINT_FP, NULL, " -> %s", c->active.name);
	}
	if (c->changed && migrate) {
		print_uint(PRINT_FP, NULL, ", migrated %u", c->migrated);
		print_uint(PRINT_FP, NULL, ", %u unmoved", c->unmoved);
	}
	close_json_object();
	print_nl();
}

static int do_set(int argc, char **argv)
{
	struct ctl_policy_set_args a;
	struct kalloc_policy_change c;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	ret = ctl_policy_set_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_policy_set(nl, a.id, a.migrate, a.has_from ? a.from : 0,
				&c, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	print_change(&c, a.migrate);
	return EXIT_OK;
}

static int do_help(int argc, char **argv)
{
	(void)argv;
	return ctl_help_verb(&ctl_policy, argc);
}

static const struct ctl_verb verbs[] = {
	{ "show", do_show, CTL_POLICY_SHOW_ARGS,
	  "list the policies (or P) and mark the active one" },
	{ "set", do_set, CTL_POLICY_SET_ARGS,
	  "make P active; migrate: move buffers (of Q) to it" },
	{ "help", do_help, "", "show this help" },
};

const struct ctl_object ctl_policy = {
	.name = "policy",
	.description = "Allocator policies: which one serves new buffers",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.default_verb = "show",
	.default_takes_args = true,
	.notes =
		"P and Q are policy names (kmalloc, buddy, slab, first-fit, best-fit,\n"
		"tlsf) or numbers. Without migrate, only new buffers go to P; with it,\n"
		"every buffer of another policy (or of Q) moves too, and those that\n"
		"cannot move stay and are counted as unmoved.\n",
};
