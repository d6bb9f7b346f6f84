// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * error.c - the error list of a load, gcc-style.
 *
 * Errors are recorded as the stages find them (the parser line by line,
 * then each pass over the whole plan), so they come out of order; at the
 * end of a load they are sorted into file order (file, line, column, then
 * discovery), cut to KALLOC_PLAN_ERRORS_MAX, and given their source
 * lines, read from the texts the load kept. Up to ERRORS_KEEP are kept
 * while loading so that the cut keeps the first ones in file order, not
 * the first found.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_priv.h"

#define ERRORS_KEEP	4096

static int grow(struct loader *ld)
{
	struct kalloc_plan_errors *errs = ld->errs;
	size_t cap = ld->err_cap ? ld->err_cap * 2 : 16;
	struct kalloc_plan_error *v;

	if (errs->n < ld->err_cap)
		return 0;
	v = realloc(errs->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	errs->v = v;
	ld->err_cap = cap;
	return 0;
}

void plan_error(struct loader *ld, const struct kalloc_plan_loc *loc,
		const char *fmt, ...)
{
	struct kalloc_plan_errors *errs = ld->errs;
	struct kalloc_plan_error *e;
	char msg[512];
	va_list ap;

	if (errs->n >= ERRORS_KEEP) {
		errs->dropped++;
		return;
	}
	if (grow(ld)) {
		ld->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e = &errs->v[errs->n];
	memset(e, 0, sizeof(*e));
	e->file = strdup(loc->file);
	e->msg = strdup(msg);
	e->fileno = loc->fileno;
	e->line = loc->line;
	e->col = loc->col;
	if (!e->file || !e->msg) {
		free(e->file);
		free(e->msg);
		ld->oom = true;
		return;
	}
	e->seq = errs->n++;
}

static int cmp_error(const void *pa, const void *pb)
{
	const struct kalloc_plan_error *a = pa, *b = pb;

	if (a->fileno != b->fileno)
		return a->fileno < b->fileno ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : 1;
}

static void free_error(struct kalloc_plan_error *e)
{
	free(e->file);
	free(e->msg);
	free(e->source);
}

/* Walks forward through one file's text, line by line. */
struct cursor {
	const struct source *src;
	const char *p;
	unsigned int line;
};

static char *source_line(struct cursor *c, const struct loader *ld,
			 const struct kalloc_plan_error *e)
{
	const char *end;
	size_t n;

	if (!c->src || c->src != &ld->src[e->fileno]) {
		c->src = &ld->src[e->fileno];
		c->p = c->src->text;
		c->line = 1;
	}
	end = c->src->text + c->src->len;
	while (c->line < e->line && c->p < end) {
		c->p += plan_line_len(c->p, end);
		c->p += c->p < end;
		c->line++;
	}
	if (c->line != e->line)
		return NULL;
	n = plan_line_len(c->p, end);
	return strndup(c->p, n > KALLOC_PLAN_LINE_MAX ? KALLOC_PLAN_LINE_MAX : n);
}

void plan_errors_finish(struct loader *ld)
{
	struct kalloc_plan_errors *errs = ld->errs;
	struct cursor c = { 0 };
	size_t i;

	if (errs->n)
		qsort(errs->v, errs->n, sizeof(*errs->v), cmp_error);
	while (errs->n > KALLOC_PLAN_ERRORS_MAX) {
		free_error(&errs->v[--errs->n]);
		errs->dropped++;
	}
	for (i = 0; i < errs->n; i++) {
		if (errs->v[i].line && errs->v[i].fileno < ld->nsrc &&
		    ld->src[errs->v[i].fileno].text)
			errs->v[i].source = source_line(&c, ld, &errs->v[i]);
	}
}

void kalloc_plan_errors_free(struct kalloc_plan_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++)
		free_error(&errs->v[i]);
	free(errs->v);
	free(errs);
}

const char *kalloc_plan_error_str(const struct kalloc_plan_error *e,
				  char *buf, size_t len)
{
	if (e->line)
		snprintf(buf, len, "%s:%u:%u: error: %s", e->file, e->line,
			 e->col, e->msg);
	else
		snprintf(buf, len, "%s: error: %s", e->file, e->msg);
	return buf;
}

/* The source line, with bytes a terminal would act on shown as '?'. */
static void print_source(FILE *f, const char *s)
{
	for (fputc(' ', f); *s; s++)
		fputc((unsigned char)*s < ' ' && *s != '\t' ? '?' : *s, f);
	fputc('\n', f);
}

/* Blanks up to the column, tabs where the source has them, so it lines up. */
static void print_caret(FILE *f, const char *s, unsigned int col)
{
	unsigned int i;

	fputc(' ', f);
	for (i = 1; i < col && s[i - 1]; i++)
		fputc(s[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

void kalloc_plan_error_print(FILE *f, const struct kalloc_plan_error *e)
{
	char buf[1024];

	fprintf(f, "%s\n", kalloc_plan_error_str(e, buf, sizeof(buf)));
	if (!e->source)
		return;
	print_source(f, e->source);
	print_caret(f, e->source, e->col);
}

void kalloc_plan_errors_print(FILE *f, const struct kalloc_plan_errors *errs)
{
	size_t i;

	for (i = 0; errs && i < errs->n; i++)
		kalloc_plan_error_print(f, &errs->v[i]);
	if (errs && errs->dropped)
		fprintf(f, "... and %zu more errors\n", errs->dropped);
}
