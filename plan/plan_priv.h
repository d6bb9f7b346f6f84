/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * plan_priv.h - what the stages of the plan front end share, and nothing
 * outside plan/ sees.
 *
 *   lex.c     bytes -> tokens
 *   parse.c   tokens -> statements (a keyword table)
 *   passes.c  semantic checks over every file of a load at once
 *   load.c    files, directories, the error list, the struct loader
 *   diff.c    the reconcile decision over a loaded plan
 *
 * The stages only meet in struct loader: the plan under construction and
 * its error list. The dependency runs one way, load -> parse -> lex, and
 * load -> passes; diff needs only the finished plan.
 */
#ifndef KALLOC_PLAN_PRIV_H
#define KALLOC_PLAN_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* Longest token quoted back in a message. */
#define TOKEN_QUOTE_MAX	64

/* One load: the AST under construction and everything wrong with it. */
struct loader {
	struct kalloc_plan *plan;
	struct kalloc_plan_errors *errs;
	size_t stmt_cap;
	int io_err;		/* first negative errno reading files */
	bool oom;
};

/* load.c: records "file:line:col: message" (or counts it when full). */
void plan_error(struct loader *ld, const struct kalloc_plan_loc *loc,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* lex.c */
enum tok_kind { TOK_WORD, TOK_NL, TOK_EOF, TOK_BAD };

struct token {
	enum tok_kind kind;
	const char *s;
	size_t len;
	struct kalloc_plan_loc loc;
};

struct lexer {
	const char *p, *end;
	struct kalloc_plan_loc pos;
};

void plan_lex_next(struct lexer *lx, struct token *t);

/* parse.c: every statement of one file's text into ld->plan. */
void plan_parse_text(struct loader *ld, const char *file, const char *text,
		     size_t len);
void plan_free_stmt(struct kalloc_plan_stmt *st);

/* passes.c */
void plan_run_passes(struct loader *ld);
/* The first alloc among the first end statements defining name, or NULL. */
const struct kalloc_plan_alloc *plan_find_alloc(const struct kalloc_plan *plan,
						const char *name, size_t end);

#endif /* KALLOC_PLAN_PRIV_H */
