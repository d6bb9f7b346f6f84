/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * bench.h - the bench object of kallocctl (bench.c): argument parsers and
 * the arithmetic of its tables, pure, for the unit tests.
 */
#ifndef KALLOC_CTL_BENCH_H
#define KALLOC_CTL_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

#define CTL_BENCH_ARGS		"[scenario S] [ops N] [perf]"
#define CTL_NETBENCH_ARGS	"[count N]"
#define CTL_NETBENCH_COUNT	1000
#define CTL_NETBENCH_COUNT_MAX	1000000

struct ctl_bench_args {
	bool has_scenario;
	uint32_t scenario;
	bool has_ops;
	uint32_t ops;
	bool perf;		/* KALLOC_BENCH_A_PERF: every allocator twice */
};

/* argv[0] is the verb; EXIT_OK or EXIT_USAGE (printed). */
int ctl_bench_parse(int argc, char **argv, struct ctl_bench_args *a);
int ctl_netbench_parse(int argc, char **argv, uint64_t *count);

/* One row of a scenario's table, in hundredths (12.34 is 1234). */
struct ctl_bench_row {
	uint64_t ops_per_us;
	uint64_t ns_per_op;
	uint64_t cycles_per_op;
	uint64_t p50_ns, p99_ns;
	bool has_ratio;
	uint64_t ratio;		/* kmalloc's ns/op over this one's: >1 faster */
};

/* r's row; base is kmalloc's result in the same scenario, or NULL. */
void ctl_bench_derive(const struct kalloc_bench_result *r,
		      const struct kalloc_bench_result *base,
		      struct ctl_bench_row *row);

/*
 * What the perf ring cost one allocator: its pass with records (on) over
 * the same allocator's pass without (off), in one run. ratio is on's
 * ns/op over off's, in hundredths; ps_per_record the extra time per
 * record, in picoseconds. false when on produced no record (nobody
 * listened to the perf group) or a pass has no operations.
 */
struct ctl_ring_cost {
	uint64_t ratio;
	uint64_t ps_per_record;
};

bool ctl_ring_cost(const struct kalloc_bench_result *off,
		   const struct kalloc_bench_result *on,
		   struct ctl_ring_cost *cost);

/* The pct-th percentile (nearest rank) of v[0 .. n); sorts v. */
uint64_t ctl_percentile(uint64_t *v, size_t n, unsigned int pct);
/* a / b in hundredths, rounded; 0 when b is 0. */
uint64_t ctl_ratio_hundredths(uint64_t a, uint64_t b);

#endif /* KALLOC_CTL_BENCH_H */
