// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kallocd - the kalloc control-plane daemon: keeps the kernel's buffers,
 * devices and policies as the plan files in /etc/kalloc/plan.d say,
 * repairs drift, runs the plan's rules, and exports metrics.
 *
 * This file is the command line and its modes; daemon.h lists the rest.
 *
 *   kallocd                 serve (serve.c): reconcile, READY=1, loop
 *   kallocd --check         load the plan, print its errors, exit
 *   kallocd --once          reconcile once, exit
 *   kallocd --reload PID    the unit's ExecReload (reload.c)
 *
 * Ownership is the kernel's: everything kallocd creates carries the
 * owner tag "kallocd", and a restarted kallocd (even after kill -9 in
 * the middle of a reconcile) finds its objects by that tag, adopts those
 * that match the plan and fixes the others. Nothing is kept under /run
 * that the daemon would trust: the state file there is for people.
 *
 * Lifetime. Objects outlive the daemon: stopping kallocd frees nothing,
 * so that a restart, crash or upgrade does not take memory away from its
 * users. "rmmod kalloc" frees everything.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reload.h"
#include "state.h"

enum { KD_EXIT_OK, KD_EXIT_FAIL, KD_EXIT_USAGE };

int kd_serve(struct kallocd *kd);

static int check_only(struct kallocd *kd)
{
	struct kalloc_plan_errors *errs = NULL;
	struct kalloc_plan *plan = NULL;
	struct kalloc_plan_env env;
	size_t n;
	int rc;

	kalloc_plan_env_probe(&env);
	rc = kalloc_plan_load_paths(&kd->plan_dir, 1, &env, &plan, &errs);
	kalloc_plan_errors_print(stderr, errs);
	if (rc == -ENOMEM) {
		fprintf(stderr, "Error: out of memory\n");
	} else if (rc) {
		n = errs->n + errs->dropped;
		fprintf(stderr, "Error: the plan has %zu error%s\n", n,
			n == 1 ? "" : "s");
	} else {
		printf("plan OK: %zu buffers, %zu vdevs, %zu rules from %zu files in %s\n",
		       kalloc_plan_nbuffers(plan),
		       kalloc_plan_count(plan, KALLOC_PLAN_VDEV),
		       kalloc_plan_count(plan, KALLOC_PLAN_RULE), plan->nfiles,
		       kd->plan_dir);
	}
	kalloc_plan_free(plan);
	kalloc_plan_errors_free(errs);
	return rc ? KD_EXIT_FAIL : KD_EXIT_OK;
}

static int once(struct kallocd *kd)
{
	enum kd_outcome out = kd_load_plan(kd);

	if (out == KD_APPLIED)
		out = kd_reconcile(kd, "once", true);
	kalloc_plan_free(kd->plan);
	free(kd->rules);
	free(kd->rule_defs);
	return out == KD_APPLIED ? KD_EXIT_OK : KD_EXIT_FAIL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kallocd [--plan-dir DIR] [--metrics-textfile PATH]\n"
		"               [--metrics-listen ADDR:PORT] [--state FILE]\n"
		"       kallocd [--plan-dir DIR] --check | --once\n"
		"       kallocd --reload PID\n"
		"       kallocd -h | --help | -V | --version\n"
		"\n"
		"  --plan-dir DIR            read DIR/*.plan (default %s)\n"
		"  --check                   load the plan, report its errors, exit 0/1\n"
		"  --once                    reconcile once and exit\n"
		"  --metrics-textfile PATH   write Prometheus metrics to PATH (atomically)\n"
		"  --metrics-listen ADDR:PORT  serve http://ADDR:PORT/metrics (loopback only)\n"
		"  --state FILE              the state file for \"kallocctl plan status\"\n"
		"                            (default %s)\n"
		"  --reload PID              make kallocd PID reload; wait for it (ExecReload)\n",
		KALLOC_PLAN_DIR, KALLOC_STATE_FILE);
}

enum kd_mode { KD_SERVE, KD_CHECK, KD_ONCE, KD_RELOAD };

static int option(int c, struct kallocd *kd, enum kd_mode *mode,
		  const char **pid)
{
	switch (c) {
	case 'd': kd->plan_dir = optarg; return 0;
	case 's': kd->state_path = optarg; return 0;
	case 't': kd->textfile = optarg; return 0;
	case 'l': kd->listen = optarg; return 0;
	case 'c': *mode = KD_CHECK; return 0;
	case 'o': *mode = KD_ONCE; return 0;
	case 'r': *mode = KD_RELOAD; *pid = optarg; return 0;
	case 'h': usage(stdout); exit(KD_EXIT_OK);
	case 'V': printf("kallocd %s\n", KALLOC_VERSION); exit(KD_EXIT_OK);
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct kallocd *kd,
		      enum kd_mode *mode, const char **pid)
{
	static const struct option opts[] = {
		{ "plan-dir", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "metrics-textfile", required_argument, NULL, 't' },
		{ "metrics-listen", required_argument, NULL, 'l' },
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
		if (c == ':') {
			fprintf(stderr, "Error: option \"%s\" needs an argument\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (option(c, kd, mode, pid)) {
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

/* --metrics-listen is checked before anything else happens. */
static int check_listen(const char *listen)
{
	unsigned char sa[128];
	unsigned int salen;
	const char *why;

	if (!listen || !kd_http_parse_listen(listen, sa, &salen, &why))
		return 0;
	fprintf(stderr, "Error: --metrics-listen \"%s\": %s\n", listen, why);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static struct kallocd kd = {
		.plan_dir = KALLOC_PLAN_DIR,
		.state_path = KALLOC_STATE_FILE,
	};
	enum kd_mode mode = KD_SERVE;
	const char *pid = NULL;
	int rc;

	kd_log_init();
	if (parse_args(argc, argv, &kd, &mode, &pid) || check_listen(kd.listen))
		return KD_EXIT_USAGE;
	if (mode == KD_CHECK)
		return check_only(&kd);
	if (mode == KD_RELOAD)
		return kd_reload_request(pid);
	if (mode == KD_ONCE)
		return once(&kd);
	rc = kd_serve(&kd);
	kalloc_plan_free(kd.plan);
	free(kd.rules);
	free(kd.rule_defs);
	return rc ? KD_EXIT_FAIL : KD_EXIT_OK;
}
