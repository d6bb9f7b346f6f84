// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kallocd - the kalloc control-plane daemon: keeps the kernel's buffers
 * as the plan files in /etc/kalloc/plan.d say.
 *
 * Design
 * ======
 *
 * One thread, one epoll loop, one named callback per file descriptor
 * (teamd style, loop.c): a signalfd (SIGHUP reloads, SIGTERM/SIGINT stop)
 * and, when systemd asks for it, a timerfd that pings the watchdog at
 * half its interval (notify.c). The netlink events socket will join the
 * same loop.
 *
 * Files: kallocd.c (this: modes, reload, signals), loop.c, notify.c,
 * log.c, reconcile.c, owned.c. Each includes only the headers below it;
 * log.h includes nothing of kallocd's, so the graph has no cycle.
 *
 * A reload is: parse every plan file (plan/), and only if the whole
 * plan is free of errors, reconcile (reconcile.c). A broken plan applies
 * nothing: every error is logged as "file:line:col: message", STATUS=
 * says so, and the kernel keeps what the previous plan made.
 *
 * Ownership. kallocd owns the buffers it created and the planned buffers
 * it found already matching the plan (adopted). Only owned buffers are
 * ever deleted (when they leave the plan) or recreated (when their
 * planned size changes); a planned buffer that exists with another size
 * and is not owned is left alone with a warning, and buffers nobody
 * planned (made with kallocctl) are never touched. The owned names are
 * kept in a state file (owned.c) so that a restart keeps them.
 *
 * Lifetime. Buffers outlive the daemon: stopping kallocd frees nothing.
 * The kernel owns the memory and the plan only says what should exist;
 * a daemon restart, crash or upgrade must not drop buffers that users of
 * the memory rely on. "rmmod kalloc" frees everything.
 *
 * systemd. Type=notify: READY=1 only after the first reconcile, even a
 * failed one (a broken plan must not keep the unit from starting: the
 * admin fixes the file and reloads). RELOADING=1 / READY=1 around every
 * reload, STOPPING=1 on stop, STATUS= always current. systemd 252 has no
 * Type=notify-reload, so "systemctl reload" runs "kallocd --reload
 * $MAINPID", which queues SIGHUP with a tag and waits for the daemon's
 * SIGUSR1 answer: the reload job ends when the reload has happened.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "notify.h"
#include "owned.h"
#include "plan.h"
#include "reconcile.h"

#define KD_STATE_FILE		"/run/kallocd/owned"
/* sival_int of a SIGHUP sent by "kallocd --reload": answer it. */
#define KD_RELOAD_TAG		0x6b616c63
#define KD_RELOAD_TIMEOUT	60
#define KD_STATUS_MAX		1024

enum { KD_EXIT_OK, KD_EXIT_FAIL, KD_EXIT_USAGE };

/* Outcome of one reload, also the answer to "kallocd --reload". */
enum kd_outcome { KD_APPLIED, KD_PLAN_ERROR, KD_KERNEL_ERROR };

struct kallocd {
	const char *plan_dir;
	const char *state_path;
	struct kd_loop loop;
	bool applied_once;
	struct kd_owned owned;
	char status[KD_STATUS_MAX];
};

/* ---- plan and reconcile ----------------------------------------------- */

static void log_plan_errors(const struct kalloc_plan_errors *errs)
{
	char buf[1024];
	size_t i;

	for (i = 0; errs && i < errs->n; i++)
		kd_log(LOG_ERR, "%s",
		       kalloc_plan_error_str(&errs->v[i], buf, sizeof(buf)));
	if (errs && errs->dropped)
		kd_log(LOG_ERR, "... and %zu more errors", errs->dropped);
}

static void set_status(struct kallocd *kd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_status(struct kallocd *kd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kd->status, sizeof(kd->status), fmt, ap);
	va_end(ap);
}

static enum kd_outcome plan_broken(struct kallocd *kd,
				   struct kalloc_plan_errors *errs)
{
	char first[KD_STATUS_MAX] = "cannot load the plan";
	size_t n = errs ? errs->n + errs->dropped : 0;

	log_plan_errors(errs);
	if (errs && errs->n)
		kalloc_plan_error_str(&errs->v[0], first, sizeof(first));
	kd_log(LOG_ERR, "plan has %zu error%s; %s", n, n == 1 ? "" : "s",
	       kd->applied_once ? "keeping the previous state"
				: "nothing applied");
	set_status(kd, "plan error, %s: %s",
		   kd->applied_once ? "keeping previous state"
				    : "nothing applied", first);
	return KD_PLAN_ERROR;
}

static void save_owned(struct kallocd *kd)
{
	int rc = kd_owned_save(&kd->owned, kd->state_path);

	if (rc)
		kd_log(LOG_WARNING, "cannot save %s: %s", kd->state_path,
		       strerror(-rc));
}

static enum kd_outcome apply_plan(struct kallocd *kd,
				  const struct kalloc_plan *plan)
{
	struct kd_result res;
	int rc = kd_reconcile(plan, &kd->owned, &res);

	if (rc) {
		set_status(kd, "plan: %zu buffers from %zu files; not applied: %s",
			   res.planned, plan->nfiles, res.first_err);
		return KD_KERNEL_ERROR;
	}
	kd->applied_once = true;
	save_owned(kd);
	kd_log(LOG_INFO, "plan applied: %zu of %zu buffers, %zu changes, %zu errors",
	       res.applied, res.planned, res.changes, res.errors);
	set_status(kd, "plan: %zu buffers from %zu files; applied %zu; last reload %zu errors%s%s",
		   res.planned, plan->nfiles, res.applied, res.errors,
		   res.errors ? ": " : "", res.errors ? res.first_err : "");
	return res.errors ? KD_KERNEL_ERROR : KD_APPLIED;
}

static enum kd_outcome reload(struct kallocd *kd)
{
	struct kalloc_plan_errors *errs = NULL;
	struct kalloc_plan *plan = NULL;
	enum kd_outcome out;

	if (kalloc_plan_load_dir(kd->plan_dir, &plan, &errs))
		out = plan_broken(kd, errs);
	else
		out = apply_plan(kd, plan);
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);
	return out;
}

/* ---- event loop callbacks --------------------------------------------- */

static void answer_reloader(const struct signalfd_siginfo *si,
			    enum kd_outcome out)
{
	union sigval v = { .sival_int = out };

	if (si->ssi_code != SI_QUEUE || si->ssi_int != KD_RELOAD_TAG)
		return;
	if (sigqueue(si->ssi_pid, SIGUSR1, v))
		kd_log(LOG_WARNING, "cannot answer reload request of pid %u: %s",
		       si->ssi_pid, strerror(errno));
}

static void on_sighup(struct kallocd *kd, const struct signalfd_siginfo *si)
{
	enum kd_outcome out;

	kd_log(LOG_INFO, "SIGHUP: reloading %s", kd->plan_dir);
	kd_notify_reloading();
	out = reload(kd);
	kd_notify_ready(kd->status);
	answer_reloader(si, out);
}

static int on_signal(struct kd_watch *w)
{
	struct kallocd *kd = w->ctx;
	struct signalfd_siginfo si;
	ssize_t n = read(w->fd, &si, sizeof(si));

	if (n != sizeof(si))
		return n < 0 && errno == EAGAIN ? 0 : -EIO;
	switch (si.ssi_signo) {
	case SIGHUP:
		on_sighup(kd, &si);
		break;
	case SIGTERM:
	case SIGINT:
		kd_log(LOG_INFO, "%s: stopping; buffers stay in the kernel",
		       strsignal(si.ssi_signo));
		kd_notify_stopping();
		kd_loop_stop(&kd->loop);
		break;
	}
	return 0;
}

static int on_watchdog(struct kd_watch *w)
{
	uint64_t ticks;

	if (read(w->fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return -errno;
	kd_notify_watchdog();
	return 0;
}

/* ---- event loop setup ------------------------------------------------- */

/* The signals kallocd handles, as a file descriptor in *fdp. */
static int open_signalfd(int *fdp)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	*fdp = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return *fdp < 0 ? -errno : 0;
}

static int serve(struct kallocd *kd)
{
	struct kd_watch sig = { "signals", -1, on_signal, kd };
	struct kd_watch wd = { "watchdog", -1, on_watchdog, kd };
	int rc;

	rc = kd_loop_init(&kd->loop);
	if (rc)
		return rc;
	rc = open_signalfd(&sig.fd);
	if (!rc)
		rc = kd_loop_add(&kd->loop, &sig);
	if (rc)
		goto close_fds;
	rc = kd_notify_watchdog_timer(&wd.fd);
	if (!rc && wd.fd >= 0)
		rc = kd_loop_add(&kd->loop, &wd);
	if (rc)
		goto close_fds;
	reload(kd);
	kd_notify_ready(kd->status);
	kd_log(LOG_INFO, "ready: %s", kd->status);
	rc = kd_loop_run(&kd->loop);
close_fds:
	if (wd.fd >= 0)
		close(wd.fd);
	if (sig.fd >= 0)
		close(sig.fd);
	kd_loop_fini(&kd->loop);
	return rc;
}

/* ---- one-shot modes --------------------------------------------------- */

static int check_only(struct kallocd *kd)
{
	struct kalloc_plan_errors *errs = NULL;
	struct kalloc_plan *plan = NULL;
	char buf[1024];
	size_t i;
	int rc;

	rc = kalloc_plan_load_dir(kd->plan_dir, &plan, &errs);
	/* Compiler style, so that editors can jump to file:line:col. */
	for (i = 0; errs && i < errs->n; i++)
		fprintf(stderr, "%s\n",
			kalloc_plan_error_str(&errs->v[i], buf, sizeof(buf)));
	if (rc == -ENOMEM) {
		fprintf(stderr, "Error: out of memory\n");
	} else if (rc) {
		i = errs->n + errs->dropped;
		fprintf(stderr, "Error: plan has %zu error%s\n", i,
			i == 1 ? "" : "s");
	} else {
		printf("plan OK: %zu buffers from %zu files in %s\n",
		       kalloc_plan_nbuffers(plan), plan->nfiles, kd->plan_dir);
	}
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);
	return rc ? KD_EXIT_FAIL : KD_EXIT_OK;
}

static const char *const outcome_text[] = {
	[KD_APPLIED] = "plan applied",
	[KD_PLAN_ERROR] = "plan has errors, previous state kept",
	[KD_KERNEL_ERROR] = "kernel errors, see the journal",
};

/* systemd's ExecReload: SIGHUP the daemon, return once it has reloaded. */
static int request_reload(const char *pidstr)
{
	union sigval v = { .sival_int = KD_RELOAD_TAG };
	struct timespec ts = { .tv_sec = KD_RELOAD_TIMEOUT };
	siginfo_t si;
	sigset_t set;
	char *end;
	long pid = strtol(pidstr, &end, 10);

	if (*end || pid <= 0) {
		fprintf(stderr, "Error: --reload: invalid pid \"%s\"\n", pidstr);
		return KD_EXIT_USAGE;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (sigqueue(pid, SIGHUP, v)) {
		fprintf(stderr, "Error: cannot signal kallocd (pid %ld): %s\n",
			pid, strerror(errno));
		return KD_EXIT_FAIL;
	}
	do {
		if (sigtimedwait(&set, &si, &ts) < 0) {
			fprintf(stderr, "Error: kallocd (pid %ld) did not answer the reload within %d s\n",
				pid, KD_RELOAD_TIMEOUT);
			return KD_EXIT_FAIL;
		}
	} while (si.si_pid != pid);
	if (si.si_value.sival_int >= 0 && si.si_value.sival_int <= KD_KERNEL_ERROR)
		fprintf(stderr, "kallocd: reload done: %s\n",
			outcome_text[si.si_value.sival_int]);
	return KD_EXIT_OK;
}

/* ---- command line ----------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kallocd [--plan-dir DIR] [--state FILE] [--check | --once]\n"
		"       kallocd --reload PID\n"
		"       kallocd -h | --help | -V | --version\n"
		"\n"
		"  --plan-dir DIR  read DIR/*.plan (default %s)\n"
		"  --check         parse the plan, report errors, exit 0/1; no netlink\n"
		"  --once          reconcile once and exit\n"
		"  --state FILE    owned-buffer list (default %s)\n"
		"  --reload PID    make kallocd PID reload and wait for it (ExecReload)\n",
		KALLOC_PLAN_DIR, KD_STATE_FILE);
}

enum kd_mode { KD_SERVE, KD_CHECK, KD_ONCE, KD_RELOAD };

static int parse_args(int argc, char **argv, struct kallocd *kd,
		      enum kd_mode *mode, const char **pid)
{
	static const struct option opts[] = {
		{ "plan-dir", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "reload", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			kd->plan_dir = optarg;
			break;
		case 's':
			kd->state_path = optarg;
			break;
		case 'c':
			*mode = KD_CHECK;
			break;
		case 'o':
			*mode = KD_ONCE;
			break;
		case 'r':
			*mode = KD_RELOAD;
			*pid = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(KD_EXIT_OK);
		case 'V':
			printf("kallocd %s\n", KALLOC_VERSION);
			exit(KD_EXIT_OK);
		case ':':
			fprintf(stderr, "Error: option \"%s\" needs an argument\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			fprintf(stderr, "Error: unknown option \"%s\"; try kallocd --help\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Error: unexpected argument \"%s\"; try kallocd --help\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void load_owned(struct kallocd *kd)
{
	int rc = kd_owned_load(&kd->owned, kd->state_path);

	if (rc)
		kd_log(LOG_WARNING, "cannot read %s: %s; owning nothing",
		       kd->state_path, strerror(-rc));
	else if (kd->owned.n)
		kd_log(LOG_INFO, "owning %zu buffers from %s", kd->owned.n,
		       kd->state_path);
}

int main(int argc, char **argv)
{
	struct kallocd kd = {
		.plan_dir = KALLOC_PLAN_DIR,
		.state_path = KD_STATE_FILE,
	};
	enum kd_mode mode = KD_SERVE;
	const char *pid = NULL;
	int rc;

	kd_log_init();
	if (parse_args(argc, argv, &kd, &mode, &pid))
		return KD_EXIT_USAGE;
	if (mode == KD_CHECK)
		return check_only(&kd);
	if (mode == KD_RELOAD)
		return request_reload(pid);
	load_owned(&kd);
	if (mode == KD_ONCE)
		rc = reload(&kd) == KD_APPLIED ? 0 : -EINVAL;
	else
		rc = serve(&kd);
	kd_owned_clear(&kd.owned);
	return rc ? KD_EXIT_FAIL : KD_EXIT_OK;
}
