// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * plan.c - lexer, parser, semantic passes and reconcile decision of the
 * kalloc plan language (see plan.h for the grammar).
 *
 * Design
 * ======
 *
 * A load owns one struct loader: the AST under construction (struct
 * kalloc_plan) and the error list. Every file of a load is lexed and
 * parsed into the same AST, so that the semantic passes see all files at
 * once and can say "already defined at 00-base.plan:1:7".
 *
 * The lexer knows nothing about statements: it cuts bytes into words and
 * newlines and records where each starts. The parser takes one line at a
 * time; the first word selects a keyword table entry whose parse function
 * consumes the rest of the line into a statement. On any error the parser
 * skips to the end of the line and goes on, so one load reports every
 * broken line, not just the first. Nothing is interpreted in the parser
 * (a size is kept as text): the passes do that, each one independent, so
 * that new statements add a table entry and perhaps a pass, and nothing
 * else changes.
 *
 * A load with any error returns no plan. kallocd relies on this to keep
 * its previous state whole when a reload finds a broken file.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan.h"

/* Plan files are small; anything bigger is a mistake, not a plan. */
#define PLAN_FILE_MAX	(1u << 20)
/* Longest token quoted back in a message. */
#define TOKEN_QUOTE_MAX	64

struct loader {
	struct kalloc_plan *plan;
	struct kalloc_plan_errors *errs;
	size_t stmt_cap;
	int io_err;		/* first negative errno reading files */
	bool oom;
};

static void add_error_v(struct loader *ld, const struct kalloc_plan_loc *loc,
			const char *fmt, va_list ap)
{
	struct kalloc_plan_errors *errs = ld->errs;
	struct kalloc_plan_error *e;
	char msg[512];

	if (errs->n >= KALLOC_PLAN_ERRORS_MAX) {
		errs->dropped++;
		return;
	}
	if (!errs->v) {
		errs->v = calloc(KALLOC_PLAN_ERRORS_MAX, sizeof(*errs->v));
		if (!errs->v) {
			ld->oom = true;
			return;
		}
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	e = &errs->v[errs->n];
	e->file = strdup(loc->file);
	e->msg = strdup(msg);
	e->line = loc->line;
	e->col = loc->col;
	if (!e->file || !e->msg) {
		free(e->file);
		free(e->msg);
		ld->oom = true;
		return;
	}
	errs->n++;
}

__attribute__((format(printf, 3, 4)))
static void add_error(struct loader *ld, const struct kalloc_plan_loc *loc,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_error_v(ld, loc, fmt, ap);
	va_end(ap);
}

/* ---- lexer ------------------------------------------------------------ */

enum tok_kind { TOK_WORD, TOK_NL, TOK_EOF, TOK_BAD };

struct token {
	enum tok_kind kind;
	const char *s;
	size_t len;
	struct kalloc_plan_loc loc;
};

struct lexer {
	const char *p, *end;
	struct kalloc_plan_loc pos;
};

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Bytes a word may hold: everything visible, UTF-8 included. */
static bool is_word(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != '#';
}

/*
 * Skips blanks and a comment. A line's end is reported where its comment
 * starts, so "missing SIZE" points right after the statement's last word.
 */
static void lex_skip(struct lexer *lx, struct kalloc_plan_loc *comment)
{
	*comment = lx->pos;
	while (lx->p < lx->end) {
		if (is_blank(*lx->p)) {
			lx->p++;
			lx->pos.col++;
			*comment = lx->pos;
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n') {
				lx->p++;
				lx->pos.col++;
			}
		} else {
			break;
		}
	}
}

static void lex_next(struct lexer *lx, struct token *t)
{
	struct kalloc_plan_loc comment;

	lex_skip(lx, &comment);
	t->s = lx->p;
	t->loc = lx->pos;
	t->len = 1;
	if (lx->p >= lx->end) {
		t->kind = TOK_EOF;
		t->len = 0;
		t->loc = comment;
		return;
	}
	if (*lx->p == '\n') {
		t->kind = TOK_NL;
		t->loc = comment;
		lx->p++;
		lx->pos.line++;
		lx->pos.col = 1;
		return;
	}
	if (!is_word(*lx->p)) {
		t->kind = TOK_BAD;
		lx->p++;
		lx->pos.col++;
		return;
	}
	t->kind = TOK_WORD;
	while (lx->p < lx->end && is_word(*lx->p)) {
		lx->p++;
		lx->pos.col++;
	}
	t->len = lx->p - t->s;
}

/* ---- parser ----------------------------------------------------------- */

struct parser {
	struct loader *ld;
	struct lexer lx;
	struct token tok;
};

static void advance(struct parser *ps)
{
	lex_next(&ps->lx, &ps->tok);
}

static bool at_end_of_line(const struct parser *ps)
{
	return ps->tok.kind == TOK_NL || ps->tok.kind == TOK_EOF;
}

static void skip_line(struct parser *ps)
{
	while (!at_end_of_line(ps))
		advance(ps);
}

static int quote_len(const struct token *t)
{
	return t->len > TOKEN_QUOTE_MAX ? TOKEN_QUOTE_MAX : (int)t->len;
}

static void error_bad_char(struct parser *ps)
{
	add_error(ps->ld, &ps->tok.loc, "invalid character 0x%02x",
		  (unsigned char)*ps->tok.s);
}

/*
 * Takes the current word as the argument called what (e.g. "SIZE") of a
 * statement whose text so far is before (e.g. "alloc NAME").
 */
static char *take_word(struct parser *ps, const char *what, const char *before,
		       struct kalloc_plan_loc *loc)
{
	char *s;

	if (ps->tok.kind == TOK_BAD) {
		error_bad_char(ps);
		return NULL;
	}
	if (ps->tok.kind != TOK_WORD) {
		add_error(ps->ld, &ps->tok.loc, "missing %s after %s",
			  what, before);
		return NULL;
	}
	s = strndup(ps->tok.s, ps->tok.len);
	if (!s) {
		ps->ld->oom = true;
		return NULL;
	}
	*loc = ps->tok.loc;
	advance(ps);
	return s;
}

static int expect_end(struct parser *ps, const char *usage)
{
	if (at_end_of_line(ps))
		return 0;
	if (ps->tok.kind == TOK_BAD)
		error_bad_char(ps);
	else
		add_error(ps->ld, &ps->tok.loc, "unexpected \"%.*s\" after %s",
			  quote_len(&ps->tok), ps->tok.s, usage);
	return -EINVAL;
}

static void free_stmt(struct kalloc_plan_stmt *st)
{
	switch (st->kind) {
	case KALLOC_PLAN_ALLOC:
		free(st->u.alloc.name);
		free(st->u.alloc.size_text);
		break;
	}
}

/* alloc NAME SIZE */
static int parse_alloc(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_alloc *a = &st->u.alloc;

	a->name = take_word(ps, "NAME", "alloc", &a->name_loc);
	if (!a->name)
		return -EINVAL;
	a->size_text = take_word(ps, "SIZE", "alloc NAME", &a->size_loc);
	if (!a->size_text)
		return -EINVAL;
	return expect_end(ps, "alloc NAME SIZE");
}

static const struct keyword {
	const char *word;
	enum kalloc_plan_kind kind;
	int (*parse)(struct parser *ps, struct kalloc_plan_stmt *st);
} keywords[] = {
	{ "alloc", KALLOC_PLAN_ALLOC, parse_alloc },
};

static const struct keyword *find_keyword(const struct token *t)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == t->len &&
		    !memcmp(keywords[i].word, t->s, t->len))
			return &keywords[i];
	}
	return NULL;
}

static struct kalloc_plan_stmt *new_stmt(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	struct kalloc_plan_stmt *v;
	size_t cap;

	if (plan->nstmts == ld->stmt_cap) {
		cap = ld->stmt_cap ? ld->stmt_cap * 2 : 16;
		v = realloc(plan->stmts, cap * sizeof(*v));
		if (!v) {
			ld->oom = true;
			return NULL;
		}
		plan->stmts = v;
		ld->stmt_cap = cap;
	}
	v = &plan->stmts[plan->nstmts];
	memset(v, 0, sizeof(*v));
	return v;
}

/* One statement starting at the current word; keeps it only if it parses. */
static void parse_statement(struct parser *ps)
{
	const struct keyword *kw = find_keyword(&ps->tok);
	struct kalloc_plan_stmt *st;

	if (!kw) {
		add_error(ps->ld, &ps->tok.loc, "unknown statement \"%.*s\"",
			  quote_len(&ps->tok), ps->tok.s);
		return;
	}
	st = new_stmt(ps->ld);
	if (!st)
		return;
	st->kind = kw->kind;
	st->loc = ps->tok.loc;
	advance(ps);
	if (kw->parse(ps, st)) {
		free_stmt(st);
		return;
	}
	ps->ld->plan->nstmts++;
}

static void parse_text(struct loader *ld, const char *file, const char *text,
		       size_t len)
{
	struct parser ps = {
		.ld = ld,
		.lx = { .p = text, .end = text + len,
			.pos = { .file = file, .line = 1, .col = 1 } },
	};

	for (advance(&ps); ps.tok.kind != TOK_EOF && !ld->oom; advance(&ps)) {
		if (ps.tok.kind == TOK_NL)
			continue;
		if (ps.tok.kind == TOK_BAD)
			error_bad_char(&ps);
		else
			parse_statement(&ps);
		skip_line(&ps);
		if (ps.tok.kind == TOK_EOF)
			break;
	}
}

/* ---- semantic passes -------------------------------------------------- */

static void pass_names(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	const struct kalloc_plan_alloc *a;
	const char *why;
	size_t i;

	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		why = "invalid";
		if (kalloc_check_name(a->name, &why))
			add_error(ld, &a->name_loc,
				  "invalid buffer name \"%.*s\": %s",
				  TOKEN_QUOTE_MAX, a->name,
				  why ? why : "invalid");
	}
}

static void pass_sizes(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	struct kalloc_plan_alloc *a;
	uint64_t v;
	size_t i;
	int rc;

	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		v = 0;
		rc = kalloc_parse_size(a->size_text, &v);
		if (rc == -EINVAL) {
			add_error(ld, &a->size_loc, "invalid size \"%.*s\"",
				  TOKEN_QUOTE_MAX, a->size_text);
		} else if (rc || v == 0 || v > KALLOC_BUFFER_SIZE_MAX) {
			add_error(ld, &a->size_loc,
				  "size \"%.*s\" out of range (1 to %llu bytes)",
				  TOKEN_QUOTE_MAX, a->size_text,
				  (unsigned long long)KALLOC_BUFFER_SIZE_MAX);
		} else {
			a->size = v;
		}
	}
}

/* The first alloc before index end that defines name, or NULL. */
static const struct kalloc_plan_alloc *
find_alloc(const struct kalloc_plan *plan, const char *name, size_t end)
{
	size_t i;

	for (i = 0; i < end; i++) {
		if (plan->stmts[i].kind == KALLOC_PLAN_ALLOC &&
		    !strcmp(plan->stmts[i].u.alloc.name, name))
			return &plan->stmts[i].u.alloc;
	}
	return NULL;
}

/* Invalid names were reported by pass_names; repeating them adds noise. */
static void pass_duplicates(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	const struct kalloc_plan_alloc *a, *first;
	const char *why;
	size_t i;

	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		if (kalloc_check_name(a->name, &why))
			continue;
		first = find_alloc(plan, a->name, i);
		if (first)
			add_error(ld, &a->name_loc,
				  "buffer \"%s\" already defined at %s:%u:%u",
				  a->name, first->name_loc.file,
				  first->name_loc.line, first->name_loc.col);
	}
}

static const struct pass {
	const char *name;
	void (*run)(struct loader *ld);
} passes[] = {
	{ "names", pass_names },
	{ "sizes", pass_sizes },
	{ "duplicates", pass_duplicates },
};

static void run_passes(struct loader *ld)
{
	size_t i;

	for (i = 0; i < sizeof(passes) / sizeof(passes[0]) && !ld->oom; i++)
		passes[i].run(ld);
}

/* ---- loading ---------------------------------------------------------- */

void kalloc_plan_free(struct kalloc_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->nstmts; i++)
		free_stmt(&plan->stmts[i]);
	for (i = 0; i < plan->nfiles; i++)
		free(plan->files[i]);
	free(plan->stmts);
	free(plan->files);
	free(plan);
}

void kalloc_plan_errors_free(struct kalloc_plan_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].msg);
	}
	free(errs->v);
	free(errs);
}

static int loader_init(struct loader *ld, size_t nfiles)
{
	memset(ld, 0, sizeof(*ld));
	ld->plan = calloc(1, sizeof(*ld->plan));
	ld->errs = calloc(1, sizeof(*ld->errs));
	if (ld->plan)
		ld->plan->files = calloc(nfiles + 1, sizeof(char *));
	if (!ld->plan || !ld->errs || !ld->plan->files) {
		kalloc_plan_free(ld->plan);
		kalloc_plan_errors_free(ld->errs);
		return -ENOMEM;
	}
	return 0;
}

/* Records a file name in the plan; locations point at this copy. */
static const char *add_file(struct loader *ld, const char *name)
{
	char *s = strdup(name);

	if (!s) {
		ld->oom = true;
		return NULL;
	}
	ld->plan->files[ld->plan->nfiles++] = s;
	return s;
}

static int loader_finish(struct loader *ld, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	int rc = 0;

	if (!ld->oom)
		run_passes(ld);
	if (ld->oom)
		rc = -ENOMEM;
	else if (ld->io_err)
		rc = ld->io_err;
	else if (ld->errs->n || ld->errs->dropped)
		rc = -EINVAL;
	if (rc) {
		kalloc_plan_free(ld->plan);
		ld->plan = NULL;
	}
	*planp = ld->plan;
	*errsp = ld->errs;
	return rc;
}

static void io_error(struct loader *ld, const char *file, const char *what,
		     int err)
{
	struct kalloc_plan_loc loc = { .file = file };

	add_error(ld, &loc, "%s: %s", what, strerror(err));
	if (!ld->io_err)
		ld->io_err = -err;
}

/* Reads a whole file into a malloc()ed buffer. Returns 0 or a negative errno. */
static int slurp(const char *path, char **textp, size_t *lenp)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t len;
	int err;

	if (!f)
		return -errno;
	text = malloc(PLAN_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(text, 1, PLAN_FILE_MAX + 1, f);
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!err && len > PLAN_FILE_MAX)
		err = -EFBIG;
	if (err) {
		free(text);
		return err;
	}
	*textp = text;
	*lenp = len;
	return 0;
}

static void load_one(struct loader *ld, const char *path)
{
	const char *file = add_file(ld, path);
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!file)
		return;
	rc = slurp(path, &text, &len);
	if (rc == -ENOMEM) {
		ld->oom = true;
		return;
	}
	if (rc) {
		io_error(ld, file, "cannot read", -rc);
		return;
	}
	parse_text(ld, file, text, len);
	free(text);
}

int kalloc_plan_load_file(const char *path, struct kalloc_plan **planp,
			  struct kalloc_plan_errors **errsp)
{
	struct loader ld;

	*planp = NULL;
	*errsp = NULL;
	if (loader_init(&ld, 1))
		return -ENOMEM;
	load_one(&ld, path);
	return loader_finish(&ld, planp, errsp);
}

int kalloc_plan_load_texts(const char *const *names, const char *const *texts,
			   size_t n, struct kalloc_plan **planp,
			   struct kalloc_plan_errors **errsp)
{
	struct loader ld;
	const char *file;
	size_t i;

	*planp = NULL;
	*errsp = NULL;
	if (loader_init(&ld, n))
		return -ENOMEM;
	for (i = 0; i < n && !ld.oom; i++) {
		file = add_file(&ld, names[i]);
		if (file)
			parse_text(&ld, file, texts[i], strlen(texts[i]));
	}
	return loader_finish(&ld, planp, errsp);
}

static bool is_plan_name(const char *name)
{
	size_t len = strlen(name), slen = strlen(KALLOC_PLAN_SUFFIX);

	return name[0] != '.' && len > slen &&
	       !strcmp(name + len - slen, KALLOC_PLAN_SUFFIX);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* dir/name for every plan file of dir, sorted in C-locale order. */
static int list_plan_files(const char *dir, char ***namesp, size_t *np)
{
	const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	char **names = NULL, **v, *path;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!is_plan_name(de->d_name))
			continue;
		if (asprintf(&path, "%s%s%s", dir, sep, de->d_name) < 0) {
			rc = -ENOMEM;
			goto out_names;
		}
		if (stat(path, &st) || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(names, cap * sizeof(*v));
			if (!v) {
				free(path);
				rc = -ENOMEM;
				goto out_names;
			}
			names = v;
		}
		names[n++] = path;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*namesp = names;
	*np = n;
	return 0;

out_names:
	free_names(names, n);
	closedir(d);
	return rc;
}

int kalloc_plan_load_dir(const char *dir, struct kalloc_plan **planp,
			 struct kalloc_plan_errors **errsp)
{
	struct kalloc_plan_loc loc = { .file = dir };
	struct loader ld;
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	*planp = NULL;
	*errsp = NULL;
	rc = list_plan_files(dir, &names, &n);
	if (rc == -ENOMEM)
		return rc;
	if (loader_init(&ld, n)) {
		free_names(names, n);
		return -ENOMEM;
	}
	if (rc) {
		add_error(&ld, &loc, "cannot read plan directory: %s",
			  strerror(-rc));
		ld.io_err = rc;
	}
	for (i = 0; i < n && !ld.oom; i++)
		load_one(&ld, names[i]);
	free_names(names, n);
	return loader_finish(&ld, planp, errsp);
}

const char *kalloc_plan_error_str(const struct kalloc_plan_error *e,
				  char *buf, size_t len)
{
	if (e->line)
		snprintf(buf, len, "%s:%u:%u: %s", e->file, e->line, e->col,
			 e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	return buf;
}

size_t kalloc_plan_nbuffers(const struct kalloc_plan *plan)
{
	size_t i, n = 0;

	for (i = 0; plan && i < plan->nstmts; i++)
		n += plan->stmts[i].kind == KALLOC_PLAN_ALLOC;
	return n;
}

/* ---- reconcile decision ----------------------------------------------- */

static bool name_in(const char *name, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(set[i], name))
			return true;
	}
	return false;
}

static const struct kalloc_buffer *
find_buffer(const struct kalloc_buffer *cur, size_t ncur, const char *name)
{
	size_t i;

	for (i = 0; i < ncur; i++) {
		if (!strcmp(cur[i].name, name))
			return &cur[i];
	}
	return NULL;
}

static bool planned(const struct kalloc_plan *plan, const char *name)
{
	return plan && find_alloc(plan, name, plan->nstmts);
}

static void set_action(struct kalloc_plan_action *a, enum kalloc_plan_act act,
		       const char *name, uint64_t size, uint64_t cur_size,
		       const struct kalloc_plan_stmt *stmt)
{
	a->act = act;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->size = size;
	a->cur_size = cur_size;
	a->stmt = stmt;
}

static enum kalloc_plan_act decide(const struct kalloc_buffer *b,
				   uint64_t size, bool owned)
{
	if (!b)
		return KALLOC_ACT_CREATE;
	if (b->size == size)
		return owned ? KALLOC_ACT_KEEP : KALLOC_ACT_ADOPT;
	return owned ? KALLOC_ACT_RECREATE : KALLOC_ACT_CONFLICT;
}

int kalloc_plan_diff(const struct kalloc_plan *plan,
		     const struct kalloc_buffer *cur, size_t ncur,
		     const char *const *owned, size_t nowned,
		     struct kalloc_plan_action **actsp, size_t *nactsp)
{
	size_t nstmts = plan ? plan->nstmts : 0, i, n = 0;
	const struct kalloc_plan_alloc *a;
	const struct kalloc_buffer *b;
	struct kalloc_plan_action *v;

	v = calloc(ncur + nowned + nstmts + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < ncur; i++) {
		if (name_in(cur[i].name, owned, nowned) &&
		    !planned(plan, cur[i].name))
			set_action(&v[n++], KALLOC_ACT_DELETE, cur[i].name, 0,
				   cur[i].size, NULL);
	}
	for (i = 0; i < nowned; i++) {
		if (!planned(plan, owned[i]) && !find_buffer(cur, ncur, owned[i]))
			set_action(&v[n++], KALLOC_ACT_FORGET, owned[i], 0, 0,
				   NULL);
	}
	for (i = 0; i < nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		b = find_buffer(cur, ncur, a->name);
		set_action(&v[n++],
			   decide(b, a->size, name_in(a->name, owned, nowned)),
			   a->name, a->size, b ? b->size : 0, &plan->stmts[i]);
	}
	*actsp = v;
	*nactsp = n;
	return 0;
}

const char *kalloc_plan_act_name(enum kalloc_plan_act act)
{
	switch (act) {
	case KALLOC_ACT_DELETE:
		return "delete";
	case KALLOC_ACT_FORGET:
		return "forget";
	case KALLOC_ACT_RECREATE:
		return "recreate";
	case KALLOC_ACT_CREATE:
		return "create";
	case KALLOC_ACT_ADOPT:
		return "adopt";
	case KALLOC_ACT_KEEP:
		return "keep";
	case KALLOC_ACT_CONFLICT:
		return "conflict";
	}
	return "?";
}
