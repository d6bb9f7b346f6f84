// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * status.c - what kallocd shows of itself: systemd's STATUS= line, the
 * state file for "kallocctl plan status" (plan/state.h), and the metrics
 * (textfile and HTTP page, metrics.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "state.h"

uint64_t kd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A monotonic time of the engine as Unix seconds, 0 staying 0. */
static int64_t wall(uint64_t ms, uint64_t now_ms, time_t now)
{
	if (!ms)
		return 0;
	return (int64_t)now - (int64_t)(now_ms - ms) / 1000;
}

static void state_rules(const struct kallocd *kd, struct kalloc_state *s)
{
	uint64_t now_ms = kd_now_ms();
	time_t now = time(NULL);
	struct kalloc_state_rule *r;
	const struct kalloc_rule_state *st;
	size_t i;

	for (i = 0; i < s->nrules; i++) {
		r = &s->rules[i];
		st = &kd->rules[i];
		snprintf(r->name, sizeof(r->name), "%s",
			 kd->rule_defs[i]->name.text);
		snprintf(r->phase, sizeof(r->phase), "%s",
			 kalloc_rule_phase_name(st->phase));
		r->since = st->phase == KALLOC_RULE_PENDING ?
			   wall(st->since_ms, now_ms, now) : 0;
		r->until = st->phase == KALLOC_RULE_COOLING ?
			   now + (int64_t)(st->until_ms > now_ms ?
					   (st->until_ms - now_ms + 999) / 1000 : 0) : 0;
		r->fired_at = st->fired ? wall(st->fired_ms, now_ms, now) : 0;
		r->fired = st->fired;
		r->have_value = st->have_value;
		r->value = st->value;
	}
}

static void counter(struct kalloc_state *s, const char *name, uint64_t v)
{
	if (s->ncounters == KALLOC_STATE_COUNTERS)
		return;
	snprintf(s->counters[s->ncounters].name,
		 sizeof(s->counters[0].name), "%s", name);
	s->counters[s->ncounters++].value = v;
}

static void write_state(struct kallocd *kd, const char *line)
{
	struct kalloc_state s = { .pid = getpid(), .updated = time(NULL),
				  .family = kd->family,
				  .last_reconcile = kd->last_reconcile };
	int rc;

	counter(&s, "reconciles", kd->n.reconciles);
	counter(&s, "reconcile_errors", kd->n.reconcile_errors);
	counter(&s, "drift_repairs", kd->n.drift_repairs);
	counter(&s, "drift_reports", kd->n.drift_reports);
	counter(&s, "resyncs", kd->n.resyncs);
	counter(&s, "rule_firings", kd->n.rule_firings);
	counter(&s, "plan_errors", kd->n.plan_errors);
	counter(&s, "family_changes", kd->n.family_changes);
	snprintf(s.last_result, sizeof(s.last_result), "%s",
		 kd->last_result ? kd->last_result : "none");
	snprintf(s.status, sizeof(s.status), "%.500s", line);
	s.nrules = kd->nrules;
	s.rules = calloc(kd->nrules + 1, sizeof(*s.rules));
	if (!s.rules)
		return;
	state_rules(kd, &s);
	rc = kalloc_state_write(kd->state_path, &s);
	if (rc)
		kd_log(LOG_WARNING, "cannot write %s: %s", kd->state_path,
		       strerror(-rc));
	free(s.rules);
}

void kd_status_update(struct kallocd *kd)
{
	char line[KD_STATUS_MAX + 256], when[32] = "never";
	struct tm tm;

	if (kd->last_reconcile &&
	    localtime_r(&kd->last_reconcile, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line),
		 "%s%zu/%zu planned objects in place, %zu conflicts; last reconcile %s (%s); drift repairs %llu; rules fired %llu%s%s",
		 kd->family ? "" : "kalloc module absent, waiting; ",
		 kd->kept, kd->planned, kd->conflicts, when,
		 kd->last_result ? kd->last_result : "none",
		 (unsigned long long)kd->n.drift_repairs,
		 (unsigned long long)kd->n.rule_firings,
		 kd->status[0] ? "; " : "", kd->status);
	kd_notify_status(line);
	write_state(kd, line);
}

static void metrics_in(struct kallocd *kd, struct kd_metrics_in *in,
		       struct kd_rule_metric *rules)
{
	size_t i;

	for (i = 0; i < kd->nrules; i++) {
		rules[i].name = kd->rule_defs[i]->name.text;
		rules[i].fired = kd->rules[i].fired;
		rules[i].phase = kalloc_rule_phase_name(kd->rules[i].phase);
	}
	*in = (struct kd_metrics_in){
		.stats = kd->have_stats ? &kd->stats : NULL, .n = &kd->n,
		.rules = rules, .nrules = kd->nrules, .family = kd->family,
		.last_reconcile = kd->last_reconcile,
	};
}

int kd_metrics_page(void *ctx, FILE *f)
{
	struct kallocd *kd = ctx;
	struct kd_rule_metric *rules = calloc(kd->nrules + 1, sizeof(*rules));
	struct kd_metrics_in in;
	int rc;

	if (!rules)
		return -ENOMEM;
	metrics_in(kd, &in, rules);
	rc = kd_metrics_write(f, &in);
	free(rules);
	return rc;
}

void kd_metrics_publish(struct kallocd *kd)
{
	const char *path = kd->textfile;
	struct kd_rule_metric *rules;
	struct kd_metrics_in in;
	int rc;

	if (!path && kd->plan)
		path = kd->plan->set.metrics_textfile;
	if (!path)
		return;
	rules = calloc(kd->nrules + 1, sizeof(*rules));
	if (!rules)
		return;
	metrics_in(kd, &in, rules);
	rc = kd_metrics_textfile(path, &in);
	if (rc)
		kd_log(LOG_WARNING, "cannot write the metrics to %s: %s", path,
		       strerror(-rc));
	free(rules);
}
