// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * reload.c - both ends of the reload handshake (reload.h).
 *
 * The requester checks its argument before it signals anything: a PID
 * must be a decimal number that fits a pid_t (1 .. INT_MAX: kill(2) with
 * a negative or zero pid signals a whole process group, and a value that
 * strtol() clips would signal a stranger), and /proc/PID/comm must say
 * "kallocd", so that a stale $MAINPID reused by another process is not
 * sent a signal whose default action kills it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "reload.h"

bool kd_reload_is_request(const struct signalfd_siginfo *si)
{
	return (int)si->ssi_signo == KD_SIG_RELOAD &&
	       si->ssi_code == SI_QUEUE && si->ssi_int == KD_RELOAD_TAG;
}

void kd_reload_answer(const struct signalfd_siginfo *si, int outcome)
{
	union sigval v = { .sival_int = outcome };

	if (sigqueue(si->ssi_pid, KD_SIG_ANSWER, v))
		kd_log(LOG_WARNING, "cannot answer the reload request of pid %u: %s",
		       si->ssi_pid, strerror(errno));
}

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || s[0] == '-' || s[0] == '+' || s[0] == ' ') {
		fprintf(stderr, "Error: --reload: \"%s\" is not a process id\n", s);
		return -EINVAL;
	}
	if (errno == ERANGE || v < 1 || v > INT_MAX) {
		fprintf(stderr, "Error: --reload: %s does not fit a pid_t (1 to %d)\n",
			s, INT_MAX);
		return -ERANGE;
	}
	*pid = (pid_t)v;
	return 0;
}

static int check_kallocd(pid_t pid)
{
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "Error: --reload: no process %d\n", (int)pid);
		return -ESRCH;
	}
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "kallocd")) {
		fprintf(stderr, "Error: --reload: process %d is \"%s\", not kallocd\n",
			(int)pid, comm);
		return -EPERM;
	}
	return 0;
}

static const char *const outcome_text[] = {
	[KD_APPLIED] = "plan applied",
	[KD_PLAN_ERROR] = "the plan has errors, the previous plan and state are kept",
	[KD_KERNEL_ERROR] = "the kernel refused changes, see the journal",
	[KD_NO_FAMILY] = "the kalloc module is not loaded; kallocd waits for it",
};

static int answered(int outcome)
{
	if (outcome < KD_APPLIED || outcome > KD_NO_FAMILY) {
		fprintf(stderr, "Error: kallocd gave an unknown answer %d\n",
			outcome);
		return 1;
	}
	fprintf(outcome == KD_APPLIED ? stdout : stderr, "%skallocd: reload: %s\n",
		outcome == KD_PLAN_ERROR ? "Error: " : "", outcome_text[outcome]);
	return outcome == KD_PLAN_ERROR ? 1 : 0;
}

/* Waits for pid's answer, a second at a time, while pid lives. */
static int wait_answer(pid_t pid, const sigset_t *set)
{
	struct timespec ts = { .tv_sec = 1 };
	siginfo_t si;
	int waited = 0;

	while (waited < KD_RELOAD_TIMEOUT) {
		if (sigtimedwait(set, &si, &ts) >= 0) {
			if (si.si_pid == pid)
				return answered(si.si_value.sival_int);
			continue;
		}
		if (errno == EINTR)
			continue;
		waited++;
		if (kill(pid, 0) && errno == ESRCH) {
			fprintf(stderr, "Error: kallocd (pid %d) exited before it answered\n",
				(int)pid);
			return 1;
		}
	}
	fprintf(stderr, "Error: kallocd (pid %d) did not answer within %d s\n",
		(int)pid, KD_RELOAD_TIMEOUT);
	return 1;
}

int kd_reload_request(const char *pidstr)
{
	union sigval v = { .sival_int = KD_RELOAD_TAG };
	sigset_t set;
	pid_t pid;

	if (parse_pid(pidstr, &pid))
		return 2;
	if (check_kallocd(pid))
		return 1;
	sigemptyset(&set);
	sigaddset(&set, KD_SIG_ANSWER);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (sigqueue(pid, KD_SIG_RELOAD, v)) {
		fprintf(stderr, "Error: cannot signal kallocd (pid %d): %s\n",
			(int)pid, strerror(errno));
		return 1;
	}
	return wait_answer(pid, &set);
}
