/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * notify.h - what kallocd tells systemd (sd_notify(3)): readiness and
 * reloads of a Type=notify unit, the STATUS= line, stopping, and the
 * watchdog's pings. Nothing here knows plans or buffers.
 */
#ifndef KALLOCD_NOTIFY_H
#define KALLOCD_NOTIFY_H

#include <stdint.h>

/* READY=1: after the first reconcile and after every reload. */
void kd_notify_ready(void);
void kd_notify_status(const char *status);
void kd_notify_reloading(void);
void kd_notify_stopping(void);
void kd_notify_watchdog(void);
/* The watchdog interval systemd wants (0: none), in microseconds. */
uint64_t kd_notify_watchdog_usec(void);
/* A timerfd firing every usec microseconds, in *fdp. */
int kd_notify_timer(uint64_t usec, int *fdp);

#endif /* KALLOCD_NOTIFY_H */
