/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * plan.h - the kalloc plan language, version 1 (kalloc.plan(5)):
 * declarative files saying which buffers and devices should exist, which
 * policy serves them, and which rules switch policies at run time. Read
 * by kallocd and "kallocctl plan".
 *
 * The front end is pure (no netlink): lexer, parser, semantic passes,
 * each its own file (plan_priv.h lists them), and the reconcile decision
 * (diff.c). apply.c carries a decision out over libkalloc, and rules.c is
 * the rules engine, a pure function of (rules, metrics, time).
 *
 * Every problem is a struct kalloc_plan_error printed gcc-style:
 *
 *   file:line:col: error: message
 *    source line
 *         ^
 *
 * in file order. A load with any error yields no plan at all: a
 * half-applied plan is worse than the previous one.
 */
#ifndef KALLOC_PLAN_H
#define KALLOC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kalloc.h"

#define KALLOC_PLAN_DIR		"/etc/kalloc/plan.d"
#define KALLOC_PLAN_SUFFIX	".plan"
/* The owner tag of everything kallocd and "kallocctl plan apply" create. */
#define KALLOC_PLAN_OWNER	"kallocd"

/* Documented limits (kalloc.plan(5), LIMITS). */
#define KALLOC_PLAN_FILE_MAX	(16u << 20)	/* bytes of one file */
#define KALLOC_PLAN_LINE_MAX	4096		/* bytes of one line */
#define KALLOC_PLAN_STMTS_MAX	100000		/* statements of one load */
#define KALLOC_PLAN_FILES_MAX	1024		/* files of one directory */
/* Errors kept per load; the rest are only counted (errors->dropped). */
#define KALLOC_PLAN_ERRORS_MAX	100

/* Where a token starts. file points into the owning plan's storage. */
struct kalloc_plan_loc {
	const char *file;
	unsigned int fileno;	/* index in the load's file order */
	unsigned int line;	/* 1-based; 0 when about the whole file */
	unsigned int col;	/* 1-based byte column */
};

/* One argument as written; text is NULL when it was not given. */
struct kalloc_plan_arg {
	char *text;
	struct kalloc_plan_loc loc;
};

enum kalloc_plan_kind {
	KALLOC_PLAN_BUFFER = 1,	/* buffer NAME size S ... | alloc NAME S */
	KALLOC_PLAN_POLICY,	/* policy default|active P */
	KALLOC_PLAN_VDEV,	/* vdev NAME size S [timer D] [enable] ... */
	KALLOC_PLAN_STATS,	/* stats interval D */
	KALLOC_PLAN_RULE,	/* rule NAME when ... then ... */
	KALLOC_PLAN_DRIFT,	/* drift repair|report */
	KALLOC_PLAN_METRICS,	/* metrics textfile "PATH" */
};

struct kalloc_plan_buffer {
	struct kalloc_plan_arg name, size, policy, fill, from;
	bool shorthand;		/* written as "alloc NAME SIZE" */
	/* Filled by the passes: */
	uint64_t bytes;
	uint32_t policy_id;	/* 0: the plan's default, else the active */
	int fill_byte;		/* -1: none */
};

enum kalloc_plan_policy_which { KALLOC_PLAN_DEFAULT = 1, KALLOC_PLAN_ACTIVE };

struct kalloc_plan_policy {
	enum kalloc_plan_policy_which which;
	struct kalloc_plan_arg what, policy;
	uint32_t policy_id;
};

struct kalloc_plan_vdev {
	struct kalloc_plan_arg name, size, timer;
	bool enable, irq_enable;
	uint32_t window;	/* bytes */
	uint64_t timer_ns;	/* 0: none */
};

struct kalloc_plan_stats {
	struct kalloc_plan_arg what, interval;
	uint32_t interval_ms;
};

/* Comparison of a rule's condition. */
enum kalloc_plan_op { KALLOC_OP_GT = 1, KALLOC_OP_GE, KALLOC_OP_LT, KALLOC_OP_LE };

struct kalloc_plan_rule {
	struct kalloc_plan_arg name, metric, arg, op, threshold, for_, cooldown;
	struct kalloc_plan_arg action, action_policy;
	bool migrate;
	/* Filled by the passes: */
	int metric_id;		/* enum kalloc_metric */
	uint32_t arg_policy;	/* the metric's policy */
	enum kalloc_plan_op cmp;
	int64_t limit;		/* in the metric's unit (see rules.h) */
	uint64_t for_ms, cooldown_ms;
	uint32_t set_policy;
};

enum kalloc_plan_drift { KALLOC_DRIFT_REPAIR = 1, KALLOC_DRIFT_REPORT };

struct kalloc_plan_drift_stmt {
	struct kalloc_plan_arg mode;
	enum kalloc_plan_drift drift;
};

struct kalloc_plan_metrics {
	struct kalloc_plan_arg what, path;
};

struct kalloc_plan_stmt {
	enum kalloc_plan_kind kind;
	struct kalloc_plan_loc loc;	/* the keyword */
	union {
		struct kalloc_plan_buffer buffer;
		struct kalloc_plan_policy policy;
		struct kalloc_plan_vdev vdev;
		struct kalloc_plan_stats stats;
		struct kalloc_plan_rule rule;
		struct kalloc_plan_drift_stmt drift;
		struct kalloc_plan_metrics metrics;
	} u;
};

/* The plan's settings, resolved from its statements by the passes. */
struct kalloc_plan_settings {
	uint32_t default_policy;	/* 0: none stated */
	uint32_t active_policy;		/* 0: none stated */
	uint32_t stats_interval_ms;	/* 0: none stated */
	enum kalloc_plan_drift drift;	/* KALLOC_DRIFT_REPAIR unless stated */
	const char *metrics_textfile;	/* NULL: none stated */
};

struct kalloc_plan {
	char **files;		/* every file read, in reading order */
	size_t nfiles;
	struct kalloc_plan_stmt *stmts;	/* in file order, then line order */
	size_t nstmts;
	struct kalloc_plan_settings set;
};

struct kalloc_plan_error {
	char *file;
	unsigned int fileno;
	unsigned int line;	/* 0: the message is about the whole file */
	unsigned int col;
	char *msg;
	char *source;		/* the source line, or NULL */
	unsigned int seq;	/* discovery order: ties in file order */
};

struct kalloc_plan_errors {
	struct kalloc_plan_error *v;
	size_t n;
	size_t dropped;		/* errors beyond KALLOC_PLAN_ERRORS_MAX */
};

/*
 * What the passes may know of the running system. Every field is
 * optional: a pass that needs one it lacks checks nothing.
 */
struct kalloc_plan_env {
	bool have_budget;
	uint64_t budget;	/* the module's "budget" parameter, bytes */
	bool check_from;	/* look at "from" files (missing, too big) */
};

/* The module's budget from /sys/module/kalloc/parameters, if loaded. */
void kalloc_plan_env_probe(struct kalloc_plan_env *env);

/*
 * Each loader returns 0 and a plan in *planp, or a negative errno and
 * *planp = NULL: -EINVAL when a file has errors or cannot be read,
 * -ENOMEM. *errsp is always set unless -ENOMEM is returned before any
 * error could be recorded; free it with kalloc_plan_errors_free(). env
 * may be NULL (then "from" files are checked and the budget is not).
 *
 * kalloc_plan_load_paths() reads each path: a directory contributes its
 * *.plan entries (names not starting with '.') in strcmp() order; any
 * such entry that is not a readable regular file (a dangling symlink, a
 * FIFO, a directory, an unreadable file) is an error naming it. A file
 * named directly is read whatever its name.
 */
int kalloc_plan_load_paths(const char *const *paths, size_t n,
			   const struct kalloc_plan_env *env,
			   struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp);
int kalloc_plan_load_dir(const char *dir, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp);
int kalloc_plan_load_file(const char *path, struct kalloc_plan **planp,
			  struct kalloc_plan_errors **errsp);
/* Several in-memory files, as if read in this order (tests, fuzzing). */
int kalloc_plan_load_texts(const char *const *names, const char *const *texts,
			   size_t n, struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp);
int kalloc_plan_load_mem(const char *const *names, const char *const *texts,
			 const size_t *lens, size_t n,
			 const struct kalloc_plan_env *env,
			 struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp);

void kalloc_plan_free(struct kalloc_plan *plan);
void kalloc_plan_errors_free(struct kalloc_plan_errors *errs);

/* "file:line:col: error: message" (or "file: error: message") into buf. */
const char *kalloc_plan_error_str(const struct kalloc_plan_error *e,
				  char *buf, size_t len);
/* That line, then the source line and a caret under the column. */
void kalloc_plan_error_print(FILE *f, const struct kalloc_plan_error *e);
/* Every error, then "... and N more errors" when some were dropped. */
void kalloc_plan_errors_print(FILE *f, const struct kalloc_plan_errors *errs);

/* Statements of a kind. */
size_t kalloc_plan_count(const struct kalloc_plan *plan,
			 enum kalloc_plan_kind kind);
size_t kalloc_plan_nbuffers(const struct kalloc_plan *plan);

/* The policy a planned buffer asks for: its own, the default, or 0. */
uint32_t kalloc_plan_buffer_policy(const struct kalloc_plan *plan,
				   const struct kalloc_plan_buffer *b);

#endif /* KALLOC_PLAN_H */
