// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * common.c - the parts of kallocctl every object uses: errors, usage
 * messages, opening the netlink client, argument values and keywords,
 * and running an object's verb.
 *
 * kallocctl checks only what it must to build a request: the number and
 * spelling of arguments, the syntax of sizes and numbers, and policy and
 * scenario names, which the kernel knows only as numbers. Whether a
 * buffer name is valid or a size in range is the kernel's to say, and its
 * extended ACK message is printed as is; that way the CLI can never
 * disagree with the module it talks to.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "json_print.h"

static char invocation[64] = "kallocctl";

/* How output looks: -j, -p, -b. */
static struct {
	bool json, pretty, bytes;
} output;

/*
 * The last error of the running command, kept for the JSON error object
 * (ctl_output_end); where: the batch file and line it came from.
 */
static struct {
	bool set;
	char msg[320];
	int code;		/* negative errno from the kernel, or 0 */
	const char *file;
	unsigned long line;
} error;

/* In batch mode, every command shares this one socket (ctl_batch_begin). */
static struct {
	bool on;
	struct kalloc_nl *nl;
} batch;

bool ctl_timestamps;

void ctl_set_invocation(const char *first, const char *second)
{
	snprintf(invocation, sizeof(invocation), "kallocctl %s%s%s", first,
		 second ? " " : "", second ? second : "");
}

static void verror(const char *fmt, va_list ap)
{
	vsnprintf(error.msg, sizeof(error.msg), fmt, ap);
	error.set = true;
	if (error.file)
		fprintf(stderr, "Error: %s:%lu: %s\n", error.file, error.line,
			error.msg);
	else
		fprintf(stderr, "Error: %s\n", error.msg);
}

void ctl_set_error_where(const char *file, unsigned long line)
{
	error.file = file;
	error.line = line;
}

void ctl_set_output(bool json, bool pretty, bool bytes)
{
	output.json = json || pretty;
	output.pretty = pretty;
	output.bytes = bytes;
}

void ctl_output_begin(void)
{
	new_json_obj(stdout, output.json, output.pretty);
	set_size_bytes(output.bytes);
}

/*
 * The JSON error object, unless the command already printed its result
 * (check prints every buffer, then fails because one is damaged): stdout
 * stays one JSON document either way.
 */
static void print_error_json(int status)
{
	open_json_object(NULL);
	print_string(PRINT_JSON, "error", NULL, error.msg);
	print_int(PRINT_JSON, "status", NULL, status);
	if (error.code)
		print_int(PRINT_JSON, "errno", NULL, -error.code);
	if (error.file) {
		print_string(PRINT_JSON, "file", NULL, error.file);
		print_u64(PRINT_JSON, "line", NULL, error.line);
	}
	close_json_object();
}

int ctl_output_end(int status)
{
	if (status && error.set && is_json_context() && !json_printed())
		print_error_json(status);
	delete_json_obj();
	error.set = false;
	error.code = 0;
	return status;
}

void ctl_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

int ctl_usage(const char *args)
{
	ctl_error("usage: %s%s%s", invocation, *args ? " " : "", args);
	return EXIT_USAGE;
}

int ctl_usage_because(const char *args, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ctl_error("%s; usage: %s%s%s", why, invocation, *args ? " " : "",
		  args);
	return EXIT_USAGE;
}

int ctl_open(struct kalloc_nl **nl)
{
	struct kalloc_err err;
	int ret;

	if (batch.on && batch.nl) {
		*nl = batch.nl;
		return EXIT_OK;
	}
	ret = kalloc_nl_open(nl, &err);
	if (!ret) {
		if (batch.on)
			batch.nl = *nl;
		return EXIT_OK;
	}
	error.code = err.code;
	ctl_error("%s", err.msg);
	return ret == -ENOENT ? EXIT_NOFAMILY : EXIT_FAILED;
}

void ctl_close(struct kalloc_nl *nl)
{
	if (!batch.on)
		kalloc_nl_close(nl);
}

bool ctl_in_batch(void)
{
	return batch.on;
}

void ctl_batch_begin(void)
{
	batch.on = true;
}

void ctl_batch_end(void)
{
	if (batch.nl)
		kalloc_nl_close(batch.nl);
	batch.nl = NULL;
	batch.on = false;
	ctl_set_error_where(NULL, 0);
}

int ctl_failed(const struct kalloc_err *err)
{
	error.code = err->code;
	ctl_error("%s", err->msg);
	return EXIT_FAILED;
}

/* ---- argument values -------------------------------------------------- */

int ctl_parse_size(const char *what, const char *s, uint64_t *out)
{
	int ret = kalloc_parse_size(s, out);

	if (ret == -ERANGE)
		ctl_error("invalid %s \"%s\": too large", what, s);
	else if (ret)
		ctl_error("invalid %s \"%s\": expected a number of bytes with an optional K, M, G or T suffix",
			  what, s);
	return ret ? EXIT_USAGE : EXIT_OK;
}

int ctl_parse_uint(const char *what, const char *s, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	int ret = kalloc_parse_uint(s, max, out);

	if (!ret && *out >= min)
		return EXIT_OK;
	ctl_error("invalid %s \"%s\": expected a number from %" PRIu64 " to %" PRIu64,
		  what, s, min, max);
	return EXIT_USAGE;
}

int ctl_parse_duration(const char *what, const char *s, uint64_t max,
		       uint64_t *ms)
{
	int ret = kalloc_parse_duration(s, ms);

	if (!ret && *ms <= max)
		return EXIT_OK;
	if (ret == -EINVAL)
		ctl_error("invalid %s \"%s\": expected a duration such as 10ms, 1.5s, 2m or 1h (a bare number is seconds)",
			  what, s);
	else
		ctl_error("invalid %s \"%s\": too long", what, s);
	return EXIT_USAGE;
}

int ctl_parse_policy(const char *s, uint32_t *id)
{
	char names[128];
	int ret = kalloc_policy_parse(s, id);

	if (!ret)
		return EXIT_OK;
	if (ret == -ERANGE)
		ctl_error("invalid policy \"%s\": a policy number is at most %" PRIu32,
			  s, UINT32_MAX);
	else
		ctl_error("unknown policy \"%s\": expected %s (or a number)", s,
			  kalloc_policy_names(names, sizeof(names)));
	return EXIT_USAGE;
}

int ctl_parse_scenario(const char *s, uint32_t *id)
{
	char names[128];
	int ret = kalloc_bench_scenario_parse(s, id);

	if (!ret)
		return EXIT_OK;
	if (ret == -ERANGE)
		ctl_error("invalid scenario \"%s\": a scenario number is at most %" PRIu32,
			  s, UINT32_MAX);
	else
		ctl_error("unknown scenario \"%s\": expected %s (or a number)", s,
			  kalloc_bench_scenario_names(names, sizeof(names)));
	return EXIT_USAGE;
}

/* ---- keywords --------------------------------------------------------- */

static struct ctl_kw *find_kw(struct ctl_kw *kws, size_t nkw, const char *w)
{
	size_t i;

	for (i = 0; i < nkw; i++) {
		if (!strcmp(kws[i].word, w))
			return &kws[i];
	}
	return NULL;
}

int ctl_parse_keywords(int argc, char **argv, struct ctl_kw *kws, size_t nkw,
		       const char *args)
{
	struct ctl_kw *kw;
	int i;

	for (i = 0; i < argc; i++) {
		kw = find_kw(kws, nkw, argv[i]);
		if (!kw)
			return ctl_usage_because(args,
						 "unknown argument \"%s\"",
						 argv[i]);
		if (kw->seen)
			return ctl_usage_because(args,
						 "\"%s\" given twice", kw->word);
		kw->seen = true;
		if (!kw->takes_value)
			continue;
		if (i + 1 >= argc)
			return ctl_usage_because(args,
						 "\"%s\" needs a value",
						 kw->word);
		kw->value = argv[++i];
	}
	return EXIT_OK;
}

/* ---- text tables ------------------------------------------------------ */

void ctl_cols_init(struct ctl_col *cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cols[i].width = (int)strlen(cols[i].head);
}

void ctl_col_fit(struct ctl_col *col, const char *cell)
{
	int len = (int)strlen(cell);

	if (len > col->width)
		col->width = len;
}

void ctl_cols_header(const struct ctl_col *cols, size_t n)
{
	char fmt[16];
	size_t i;

	for (i = 0; i < n; i++)
		print_string(PRINT_FP, NULL,
			     ctl_col_fmt(&cols[i], "s", i + 1 == n, fmt,
					 sizeof(fmt)),
			     cols[i].head);
	print_nl();
}

const char *ctl_col_fmt(const struct ctl_col *col, const char *conv,
			bool last, char *buf, size_t len)
{
	if (last)
		snprintf(buf, len, "%%%s", conv);
	else
		snprintf(buf, len, "%%-%d%s  ", col->width, conv);
	return buf;
}

/* ---- objects ---------------------------------------------------------- */

const struct ctl_verb *ctl_find_verb(const struct ctl_object *obj,
				     const char *name)
{
	size_t i;

	for (i = 0; i < obj->nverbs; i++) {
		if (!strcmp(obj->verbs[i].name, name))
			return &obj->verbs[i];
	}
	return NULL;
}

void ctl_object_help(const struct ctl_object *obj, FILE *fp)
{
	char synopsis[96];
	size_t i;

	fprintf(fp, "Usage: kallocctl %s VERB [ARGS]\n\n%s.\n\nVerbs",
		obj->name, obj->description);
	if (obj->default_verb)
		fprintf(fp, " (without one: %s)", obj->default_verb);
	fputs(":\n", fp);
	for (i = 0; i < obj->nverbs; i++) {
		snprintf(synopsis, sizeof(synopsis), "%s %s", obj->verbs[i].name,
			 obj->verbs[i].args);
		if (strlen(synopsis) > 44)
			fprintf(fp, "  %s\n  %-44s %s\n", synopsis, "",
				obj->verbs[i].description);
		else
			fprintf(fp, "  %-44s %s\n", synopsis,
				obj->verbs[i].description);
	}
	if (obj->notes)
		fprintf(fp, "\n%s", obj->notes);
}

int ctl_help_verb(const struct ctl_object *obj, int argc)
{
	if (argc != 1)
		return ctl_usage("");
	ctl_object_help(obj, stdout);
	return EXIT_OK;
}

int ctl_object_run(const struct ctl_object *obj, const char *verb, int argc,
		   char **argv)
{
	const struct ctl_verb *v;

	if (verb) {
		/* A top-level word: "kallocctl alloc". */
		v = ctl_find_verb(obj, verb);
		ctl_set_invocation(argv[0], NULL);
	} else if (argc > 1 && ctl_find_verb(obj, argv[1])) {
		v = ctl_find_verb(obj, argv[1]);
		ctl_set_invocation(argv[0], argv[1]);
		argc--;
		argv++;
	} else if (obj->default_verb &&
		   (argc == 1 || obj->default_takes_args)) {
		/* "kallocctl stats slab": the object's word stands for the verb. */
		v = ctl_find_verb(obj, obj->default_verb);
		ctl_set_invocation(argv[0], NULL);
	} else {
		if (argc > 1)
			ctl_error("unknown verb \"%s\" for %s: try \"kallocctl %s help\"",
				  argv[1], obj->name, obj->name);
		else
			ctl_error("%s needs a verb: try \"kallocctl %s help\"",
				  obj->name, obj->name);
		return EXIT_USAGE;
	}
	return v->fn(argc, argv);
}
