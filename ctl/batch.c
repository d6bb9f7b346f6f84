// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * batch.c - "kallocctl -batch FILE": one command per line, as ip -batch.
 *
 * Every line runs as if it followed "kallocctl [OPTIONS]" on a command
 * line, but all of them share one netlink socket (ctl_open in batch mode),
 * so a thousand commands cost one family lookup, not a thousand processes.
 * Errors name the file and line ("Error: plan.txt:3: ..."); the first one
 * stops the batch unless -force is given, and its status is the exit
 * status. "plan diff" and "plan apply dry-run" exit 4 when there are
 * changes: that is a report, not a failure, so it does not stop the batch;
 * the batch exits 4 if some line did and none failed. In JSON mode each command prints its own document, so the output
 * is one JSON value per line (compact) for the commands that print one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "plan_cmd.h"

#define BATCH_MAX_WORDS	64

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Copies one word from *in to out (out never ahead of *in), undoing its
 * quotes; returns the end of the copy, or NULL with *why set.
 */
static char *copy_word(char **in, char *out, const char **why)
{
	char *p = *in, quote = 0;

	for (; *p && (quote || !is_blank(*p)); p++) {
		if (quote && *p == quote) {
			quote = 0;
		} else if (!quote && (*p == '"' || *p == '\'')) {
			quote = *p;
		} else if (*p == '\\' && quote != '\'') {
			if (!*++p) {
				*why = "a backslash ends the line";
				return NULL;
			}
			*out++ = *p;
		} else {
			*out++ = *p;
		}
	}
	if (quote) {
		*why = quote == '"' ? "unterminated \" quote" :
				      "unterminated ' quote";
		return NULL;
	}
	*in = p;
	return out;
}

int ctl_batch_split(char *line, char **argv, int max, const char **why)
{
	char *in = line, *out;
	int argc = 0;

	for (;;) {
		while (is_blank(*in))
			in++;
		if (!*in || *in == '#')
			return argc;
		if (argc == max) {
			*why = "too many words";
			return -1;
		}
		argv[argc++] = in;
		out = copy_word(&in, in, why);
		if (!out)
			return -1;
		/* in is past the word; its blank (or NUL) can end the copy. */
		if (*in)
			in++;
		*out = '\0';
	}
}

/* One line: its words, or a usage error naming what is wrong with it. */
static int run_line(char *line, int (*run)(int argc, char **argv))
{
	char *argv[BATCH_MAX_WORDS + 1];
	const char *why = NULL;
	int argc, ret;

	argc = ctl_batch_split(line, argv, BATCH_MAX_WORDS, &why);
	if (argc == 0)
		return EXIT_OK;
	if (argc > 0) {
		argv[argc] = NULL;
		return run(argc, argv);
	}
	ctl_output_begin();
	ctl_error("cannot split the line: %s", why);
	ret = ctl_output_end(EXIT_USAGE);
	return ret;
}

static int run_lines(FILE *fp, const char *name, bool force,
		     int (*run)(int argc, char **argv))
{
	unsigned long lineno = 0;
	int ret, first = EXIT_OK;
	bool changes = false;
	size_t cap = 0;
	char *line = NULL;

	while (getline(&line, &cap, fp) >= 0) {
		ctl_set_error_where(name, ++lineno);
		ret = run_line(line, run);
		fflush(stdout);
		if (ret == EXIT_CHANGES) {
			changes = true;
			continue;
		}
		if (ret && !first)
			first = ret;
		if (ret && !force)
			break;
	}
	free(line);
	return first ? first : changes ? EXIT_CHANGES : EXIT_OK;
}

int ctl_batch_run(const char *path, bool force,
		  int (*run)(int argc, char **argv))
{
	bool is_stdin = !strcmp(path, "-");
	FILE *fp = is_stdin ? stdin : fopen(path, "re");
	int ret;

	if (!fp) {
		ctl_output_begin();
		ctl_error("cannot open %s: %s", path, strerror(errno));
		return ctl_output_end(EXIT_FAILED);
	}
	ctl_batch_begin();
	ret = run_lines(fp, path, force, run);
	if (ferror(fp) && !ret) {
		ctl_set_error_where(NULL, 0);
		ctl_output_begin();
		ctl_error("cannot read %s: %s", path, strerror(errno));
		ret = ctl_output_end(EXIT_FAILED);
	}
	ctl_batch_end();
	if (!is_stdin)
		fclose(fp);
	return ret;
}
