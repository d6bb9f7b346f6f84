// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * check_plan.c - the plan language (plan/): lexer, parser, semantic
 * passes, directory loading, error locations, and the reconcile decision
 * kalloc_plan_diff() that kallocd carries out.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "check_run.h"

struct load {
	struct kalloc_plan *plan;
	struct kalloc_plan_errors *errs;
	int rc;
};

static void load_n(struct load *l, const char *const *names,
		   const char *const *texts, size_t n)
{
	l->rc = kalloc_plan_load_texts(names, texts, n, &l->plan, &l->errs);
	ck_assert_ptr_nonnull(l->errs);
}

static void load1(struct load *l, const char *text)
{
	const char *name = "t.plan";

	load_n(l, &name, &text, 1);
}

static void unload(struct load *l)
{
	kalloc_plan_free(l->plan);
	kalloc_plan_errors_free(l->errs);
}

/* The i-th error as kallocd prints it. */
static const char *err_at(const struct load *l, size_t i)
{
	static char buf[1024];

	ck_assert_uint_lt(i, l->errs->n);
	return kalloc_plan_error_str(&l->errs->v[i], buf, sizeof(buf));
}

/* text must fail with exactly one error, printed as want. */
static void expect_one_error(const char *text, const char *want)
{
	struct load l;

	load1(&l, text);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_ptr_null(l.plan);
	ck_assert_uint_eq(l.errs->n, 1);
	ck_assert_str_eq(err_at(&l, 0), want);
	unload(&l);
}

static const struct kalloc_plan_buffer *alloc_at(const struct load *l, size_t i)
{
	ck_assert_uint_lt(i, l->plan->nstmts);
	ck_assert_int_eq(l->plan->stmts[i].kind, KALLOC_PLAN_BUFFER);
	return &l->plan->stmts[i].u.buffer;
}

/* ---- parsing valid text ----------------------------------------------- */

START_TEST(valid_allocs)
{
	const struct kalloc_plan_buffer *a;
	struct load l;

	load1(&l, "alloc web0 4K\nalloc  big\t1M\nalloc raw 1024\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.errs->n, 0);
	ck_assert_uint_eq(l.plan->nstmts, 3);
	ck_assert_uint_eq(kalloc_plan_nbuffers(l.plan), 3);
	a = alloc_at(&l, 0);
	ck_assert_str_eq(a->name.text, "web0");
	ck_assert_uint_eq(a->bytes, 4096);
	ck_assert_str_eq(a->name.loc.file, "t.plan");
	ck_assert_uint_eq(a->name.loc.line, 1);
	ck_assert_uint_eq(a->name.loc.col, 7);
	ck_assert_uint_eq(a->size.loc.col, 12);
	a = alloc_at(&l, 1);
	ck_assert_str_eq(a->name.text, "big");
	ck_assert_uint_eq(a->bytes, 1 << 20);
	ck_assert_uint_eq(l.plan->stmts[1].loc.line, 2);
	ck_assert_uint_eq(l.plan->stmts[1].loc.col, 1);
	ck_assert_uint_eq(a->name.loc.col, 8);
	ck_assert_uint_eq(a->size.loc.col, 12);
	ck_assert_uint_eq(alloc_at(&l, 2)->bytes, 1024);
	unload(&l);
}
END_TEST

START_TEST(comments_and_blank_lines)
{
	struct load l;

	load1(&l, "# header\n\n   \n\talloc a 1K # trailing comment\n"
		  "#alloc b 2K\nalloc c 2K#glued comment\r\n\n# end");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.plan->nstmts, 2);
	ck_assert_str_eq(alloc_at(&l, 0)->name.text, "a");
	ck_assert_uint_eq(l.plan->stmts[0].loc.line, 4);
	ck_assert_uint_eq(l.plan->stmts[0].loc.col, 2);
	ck_assert_str_eq(alloc_at(&l, 1)->name.text, "c");
	ck_assert_uint_eq(alloc_at(&l, 1)->bytes, 2048);
	ck_assert_uint_eq(l.plan->stmts[1].loc.line, 6);
	unload(&l);
}
END_TEST

START_TEST(empty_and_no_final_newline)
{
	struct load l;

	load1(&l, "");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.plan->nstmts, 0);
	unload(&l);
	load1(&l, "alloc last 8K");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(alloc_at(&l, 0)->bytes, 8192);
	unload(&l);
}
END_TEST

START_TEST(size_bounds)
{
	struct load l;

	load1(&l, "alloc one 1\nalloc max 1G\n");
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(alloc_at(&l, 0)->bytes, 1);
	ck_assert_uint_eq(alloc_at(&l, 1)->bytes, KALLOC_BUFFER_SIZE_MAX);
	unload(&l);
}
END_TEST

/* ---- every error form, with its exact location ------------------------ */

START_TEST(error_invalid_size)
{
	expect_one_error("\n\nalloc web 12Q\n",
			 "t.plan:3:11: error: invalid size \"12Q\"");
}
END_TEST

START_TEST(error_unknown_statement)
{
	expect_one_error("alloc a 1K\n\n\n  allocate b 1K\n",
			 "t.plan:4:3: error: unknown statement \"allocate\"");
}
END_TEST

START_TEST(error_extra_token)
{
	expect_one_error("alloc web0 4K extra more\n",
			 "t.plan:1:15: error: unexpected \"extra\" after alloc NAME SIZE");
}
END_TEST

START_TEST(error_missing_args)
{
	expect_one_error("alloc\n", "t.plan:1:6: error: missing NAME after \"alloc\"");
	expect_one_error("alloc  # no name\n",
			 "t.plan:1:8: error: missing NAME after \"alloc\"");
	expect_one_error("alloc web", "t.plan:1:10: error: missing SIZE after \"alloc NAME\"");
}
END_TEST

START_TEST(error_size_range)
{
	expect_one_error("alloc z 0\n",
			 "t.plan:1:9: error: size \"0\" out of range (1 to 1073741824 bytes)");
	expect_one_error("alloc big 2G\n",
			 "t.plan:1:11: error: size \"2G\" out of range (1 to 1073741824 bytes)");
	expect_one_error("alloc big 1073741825\n",
			 "t.plan:1:11: error: size \"1073741825\" out of range (1 to 1073741824 bytes)");
	expect_one_error("alloc huge 99999999999999999999999\n",
			 "t.plan:1:12: error: size \"99999999999999999999999\" out of range (1 to 1073741824 bytes)");
}
END_TEST

START_TEST(error_bad_names)
{
	struct load l;
	const char *want = "t.plan:1:7: error: invalid buffer name \"-x\": ";

	load1(&l, "alloc -x 1K\nalloc a/b 1K\nalloc abcdefghijklmnopqrstuvwxyz012345 1K\n");
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_uint_eq(l.errs->n, 3);
	ck_assert_int_eq(strncmp(err_at(&l, 0), want, strlen(want)), 0);
	want = "t.plan:2:7: error: invalid buffer name \"a/b\": ";
	ck_assert_int_eq(strncmp(err_at(&l, 1), want, strlen(want)), 0);
	want = "t.plan:3:7: error: invalid buffer name \"abcdefghijklmnopqrstuvwxyz012345\": ";
	ck_assert_int_eq(strncmp(err_at(&l, 2), want, strlen(want)), 0);
	unload(&l);
}
END_TEST

START_TEST(error_control_character)
{
	expect_one_error("alloc a\001 1K\n", "t.plan:1:8: error: invalid character 0x01");
	expect_one_error("\002alloc a 1K\n", "t.plan:1:1: error: invalid character 0x02");
}
END_TEST

START_TEST(error_duplicate_same_file)
{
	expect_one_error("alloc a 1K\nalloc b 1K\nalloc  a 2K\n",
			 "t.plan:3:8: error: buffer \"a\" already defined at t.plan:1:7");
}
END_TEST

START_TEST(error_duplicate_across_files)
{
	const char *names[] = { "/etc/kalloc/plan.d/00-base.plan",
				"/etc/kalloc/plan.d/10-web.plan" };
	const char *texts[] = { "alloc a 1K\n", "# web\nalloc a 2K\n" };
	struct load l;

	load_n(&l, names, texts, 2);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_ptr_null(l.plan);
	ck_assert_uint_eq(l.errs->n, 1);
	ck_assert_str_eq(err_at(&l, 0),
			 "/etc/kalloc/plan.d/10-web.plan:2:7: error: buffer \"a\" already defined at /etc/kalloc/plan.d/00-base.plan:1:7");
	unload(&l);
}
END_TEST

/* All errors of a load are reported, in file order, whichever stage found them. */
START_TEST(error_all_reported)
{
	struct load l;

	load1(&l, "alloc ok 1K\nalloc a 12Q\nbogus\nalloc b 1K x\nalloc ok 2K\n");
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_ptr_null(l.plan);
	ck_assert_uint_eq(l.errs->n, 4);
	ck_assert_str_eq(err_at(&l, 0), "t.plan:2:9: error: invalid size \"12Q\"");
	ck_assert_str_eq(err_at(&l, 1), "t.plan:3:1: error: unknown statement \"bogus\"");
	ck_assert_str_eq(err_at(&l, 2),
			 "t.plan:4:12: error: unexpected \"x\" after alloc NAME SIZE");
	ck_assert_str_eq(err_at(&l, 3),
			 "t.plan:5:7: error: buffer \"ok\" already defined at t.plan:1:7");
	unload(&l);
}
END_TEST

START_TEST(error_cap)
{
	char text[4096] = "";
	struct load l;
	int i;

	for (i = 0; i < KALLOC_PLAN_ERRORS_MAX + 8; i++)
		strcat(text, "nope\n");
	load1(&l, text);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_uint_eq(l.errs->n, KALLOC_PLAN_ERRORS_MAX);
	ck_assert_uint_eq(l.errs->dropped, 8);
	ck_assert_str_eq(err_at(&l, KALLOC_PLAN_ERRORS_MAX - 1),
			 "t.plan:100:1: error: unknown statement \"nope\"");
	unload(&l);
}
END_TEST

/* One broken file among good ones: no plan at all. */
START_TEST(broken_file_yields_no_plan)
{
	const char *names[] = { "a.plan", "b.plan", "c.plan" };
	const char *texts[] = { "alloc a 1K\n", "alloc b 1Q\n", "alloc c 1K\n" };
	struct load l;

	load_n(&l, names, texts, 3);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_ptr_null(l.plan);
	ck_assert_uint_eq(l.errs->n, 1);
	ck_assert_str_eq(err_at(&l, 0), "b.plan:1:9: error: invalid size \"1Q\"");
	unload(&l);
}
END_TEST

/* ---- directories and files -------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_plan.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(dir_order_and_filter)
{
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	char want[256];

	make_tmpdir();
	write_file("20-b.plan", "alloc b 2K\n");
	write_file("10-a.plan", "alloc a 1K\n");
	write_file("B.plan", "alloc upper 3K\n");
	write_file("notes.txt", "this is not a plan\n");
	write_file(".hidden.plan", "garbage\n");
	write_file("10-a.plan~", "garbage\n");

	ck_assert_int_eq(kalloc_plan_load_dir(tmpdir, &plan, &errs), 0);
	ck_assert_uint_eq(errs->n, 0);
	ck_assert_uint_eq(plan->nfiles, 3);
	/* C locale: digits sort before upper case. */
	snprintf(want, sizeof(want), "%s/10-a.plan", tmpdir);
	ck_assert_str_eq(plan->files[0], want);
	snprintf(want, sizeof(want), "%s/20-b.plan", tmpdir);
	ck_assert_str_eq(plan->files[1], want);
	snprintf(want, sizeof(want), "%s/B.plan", tmpdir);
	ck_assert_str_eq(plan->files[2], want);
	ck_assert_str_eq(plan->stmts[0].u.buffer.name.text, "a");
	ck_assert_str_eq(plan->stmts[1].u.buffer.name.text, "b");
	ck_assert_str_eq(plan->stmts[2].u.buffer.name.text, "upper");
	ck_assert_str_eq(plan->stmts[2].loc.file, want);
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);
	remove_tmpdir();
}
END_TEST

/* The later file in C-locale order is the one that errors. */
START_TEST(dir_duplicate_names_file)
{
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	char want[512];
	const char *slash = "/";

	make_tmpdir();
	write_file("10-web.plan", "\nalloc a 2K\n");
	write_file("00-base.plan", "alloc a 1K\n");
	ck_assert_int_eq(kalloc_plan_load_dir(tmpdir, &plan, &errs), -EINVAL);
	ck_assert_ptr_null(plan);
	ck_assert_uint_eq(errs->n, 1);
	snprintf(want, sizeof(want),
		 "%s/10-web.plan:2:7: error: buffer \"a\" already defined at %s/00-base.plan:1:7",
		 tmpdir, tmpdir);
	ck_assert_str_eq(kalloc_plan_error_str(&errs->v[0], want + 256, 256), want);
	kalloc_plan_errors_free(errs);

	/* A trailing slash on the directory does not double it. */
	snprintf(want, sizeof(want), "%s%s", tmpdir, slash);
	ck_assert_int_eq(kalloc_plan_load_dir(want, &plan, &errs), -EINVAL);
	snprintf(want, sizeof(want), "%s/10-web.plan", tmpdir);
	ck_assert_str_eq(errs->v[0].file, want);
	kalloc_plan_errors_free(errs);
	remove_tmpdir();
}
END_TEST

START_TEST(dir_empty_and_missing)
{
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	char buf[256];

	make_tmpdir();
	ck_assert_int_eq(kalloc_plan_load_dir(tmpdir, &plan, &errs), 0);
	ck_assert_uint_eq(plan->nstmts, 0);
	ck_assert_uint_eq(plan->nfiles, 0);
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);
	remove_tmpdir();

	ck_assert_int_eq(kalloc_plan_load_dir("/nonexistent/plan.d", &plan, &errs),
			 -EINVAL);
	ck_assert_ptr_null(plan);
	ck_assert_uint_eq(errs->n, 1);
	ck_assert_uint_eq(errs->v[0].line, 0);
	ck_assert_str_eq(kalloc_plan_error_str(&errs->v[0], buf, sizeof(buf)),
			 "/nonexistent/plan.d: error: cannot read: No such file or directory");
	kalloc_plan_errors_free(errs);
}
END_TEST

START_TEST(single_file)
{
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	char path[256], buf[512], want[512];

	make_tmpdir();
	write_file("x.conf", "alloc x 16K\n");
	snprintf(path, sizeof(path), "%s/x.conf", tmpdir);
	ck_assert_int_eq(kalloc_plan_load_file(path, &plan, &errs), 0);
	ck_assert_uint_eq(plan->nstmts, 1);
	ck_assert_uint_eq(plan->stmts[0].u.buffer.bytes, 16384);
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);

	write_file("x.conf", "alloc x 16K\nalloc\n");
	ck_assert_int_eq(kalloc_plan_load_file(path, &plan, &errs), -EINVAL);
	snprintf(want, sizeof(want), "%s:2:6: error: missing NAME after \"alloc\"", path);
	ck_assert_str_eq(kalloc_plan_error_str(&errs->v[0], buf, sizeof(buf)),
			 want);
	kalloc_plan_errors_free(errs);
	remove_tmpdir();

	ck_assert_int_eq(kalloc_plan_load_file(path, &plan, &errs), -EINVAL);
	snprintf(want, sizeof(want), "%s: error: cannot read: No such file or directory",
		 path);
	ck_assert_str_eq(kalloc_plan_error_str(&errs->v[0], buf, sizeof(buf)),
			 want);
	kalloc_plan_errors_free(errs);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *parse = tcase_create("parse");
	TCase *errors = tcase_create("errors");
	TCase *files = tcase_create("files");

	tcase_add_test(parse, valid_allocs);
	tcase_add_test(parse, comments_and_blank_lines);
	tcase_add_test(parse, empty_and_no_final_newline);
	tcase_add_test(parse, size_bounds);
	tcase_add_test(errors, error_invalid_size);
	tcase_add_test(errors, error_unknown_statement);
	tcase_add_test(errors, error_extra_token);
	tcase_add_test(errors, error_missing_args);
	tcase_add_test(errors, error_size_range);
	tcase_add_test(errors, error_bad_names);
	tcase_add_test(errors, error_control_character);
	tcase_add_test(errors, error_duplicate_same_file);
	tcase_add_test(errors, error_duplicate_across_files);
	tcase_add_test(errors, error_all_reported);
	tcase_add_test(errors, error_cap);
	tcase_add_test(errors, broken_file_yields_no_plan);
	tcase_add_test(files, dir_order_and_filter);
	tcase_add_test(files, dir_duplicate_names_file);
	tcase_add_test(files, dir_empty_and_missing);
	tcase_add_test(files, single_file);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, errors);
	suite_add_tcase(s, files);
	return s;
}

int main(void)
{
	return kalloc_check_run(plan_suite());
}
