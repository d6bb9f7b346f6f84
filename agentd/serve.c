// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * serve.c - kallocd as a service: one thread, one epoll loop, one named
 * callback per file descriptor (teamd's style, loop.h):
 *
 *   signals   a signalfd: SIGTERM/SIGINT stop, SIGHUP and queued reload
 *             requests (reload.h) reload
 *   family    the controller's notify group: the module's load/unload
 *   events    the kalloc "events" and "stats" groups (events.c): drift,
 *             resyncs after ENOBUFS, the rules on every stats message
 *   tick      a timerfd at the stats interval: the metrics and STATUS=;
 *             without the groups (they could not be joined), STATS_GET
 *             and a drift check every DRIFT_EVERY_MS instead
 *   watchdog  a timerfd at half systemd's WatchdogSec: a round trip to
 *             the module, and WATCHDOG=1 only if it came back in time
 *   http      libmicrohttpd's epoll fd, with --metrics-listen
 *
 * The module. kallocd resolves the family by name (which autoloads
 * kalloc.ko) when it starts and for every reconcile while the family is
 * known to be there. Once the controller announces that the family went
 * away (rmmod), kallocd only watches: it never loads the module behind
 * the administrator's back. It waits, without polling the kernel beyond
 * the watchdog's dump, for the family to come back, then reconciles in
 * full (the module's buffers died with it). Its sockets hold no
 * reference on the module: rmmod works while kallocd runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "daemon.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "reload.h"

#define DRIFT_EVERY_MS	2000
#define TICK_DEFAULT_MS	1000
/* Reload requests answered after one reload; more wait for the next. */
#define REQUESTS_MAX	64

static uint32_t tick_of(const struct kallocd *kd)
{
	return kd->plan && kd->plan->set.stats_interval_ms ?
	       kd->plan->set.stats_interval_ms : TICK_DEFAULT_MS;
}

/* A reload may change the stats interval: the tick follows it. */
static void retick(struct kallocd *kd)
{
	struct itimerspec its = { 0 };

	if (kd->w_tick.fd < 0 || tick_of(kd) == kd->tick_ms)
		return;
	kd->tick_ms = tick_of(kd);
	its.it_interval.tv_sec = kd->tick_ms / 1000;
	its.it_interval.tv_nsec = (kd->tick_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	timerfd_settime(kd->w_tick.fd, 0, &its, NULL);
}

static enum kd_outcome reload(struct kallocd *kd, const char *why)
{
	enum kd_outcome out;

	kd_log(LOG_INFO, "%s: reloading %s", why, kd->plan_dir);
	kd_notify_reloading();
	out = kd_load_plan(kd);
	retick(kd);
	if (out == KD_APPLIED && !kd->family)
		out = KD_NO_FAMILY;
	else if (out == KD_APPLIED)
		out = kd_reconcile(kd, "reload", true);
	kd_status_update(kd);
	kd_notify_ready();
	return out;
}

static int on_signal(struct kd_watch *w)
{
	struct signalfd_siginfo si, req[REQUESTS_MAX];
	struct kallocd *kd = w->ctx;
	size_t nreq = 0, i;
	bool hup = false;
	enum kd_outcome out;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			kd_log(LOG_INFO, "%s: stopping; kallocd's objects stay in the kernel",
			       strsignal(si.ssi_signo));
			kd_notify_stopping();
			kd_loop_stop(&kd->loop);
			return 0;
		}
		if (kd_reload_is_request(&si) && nreq < REQUESTS_MAX)
			req[nreq++] = si;
		hup |= si.ssi_signo == SIGHUP || kd_reload_is_request(&si);
		if (nreq == REQUESTS_MAX)
			break;
	}
	if (!hup)
		return 0;
	out = reload(kd, nreq ? "reload request" : "SIGHUP");
	for (i = 0; i < nreq; i++)
		kd_reload_answer(&req[i], out);
	return 0;
}

static void family_up(struct kallocd *kd, const char *why)
{
	kd->family = true;
	kd->n.family_changes++;
	kd_log(LOG_NOTICE, "the kalloc family is back (%s): reconciling", why);
	kd_reconcile(kd, "module loaded", true);
	kd_events_open(kd);
	kd_status_update(kd);
}

static void family_down(struct kallocd *kd, const char *why)
{
	kd->family = false;
	kd->have_stats = false;
	kd_events_close(kd);
	kd->n.family_changes++;
	kd_log(LOG_NOTICE, "the kalloc family went away (%s): waiting for it",
	       why);
	kd_status_update(kd);
}

/* After lost notifications: ask the controller, without autoloading. */
static void family_resync(struct kallocd *kd)
{
	struct kalloc_err err;
	int present = kalloc_family_present(&err);

	kd->n.resyncs++;
	if (present < 0)
		kd_log(LOG_WARNING, "cannot list the families: %s", err.msg);
	else if (present && !kd->family)
		family_up(kd, "found after lost notifications");
	else if (!present && kd->family)
		family_down(kd, "found after lost notifications");
}

static int on_family(struct kd_watch *w)
{
	struct kallocd *kd = w->ctx;
	struct kalloc_err err;
	int ev = 0;

	if (kalloc_famwatch_read(kd->famwatch, &ev, &err)) {
		kd_log(LOG_WARNING, "%s", err.msg);
		ev = KALLOC_FAMILY_LOST;
	}
	if (ev & KALLOC_FAMILY_LOST)
		family_resync(kd);
	else if ((ev & KALLOC_FAMILY_DEL) && kd->family)
		family_down(kd, "rmmod");
	if ((ev & KALLOC_FAMILY_NEW) && !kd->family)
		family_up(kd, "modprobe");
	return 0;
}

static void sample(struct kallocd *kd)
{
	struct kalloc_err err = { 0 };
	struct kalloc_nl *nl;
	int rc;

	rc = kalloc_nl_open(&nl, &err);
	if (!rc) {
		rc = kalloc_stats_get(nl, NULL, &kd->stats, &err);
		kalloc_nl_close(nl);
	}
	kd->have_stats = !rc;
	if (!rc)
		kd_rules_sample(kd, &kd->stats, kd_now_ms());
}

static int on_tick(struct kd_watch *w)
{
	static uint64_t last_drift;
	struct kallocd *kd = w->ctx;
	uint64_t ticks, now = kd_now_ms();

	if (read(w->fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return -errno;
	if (kd->family && kd->plan && !kd->events)
		sample(kd);
	if (kd->family && (kd->drift_pending ||
			   (!kd->events && now - last_drift >= DRIFT_EVERY_MS))) {
		kd->drift_pending = false;
		last_drift = now;
		kd_drift_check(kd);
	}
	kd_metrics_publish(kd);
	kd_status_update(kd);
	kd_http_run(kd->http);
	return 0;
}

/*
 * A round trip to the module itself (POLICY_GET is handled by kalloc,
 * and stalls with its debugfs stall_ms), on a socket of its own with a
 * receive timeout, closed afterwards so that a late answer cannot
 * confuse anyone. Generic netlink runs a request in the sender's
 * context, inside sendmsg(): a module that stalls holds kallocd there,
 * no WATCHDOG=1 follows, and systemd restarts kallocd, which is the
 * point. With the family away, the controller's dump answers instead.
 */
static bool round_trip(struct kallocd *kd)
{
	unsigned int ms = kd->watchdog_usec / 4000;
	struct kalloc_policy_info p;
	struct kalloc_err err = { 0 };
	struct kalloc_nl *nl;
	int rc;

	if (!kd->family)
		return kalloc_family_present(&err) >= 0;
	rc = kalloc_nl_open(&nl, &err);
	if (!rc) {
		rc = kalloc_nl_set_timeout(nl, ms ? ms : 1, &err);
		if (!rc)
			rc = kalloc_policy_get(nl, NULL, &p, &err);
		kalloc_nl_close(nl);
	}
	if (rc)
		kd_log(LOG_WARNING, "watchdog: no answer from kalloc within %u ms: %s",
		       ms, err.msg);
	return !rc;
}

static int on_watchdog(struct kd_watch *w)
{
	struct kallocd *kd = w->ctx;
	uint64_t ticks;

	if (read(w->fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return -errno;
	if (round_trip(kd))
		kd_notify_watchdog();
	return 0;
}

static int on_http(struct kd_watch *w)
{
	struct kallocd *kd = w->ctx;

	kd_http_run(kd->http);
	return 0;
}

/* ---- setting the loop up ---------------------------------------------- */

static int open_signalfd(int *fdp)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, KD_SIG_RELOAD);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	*fdp = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return *fdp < 0 ? -errno : 0;
}

static int watch(struct kallocd *kd, struct kd_watch *w, const char *name,
		 int fd, int (*cb)(struct kd_watch *w))
{
	*w = (struct kd_watch){ .name = name, .fd = fd, .cb = cb, .ctx = kd };
	return kd_loop_add(&kd->loop, w);
}

static int add_timers(struct kallocd *kd)
{
	int fd = -1, rc;

	kd->tick_ms = tick_of(kd);
	rc = kd_notify_timer((uint64_t)kd->tick_ms * 1000, &fd);
	if (!rc)
		rc = watch(kd, &kd->w_tick, "tick", fd, on_tick);
	if (rc || !kd->watchdog_usec)
		return rc;
	kd_log(LOG_INFO, "watchdog: a round trip to kalloc every %llu ms",
	       (unsigned long long)kd->watchdog_usec / 2000);
	rc = kd_notify_timer(kd->watchdog_usec / 2, &fd);
	return rc ? rc : watch(kd, &kd->w_watchdog, "watchdog", fd, on_watchdog);
}

static int add_family(struct kallocd *kd)
{
	struct kalloc_err err;
	int rc = kalloc_famwatch_open(&kd->famwatch, &err);

	if (rc) {
		kd_log(LOG_ERR, "%s", err.msg);
		return rc;
	}
	return watch(kd, &kd->w_family, "family",
		     kalloc_famwatch_fd(kd->famwatch), on_family);
}

static int add_http(struct kallocd *kd)
{
	const char *why = "";
	int rc;

	if (!kd->listen)
		return 0;
	rc = kd_http_start(&kd->http, kd->listen, kd_metrics_page, kd, &why);
	if (rc) {
		/* Metrics are not worth leaving the plan unenforced. */
		kd_log(LOG_ERR, "--metrics-listen %s: %s; serving no HTTP metrics",
		       kd->listen, why);
		kd->http = NULL;
		return 0;
	}
	kd_log(LOG_INFO, "metrics at http://%s/metrics", kd->listen);
	return watch(kd, &kd->w_http, "http", kd_http_fd(kd->http), on_http);
}

static void close_watch(struct kd_watch *w)
{
	if (w->fd >= 0 && w->cb != on_family && w->cb != on_http)
		close(w->fd);
}

static void first_reconcile(struct kallocd *kd)
{
	enum kd_outcome out = KD_PLAN_ERROR;

	if (kd_load_plan(kd) == KD_APPLIED)
		out = kd_reconcile(kd, "start", true);
	kd->family = out != KD_NO_FAMILY;
	if (!kd->plan) {
		struct kalloc_err err;

		kd->family = kalloc_family_present(&err) > 0;
	}
	if (kd->family)
		kd_events_open(kd);
	kd_status_update(kd);
	kd_metrics_publish(kd);
	kd_notify_ready();
	kd_log(LOG_INFO, "ready: %s", kd->family ? "kalloc is there" :
	       "kalloc is not loaded; waiting for it");
}

int kd_serve(struct kallocd *kd)
{
	int fd = -1, rc;

	kd->w_signals.fd = kd->w_tick.fd = kd->w_watchdog.fd = -1;
	kd->w_events.fd = kd->w_stats.fd = -1;
	kd->watchdog_usec = kd_notify_watchdog_usec();
	rc = kd_loop_init(&kd->loop);
	if (rc)
		return rc;
	rc = open_signalfd(&fd);
	if (!rc)
		rc = watch(kd, &kd->w_signals, "signals", fd, on_signal);
	if (!rc)
		rc = add_family(kd);
	if (!rc)
		rc = add_http(kd);
	if (rc)
		goto close_all;
	/* The family watch is up first: no NEWFAMILY is missed. */
	first_reconcile(kd);
	rc = add_timers(kd);
	if (!rc)
		rc = kd_loop_run(&kd->loop);
close_all:
	kd_events_close(kd);
	close_watch(&kd->w_watchdog);
	close_watch(&kd->w_tick);
	close_watch(&kd->w_signals);
	kd_http_stop(kd->http);
	kalloc_famwatch_close(kd->famwatch);
	kd_loop_fini(&kd->loop);
	return rc;
}
