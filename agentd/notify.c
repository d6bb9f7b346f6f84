// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * notify.c - sd_notify(3) for kallocd. Outside systemd (no NOTIFY_SOCKET)
 * every call does nothing, so "kallocd --once" and tests need no special
 * case. systemd 252 has no Type=notify-reload; the reload protocol is
 * RELOADING=1 then READY=1 around each reload.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"

void kd_notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void kd_notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void kd_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void kd_notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

int kd_notify_watchdog_timer(int *fdp)
{
	struct itimerspec its = { 0 };
	uint64_t usec = 0;
	int fd;

	*fdp = -1;
	if (sd_watchdog_enabled(0, &usec) <= 0 || !usec)
		return 0;
	usec /= 2;
	its.it_interval.tv_sec = usec / 1000000;
	its.it_interval.tv_nsec = (usec % 1000000) * 1000;
	its.it_value = its.it_interval;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL)) {
		close(fd);
		return -errno;
	}
	kd_log(LOG_INFO, "watchdog: pinging every %llu ms",
	       (unsigned long long)usec / 1000);
	*fdp = fd;
	return 0;
}
