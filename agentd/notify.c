// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * notify.c - sd_notify(3) for kallocd (notify.h). Outside systemd
 * (NOTIFY_SOCKET unset) every call is a no-op.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "notify.h"

void kd_notify_ready(void)
{
	sd_notify(0, "READY=1");
}

void kd_notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
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

uint64_t kd_notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}

int kd_notify_timer(uint64_t usec, int *fdp)
{
	struct itimerspec its = { 0 };
	int fd;

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
	*fdp = fd;
	return 0;
}
