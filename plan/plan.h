/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * plan.h - the kalloc plan language: declarative files saying which
 * buffers should exist. Read by kallocd (and later "kallocctl plan check").
 *
 * Pure: nothing here speaks netlink, so all of it is unit-testable. The
 * language lives in plan/ (libkallocplan.a), apart from the netlink client
 * in lib/, whose names and sizes it uses.
 *
 * Loading runs in three stages, each its own file (plan_priv.h):
 *
 *   lexer   bytes -> tokens (WORD, NEWLINE, EOF), each with its 1-based
 *           line and byte column; '#' starts a comment to end of line.
 *   parser  tokens -> AST: one struct kalloc_plan_stmt per statement,
 *           dispatched on its first word through a keyword table; a
 *           statement ends at the end of its line.
 *   passes  semantic checks over the whole AST of every file at once
 *           (valid names, sizes in range, no name defined twice).
 *
 * load.c reads the files and keeps the errors; diff.c is the reconcile
 * decision over a loaded plan.
 *
 * Every problem becomes a struct kalloc_plan_error printed as
 * "file:line:col: message". All errors of a load are collected (up to
 * KALLOC_PLAN_ERRORS_MAX), and a load with any error yields no plan at
 * all: a half-applied plan is worse than the previous one.
 *
 * Grammar (statements to come are added to the keyword table):
 *
 *   file      := { line }
 *   line      := [ statement ] [ "#" comment ] NEWLINE
 *   statement := "alloc" NAME SIZE
 *   NAME      := see kalloc_check_name()
 *   SIZE      := see kalloc_parse_size(), 1 .. KALLOC_BUFFER_SIZE_MAX
 */
#ifndef KALLOC_PLAN_H
#define KALLOC_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "kalloc.h"

#define KALLOC_PLAN_DIR		"/etc/kalloc/plan.d"
#define KALLOC_PLAN_SUFFIX	".plan"
/* Errors kept per load; the rest are only counted (errors->dropped). */
#define KALLOC_PLAN_ERRORS_MAX	32

/* Where a token starts. file points into the owning plan's or errors' storage. */
struct kalloc_plan_loc {
	const char *file;
	unsigned int line;	/* 1-based; 0 when about the whole file */
	unsigned int col;	/* 1-based byte column */
};

enum kalloc_plan_kind {
	KALLOC_PLAN_ALLOC = 1,	/* alloc NAME SIZE */
};

struct kalloc_plan_alloc {
	char *name;		/* as written; checked by the name pass */
	char *size_text;	/* as written */
	uint64_t size;		/* filled by the size pass */
	struct kalloc_plan_loc name_loc;
	struct kalloc_plan_loc size_loc;
};

struct kalloc_plan_stmt {
	enum kalloc_plan_kind kind;
	struct kalloc_plan_loc loc;	/* the keyword */
	union {
		struct kalloc_plan_alloc alloc;
	} u;
};

struct kalloc_plan {
	char **files;		/* every file read, in reading order */
	size_t nfiles;
	struct kalloc_plan_stmt *stmts;	/* in file order, then line order */
	size_t nstmts;
};

struct kalloc_plan_error {
	char *file;
	unsigned int line;	/* 0: the message is about the whole file */
	unsigned int col;
	char *msg;
};

struct kalloc_plan_errors {
	struct kalloc_plan_error *v;
	size_t n;
	size_t dropped;		/* errors beyond KALLOC_PLAN_ERRORS_MAX */
};

/*
 * Each loader returns 0 and a plan in *planp, or a negative errno and
 * *planp = NULL: -EINVAL when the text has errors, -ENOENT/-EACCES/...
 * when the directory or a file cannot be read, -ENOMEM. *errsp is always
 * set (possibly to an empty list) unless -ENOMEM is returned before any
 * error could be recorded; free it with kalloc_plan_errors_free().
 *
 * kalloc_plan_load_dir() reads DIR/\*.plan (regular files, names not
 * starting with '.') in strcmp() order, i.e. C-locale order; other files
 * are ignored. A directory without plan files is an empty, valid plan.
 */
int kalloc_plan_load_dir(const char *dir, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp);
int kalloc_plan_load_file(const char *path, struct kalloc_plan **planp,
			  struct kalloc_plan_errors **errsp);
/* Several in-memory files, as if read in this order (tests, stdin). */
int kalloc_plan_load_texts(const char *const *names, const char *const *texts,
			   size_t n, struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp);

void kalloc_plan_free(struct kalloc_plan *plan);
void kalloc_plan_errors_free(struct kalloc_plan_errors *errs);

/* "file:line:col: message" (or "file: message" when line is 0) into buf. */
const char *kalloc_plan_error_str(const struct kalloc_plan_error *e,
				  char *buf, size_t len);

/* Number of alloc statements. */
size_t kalloc_plan_nbuffers(const struct kalloc_plan *plan);

/*
 * Reconcile decision: what to do so that the kernel holds the plan.
 *
 * Ownership: owned lists the buffer names kallocd applied before (created,
 * recreated or adopted). Only owned buffers may be deleted or recreated;
 * a buffer nobody planned is never touched, and a planned buffer that
 * exists with another size but is not owned is reported as a conflict
 * and left alone.
 */
enum kalloc_plan_act {
	KALLOC_ACT_DELETE = 1,	/* owned, no longer planned, exists: delete */
	KALLOC_ACT_FORGET,	/* owned, no longer planned, gone already */
	KALLOC_ACT_RECREATE,	/* owned, planned, wrong size: delete + new */
	KALLOC_ACT_CREATE,	/* planned, missing: new */
	KALLOC_ACT_ADOPT,	/* planned, not owned, right size: take it */
	KALLOC_ACT_KEEP,	/* planned, owned, right size: nothing */
	KALLOC_ACT_CONFLICT,	/* planned, not owned, wrong size: warn */
};

struct kalloc_plan_action {
	enum kalloc_plan_act act;
	char name[KALLOC_NAME_MAX];
	uint64_t size;		/* planned size (0 for DELETE/FORGET) */
	uint64_t cur_size;	/* kernel's size (0 if missing) */
	const struct kalloc_plan_stmt *stmt;	/* NULL for DELETE/FORGET */
};

/*
 * Fills *actsp with *nactsp actions (malloc()ed, free() it): every
 * DELETE and FORGET first (in cur order, then owned order), so deletions
 * return budget before anything is created, then one action per planned
 * buffer in plan order. Returns 0 or -ENOMEM. plan may be NULL (empty).
 */
int kalloc_plan_diff(const struct kalloc_plan *plan,
		     const struct kalloc_buffer_info *cur, size_t ncur,
		     const char *const *owned, size_t nowned,
		     struct kalloc_plan_action **actsp, size_t *nactsp);

const char *kalloc_plan_act_name(enum kalloc_plan_act act);

#endif /* KALLOC_PLAN_H */
