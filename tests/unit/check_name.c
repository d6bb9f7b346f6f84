// SPDX-License-Identifier: GPL-2.0 OR MIT
/* kalloc_check_name (lib/name.c) against the uapi naming rules. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
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

int main(void)
{
	Suite *s = suite_create("name");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_length);
	tcase_add_test(tc, test_characters);
	tcase_add_test(tc, test_why_optional);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
