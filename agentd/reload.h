/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * reload.h - the reload handshake of "systemctl reload kallocd".
 *
 * systemd 252 has no Type=notify-reload, so the unit's ExecReload= runs
 * "kallocd --reload $MAINPID", which must return once the reload has
 * happened. SIGHUP cannot carry that: a standard signal does not queue,
 * so a second request sent while one is pending is merged into it and
 * its sender would wait for an answer that never comes. A realtime
 * signal queues: the requester sends KD_SIG_RELOAD (SIGRTMIN) with
 * sigqueue(3) and a tag, and the daemon answers every queued request
 * with KD_SIG_ANSWER (SIGRTMIN + 1) carrying the outcome. Requests that
 * arrive together share one reload. A plain SIGHUP still reloads, without
 * an answer.
 */
#ifndef KALLOCD_RELOAD_H
#define KALLOCD_RELOAD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>

#define KD_SIG_RELOAD		(SIGRTMIN)
#define KD_SIG_ANSWER		(SIGRTMIN + 1)
/* sival_int of a request, so that a stray SIGRTMIN is not answered. */
#define KD_RELOAD_TAG		0x6b616c63
/* How long a requester waits, checking every second that kallocd lives. */
#define KD_RELOAD_TIMEOUT	30

/* Whether si is a reload request to answer. */
bool kd_reload_is_request(const struct signalfd_siginfo *si);
/* Answers the requester of si with outcome (enum kd_outcome). */
void kd_reload_answer(const struct signalfd_siginfo *si, int outcome);
/* "kallocd --reload PID": the exit status. */
int kd_reload_request(const char *pidstr);

#endif /* KALLOCD_RELOAD_H */
