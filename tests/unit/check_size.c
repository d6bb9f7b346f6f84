// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kalloc_parse_size, kalloc_parse_uint and kalloc_format_size (lib/size.c):
 * sizes, and the offsets and lengths of read and write, which are sizes
 * too; plain numbers for counts and policy numbers.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "kalloc.h"
#include "check_run.h"

static void parses_as(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	int ret = kalloc_parse_size(s, &v);

	ck_assert_msg(ret == 0, "\"%s\": ret %d", s, ret);
	ck_assert_msg(v == want, "\"%s\": %llu, want %llu", s,
		      (unsigned long long)v, (unsigned long long)want);
}

static void fails_with(const char *s, int want)
{
	uint64_t v = 12345;
	int ret = kalloc_parse_size(s, &v);

	ck_assert_msg(ret == want, "\"%s\": ret %d, want %d", s, ret, want);
	ck_assert_msg(v == 12345, "\"%s\": output written on failure", s);
}

START_TEST(test_plain)
{
	parses_as("0", 0);
	parses_as("1", 1);
	parses_as("1024", 1024);
	parses_as("007", 7);
	parses_as("512B", 512);
	parses_as("18446744073709551615", UINT64_MAX);
}
END_TEST

START_TEST(test_suffixes)
{
	parses_as("4K", 4096);
	parses_as("4k", 4096);
	parses_as("4KiB", 4096);
	parses_as("4KB", 4096);
	parses_as("1M", 1ULL << 20);
	parses_as("1m", 1ULL << 20);
	parses_as("2G", 2ULL << 30);
	parses_as("3T", 3ULL << 40);
	parses_as("3TiB", 3ULL << 40);
	parses_as("3tiB", 3ULL << 40);
}
END_TEST

START_TEST(test_invalid)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "1 K", "-1", "+1", "1.5K", "12Q", "0x10",
		"K", "KiB", "4Kib", "4KIB", "4iB", "4Kb", "4b", "4KK", "1e3",
		"4K ", "4\n", "3tib",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_with(bad[i], -EINVAL);
	ck_assert_int_eq(kalloc_parse_size(NULL, &(uint64_t){ 0 }), -EINVAL);
}
END_TEST

START_TEST(test_overflow)
{
	fails_with("18446744073709551616", -ERANGE);
	fails_with("99999999999999999999999999", -ERANGE);
	/* 2^24 T = 2^64: one past the top. */
	fails_with("16777216T", -ERANGE);
	parses_as("16777215T", 16777215ULL << 40);
	fails_with("17179869184G", -ERANGE);
	parses_as("17179869183G", 17179869183ULL << 30);
	/* Syntax is judged first. */
	fails_with("99999999999999999999999Q", -EINVAL);
}
END_TEST

static void formats_as(uint64_t v, const char *want)
{
	char buf[32];

	ck_assert_str_eq(kalloc_format_size(v, buf, sizeof(buf)), want);
}

START_TEST(test_format)
{
	formats_as(0, "0");
	formats_as(1, "1");
	formats_as(1000, "1000");
	formats_as(1023, "1023");
	formats_as(1024, "1K");
	formats_as(4096, "4K");
	formats_as(1025, "1025");
	/* Exact, never rounded: what list printed as 1.5M, alloc refused. */
	formats_as(1536, "1536");
	formats_as(3ULL << 19, "1536K");
	formats_as(1ULL << 20, "1M");
	formats_as(4ULL << 20, "4M");
	formats_as(1ULL << 30, "1G");
	formats_as(5ULL << 40, "5T");
	formats_as(1ULL << 50, "1024T");
	formats_as(100 * 1024 + 512, "102912");
	formats_as(1024 * 1024 - 1, "1048575");
	formats_as(UINT64_MAX, "18446744073709551615");
}
END_TEST

/* Rounded for people (meminfo's diagram): never for a buffer's size. */
static void approx_as(uint64_t v, const char *want)
{
	char buf[32];

	ck_assert_str_eq(kalloc_format_size_approx(v, buf, sizeof(buf)), want);
}

START_TEST(test_format_approx)
{
	approx_as(0, "0");
	approx_as(1023, "1023");
	approx_as(1024, "1K");
	approx_as(1536, "1.5K");
	approx_as(1520ULL << 20, "1.5G");
	approx_as((128ULL << 40) - 4096, "128T");
	approx_as(1024 * 1024 - 1, "1.0M");
	approx_as(100 * 1024 + 512, "101K");
	approx_as(38ULL << 20, "38M");
}
END_TEST

/* Every size prints in a form that parses back to the same bytes. */
static void round_trips(uint64_t v)
{
	char buf[32];
	uint64_t back = 0;

	kalloc_format_size(v, buf, sizeof(buf));
	ck_assert_msg(kalloc_parse_size(buf, &back) == 0, "%s does not parse",
		      buf);
	ck_assert_msg(back == v, "%llu printed as %s, parsed back as %llu",
		      (unsigned long long)v, buf, (unsigned long long)back);
}

START_TEST(test_round_trip)
{
	static const uint64_t vals[] = { 0, 7, 1024, 1536, 4096, 3ULL << 19,
					 1ULL << 20, 3ULL << 30, 1ULL << 40,
					 (1ULL << 40) + 1, UINT64_MAX,
					 UINT64_MAX - 1023, UINT64_MAX >> 10 << 10 };
	uint64_t v;
	size_t i;
	int s;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		round_trips(vals[i]);
	/* Every shift, and its neighbours: each unit boundary both ways. */
	for (s = 0; s < 64; s++) {
		v = 1ULL << s;
		round_trips(v);
		round_trips(v - 1);
		round_trips(v + 1);
		round_trips(v * 3);
	}
}
END_TEST

START_TEST(test_offsets)
{
	/* Offsets and lengths take the same units. */
	parses_as("4K", 4096);
	parses_as("32K", 32768);
	parses_as("1G", 1ULL << 30);
}
END_TEST

START_TEST(test_uint)
{
	uint64_t v = 5;

	ck_assert_int_eq(kalloc_parse_uint("0", 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(kalloc_parse_uint("10", 10, &v), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(kalloc_parse_uint("007", 10, &v), 0);
	ck_assert_uint_eq(v, 7);
	v = 5;
	ck_assert_int_eq(kalloc_parse_uint("11", 10, &v), -ERANGE);
	ck_assert_int_eq(kalloc_parse_uint("100", 10, &v), -ERANGE);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(kalloc_parse_uint("4294967295", UINT32_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT32_MAX);
	ck_assert_int_eq(kalloc_parse_uint("4294967296", UINT32_MAX, &v),
			 -ERANGE);
	ck_assert_int_eq(kalloc_parse_uint("18446744073709551615", UINT64_MAX,
					   &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(kalloc_parse_uint("18446744073709551616", UINT64_MAX,
					   &v), -ERANGE);
	ck_assert_int_eq(kalloc_parse_uint("9", 5, &v), -ERANGE);
	ck_assert_int_eq(kalloc_parse_uint("", 10, &v), -EINVAL);
	ck_assert_int_eq(kalloc_parse_uint("1K", UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(kalloc_parse_uint("-1", UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(kalloc_parse_uint(" 1", UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(kalloc_parse_uint("0x10", UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(kalloc_parse_uint(NULL, 1, &v), -EINVAL);
	/* Syntax before magnitude, as for sizes. */
	ck_assert_int_eq(kalloc_parse_uint("99999999999999999999x", UINT64_MAX,
					   &v), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("size");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_suffixes);
	tcase_add_test(tc, test_invalid);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_approx);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_offsets);
	tcase_add_test(tc, test_uint);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
