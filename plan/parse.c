// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * parse.c - the plan parser: tokens -> statements.
 *
 * The parser takes one line at a time; the first word selects a keyword
 * table entry whose parse function consumes the rest of the line into a
 * statement. On any error the parser skips to the end of the line and
 * goes on, so one load reports every broken line, not just the first.
 * Nothing is interpreted here (a size is kept as text): the passes do
 * that, so a new statement is a table entry, a parse function and perhaps
 * a pass, and nothing else changes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "plan_priv.h"

struct parser {
	struct loader *ld;
	struct lexer lx;
	struct token tok;
};

static void advance(struct parser *ps)
{
	plan_lex_next(&ps->lx, &ps->tok);
}

static bool at_end_of_line(const struct parser *ps)
{
	return ps->tok.kind == TOK_NL || ps->tok.kind == TOK_EOF;
}

static void skip_line(struct parser *ps)
{
	while (!at_end_of_line(ps))
		advance(ps);
}

static int quote_len(const struct token *t)
{
	return t->len > TOKEN_QUOTE_MAX ? TOKEN_QUOTE_MAX : (int)t->len;
}

static void error_bad_char(struct parser *ps)
{
	plan_error(ps->ld, &ps->tok.loc, "invalid character 0x%02x",
		   (unsigned char)*ps->tok.s);
}

/*
 * Takes the current word as the argument called what (e.g. "SIZE") of a
 * statement whose text so far is before (e.g. "alloc NAME").
 */
static char *take_word(struct parser *ps, const char *what, const char *before,
		       struct kalloc_plan_loc *loc)
{
	char *s;

	if (ps->tok.kind == TOK_BAD) {
		error_bad_char(ps);
		return NULL;
	}
	if (ps->tok.kind != TOK_WORD) {
		plan_error(ps->ld, &ps->tok.loc, "missing %s after %s",
			   what, before);
		return NULL;
	}
	s = strndup(ps->tok.s, ps->tok.len);
	if (!s) {
		ps->ld->oom = true;
		return NULL;
	}
	*loc = ps->tok.loc;
	advance(ps);
	return s;
}

static int expect_end(struct parser *ps, const char *usage)
{
	if (at_end_of_line(ps))
		return 0;
	if (ps->tok.kind == TOK_BAD)
		error_bad_char(ps);
	else
		plan_error(ps->ld, &ps->tok.loc, "unexpected \"%.*s\" after %s",
			   quote_len(&ps->tok), ps->tok.s, usage);
	return -EINVAL;
}

void plan_free_stmt(struct kalloc_plan_stmt *st)
{
	switch (st->kind) {
	case KALLOC_PLAN_ALLOC:
		free(st->u.alloc.name);
		free(st->u.alloc.size_text);
		break;
	}
}

/* alloc NAME SIZE */
static int parse_alloc(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_alloc *a = &st->u.alloc;

	a->name = take_word(ps, "NAME", "alloc", &a->name_loc);
	if (!a->name)
		return -EINVAL;
	a->size_text = take_word(ps, "SIZE", "alloc NAME", &a->size_loc);
	if (!a->size_text)
		return -EINVAL;
	return expect_end(ps, "alloc NAME SIZE");
}

static const struct keyword {
	const char *word;
	enum kalloc_plan_kind kind;
	int (*parse)(struct parser *ps, struct kalloc_plan_stmt *st);
} keywords[] = {
	{ "alloc", KALLOC_PLAN_ALLOC, parse_alloc },
};

static const struct keyword *find_keyword(const struct token *t)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == t->len &&
		    !memcmp(keywords[i].word, t->s, t->len))
			return &keywords[i];
	}
	return NULL;
}

static struct kalloc_plan_stmt *new_stmt(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	struct kalloc_plan_stmt *v;
	size_t cap;

	if (plan->nstmts == ld->stmt_cap) {
		cap = ld->stmt_cap ? ld->stmt_cap * 2 : 16;
		v = realloc(plan->stmts, cap * sizeof(*v));
		if (!v) {
			ld->oom = true;
			return NULL;
		}
		plan->stmts = v;
		ld->stmt_cap = cap;
	}
	v = &plan->stmts[plan->nstmts];
	memset(v, 0, sizeof(*v));
	return v;
}

/* One statement starting at the current word; keeps it only if it parses. */
static void parse_statement(struct parser *ps)
{
	const struct keyword *kw = find_keyword(&ps->tok);
	struct kalloc_plan_stmt *st;

	if (!kw) {
		plan_error(ps->ld, &ps->tok.loc, "unknown statement \"%.*s\"",
			   quote_len(&ps->tok), ps->tok.s);
		return;
	}
	st = new_stmt(ps->ld);
	if (!st)
		return;
	st->kind = kw->kind;
	st->loc = ps->tok.loc;
	advance(ps);
	if (kw->parse(ps, st)) {
		plan_free_stmt(st);
		return;
	}
	ps->ld->plan->nstmts++;
}

void plan_parse_text(struct loader *ld, const char *file, const char *text,
		     size_t len)
{
	struct parser ps = {
		.ld = ld,
		.lx = { .p = text, .end = text + len,
			.pos = { .file = file, .line = 1, .col = 1 } },
	};

	for (advance(&ps); ps.tok.kind != TOK_EOF && !ld->oom; advance(&ps)) {
		if (ps.tok.kind == TOK_NL)
			continue;
		if (ps.tok.kind == TOK_BAD)
			error_bad_char(&ps);
		else
			parse_statement(&ps);
		skip_line(&ps);
		if (ps.tok.kind == TOK_EOF)
			break;
	}
}

