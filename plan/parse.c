// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * parse.c - the plan parser's driver: tokens -> statements.
 *
 * The parser takes one line at a time; the first word selects a keyword
 * of grammar.c, whose parse function consumes the rest of the line into
 * a statement of the AST. On any error the parser skips to the end of the
 * line and goes on, so one load reports every broken line, not just the
 * first. Nothing is interpreted here (sizes, durations, policy names stay
 * text): the passes do that, so a new statement is a keyword, a parse
 * function and perhaps a pass, and nothing else changes.
 *
 * Hostile input costs linear time: a line over KALLOC_PLAN_LINE_MAX bytes
 * is reported and skipped without being lexed, and a load stops parsing
 * at KALLOC_PLAN_STMTS_MAX statements.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_priv.h"

void plan_advance(struct parser *ps)
{
	plan_lex_next(&ps->lx, &ps->tok);
}

bool plan_at_eol(const struct parser *ps)
{
	return ps->tok.kind == TOK_NL || ps->tok.kind == TOK_EOF;
}

bool plan_is_word(const struct parser *ps, const char *w)
{
	return ps->tok.kind == TOK_WORD && strlen(w) == ps->tok.len &&
	       !memcmp(w, ps->tok.s, ps->tok.len);
}

static void skip_line(struct parser *ps)
{
	while (!plan_at_eol(ps))
		plan_advance(ps);
}

static int quote_len(const struct token *t)
{
	return t->len > TOKEN_QUOTE_MAX ? TOKEN_QUOTE_MAX : (int)t->len;
}

void plan_token_error(struct parser *ps, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	plan_error(ps->ld, &ps->tok.loc, "%s", msg);
}

static void bad_token(struct parser *ps)
{
	if (!strcmp(ps->tok.bad, PLAN_BAD_CHAR))
		plan_token_error(ps, "%s 0x%02x", ps->tok.bad,
				 (unsigned char)*ps->tok.s);
	else
		plan_token_error(ps, "%s", ps->tok.bad);
}

/* What the current token is, for "expected X, got Y". */
static void describe(const struct token *t, char *buf, size_t len)
{
	switch (t->kind) {
	case TOK_WORD:
		snprintf(buf, len, "\"%.*s\"", quote_len(t), t->s);
		break;
	case TOK_STRING:
		snprintf(buf, len, "a string");
		break;
	case TOK_LPAREN:
	case TOK_RPAREN:
		snprintf(buf, len, "\"%c\"", *t->s);
		break;
	default:
		snprintf(buf, len, "the end of the line");
	}
}

int plan_wrong(struct parser *ps, const char *what, const char *after)
{
	char got[96];

	if (ps->tok.kind == TOK_BAD) {
		bad_token(ps);
	} else if (plan_at_eol(ps)) {
		plan_token_error(ps, "missing %s after \"%s\"", what, after);
	} else {
		describe(&ps->tok, got, sizeof(got));
		plan_token_error(ps, "expected %s after \"%s\", got %s", what,
				 after, got);
	}
	return -EINVAL;
}

int plan_take(struct parser *ps, struct kalloc_plan_arg *arg, bool string,
	      const char *what, const char *after)
{
	if (ps->tok.kind != (string ? TOK_STRING : TOK_WORD))
		return plan_wrong(ps, what, after);
	arg->text = strndup(ps->tok.s, ps->tok.len);
	if (!arg->text) {
		ps->ld->oom = true;
		return -ENOMEM;
	}
	arg->loc = ps->tok.loc;
	plan_advance(ps);
	return 0;
}

int plan_expect(struct parser *ps, enum tok_kind kind, const char *what,
		const char *after)
{
	if (ps->tok.kind != kind)
		return plan_wrong(ps, what, after);
	plan_advance(ps);
	return 0;
}

int plan_expect_end(struct parser *ps, const char *usage)
{
	char got[96];

	if (plan_at_eol(ps))
		return 0;
	if (ps->tok.kind == TOK_BAD) {
		bad_token(ps);
	} else {
		describe(&ps->tok, got, sizeof(got));
		plan_token_error(ps, "unexpected %s after %s", got, usage);
	}
	return -EINVAL;
}

void plan_free_arg(struct kalloc_plan_arg *a)
{
	free(a->text);
	a->text = NULL;
}

static struct kalloc_plan_stmt *new_stmt(struct parser *ps)
{
	struct loader *ld = ps->ld;
	struct kalloc_plan *plan = ld->plan;
	struct kalloc_plan_stmt *v;
	size_t cap;

	if (plan->nstmts >= KALLOC_PLAN_STMTS_MAX) {
		plan_token_error(ps, "more than %d statements in the plan",
				 KALLOC_PLAN_STMTS_MAX);
		ld->too_many = true;
		return NULL;
	}
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

/* One statement starting at the current token; kept only if it parses. */
static void parse_statement(struct parser *ps)
{
	const struct keyword *kw = NULL;
	struct kalloc_plan_stmt *st;
	char got[96];

	if (ps->tok.kind == TOK_BAD) {
		bad_token(ps);
		return;
	}
	if (ps->tok.kind == TOK_WORD)
		kw = plan_find_keyword(ps->tok.s, ps->tok.len);
	if (!kw) {
		describe(&ps->tok, got, sizeof(got));
		plan_token_error(ps, "unknown statement %s", got);
		return;
	}
	st = new_stmt(ps);
	if (!st)
		return;
	st->kind = kw->kind;
	st->loc = ps->tok.loc;
	plan_advance(ps);
	if (kw->parse(ps, st)) {
		plan_free_stmt(st);
		return;
	}
	ps->ld->plan->nstmts++;
}

/* A line over the limit: reported at its limit, skipped unlexed. */
static bool skip_long_line(struct parser *ps)
{
	struct lexer *lx = &ps->lx;
	size_t n = plan_line_len(lx->p, lx->end);
	struct kalloc_plan_loc loc = lx->pos;

	if (n <= KALLOC_PLAN_LINE_MAX)
		return false;
	loc.col = KALLOC_PLAN_LINE_MAX + 1;
	plan_error(ps->ld, &loc, "line longer than %d bytes",
		   KALLOC_PLAN_LINE_MAX);
	lx->p += n;
	if (lx->p < lx->end) {
		lx->p++;
		lx->pos.line++;
		lx->pos.col = 1;
	}
	return true;
}

void plan_parse_text(struct loader *ld, const char *file, unsigned int fileno,
		     const char *text, size_t len)
{
	struct parser ps = {
		.ld = ld,
		.lx = { .p = text, .end = text + len,
			.pos = { .file = file, .fileno = fileno, .line = 1,
				 .col = 1 } },
	};

	while (!ld->oom && !ld->too_many && ps.lx.p < ps.lx.end) {
		if (skip_long_line(&ps))
			continue;
		plan_advance(&ps);
		if (ps.tok.kind == TOK_NL)
			continue;
		if (ps.tok.kind == TOK_EOF)
			break;
		parse_statement(&ps);
		skip_line(&ps);
	}
}
