/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * loop.h - kallocd's event loop: one thread, one epoll set, one named
 * callback per file descriptor (teamd's style). A callback returns 0 to
 * go on, or a negative errno, which is logged with the watch's name and
 * ends the loop. kd_loop_stop() ends it after the current callback.
 */
#ifndef KALLOCD_LOOP_H
#define KALLOCD_LOOP_H

#include <stdbool.h>

struct kd_watch {
	const char *name;	/* for the log: "signals", "watchdog" */
	int fd;
	int (*cb)(struct kd_watch *w);
	void *ctx;		/* the callback's own state */
};

struct kd_loop {
	int epfd;
	bool stop;
};

int kd_loop_init(struct kd_loop *loop);
/* Watches w->fd for input; w must outlive the loop. */
int kd_loop_add(struct kd_loop *loop, struct kd_watch *w);
/* Stops watching w->fd (the caller closes it) and sets it to -1. */
int kd_loop_del(struct kd_loop *loop, struct kd_watch *w);
/* Runs callbacks until kd_loop_stop() or a callback's error. */
int kd_loop_run(struct kd_loop *loop);
void kd_loop_stop(struct kd_loop *loop);
void kd_loop_fini(struct kd_loop *loop);

#endif /* KALLOCD_LOOP_H */
