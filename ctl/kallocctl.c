// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kallocctl: the kalloc command line, in the style of iproute2 and wg(8).
 *
 *   kallocctl [-j|--json] [-p|--pretty] [-b|--bytes] [-t|--timestamp]
 *             COMMAND [ARGS]
 *   kallocctl [OPTIONS] OBJECT [VERB] [ARGS]
 *   kallocctl [OPTIONS] -batch FILE|- [-force]
 *
 * This file holds the global options and the table of top-level words:
 * the objects (buffer, policy, stats, bench: one file each, with its own
 * verbs and help), the buffer's verbs, which are commands of their own
 * as they always were ("kallocctl alloc" is "kallocctl buffer alloc"),
 * and monitor and meminfo, commands with a file each.
 * Words match exactly: no prefix guessing, so a future command can never
 * change what an abbreviation used to mean. Global options stop at the
 * command (getopt's "+").
 *
 * Output goes through lib/json_print.h, one set of print calls for both
 * text and JSON. Errors are one line, "Error: ...", on stderr, and the exit
 * status tells their kind (enum exit_code in ctl.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "buffer.h"
#include "json_print.h"
#include "meminfo.h"
#include "monitor.h"
#include "plan_cmd.h"
#include "policy.h"
#include "stats.h"

#ifndef KALLOC_VERSION
#define KALLOC_VERSION "unknown"
#endif

/* A top-level word: an object, or one verb of an object. */
struct command {
	const char *name;
	const struct ctl_object *obj;	/* NULL: help */
	const char *verb;		/* NULL: the word names obj itself */
};

static const struct command commands[] = {
	{ "alloc", &ctl_buffer, "alloc" },
	{ "free", &ctl_buffer, "free" },
	{ "list", &ctl_buffer, "list" },
	{ "show", &ctl_buffer, "show" },
	{ "set", &ctl_buffer, "set" },
	{ "read", &ctl_buffer, "read" },
	{ "write", &ctl_buffer, "write" },
	{ "check", &ctl_buffer, "check" },
	{ "flush", &ctl_buffer, "flush" },
	{ "monitor", &ctl_monitor, "monitor" },
	{ "meminfo", &ctl_meminfo, "meminfo" },
	{ "buffer", &ctl_buffer, NULL },
	{ "policy", &ctl_policy, NULL },
	{ "stats", &ctl_stats, NULL },
	{ "bench", &ctl_bench, NULL },
	{ "plan", &ctl_plan, NULL },
	{ "vdev", &ctl_vdev, NULL },
	{ "help", NULL, NULL },
};

static struct {
	bool json, pretty, bytes, force;
	const char *batch;
} opt;

static void usage_verb(FILE *fp, const char *object, const struct ctl_verb *v)
{
	char synopsis[96];

	snprintf(synopsis, sizeof(synopsis), "%s%s%s%s%s", object ? object : "",
		 object ? " " : "", v->name, *v->args ? " " : "", v->args);
	if (strlen(synopsis) > 44)
		fprintf(fp, "  %s\n  %-44s %s\n", synopsis, "", v->description);
	else
		fprintf(fp, "  %-44s %s\n", synopsis, v->description);
}

/* The buffer's verbs as commands, then every other object's verbs. */
static void usage_commands(FILE *fp)
{
	const struct ctl_object *obj;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (commands[i].obj && commands[i].verb)
			usage_verb(fp, NULL, ctl_find_verb(commands[i].obj,
							   commands[i].verb));
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		obj = commands[i].obj;
		if (!obj || commands[i].verb || obj == &ctl_buffer)
			continue;
		for (j = 0; j < obj->nverbs; j++) {
			if (strcmp(obj->verbs[j].name, "help"))
				usage_verb(fp, obj->name, &obj->verbs[j]);
		}
	}
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: kallocctl [OPTIONS] COMMAND [ARGS]\n"
		"       kallocctl [OPTIONS] OBJECT [VERB] [ARGS]\n"
		"\n"
		"       kallocctl [OPTIONS] -batch FILE|- [-force]\n"
		"\n"
		"Options (before the command):\n"
		"  -j, --json       print JSON (monitor: one object a line)\n"
		"  -p, --pretty     print indented JSON (implies -j)\n"
		"  -b, --bytes      print sizes as exact bytes, not 4K, 1536K\n"
		"  -t, --timestamp  monitor: a timestamp on each line\n"
		"  -batch FILE      run the commands of FILE (\"-\": standard input),\n"
		"                   one a line, over one netlink socket\n"
		"  -force           go on after a failed batch line\n"
		"  -h, --help       show this help\n"
		"  -V, --version    show the version\n"
		"\n"
		"Commands:\n");
	usage_commands(fp);
	fprintf(fp,
		"\n"
		"Objects: buffer (its verbs are the commands above), policy, stats,\n"
		"bench, vdev; \"kallocctl OBJECT help\" lists an object's verbs. Without\n"
		"a verb, buffer lists, policy, stats and vdev show, bench runs.\n"
		"\n"
		"SIZE, N: bytes, or a number with a K, M, G or T suffix (powers of 1024).\n"
		"D, DURATION: 10ms, 1.5s, 2m, 1h (a bare number is seconds).\n"
		"P, Q, POLICY: kmalloc, buddy, slab, first-fit, best-fit, tlsf, or a number.\n"
		"\n"
		"Exit status: 0 success, 1 the kernel refused or the operation failed\n"
		"(check: a buffer is corrupt), 2 usage error,\n"
		"3 the kalloc family is not available.\n");
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

static int run_help(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		ctl_set_invocation("help", NULL);
		return ctl_usage("");
	}
	usage(stdout);
	return EXIT_OK;
}

static int bad_option(char **argv);

/* Global options; returns -1 to go on to the command, else an exit code. */
static int parse_options(int argc, char **argv)
{
	/* getopt_long_only: "-batch" and "-force", as ip spells them. */
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "batch", required_argument, NULL, 'B' },
		{ "force", no_argument, NULL, 'f' },
		{ "timestamp", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "+jpbthV", longopts,
				     NULL)) != -1) {
		switch (c) {
		case 'j':
			opt.json = true;
			break;
		case 'p':
			opt.json = opt.pretty = true;
			break;
		case 'b':
			opt.bytes = true;
			break;
		case 'B':
			opt.batch = optarg;
			break;
		case 'f':
			opt.force = true;
			break;
		case 't':
			ctl_timestamps = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("kallocctl %s\n", KALLOC_VERSION);
			return EXIT_OK;
		default:
			return bad_option(argv);
		}
	}
	return -1;
}

static int bad_option(char **argv)
{
	if (optopt == 'B')
		ctl_error("-batch needs a file: try \"kallocctl help\"");
	else if (optopt)
		ctl_error("unknown option \"-%c\": try \"kallocctl help\"",
			  optopt);
	else
		ctl_error("unknown option \"%s\": try \"kallocctl help\"",
			  argv[optind - 1]);
	return EXIT_USAGE;
}

/* One command, argv[0] its first word; its output begun and ended. */
static int run_command(int argc, char **argv)
{
	const struct command *cmd = find_command(argv[0]);
	int ret;

	ctl_output_begin();
	if (!cmd) {
		ctl_error("unknown command \"%s\": try \"kallocctl help\"",
			  argv[0]);
		ret = EXIT_USAGE;
	} else if (cmd->obj) {
		ret = ctl_object_run(cmd->obj, cmd->verb, argc, argv);
	} else {
		ret = run_help(argc, argv);
	}
	return ctl_output_end(ret);
}

/* An error before any command: still an error object in JSON mode. */
static int early_error(int status)
{
	ctl_output_begin();
	ctl_error("%s", status == EXIT_USAGE && opt.batch ?
		  "-batch takes no command: the commands are in the file" :
		  "no command given: try \"kallocctl help\"");
	return ctl_output_end(status);
}

static int run(int argc, char **argv)
{
	int ret = parse_options(argc, argv);

	ctl_set_output(opt.json, opt.pretty, opt.bytes);
	if (ret > 0) {
		ctl_output_begin();
		return ctl_output_end(ret);
	}
	if (ret == 0)
		return ret;
	if (opt.batch && optind < argc)
		return early_error(EXIT_USAGE);
	if (opt.batch)
		return ctl_batch_run(opt.batch, opt.force, run_command);
	if (optind >= argc)
		return early_error(EXIT_USAGE);
	return run_command(argc - optind, argv + optind);
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	if (fflush(stdout) || ferror(stdout)) {
		ctl_error("cannot write the output: %s", strerror(errno));
		return EXIT_FAILED;
	}
	return ret;
}
