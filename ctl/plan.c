// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * plan.c - "kallocctl plan": the plan language from the command line.
 *
 *   plan check [PATH...]            load, report errors gcc-style
 *   plan diff [PATH...]             what a reconcile would do
 *   plan apply [PATH...] [dry-run]  reconcile once
 *   plan status                     kallocd's rules and counters
 *
 * PATH is a plan file or directory; none means /etc/kalloc/plan.d. Every
 * verb runs the code kallocd runs: the front end, the diff and the
 * executor of plan/, with the same messages. apply takes the plan lock
 * (plan/apply.h), so it never interleaves with a reconcile of kallocd or
 * of another apply; diff and dry-run read without it.
 *
 * Exit status: 0 success (diff: no changes), 1 the plan has errors or
 * the kernel refused a change (apply: or a name held by another owner),
 * 2 usage, 3 no kalloc family, 4 (diff, dry-run) there are changes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "json_print.h"
#include "plan.h"
#include "plan_cmd.h"
#include "rules.h"
#include "state.h"

struct plan_args {
	const char **paths;
	size_t npaths;
	bool dry_run;
};

static const char *const default_paths[] = { KALLOC_PLAN_DIR };

static void parse_paths(int argc, char **argv, struct plan_args *a,
			bool allow_dry_run)
{
	a->paths = (const char **)argv + 1;
	a->npaths = argc - 1;
	if (allow_dry_run && a->npaths &&
	    !strcmp(a->paths[a->npaths - 1], "dry-run")) {
		a->dry_run = true;
		a->npaths--;
	}
	if (!a->npaths) {
		a->paths = (const char **)default_paths;
		a->npaths = 1;
	}
}

/* With -j, the errors as objects on stdout too (stderr keeps gcc's form). */
static void print_errors_json(const struct kalloc_plan_errors *errs)
{
	size_t i;

	if (!is_json_context() || !errs)
		return;
	open_json_object(NULL);
	print_bool(PRINT_JSON, "ok", NULL, false);
	open_json_array("errors");
	for (i = 0; i < errs->n; i++) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "file", NULL, errs->v[i].file);
		print_uint(PRINT_JSON, "line", NULL, errs->v[i].line);
		print_uint(PRINT_JSON, "col", NULL, errs->v[i].col);
		print_string(PRINT_JSON, "message", NULL, errs->v[i].msg);
		close_json_object();
	}
	close_json_array();
	print_u64(PRINT_JSON, "dropped", NULL, errs->dropped);
	close_json_object();
}

/* Loads the plan; on errors prints them and returns EXIT_FAILED. */
static int load(const struct plan_args *a, struct kalloc_plan **plan)
{
	struct kalloc_plan_errors *errs = NULL;
	struct kalloc_plan_env env;
	size_t n;
	int rc;

	kalloc_plan_env_probe(&env);
	rc = kalloc_plan_load_paths(a->paths, a->npaths, &env, plan, &errs);
	if (!rc) {
		kalloc_plan_errors_free(errs);
		return EXIT_OK;
	}
	kalloc_plan_errors_print(stderr, errs);
	print_errors_json(errs);
	n = errs ? errs->n + errs->dropped : 0;
	if (rc == -ENOMEM)
		ctl_error("out of memory");
	else
		ctl_error("the plan has %zu error%s; nothing changed", n,
			  n == 1 ? "" : "s");
	kalloc_plan_errors_free(errs);
	return EXIT_FAILED;
}

static int do_check(int argc, char **argv)
{
	struct plan_args a = { 0 };
	struct kalloc_plan *plan;
	int rc;

	parse_paths(argc, argv, &a, false);
	rc = load(&a, &plan);
	if (rc)
		return rc;
	open_json_object(NULL);
	print_bool(PRINT_JSON, "ok", NULL, true);
	print_string(PRINT_FP, NULL, "%s", "plan OK: ");
	print_u64(PRINT_ANY, "buffers", "%" PRIu64 " buffers, ",
		  kalloc_plan_nbuffers(plan));
	print_u64(PRINT_ANY, "vdevs", "%" PRIu64 " vdevs, ",
		  kalloc_plan_count(plan, KALLOC_PLAN_VDEV));
	print_u64(PRINT_ANY, "rules", "%" PRIu64 " rules, ",
		  kalloc_plan_count(plan, KALLOC_PLAN_RULE));
	print_u64(PRINT_ANY, "files", "%" PRIu64 " files\n", plan->nfiles);
	close_json_object();
	kalloc_plan_free(plan);
	return EXIT_OK;
}

static const char *op_word(enum kalloc_change_op op)
{
	switch (op) {
	case KALLOC_CH_CREATE:
		return "create";
	case KALLOC_CH_DELETE:
		return "delete";
	case KALLOC_CH_CHANGE:
		return "change";
	case KALLOC_CH_CONFLICT:
		return "conflict";
	default:
		return "keep";
	}
}

/* One change: a terraform-style line, or a JSON object. */
static void print_change(const struct kalloc_change *c,
			 const struct kalloc_err *err)
{
	char line[512];

	open_json_object(NULL);
	print_string(PRINT_JSON, "op", NULL, op_word(c->op));
	print_string(PRINT_JSON, "object", NULL, kalloc_change_obj_name(c->obj));
	if (c->name[0])
		print_string(PRINT_JSON, "name", NULL, c->name);
	if (c->obj == KALLOC_CO_POLICY) {
		print_string(PRINT_JSON, "value", NULL,
			     kalloc_policy_name_of(c->value));
		if (c->cur_value)
			print_string(PRINT_JSON, "cur_value", NULL,
				     kalloc_policy_name_of(c->cur_value));
	} else if (c->obj == KALLOC_CO_STATS) {
		print_uint(PRINT_JSON, "value_ms", NULL, c->value);
		print_uint(PRINT_JSON, "cur_value_ms", NULL, c->cur_value);
	} else {
		if (c->op == KALLOC_CH_CREATE || c->op == KALLOC_CH_CHANGE)
			print_u64(PRINT_JSON, "size", NULL, c->size);
		if (c->op != KALLOC_CH_CREATE)
			print_u64(PRINT_JSON, "cur_size", NULL, c->cur_size);
	}
	if (c->policy && c->obj == KALLOC_CO_BUFFER)
		print_string(PRINT_JSON, "policy", NULL,
			     kalloc_policy_name_of(c->policy));
	if (c->op == KALLOC_CH_CONFLICT)
		print_string(PRINT_JSON, "owner", NULL, c->owner);
	print_string(PRINT_JSON, "text", NULL,
		     kalloc_change_str(c, line, sizeof(line)));
	print_string(PRINT_FP, NULL, "%s", line);
	if (err && err->code) {
		print_string(PRINT_ANY, "error", ": failed: %s", err->msg);
	}
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
}

static void print_summary(const struct kalloc_changes *ch)
{
	print_u64(PRINT_ANY, "create", "Plan: %" PRIu64 " to create, ",
		  ch->count[KALLOC_CH_CREATE]);
	print_u64(PRINT_ANY, "change", "%" PRIu64 " to change, ",
		  ch->count[KALLOC_CH_CHANGE]);
	print_u64(PRINT_ANY, "delete", "%" PRIu64 " to delete, ",
		  ch->count[KALLOC_CH_DELETE]);
	print_u64(PRINT_ANY, "conflict", "%" PRIu64 " conflicts, ",
		  ch->count[KALLOC_CH_CONFLICT]);
	print_u64(PRINT_ANY, "keep", "%" PRIu64 " in place.\n",
		  ch->count[KALLOC_CH_KEEP]);
}

static int world_diff(struct kalloc_nl *nl, const struct kalloc_plan *plan,
		      struct kalloc_world_buf *wb, struct kalloc_changes *ch)
{
	struct kalloc_diff_opts o = { .settings = true };
	struct kalloc_err err;
	int rc = kalloc_world_read(nl, wb, &err);

	if (rc)
		return ctl_failed(&err);
	rc = kalloc_plan_diff(plan, &wb->w, &o, ch);
	if (rc) {
		kalloc_world_free(wb);
		ctl_error("%s", strerror(-rc));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int show_diff(const struct kalloc_changes *ch)
{
	size_t i;

	open_json_object(NULL);
	open_json_array("changes");
	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].op != KALLOC_CH_KEEP)
			print_change(&ch->v[i], NULL);
	}
	close_json_array();
	if (!kalloc_changes_pending(ch))
		print_string(PRINT_FP, NULL, "%s",
			     "No changes: the kernel holds the plan.\n");
	print_summary(ch);
	close_json_object();
	return kalloc_changes_pending(ch) ? EXIT_CHANGES : EXIT_OK;
}

static void on_applied(void *ctx, const struct kalloc_change *c,
		       const struct kalloc_err *err)
{
	(void)ctx;
	print_change(c, err);
}

static int run_apply(struct kalloc_nl *nl, const struct kalloc_plan *plan)
{
	struct kalloc_apply_report rep = { .change = on_applied };
	struct kalloc_apply_result res;
	struct kalloc_world_buf wb;
	struct kalloc_changes ch;
	int lock, rc;

	rc = kalloc_plan_lock(KALLOC_PLAN_LOCK, &lock);
	if (rc) {
		ctl_error("cannot take the plan lock %s: %s", KALLOC_PLAN_LOCK,
			  strerror(-rc));
		return EXIT_FAILED;
	}
	rc = world_diff(nl, plan, &wb, &ch);
	if (rc)
		goto unlock;
	open_json_object(NULL);
	open_json_array("changes");
	kalloc_plan_apply(nl, plan, &ch, &rep, &res);
	close_json_array();
	print_summary(&ch);
	close_json_object();
	if (res.failed)
		ctl_error("%zu change%s refused: %s", res.failed,
			  res.failed == 1 ? "" : "s", res.first_err);
	else if (res.conflicts)
		ctl_error("%zu name%s held by another owner, left alone",
			  res.conflicts, res.conflicts == 1 ? "" : "s");
	rc = res.failed || res.conflicts ? EXIT_FAILED : EXIT_OK;
	kalloc_changes_free(&ch);
	kalloc_world_free(&wb);
unlock:
	kalloc_plan_unlock(lock);
	return rc;
}

/* diff, and apply: with dry-run, apply is diff. */
static int diff_or_apply(int argc, char **argv, bool apply)
{
	struct plan_args a = { 0 };
	struct kalloc_world_buf wb;
	struct kalloc_changes ch;
	struct kalloc_plan *plan;
	struct kalloc_nl *nl;
	int rc;

	parse_paths(argc, argv, &a, apply);
	rc = load(&a, &plan);
	if (rc)
		return rc;
	rc = ctl_open(&nl);
	if (rc)
		goto free_plan;
	if (apply && !a.dry_run) {
		rc = run_apply(nl, plan);
	} else {
		rc = world_diff(nl, plan, &wb, &ch);
		if (!rc) {
			rc = show_diff(&ch);
			kalloc_changes_free(&ch);
			kalloc_world_free(&wb);
		}
	}
	ctl_close(nl);
free_plan:
	kalloc_plan_free(plan);
	return rc;
}

static int do_diff(int argc, char **argv)
{
	return diff_or_apply(argc, argv, false);
}

static int do_apply(int argc, char **argv)
{
	return diff_or_apply(argc, argv, true);
}

/* ---- status ------------------------------------------------------------ */

static const char *when(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm))
		return "never";
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static bool daemon_alive(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "kallocd\n");
}

static void print_rule(const struct kalloc_state_rule *r)
{
	char a[32], b[32];

	open_json_object(NULL);
	print_string(PRINT_ANY, "rule", "  rule %s: ", r->name);
	print_string(PRINT_JSON, "state", NULL, r->phase);
	if (!strcmp(r->phase, "pending"))
		print_string(PRINT_FP, NULL, "pending since %s",
			     when(r->since, a, sizeof(a)));
	else if (!strcmp(r->phase, "cooling"))
		print_string(PRINT_FP, NULL, "cooling down until %s",
			     when(r->until, a, sizeof(a)));
	else
		print_string(PRINT_FP, NULL, "%s", "idle");
	print_u64(PRINT_JSON, "since", NULL, (uint64_t)r->since);
	print_u64(PRINT_JSON, "until", NULL, (uint64_t)r->until);
	print_u64(PRINT_JSON, "fired_at", NULL, (uint64_t)r->fired_at);
	if (r->fired)
		print_string(PRINT_FP, NULL, "; fired at %s",
			     when(r->fired_at, b, sizeof(b)));
	print_u64(PRINT_ANY, "fired", " (%" PRIu64 " times)", r->fired);
	if (r->have_value)
		print_u64(PRINT_JSON, "value", NULL, (uint64_t)r->value);
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
}

static void print_state(const struct kalloc_state *s, bool alive)
{
	char a[32];
	size_t i;

	open_json_object(NULL);
	print_uint(PRINT_ANY, "pid", "kallocd pid %u", (unsigned int)s->pid);
	print_bool(PRINT_JSON, "running", NULL, alive);
	print_string(PRINT_FP, NULL, "%s", alive ? "" : " (not running: stale)");
	print_string(PRINT_ANY, "updated", ", updated %s\n",
		     when(s->updated, a, sizeof(a)));
	print_string(PRINT_ANY, "status", "  %s\n", s->status);
	print_string(PRINT_ANY, "last_result", "  last reconcile: %s",
		     s->last_result);
	print_u64(PRINT_JSON, "last_reconcile", NULL, (uint64_t)s->last_reconcile);
	print_string(PRINT_FP, NULL, " at %s\n",
		     when(s->last_reconcile, a, sizeof(a)));
	open_json_object("counters");
	for (i = 0; i < s->ncounters; i++) {
		print_u64(PRINT_JSON, s->counters[i].name, NULL,
			  s->counters[i].value);
		if (!is_json_context())
			printf("%s%s %" PRIu64, i ? ", " : "  ",
			       s->counters[i].name, s->counters[i].value);
	}
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
	open_json_array("rules");
	for (i = 0; i < s->nrules; i++)
		print_rule(&s->rules[i]);
	close_json_array();
	close_json_object();
}

static int do_status(int argc, char **argv)
{
	struct kalloc_state s;
	int rc;

	(void)argv;
	if (argc != 1)
		return ctl_usage("");
	rc = kalloc_state_read(KALLOC_STATE_FILE, &s);
	if (rc == -ENOENT) {
		ctl_error("no %s: kallocd has not run since boot",
			  KALLOC_STATE_FILE);
		return EXIT_FAILED;
	}
	if (rc) {
		ctl_error("cannot read %s: %s", KALLOC_STATE_FILE,
			  strerror(-rc));
		return EXIT_FAILED;
	}
	print_state(&s, daemon_alive(s.pid));
	kalloc_state_free(&s);
	return EXIT_OK;
}

static int do_help(int argc, char **argv)
{
	(void)argv;
	return ctl_help_verb(&ctl_plan, argc);
}

static const struct ctl_verb verbs[] = {
	{ "check", do_check, "[PATH...]",
	  "load the plan (default /etc/kalloc/plan.d), report its errors" },
	{ "diff", do_diff, "[PATH...]",
	  "what a reconcile would change, one + - ~ ! line each" },
	{ "apply", do_apply, "[PATH...] [dry-run]",
	  "reconcile the kernel with the plan once, as kallocd does" },
	{ "status", do_status, "", "kallocd's counters and its rules' states" },
	{ "help", do_help, "", "show this help" },
};

const struct ctl_object ctl_plan = {
	.name = "plan",
	.description = "The plan language (kalloc.plan(5)), as kallocd runs it",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.default_verb = "check",
	.default_takes_args = false,
	.notes =
		"diff lines: + create, - delete, ~ change in place, ! conflict (a name\n"
		"held by another owner, left alone). Exit status: 0 success (diff: no\n"
		"changes), 1 plan errors, refused changes or conflicts (apply), 2 usage,\n"
		"3 no kalloc module, 4 changes pending (diff, apply dry-run).\n",
};
