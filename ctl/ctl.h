/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ctl.h - what the files of kallocctl share.
 *
 * kallocctl is an object table (iproute2's "ip link", "ip addr"): each
 * object (buffer.c, policy.c, stats.c, bench.c, vdev.c) has a table of verbs,
 * {name, function, arguments, description} as in wireguard-tools, a
 * default verb, and its own "help". kallocctl.c holds the global options
 * and the top-level words: the objects, and the buffer verbs that are
 * commands of their own ("kallocctl alloc" is "kallocctl buffer alloc").
 *
 * A verb's function parses its arguments with the helpers below, then
 * talks to the kernel. Usage errors print one "Error: ..." line and
 * return EXIT_USAGE before any netlink traffic; the kernel's refusals
 * print its one-line message and return EXIT_FAILED.
 */
#ifndef KALLOC_CTL_H
#define KALLOC_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kalloc.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the kernel refused, or the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOFAMILY = 3,	/* the kalloc family is not available */
};

/* argv[0] is the verb's own name; argc counts it. */
struct ctl_verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;		/* "NAME SIZE [policy P]" */
	const char *description;
};

struct ctl_object {
	const char *name;		/* "buffer" */
	const char *description;
	const struct ctl_verb *verbs;
	size_t nverbs;
	/* Run when the first argument is no verb (NULL: a verb is required). */
	const char *default_verb;
	/* Whether arguments may follow the object's word for default_verb. */
	bool default_takes_args;
	const char *notes;		/* more help text, or NULL */
};

extern const struct ctl_object ctl_buffer;
extern const struct ctl_object ctl_policy;
extern const struct ctl_object ctl_stats;
extern const struct ctl_object ctl_bench;
extern const struct ctl_object ctl_vdev;

/*
 * Runs a verb of obj: verb if it is not NULL ("kallocctl alloc" runs the
 * buffer's "alloc"), else the one argv[1] names, else the default verb.
 * argv[0] is the word that selected obj or verb.
 */
int ctl_object_run(const struct ctl_object *obj, const char *verb, int argc,
		   char **argv);
const struct ctl_verb *ctl_find_verb(const struct ctl_object *obj,
				     const char *name);
/* "kallocctl OBJECT help": the object's verbs and notes. */
void ctl_object_help(const struct ctl_object *obj, FILE *fp);
/* The "help" verb of obj. */
int ctl_help_verb(const struct ctl_object *obj, int argc);

/* "Error: ..." on stderr, one line. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * "Error: usage: kallocctl alloc ARGS", the verb spelled the way the user
 * reached it ("kallocctl alloc", "kallocctl buffer alloc", "kallocctl
 * stats" for a default verb); returns EXIT_USAGE.
 */
int ctl_usage(const char *args);
/* The same, after what was wrong: "Error: unknown argument "x"; usage: ...". */
int ctl_usage_because(const char *args, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets that spelling: words joined by spaces. */
void ctl_set_invocation(const char *first, const char *second);

/* -t before the command: "monitor" prints a timestamp on each line. */
extern bool ctl_timestamps;

/*
 * Opens the netlink client; on failure prints why and gives the exit code.
 * In batch mode every command gets the same socket, opened once, and
 * ctl_close() leaves it open for the next line.
 */
int ctl_open(struct kalloc_nl **nl);
void ctl_close(struct kalloc_nl *nl);
void ctl_batch_begin(void);
bool ctl_in_batch(void);
void ctl_batch_end(void);

/*
 * One command's output: ctl_output_begin() starts it in the mode
 * ctl_set_output() chose (-j, -p, -b); ctl_output_end(status) ends it, and
 * in JSON mode a failed command that printed nothing prints its last error
 * as {"error": MESSAGE, "status": N[, "errno": E][, "file": F, "line": L]}
 * on stdout, besides the "Error:" line on stderr. Returns status.
 */
void ctl_set_output(bool json, bool pretty, bool bytes);
void ctl_output_begin(void);
int ctl_output_end(int status);
/* Batch mode: errors name FILE:LINE (NULL: no longer). */
void ctl_set_error_where(const char *file, unsigned long line);

/*
 * "kallocctl -batch FILE": splits line into words in place, argv[] pointing
 * into it. Words are separated by blanks; "..." and '...' quote (a
 * backslash escapes the next character outside single quotes); a word
 * starting with # begins a comment. Returns the number of words, or -1 with
 * *why set (an unterminated quote, a trailing backslash, more than max).
 */
int ctl_batch_split(char *line, char **argv, int max, const char **why);
/*
 * Runs every line of path ("-": standard input) with run, over one netlink
 * socket, each command's output begun and ended as above. Stops at the
 * first failure unless force. Returns the first failure's status, or 0.
 */
int ctl_batch_run(const char *path, bool force,
		  int (*run)(int argc, char **argv));
/* Prints the error; returns EXIT_FAILED. */
int ctl_failed(const struct kalloc_err *err);

/*
 * Argument values. Each returns 0, or prints one usage error naming what
 * (a size, an offset, ...) and returns EXIT_USAGE.
 */
int ctl_parse_size(const char *what, const char *s, uint64_t *out);
int ctl_parse_uint(const char *what, const char *s, uint64_t min,
		   uint64_t max, uint64_t *out);
int ctl_parse_policy(const char *s, uint32_t *id);
/* A duration (kalloc_parse_duration()) of at most max milliseconds. */
int ctl_parse_duration(const char *what, const char *s, uint64_t max,
		       uint64_t *ms);
int ctl_parse_scenario(const char *s, uint32_t *id);

/*
 * Keyword arguments, iproute2 style: "NAME SIZE policy slab hold". A
 * table of keywords, each a flag or taking one value, each at most once,
 * in any order; the positional arguments come first.
 */
struct ctl_kw {
	const char *word;
	bool takes_value;
	const char *value;	/* out: the value, or NULL */
	bool seen;		/* out */
};

/*
 * Parses argv[0 .. argc) against kws (nkw entries). Returns 0, or prints
 * a usage error with args (an unknown word, a value missing, a keyword
 * given twice) and returns EXIT_USAGE.
 */
int ctl_parse_keywords(int argc, char **argv, struct ctl_kw *kws, size_t nkw,
		       const char *args);

/*
 * Text tables: each column as wide as its widest cell, two spaces apart,
 * the last one unpadded. Widths are fitted to every cell first; then one
 * set of print_*() calls per row serves text (with ctl_col_fmt()'s
 * formats) and JSON alike.
 */
struct ctl_col {
	const char *head;
	int width;
};

void ctl_cols_init(struct ctl_col *cols, size_t n);
void ctl_col_fit(struct ctl_col *col, const char *cell);
/* The header line, text mode only. */
void ctl_cols_header(const struct ctl_col *cols, size_t n);
/*
 * A text format for one cell of col: "%-12s  " for conversion "s" (the
 * conversion is what follows '%': "s", "u", PRIu64). last: no padding.
 */
const char *ctl_col_fmt(const struct ctl_col *col, const char *conv,
			bool last, char *buf, size_t len);

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* KALLOC_CTL_H */
