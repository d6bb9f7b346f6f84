// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * grammar.c - one parse function per statement of the plan language, and
 * the keyword table that selects them (kalloc.plan(5) has the grammar).
 *
 * A parse function gets the tokens after the keyword and fills the
 * statement with its arguments as text; it says nothing about their
 * values. Properties ("size 4K policy slab") come in any order, each at
 * most once; fixed forms ("policy default P") in their order.
 */
#include <errno.h>
#include <string.h>

#include "plan_priv.h"

/* A property of a statement: a keyword and, unless a flag, its value. */
struct prop {
	const char *word;
	bool string;			/* the value is a "string" */
	struct kalloc_plan_arg *arg;	/* NULL: a flag */
	bool *flag;
	bool seen;
};

static struct prop *find_prop(struct parser *ps, struct prop *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (plan_is_word(ps, p[i].word))
			return &p[i];
	}
	return NULL;
}

static void list_props(const struct prop *p, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
				 i ? (i + 1 == n ? " or " : ", ") : "",
				 p[i].word);
}

/* Properties up to the end of the line; stmt names the statement. */
static int parse_props(struct parser *ps, struct prop *p, size_t n,
		       const char *stmt)
{
	char names[128];
	struct prop *pr;

	while (!plan_at_eol(ps)) {
		pr = find_prop(ps, p, n);
		if (!pr) {
			list_props(p, n, names, sizeof(names));
			plan_token_error(ps, "unknown property \"%.*s\" of %s (%s)",
					 (int)(ps->tok.len > TOKEN_QUOTE_MAX ?
					       TOKEN_QUOTE_MAX : ps->tok.len),
					 ps->tok.s, stmt, names);
			return -EINVAL;
		}
		if (pr->seen) {
			plan_token_error(ps, "\"%s\" given twice", pr->word);
			return -EINVAL;
		}
		pr->seen = true;
		plan_advance(ps);
		if (pr->flag)
			*pr->flag = true;
		else if (plan_take(ps, pr->arg, pr->string,
				   pr->string ? "a quoted path" : "a value",
				   pr->word))
			return -EINVAL;
	}
	return 0;
}

/* alloc NAME SIZE */
static int parse_alloc(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_buffer *b = &st->u.buffer;

	b->shorthand = true;
	if (plan_take(ps, &b->name, false, "NAME", "alloc") ||
	    plan_take(ps, &b->size, false, "SIZE", "alloc NAME"))
		return -EINVAL;
	return plan_expect_end(ps, "alloc NAME SIZE");
}

/* buffer NAME size SIZE [policy P] [fill BYTE] [from "PATH"] */
static int parse_buffer(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_buffer *b = &st->u.buffer;
	struct prop p[] = {
		{ .word = "size", .arg = &b->size },
		{ .word = "policy", .arg = &b->policy },
		{ .word = "fill", .arg = &b->fill },
		{ .word = "from", .arg = &b->from, .string = true },
	};

	if (plan_take(ps, &b->name, false, "NAME", "buffer") ||
	    parse_props(ps, p, sizeof(p) / sizeof(p[0]), "a buffer"))
		return -EINVAL;
	if (!b->size.text) {
		plan_token_error(ps, "missing \"size SIZE\" in buffer %s",
				 b->name.text);
		return -EINVAL;
	}
	return 0;
}

/* policy default|active P */
static int parse_policy(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_policy *p = &st->u.policy;

	if (plan_is_word(ps, "default"))
		p->which = KALLOC_PLAN_DEFAULT;
	else if (plan_is_word(ps, "active"))
		p->which = KALLOC_PLAN_ACTIVE;
	else
		return plan_wrong(ps, "\"default\" or \"active\"", "policy");
	if (plan_take(ps, &p->what, false, "", "policy"))
		return -EINVAL;
	if (plan_take(ps, &p->policy, false, "a policy", p->what.text))
		return -EINVAL;
	return plan_expect_end(ps, "policy default|active POLICY");
}

/* vdev NAME [size SIZE] [timer DURATION] [enable] [irq-enable] */
static int parse_vdev(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_vdev *v = &st->u.vdev;
	struct prop p[] = {
		{ .word = "size", .arg = &v->size },
		{ .word = "timer", .arg = &v->timer },
		{ .word = "enable", .flag = &v->enable },
		{ .word = "irq-enable", .flag = &v->irq_enable },
	};

	if (plan_take(ps, &v->name, false, "NAME", "vdev"))
		return -EINVAL;
	return parse_props(ps, p, sizeof(p) / sizeof(p[0]), "a vdev");
}

/* stats interval DURATION */
static int parse_stats(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_stats *s = &st->u.stats;

	if (!plan_is_word(ps, "interval"))
		return plan_wrong(ps, "\"interval\"", "stats");
	if (plan_take(ps, &s->what, false, "\"interval\"", "stats") ||
	    plan_take(ps, &s->interval, false, "a duration", "interval"))
		return -EINVAL;
	return plan_expect_end(ps, "stats interval DURATION");
}

/* METRIC [( ARG )] OP VALUE */
static int parse_condition(struct parser *ps, struct kalloc_plan_rule *r)
{
	if (plan_take(ps, &r->metric, false, "a metric", "when"))
		return -EINVAL;
	if (ps->tok.kind == TOK_LPAREN) {
		plan_advance(ps);
		if (plan_take(ps, &r->arg, false, "a policy", "(") ||
		    plan_expect(ps, TOK_RPAREN, "\")\"", r->arg.text))
			return -EINVAL;
	}
	if (plan_take(ps, &r->op, false, "a comparison (>, >=, < or <=)",
		      r->metric.text) ||
	    plan_take(ps, &r->threshold, false, "a threshold", r->op.text))
		return -EINVAL;
	return 0;
}

/* policy set P [migrate] */
static int parse_action(struct parser *ps, struct kalloc_plan_rule *r)
{
	if (plan_take(ps, &r->action, false, "an action (policy set P)",
		      "then"))
		return -EINVAL;
	if (strcmp(r->action.text, "policy")) {
		plan_error(ps->ld, &r->action.loc,
			   "unknown action \"%.*s\" (policy set POLICY [migrate])",
			   TOKEN_QUOTE_MAX, r->action.text);
		return -EINVAL;
	}
	if (!plan_is_word(ps, "set"))
		return plan_wrong(ps, "\"set\"", "policy");
	plan_advance(ps);
	if (plan_take(ps, &r->action_policy, false, "a policy", "set"))
		return -EINVAL;
	if (plan_is_word(ps, "migrate")) {
		r->migrate = true;
		plan_advance(ps);
	}
	return 0;
}

/*
 * rule NAME when METRIC[(ARG)] OP VALUE [for DURATION]
 *      then policy set P [migrate] [cooldown DURATION]
 */
static int parse_rule(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_rule *r = &st->u.rule;

	if (plan_take(ps, &r->name, false, "NAME", "rule"))
		return -EINVAL;
	if (!plan_is_word(ps, "when"))
		return plan_wrong(ps, "\"when\"", r->name.text);
	plan_advance(ps);
	if (parse_condition(ps, r))
		return -EINVAL;
	if (plan_is_word(ps, "for")) {
		plan_advance(ps);
		if (plan_take(ps, &r->for_, false, "a duration", "for"))
			return -EINVAL;
	}
	if (!plan_is_word(ps, "then"))
		return plan_wrong(ps, "\"then\"", r->for_.text ?
				  r->for_.text : r->threshold.text);
	plan_advance(ps);
	if (parse_action(ps, r))
		return -EINVAL;
	if (plan_is_word(ps, "cooldown")) {
		plan_advance(ps);
		if (plan_take(ps, &r->cooldown, false, "a duration",
			      "cooldown"))
			return -EINVAL;
	}
	return plan_expect_end(ps, "the rule's action");
}

/* drift repair|report */
static int parse_drift(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_drift_stmt *d = &st->u.drift;

	if (plan_take(ps, &d->mode, false, "\"repair\" or \"report\"", "drift"))
		return -EINVAL;
	return plan_expect_end(ps, "drift repair|report");
}

/* metrics textfile "PATH" */
static int parse_metrics(struct parser *ps, struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_metrics *m = &st->u.metrics;

	if (!plan_is_word(ps, "textfile"))
		return plan_wrong(ps, "\"textfile\"", "metrics");
	if (plan_take(ps, &m->what, false, "\"textfile\"", "metrics") ||
	    plan_take(ps, &m->path, true, "a quoted path", "textfile"))
		return -EINVAL;
	return plan_expect_end(ps, "metrics textfile \"PATH\"");
}

static const struct keyword keywords[] = {
	{ "alloc", KALLOC_PLAN_BUFFER, parse_alloc },
	{ "buffer", KALLOC_PLAN_BUFFER, parse_buffer },
	{ "policy", KALLOC_PLAN_POLICY, parse_policy },
	{ "vdev", KALLOC_PLAN_VDEV, parse_vdev },
	{ "stats", KALLOC_PLAN_STATS, parse_stats },
	{ "rule", KALLOC_PLAN_RULE, parse_rule },
	{ "drift", KALLOC_PLAN_DRIFT, parse_drift },
	{ "metrics", KALLOC_PLAN_METRICS, parse_metrics },
};

const struct keyword *plan_find_keyword(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == len &&
		    !memcmp(keywords[i].word, s, len))
			return &keywords[i];
	}
	return NULL;
}

/* Frees each argument of a statement, whatever its kind. */
#define FREE_ARGS(...) do { \
	struct kalloc_plan_arg *v_[] = { __VA_ARGS__ }; \
	size_t i_; \
	for (i_ = 0; i_ < sizeof(v_) / sizeof(v_[0]); i_++) \
		plan_free_arg(v_[i_]); \
} while (0)

void plan_free_stmt(struct kalloc_plan_stmt *st)
{
	struct kalloc_plan_buffer *b = &st->u.buffer;
	struct kalloc_plan_vdev *v = &st->u.vdev;
	struct kalloc_plan_rule *r = &st->u.rule;

	switch (st->kind) {
	case KALLOC_PLAN_BUFFER:
		FREE_ARGS(&b->name, &b->size, &b->policy, &b->fill, &b->from);
		break;
	case KALLOC_PLAN_POLICY:
		FREE_ARGS(&st->u.policy.what, &st->u.policy.policy);
		break;
	case KALLOC_PLAN_VDEV:
		FREE_ARGS(&v->name, &v->size, &v->timer);
		break;
	case KALLOC_PLAN_STATS:
		FREE_ARGS(&st->u.stats.what, &st->u.stats.interval);
		break;
	case KALLOC_PLAN_RULE:
		FREE_ARGS(&r->name, &r->metric, &r->arg, &r->op, &r->threshold,
			  &r->for_, &r->cooldown, &r->action,
			  &r->action_policy);
		break;
	case KALLOC_PLAN_DRIFT:
		FREE_ARGS(&st->u.drift.mode);
		break;
	case KALLOC_PLAN_METRICS:
		FREE_ARGS(&st->u.metrics.what, &st->u.metrics.path);
		break;
	}
}
