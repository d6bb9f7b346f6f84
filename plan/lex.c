// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lex.c - the plan lexer: bytes -> tokens.
 *
 * The lexer knows nothing about statements: it cuts bytes into words,
 * quoted strings, parentheses and newlines, and records where each starts
 * (1-based line and byte column). '#' starts a comment that runs to the
 * end of the line. A word is any run of visible bytes other than '#', '"'
 * and parentheses, UTF-8 included, so that the passes, not the lexer, say
 * what is wrong with an odd name. A string is "..." on one line, without
 * escapes: it holds paths, and a path with a '"' or a newline in it is
 * not worth a quoting rule.
 */
#include <stdbool.h>
#include <string.h>

#include "plan_priv.h"

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes a word may hold: everything visible but the lexer's own marks. */
static bool is_word(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != '#' && c != '"' && c != '(' &&
	       c != ')';
}

size_t plan_line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);

	return (nl ? nl : end) - p;
}

static void step(struct lexer *lx, size_t n)
{
	lx->p += n;
	lx->pos.col += n;
}

/*
 * Skips blanks and a comment. A line's end is reported where its comment
 * starts, so "missing SIZE" points right after the statement's last word.
 */
static void lex_skip(struct lexer *lx, struct kalloc_plan_loc *eol)
{
	*eol = lx->pos;
	while (lx->p < lx->end) {
		if (is_blank(*lx->p)) {
			step(lx, 1);
			*eol = lx->pos;
		} else if (*lx->p == '#') {
			step(lx, plan_line_len(lx->p, lx->end));
		} else {
			break;
		}
	}
}

static void lex_string(struct lexer *lx, struct token *t)
{
	size_t n = plan_line_len(lx->p + 1, lx->end);
	const char *q = memchr(lx->p + 1, '"', n);

	if (!q) {
		t->kind = TOK_BAD;
		t->bad = "unterminated string";
		step(lx, 1 + n);
		return;
	}
	t->kind = TOK_STRING;
	t->s = lx->p + 1;
	t->len = q - t->s;
	step(lx, q + 1 - lx->p);
}

static void lex_newline(struct lexer *lx, struct token *t,
			const struct kalloc_plan_loc *eol)
{
	t->kind = TOK_NL;
	t->loc = *eol;
	lx->p++;
	lx->pos.line++;
	lx->pos.col = 1;
}

void plan_lex_next(struct lexer *lx, struct token *t)
{
	struct kalloc_plan_loc eol;
	unsigned char c;

	lex_skip(lx, &eol);
	t->s = lx->p;
	t->loc = lx->pos;
	t->len = 1;
	t->bad = NULL;
	if (lx->p >= lx->end) {
		t->kind = TOK_EOF;
		t->len = 0;
		t->loc = eol;
		return;
	}
	c = *lx->p;
	if (c == '\n') {
		lex_newline(lx, t, &eol);
		return;
	}
	if (c == '"') {
		lex_string(lx, t);
		return;
	}
	if (c == '(' || c == ')') {
		t->kind = c == '(' ? TOK_LPAREN : TOK_RPAREN;
		step(lx, 1);
		return;
	}
	if (!is_word(c)) {
		t->kind = TOK_BAD;
		t->bad = PLAN_BAD_CHAR;
		step(lx, 1);
		return;
	}
	t->kind = TOK_WORD;
	while (lx->p < lx->end && is_word(*lx->p))
		step(lx, 1);
	t->len = lx->p - t->s;
}
