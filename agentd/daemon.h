/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * daemon.h - the state of one kallocd, shared by its parts:
 *
 *   kallocd.c    command line and modes (serve, check, once, reload)
 *   serve.c      the epoll loop's watches and their named callbacks
 *   events.c     the events and stats groups (lib/events.c)
 *   reconcile.c  loading the plan, reconciling, drift
 *   rulerun.c    the plan's rules on every stats sample
 *   status.c     STATUS=, the state file, the metrics outputs
 *   metrics.c    the Prometheus text format (pure)
 *   http.c       the optional /metrics endpoint (libmicrohttpd)
 *   reload.c     "kallocd --reload PID" and the reload handshake
 *   loop.c, notify.c, log.c   below all of these, knowing none of them
 */
#ifndef KALLOCD_DAEMON_H
#define KALLOCD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "kalloc.h"
#include "loop.h"
#include "metrics.h"
#include "plan.h"
#include "rules.h"

#define KD_STATUS_MAX	512

/* Outcome of one reconcile, also the answer to "kallocd --reload". */
enum kd_outcome { KD_APPLIED, KD_PLAN_ERROR, KD_KERNEL_ERROR, KD_NO_FAMILY };

struct kd_http;

struct kallocd {
	/* Configuration. */
	const char *plan_dir;
	const char *state_path;
	const char *textfile;		/* --metrics-textfile; else the plan's */
	const char *listen;		/* --metrics-listen ADDR:PORT */

	struct kd_loop loop;
	struct kd_watch w_signals, w_watchdog, w_family, w_tick, w_http;
	struct kd_watch w_events, w_stats;
	struct kalloc_famwatch *famwatch;
	/* One handle per group: see events.c. NULL: not listening. */
	struct kalloc_events *events, *stats_ev;
	struct kd_http *http;

	/* The plan in force: the last one that loaded without errors. */
	struct kalloc_plan *plan;
	struct kalloc_rule_state *rules;	/* one per rule statement */
	const struct kalloc_plan_rule **rule_defs;
	size_t nrules;

	bool family;			/* the kalloc family is registered */
	bool drift_pending;		/* an event asks for a drift check */
	bool applied_once;
	bool ready_sent;
	uint64_t watchdog_usec;		/* 0: no watchdog */
	uint32_t tick_ms;		/* the stats sampling period */

	struct kd_counters n;
	time_t last_reconcile;
	const char *last_result;	/* "ok", "failed", "plan-error", ... */
	size_t planned, kept, conflicts, failed;

	struct kalloc_stats stats;	/* the last sample */
	bool have_stats;
	char status[KD_STATUS_MAX];
};

/* reconcile.c */
/* Loads the plan; on success it replaces kd->plan (and the rules). */
enum kd_outcome kd_load_plan(struct kallocd *kd);
/*
 * Reconciles the kernel with kd->plan: settings too when full (start,
 * reload, the family's return), only objects for a drift repair.
 */
enum kd_outcome kd_reconcile(struct kallocd *kd, const char *why, bool full);
/* A drift check: repairs, or only reports with "drift report". */
void kd_drift_check(struct kallocd *kd);

/* rulerun.c */
int kd_rules_reset(struct kallocd *kd);
void kd_rules_sample(struct kallocd *kd, const struct kalloc_stats *s,
		     uint64_t now_ms);

/* events.c */
/* Joins "events" and "stats" (once the family is there); closes them. */
void kd_events_open(struct kallocd *kd);
void kd_events_close(struct kallocd *kd);

/* status.c */
void kd_status_update(struct kallocd *kd);
void kd_metrics_publish(struct kallocd *kd);
/* The metrics page for the HTTP endpoint (a kd_http_page_fn). */
int kd_metrics_page(void *ctx, FILE *f);
uint64_t kd_now_ms(void);

#endif /* KALLOCD_DAEMON_H */
