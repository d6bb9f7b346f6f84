// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kallocctl: the kalloc command line, in the style of iproute2 and wg(8).
 *
 *   kallocctl [-j|--json] [-p|--pretty] [-t|--timestamp] COMMAND [ARGS]
 *   kallocctl [OPTIONS] OBJECT [VERB] [ARGS]
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

static bool json, pretty;

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
		"Options (before the command):\n"
		"  -j, --json       print JSON (monitor: one object a line)\n"
		"  -p, --pretty     print indented JSON (implies -j)\n"
		"  -t, --timestamp  monitor: a timestamp on each line\n"
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

/* Global options; returns -1 to go on to the command, else an exit code. */
static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "timestamp", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpthV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
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
			if (optopt)
				ctl_error("unknown option \"-%c\": try \"kallocctl help\"",
					  optopt);
			else
				ctl_error("unknown option \"%s\": try \"kallocctl help\"",
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
		ctl_error("no command given: try \"kallocctl help\"");
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		ctl_error("unknown command \"%s\": try \"kallocctl help\"",
			  argv[optind]);
		return EXIT_USAGE;
	}
	new_json_obj(stdout, json, pretty);
	if (cmd->obj)
		ret = ctl_object_run(cmd->obj, cmd->verb, argc - optind,
				     argv + optind);
	else
		ret = run_help(argc - optind, argv + optind);
	delete_json_obj();
	if (fflush(stdout) || ferror(stdout)) {
		ctl_error("cannot write the output: %s", strerror(errno));
		return EXIT_FAILED;
	}
	return ret;
}
