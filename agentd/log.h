/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * log.h - kallocd's log: one line per event on stderr, which journald
 * reads. Every other part of kallocd logs through here; this file
 * depends on nothing of kallocd's.
 */
#ifndef KALLOCD_LOG_H
#define KALLOCD_LOG_H

#include <syslog.h>

/* Looks whether journald reads stderr, to prefix lines with "<prio>". */
void kd_log_init(void);
/* One line; with a "<prio>" prefix when journald reads it. */
void kd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KALLOCD_LOG_H */
