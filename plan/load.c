// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * load.c - loading plans: files, directories, in-memory texts, and the
 * error list of a load.
 *
 * A load owns one struct loader: the AST under construction (struct
 * kalloc_plan) and the error list. Every file of a load is lexed and
 * parsed into the same AST, then the semantic passes run once over all of
 * it. A load with any error returns no plan: kallocd relies on this to
 * keep its previous state whole when a reload finds a broken file.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan_priv.h"

/* Plan files are small; anything bigger is a mistake, not a plan. */
#define PLAN_FILE_MAX	(1u << 20)

static void add_error_v(struct loader *ld, const struct kalloc_plan_loc *loc,
			const char *fmt, va_list ap)
{
	struct kalloc_plan_errors *errs = ld->errs;
	struct kalloc_plan_error *e;
	char msg[512];

	if (errs->n >= KALLOC_PLAN_ERRORS_MAX) {
		errs->dropped++;
		return;
	}
	if (!errs->v) {
		errs->v = calloc(KALLOC_PLAN_ERRORS_MAX, sizeof(*errs->v));
		if (!errs->v) {
			ld->oom = true;
			return;
		}
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	e = &errs->v[errs->n];
	e->file = strdup(loc->file);
	e->msg = strdup(msg);
	e->line = loc->line;
	e->col = loc->col;
	if (!e->file || !e->msg) {
		free(e->file);
		free(e->msg);
		ld->oom = true;
		return;
	}
	errs->n++;
}

void plan_error(struct loader *ld, const struct kalloc_plan_loc *loc,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_error_v(ld, loc, fmt, ap);
	va_end(ap);
}


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

void kalloc_plan_errors_free(struct kalloc_plan_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].msg);
	}
	free(errs->v);
	free(errs);
}

static int loader_init(struct loader *ld, size_t nfiles)
{
	memset(ld, 0, sizeof(*ld));
	ld->plan = calloc(1, sizeof(*ld->plan));
	ld->errs = calloc(1, sizeof(*ld->errs));
	if (ld->plan)
		ld->plan->files = calloc(nfiles + 1, sizeof(char *));
	if (!ld->plan || !ld->errs || !ld->plan->files) {
		kalloc_plan_free(ld->plan);
		kalloc_plan_errors_free(ld->errs);
		return -ENOMEM;
	}
	return 0;
}

/* Records a file name in the plan; locations point at this copy. */
static const char *add_file(struct loader *ld, const char *name)
{
	char *s = strdup(name);

	if (!s) {
		ld->oom = true;
		return NULL;
	}
	ld->plan->files[ld->plan->nfiles++] = s;
	return s;
}

static int loader_finish(struct loader *ld, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	int rc = 0;

	if (!ld->oom)
		plan_run_passes(ld);
	if (ld->oom)
		rc = -ENOMEM;
	else if (ld->io_err)
		rc = ld->io_err;
	else if (ld->errs->n || ld->errs->dropped)
		rc = -EINVAL;
	if (rc) {
		kalloc_plan_free(ld->plan);
		ld->plan = NULL;
	}
	*planp = ld->plan;
	*errsp = ld->errs;
	return rc;
}

static void io_error(struct loader *ld, const char *file, const char *what,
		     int err)
{
	struct kalloc_plan_loc loc = { .file = file };

	plan_error(ld, &loc, "%s: %s", what, strerror(err));
	if (!ld->io_err)
		ld->io_err = -err;
}

/* Reads a whole file into a malloc()ed buffer. Returns 0 or a negative errno. */
static int slurp(const char *path, char **textp, size_t *lenp)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t len;
	int err;

	if (!f)
		return -errno;
	text = malloc(PLAN_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(text, 1, PLAN_FILE_MAX + 1, f);
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!err && len > PLAN_FILE_MAX)
		err = -EFBIG;
	if (err) {
		free(text);
		return err;
	}
	*textp = text;
	*lenp = len;
	return 0;
}

static void load_one(struct loader *ld, const char *path)
{
	const char *file = add_file(ld, path);
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!file)
		return;
	rc = slurp(path, &text, &len);
	if (rc == -ENOMEM) {
		ld->oom = true;
		return;
	}
	if (rc) {
		io_error(ld, file, "cannot read", -rc);
		return;
	}
	plan_parse_text(ld, file, text, len);
	free(text);
}

int kalloc_plan_load_file(const char *path, struct kalloc_plan **planp,
			  struct kalloc_plan_errors **errsp)
{
	struct loader ld;

	*planp = NULL;
	*errsp = NULL;
	if (loader_init(&ld, 1))
		return -ENOMEM;
	load_one(&ld, path);
	return loader_finish(&ld, planp, errsp);
}

int kalloc_plan_load_texts(const char *const *names, const char *const *texts,
			   size_t n, struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp)
{
	struct loader ld;
	const char *file;
	size_t i;

	*planp = NULL;
	*errsp = NULL;
	if (loader_init(&ld, n))
		return -ENOMEM;
	for (i = 0; i < n && !ld.oom; i++) {
		file = add_file(&ld, names[i]);
		if (file)
			plan_parse_text(&ld, file, texts[i], strlen(texts[i]));
	}
	return loader_finish(&ld, planp, errsp);
}

static bool is_plan_name(const char *name)
{
	size_t len = strlen(name), slen = strlen(KALLOC_PLAN_SUFFIX);

	return name[0] != '.' && len > slen &&
	       !strcmp(name + len - slen, KALLOC_PLAN_SUFFIX);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* dir/name for every plan file of dir, sorted in C-locale order. */
static int list_plan_files(const char *dir, char ***namesp, size_t *np)
{
	const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	char **names = NULL, **v, *path;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!is_plan_name(de->d_name))
			continue;
		if (asprintf(&path, "%s%s%s", dir, sep, de->d_name) < 0) {
			rc = -ENOMEM;
			goto out_names;
		}
		if (stat(path, &st) || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(names, cap * sizeof(*v));
			if (!v) {
				free(path);
				rc = -ENOMEM;
				goto out_names;
			}
			names = v;
		}
		names[n++] = path;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*namesp = names;
	*np = n;
	return 0;

out_names:
	free_names(names, n);
	closedir(d);
	return rc;
}

int kalloc_plan_load_dir(const char *dir, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	struct kalloc_plan_loc loc = { .file = dir };
	struct loader ld;
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	*planp = NULL;
	*errsp = NULL;
	rc = list_plan_files(dir, &names, &n);
	if (rc == -ENOMEM)
		return rc;
	if (loader_init(&ld, n)) {
		free_names(names, n);
		return -ENOMEM;
	}
	if (rc) {
		plan_error(&ld, &loc, "cannot read plan directory: %s",
			   strerror(-rc));
		ld.io_err = rc;
	}
	for (i = 0; i < n && !ld.oom; i++)
		load_one(&ld, names[i]);
	free_names(names, n);
	return loader_finish(&ld, planp, errsp);
}

const char *kalloc_plan_error_str(const struct kalloc_plan_error *e,
				  char *buf, size_t len)
{
	if (e->line)
		snprintf(buf, len, "%s:%u:%u: %s", e->file, e->line, e->col,
			 e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	return buf;
}

size_t kalloc_plan_nbuffers(const struct kalloc_plan *plan)
{
	size_t i, n = 0;

	for (i = 0; plan && i < plan->nstmts; i++)
		n += plan->stmts[i].kind == KALLOC_PLAN_ALLOC;
	return n;
}
