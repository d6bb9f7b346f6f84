// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz_plan.c - libFuzzer over the plan front end: lexer, parser, every
 * semantic pass, the error list with its source lines and carets, and the
 * diff of a plan that loads against an empty kernel and against one that
 * holds its buffers already.
 *
 * The input is up to FILES_MAX plan files separated by a form feed line
 * ("\f\n"), so that the passes that look across files (duplicates,
 * settings) are explored too. "from" files are not looked at (the
 * fuzzer must not read the filesystem) and no budget is known.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "plan.h"

#define FILES_MAX	4

static void exercise_diff(const struct kalloc_plan *plan)
{
	struct kalloc_diff_opts o = { .settings = true };
	struct kalloc_buffer_info *bufs;
	struct kalloc_world w = { .active_policy = 1, .stats_interval_ms = 1000 };
	struct kalloc_changes c;
	char line[512];
	size_t i, n = 0;

	bufs = calloc(plan->nstmts + 1, sizeof(*bufs));
	if (!bufs)
		return;
	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_BUFFER)
			continue;
		snprintf(bufs[n].name, sizeof(bufs[n].name), "%s",
			 plan->stmts[i].u.buffer.name.text);
		snprintf(bufs[n].owner, sizeof(bufs[n].owner), "%s",
			 n % 3 ? "kallocd" : "user");
		bufs[n].size = n % 2 ? 4096 : plan->stmts[i].u.buffer.bytes;
		bufs[n].policy = 1 + n % 6;
		n++;
	}
	for (i = 0; i < 2; i++) {
		w.bufs = bufs;
		w.nbufs = i ? n : 0;
		if (kalloc_plan_diff(plan, &w, &o, &c))
			break;
		for (size_t j = 0; j < c.n; j++)
			kalloc_change_str(&c.v[j], line, sizeof(line));
		kalloc_changes_free(&c);
	}
	free(bufs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[FILES_MAX] = {
		"/etc/kalloc/plan.d/00-a.plan", "/etc/kalloc/plan.d/10-b.plan",
		"/etc/kalloc/plan.d/20-c.plan", "/etc/kalloc/plan.d/30-d.plan",
	};
	struct kalloc_plan_env env = { .check_from = false };
	const char *texts[FILES_MAX], *p = (const char *)data, *end = p + size;
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	size_t lens[FILES_MAX], n = 0;
	const char *sep;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	while (n < FILES_MAX) {
		sep = n + 1 < FILES_MAX ? memmem(p, end - p, "\f\n", 2) : NULL;
		texts[n] = p;
		lens[n] = (sep ? sep : end) - p;
		n++;
		if (!sep)
			break;
		p = sep + 2;
	}
	kalloc_plan_load_mem(names, texts, lens, n, &env, &plan, &errs);
	f = open_memstream(&out, &outlen);
	if (f) {
		kalloc_plan_errors_print(f, errs);
		fclose(f);
		free(out);
	}
	if (plan)
		exercise_diff(plan);
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);
	return 0;
}
