// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kallocctl: the kalloc command line, in the style of iproute2 and wg(8).
 *
 *   kallocctl [-j|--json] [-p|--pretty] COMMAND [ARGS]
 *
 * Commands come from one table, {name, function, arguments, description},
 * matched exactly: no prefix guessing, so a future command can never
 * change what an abbreviation used to mean. Global options stop at the
 * command (getopt's "+"), and the command's own arguments are positional.
 *
 * kallocctl checks only what it must to build a request: the number of
 * arguments and the syntax of a size. Whether a name is valid or a size in
 * range is the kernel's to say, and its extended ACK message is printed as
 * is; that way the CLI can never disagree with the module it talks to.
 *
 * Output goes through lib/json_print.h, one set of print calls for both
 * text and JSON. Errors are one line, "Error: ...", on stderr, and the exit
 * status tells their kind (enum exit_code).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_print.h"
#include "kalloc.h"

#ifndef KALLOC_VERSION
#define KALLOC_VERSION "unknown"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the kernel refused, or the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOFAMILY = 3,	/* the kalloc family is not available */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *description;
};

static bool json, pretty;

__attribute__((format(printf, 1, 2)))
static void error(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Opens the netlink client; on failure prints why and gives the exit code. */
static int open_nl(struct kalloc_nl **nl)
{
	struct kalloc_err err;
	int ret;

	ret = kalloc_nl_open(nl, &err);
	if (!ret)
		return EXIT_OK;
	error("%s", err.msg);
	return ret == -ENOENT ? EXIT_NOFAMILY : EXIT_FAILED;
}

static int failed(const struct kalloc_err *err)
{
	error("%s", err->msg);
	return EXIT_FAILED;
}

static int parse_size_arg(const char *s, uint64_t *size)
{
	int ret = kalloc_parse_size(s, size);

	if (ret == -ERANGE)
		error("invalid size \"%s\": too large", s);
	else if (ret)
		error("invalid size \"%s\": expected a number of bytes with an optional K, M, G or T suffix",
		      s);
	return ret;
}

static void print_buffer_json(const struct kalloc_buffer *b)
{
	open_json_object(NULL);
	print_uint(PRINT_JSON, "id", NULL, b->id);
	print_string(PRINT_JSON, "name", NULL, b->name);
	print_u64(PRINT_JSON, "size", NULL, b->size);
	print_string(PRINT_JSON, "allocator", NULL, b->allocator);
	close_json_object();
}

/* Column widths of the text table: at least the header, else the data. */
struct widths {
	int id, name, size;
};

static const char *const header[] = { "ID", "NAME", "SIZE", "ALLOCATOR" };

static void table_widths(const struct kalloc_buffer *b, size_t n,
			 struct widths *w)
{
	char buf[32];
	size_t i;
	int len;

	w->id = (int)strlen(header[0]);
	w->name = (int)strlen(header[1]);
	w->size = (int)strlen(header[2]);
	for (i = 0; i < n; i++) {
		len = snprintf(buf, sizeof(buf), "%u", b[i].id);
		w->id = len > w->id ? len : w->id;
		len = (int)strlen(b[i].name);
		w->name = len > w->name ? len : w->name;
		len = (int)strlen(kalloc_format_size(b[i].size, buf, sizeof(buf)));
		w->size = len > w->size ? len : w->size;
	}
}

static void print_table_row(const struct kalloc_buffer *b,
			    const struct widths *w)
{
	char fmt[16];

	open_json_object(NULL);
	snprintf(fmt, sizeof(fmt), "%%-%du  ", w->id);
	print_uint(PRINT_ANY, "id", fmt, b->id);
	snprintf(fmt, sizeof(fmt), "%%-%ds  ", w->name);
	print_string(PRINT_ANY, "name", fmt, b->name);
	print_u64(PRINT_JSON, "size", NULL, b->size);
	snprintf(fmt, sizeof(fmt), "%%-%ds  ", w->size);
	print_size(PRINT_FP, NULL, fmt, b->size);
	print_string(PRINT_ANY, "allocator", "%s", b->allocator);
	close_json_object();
	print_nl();
}

/* The text header, or the opening of the JSON array. */
static void print_table(const struct kalloc_buffer *b, size_t n)
{
	char line[128];
	struct widths w;
	size_t i;

	table_widths(b, n, &w);
	snprintf(line, sizeof(line), "%-*s  %-*s  %-*s  %s", w.id, header[0],
		 w.name, header[1], w.size, header[2], header[3]);
	print_string(PRINT_FP, NULL, "%s\n", line);
	open_json_array(NULL);
	for (i = 0; i < n; i++)
		print_table_row(&b[i], &w);
	close_json_array();
}

static int usage_error(const char *cmd, const char *args)
{
	error("usage: kallocctl %s%s%s", cmd, *args ? " " : "", args);
	return EXIT_USAGE;
}

static int cmd_alloc(int argc, char **argv)
{
	struct kalloc_buffer b;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	uint64_t size;
	int ret;

	if (argc != 3)
		return usage_error(argv[0], "NAME SIZE");
	if (parse_size_arg(argv[2], &size))
		return EXIT_USAGE;
	ret = open_nl(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_new(nl, argv[1], size, &b, &err);
	kalloc_nl_close(nl);
	if (ret)
		return failed(&err);
	if (is_json_context())
		print_buffer_json(&b);
	return EXIT_OK;
}

static int cmd_free(int argc, char **argv)
{
	struct kalloc_nl *nl;
	struct kalloc_err err;
	int ret;

	if (argc != 2)
		return usage_error(argv[0], "NAME");
	ret = open_nl(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_del(nl, argv[1], 0, &err);
	kalloc_nl_close(nl);
	return ret ? failed(&err) : EXIT_OK;
}

static int cmd_list(int argc, char **argv)
{
	struct kalloc_buffer *bufs = NULL;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	size_t n = 0;
	int ret;

	if (argc != 1)
		return usage_error(argv[0], "");
	ret = open_nl(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_list(nl, &bufs, &n, &err);
	kalloc_nl_close(nl);
	if (ret)
		return failed(&err);
	print_table(bufs, n);
	free(bufs);
	return EXIT_OK;
}

static int cmd_show(int argc, char **argv)
{
	struct kalloc_buffer b;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	int ret;

	if (argc != 2)
		return usage_error(argv[0], "NAME");
	ret = open_nl(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_get(nl, argv[1], 0, &b, &err);
	kalloc_nl_close(nl);
	if (ret)
		return failed(&err);
	if (is_json_context())
		print_buffer_json(&b);
	else
		print_table(&b, 1);
	return EXIT_OK;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "alloc", cmd_alloc, "NAME SIZE", "create buffer NAME of SIZE bytes" },
	{ "free", cmd_free, "NAME", "free buffer NAME" },
	{ "list", cmd_list, "", "list every buffer" },
	{ "show", cmd_show, "NAME", "show buffer NAME" },
	{ "help", cmd_help, "", "show this help" },
};

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
		"Usage: kallocctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Options (before the command):\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   print indented JSON (implies -j)\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the version\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		char synopsis[32];

		snprintf(synopsis, sizeof(synopsis), "%s %s", commands[i].name,
			 commands[i].args);
		fprintf(fp, "  %-16s %s\n", synopsis, commands[i].description);
	}
	fprintf(fp,
		"\n"
		"SIZE is bytes, or a number with a K, M, G or T suffix (powers of 1024).\n"
		"\n"
		"Exit status: 0 success, 1 the kernel refused or the operation failed,\n"
		"2 usage error, 3 the kalloc family is not available.\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc != 1)
		return usage_error(argv[0], "");
	usage(stdout);
	return EXIT_OK;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	}
	return NULL;
}

/* Global options; returns -1 to go on to the command, else an exit code. */
static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jphV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("kallocctl %s\n", KALLOC_VERSION);
			return EXIT_OK;
		default:
			if (optopt)
				error("unknown option \"-%c\": try \"kallocctl help\"",
				      optopt);
			else
				error("unknown option \"%s\": try \"kallocctl help\"",
				      argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int ret;

	ret = parse_options(argc, argv);
	if (ret >= 0)
		return ret;
	if (optind >= argc) {
		error("no command given: try \"kallocctl help\"");
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		error("unknown command \"%s\": try \"kallocctl help\"",
		      argv[optind]);
		return EXIT_USAGE;
	}
	new_json_obj(stdout, json, pretty);
	ret = cmd->fn(argc - optind, argv + optind);
	delete_json_obj();
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write the output: %s", strerror(errno));
		return EXIT_FAILED;
	}
	return ret;
}
