// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kallocctl's pure parts (ctl/libkallocctl.a): the argument parsers of
 * its verbs (monitor and stats interval too), keywords, the hexdump of
 * "read ... hex", the arithmetic of the bench tables and of the ring's
 * cost, percentiles, latency bucket labels and the meminfo diagram. The messages
 * of usage errors are tested offline by ctl/test-cli.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "buffer.h"
#include "meminfo.h"
#include "monitor.h"
#include "policy.h"
#include "stats.h"
#include "vdev.h"
#include "check_run.h"

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define CALL(fn, out, ...)	fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), out)

/* Usage errors go to stderr; keep the test log readable. */
static void quiet(void)
{
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
}

START_TEST(alloc_args)
{
	struct ctl_alloc_args a;

	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1K"), EXIT_OK);
	ck_assert_str_eq(a.name, "b");
	ck_assert_uint_eq(a.size, 1024);
	ck_assert(!a.has_policy);
	ck_assert_str_eq(a.owner, "user");
	ck_assert(!a.hold);

	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "4M", "hold",
			      "owner", "kallocd", "policy", "first-fit"),
			 EXIT_OK);
	ck_assert_uint_eq(a.size, 4 << 20);
	ck_assert(a.has_policy);
	ck_assert_uint_eq(a.policy, KALLOC_POLICY_FIRST_FIT);
	ck_assert_str_eq(a.owner, "kallocd");
	ck_assert(a.hold);

	/* Numbers pass through, 0 and unknown ones too. */
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1", "policy",
			      "0"), EXIT_OK);
	ck_assert(a.has_policy);
	ck_assert_uint_eq(a.policy, 0);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1", "policy",
			      "99"), EXIT_OK);
	ck_assert_uint_eq(a.policy, 99);
}
END_TEST

START_TEST(alloc_bad_args)
{
	struct ctl_alloc_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1Q"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1", "policy",
			      "nope"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1", "policy"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1", "hold",
			      "hold"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_alloc_parse, &a, "alloc", "b", "1", "extra"),
			 EXIT_USAGE);
}
END_TEST

START_TEST(read_args)
{
	struct ctl_read_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read", "b"), EXIT_OK);
	ck_assert_str_eq(a.name, "b");
	ck_assert_uint_eq(a.offset, 0);
	ck_assert(!a.has_length);
	ck_assert(!a.hex);
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read", "b", "hex", "length",
			      "0", "offset", "4K"), EXIT_OK);
	ck_assert_uint_eq(a.offset, 4096);
	ck_assert(a.has_length);
	ck_assert_uint_eq(a.length, 0);
	ck_assert(a.hex);
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read", "b", "offset",
			      "18446744073709551615"), EXIT_OK);
	ck_assert_uint_eq(a.offset, UINT64_MAX);
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read", "b", "offset", "-1"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read", "b", "offset",
			      "18446744073709551616"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_read_parse, &a, "read", "b", "length"),
			 EXIT_USAGE);
}
END_TEST

START_TEST(write_args)
{
	struct ctl_write_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "data", "hi"),
			 EXIT_OK);
	ck_assert_int_eq(a.src, CTL_SRC_DATA);
	ck_assert_str_eq(a.value, "hi");
	ck_assert_uint_eq(a.offset, 0);
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "offset", "1M",
			      "file", "/etc/hostname"), EXIT_OK);
	ck_assert_int_eq(a.src, CTL_SRC_FILE);
	ck_assert_str_eq(a.value, "/etc/hostname");
	ck_assert_uint_eq(a.offset, 1 << 20);
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "-"), EXIT_OK);
	ck_assert_int_eq(a.src, CTL_SRC_STDIN);
	/* data "" is data: the kernel says what it thinks of it. */
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "data", ""),
			 EXIT_OK);
	ck_assert_str_eq(a.value, "");
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "-", "data",
			      "x"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "data", "x",
			      "data", "y"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_write_parse, &a, "write", "b", "offset", "x",
			      "-"), EXIT_USAGE);
}
END_TEST

START_TEST(flush_args)
{
	const char *owner = NULL;

	quiet();
	ck_assert_int_eq(CALL(ctl_flush_parse, &owner, "flush", "owner", "t"),
			 EXIT_OK);
	ck_assert_str_eq(owner, "t");
	ck_assert_int_eq(CALL(ctl_flush_parse, &owner, "flush", "owner"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_flush_parse, &owner, "flush", "tag", "t"),
			 EXIT_USAGE);
}
END_TEST

START_TEST(set_args)
{
	struct ctl_set_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set", "b", "size", "8K"),
			 EXIT_OK);
	ck_assert_str_eq(a.name, "b");
	ck_assert(a.has_size && !a.has_policy);
	ck_assert_uint_eq(a.size, 8192);
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set", "b", "policy", "tlsf",
			      "size", "1"), EXIT_OK);
	ck_assert(a.has_size && a.has_policy);
	ck_assert_uint_eq(a.policy, KALLOC_POLICY_TLSF);
	/* Nothing to change, an unknown policy, a bad size: usage errors. */
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set", "b"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set", "b", "policy", "nope"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set", "b", "size", "12Q"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_set_parse, &a, "set", "b", "size", "1",
			      "size", "2"), EXIT_USAGE);
}
END_TEST

START_TEST(policy_set_args)
{
	struct ctl_policy_set_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "slab"), EXIT_OK);
	ck_assert_uint_eq(a.id, KALLOC_POLICY_SLAB);
	ck_assert(!a.migrate);
	ck_assert(!a.has_from);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "tlsf",
			      "migrate"), EXIT_OK);
	ck_assert(a.migrate);
	ck_assert(!a.has_from);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "tlsf",
			      "migrate", "from", "kmalloc"), EXIT_OK);
	ck_assert(a.has_from);
	ck_assert_uint_eq(a.from, KALLOC_POLICY_KMALLOC);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "0"), EXIT_OK);
	ck_assert_uint_eq(a.id, 0);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "x"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "slab", "from",
			      "tlsf"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "slab",
			      "migrate", "from"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_policy_set_parse, &a, "set", "slab",
			      "migrate", "from", "x"), EXIT_USAGE);
}
END_TEST

START_TEST(bench_args)
{
	struct ctl_bench_args a;
	uint64_t count;

	quiet();
	ck_assert_int_eq(CALL(ctl_bench_parse, &a, "bench"), EXIT_OK);
	ck_assert(!a.has_scenario);
	ck_assert(!a.has_ops);
	ck_assert_int_eq(CALL(ctl_bench_parse, &a, "run", "ops", "0",
			      "scenario", "pages"), EXIT_OK);
	ck_assert(a.has_ops);
	ck_assert_uint_eq(a.ops, 0);
	ck_assert_uint_eq(a.scenario, KALLOC_BENCH_PAGES);
	ck_assert_int_eq(CALL(ctl_bench_parse, &a, "run", "ops", "20000000"),
			 EXIT_OK);
	ck_assert_uint_eq(a.ops, 20000000);
	ck_assert_int_eq(CALL(ctl_bench_parse, &a, "run", "ops", "4294967296"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_bench_parse, &a, "run", "scenario", "x"),
			 EXIT_USAGE);
	ck_assert(!a.perf);
	ck_assert_int_eq(CALL(ctl_bench_parse, &a, "run", "perf", "ops", "9"),
			 EXIT_OK);
	ck_assert(a.perf);
	ck_assert_uint_eq(a.ops, 9);
	ck_assert_int_eq(CALL(ctl_netbench_parse, &count, "netlink"), EXIT_OK);
	ck_assert_uint_eq(count, CTL_NETBENCH_COUNT);
	ck_assert_int_eq(CALL(ctl_netbench_parse, &count, "netlink", "count",
			      "5"), EXIT_OK);
	ck_assert_uint_eq(count, 5);
	ck_assert_int_eq(CALL(ctl_netbench_parse, &count, "netlink", "count",
			      "0"), EXIT_USAGE);
}
END_TEST

START_TEST(keywords)
{
	struct ctl_kw kws[] = {
		{ .word = "a", .takes_value = true },
		{ .word = "f" },
	};

	quiet();
	ck_assert_int_eq(ctl_parse_keywords(3, ARGV("f", "a", "1"), kws, 2, ""),
			 EXIT_OK);
	ck_assert(kws[0].seen && kws[1].seen);
	ck_assert_str_eq(kws[0].value, "1");
	/* A value may look like a keyword: "a f" sets a to "f". */
	memset(kws, 0, sizeof(kws));
	kws[0].word = "a";
	kws[0].takes_value = true;
	kws[1].word = "f";
	ck_assert_int_eq(ctl_parse_keywords(2, ARGV("a", "f"), kws, 2, ""),
			 EXIT_OK);
	ck_assert_str_eq(kws[0].value, "f");
	ck_assert(!kws[1].seen);
}
END_TEST

START_TEST(hexdump)
{
	char line[CTL_HEXDUMP_LINE];

	ck_assert_str_eq(ctl_hexdump_line(0, (const unsigned char *)"hello, world!\n\0\xff",
					  16, line),
			 "00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff  |hello, world!...|");
	ck_assert_str_eq(ctl_hexdump_line(0x1234, (const unsigned char *)"ab", 2,
					  line),
			 "00001234  61 62                                             |ab|");
	ck_assert_uint_lt(strlen(ctl_hexdump_line(UINT64_MAX,
			  (const unsigned char *)"0123456789abcdef", 16, line)),
			  CTL_HEXDUMP_LINE);
}
END_TEST

START_TEST(bench_rows)
{
	struct kalloc_bench_result km = {
		.ops = 200000, .ns = 10000000, .cycles = 30000000,
		.p50_ps = 45000, .p99_ps = 120004,
	};
	struct kalloc_bench_result slab = km;
	struct ctl_bench_row row;

	slab.ns = 4000000;		/* 2.5 times the throughput */
	ctl_bench_derive(&km, &km, &row);
	ck_assert_uint_eq(row.ops_per_us, 2000);	/* 20.00 ops/us */
	ck_assert_uint_eq(row.ns_per_op, 5000);		/* 50.00 ns */
	ck_assert_uint_eq(row.cycles_per_op, 15000);	/* 150.00 */
	ck_assert_uint_eq(row.p50_ns, 4500);		/* 45.00 ns */
	ck_assert_uint_eq(row.p99_ns, 12000);		/* 120.00 ns, rounded */
	ck_assert(row.has_ratio);
	ck_assert_uint_eq(row.ratio, 100);
	ctl_bench_derive(&slab, &km, &row);
	ck_assert_uint_eq(row.ratio, 250);
	ctl_bench_derive(&slab, NULL, &row);
	ck_assert(!row.has_ratio);
	slab.ops = 0;			/* stopped before anything ran */
	ctl_bench_derive(&slab, &km, &row);
	ck_assert(!row.has_ratio);
	ck_assert_uint_eq(row.ns_per_op, 0);
}
END_TEST

START_TEST(percentiles)
{
	uint64_t v[100], one[1] = { 7 };
	size_t i;

	for (i = 0; i < 100; i++)
		v[i] = 100 - i;			/* unsorted: 100 .. 1 */
	ck_assert_uint_eq(ctl_percentile(v, 100, 50), 50);
	ck_assert_uint_eq(ctl_percentile(v, 100, 99), 99);
	ck_assert_uint_eq(ctl_percentile(v, 100, 100), 100);
	ck_assert_uint_eq(ctl_percentile(one, 1, 50), 7);
	ck_assert_uint_eq(ctl_percentile(one, 1, 99), 7);
	ck_assert_uint_eq(ctl_percentile(v, 0, 50), 0);
	ck_assert_uint_eq(ctl_ratio_hundredths(447, 100), 447);
	ck_assert_uint_eq(ctl_ratio_hundredths(1, 3), 33);
	ck_assert_uint_eq(ctl_ratio_hundredths(2, 3), 67);
	ck_assert_uint_eq(ctl_ratio_hundredths(5, 0), 0);
}
END_TEST

START_TEST(bucket_labels)
{
	char buf[16];

	ck_assert_str_eq(ctl_bucket_label(0, buf, sizeof(buf)), "0ns");
	ck_assert_str_eq(ctl_bucket_label(1, buf, sizeof(buf)), "2ns");
	ck_assert_str_eq(ctl_bucket_label(9, buf, sizeof(buf)), "512ns");
	ck_assert_str_eq(ctl_bucket_label(10, buf, sizeof(buf)), "1.0us");
	ck_assert_str_eq(ctl_bucket_label(20, buf, sizeof(buf)), "1.0ms");
	ck_assert_str_eq(ctl_bucket_label(31, buf, sizeof(buf)), "2.1s");
}
END_TEST

START_TEST(monitor_args)
{
	struct ctl_monitor_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor"), EXIT_OK);
	ck_assert(a.source[CTL_SRC_EVENTS]);
	ck_assert(!a.source[CTL_SRC_STATS] && !a.source[CTL_SRC_PERF]);
	ck_assert_uint_eq(a.count, 0);
	ck_assert_uint_eq(a.duration_ms, 0);
	ck_assert_uint_eq(a.rcvbuf, CTL_MONITOR_RCVBUF);
	ck_assert(!a.timestamps);

	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "perf", "stats",
			      "count", "3", "duration", "1.5s", "rcvbuf", "4K",
			      "-t"), EXIT_OK);
	ck_assert(!a.source[CTL_SRC_EVENTS]);
	ck_assert(a.source[CTL_SRC_STATS] && a.source[CTL_SRC_PERF]);
	ck_assert_uint_eq(a.count, 3);
	ck_assert_uint_eq(a.duration_ms, 1500);
	ck_assert_uint_eq(a.rcvbuf, 4096);
	ck_assert(a.timestamps);
	ck_assert_str_eq(ctl_monitor_source_name(CTL_SRC_PERF), "perf");

	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "duration", "10"),
			 EXIT_OK);
	ck_assert_uint_eq(a.duration_ms, 10000);
}
END_TEST

START_TEST(monitor_bad_args)
{
	struct ctl_monitor_args a;

	quiet();
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "vdev"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "perf", "perf"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "count", "0"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "count", "-1"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "duration", "0"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "duration", "1d"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "rcvbuf", "0"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "rcvbuf", "2G"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "rcvbuf", "x"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_monitor_parse, &a, "monitor", "count"),
			 EXIT_USAGE);
}
END_TEST

START_TEST(interval_args)
{
	uint32_t ms = 7;

	quiet();
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "250ms"), EXIT_OK);
	ck_assert_uint_eq(ms, 250);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "2"), EXIT_OK);
	ck_assert_uint_eq(ms, 2000);
	/* Out of the kernel's range, but a u32: the kernel says no. */
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "0"), EXIT_OK);
	ck_assert_uint_eq(ms, 0);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "2h"), EXIT_OK);
	ck_assert_uint_eq(ms, 7200000);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "4294967295ms"),
			 EXIT_OK);
	ck_assert_uint_eq(ms, UINT32_MAX);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "4294967296ms"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "1w"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_interval_parse, &ms, "interval", "1s", "x"),
			 EXIT_USAGE);
}
END_TEST

START_TEST(ring_cost)
{
	struct kalloc_bench_result off = { .ops = 1000, .ns = 100000 };
	struct kalloc_bench_result on = { .ops = 1000, .ns = 112000,
					  .perf = true, .records = 1000 };
	struct ctl_ring_cost c;

	ck_assert(ctl_ring_cost(&off, &on, &c));
	ck_assert_uint_eq(c.ratio, 112);
	ck_assert_uint_eq(c.ps_per_record, 12000);	/* 12 ns a record */
	/* A pass cut short: compared per operation. */
	on.ops = 500;
	on.ns = 56000;
	on.records = 500;
	ck_assert(ctl_ring_cost(&off, &on, &c));
	ck_assert_uint_eq(c.ratio, 112);
	ck_assert_uint_eq(c.ps_per_record, 12000);
	/* Faster with the ring (noise): no negative cost. */
	on.ns = 40000;
	ck_assert(ctl_ring_cost(&off, &on, &c));
	ck_assert_uint_eq(c.ratio, 80);
	ck_assert_uint_eq(c.ps_per_record, 0);
	/* Nobody listened: no record, no cost to report. */
	on.records = 0;
	ck_assert(!ctl_ring_cost(&off, &on, &c));
	on.records = 1;
	off.ns = 0;
	ck_assert(!ctl_ring_cost(&off, &on, &c));
}
END_TEST

static char *diagram(const struct kalloc_meminfo *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	ctl_meminfo_diagram(fp, m);
	fclose(fp);
	return text;
}

static void layout(struct kalloc_meminfo *m, bool addresses)
{
	static const struct {
		const char *name;
		uint64_t start, end;
	} segs[] = {
		{ "modules", 0xffffffffa0000000ULL, 0xffffffffff000000ULL },
		{ "kernel image", 0xffffffff9a000000ULL, 0xffffffff9c600000ULL },
		{ "direct map", 0xffff888000000000ULL, 0xffff888080000000ULL },
	};
	size_t i;

	memset(m, 0, sizeof(*m));
	m->addresses = addresses;
	m->has_task_size = true;
	m->task_size = 0x7ffffffff000ULL;
	for (i = 0; i < 3; i++) {
		struct kalloc_segment *s = &m->segments[m->nsegments++];

		snprintf(s->name, sizeof(s->name), "%s", segs[i].name);
		s->size = segs[i].end - segs[i].start;
		s->has_range = addresses;
		if (addresses) {
			s->start = segs[i].start;
			s->end = segs[i].end;
		}
	}
}

START_TEST(meminfo_diagram_with_addresses)
{
	static struct kalloc_meminfo m;
	char *text;

	layout(&m, true);
	text = diagram(&m);
	ck_assert_ptr_nonnull(strstr(text, "virtual address space, top down:\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"| 0xffffffffa0000000 - 0xffffffffff000000  modules       1.5G  MODULES_VADDR |\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"| 0xffff888000000000 - 0xffff888080000000  direct map      2G  PAGE_OFFSET   |\n"));
	ck_assert_ptr_nonnull(strstr(text, " kernel space above, user space below "));
	ck_assert_ptr_nonnull(strstr(text,
		"| 0x0000000000000000 - 0x00007ffffffff000  user space    128T  TASK_SIZE     |\n"));
	/* Top down: modules, then the image, the direct map, user space last. */
	ck_assert(strstr(text, "modules") < strstr(text, "kernel image"));
	ck_assert(strstr(text, "kernel image") < strstr(text, "direct map"));
	ck_assert(strstr(text, "direct map") < strstr(text, "user space"));
	free(text);
}
END_TEST

START_TEST(meminfo_diagram_without_addresses)
{
	static struct kalloc_meminfo m;
	char *text;

	layout(&m, false);
	text = diagram(&m);
	ck_assert_ptr_nonnull(strstr(text, "addresses hidden"));
	ck_assert_ptr_nonnull(strstr(text, "| modules       1.5G  MODULES_VADDR"));
	ck_assert_ptr_nonnull(strstr(text, "| user space    128T  TASK_SIZE"));
	/* Not one address, not even user space's public one. */
	ck_assert_ptr_null(strstr(text, "0x"));
	free(text);
}
END_TEST

START_TEST(vdev_periods)
{
	uint64_t ns;

	quiet();
	ck_assert_int_eq(ctl_parse_period("1ms", &ns), EXIT_OK);
	ck_assert_uint_eq(ns, 1000000);
	ck_assert_int_eq(ctl_parse_period("100us", &ns), EXIT_OK);
	ck_assert_uint_eq(ns, 100000);
	ck_assert_int_eq(ctl_parse_period("2s", &ns), EXIT_OK);
	ck_assert_uint_eq(ns, 2000000000);
	/* One grammar with the other durations: a bare number is seconds. */
	ck_assert_int_eq(ctl_parse_period("2", &ns), EXIT_OK);
	ck_assert_uint_eq(ns, 2000000000);
	ck_assert_int_eq(ctl_parse_period("1.5ms", &ns), EXIT_OK);
	ck_assert_uint_eq(ns, 1500000);
	ck_assert_int_eq(ctl_parse_period("7ns", &ns), EXIT_OK);
	ck_assert_uint_eq(ns, 7);
	ck_assert_int_eq(ctl_parse_period("", &ns), EXIT_USAGE);
	ck_assert_int_eq(ctl_parse_period("ms", &ns), EXIT_USAGE);
	ck_assert_int_eq(ctl_parse_period("-1ms", &ns), EXIT_USAGE);
	ck_assert_int_eq(ctl_parse_period("1 ms", &ns), EXIT_USAGE);
	ck_assert_int_eq(ctl_parse_period("1d", &ns), EXIT_USAGE);
	ck_assert_int_eq(ctl_parse_period("18446744073709551615s", &ns),
			 EXIT_USAGE);
}
END_TEST

START_TEST(vdev_add_args)
{
	struct kalloc_vdev_spec s;

	quiet();
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add", "d0"), EXIT_OK);
	ck_assert_str_eq(s.name, "d0");
	ck_assert_uint_eq(s.size, 0);
	ck_assert_uint_eq(s.timer_ns, 0);
	ck_assert_str_eq(s.owner, "user");
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add", "d0", "timer",
			      "1ms", "size", "64K", "owner", "kallocd"), EXIT_OK);
	ck_assert_uint_eq(s.size, 65536);
	ck_assert_uint_eq(s.timer_ns, 1000000);
	ck_assert_str_eq(s.owner, "kallocd");
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add", "d0", "size", "0"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add", "d0", "size", "8G"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add", "d0", "timer"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_add_parse, &s, "add", "d0", "colour",
			      "red"), EXIT_USAGE);
}
END_TEST

START_TEST(vdev_set_args)
{
	struct ctl_vdev_set_args a;
	const struct kalloc_vdev_settings *s = &a.s;

	quiet();
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0",
			      "disable", "irq-enable"), EXIT_OK);
	ck_assert_str_eq(a.name, "d0");
	ck_assert(s->has_control);
	ck_assert_uint_eq(s->mask, KALLOC_VDEV_CONTROL_ENABLE |
			  KALLOC_VDEV_CONTROL_IRQ_ENABLE);
	ck_assert_uint_eq(s->control, KALLOC_VDEV_CONTROL_IRQ_ENABLE);
	ck_assert_uint_eq(s->timer_ns, 0);
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0",
			      "timer", "100us"), EXIT_OK);
	ck_assert_uint_eq(s->mask, KALLOC_VDEV_CONTROL_TIMER_ENABLE);
	ck_assert_uint_eq(s->control, KALLOC_VDEV_CONTROL_TIMER_ENABLE);
	ck_assert_uint_eq(s->timer_ns, 100000);
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0",
			      "timer", "1ms", "timer", "off", "reset"), EXIT_OK);
	ck_assert_uint_eq(s->mask, KALLOC_VDEV_CONTROL_TIMER_ENABLE |
			  KALLOC_VDEV_CONTROL_RESET);
	ck_assert_uint_eq(s->control, KALLOC_VDEV_CONTROL_RESET);
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0",
			      "timer"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0",
			      "turbo"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_set_parse, &a, "set", "d0",
			      "timer", "soon"), EXIT_USAGE);
}
END_TEST

START_TEST(vdev_dma_args)
{
	struct kalloc_vdev_dma_spec d;

	quiet();
	ck_assert_int_eq(CALL(ctl_vdev_dma_parse, &d, "dma", "d0", "from-device",
			      "buf"), EXIT_OK);
	ck_assert_str_eq(d.device, "d0");
	ck_assert_str_eq(d.buffer, "buf");
	ck_assert_uint_eq(d.direction, KALLOC_VDEV_DMA_FROM_DEVICE);
	ck_assert(d.wait);
	ck_assert_uint_eq(d.length, 0);
	ck_assert_int_eq(CALL(ctl_vdev_dma_parse, &d, "dma", "d0", "to-device",
			      "buf", "offset", "1K", "device-offset", "16",
			      "length", "100", "nowait"), EXIT_OK);
	ck_assert_uint_eq(d.direction, KALLOC_VDEV_DMA_TO_DEVICE);
	ck_assert_uint_eq(d.offset, 1024);
	ck_assert_uint_eq(d.dev_offset, 16);
	ck_assert_uint_eq(d.length, 100);
	ck_assert(!d.wait);
	ck_assert_int_eq(CALL(ctl_vdev_dma_parse, &d, "dma", "d0", "from-device"),
			 EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_dma_parse, &d, "dma", "d0", "upward",
			      "buf"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_dma_parse, &d, "dma", "d0", "to-device",
			      "buf", "length", "0"), EXIT_USAGE);
	ck_assert_int_eq(CALL(ctl_vdev_dma_parse, &d, "dma", "d0", "to-device",
			      "buf", "device-offset", "5G"), EXIT_USAGE);
}
END_TEST

START_TEST(vdev_words)
{
	char buf[64];

	ck_assert_str_eq(ctl_vdev_status_words(0, buf, sizeof(buf)), "-");
	ck_assert_str_eq(ctl_vdev_status_words(KALLOC_VDEV_STATUS_READY |
					       KALLOC_VDEV_STATUS_IRQ_PENDING,
					       buf, sizeof(buf)),
			 "ready,irq-pending");
	ck_assert_str_eq(ctl_vdev_status_words(KALLOC_VDEV_STATUS_BUSY |
					       KALLOC_VDEV_STATUS_DMA_ERROR,
					       buf, sizeof(buf)),
			 "busy,dma-error");
	ck_assert_str_eq(ctl_vdev_control_words(KALLOC_VDEV_CONTROL_ENABLE |
						KALLOC_VDEV_CONTROL_IRQ_ENABLE |
						KALLOC_VDEV_CONTROL_TIMER_ENABLE,
						buf, sizeof(buf)),
			 "enable,irq-enable,timer");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, alloc_args);
	tcase_add_test(tc, alloc_bad_args);
	tcase_add_test(tc, read_args);
	tcase_add_test(tc, write_args);
	tcase_add_test(tc, flush_args);
	tcase_add_test(tc, set_args);
	tcase_add_test(tc, policy_set_args);
	tcase_add_test(tc, bench_args);
	tcase_add_test(tc, keywords);
	tcase_add_test(tc, hexdump);
	tcase_add_test(tc, bench_rows);
	tcase_add_test(tc, percentiles);
	tcase_add_test(tc, bucket_labels);
	tcase_add_test(tc, monitor_args);
	tcase_add_test(tc, monitor_bad_args);
	tcase_add_test(tc, interval_args);
	tcase_add_test(tc, ring_cost);
	tcase_add_test(tc, meminfo_diagram_with_addresses);
	tcase_add_test(tc, meminfo_diagram_without_addresses);
	tcase_add_test(tc, vdev_periods);
	tcase_add_test(tc, vdev_add_args);
	tcase_add_test(tc, vdev_set_args);
	tcase_add_test(tc, vdev_dma_args);
	tcase_add_test(tc, vdev_words);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
