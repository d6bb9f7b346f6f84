// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The chunk plan of lib/io.c: a transfer of any length in requests of at
 * most KALLOC_IO_MAX bytes, and, for a range the buffer cannot hold, the
 * chunk that crosses its end sent first as a probe.
 */
#include <check.h>
#include <stdint.h>

#include "kalloc.h"
#include "check_run.h"

#define IO	KALLOC_IO_MAX

static void chunk_is(const struct kalloc_io_plan *p, size_t i, uint64_t off,
		     uint32_t len)
{
	struct kalloc_io_chunk c;

	kalloc_io_chunk(p, i, &c);
	ck_assert_msg(c.offset == off && c.len == len,
		      "chunk %zu: %llu+%u, want %llu+%u", i,
		      (unsigned long long)c.offset, c.len,
		      (unsigned long long)off, len);
}

START_TEST(small)
{
	struct kalloc_io_plan p;

	kalloc_io_plan(0, 1, 4096, &p);
	ck_assert_uint_eq(p.nchunks, 1);
	ck_assert(!p.probe);
	chunk_is(&p, 0, 0, 1);
	kalloc_io_plan(100, 3996, 4096, &p);	/* up to the very end */
	ck_assert_uint_eq(p.nchunks, 1);
	ck_assert(!p.probe);
	chunk_is(&p, 0, 100, 3996);
}
END_TEST

START_TEST(exact_multiples)
{
	struct kalloc_io_plan p;

	kalloc_io_plan(0, IO, IO, &p);
	ck_assert_uint_eq(p.nchunks, 1);
	chunk_is(&p, 0, 0, IO);
	kalloc_io_plan(0, 2 * IO, 1 << 20, &p);
	ck_assert_uint_eq(p.nchunks, 2);
	chunk_is(&p, 1, IO, IO);
	kalloc_io_plan(0, IO + 1, 1 << 20, &p);
	ck_assert_uint_eq(p.nchunks, 2);
	chunk_is(&p, 0, 0, IO);
	chunk_is(&p, 1, IO, 1);
	ck_assert(!p.probe);
}
END_TEST

START_TEST(unaligned_start)
{
	struct kalloc_io_plan p;

	/* Cut from the range's start, not at multiples of the buffer. */
	kalloc_io_plan(10, 3 * IO, 1 << 20, &p);
	ck_assert_uint_eq(p.nchunks, 3);
	chunk_is(&p, 0, 10, IO);
	chunk_is(&p, 2, 10 + 2 * IO, IO);
}
END_TEST

START_TEST(one_megabyte)
{
	struct kalloc_io_plan p;
	struct kalloc_io_chunk c;
	uint64_t total = 0, next = 0;
	size_t i;

	kalloc_io_plan(0, 1 << 20, 1 << 20, &p);
	ck_assert_uint_eq(p.nchunks, 32);
	for (i = 0; i < p.nchunks; i++) {
		kalloc_io_chunk(&p, i, &c);
		ck_assert_uint_eq(c.offset, next);
		ck_assert_uint_le(c.len, IO);
		next += c.len;
		total += c.len;
	}
	ck_assert_uint_eq(total, 1 << 20);
}
END_TEST

START_TEST(past_the_end_probes_the_crossing_chunk)
{
	struct kalloc_io_plan p;

	/* 100 KiB buffer, 128 KiB asked: chunk 3 (96..128K) crosses 100K. */
	kalloc_io_plan(0, 4 * IO, 100 * 1024, &p);
	ck_assert_uint_eq(p.nchunks, 4);
	ck_assert(p.probe);
	ck_assert_uint_eq(p.probe_chunk, 3);
	/* One byte too many at the end of a small buffer. */
	kalloc_io_plan(4000, 97, 4096, &p);
	ck_assert(p.probe);
	ck_assert_uint_eq(p.probe_chunk, 0);
	/* The end falls exactly on a chunk boundary: the next chunk crosses. */
	kalloc_io_plan(0, 2 * IO, IO, &p);
	ck_assert(p.probe);
	ck_assert_uint_eq(p.probe_chunk, 1);
	chunk_is(&p, p.probe_chunk, IO, IO);
}
END_TEST

START_TEST(offset_past_the_end)
{
	struct kalloc_io_plan p;

	kalloc_io_plan(4096, 10, 4096, &p);
	ck_assert(p.probe);
	ck_assert_uint_eq(p.probe_chunk, 0);
	kalloc_io_plan(1 << 30, 5 * IO, 4096, &p);
	ck_assert(p.probe);
	ck_assert_uint_eq(p.probe_chunk, 0);
}
END_TEST

START_TEST(wrapping_range)
{
	struct kalloc_io_plan p;

	/* offset + len wraps: the first chunk goes first and wraps too. */
	kalloc_io_plan(UINT64_MAX - 9, 100, 4096, &p);
	ck_assert(p.probe);
	ck_assert_uint_eq(p.probe_chunk, 0);
	chunk_is(&p, 0, UINT64_MAX - 9, 100);
}
END_TEST

START_TEST(empty)
{
	struct kalloc_io_plan p;

	kalloc_io_plan(0, 0, 4096, &p);
	ck_assert_uint_eq(p.nchunks, 0);
	ck_assert(!p.probe);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, small);
	tcase_add_test(tc, exact_multiples);
	tcase_add_test(tc, unaligned_start);
	tcase_add_test(tc, one_megabyte);
	tcase_add_test(tc, past_the_end_probes_the_crossing_chunk);
	tcase_add_test(tc, offset_past_the_end);
	tcase_add_test(tc, wrapping_range);
	tcase_add_test(tc, empty);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
