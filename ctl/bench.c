// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - "kallocctl bench": the in-kernel allocator benchmark
 * (BENCH_RUN), and a netlink round-trip benchmark run from here.
 *
 *   kallocctl bench [run] [scenario S] [ops N] [perf]
 *   kallocctl bench netlink [count N]
 *
 * run prints one table per scenario with each allocator's throughput
 * (ops/us = ops * 1000 / ns), ns/op, cycles/op, median and 99th
 * percentile per operation, and its ratio to kmalloc in that scenario
 * (kmalloc's ns/op over its own: above 1 is faster than SLUB). With perf,
 * every allocator runs twice, without and with a perf record per
 * operation (produced only while someone listens to the perf group), and
 * the second row says what the ring cost: its ns/op over the first's, and
 * the extra ns per record.
 *
 * netlink times, in one run and alternating, count round trips of
 * BUFFER_NEW + BUFFER_DEL of one 64-byte buffer and count bare
 * CTRL_CMD_GETFAMILY round trips, and prints the median and 99th
 * percentile of each and their ratio: what kalloc's request path costs
 * over generic netlink's cheapest answer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "json_print.h"

/* ---- arithmetic ------------------------------------------------------- */

uint64_t ctl_ratio_hundredths(uint64_t a, uint64_t b)
{
	if (!b)
		return 0;
	return (uint64_t)((long double)a * 100 / b + 0.5L);
}

void ctl_bench_derive(const struct kalloc_bench_result *r,
		      const struct kalloc_bench_result *base,
		      struct ctl_bench_row *row)
{
	memset(row, 0, sizeof(*row));
	row->ops_per_us = ctl_ratio_hundredths(r->ops * 1000, r->ns);
	row->ns_per_op = ctl_ratio_hundredths(r->ns, r->ops);
	row->cycles_per_op = ctl_ratio_hundredths(r->cycles, r->ops);
	row->p50_ns = (r->p50_ps + 5) / 10;
	row->p99_ns = (r->p99_ps + 5) / 10;
	/* Throughput over kmalloc's: (ops / ns) / (base ops / base ns). */
	if (base && base->ops && base->ns && r->ops && r->ns) {
		row->has_ratio = true;
		row->ratio = (uint64_t)((long double)r->ops * base->ns * 100 /
					((long double)r->ns * base->ops) + 0.5L);
	}
}

bool ctl_ring_cost(const struct kalloc_bench_result *off,
		   const struct kalloc_bench_result *on,
		   struct ctl_ring_cost *cost)
{
	long double extra;

	if (!on->records || !off->ops || !off->ns || !on->ops)
		return false;
	cost->ratio = (uint64_t)((long double)on->ns * off->ops * 100 /
				 ((long double)off->ns * on->ops) + 0.5L);
	/* on's time minus what off would have taken for as many operations. */
	extra = (long double)on->ns - (long double)off->ns * on->ops / off->ops;
	cost->ps_per_record = extra > 0 ?
		(uint64_t)(extra * 1000 / on->records + 0.5L) : 0;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t ctl_percentile(uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	/* Nearest rank: the smallest value with pct% of them at or below. */
	rank = (size_t)(((uint64_t)n * pct + 99) / 100);
	return v[rank ? rank - 1 : 0];
}

/* ---- run -------------------------------------------------------------- */

int ctl_bench_parse(int argc, char **argv, struct ctl_bench_args *a)
{
	struct ctl_kw kws[] = {
		{ .word = "scenario", .takes_value = true },
		{ .word = "ops", .takes_value = true },
		{ .word = "perf" },
	};
	uint64_t ops;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = ctl_parse_keywords(argc - 1, argv + 1, kws, ARRAY_SIZE(kws),
				 CTL_BENCH_ARGS);
	if (ret)
		return ret;
	a->perf = kws[2].seen;
	if (kws[0].seen) {
		a->has_scenario = true;
		ret = ctl_parse_scenario(kws[0].value, &a->scenario);
	}
	/* Any u32 goes to the kernel, which says what is out of range. */
	if (!ret && kws[1].seen) {
		a->has_ops = true;
		ret = ctl_parse_uint("ops", kws[1].value, 0, UINT32_MAX, &ops);
		a->ops = (uint32_t)ops;
	}
	return ret;
}

enum { COL_ALLOCATOR, COL_OPS, COL_OPS_US, COL_NS_OP, COL_CYC_OP, COL_P50,
       COL_P99, COL_RATIO, COL_FAILURES, COL_PERF, COL_RECORDS, COL_VS_OFF,
       COL_NS_RECORD, NCOLS };

/* Without perf passes the table ends at FAILURES. */
#define NCOLS_PLAIN	(COL_FAILURES + 1)

/* kmalloc's result of the same scenario and pass. */
static const struct kalloc_bench_result *
kmalloc_of(const struct kalloc_bench *b, const struct kalloc_bench_result *r)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->results[i].scenario == r->scenario &&
		    b->results[i].policy == KALLOC_POLICY_KMALLOC &&
		    b->results[i].perf == r->perf)
			return &b->results[i];
	}
	return NULL;
}

/* For a pass with records: the same allocator's pass without, just before it. */
static const struct kalloc_bench_result *
ring_off_of(const struct kalloc_bench *b, size_t i)
{
	const struct kalloc_bench_result *r = &b->results[i];

	if (!r->perf || i == 0)
		return NULL;
	r--;
	if (r->perf || r->scenario != b->results[i].scenario ||
	    strcmp(r->allocator, b->results[i].allocator))
		return NULL;
	return r;
}

static const char *centi(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ".%02u", v / 100,
		 (unsigned int)(v % 100));
	return buf;
}

static void fit_perf(struct ctl_col *c, const struct kalloc_bench_result *r,
		     const struct kalloc_bench_result *off)
{
	struct ctl_ring_cost cost;
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, r->records);
	ctl_col_fit(&c[COL_RECORDS], buf);
	if (off && ctl_ring_cost(off, r, &cost)) {
		ctl_col_fit(&c[COL_VS_OFF], centi(cost.ratio, buf, sizeof(buf)));
		ctl_col_fit(&c[COL_NS_RECORD],
			    centi((cost.ps_per_record + 5) / 10, buf, sizeof(buf)));
	}
}

static void fit_row(struct ctl_col *c, const struct kalloc_bench_result *r,
		    const struct ctl_bench_row *row)
{
	char buf[32];

	ctl_col_fit(&c[COL_ALLOCATOR], r->allocator);
	snprintf(buf, sizeof(buf), "%" PRIu64, r->ops);
	ctl_col_fit(&c[COL_OPS], buf);
	ctl_col_fit(&c[COL_OPS_US], centi(row->ops_per_us, buf, sizeof(buf)));
	ctl_col_fit(&c[COL_NS_OP], centi(row->ns_per_op, buf, sizeof(buf)));
	ctl_col_fit(&c[COL_CYC_OP], centi(row->cycles_per_op, buf, sizeof(buf)));
	ctl_col_fit(&c[COL_P50], centi(row->p50_ns, buf, sizeof(buf)));
	ctl_col_fit(&c[COL_P99], centi(row->p99_ns, buf, sizeof(buf)));
	ctl_col_fit(&c[COL_RATIO], centi(row->ratio, buf, sizeof(buf)));
}

/* Text columns carry hundredths as "12.34"; JSON has the same numbers. */
static void print_centi(const char *key, const struct ctl_col *c, uint64_t v)
{
	char fmt[16];

	print_hundredths(PRINT_ANY, key,
			 ctl_col_fmt(c, "s", false, fmt, sizeof(fmt)), v);
}

/*
 * The perf columns: PERF off/on, RECORDS, and on a pass with records
 * VS_OFF (its ns/op over the pass without) and NS/RECORD.
 */
static void print_perf(const struct kalloc_bench_result *r,
		       const struct kalloc_bench_result *off,
		       const struct ctl_col *c)
{
	struct ctl_ring_cost cost;
	char fmt[16];
	bool has_cost = off && ctl_ring_cost(off, r, &cost);

	print_string(PRINT_FP, NULL, ctl_col_fmt(&c[COL_PERF], "s", false, fmt,
						 sizeof(fmt)),
		     r->perf ? "on" : "off");
	print_u64(PRINT_ANY, "records",
		  ctl_col_fmt(&c[COL_RECORDS], PRIu64, false, fmt, sizeof(fmt)),
		  r->records);
	if (has_cost) {
		print_centi("ring_cost", &c[COL_VS_OFF], cost.ratio);
		print_hundredths(PRINT_ANY, "ns_per_record", "%s",
				 (cost.ps_per_record + 5) / 10);
	} else {
		print_string(PRINT_FP, NULL, ctl_col_fmt(&c[COL_VS_OFF], "s",
							 false, fmt, sizeof(fmt)),
			     "-");
		print_string(PRINT_FP, NULL, "%s", "-");
	}
}

static void print_result(const struct kalloc_bench_result *r,
			 const struct ctl_bench_row *row,
			 const struct ctl_col *c, bool perf,
			 const struct kalloc_bench_result *off)
{
	const char *scenario = kalloc_bench_scenario_name(r->scenario);
	char fmt[16];

	open_json_object(NULL);
	print_string(PRINT_JSON, "scenario", NULL, scenario ? scenario : "?");
	print_uint(PRINT_JSON, "scenario_id", NULL, r->scenario);
	print_string(PRINT_ANY, "allocator",
		     ctl_col_fmt(&c[COL_ALLOCATOR], "s", false, fmt, sizeof(fmt)),
		     r->allocator);
	if (r->policy)
		print_uint(PRINT_JSON, "policy_id", NULL, r->policy);
	print_u64(PRINT_ANY, "ops",
		  ctl_col_fmt(&c[COL_OPS], PRIu64, false, fmt, sizeof(fmt)),
		  r->ops);
	print_u64(PRINT_JSON, "ns", NULL, r->ns);
	print_u64(PRINT_JSON, "cycles", NULL, r->cycles);
	print_u64(PRINT_JSON, "p50_ps", NULL, r->p50_ps);
	print_u64(PRINT_JSON, "p99_ps", NULL, r->p99_ps);
	print_centi("ops_per_us", &c[COL_OPS_US], row->ops_per_us);
	print_centi("ns_per_op", &c[COL_NS_OP], row->ns_per_op);
	print_centi("cycles_per_op", &c[COL_CYC_OP], row->cycles_per_op);
	print_centi("p50_ns", &c[COL_P50], row->p50_ns);
	print_centi("p99_ns", &c[COL_P99], row->p99_ns);
	if (row->has_ratio)
		print_centi("ratio_to_kmalloc", &c[COL_RATIO], row->ratio);
	else
		print_string(PRINT_FP, NULL, ctl_col_fmt(&c[COL_RATIO], "s",
							 false, fmt, sizeof(fmt)),
			     "-");
	print_bool(PRINT_JSON, "perf", NULL, r->perf);
	if (perf) {
		print_u64(PRINT_FP, NULL, ctl_col_fmt(&c[COL_FAILURES], PRIu64,
						      false, fmt, sizeof(fmt)),
			  r->failures);
		print_u64(PRINT_JSON, "failures", NULL, r->failures);
		print_perf(r, off, c);
	} else {
		print_u64(PRINT_ANY, "failures", "%" PRIu64, r->failures);
	}
	close_json_object();
	print_nl();
}

/* Text: one table per scenario, in run order. JSON: one flat array. */
static void print_scenario(const struct kalloc_bench *b, uint32_t scenario,
			   bool first, bool perf)
{
	struct ctl_col c[NCOLS] = {
		{ .head = "ALLOCATOR" }, { .head = "OPS" },
		{ .head = "OPS/US" }, { .head = "NS/OP" },
		{ .head = "CYCLES/OP" }, { .head = "P50_NS" },
		{ .head = "P99_NS" }, { .head = "VS_KMALLOC" },
		{ .head = "FAILURES" }, { .head = "PERF" },
		{ .head = "RECORDS" }, { .head = "VS_OFF" },
		{ .head = "NS/RECORD" },
	};
	const char *name = kalloc_bench_scenario_name(scenario);
	size_t ncols = perf ? NCOLS : NCOLS_PLAIN;
	const struct kalloc_bench_result *r;
	struct ctl_bench_row row;
	size_t i;

	ctl_cols_init(c, ncols);
	for (i = 0; i < b->n; i++) {
		r = &b->results[i];
		if (r->scenario != scenario)
			continue;
		ctl_bench_derive(r, kmalloc_of(b, r), &row);
		fit_row(c, r, &row);
		if (perf)
			fit_perf(c, r, ring_off_of(b, i));
	}
	print_string(PRINT_FP, NULL, first ? "scenario %s\n" : "\nscenario %s\n",
		     name ? name : "?");
	ctl_cols_header(c, ncols);
	for (i = 0; i < b->n; i++) {
		r = &b->results[i];
		if (r->scenario != scenario)
			continue;
		ctl_bench_derive(r, kmalloc_of(b, r), &row);
		print_result(r, &row, c, perf, ring_off_of(b, i));
	}
}

static bool seen_before(const struct kalloc_bench *b, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++) {
		if (b->results[j].scenario == b->results[i].scenario)
			return true;
	}
	return false;
}

static void print_bench(const struct kalloc_bench *b, bool perf)
{
	bool first = true;
	size_t i;

	open_json_array(NULL);
	for (i = 0; i < b->n; i++) {
		if (seen_before(b, i))
			continue;
		print_scenario(b, b->results[i].scenario, first, perf);
		first = false;
	}
	close_json_array();
}

static int do_run(int argc, char **argv)
{
	static struct kalloc_bench b;
	struct ctl_bench_args a;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	ret = ctl_bench_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	if (a.perf)
		ret = kalloc_bench_run_perf(nl, a.has_scenario ? &a.scenario : NULL,
					    a.has_ops ? &a.ops : NULL, &b, &err);
	else
		ret = kalloc_bench_run(nl, a.has_scenario ? &a.scenario : NULL,
				       a.has_ops ? &a.ops : NULL, &b, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	print_bench(&b, a.perf);
	return EXIT_OK;
}

/* ---- netlink ---------------------------------------------------------- */

int ctl_netbench_parse(int argc, char **argv, uint64_t *count)
{
	struct ctl_kw kws[] = {
		{ .word = "count", .takes_value = true },
	};
	int ret;

	*count = CTL_NETBENCH_COUNT;
	ret = ctl_parse_keywords(argc - 1, argv + 1, kws, ARRAY_SIZE(kws),
				 CTL_NETBENCH_ARGS);
	if (!ret && kws[0].seen)
		ret = ctl_parse_uint("count", kws[0].value, 1,
				     CTL_NETBENCH_COUNT_MAX, count);
	return ret;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One BUFFER_NEW + BUFFER_DEL of spec's buffer; its time in *ns. */
static int time_alloc_free(struct kalloc_nl *nl,
			   const struct kalloc_buffer_spec *spec, uint64_t *ns,
			   struct kalloc_err *err)
{
	uint64_t t0 = now_ns();
	int ret;

	ret = kalloc_buffer_new(nl, spec, NULL, err);
	if (!ret)
		ret = kalloc_buffer_del(nl, spec->name, 0, err);
	*ns = now_ns() - t0;
	return ret;
}

static int time_getfamily(struct kalloc_nl *nl, uint64_t *ns,
			  struct kalloc_err *err)
{
	uint64_t t0 = now_ns();
	int ret;

	ret = kalloc_nl_getfamily(nl, err);
	*ns = now_ns() - t0;
	return ret;
}

/* Alternating, so that both see the same machine over the same time. */
static int netbench(struct kalloc_nl *nl, uint64_t count, uint64_t *af,
		    uint64_t *gf, struct kalloc_err *err)
{
	char name[KALLOC_NAME_MAX];
	struct kalloc_buffer_spec spec = {
		.name = name, .size = 64, .owner = "bench",
	};
	uint64_t i;
	int ret = 0;

	snprintf(name, sizeof(name), "nlbench-%ld", (long)getpid());
	for (i = 0; !ret && i < count; i++) {
		ret = time_alloc_free(nl, &spec, &af[i], err);
		if (!ret)
			ret = time_getfamily(nl, &gf[i], err);
	}
	return ret;
}

static void print_netbench(uint64_t count, uint64_t *af, uint64_t *gf)
{
	uint64_t a50 = ctl_percentile(af, count, 50);
	uint64_t a99 = ctl_percentile(af, count, 99);
	uint64_t g50 = ctl_percentile(gf, count, 50);
	uint64_t g99 = ctl_percentile(gf, count, 99);

	open_json_object(NULL);
	print_u64(PRINT_ANY, "count", "netlink round trips, %" PRIu64 " of each\n",
		  count);
	print_string(PRINT_FP, NULL, "%s\n",
		     "OPERATION                  P50_US    P99_US");
	print_hundredths(PRINT_FP, NULL, "alloc+free (NEW + DEL)     %-8s  ",
			 (a50 + 5) / 10);
	print_hundredths(PRINT_FP, NULL, "%s\n", (a99 + 5) / 10);
	print_hundredths(PRINT_FP, NULL, "getfamily (CTRL)           %-8s  ",
			 (g50 + 5) / 10);
	print_hundredths(PRINT_FP, NULL, "%s\n", (g99 + 5) / 10);
	print_u64(PRINT_JSON, "alloc_free_p50_ns", NULL, a50);
	print_u64(PRINT_JSON, "alloc_free_p99_ns", NULL, a99);
	print_u64(PRINT_JSON, "getfamily_p50_ns", NULL, g50);
	print_u64(PRINT_JSON, "getfamily_p99_ns", NULL, g99);
	print_hundredths(PRINT_ANY, "ratio_p50", "ratio                      %-8s  ",
			 ctl_ratio_hundredths(a50, g50));
	print_hundredths(PRINT_ANY, "ratio_p99", "%s\n",
			 ctl_ratio_hundredths(a99, g99));
	close_json_object();
}

static int do_netlink(int argc, char **argv)
{
	struct kalloc_err err;
	struct kalloc_nl *nl;
	uint64_t count, *af, *gf;
	int ret;

	ret = ctl_netbench_parse(argc, argv, &count);
	if (ret)
		return ret;
	af = calloc(count, sizeof(*af));
	gf = calloc(count, sizeof(*gf));
	if (!af || !gf) {
		ctl_error("%s", strerror(ENOMEM));
		ret = EXIT_FAILED;
		goto free_times;
	}
	ret = ctl_open(&nl);
	if (ret)
		goto free_times;
	ret = netbench(nl, count, af, gf, &err);
	ctl_close(nl);
	if (ret)
		ret = ctl_failed(&err);
	else
		print_netbench(count, af, gf);
free_times:
	free(gf);
	free(af);
	return ret;
}

static int do_help(int argc, char **argv)
{
	(void)argv;
	return ctl_help_verb(&ctl_bench, argc);
}

static const struct ctl_verb verbs[] = {
	{ "run", do_run, CTL_BENCH_ARGS,
	  "run the allocator benchmark in the kernel, beside kmalloc" },
	{ "netlink", do_netlink, CTL_NETBENCH_ARGS,
	  "time alloc+free round trips beside bare GETFAMILY ones" },
	{ "help", do_help, "", "show this help" },
};

const struct ctl_object ctl_bench = {
	.name = "bench",
	.description = "Benchmarks: the allocators in the kernel, and netlink",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.default_verb = "run",
	.default_takes_args = true,
	.notes =
		"S is uniform, kernel, phase, fragstress or pages (default: all); N is\n"
		"operations per allocator and scenario (the kernel's default 200000,\n"
		"at most 10000000). VS_KMALLOC is kmalloc's ns/op over the allocator's:\n"
		"above 1.00 it is faster than SLUB. Times are per operation, in ns,\n"
		"from batched timing; under emulation (TCG) only ratios mean much.\n"
		"perf runs every allocator twice, without and with a perf record per\n"
		"operation; records are produced only while someone listens to the perf\n"
		"group (kallocctl monitor perf). VS_OFF is the second pass's ns/op over\n"
		"the first's, NS/RECORD the time each record added.\n",
};
