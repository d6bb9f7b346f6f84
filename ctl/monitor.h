/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * monitor.h - "kallocctl monitor" (monitor.c): the family's multicast
 * groups as a stream of lines, and its argument parser, for the unit
 * tests.
 */
#ifndef KALLOC_CTL_MONITOR_H
#define KALLOC_CTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl.h"

#define CTL_MONITOR_ARGS \
	"[events] [perf] [stats] [count N] [duration D] [rcvbuf BYTES] [-t]"

/* The receive buffer asked for by default (SO_RCVBUFFORCE when permitted). */
#define CTL_MONITOR_RCVBUF	(8U << 20)
/* Largest rcvbuf: what setsockopt() takes. */
#define CTL_MONITOR_RCVBUF_MAX	0x7fffffffULL

extern const struct ctl_object ctl_monitor;

enum ctl_monitor_source { CTL_SRC_EVENTS, CTL_SRC_STATS, CTL_SRC_PERF,
			  CTL_NSOURCES };

struct ctl_monitor_args {
	bool source[CTL_NSOURCES];	/* none named: events */
	uint64_t count;			/* 0: no limit */
	uint64_t duration_ms;		/* 0: no limit */
	uint64_t rcvbuf;		/* bytes to ask for */
	bool timestamps;		/* -t, here or before the command */
};

int ctl_monitor_parse(int argc, char **argv, struct ctl_monitor_args *a);

/* The group a source listens to: "events", "stats", "perf". */
const char *ctl_monitor_source_name(enum ctl_monitor_source s);

#endif /* KALLOC_CTL_MONITOR_H */
