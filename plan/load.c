// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * load.c - one load of a plan: its sources, the struct loader, and the
 * end of a load.
 *
 * Every file of a load is lexed and parsed into the same AST, then the
 * semantic passes run once over all of it. A load with any error returns
 * no plan: kallocd relies on this to keep its previous state whole when
 * a reload finds a broken file. The texts stay with the load until its
 * end, so that errors found by the passes can quote their source line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_priv.h"

void kalloc_plan_free(struct kalloc_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->nstmts; i++)
		plan_free_stmt(&plan->stmts[i]);
	for (i = 0; i < plan->nfiles; i++)
		free(plan->files[i]);
	free(plan->stmts);
	free(plan->files);
	free(plan);
}

static int loader_init(struct loader *ld, const struct kalloc_plan_env *env)
{
	memset(ld, 0, sizeof(*ld));
	ld->env.check_from = true;
	if (env)
		ld->env = *env;
	ld->plan = calloc(1, sizeof(*ld->plan));
	ld->errs = calloc(1, sizeof(*ld->errs));
	if (!ld->plan || !ld->errs) {
		free(ld->plan);
		free(ld->errs);
		return -ENOMEM;
	}
	return 0;
}

/* Records a file name; locations and errors point at this copy. */
static const char *add_file(struct loader *ld, const char *name)
{
	struct kalloc_plan *plan = ld->plan;
	struct source *src;
	char **files;
	size_t cap;

	if (plan->nfiles == ld->file_cap) {
		cap = ld->file_cap ? ld->file_cap * 2 : 8;
		files = realloc(plan->files, cap * sizeof(*files));
		if (files)
			plan->files = files;
		src = realloc(ld->src, cap * sizeof(*src));
		if (src)
			ld->src = src;
		if (!files || !src)
			goto oom;
		ld->file_cap = cap;
	}
	plan->files[plan->nfiles] = strdup(name);
	if (!plan->files[plan->nfiles])
		goto oom;
	ld->src[plan->nfiles] = (struct source){ .file = plan->files[plan->nfiles] };
	ld->nsrc = ++plan->nfiles;
	return plan->files[plan->nfiles - 1];
oom:
	ld->oom = true;
	return NULL;
}

void plan_file_error(struct loader *ld, const char *file, const char *fmt, ...)
{
	struct kalloc_plan_loc loc = { 0 };
	char msg[512];
	va_list ap;

	loc.file = add_file(ld, file);
	if (!loc.file)
		return;
	loc.fileno = ld->plan->nfiles - 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	plan_error(ld, &loc, "%s", msg);
}

/* Takes text (malloc()ed) and parses it as file. */
void plan_add_source(struct loader *ld, const char *file, char *text,
		     size_t len)
{
	const char *name = add_file(ld, file);
	unsigned int fileno = ld->plan->nfiles - 1;

	if (!name) {
		free(text);
		return;
	}
	ld->src[fileno].text = text;
	ld->src[fileno].len = len;
	plan_parse_text(ld, name, fileno, text, len);
}

static int loader_finish(struct loader *ld, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	size_t i;
	int rc = 0;

	if (!ld->oom)
		plan_run_passes(ld);
	if (!ld->oom)
		plan_errors_finish(ld);
	if (ld->oom)
		rc = -ENOMEM;
	else if (ld->errs->n || ld->errs->dropped)
		rc = -EINVAL;
	for (i = 0; i < ld->nsrc; i++)
		free(ld->src[i].text);
	free(ld->src);
	if (rc) {
		kalloc_plan_free(ld->plan);
		ld->plan = NULL;
	}
	*planp = ld->plan;
	*errsp = ld->errs;
	return rc;
}

int kalloc_plan_load_paths(const char *const *paths, size_t n,
			   const struct kalloc_plan_env *env,
			   struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp)
{
	struct loader ld;
	size_t i;

	*planp = NULL;
	*errsp = NULL;
	if (loader_init(&ld, env))
		return -ENOMEM;
	for (i = 0; i < n && !ld.oom && !ld.too_many; i++)
		plan_read_path(&ld, paths[i]);
	return loader_finish(&ld, planp, errsp);
}

int kalloc_plan_load_dir(const char *dir, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	return kalloc_plan_load_paths(&dir, 1, NULL, planp, errsp);
}

int kalloc_plan_load_file(const char *path, struct kalloc_plan **planp,
			  struct kalloc_plan_errors **errsp)
{
	return kalloc_plan_load_paths(&path, 1, NULL, planp, errsp);
}

int kalloc_plan_load_mem(const char *const *names, const char *const *texts,
			 const size_t *lens, size_t n,
			 const struct kalloc_plan_env *env,
			 struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	struct loader ld;
	char *copy;
	size_t i;

	*planp = NULL;
	*errsp = NULL;
	if (loader_init(&ld, env))
		return -ENOMEM;
	for (i = 0; i < n && !ld.oom && !ld.too_many; i++) {
		copy = malloc(lens[i] + 1);
		if (!copy) {
			ld.oom = true;
			break;
		}
		memcpy(copy, texts[i], lens[i]);
		copy[lens[i]] = '\0';
		plan_add_source(&ld, names[i], copy, lens[i]);
	}
	return loader_finish(&ld, planp, errsp);
}

int kalloc_plan_load_texts(const char *const *names, const char *const *texts,
			   size_t n, struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp)
{
	size_t *lens = calloc(n + 1, sizeof(*lens));
	size_t i;
	int rc;

	if (!lens)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		lens[i] = strlen(texts[i]);
	rc = kalloc_plan_load_mem(names, texts, lens, n, NULL, planp, errsp);
	free(lens);
	return rc;
}

size_t kalloc_plan_count(const struct kalloc_plan *plan,
			 enum kalloc_plan_kind kind)
{
	size_t i, n = 0;

	for (i = 0; plan && i < plan->nstmts; i++)
		n += plan->stmts[i].kind == kind;
	return n;
}

size_t kalloc_plan_nbuffers(const struct kalloc_plan *plan)
{
	return kalloc_plan_count(plan, KALLOC_PLAN_BUFFER);
}

uint32_t kalloc_plan_buffer_policy(const struct kalloc_plan *plan,
				   const struct kalloc_plan_buffer *b)
{
	return b->policy_id ? b->policy_id : plan->set.default_policy;
}
