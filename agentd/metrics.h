/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * metrics.h - kallocd's metrics in the Prometheus text exposition format
 * (version 0.0.4), one writer for the node_exporter textfile and the
 * HTTP endpoint. Pure: it formats what it is given.
 *
 * Names follow the Prometheus conventions: a kalloc_ prefix for the
 * module's numbers and kallocd_ for the daemon's own, base units in the
 * name (_bytes, _seconds, _ratio), _total on counters, one HELP and TYPE
 * line per family, labels policy="..." and rule="...".
 */
#ifndef KALLOCD_METRICS_H
#define KALLOCD_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kalloc.h"

/* kallocd's own counters. */
struct kd_counters {
	uint64_t reconciles;		/* reconciles run */
	uint64_t reconcile_errors;	/* reconciles with a refused change */
	uint64_t drift_repairs;		/* changes made to undo drift */
	uint64_t drift_reports;		/* drift found with "drift report" */
	uint64_t resyncs;		/* full re-reads after lost events */
	uint64_t rule_firings;		/* rules fired, all rules */
	uint64_t plan_errors;		/* plan loads that failed */
	uint64_t family_changes;	/* the module came or went */
};

struct kd_rule_metric {
	const char *name;
	uint64_t fired;
	const char *phase;
};

struct kd_metrics_in {
	const struct kalloc_stats *stats;	/* NULL: no sample yet */
	const struct kd_counters *n;
	const struct kd_rule_metric *rules;
	size_t nrules;
	bool family;
	int64_t last_reconcile;		/* Unix seconds, 0: never */
};

/* Writes every metric to f; 0 or -EIO. */
int kd_metrics_write(FILE *f, const struct kd_metrics_in *in);
/* Writes them to path atomically (temporary file, rename). */
int kd_metrics_textfile(const char *path, const struct kd_metrics_in *in);

#endif /* KALLOCD_METRICS_H */
