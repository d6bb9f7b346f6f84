/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * stats.h - the stats object of kallocctl (stats.c), and how it names a
 * latency bucket, for the unit tests.
 */
#ifndef KALLOC_CTL_STATS_H
#define KALLOC_CTL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

/* The lower bound of latency bucket b, as "0ns", "512ns", "1.0us", "2.1s". */
const char *ctl_bucket_label(unsigned int b, char *buf, size_t len);

#endif /* KALLOC_CTL_STATS_H */
