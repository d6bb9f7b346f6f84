// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * metrics.c - kallocd's metrics in the Prometheus text format (metrics.h).
 *
 * Each family is one row of a table: its name, type, help, and how to
 * read its value from a policy's statistics, the module's totals, or
 * kallocd's counters, so that adding a metric is one line. Fragmentation
 * is exported as a ratio (the uapi's hundredths of a percent / 10000),
 * the Prometheus base unit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

enum kind { COUNTER, GAUGE };

static const char *const type_names[] = { "counter", "gauge" };

/* Per-policy families, from struct kalloc_pstats. */
static const struct pfam {
	const char *name;
	enum kind kind;
	const char *help;
	size_t off;		/* a uint64_t of struct kalloc_pstats */
} pfams[] = {
	{ "kalloc_policy_allocations_total", COUNTER,
	  "Buffers the policy allocated (moves in included).",
	  offsetof(struct kalloc_pstats, allocs) },
	{ "kalloc_policy_frees_total", COUNTER,
	  "Buffers the policy freed (moves out included).",
	  offsetof(struct kalloc_pstats, frees) },
	{ "kalloc_policy_failures_total", COUNTER,
	  "Allocations the policy refused.",
	  offsetof(struct kalloc_pstats, failures) },
	{ "kalloc_policy_live_buffers", GAUGE,
	  "Buffers the policy serves now.",
	  offsetof(struct kalloc_pstats, live_buffers) },
	{ "kalloc_policy_live_bytes", GAUGE,
	  "Bytes of the buffers the policy serves now.",
	  offsetof(struct kalloc_pstats, live_bytes) },
	{ "kalloc_policy_peak_bytes", GAUGE,
	  "Highest live bytes since the module was loaded.",
	  offsetof(struct kalloc_pstats, peak_bytes) },
	{ "kalloc_policy_footprint_bytes", GAUGE,
	  "Memory the live buffers occupy with the policy's overhead.",
	  offsetof(struct kalloc_pstats, footprint_bytes) },
	{ "kalloc_policy_arena_bytes", GAUGE,
	  "Bytes of the policy's arena (0 until first used, and for kmalloc).",
	  offsetof(struct kalloc_pstats, arena_bytes) },
	{ "kalloc_policy_canary_violations_total", COUNTER,
	  "Guard damage the policy's buffers showed.",
	  offsetof(struct kalloc_pstats, canary_violations) },
};

static void head(FILE *f, const char *name, enum kind kind, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		type_names[kind]);
}

static void policy_families(FILE *f, const struct kalloc_stats *s)
{
	const struct kalloc_pstats *p;
	size_t i, j;

	for (i = 0; i < sizeof(pfams) / sizeof(pfams[0]); i++) {
		head(f, pfams[i].name, pfams[i].kind, pfams[i].help);
		for (j = 0; j < s->npolicies; j++) {
			p = &s->policies[j];
			fprintf(f, "%s{policy=\"%s\"} %" PRIu64 "\n", pfams[i].name,
				p->name,
				*(const uint64_t *)((const char *)p + pfams[i].off));
		}
	}
	head(f, "kalloc_policy_fragmentation_internal_ratio", GAUGE,
	     "Live internal fragmentation: usable / asked - 1 (docs/allocators.md).");
	for (j = 0; j < s->npolicies; j++)
		fprintf(f, "kalloc_policy_fragmentation_internal_ratio{policy=\"%s\"} %.4f\n",
			s->policies[j].name, s->policies[j].frag_internal / 10000.0);
	head(f, "kalloc_policy_fragmentation_external_ratio", GAUGE,
	     "Live external fragmentation: (footprint - usable) / asked (docs/allocators.md).");
	for (j = 0; j < s->npolicies; j++)
		fprintf(f, "kalloc_policy_fragmentation_external_ratio{policy=\"%s\"} %.4f\n",
			s->policies[j].name, s->policies[j].frag_external / 10000.0);
}

static void gauge(FILE *f, const char *name, const char *help, uint64_t v)
{
	head(f, name, GAUGE, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	head(f, name, COUNTER, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

static void module_totals(FILE *f, const struct kalloc_stats *s)
{
	gauge(f, "kalloc_budget_used_bytes",
	      "Bytes charged to the module's budget.", s->budget_used);
	gauge(f, "kalloc_budget_limit_bytes", "The module's byte budget.",
	      s->budget_limit);
	gauge(f, "kalloc_buffers", "Buffers the module holds.", s->buffers);
	gauge(f, "kalloc_buffers_max",
	      "Most buffers the module holds (max_buffers).", s->buffers_max);
}

/* The vm event counters of a stats group message (KALLOC_STATS_A_SYSTEM). */
static const struct sfam {
	const char *name;
	const char *help;
	size_t off;
} sfams[] = {
	{ "kalloc_system_page_faults_total", "Page faults (pgfault).",
	  offsetof(struct kalloc_system, pgfault) },
	{ "kalloc_system_major_page_faults_total",
	  "Major page faults (pgmajfault).",
	  offsetof(struct kalloc_system, pgmajfault) },
	{ "kalloc_system_page_allocations_total",
	  "Pages allocated, all zones (pgalloc).",
	  offsetof(struct kalloc_system, pgalloc) },
	{ "kalloc_system_page_frees_total", "Pages freed (pgfree).",
	  offsetof(struct kalloc_system, pgfree) },
	{ "kalloc_system_allocation_stalls_total",
	  "Direct reclaim stalls, all zones (allocstall).",
	  offsetof(struct kalloc_system, allocstall) },
	{ "kalloc_system_compaction_stalls_total",
	  "Direct compaction stalls (compact_stall).",
	  offsetof(struct kalloc_system, compact_stall) },
	{ "kalloc_system_compaction_failures_total",
	  "Direct compactions that failed (compact_fail).",
	  offsetof(struct kalloc_system, compact_fail) },
	{ "kalloc_system_compaction_successes_total",
	  "Direct compactions that succeeded (compact_success).",
	  offsetof(struct kalloc_system, compact_success) },
};

static void system_metrics(FILE *f, const struct kalloc_system *sys)
{
	const struct kalloc_zone *z;
	size_t i;
	unsigned int o;

	for (i = 0; i < sizeof(sfams) / sizeof(sfams[0]); i++)
		counter(f, sfams[i].name, sfams[i].help,
			*(const uint64_t *)((const char *)sys + sfams[i].off));
	head(f, "kalloc_zone_free_pages", GAUGE, "Free pages of each zone.");
	for (i = 0; i < sys->nzones; i++)
		fprintf(f, "kalloc_zone_free_pages{node=\"%u\",zone=\"%s\"} %" PRIu64 "\n",
			sys->zones[i].node, sys->zones[i].name,
			sys->zones[i].free);
	head(f, "kalloc_zone_free_blocks", GAUGE,
	     "Free blocks of each order of each zone, as /proc/buddyinfo.");
	for (i = 0; i < sys->nzones; i++) {
		z = &sys->zones[i];
		for (o = 0; o < z->norders; o++)
			fprintf(f, "kalloc_zone_free_blocks{node=\"%u\",zone=\"%s\",order=\"%u\"} %" PRIu64 "\n",
				z->node, z->name, o, z->free_area[o]);
	}
}

static void telemetry(FILE *f, const struct kalloc_telemetry *t)
{
	head(f, "kalloc_stats_interval_seconds", GAUGE,
	     "Interval of the stats group's messages.");
	fprintf(f, "kalloc_stats_interval_seconds %.3f\n",
		t->interval_ms / 1000.0);
	counter(f, "kalloc_stats_messages_sent_total",
		"Stats group messages netlink took.", t->stats_sent);
	counter(f, "kalloc_stats_messages_failed_total",
		"Stats group messages netlink refused (a full listener).",
		t->stats_send_failed);
	counter(f, "kalloc_events_messages_sent_total",
		"Events group messages netlink took.", t->events_sent);
	counter(f, "kalloc_events_messages_failed_total",
		"Events group messages netlink refused (a full listener).",
		t->events_send_failed);
}

static void daemon_counters(FILE *f, const struct kd_metrics_in *in)
{
	const struct kd_counters *n = in->n;
	size_t i;

	counter(f, "kallocd_reconciles_total", "Reconciles kallocd ran.",
		n->reconciles);
	counter(f, "kallocd_reconcile_errors_total",
		"Reconciles in which the kernel refused a change.",
		n->reconcile_errors);
	counter(f, "kallocd_drift_repairs_total",
		"Changes kallocd made to undo drift.", n->drift_repairs);
	counter(f, "kallocd_drift_reports_total",
		"Drift kallocd found and only reported (drift report).",
		n->drift_reports);
	counter(f, "kallocd_resyncs_total",
		"Full re-reads of the kernel after lost notifications.",
		n->resyncs);
	counter(f, "kallocd_plan_errors_total",
		"Plan loads that failed and changed nothing.", n->plan_errors);
	counter(f, "kallocd_family_changes_total",
		"Times the kalloc module was loaded or unloaded.",
		n->family_changes);
	gauge(f, "kallocd_family_present",
	      "1 while the kalloc generic netlink family is registered.",
	      in->family);
	gauge(f, "kallocd_last_reconcile_timestamp_seconds",
	      "When kallocd last reconciled, in Unix seconds (0: never).",
	      (uint64_t)in->last_reconcile);
	head(f, "kallocd_rule_firings_total", COUNTER,
	     "Times each rule of the plan fired.");
	for (i = 0; i < in->nrules; i++)
		fprintf(f, "kallocd_rule_firings_total{rule=\"%s\"} %" PRIu64 "\n",
			in->rules[i].name, in->rules[i].fired);
}

int kd_metrics_write(FILE *f, const struct kd_metrics_in *in)
{
	if (in->stats) {
		module_totals(f, in->stats);
		policy_families(f, in->stats);
		if (in->stats->telemetry.present)
			telemetry(f, &in->stats->telemetry);
		if (in->stats->system.present)
			system_metrics(f, &in->stats->system);
	}
	daemon_counters(f, in);
	return ferror(f) ? -EIO : 0;
}

int kd_metrics_textfile(const char *path, const struct kd_metrics_in *in)
{
	char tmp[4096];
	FILE *f;
	int rc;

	/* node_exporter reads *.prom only: the temporary name is skipped. */
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	/* node_exporter runs as another user; kallocd's umask is 0077. */
	fchmod(fileno(f), 0644);
	rc = kd_metrics_write(f, in);
	if (fflush(f) && !rc)
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}
