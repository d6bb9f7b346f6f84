// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * loop.c - the epoll loop behind loop.h. Watches carry their callback in
 * epoll's data pointer, so dispatch is one indirect call and the loop
 * knows nothing of what a watch is for.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#define KD_LOOP_EVENTS	4

int kd_loop_init(struct kd_loop *loop)
{
	loop->stop = false;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

int kd_loop_add(struct kd_loop *loop, struct kd_watch *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };

	if (w->fd < 0)
		return -EBADF;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, w->fd, &ev))
		return -errno;
	return 0;
}

int kd_loop_del(struct kd_loop *loop, struct kd_watch *w)
{
	if (w->fd < 0)
		return 0;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL))
		return -errno;
	/* A batch in progress may still name w: it is skipped there. */
	w->fd = -1;
	return 0;
}

int kd_loop_run(struct kd_loop *loop)
{
	struct epoll_event ev[KD_LOOP_EVENTS];
	struct kd_watch *w;
	int n, i, rc;

	while (!loop->stop) {
		n = epoll_wait(loop->epfd, ev, KD_LOOP_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (i = 0; i < n && !loop->stop; i++) {
			w = ev[i].data.ptr;
			if (w->fd < 0)
				continue;
			rc = w->cb(w);
			if (rc) {
				kd_log(LOG_ERR, "%s: %s", w->name, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

void kd_loop_stop(struct kd_loop *loop)
{
	loop->stop = true;
}

void kd_loop_fini(struct kd_loop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}
