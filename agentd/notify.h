/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * notify.h - what kallocd tells systemd (sd_notify(3)): readiness and
 * reloads of a Type=notify unit, the STATUS= line, stopping, and the
 * watchdog's pings. Nothing here knows plans or buffers.
 */
#ifndef KALLOCD_NOTIFY_H
#define KALLOCD_NOTIFY_H

/* READY=1 with STATUS=status: after the first reconcile and every reload. */
void kd_notify_ready(const char *status);
void kd_notify_reloading(void);
void kd_notify_stopping(void);
void kd_notify_watchdog(void);
/*
 * A timerfd that fires at half the watchdog interval in *fdp, or -1 when
 * systemd wants no pings. Returns 0 or a negative errno.
 */
int kd_notify_watchdog_timer(int *fdp);

#endif /* KALLOCD_NOTIFY_H */
