// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ctl_batch_split (ctl/batch.c): how "kallocctl -batch" cuts a line into
 * the words of one command, as a shell would for the simple cases: blanks
 * separate, quotes group, a backslash escapes, # starts a comment.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "check_run.h"

/* Splits text (a copy) and compares the words with the NULL-ended list. */
static void splits_as(const char *text, ...)
{
	char line[256], *argv[8];
	const char *why = NULL, *want;
	va_list ap;
	int argc, i = 0;

	snprintf(line, sizeof(line), "%s", text);
	argc = ctl_batch_split(line, argv, 8, &why);
	ck_assert_msg(argc >= 0, "[%s]: %s", text, why);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *))) {
		ck_assert_msg(i < argc, "[%s]: only %d words", text, argc);
		ck_assert_msg(!strcmp(argv[i], want), "[%s]: word %d is [%s], want [%s]",
			      text, i, argv[i], want);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == argc, "[%s]: %d words, want %d", text, argc, i);
}

static void refused(const char *text, int max, const char *want_why)
{
	char line[256], *argv[8];
	const char *why = NULL;

	snprintf(line, sizeof(line), "%s", text);
	ck_assert_int_eq(ctl_batch_split(line, argv, max, &why), -1);
	ck_assert_str_eq(why, want_why);
}

START_TEST(words)
{
	splits_as("alloc a 4K\n", "alloc", "a", "4K", NULL);
	splits_as("  alloc\ta   4K  \r\n", "alloc", "a", "4K", NULL);
	splits_as("list", "list", NULL);
	splits_as("", NULL);
	splits_as("   \n", NULL);
	splits_as("\r\n", NULL);
}
END_TEST

START_TEST(comments)
{
	splits_as("# alloc a 4K", NULL);
	splits_as("   # indented", NULL);
	splits_as("alloc a 4K # the first", "alloc", "a", "4K", NULL);
	splits_as("alloc a#b 4K", "alloc", "a#b", "4K", NULL);
	splits_as("write a data \"#x\"", "write", "a", "data", "#x", NULL);
}
END_TEST

START_TEST(quotes)
{
	splits_as("write a data \"two words\"", "write", "a", "data",
		  "two words", NULL);
	splits_as("write a data 'it''s'", "write", "a", "data", "its", NULL);
	splits_as("write a data \"it's\"", "write", "a", "data", "it's", NULL);
	splits_as("write a data '\"'", "write", "a", "data", "\"", NULL);
	splits_as("write a data \"\"", "write", "a", "data", "", NULL);
	splits_as("x ab\"c d\"e", "x", "abc de", NULL);
	splits_as("x 'a\\b'", "x", "a\\b", NULL);
}
END_TEST

START_TEST(backslashes)
{
	splits_as("x a\\ b", "x", "a b", NULL);
	splits_as("x \"a\\\"b\"", "x", "a\"b", NULL);
	splits_as("x \\#y", "x", "#y", NULL);
	splits_as("x \\\\", "x", "\\", NULL);
}
END_TEST

START_TEST(refusals)
{
	refused("write a data \"open", 8, "unterminated \" quote");
	refused("write a data 'open", 8, "unterminated ' quote");
	refused("x \\", 8, "a backslash ends the line");
	refused("a b c", 2, "too many words");
	/* Exactly max words fit. */
	splits_as("1 2 3 4 5 6 7 8", "1", "2", "3", "4", "5", "6", "7", "8",
		  NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("split");

	tcase_add_test(tc, words);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, backslashes);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
