// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lib/name.c: buffer names and owner tags against the uapi naming rules
 * (include/kalloc/name.h), and the names of policies, benchmark scenarios
 * and deletion reasons.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "kalloc.h"
#include "check_run.h"

static void valid(const char *name)
{
	const char *why = "unset";

	ck_assert_msg(kalloc_check_name(name, &why) == 0, "\"%s\": %s", name,
		      why);
	ck_assert_ptr_null(why);
}

static void invalid(const char *name, int code, const char *why_part)
{
	const char *why = NULL;

	ck_assert_int_eq(kalloc_check_name(name, &why), code);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, why_part), "\"%s\": why \"%s\"", name, why);
}

START_TEST(test_valid)
{
	valid("buffer");
	valid("a");
	valid("A_b.c-9");
	valid("0");
	valid("x.");
	valid("x-");
	valid("1234567890123456789012345678901"); /* 31 bytes */
}
END_TEST

START_TEST(test_length)
{
	char name[64];

	invalid("", -EINVAL, "empty");
	invalid(NULL, -EINVAL, "empty");
	memset(name, 'a', sizeof(name));
	name[KALLOC_NAME_MAX] = '\0';		/* 32 bytes: one too many */
	invalid(name, -ERANGE, "longer");
	name[KALLOC_NAME_MAX - 1] = '\0';	/* 31 bytes: fits */
	valid(name);
	name[sizeof(name) - 1] = '\0';
	memset(name, 'b', sizeof(name) - 1);
	invalid(name, -ERANGE, "longer");
}
END_TEST

START_TEST(test_characters)
{
	static const char *const bad[] = {
		"a b", "a/b", "a:b", "a\tb", "caf\xc3\xa9", "a\"b", "a\\b",
		"a*", "a\n", "a+b", "a@b",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		invalid(bad[i], -EINVAL, "character");
	invalid(".hidden", -EINVAL, "starts");
	invalid("-opt", -EINVAL, "starts");
	invalid(".", -EINVAL, "starts");
}
END_TEST

START_TEST(test_why_optional)
{
	ck_assert_int_eq(kalloc_check_name("ok", NULL), 0);
	ck_assert_int_eq(kalloc_check_name("not ok", NULL), -EINVAL);
}
END_TEST

START_TEST(test_owner)
{
	const char *why = NULL;

	ck_assert_int_eq(kalloc_check_owner("user", &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(kalloc_check_owner("kallocd", NULL), 0);
	ck_assert_int_eq(kalloc_check_owner("123456789012345", NULL), 0);
	ck_assert_int_eq(kalloc_check_owner("1234567890123456", &why), -ERANGE);
	ck_assert_str_eq(why, "owner tag is longer than 15 bytes");
	ck_assert_int_eq(kalloc_check_owner("", &why), -EINVAL);
	ck_assert_str_eq(why, "owner tag is empty");
	ck_assert_int_eq(kalloc_check_owner("a b", &why), -EINVAL);
	ck_assert_str_eq(why, "owner tag has a character outside [A-Za-z0-9_.-]");
	ck_assert_int_eq(kalloc_check_owner("-x", &why), -EINVAL);
	ck_assert_str_eq(why, "owner tag starts with '.' or '-'");
}
END_TEST

START_TEST(test_policy_names)
{
	static const char *const names[] = {
		NULL, "kmalloc", "buddy", "slab", "first-fit", "best-fit", "tlsf",
	};
	uint32_t id;
	char buf[128];

	_Static_assert(KALLOC_POLICY_MAX == 6, "a policy was added: list it");
	for (id = 1; id <= KALLOC_POLICY_MAX; id++) {
		ck_assert_str_eq(kalloc_policy_name_of(id), names[id]);
		ck_assert_uint_eq(kalloc_policy_by_name(names[id]), id);
	}
	ck_assert_ptr_null(kalloc_policy_name_of(0));
	ck_assert_ptr_null(kalloc_policy_name_of(KALLOC_POLICY_MAX + 1));
	ck_assert_uint_eq(kalloc_policy_by_name("SLAB"), 0);
	ck_assert_uint_eq(kalloc_policy_by_name("firstfit"), 0);
	ck_assert_uint_eq(kalloc_policy_by_name(""), 0);
	ck_assert_str_eq(kalloc_policy_names(buf, sizeof(buf)),
			 "kmalloc, buddy, slab, first-fit, best-fit or tlsf");
}
END_TEST

START_TEST(test_policy_parse)
{
	uint32_t id = 99;

	ck_assert_int_eq(kalloc_policy_parse("tlsf", &id), 0);
	ck_assert_uint_eq(id, KALLOC_POLICY_TLSF);
	ck_assert_int_eq(kalloc_policy_parse("best-fit", &id), 0);
	ck_assert_uint_eq(id, KALLOC_POLICY_BEST_FIT);
	/* Numbers pass through, unknown ones and 0 included: the kernel judges. */
	ck_assert_int_eq(kalloc_policy_parse("3", &id), 0);
	ck_assert_uint_eq(id, 3);
	ck_assert_int_eq(kalloc_policy_parse("0", &id), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(kalloc_policy_parse("77", &id), 0);
	ck_assert_uint_eq(id, 77);
	ck_assert_int_eq(kalloc_policy_parse("4294967295", &id), 0);
	ck_assert_uint_eq(id, UINT32_MAX);
	ck_assert_int_eq(kalloc_policy_parse("4294967296", &id), -ERANGE);
	ck_assert_int_eq(kalloc_policy_parse("bogus", &id), -EINVAL);
	ck_assert_int_eq(kalloc_policy_parse("1x", &id), -EINVAL);
	ck_assert_int_eq(kalloc_policy_parse("", &id), -EINVAL);
	ck_assert_int_eq(kalloc_policy_parse("-1", &id), -EINVAL);
}
END_TEST

START_TEST(test_scenarios_and_reasons)
{
	uint32_t id;
	char buf[128];

	ck_assert_str_eq(kalloc_bench_scenario_name(KALLOC_BENCH_UNIFORM),
			 "uniform");
	ck_assert_str_eq(kalloc_bench_scenario_name(KALLOC_BENCH_PAGES), "pages");
	ck_assert_ptr_null(kalloc_bench_scenario_name(0));
	ck_assert_ptr_null(kalloc_bench_scenario_name(KALLOC_BENCH_MAX + 1));
	ck_assert_int_eq(kalloc_bench_scenario_parse("fragstress", &id), 0);
	ck_assert_uint_eq(id, KALLOC_BENCH_FRAGSTRESS);
	ck_assert_int_eq(kalloc_bench_scenario_parse("0", &id), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(kalloc_bench_scenario_parse("nope", &id), -EINVAL);
	ck_assert_str_eq(kalloc_bench_scenario_names(buf, sizeof(buf)),
			 "uniform, kernel, phase, fragstress or pages");
	ck_assert_str_eq(kalloc_del_reason_name(KALLOC_DEL_SOCKET), "socket");
	ck_assert_str_eq(kalloc_del_reason_name(KALLOC_DEL_FLUSH), "flush");
	ck_assert_ptr_null(kalloc_del_reason_name(0));
	ck_assert_ptr_null(kalloc_del_reason_name(KALLOC_DEL_MAX + 1));
}
END_TEST

START_TEST(test_perf_types)
{
	unsigned int t;

	for (t = 1; t <= KALLOC_PERF_MAX; t++)
		ck_assert_msg(kalloc_perf_type_name(t), "type %u has no name", t);
	ck_assert_str_eq(kalloc_perf_type_name(KALLOC_PERF_ALLOC), "alloc");
	ck_assert_str_eq(kalloc_perf_type_name(KALLOC_PERF_BENCH_FREE),
			 "bench_free");
	ck_assert_str_eq(kalloc_perf_type_name(KALLOC_PERF_IRQ), "irq");
	ck_assert_ptr_null(kalloc_perf_type_name(0));
	ck_assert_ptr_null(kalloc_perf_type_name(KALLOC_PERF_MAX + 1));
}
END_TEST

START_TEST(test_name_list_truncates)
{
	char buf[12];

	/* A short buffer holds a cut list, never an overflow. */
	kalloc_policy_names(buf, sizeof(buf));
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("name");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_length);
	tcase_add_test(tc, test_characters);
	tcase_add_test(tc, test_why_optional);
	tcase_add_test(tc, test_owner);
	tcase_add_test(tc, test_policy_names);
	tcase_add_test(tc, test_policy_parse);
	tcase_add_test(tc, test_scenarios_and_reasons);
	tcase_add_test(tc, test_perf_types);
	tcase_add_test(tc, test_name_list_truncates);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
