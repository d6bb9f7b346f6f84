// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * check_plan_lang.c - the plan language v1 beyond "alloc": every
 * statement of kalloc.plan(5), each pass's errors, gcc-style carets,
 * hostile files in a plan directory, the documented limits, and a plan of
 * 70,000 statements in linear time.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "plan.h"
#include "plan_priv.h"
#include "rules.h"
#include "check_run.h"

struct load {
	struct kalloc_plan *plan;
	struct kalloc_plan_errors *errs;
	int rc;
};

static void load_env(struct load *l, const char *text,
		     const struct kalloc_plan_env *env)
{
	const char *name = "t.plan";
	size_t len = strlen(text);

	l->rc = kalloc_plan_load_mem(&name, &text, &len, 1, env, &l->plan,
				     &l->errs);
	ck_assert_ptr_nonnull(l->errs);
}

static void load1(struct load *l, const char *text)
{
	load_env(l, text, NULL);
}

static void unload(struct load *l)
{
	kalloc_plan_free(l->plan);
	kalloc_plan_errors_free(l->errs);
}

static const char *err_at(const struct load *l, size_t i)
{
	static char buf[1024];

	ck_assert_uint_lt(i, l->errs->n);
	return kalloc_plan_error_str(&l->errs->v[i], buf, sizeof(buf));
}

static void expect_one_error(const char *text, const char *want)
{
	struct load l;

	load1(&l, text);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_ptr_null(l.plan);
	if (l.errs->n != 1) {
		size_t i;

		for (i = 0; i < l.errs->n; i++)
			fprintf(stderr, "  %s\n", err_at(&l, i));
	}
	ck_assert_uint_eq(l.errs->n, 1);
	ck_assert_str_eq(err_at(&l, 0), want);
	unload(&l);
}

static const struct kalloc_plan_stmt *stmt(const struct load *l, size_t i)
{
	ck_assert_uint_lt(i, l->plan->nstmts);
	return &l->plan->stmts[i];
}

/* ---- the lexer ---------------------------------------------------------- */

START_TEST(lexer_tokens)
{
	static const char text[] = "rule r when f(best-fit) >= 3% # c\n"
				   "\tfrom \"/a b\" \x01\"open\n";
	static const struct { enum tok_kind k; const char *s; unsigned int l, c; } want[] = {
		{ TOK_WORD, "rule", 1, 1 }, { TOK_WORD, "r", 1, 6 },
		{ TOK_WORD, "when", 1, 8 }, { TOK_WORD, "f", 1, 13 },
		{ TOK_LPAREN, "(", 1, 14 }, { TOK_WORD, "best-fit", 1, 15 },
		{ TOK_RPAREN, ")", 1, 23 }, { TOK_WORD, ">=", 1, 25 },
		{ TOK_WORD, "3%", 1, 28 },
		{ TOK_NL, NULL, 1, 31 },	/* the line ends where the comment starts */
		{ TOK_WORD, "from", 2, 2 }, { TOK_STRING, "/a b", 2, 7 },
		{ TOK_BAD, NULL, 2, 14 }, { TOK_BAD, NULL, 2, 15 },
		{ TOK_NL, NULL, 2, 20 }, { TOK_EOF, NULL, 3, 1 },
	};
	struct lexer lx = { .p = text, .end = text + sizeof(text) - 1,
			    .pos = { .file = "t", .line = 1, .col = 1 } };
	struct token t;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		plan_lex_next(&lx, &t);
		ck_assert_msg(t.kind == want[i].k, "token %zu: kind %d", i, t.kind);
		ck_assert_uint_eq(t.loc.line, want[i].l);
		ck_assert_uint_eq(t.loc.col, want[i].c);
		if (want[i].s)
			ck_assert_int_eq(strncmp(t.s, want[i].s, t.len), 0);
	}
	ck_assert_str_eq(PLAN_BAD_CHAR, "invalid character");
}
END_TEST

/* ---- the issue's example, whole -------------------------------------- */

static const char example[] =
	"# comments, blank lines, statements one per line\n"
	"policy default tlsf                     # plan buffers that name no policy use tlsf\n"
	"policy active slab\n"
	"buffer web0 size 4K policy slab\n"
	"buffer staging size 1M fill 0x00\n"
	"buffer table size 64K from \"/etc/hostname\"\n"
	"alloc scratch 16K                       # shorthand for buffer NAME size SIZE\n"
	"vdev dev0 size 4K timer 1ms enable irq-enable\n"
	"stats interval 1s\n"
	"rule defrag when fragmentation(best-fit) > 30% for 10s then policy set tlsf cooldown 60s\n"
	"drift report\n"
	"metrics textfile \"/run/kalloc/kalloc.prom\"\n";

START_TEST(issue_example)
{
	const struct kalloc_plan_buffer *b;
	const struct kalloc_plan_rule *r;
	const struct kalloc_plan_vdev *v;
	struct load l;

	load1(&l, example);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(l.plan->nstmts, 11);
	ck_assert_uint_eq(l.plan->set.default_policy, KALLOC_POLICY_TLSF);
	ck_assert_uint_eq(l.plan->set.active_policy, KALLOC_POLICY_SLAB);
	ck_assert_uint_eq(l.plan->set.stats_interval_ms, 1000);
	ck_assert_int_eq(l.plan->set.drift, KALLOC_DRIFT_REPORT);
	ck_assert_str_eq(l.plan->set.metrics_textfile, "/run/kalloc/kalloc.prom");
	b = &stmt(&l, 2)->u.buffer;
	ck_assert_str_eq(b->name.text, "web0");
	ck_assert_uint_eq(b->bytes, 4096);
	ck_assert_uint_eq(b->policy_id, KALLOC_POLICY_SLAB);
	ck_assert_int_eq(b->fill_byte, -1);
	b = &stmt(&l, 3)->u.buffer;
	ck_assert_int_eq(b->fill_byte, 0);
	ck_assert_uint_eq(kalloc_plan_buffer_policy(l.plan, b), KALLOC_POLICY_TLSF);
	b = &stmt(&l, 4)->u.buffer;
	ck_assert_str_eq(b->from.text, "/etc/hostname");
	ck_assert_uint_eq(b->from.loc.col, 28);
	b = &stmt(&l, 5)->u.buffer;
	ck_assert(b->shorthand);
	ck_assert_uint_eq(b->bytes, 16384);
	v = &stmt(&l, 6)->u.vdev;
	ck_assert_uint_eq(v->window, 4096);
	ck_assert_uint_eq(v->timer_ns, 1000000);
	ck_assert(v->enable && v->irq_enable);
	ck_assert_uint_eq(kalloc_plan_vdev_control(v), 7);
	r = &stmt(&l, 8)->u.rule;
	ck_assert_str_eq(r->name.text, "defrag");
	ck_assert_int_eq(r->metric_id, KALLOC_METRIC_FRAGMENTATION);
	ck_assert_uint_eq(r->arg_policy, KALLOC_POLICY_BEST_FIT);
	ck_assert_int_eq(r->cmp, KALLOC_OP_GT);
	ck_assert_int_eq(r->limit, 3000);
	ck_assert_uint_eq(r->for_ms, 10000);
	ck_assert_uint_eq(r->cooldown_ms, 60000);
	ck_assert_uint_eq(r->set_policy, KALLOC_POLICY_TLSF);
	ck_assert(!r->migrate);
	ck_assert_uint_eq(kalloc_plan_nbuffers(l.plan), 4);
	unload(&l);
}
END_TEST

START_TEST(rule_forms)
{
	const struct kalloc_plan_rule *r;
	struct load l;

	load1(&l, "rule a when budget_used >= 90% then policy set slab migrate\n"
		  "rule b when live_bytes(tlsf) < 1M for 1m then policy set kmalloc cooldown 0s\n"
		  "rule c when fragmentation_external ( buddy ) <= 12.5% then policy set buddy\n");
	ck_assert_int_eq(l.rc, 0);
	r = &stmt(&l, 0)->u.rule;
	ck_assert(r->migrate);
	ck_assert_int_eq(r->cmp, KALLOC_OP_GE);
	ck_assert_int_eq(r->limit, 9000);
	ck_assert_uint_eq(r->for_ms, 0);
	ck_assert_uint_eq(r->cooldown_ms, 60000);
	r = &stmt(&l, 1)->u.rule;
	ck_assert_int_eq(r->limit, 1 << 20);
	ck_assert_uint_eq(r->for_ms, 60000);
	ck_assert_uint_eq(r->cooldown_ms, 0);
	r = &stmt(&l, 2)->u.rule;
	ck_assert_int_eq(r->limit, 1250);
	ck_assert_int_eq(r->cmp, KALLOC_OP_LE);
	unload(&l);
}
END_TEST

/* ---- parser errors ---------------------------------------------------- */

START_TEST(parse_errors)
{
	expect_one_error("buffer web0 policy slab\n",
			 "t.plan:1:24: error: missing \"size SIZE\" in buffer web0");
	expect_one_error("buffer web0 size 4K colour red\n",
			 "t.plan:1:21: error: unknown property \"colour\" of a buffer (size, policy, fill or from)");
	expect_one_error("buffer web0 size 4K size 8K\n",
			 "t.plan:1:21: error: \"size\" given twice");
	expect_one_error("buffer t size 4K from /etc/x\n",
			 "t.plan:1:23: error: expected a quoted path after \"from\", got \"/etc/x\"");
	expect_one_error("buffer t size 4K from \"/etc/x\n",
			 "t.plan:1:23: error: unterminated string");
	expect_one_error("policy sometimes slab\n",
			 "t.plan:1:8: error: expected \"default\" or \"active\" after \"policy\", got \"sometimes\"");
	expect_one_error("policy default\n",
			 "t.plan:1:15: error: missing a policy after \"default\"");
	expect_one_error("stats every 1s\n",
			 "t.plan:1:7: error: expected \"interval\" after \"stats\", got \"every\"");
	expect_one_error("rule r if x > 1 then policy set slab\n",
			 "t.plan:1:8: error: expected \"when\" after \"r\", got \"if\"");
	expect_one_error("rule r when fragmentation(slab > 30% then policy set slab\n",
			 "t.plan:1:32: error: expected \")\" after \"slab\", got \">\"");
	expect_one_error("rule r when fragmentation(slab) > 30% policy set slab\n",
			 "t.plan:1:39: error: expected \"then\" after \"30%\", got \"policy\"");
	expect_one_error("rule r when fragmentation(slab) > 30% then reboot\n",
			 "t.plan:1:44: error: unknown action \"reboot\" (policy set POLICY [migrate])");
	expect_one_error("rule r when fragmentation(slab) > 30% then policy slab\n",
			 "t.plan:1:51: error: expected \"set\" after \"policy\", got \"slab\"");
	expect_one_error("vdev d0 size 4K turbo\n",
			 "t.plan:1:17: error: unknown property \"turbo\" of a vdev (size, timer, enable or irq-enable)");
	expect_one_error("metrics textfile /x\n",
			 "t.plan:1:18: error: expected a quoted path after \"textfile\", got \"/x\"");
	expect_one_error("drift\n", "t.plan:1:6: error: missing \"repair\" or \"report\" after \"drift\"");
	expect_one_error("(alloc a 1K)\n", "t.plan:1:1: error: unknown statement \"(\"");
}
END_TEST

/* ---- each pass --------------------------------------------------------- */

START_TEST(pass_units_errors)
{
	expect_one_error("buffer a size 4K fill 256\n",
			 "t.plan:1:23: error: fill \"256\" is not a byte (0 to 255, or 0x00 to 0xff)");
	expect_one_error("buffer a size 4K fill 0xfff\n",
			 "t.plan:1:23: error: fill \"0xfff\" is not a byte (0 to 255, or 0x00 to 0xff)");
	expect_one_error("vdev d size 2M\n",
			 "t.plan:1:13: error: size \"2M\" out of range (1 to 1048576 bytes)");
	expect_one_error("vdev d timer 2m\n",
			 "t.plan:1:14: error: duration \"2m\" out of range (1ms to 60s)");
	expect_one_error("stats interval 5ms\n",
			 "t.plan:1:16: error: duration \"5ms\" out of range (10ms to 1h)");
	expect_one_error("stats interval 10.5ms\n",
			 "t.plan:1:16: error: invalid duration \"10.5ms\" (whole milliseconds: 500ms, 10s, 2m, 1h)");
	expect_one_error("stats interval soon\n",
			 "t.plan:1:16: error: invalid duration \"soon\" (whole milliseconds: 500ms, 10s, 2m, 1h)");
	expect_one_error("rule r when budget_used > 1% for 25h then policy set slab\n",
			 "t.plan:1:34: error: duration \"25h\" out of range (0 to 24h)");
}
END_TEST

START_TEST(pass_refs_errors)
{
	expect_one_error("buffer a size 4K policy fast\n",
			 "t.plan:1:25: error: unknown policy \"fast\" (kmalloc, buddy, slab, first-fit, best-fit or tlsf)");
	expect_one_error("policy active 3\n",
			 "t.plan:1:15: error: unknown policy \"3\" (kmalloc, buddy, slab, first-fit, best-fit or tlsf)");
	expect_one_error("rule r when fragmentation(slab) > 1% then policy set nope\n",
			 "t.plan:1:54: error: unknown policy \"nope\" (kmalloc, buddy, slab, first-fit, best-fit or tlsf)");
}
END_TEST

START_TEST(pass_metrics_errors)
{
	expect_one_error("rule r when temperature(slab) > 1% then policy set slab\n",
			 "t.plan:1:13: error: unknown metric \"temperature\" (fragmentation, fragmentation_internal, fragmentation_external, live_bytes or budget_used)");
	expect_one_error("rule r when fragmentation > 1% then policy set slab\n",
			 "t.plan:1:13: error: metric fragmentation needs a policy: fragmentation(POLICY)");
	expect_one_error("rule r when budget_used(slab) > 1% then policy set slab\n",
			 "t.plan:1:25: error: metric budget_used takes no policy");
	expect_one_error("rule r when fragmentation(slab) => 1% then policy set slab\n",
			 "t.plan:1:33: error: unknown comparison \"=>\" (>, >=, < or <=)");
	expect_one_error("rule r when fragmentation(slab) > 30 then policy set slab\n",
			 "t.plan:1:35: error: fragmentation is a percentage: expected a threshold like \"30%\", got \"30\"");
	expect_one_error("rule r when live_bytes(slab) > 30% then policy set slab\n",
			 "t.plan:1:32: error: live_bytes is in bytes: expected a size like \"64M\", got \"30%\"");
}
END_TEST

START_TEST(pass_dups_and_settings)
{
	expect_one_error("vdev d size 4K\nvdev d size 8K\n",
			 "t.plan:2:6: error: vdev \"d\" already defined at t.plan:1:6");
	expect_one_error("rule r when budget_used > 1% then policy set slab\n"
			 "rule r when budget_used > 2% then policy set tlsf\n",
			 "t.plan:2:6: error: rule \"r\" already defined at t.plan:1:6");
	expect_one_error("policy default slab\n\npolicy default tlsf\n",
			 "t.plan:3:1: error: policy default already set at t.plan:1:1");
	expect_one_error("drift repair\ndrift report\n",
			 "t.plan:2:1: error: drift already set at t.plan:1:1");
	expect_one_error("drift sometimes\n",
			 "t.plan:1:7: error: unknown drift mode \"sometimes\" (repair or report)");
	expect_one_error("vdev x\nrule x when budget_used > 1% then policy set slab\nalloc x 1K\nbuffer x size 2K\n",
			 "t.plan:4:8: error: buffer \"x\" already defined at t.plan:3:7");
}
END_TEST

START_TEST(pass_budget_errors)
{
	struct kalloc_plan_env env = { .have_budget = true, .budget = 8192 };
	struct load l;

	load_env(&l, "alloc a 4K\nalloc b 4K\n", &env);
	ck_assert_int_eq(l.rc, 0);
	unload(&l);
	load_env(&l, "alloc a 4K\nalloc b 4K\nalloc c 1\nalloc d 1\n", &env);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_uint_eq(l.errs->n, 1);
	ck_assert_str_eq(err_at(&l, 0),
			 "t.plan:3:9: error: buffer c brings the plan to 8193 bytes, over the module's budget of 8192 bytes");
	unload(&l);
}
END_TEST

START_TEST(pass_from_errors)
{
	char path[] = "/tmp/check_from.XXXXXX", text[256], want[512];
	struct load l;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	close(fd);
	snprintf(text, sizeof(text), "buffer a size 10 from \"%s\"\n", path);
	load1(&l, text);
	ck_assert_int_eq(l.rc, 0);
	unload(&l);
	snprintf(text, sizeof(text), "buffer a size 9 from \"%s\"\n", path);
	snprintf(want, sizeof(want),
		 "t.plan:1:22: error: \"%s\" has 10 bytes, more than buffer a holds (9)",
		 path);
	expect_one_error(text, want);
	unlink(path);
	snprintf(text, sizeof(text), "buffer a size 9 from \"%s\"\n", path);
	snprintf(want, sizeof(want),
		 "t.plan:1:22: error: cannot read \"%s\": No such file or directory",
		 path);
	expect_one_error(text, want);
	expect_one_error("buffer a size 9 from \"rel/x\"\n",
			 "t.plan:1:22: error: \"rel/x\" is not an absolute path");
	expect_one_error("buffer a size 9 from \"/\"\n",
			 "t.plan:1:22: error: \"/\" is not a regular file");
}
END_TEST

/* ---- gcc-style output -------------------------------------------------- */

START_TEST(caret_output)
{
	char *buf = NULL;
	size_t len = 0;
	struct load l;
	FILE *f;

	load1(&l, "alloc ok 1K\n\talloc bad 12Q   # tab first\n");
	ck_assert_int_eq(l.rc, -EINVAL);
	f = open_memstream(&buf, &len);
	kalloc_plan_errors_print(f, l.errs);
	fclose(f);
	ck_assert_str_eq(buf,
			 "t.plan:2:12: error: invalid size \"12Q\"\n"
			 " \talloc bad 12Q   # tab first\n"
			 " \t          ^\n");
	free(buf);
	unload(&l);
}
END_TEST

/* ---- limits and hostile input ----------------------------------------- */

START_TEST(long_line)
{
	char *text = malloc(KALLOC_PLAN_LINE_MAX + 64);
	char want[128];
	struct load l;

	memset(text, 'a', KALLOC_PLAN_LINE_MAX + 10);
	memcpy(text, "alloc ", 6);
	strcpy(text + KALLOC_PLAN_LINE_MAX + 10, "\nalloc x 1\n");
	load1(&l, text);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_uint_eq(l.errs->n, 1);
	snprintf(want, sizeof(want), "t.plan:1:%d: error: line longer than %d bytes",
		 KALLOC_PLAN_LINE_MAX + 1, KALLOC_PLAN_LINE_MAX);
	ck_assert_str_eq(err_at(&l, 0), want);
	unload(&l);
	free(text);
}
END_TEST

START_TEST(nul_byte)
{
	const char *name = "t.plan";
	const char *text = "alloc a 1K\nalloc b\0 1K\n";
	size_t len = 23;
	struct load l;

	l.rc = kalloc_plan_load_mem(&name, &text, &len, 1, NULL, &l.plan, &l.errs);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_str_eq(err_at(&l, 0), "t.plan:2:8: error: invalid character 0x00");
	unload(&l);
}
END_TEST

/* A plan of n buffers, "alloc bNNNNNN 4K", one per line. */
static char *big_plan(size_t n, size_t *len)
{
	char *text = malloc(n * 24 + 1), *p = text;
	size_t i;

	for (i = 0; i < n; i++)
		p += sprintf(p, "alloc b%06zu 4K\n", i);
	*len = p - text;
	return text;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(seventy_thousand_fast)
{
	const char *name = "big.plan";
	struct load l;
	size_t len;
	char *text = big_plan(70000, &len);
	const char *t = text;
	double t0 = seconds();

	l.rc = kalloc_plan_load_mem(&name, &t, &len, 1, NULL, &l.plan, &l.errs);
	ck_assert_int_eq(l.rc, 0);
	ck_assert_uint_eq(kalloc_plan_nbuffers(l.plan), 70000);
	/* Quadratic took 12 s; linear takes tens of milliseconds. */
	ck_assert_double_lt(seconds() - t0, 2.0);
	unload(&l);
	free(text);
}
END_TEST

START_TEST(statement_limit)
{
	const char *name = "big.plan";
	char want[128];
	struct load l;
	size_t len;
	char *text = big_plan(KALLOC_PLAN_STMTS_MAX + 5, &len);
	const char *t = text;

	l.rc = kalloc_plan_load_mem(&name, &t, &len, 1, NULL, &l.plan, &l.errs);
	ck_assert_int_eq(l.rc, -EINVAL);
	ck_assert_uint_eq(l.errs->n, 1);
	snprintf(want, sizeof(want), "big.plan:%d:1: error: more than %d statements in the plan",
		 KALLOC_PLAN_STMTS_MAX + 1, KALLOC_PLAN_STMTS_MAX);
	ck_assert_str_eq(err_at(&l, 0), want);
	unload(&l);
	free(text);
}
END_TEST

static char tmpdir[64];

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	path_in(path, sizeof(path), name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* Loads tmpdir: exactly one error, on file name, saying what. */
static void expect_dir_error(const char *name, const char *what)
{
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	char want[512], buf[512];

	ck_assert_int_eq(kalloc_plan_load_dir(tmpdir, &plan, &errs), -EINVAL);
	ck_assert_ptr_null(plan);
	ck_assert_uint_eq(errs->n, 1);
	snprintf(want, sizeof(want), "%s/%s: error: %s", tmpdir, name, what);
	ck_assert_str_eq(kalloc_plan_error_str(&errs->v[0], buf, sizeof(buf)),
			 want);
	kalloc_plan_errors_free(errs);
}

START_TEST(hostile_directory_entries)
{
	char path[256], target[256];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_hostile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	write_file("00-ok.plan", "alloc a 1K\n");

	path_in(path, sizeof(path), "10-gone.plan");
	path_in(target, sizeof(target), "nowhere");
	ck_assert_int_eq(symlink(target, path), 0);
	expect_dir_error("10-gone.plan", "dangling symbolic link");
	unlink(path);

	path_in(path, sizeof(path), "20-fifo.plan");
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	expect_dir_error("20-fifo.plan", "a FIFO, not a plan file");
	unlink(path);

	path_in(path, sizeof(path), "30-dir.plan");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	expect_dir_error("30-dir.plan", "a directory, not a plan file");
	rmdir(path);

	/* A symlink to a good file is fine; hidden and other names are not read. */
	path_in(path, sizeof(path), "40-link.plan");
	path_in(target, sizeof(target), "real.txt");
	write_file("real.txt", "alloc b 2K\n");
	ck_assert_int_eq(symlink(target, path), 0);
	path_in(path, sizeof(path), ".swp.plan");
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	{
		struct kalloc_plan_errors *errs;
		struct kalloc_plan *plan;

		ck_assert_int_eq(kalloc_plan_load_dir(tmpdir, &plan, &errs), 0);
		ck_assert_uint_eq(kalloc_plan_nbuffers(plan), 2);
		kalloc_plan_free(plan);
		kalloc_plan_errors_free(errs);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(unreadable_file)
{
	char path[256];

	if (geteuid() == 0)
		return;	/* root reads mode 000 files: the VM scenarios cover it */
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_unread.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	write_file("x.plan", "alloc a 1K\n");
	path_in(path, sizeof(path), "x.plan");
	chmod(path, 0);
	expect_dir_error("x.plan", "cannot read: Permission denied");
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* ---- units ------------------------------------------------------------- */

START_TEST(units)
{
	uint64_t v;
	int b;

	ck_assert_int_eq(plan_parse_percent("30%", &v), 0);
	ck_assert_uint_eq(v, 3000);
	ck_assert_int_eq(plan_parse_percent("0.05%", &v), 0);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(plan_parse_percent("1.%", &v), -EINVAL);
	ck_assert_int_eq(plan_parse_percent("1.234%", &v), -EINVAL);
	ck_assert_int_eq(plan_parse_percent("30", &v), -EINVAL);
	ck_assert_int_eq(plan_parse_byte("0xFF", &b), 0);
	ck_assert_int_eq(b, 255);
	ck_assert_int_eq(plan_parse_byte("0x", &b), -EINVAL);
	ck_assert_int_eq(plan_parse_byte("-1", &b), -EINVAL);
}
END_TEST

static Suite *lang_suite(void)
{
	Suite *s = suite_create("plan-lang");
	TCase *tc = tcase_create("lang");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, lexer_tokens);
	tcase_add_test(tc, issue_example);
	tcase_add_test(tc, rule_forms);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, pass_units_errors);
	tcase_add_test(tc, pass_refs_errors);
	tcase_add_test(tc, pass_metrics_errors);
	tcase_add_test(tc, pass_dups_and_settings);
	tcase_add_test(tc, pass_budget_errors);
	tcase_add_test(tc, pass_from_errors);
	tcase_add_test(tc, caret_output);
	tcase_add_test(tc, long_line);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, seventy_thousand_fast);
	tcase_add_test(tc, statement_limit);
	tcase_add_test(tc, hostile_directory_entries);
	tcase_add_test(tc, unreadable_file);
	tcase_add_test(tc, units);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kalloc_check_run(lang_suite());
}
