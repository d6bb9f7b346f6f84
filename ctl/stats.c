// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * stats.c - "kallocctl stats [POLICY]": the module totals, a table of
 * every policy's counters (or one policy's), the telemetry counters and
 * their latency histograms; "kallocctl stats interval DURATION" sets the
 * stats group's interval (STATS_SET). JSON uses iproute2's snake_case
 * keys and exact integers; fragmentation is a percent number with two
 * decimals.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_print.h"
#include "stats.h"

enum { COL_POLICY, COL_ALLOCS, COL_FREES, COL_FAILURES, COL_LIVE,
       COL_LIVE_BYTES, COL_PEAK, COL_FOOTPRINT, COL_ARENA, COL_FRAG_INT,
       COL_FRAG_EXT, COL_CANARY, NCOLS };

/* The u64 columns, where they sit in struct kalloc_pstats, their JSON key. */
static const struct {
	int col;
	size_t off;
	const char *key;
	bool bytes;
} counters[] = {
	{ COL_ALLOCS, offsetof(struct kalloc_pstats, allocs), "allocs", false },
	{ COL_FREES, offsetof(struct kalloc_pstats, frees), "frees", false },
	{ COL_FAILURES, offsetof(struct kalloc_pstats, failures), "failures",
	  false },
	{ COL_LIVE, offsetof(struct kalloc_pstats, live_buffers),
	  "live_buffers", false },
	{ COL_LIVE_BYTES, offsetof(struct kalloc_pstats, live_bytes),
	  "live_bytes", true },
	{ COL_PEAK, offsetof(struct kalloc_pstats, peak_bytes), "peak_bytes",
	  true },
	{ COL_FOOTPRINT, offsetof(struct kalloc_pstats, footprint_bytes),
	  "footprint_bytes", true },
	{ COL_ARENA, offsetof(struct kalloc_pstats, arena_bytes),
	  "arena_bytes", true },
};

static uint64_t counter(const struct kalloc_pstats *ps, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)ps + counters[i].off, sizeof(v));
	return v;
}

static const char *cell(uint64_t v, bool bytes, char *buf, size_t len)
{
	if (bytes)
		return size_text(v, buf, len);
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* "12.34%" */
static const char *percent(uint32_t hundredths, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%02u%%", hundredths / 100, hundredths % 100);
	return buf;
}

static void fit_row(struct ctl_col *c, const struct kalloc_pstats *ps)
{
	char buf[32];
	size_t i;

	ctl_col_fit(&c[COL_POLICY], ps->name);
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		ctl_col_fit(&c[counters[i].col], cell(counter(ps, i),
						      counters[i].bytes, buf,
						      sizeof(buf)));
	ctl_col_fit(&c[COL_FRAG_INT], percent(ps->frag_internal, buf,
					      sizeof(buf)));
	ctl_col_fit(&c[COL_FRAG_EXT], percent(ps->frag_external, buf,
					      sizeof(buf)));
}

static void print_histogram(const char *key, const uint64_t *buckets)
{
	unsigned int b;

	open_json_array(key);
	for (b = 0; b < KALLOC_LATENCY_BUCKETS; b++)
		print_u64(PRINT_JSON, NULL, NULL, buckets[b]);
	close_json_array();
}

static void print_row(const struct kalloc_pstats *ps, const struct ctl_col *c)
{
	char fmt[16], buf[32];
	size_t i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "policy",
		     ctl_col_fmt(&c[COL_POLICY], "s", false, fmt, sizeof(fmt)),
		     ps->name);
	print_uint(PRINT_JSON, "policy_id", NULL, ps->policy);
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		print_u64(PRINT_JSON, counters[i].key, NULL, counter(ps, i));
		print_string(PRINT_FP, NULL,
			     ctl_col_fmt(&c[counters[i].col], "s", false, fmt,
					 sizeof(fmt)),
			     cell(counter(ps, i), counters[i].bytes, buf,
				  sizeof(buf)));
	}
	print_hundredths(PRINT_JSON, "frag_internal", NULL, ps->frag_internal);
	print_string(PRINT_FP, NULL, ctl_col_fmt(&c[COL_FRAG_INT], "s", false,
						 fmt, sizeof(fmt)),
		     percent(ps->frag_internal, buf, sizeof(buf)));
	print_hundredths(PRINT_JSON, "frag_external", NULL, ps->frag_external);
	print_string(PRINT_FP, NULL, ctl_col_fmt(&c[COL_FRAG_EXT], "s", false,
						 fmt, sizeof(fmt)),
		     percent(ps->frag_external, buf, sizeof(buf)));
	print_u64(PRINT_ANY, "canary_violations", "%" PRIu64,
		  ps->canary_violations);
	print_histogram("alloc_latency", ps->alloc_latency);
	print_histogram("free_latency", ps->free_latency);
	close_json_object();
	print_nl();
}

const char *ctl_bucket_label(unsigned int b, char *buf, size_t len)
{
	double ns = b ? (double)(1ULL << b) : 0;

	if (ns < 1e3)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.1fs", ns / 1e9);
	return buf;
}

/* Text only: "slab alloc: 256ns:3 512ns:10", the buckets that counted. */
static void print_latency_line(const char *policy, const char *what,
			       const uint64_t *buckets)
{
	char label[16];
	unsigned int b;
	bool any = false;

	for (b = 0; b < KALLOC_LATENCY_BUCKETS && !any; b++)
		any = buckets[b] != 0;
	if (!any)
		return;
	printf("%s %s:", policy, what);
	for (b = 0; b < KALLOC_LATENCY_BUCKETS; b++) {
		if (buckets[b])
			printf(" %s:%" PRIu64,
			       ctl_bucket_label(b, label, sizeof(label)),
			       buckets[b]);
	}
	printf("\n");
}

static void print_latencies(const struct kalloc_stats *st)
{
	size_t i;

	if (is_json_context())
		return;
	printf("\nlatency (count per bucket; a bucket runs from its bound to twice it):\n");
	for (i = 0; i < st->npolicies; i++) {
		print_latency_line(st->policies[i].name, "alloc",
				   st->policies[i].alloc_latency);
		print_latency_line(st->policies[i].name, "free",
				   st->policies[i].free_latency);
	}
}

static void print_totals(const struct kalloc_stats *st)
{
	print_u64(PRINT_JSON, "budget_used", NULL, st->budget_used);
	print_u64(PRINT_JSON, "budget_limit", NULL, st->budget_limit);
	print_size(PRINT_FP, NULL, "budget: %s", st->budget_used);
	print_size(PRINT_FP, NULL, " of %s used", st->budget_limit);
	print_uint(PRINT_ANY, "buffers", "; buffers: %u", st->buffers);
	print_uint(PRINT_ANY, "buffers_max", " of %u\n", st->buffers_max);
}

/* The telemetry counters, as the uapi names them. */
static const struct {
	const char *key;
	size_t off;
} telemetry_u64[] = {
	{ "perf_produced", offsetof(struct kalloc_telemetry, perf_produced) },
	{ "perf_sent", offsetof(struct kalloc_telemetry, perf_sent) },
	{ "perf_dropped", offsetof(struct kalloc_telemetry, perf_dropped) },
	{ "perf_send_failed", offsetof(struct kalloc_telemetry, perf_send_failed) },
	{ "stats_sent", offsetof(struct kalloc_telemetry, stats_sent) },
	{ "stats_send_failed",
	  offsetof(struct kalloc_telemetry, stats_send_failed) },
	{ "events_sent", offsetof(struct kalloc_telemetry, events_sent) },
	{ "events_send_failed",
	  offsetof(struct kalloc_telemetry, events_send_failed) },
};

static uint64_t telemetry_counter(const struct kalloc_telemetry *t, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)t + telemetry_u64[i].off, sizeof(v));
	return v;
}

/*
 * Text, after the table:
 *   telemetry: interval 1s, perf off (ring 4096 records per CPU)
 *   perf records: produced 0 sent 0 dropped 0 send_failed 0
 *   group messages: stats sent 0 failed 0, events sent 3 failed 0
 * JSON: the same counters as top-level keys. A module without telemetry
 * sends none of them, and none is printed.
 */
static void print_telemetry(const struct kalloc_telemetry *t)
{
	char dur[32];
	size_t i;

	if (!t->present)
		return;
	print_u64(PRINT_JSON, "interval_ms", NULL, t->interval_ms);
	print_string(PRINT_FP, NULL, "\ntelemetry: interval %s, ",
		     kalloc_format_duration(t->interval_ms, dur, sizeof(dur)));
	print_bool(PRINT_JSON, "perf_active", NULL, t->perf_active);
	print_string(PRINT_FP, NULL, "perf %s", t->perf_active ? "on" : "off");
	print_uint(PRINT_ANY, "perf_ring", " (ring %u records per CPU)\n",
		   t->perf_ring);
	for (i = 0; i < ARRAY_SIZE(telemetry_u64); i++)
		print_u64(PRINT_JSON, telemetry_u64[i].key, NULL,
			  telemetry_counter(t, i));
	print_u64(PRINT_FP, NULL, "perf records: produced %" PRIu64, t->perf_produced);
	print_u64(PRINT_FP, NULL, " sent %" PRIu64, t->perf_sent);
	print_u64(PRINT_FP, NULL, " dropped %" PRIu64, t->perf_dropped);
	print_u64(PRINT_FP, NULL, " send_failed %" PRIu64 "\n", t->perf_send_failed);
	print_u64(PRINT_FP, NULL, "group messages: stats sent %" PRIu64, t->stats_sent);
	print_u64(PRINT_FP, NULL, " failed %" PRIu64, t->stats_send_failed);
	print_u64(PRINT_FP, NULL, ", events sent %" PRIu64, t->events_sent);
	print_u64(PRINT_FP, NULL, " failed %" PRIu64 "\n", t->events_send_failed);
}

static void print_stats(const struct kalloc_stats *st)
{
	struct ctl_col c[NCOLS] = {
		{ .head = "POLICY" }, { .head = "ALLOCS" },
		{ .head = "FREES" }, { .head = "FAILURES" },
		{ .head = "LIVE" }, { .head = "LIVE_BYTES" },
		{ .head = "PEAK" }, { .head = "FOOTPRINT" },
		{ .head = "ARENA" }, { .head = "FRAG_INT" },
		{ .head = "FRAG_EXT" }, { .head = "CANARY" },
	};
	size_t i;

	ctl_cols_init(c, NCOLS);
	for (i = 0; i < st->npolicies; i++)
		fit_row(c, &st->policies[i]);
	open_json_object(NULL);
	print_totals(st);
	ctl_cols_header(c, NCOLS);
	open_json_array("policies");
	for (i = 0; i < st->npolicies; i++)
		print_row(&st->policies[i], c);
	close_json_array();
	print_telemetry(&st->telemetry);
	close_json_object();
	print_latencies(st);
}

void ctl_stats_json(const struct kalloc_stats *st)
{
	struct ctl_col c[NCOLS] = { { .head = "" } };
	size_t i;

	print_totals(st);
	open_json_array("policies");
	for (i = 0; i < st->npolicies; i++)
		print_row(&st->policies[i], c);
	close_json_array();
	print_telemetry(&st->telemetry);
}

static int do_show(int argc, char **argv)
{
	static struct kalloc_stats st;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	uint32_t id;
	int ret;

	if (argc > 2)
		return ctl_usage("[POLICY]");
	if (argc == 2 && ctl_parse_policy(argv[1], &id))
		return EXIT_USAGE;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_stats_get(nl, argc == 2 ? &id : NULL, &st, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	print_stats(&st);
	return EXIT_OK;
}

int ctl_interval_parse(int argc, char **argv, uint32_t *ms)
{
	uint64_t v;

	if (argc != 2)
		return ctl_usage(CTL_INTERVAL_ARGS);
	/* Any u32 goes to the kernel, which says what is out of range. */
	if (ctl_parse_duration("interval", argv[1], UINT32_MAX, &v))
		return EXIT_USAGE;
	*ms = (uint32_t)v;
	return EXIT_OK;
}

static int do_interval(int argc, char **argv)
{
	struct kalloc_err err;
	struct kalloc_nl *nl;
	uint32_t ms = 0;
	int ret;

	ret = ctl_interval_parse(argc, argv, &ms);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_stats_set_interval(nl, ms, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	return EXIT_OK;
}

static int do_help(int argc, char **argv)
{
	(void)argv;
	return ctl_help_verb(&ctl_stats, argc);
}

static const struct ctl_verb verbs[] = {
	{ "show", do_show, "[POLICY]",
	  "the module's totals and every policy's (or POLICY's) counters" },
	{ "interval", do_interval, CTL_INTERVAL_ARGS,
	  "set the stats group's interval (10ms to 1h)" },
	{ "help", do_help, "", "show this help" },
};

const struct ctl_object ctl_stats = {
	.name = "stats",
	.description = "Allocation statistics, per policy, summed over CPUs",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.default_verb = "show",
	.default_takes_args = true,
	.notes =
		"LIVE is allocs - frees; FOOTPRINT is what the policy holds for its live\n"
		"buffers; FRAG_INT and FRAG_EXT are internal and external fragmentation\n"
		"(docs/allocators.md); CANARY counts damaged guards found.\n"
		"\n"
		"The telemetry lines count perf records and group messages since load\n"
		"(docs/telemetry.md): produced = dropped + sent + send_failed once the rings\n"
		"are drained. DURATION is 10ms, 1.5s, 2m, 1h (a bare number is seconds);\n"
		"the kernel takes 10ms to 1h.\n",
};
