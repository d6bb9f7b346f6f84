// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lib/json_print.c: the same print calls give text or JSON; JSON strings
 * are escaped, containers nest, pretty mode indents.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_print.h"
#include "check_run.h"

static char *buf;
static size_t len;
static FILE *fp;

static void begin(bool json, bool pretty)
{
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	new_json_obj(fp, json, pretty);
}

/* Ends the output and returns it; the caller compares then frees it. */
static char *end(void)
{
	delete_json_obj();
	fclose(fp);
	return buf;
}

static void expect(const char *want)
{
	char *got = end();

	ck_assert_str_eq(got, want);
	free(got);
}

/* One buffer, as kallocctl prints it, in either mode. */
static void print_one(void)
{
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", "%u ", 7);
	print_string(PRINT_ANY, "name", "%s ", "buffer");
	print_size(PRINT_ANY, "size", "size %s ", 4096);
	print_string(PRINT_JSON, "allocator", NULL, "kmalloc");
	print_string(PRINT_FP, NULL, "%s", "(text only)");
	close_json_object();
	print_nl();
}

START_TEST(test_text)
{
	begin(false, false);
	print_one();
	expect("7 buffer size 4K (text only)\n");
}
END_TEST

START_TEST(test_json)
{
	begin(true, false);
	print_one();
	expect("{\"id\":7,\"name\":\"buffer\",\"size\":4096,"
	       "\"allocator\":\"kmalloc\"}\n");
}
END_TEST

START_TEST(test_escaping)
{
	begin(true, false);
	open_json_object(NULL);
	print_string(PRINT_ANY, "q", NULL, "a\"b");
	print_string(PRINT_ANY, "bs", NULL, "a\\b");
	print_string(PRINT_ANY, "ctl", NULL, "\n\t\r\b\f\x01\x1f\x7f");
	print_string(PRINT_ANY, "k\"ey", NULL, "utf8 \xc3\xa9");
	print_string(PRINT_ANY, "null", NULL, NULL);
	close_json_object();
	expect("{\"q\":\"a\\\"b\",\"bs\":\"a\\\\b\","
	       "\"ctl\":\"\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f\","
	       "\"k\\\"ey\":\"utf8 \xc3\xa9\",\"null\":\"\"}\n");
}
END_TEST

START_TEST(test_nesting)
{
	begin(true, false);
	open_json_object(NULL);
	open_json_array("bufs");
	print_one();
	print_one();
	close_json_array();
	open_json_object("empty");
	close_json_object();
	open_json_array("none");
	close_json_array();
	print_bool(PRINT_ANY, "ok", "%s", true);
	print_int(PRINT_ANY, "neg", "%d", -3);
	print_u64(PRINT_ANY, "big", "%" PRIu64, UINT64_MAX);
	close_json_object();
	expect("{\"bufs\":[{\"id\":7,\"name\":\"buffer\",\"size\":4096,"
	       "\"allocator\":\"kmalloc\"},{\"id\":7,\"name\":\"buffer\","
	       "\"size\":4096,\"allocator\":\"kmalloc\"}],\"empty\":{},"
	       "\"none\":[],\"ok\":true,\"neg\":-3,"
	       "\"big\":18446744073709551615}\n");
}
END_TEST

START_TEST(test_array_of_scalars)
{
	begin(true, false);
	open_json_array(NULL);
	print_uint(PRINT_ANY, NULL, "%u", 1);
	print_string(PRINT_ANY, NULL, "%s", "two");
	close_json_array();
	expect("[1,\"two\"]\n");
}
END_TEST

START_TEST(test_empty_array)
{
	begin(true, false);
	open_json_array(NULL);
	close_json_array();
	expect("[]\n");

	begin(false, false);
	open_json_array(NULL);
	close_json_array();
	expect("");
}
END_TEST

START_TEST(test_pretty)
{
	begin(false, true);
	ck_assert(is_json_context());
	open_json_array(NULL);
	print_one();
	open_json_object(NULL);
	open_json_array("list");
	close_json_array();
	close_json_object();
	close_json_array();
	expect("[\n"
	       "    {\n"
	       "        \"id\": 7,\n"
	       "        \"name\": \"buffer\",\n"
	       "        \"size\": 4096,\n"
	       "        \"allocator\": \"kmalloc\"\n"
	       "    },\n"
	       "    {\n"
	       "        \"list\": []\n"
	       "    }\n"
	       "]\n");
}
END_TEST

START_TEST(test_text_mode_ignores_json_only)
{
	begin(false, false);
	ck_assert(!is_json_context());
	open_json_object(NULL);
	print_u64(PRINT_JSON, "x", "%" PRIu64, 5);
	print_bool(PRINT_FP, "b", "b=%s", false);
	close_json_object();
	expect("b=false");
}
END_TEST

START_TEST(test_hundredths)
{
	begin(true, false);
	open_json_object(NULL);
	print_hundredths(PRINT_ANY, "frag", "%s%%", 1234);
	print_hundredths(PRINT_ANY, "zero", "%s", 0);
	print_hundredths(PRINT_ANY, "small", "%s", 5);
	print_hundredths(PRINT_ANY, "big", "%s", UINT64_MAX);
	close_json_object();
	expect("{\"frag\":12.34,\"zero\":0.00,\"small\":0.05,"
	       "\"big\":184467440737095516.15}\n");
	begin(false, false);
	print_hundredths(PRINT_ANY, "frag", "frag %s%%", 1234);
	print_hundredths(PRINT_ANY, "x", " %s", 100);
	expect("frag 12.34% 1.00");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_print");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_nesting);
	tcase_add_test(tc, test_array_of_scalars);
	tcase_add_test(tc, test_empty_array);
	tcase_add_test(tc, test_pretty);
	tcase_add_test(tc, test_text_mode_ignores_json_only);
	tcase_add_test(tc, test_hundredths);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
