/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * stats.h - the stats object of kallocctl (stats.c): how it names a
 * latency bucket and parses "stats interval", for the unit tests.
 */
#ifndef KALLOC_CTL_STATS_H
#define KALLOC_CTL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

#define CTL_INTERVAL_ARGS	"DURATION"

/* The lower bound of latency bucket b, as "0ns", "512ns", "1.0us", "2.1s". */
const char *ctl_bucket_label(unsigned int b, char *buf, size_t len);

/*
 * The JSON members of "stats -j" (inside an open object): totals, the
 * policies array, the telemetry counters. monitor.c's stats lines use it.
 */
void ctl_stats_json(const struct kalloc_stats *st);

/* "interval DURATION" into milliseconds; any u32 passes (the kernel decides). */
int ctl_interval_parse(int argc, char **argv, uint32_t *ms);

#endif /* KALLOC_CTL_STATS_H */
