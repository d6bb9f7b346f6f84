/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * plan_priv.h - what the stages of the plan front end share, and nothing
 * outside plan/ sees.
 *
 *   lex.c          bytes -> tokens
 *   parse.c        tokens -> statements: the line driver and helpers
 *   grammar.c      one parse function per statement (the keyword table)
 *   read.c         files and directories, read as hostile input
 *   load.c         a load: sources, the struct loader, finishing
 *   error.c        the error list, file order, source lines and carets
 *   passes.c       the table of semantic passes, run in order:
 *     pass_names.c     names of buffers, devices and rules are valid
 *     pass_units.c     sizes, durations, percentages, bytes: in range
 *     pass_refs.c      policies named anywhere exist
 *     pass_metrics.c   rules over metrics that exist, in their unit
 *     pass_dups.c      no name defined twice, in linear time
 *     pass_settings.c  each setting stated once; struct plan settings
 *     pass_budget.c    the buffers' total within the module's budget
 *     pass_from.c      "from" files exist and fit their buffer
 *   names.c        a hash set of names (duplicates, the diff)
 *   units.c        durations, percentages, byte values
 *
 * The stages only meet in struct loader. The dependency runs one way:
 * load -> read, parse -> lex, grammar; load -> passes -> pass_*.
 */
#ifndef KALLOC_PLAN_PRIV_H
#define KALLOC_PLAN_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

/* Longest token quoted back in a message. */
#define TOKEN_QUOTE_MAX	64

/* One file of a load, kept until the end for the errors' source lines. */
struct source {
	const char *file;	/* plan->files[fileno] */
	char *text;
	size_t len;
};

/* One load: the AST under construction and everything wrong with it. */
struct loader {
	struct kalloc_plan *plan;
	struct kalloc_plan_errors *errs;
	struct kalloc_plan_env env;
	struct source *src;
	size_t nsrc, src_cap;
	size_t stmt_cap, err_cap, file_cap;
	bool too_many;		/* KALLOC_PLAN_STMTS_MAX was reported */
	bool oom;
};

/* error.c: records "message" at loc (or counts it when full). */
void plan_error(struct loader *ld, const struct kalloc_plan_loc *loc,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sorts the errors into file order and attaches their source lines. */
void plan_errors_finish(struct loader *ld);

/* lex.c */
enum tok_kind { TOK_WORD, TOK_STRING, TOK_LPAREN, TOK_RPAREN, TOK_NL,
		TOK_EOF, TOK_BAD };

struct token {
	enum tok_kind kind;
	const char *s;		/* a string's text, without its quotes */
	size_t len;
	struct kalloc_plan_loc loc;
	const char *bad;	/* TOK_BAD: why */
};

/* TOK_BAD's reason for a byte no token may hold; the parser adds it. */
#define PLAN_BAD_CHAR	"invalid character"

struct lexer {
	const char *p, *end;
	struct kalloc_plan_loc pos;
};

void plan_lex_next(struct lexer *lx, struct token *t);
/* Bytes from p to the end of its line, without the newline. */
size_t plan_line_len(const char *p, const char *end);

/* parse.c: the parser's state and the helpers the grammar uses. */
struct parser {
	struct loader *ld;
	struct lexer lx;
	struct token tok;
};

void plan_parse_text(struct loader *ld, const char *file, unsigned int fileno,
		     const char *text, size_t len);
void plan_advance(struct parser *ps);
bool plan_at_eol(const struct parser *ps);
bool plan_is_word(const struct parser *ps, const char *w);
/* Takes a word (or string, when string) as arg; what/after for errors. */
int plan_take(struct parser *ps, struct kalloc_plan_arg *arg, bool string,
	      const char *what, const char *after);
int plan_expect(struct parser *ps, enum tok_kind kind, const char *what,
		const char *after);
int plan_expect_end(struct parser *ps, const char *usage);
/* "missing WHAT after AFTER" or "expected WHAT after AFTER, got X". */
int plan_wrong(struct parser *ps, const char *what, const char *after);
void plan_token_error(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void plan_free_arg(struct kalloc_plan_arg *a);

/* grammar.c */
struct keyword {
	const char *word;
	enum kalloc_plan_kind kind;
	int (*parse)(struct parser *ps, struct kalloc_plan_stmt *st);
};

const struct keyword *plan_find_keyword(const char *s, size_t len);
void plan_free_stmt(struct kalloc_plan_stmt *st);

/* read.c: one path (file or directory) into the load. */
void plan_read_path(struct loader *ld, const char *path);
/* load.c: a file's name and text into the load, then parsed. */
void plan_add_source(struct loader *ld, const char *file, char *text,
		     size_t len);
/* An error about a whole file. */
void plan_file_error(struct loader *ld, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* passes.c */
void plan_run_passes(struct loader *ld);

void plan_pass_names(struct loader *ld);
void plan_pass_units(struct loader *ld);
void plan_pass_refs(struct loader *ld);
void plan_pass_metrics(struct loader *ld);
void plan_pass_dups(struct loader *ld);
void plan_pass_settings(struct loader *ld);
void plan_pass_budget(struct loader *ld);
void plan_pass_from(struct loader *ld);

/* Whether the argument has a valid name (reported by pass_names). */
bool plan_name_ok(const struct kalloc_plan_arg *a);

/* names.c: a set of strings with a value, open addressing, no removal. */
struct name_set {
	struct name_slot { const char *key; const void *val; } *slot;
	size_t cap, n;
};

int plan_names_init(struct name_set *s, size_t expect);
/* Adds key -> val; if key is there, returns its value and adds nothing. */
const void *plan_names_add(struct name_set *s, const char *key,
			   const void *val, bool *oom);
const void *plan_names_get(const struct name_set *s, const char *key);
void plan_names_free(struct name_set *s);

/* units.c: each 0, -EINVAL (not that kind of value) or -ERANGE. */
/* "30%", "12.5%": hundredths of a percent. */
int plan_parse_percent(const char *s, uint64_t *hundredths);
/* "0x00" .. "0xff" or "0" .. "255". */
int plan_parse_byte(const char *s, int *byte);

#endif /* KALLOC_PLAN_PRIV_H */
