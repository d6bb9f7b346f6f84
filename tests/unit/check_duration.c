// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kalloc_parse_duration and kalloc_format_duration (lib/duration.c): the
 * durations of "kallocctl stats interval" and "monitor duration", shared
 * with the plan language.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kalloc.h"
#include "check_run.h"

static void parses_as(const char *s, uint64_t want)
{
	uint64_t ms = 12345;
	int ret = kalloc_parse_duration(s, &ms);

	ck_assert_msg(ret == 0, "\"%s\": ret %d", s, ret);
	ck_assert_msg(ms == want, "\"%s\": %llu ms, want %llu", s,
		      (unsigned long long)ms, (unsigned long long)want);
}

static void fails_with(const char *s, int want)
{
	uint64_t ms = 12345;
	int ret = kalloc_parse_duration(s, &ms);

	ck_assert_msg(ret == want, "\"%s\": ret %d, want %d", s, ret, want);
	ck_assert_msg(ms == 12345, "\"%s\": output written on failure", s);
}

START_TEST(test_units)
{
	parses_as("10ms", 10);
	parses_as("1s", 1000);
	parses_as("2m", 120000);
	parses_as("1h", 3600000);
	parses_as("0", 0);
	parses_as("0ms", 0);
	parses_as("007s", 7000);
}
END_TEST

START_TEST(test_bare_is_seconds)
{
	parses_as("1", 1000);
	parses_as("90", 90000);
}
END_TEST

START_TEST(test_fractions)
{
	parses_as("1.5s", 1500);
	parses_as("0.01s", 10);
	parses_as("0.5m", 30000);
	parses_as("2.5", 2500);
	parses_as("1.000000000h", 3600000);
	parses_as("0.001s", 1);
	/* Whole milliseconds only: no rounding. */
	fails_with("0.5ms", -EINVAL);
	fails_with("0.0001s", -EINVAL);
	fails_with("1.0000000000s", -EINVAL);	/* ten decimals */
}
END_TEST

START_TEST(test_invalid)
{
	static const char *const bad[] = {
		"", " 1s", "1s ", "1 s", "-1s", "+1s", "1S", "1sec", "1ms2",
		"s", "ms", "1.", ".5s", "1..5s", "1d", "1Us", "0x10", "1e3",
		"1m30s", "abc",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_with(bad[i], -EINVAL);
	fails_with(NULL, -EINVAL);
}
END_TEST

START_TEST(test_range)
{
	parses_as("18446744073709551615ms", UINT64_MAX);
	fails_with("18446744073709551616ms", -ERANGE);
	fails_with("5124095576030432h", -ERANGE);
	fails_with("99999999999999999999999s", -ERANGE);
	/* Syntax before magnitude. */
	fails_with("99999999999999999999999x", -EINVAL);
}
END_TEST

static void ns_as(const char *s, uint64_t want)
{
	uint64_t ns = 12345;
	int ret = kalloc_parse_duration_ns(s, &ns);

	ck_assert_msg(ret == 0, "\"%s\": ret %d", s, ret);
	ck_assert_msg(ns == want, "\"%s\": %llu ns, want %llu", s,
		      (unsigned long long)ns, (unsigned long long)want);
}

/* The same grammar in nanoseconds: a device timer's period. */
START_TEST(test_nanoseconds)
{
	uint64_t ns = 12345;

	ns_as("7ns", 7);
	ns_as("100us", 100000);
	ns_as("1.5us", 1500);
	ns_as("1ms", 1000000);
	ns_as("2", 2000000000);
	ns_as("0.000000001s", 1);
	ns_as("1h", 3600000000000ULL);
	ns_as("0.5h", 1800000000000ULL);
	ns_as("18446744073709551615ns", UINT64_MAX);
	ck_assert_int_eq(kalloc_parse_duration_ns("1.5ns", &ns), -EINVAL);
	ck_assert_int_eq(kalloc_parse_duration_ns("18446744073709551616ns", &ns),
			 -ERANGE);
	ck_assert_int_eq(kalloc_parse_duration_ns("18446744074s", &ns), -ERANGE);
	ck_assert_int_eq(kalloc_parse_duration_ns("1 us", &ns), -EINVAL);
	ck_assert_uint_eq(ns, 12345);
}
END_TEST

static void formats_as(uint64_t ms, const char *want)
{
	char buf[32];
	uint64_t back;

	ck_assert_str_eq(kalloc_format_duration(ms, buf, sizeof(buf)), want);
	ck_assert_int_eq(kalloc_parse_duration(buf, &back), 0);
	ck_assert_uint_eq(back, ms);
}

START_TEST(test_format)
{
	formats_as(0, "0ms");
	formats_as(10, "10ms");
	formats_as(1000, "1s");
	formats_as(1500, "1500ms");
	formats_as(60000, "1m");
	formats_as(90000, "90s");
	formats_as(3600000, "1h");
	formats_as(7200000, "2h");
	formats_as(UINT64_MAX, "18446744073709551615ms");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_units);
	tcase_add_test(tc, test_bare_is_seconds);
	tcase_add_test(tc, test_fractions);
	tcase_add_test(tc, test_invalid);
	tcase_add_test(tc, test_range);
	tcase_add_test(tc, test_nanoseconds);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
