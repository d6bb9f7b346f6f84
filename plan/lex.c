// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lex.c - the plan lexer: bytes -> tokens.
 *
 * The lexer knows nothing about statements: it cuts bytes into words and
 * newlines and records where each starts (1-based line and byte column).
 * '#' starts a comment that runs to the end of the line; a word is any run
 * of visible bytes, UTF-8 included, so that the passes, not the lexer,
 * say what is wrong with an odd name.
 */
#include <stdbool.h>

#include "plan_priv.h"

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes a word may hold: everything visible, UTF-8 included. */
static bool is_word(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != '#';
}

/*
 * Skips blanks and a comment. A line's end is reported where its comment
 * starts, so "missing SIZE" points right after the statement's last word.
 */
static void lex_skip(struct lexer *lx, struct kalloc_plan_loc *comment)
{
	*comment = lx->pos;
	while (lx->p < lx->end) {
		if (is_blank(*lx->p)) {
			lx->p++;
			lx->pos.col++;
			*comment = lx->pos;
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n') {
				lx->p++;
				lx->pos.col++;
			}
		} else {
			break;
		}
	}
}

void plan_lex_next(struct lexer *lx, struct token *t)
{
	struct kalloc_plan_loc comment;

	lex_skip(lx, &comment);
	t->s = lx->p;
	t->loc = lx->pos;
	t->len = 1;
	if (lx->p >= lx->end) {
		t->kind = TOK_EOF;
		t->len = 0;
		t->loc = comment;
		return;
	}
	if (*lx->p == '\n') {
		t->kind = TOK_NL;
		t->loc = comment;
		lx->p++;
		lx->pos.line++;
		lx->pos.col = 1;
		return;
	}
	if (!is_word(*lx->p)) {
		t->kind = TOK_BAD;
		lx->p++;
		lx->pos.col++;
		return;
	}
	t->kind = TOK_WORD;
	while (lx->p < lx->end && is_word(*lx->p)) {
		lx->p++;
		lx->pos.col++;
	}
	t->len = lx->p - t->s;
}

