// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - every allocator policy beside glibc, jemalloc, mimalloc and
 * tcmalloc, in one process (method and definitions: docs/benchmarks.md).
 *
 * For each scenario of ka_workload.h and each allocator, all behind the
 * same ops table (peers.h), on the same pre-generated operations:
 *   throughput  one untimed warm-up pass, then TPUT_RUNS passes each
 *               timed as a whole, interleaved across the allocators
 *               (bench_scenario()); the median pass's ops/us, an op being
 *               one alloc or one free, per us of the thread's CPU time
 *               (the CSV has the wall-clock figure too). Every row also
 *               gives its ratio to the best peer of the scenario
 *   latency     a pass timed in batches of LAT_BATCH operations with
 *               rdtsc, the calibrated cost of the rdtsc pair subtracted;
 *               p50/p99/p99.9 over batches
 *   frag        a pass on a fresh instance sampling stats() after every
 *               alloc: peak footprint / peak live requested - 1, split
 *               into internal (usable - requested at the peak of
 *               requested bytes) and external (the rest). A peer cannot
 *               be made fresh in this process (its caches outlive every
 *               pass), so its pass runs in a child process started for
 *               it (kabench -F), which loads it anew
 *   instr       read from the callgrind driver's CSV (icount.c), if given
 * Then the uniform scenario with 1, 2, 4, 8 threads. The goals of issue
 * 12, all ratios within this one run, are checked at the end. Output:
 * stdout, CSV (-c) and gnuplot data files beside it.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "bench_wl.h"
#include "peers.h"

#define MAX_ALLOCS	16
#define LAT_BATCH	32
#define REGION		(128u << 20)
#define MT_REGION	(32u << 20)
#define MT_MAX		8
/* Timed passes per measurement; the median is reported. */
#define TPUT_RUNS	5
#define MT_RUNS		3
#define NTHR		4

struct inst {
	const struct ka_policy_ops *ops;
	void *priv;
	void *region;
	size_t len;
};

struct res {
	double ops_us;		/* per us of the thread's CPU time */
	double ops_us_wall;	/* per us of wall-clock time */
	double p50, p99, p999;
	double frag, fint, fext;
	double ins_alloc, ins_free;
	double lock_alloc, lock_free;	/* of which ka_lock + ka_unlock */
	u64 fails;
	bool have_ins;
	bool have_frag;
};

/* Peers first (glibc always), then the registry's policies. */
static const struct ka_policy_ops *allocs[MAX_ALLOCS];
static int npeers, nallocs;

#define KA_REG(sym, id, name) &ka_##sym##_ops,
static const struct ka_policy_ops *const policies[] = {
#include "ka_registry.h"
};
#undef KA_REG

static double tsc_per_ns;
static u64 tsc_overhead;
static u32 nops = 1000000;
static FILE *csv;
static const char *icount_path;
static struct res results[KA_WL_NR][MAX_ALLOCS];
/* -Q: throughput passes only (no latency, no fragmentation). */
static bool tput_only;
/* Threads: ops per us of CPU time and wall, per thread count and row. */
static double mt_cpu[NTHR][MAX_ALLOCS + 1], mt_wall[NTHR][MAX_ALLOCS + 1];

static bool is_peer(const struct ka_policy_ops *o)
{
	int i;

	for (i = 0; i < npeers; i++)
		if (allocs[i] == o)
			return true;
	return false;
}

static int alloc_index(const char *name)
{
	int i;

	for (i = 0; i < nallocs; i++)
		if (!strcmp(allocs[i]->name, name))
			return i;
	return -1;
}


static inline u64 tsc(void)
{
	u32 lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (u64)hi << 32 | lo;
}

static u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (u64)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static u64 now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* CPU time of this thread: time it was preempted does not count. */
static u64 cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* TSC rate against CLOCK_MONOTONIC, and the median cost of a tsc() pair. */
static void calibrate(void)
{
	static u64 d[100001];
	u64 t0 = now_ns(), c0 = tsc(), c1;
	size_t i;

	while (now_ns() - t0 < 200000000u)
		;
	c1 = tsc();
	tsc_per_ns = (double)(c1 - c0) / (double)(now_ns() - t0);
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		c0 = tsc();
		d[i] = tsc() - c0;
	}
	qsort(d, sizeof(d) / sizeof(d[0]), sizeof(d[0]), cmp_u64);
	tsc_overhead = d[sizeof(d) / sizeof(d[0]) / 2];
}

/* Peers use no region: they get their memory from the kernel themselves. */
static int inst_open(struct inst *in, const struct ka_policy_ops *ops,
		     size_t len)
{
	size_t psz = (ops->priv_size + 63) & ~(size_t)63;

	memset(in, 0, sizeof(*in));
	in->ops = ops;
	if (!is_peer(ops)) {
		in->len = len;
		if (posix_memalign(&in->region, 2u << 20, len))
			return -ENOMEM;
		/* Fault every page in now, not inside a timed pass. */
		memset(in->region, 0, len);
	}
	in->priv = aligned_alloc(64, psz ? psz : 64);
	if (!in->priv)
		return -ENOMEM;
	memset(in->priv, 0, psz);
	return ops->init(in->priv, in->region, in->len);
}

static void inst_close(struct inst *in)
{
	in->ops->fini(in->priv);
	free(in->priv);
	free(in->region);
}

/* One operation, as ka_wl_replay() does it (latency and frag passes). */
static inline u64 do_op(const struct ka_policy_ops *o, void *priv,
			const struct ka_wl_op *op, void **slot)
{
	if (op->size) {
		slot[op->slot] = o->alloc(priv, op->size, 0);
		return !slot[op->slot];
	}
	if (slot[op->slot])
		o->free(priv, slot[op->slot]);
	slot[op->slot] = NULL;
	return 0;
}

/* A timed pass: the very loop kalloc.ko's in-kernel benchmark runs. */
static u64 run_ops(const struct inst *in, const struct ka_wl *w, void **slot)
{
	return ka_wl_replay(w, in->ops, in->priv, slot);
}

static void run_latency(const struct inst *in, const struct ka_wl *w,
			void **slot, struct res *r)
{
	const struct ka_policy_ops *o = in->ops;
	size_t nb = w->n / LAT_BATCH, b, j;
	u64 *lat = malloc(nb * sizeof(*lat)), t0, t1;
	const struct ka_wl_op *op = w->op;

	if (!lat)
		abort();
	for (b = 0; b < nb; b++) {
		t0 = tsc();
		for (j = 0; j < LAT_BATCH; j++)
			do_op(o, in->priv, op++, slot);
		t1 = tsc();
		lat[b] = t1 - t0 > tsc_overhead ? t1 - t0 - tsc_overhead : 0;
	}
	/* The tail that does not fill a batch still has to be freed. */
	for (; op < w->op + w->n; op++)
		do_op(o, in->priv, op, slot);
	qsort(lat, nb, sizeof(*lat), cmp_u64);
#define PCT(q) (lat[(size_t)((nb - 1) * (q))] / tsc_per_ns / LAT_BATCH)
	r->p50 = PCT(0.5);
	r->p99 = PCT(0.99);
	r->p999 = PCT(0.999);
#undef PCT
	free(lat);
}

/*
 * Untimed: stats() after every alloc; the peers' every 64th (their
 * statistics calls walk or refresh far more than one op's worth).
 */
static void run_frag(const struct inst *in, const struct ka_wl *w, void **slot,
		     struct res *r)
{
	const struct ka_policy_ops *o = in->ops;
	u64 *usable = calloc(w->nslots, sizeof(*usable));
	u64 req = 0, use = 0, peak_req = 0, use_at_peak = 0, peak_fp = 0;
	bool sparse = is_peer(o);
	struct ka_stats st;
	size_t i;
	u32 *sz = calloc(w->nslots, sizeof(*sz));

	if (!usable || !sz)
		abort();
	for (i = 0; i < w->n; i++) {
		const struct ka_wl_op *op = &w->op[i];

		do_op(o, in->priv, op, slot);
		if (!op->size) {
			req -= sz[op->slot];
			use -= usable[op->slot];
			sz[op->slot] = 0;
			usable[op->slot] = 0;
			continue;
		}
		if (!slot[op->slot])
			continue;
		sz[op->slot] = op->size;
		usable[op->slot] = o->usable_size(in->priv, slot[op->slot]);
		req += op->size;
		use += usable[op->slot];
		if (req > peak_req) {
			peak_req = req;
			use_at_peak = use;
		}
		if (sparse && i % 64)
			continue;
		o->stats(in->priv, &st);
		if (st.footprint_bytes > peak_fp)
			peak_fp = st.footprint_bytes;
	}
	r->frag = peak_req ? 100.0 * ((double)peak_fp / peak_req - 1) : 0;
	r->fint = peak_req ? 100.0 * ((double)use_at_peak / peak_req - 1) : 0;
	r->fext = r->frag - r->fint;
	free(usable);
	free(sz);
}

static void frag_fresh(const struct ka_policy_ops *ops, const struct ka_wl *w,
		       struct res *r)
{
	void **slot = calloc(w->nslots, sizeof(*slot));
	struct inst in;

	if (!slot || inst_open(&in, ops, REGION))
		abort();
	run_frag(&in, w, slot, r);
	inst_close(&in);
	free(slot);
	r->have_frag = true;
}

/*
 * A peer's fragmentation pass, in a child that loads the peer anew:
 * kabench -F peer -s scenario -n ops prints "frag total internal".
 */
static void frag_child(const struct ka_policy_ops *ops, int sc, struct res *r)
{
	char cmd[512], exe[256], line[128];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *p;

	if (n <= 0)
		return;
	exe[n] = 0;
	snprintf(cmd, sizeof(cmd), "'%s' -F %s -s %s -n %u", exe, ops->name,
		 ka_wl_names[sc], nops);
	fflush(stdout);
	p = popen(cmd, "r");
	if (!p)
		return;
	if (fgets(line, sizeof(line), p) &&
	    sscanf(line, "frag %lf %lf", &r->frag, &r->fint) == 2) {
		r->fext = r->frag - r->fint;
		r->have_frag = true;
	}
	if (pclose(p))
		r->have_frag = false;
}

static int frag_child_main(const char *name, const char *scn)
{
	int sc = ka_wl_lookup(scn), i = alloc_index(name);
	struct ka_wl w;
	struct res r;

	if (sc < 0 || i < 0)
		return 2;
	bench_wl_make(&w, sc, nops);
	memset(&r, 0, sizeof(r));
	frag_fresh(allocs[i], &w, &r);
	printf("frag %.3f %.3f\n", r.frag, r.fint);
	bench_wl_free(&w);
	return 0;
}

static void read_icount(const char *pol, const char *sc, struct res *r)
{
	char line[256], p[64], s[64];
	double a, f, la, lf;
	FILE *fp;

	if (!icount_path)
		return;
	fp = fopen(icount_path, "r");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%63[^,],%63[^,],%lf,%lf,%lf,%lf", p, s, &a,
			   &f, &la, &lf) == 6 &&
		    !strcmp(p, pol) && !strcmp(s, sc)) {
			r->ins_alloc = a;
			r->ins_free = f;
			r->lock_alloc = la;
			r->lock_free = lf;
			r->have_ins = true;
		}
	fclose(fp);
}

/* Median of n doubles (sorts them). */
static double median(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

/*
 * One scenario, every allocator. The timed passes are interleaved:
 * round k times pass k of every allocator in turn, so the two sides of
 * every ratio are measured within the same second or two rather than
 * minutes apart, and whatever else runs on the machine weighs on both
 * alike. Then each allocator's latency pass, and its fragmentation pass
 * on a fresh instance (a peer's in a child process).
 */
static int bench_scenario(const struct ka_wl *w, int sc)
{
	double cpu[MAX_ALLOCS][TPUT_RUNS], wall[MAX_ALLOCS][TPUT_RUNS];
	struct inst in[MAX_ALLOCS];
	void **slot[MAX_ALLOCS];
	u64 t0, t1, c0, c1;
	int i, k, rc;

	for (i = 0; i < nallocs; i++) {
		memset(&results[sc][i], 0, sizeof(results[sc][i]));
		slot[i] = calloc(w->nslots, sizeof(*slot[i]));
		if (!slot[i])
			abort();
		rc = inst_open(&in[i], allocs[i], REGION);
		if (rc) {
			fprintf(stderr, "%s: init = %d\n", allocs[i]->name, rc);
			return rc;
		}
		run_ops(&in[i], w, slot[i]);	/* warm-up */
	}
	for (k = 0; k < TPUT_RUNS; k++) {
		for (i = 0; i < nallocs; i++) {
			t0 = now_ns();
			c0 = cpu_ns();
			results[sc][i].fails = run_ops(&in[i], w, slot[i]);
			c1 = cpu_ns();
			t1 = now_ns();
			cpu[i][k] = (double)w->n * 1000.0 / (double)(c1 - c0);
			wall[i][k] = (double)w->n * 1000.0 / (double)(t1 - t0);
		}
	}
	for (i = 0; i < nallocs; i++) {
		struct res *r = &results[sc][i];

		r->ops_us = median(cpu[i], TPUT_RUNS);
		r->ops_us_wall = median(wall[i], TPUT_RUNS);
		if (!tput_only)
			run_latency(&in[i], w, slot[i], r);
		inst_close(&in[i]);
		free(slot[i]);
		if (tput_only)
			;
		else if (is_peer(allocs[i]))
			frag_child(allocs[i], sc, r);
		else
			frag_fresh(allocs[i], w, r);
		read_icount(allocs[i]->name, ka_wl_names[sc], r);
	}
	return 0;
}

/* The fastest peer of scenario sc. */
static int best_peer(int sc)
{
	int i, best = 0;

	for (i = 1; i < npeers; i++)
		if (results[sc][i].ops_us > results[sc][best].ops_us)
			best = i;
	return best;
}

static double vs_best(int sc, int i)
{
	return results[sc][i].ops_us / results[sc][best_peer(sc)].ops_us;
}

/* ---- output --------------------------------------------------------------- */

static void fmt(char *buf, size_t n, bool have, const char *f, double v)
{
	if (have)
		snprintf(buf, n, f, v);
	else
		snprintf(buf, n, "-");
}

static void print_table(int sc, const struct ka_wl *w)
{
	char ia[16], ifr[16], lk[24], fr[16], fi[16], fe[16];
	int i, bp = best_peer(sc);

	printf("\n== %s: %u ops, 1 thread; ops/us per CPU time (wall: per wall-clock time), xbest: ratio to the best peer (%s); latency per op from batches of %d\n",
	       w->name, w->n, allocs[bp]->name, LAT_BATCH);
	printf("%-9s %8s %6s %8s %7s %7s %8s %7s %6s %6s %7s %6s %7s %5s\n",
	       "alloc", "ops/us", "xbest", "wall", "p50ns", "p99ns",
	       "p99.9ns", "frag%", "int%", "ext%", "ins/al", "ins/fr", "lock",
	       "fail");
	for (i = 0; i < nallocs; i++) {
		const struct res *r = &results[sc][i];

		if (i == npeers)
			printf("%-9s\n", "--");
		fmt(ia, sizeof(ia), r->have_ins, "%.0f", r->ins_alloc);
		fmt(ifr, sizeof(ifr), r->have_ins, "%.0f", r->ins_free);
		fmt(fr, sizeof(fr), r->have_frag, "%.1f", r->frag);
		fmt(fi, sizeof(fi), r->have_frag, "%.1f", r->fint);
		fmt(fe, sizeof(fe), r->have_frag, "%.1f", r->fext);
		if (r->have_ins && !is_peer(allocs[i]))
			snprintf(lk, sizeof(lk), "%.0f/%.0f", r->lock_alloc,
				 r->lock_free);
		else
			snprintf(lk, sizeof(lk), "-");
		printf("%-9s %8.2f %6.2f %8.2f %7.1f %7.1f %8.1f %7s %6s %6s %7s %6s %7s %5llu\n",
		       allocs[i]->name, r->ops_us, vs_best(sc, i),
		       r->ops_us_wall, r->p50, r->p99, r->p999, fr, fi, fe,
		       ia, ifr, lk, (unsigned long long)r->fails);
		if (csv)
			fprintf(csv, "%s,1,%s,%s,%.3f,%.3f,%.4f,%.1f,%.1f,%.1f,%s,%s,%s,%s,%s,%llu\n",
				w->name, allocs[i]->name,
				is_peer(allocs[i]) ? "peer" : "policy",
				r->ops_us, r->ops_us_wall, vs_best(sc, i),
				r->p50, r->p99, r->p999, fr, fi, fe, ia, ifr,
				(unsigned long long)r->fails);
	}
	printf("ins/al, ins/fr: instructions per alloc/free (callgrind; peers through a 2-4 instruction adapter), lock: of which the ka_lock+ka_unlock spinlock\n");
}

/* ---- goals ---------------------------------------------------------------- */

/*
 * Round one's figures with this generator (commit 2a4d7d8, before this
 * round's changes): fragmentation is deterministic for a given workload,
 * so "unchanged or better" is checked against these; buddy's throughput
 * "not below today's" as its ratio to glibc in the same run, against
 * round one's ratio measured the same way (1.53, 1.67 and 2.22 in three
 * runs; the lowest is the reference). Fragmentation figures are kabench
 * -F's three decimals, rounded up. See docs/benchmarks.md.
 */
static const double r1_ff_frag[4] = { 10.215, 14.437, 1.966, 1.472 };
static const double r1_bf_frag[4] = { 5.287, 15.572, 1.966, 0.784 };
static const double r1_buddy_vs_glibc = 1.53;

/* The four scenarios; pages has no goal (it came later). */
#define GOAL_SCENARIOS	4

struct goal_sum {
	int n, ok;
};

static void goal(struct goal_sum *g, const char *who, const char *what,
		 double v, bool ge, double target)
{
	bool ok = ge ? v >= target : v <= target;
	double margin = !target ? 0 :
			ge ? (v - target) / target : (target - v) / target;

	g->n++;
	g->ok += ok;
	printf("  %-12s %-40s %9.3f %s %-7.5g %s (%+.0f%%)\n", who, what, v,
	       ge ? ">=" : "<=", target, ok ? "PASS" : "MISS", 100 * margin);
	if (csv)
		fprintf(csv, "goal,,%s,%s,%.4f,%s,%.4f,%s\n", who, what, v,
			ge ? ">=" : "<=", target, ok ? "PASS" : "MISS");
}

static void goal_sc(struct goal_sum *g, const char *who, int sc,
		    const char *what, double v, bool ge, double target)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s: %s", ka_wl_names[sc], what);
	goal(g, who, buf, v, ge, target);
}

static void goals_slab(struct goal_sum *g, int s)
{
	int sc;

	for (sc = 0; sc < GOAL_SCENARIOS; sc++)
		goal_sc(g, "slab", sc, "ops/us / best peer", vs_best(sc, s),
			true, 1.10);
	for (sc = 0; sc < GOAL_SCENARIOS; sc++)
		goal_sc(g, "slab", sc, "fragmentation %",
			results[sc][s].frag, false, 15);
	goal_sc(g, "slab", KA_WL_KERNEL, "internal fragmentation %",
		results[KA_WL_KERNEL][s].fint, false, 10);
	if (results[KA_WL_UNIFORM][s].have_ins) {
		goal_sc(g, "slab", KA_WL_UNIFORM, "instructions per alloc",
			results[KA_WL_UNIFORM][s].ins_alloc, false, 60);
		goal_sc(g, "slab", KA_WL_UNIFORM, "instructions per free",
			results[KA_WL_UNIFORM][s].ins_free, false, 60);
	}
}

static double vs_glibc(int sc, int i)
{
	return results[sc][i].ops_us / results[sc][0].ops_us;
}

static void goals_fit(struct goal_sum *g, const char *name, int i,
		      const double *r1_frag)
{
	int sc;

	for (sc = 0; sc < GOAL_SCENARIOS; sc++)
		goal_sc(g, name, sc, "ops/us / glibc", vs_glibc(sc, i), true,
			1.0);
	for (sc = 0; sc < GOAL_SCENARIOS && r1_frag; sc++)
		goal_sc(g, name, sc, "fragmentation % (round one)",
			results[sc][i].frag, false, r1_frag[sc]);
}

static void goals_tlsf(struct goal_sum *g, int i)
{
	const struct res *r = &results[KA_WL_UNIFORM][i];

	goals_fit(g, "tlsf", i, NULL);
	if (!r->have_ins)
		return;
	goal_sc(g, "tlsf", KA_WL_UNIFORM, "instructions per alloc",
		r->ins_alloc, false, 168);
	goal_sc(g, "tlsf", KA_WL_UNIFORM, "instructions per free",
		r->ins_free, false, 110);
}

static void goals_buddy(struct goal_sum *g, int i)
{
	goal_sc(g, "buddy", KA_WL_UNIFORM, "fragmentation %",
		results[KA_WL_UNIFORM][i].frag, false, 20);
	goal_sc(g, "buddy", KA_WL_UNIFORM, "ops/us / glibc (round one 1.53)",
		vs_glibc(KA_WL_UNIFORM, i), true, r1_buddy_vs_glibc);
}

static void goals_threads(struct goal_sum *g, int row)
{
	if (!mt_cpu[1][row])
		return;
	goal(g, "slab-shared", "uniform: CPU per op, 2T / 1T",
	     mt_cpu[0][row] / mt_cpu[1][row], false, 1.15);
}

/* Every goal of the issue, as ratios within this run. */
static void check_goals(bool threads)
{
	struct goal_sum g = { 0 };
	int i;

	printf("\n== goals (issue 12), ratios within this run; margin: positive = headroom\n");
	for (i = npeers; i < nallocs; i++) {
		const char *n = allocs[i]->name;

		/* A failed alloc is a cheap op: it would flatter throughput. */
		goal(&g, n, "failed allocs, all scenarios",
		     (double)(results[0][i].fails + results[1][i].fails +
			      results[2][i].fails + results[3][i].fails +
			      results[4][i].fails), false, 0);
		if (!strcmp(n, "slab"))
			goals_slab(&g, i);
		else if (!strcmp(n, "tlsf"))
			goals_tlsf(&g, i);
		else if (!strcmp(n, "first-fit"))
			goals_fit(&g, n, i, r1_ff_frag);
		else if (!strcmp(n, "best-fit"))
			goals_fit(&g, n, i, r1_bf_frag);
		else if (!strcmp(n, "buddy"))
			goals_buddy(&g, i);
	}
	if (threads)
		goals_threads(&g, nallocs);
	printf("goals: %d of %d met\n", g.ok, g.n);
}

/* ---- threads -------------------------------------------------------------- */

struct thr {
	struct inst *in;
	const struct ka_wl *w;
	pthread_barrier_t *bar;
	u64 fails;
	u64 t0, t1;
	u64 cpu;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	void **slot = calloc(t->w->nslots, sizeof(*slot));

	if (!slot)
		abort();
	/* Warm up like the single-thread passes: caches, metadata, pages. */
	run_ops(t->in, t->w, slot);
	pthread_barrier_wait(t->bar);
	t->t0 = now_ns();
	t->cpu = cpu_ns();
	t->fails = run_ops(t->in, t->w, slot);
	t->cpu = cpu_ns() - t->cpu;
	t->t1 = now_ns();
	free(slot);
	return NULL;
}

/*
 * Aggregate ops/us of n threads, each running w on its own or a shared
 * instance, over wall-clock time; *per_cpu gets ops per us of CPU time
 * summed over the threads (what contention costs, preemption aside).
 */
static double bench_mt(const struct ka_policy_ops *ops, const struct ka_wl *w,
		       int n, bool shared, u64 *fails, double *per_cpu)
{
	u64 cpu = 0;
	struct inst in[MT_MAX];
	struct thr t[MT_MAX];
	pthread_t tid[MT_MAX];
	pthread_barrier_t bar;
	int i, ninst = shared ? 1 : n;
	u64 t0, t1;

	*fails = 0;
	for (i = 0; i < ninst; i++)
		if (inst_open(&in[i], ops,
			      shared ? MT_REGION * MT_MAX : MT_REGION))
			return 0;
	pthread_barrier_init(&bar, NULL, n + 1);
	for (i = 0; i < n; i++) {
		t[i].in = &in[shared ? 0 : i];
		t[i].w = w;
		t[i].bar = &bar;
		pthread_create(&tid[i], NULL, thr_main, &t[i]);
	}
	pthread_barrier_wait(&bar);
	/* Wall time from the first thread's start to the last one's end. */
	t0 = UINT64_MAX;
	t1 = 0;
	for (i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		*fails += t[i].fails;
		cpu += t[i].cpu;
		t0 = t[i].t0 < t0 ? t[i].t0 : t0;
		t1 = t[i].t1 > t1 ? t[i].t1 : t1;
	}
	pthread_barrier_destroy(&bar);
	for (i = 0; i < ninst; i++)
		inst_close(&in[i]);
	*per_cpu = (double)w->n * n * 1000.0 / (double)cpu;
	return (double)w->n * n * 1000.0 / (double)(t1 - t0);
}

/*
 * Row i < nallocs: allocs[i], peers shared by all threads (they have
 * their own thread caches), policies one instance per thread; row
 * nallocs: slab, one instance shared by all threads.
 */
static void run_threads(const struct ka_wl *w, const char *datpath)
{
	static const int nthr[NTHR] = { 1, 2, 4, 8 };
	FILE *dat = datpath ? fopen(datpath, "w") : NULL;
	int i, k, slab = alloc_index("slab");
	u64 fails = 0;

	printf("\n== %s, threads, median of %d (%u ops per thread; own instance per thread, peers and slab-shared one for all)\n",
	       w->name, MT_RUNS, w->n);
	printf("%-12s %-35s   | %s\n", "", "aggregate ops/us (wall clock)",
	       "ops per us of CPU time, all threads");
	printf("%-12s", "alloc");
	for (k = 0; k < NTHR; k++)
		printf(" %7dT", nthr[k]);
	printf("   |");
	for (k = 0; k < NTHR; k++)
		printf(" %7dT", nthr[k]);
	printf("\n");
	for (i = 0; i <= nallocs; i++) {
		const struct ka_policy_ops *ops = allocs[i < nallocs ? i : slab];
		bool shared = i == nallocs || is_peer(ops);
		char name[32];

		if (i == nallocs && slab < 0)
			break;
		snprintf(name, sizeof(name), "%s%s", ops->name,
			 i == nallocs ? "-shared" : "");
		printf("%-12s", name);
		for (k = 0; k < NTHR; k++) {
			double runs[MT_RUNS], cpus[MT_RUNS];
			int j;

			for (j = 0; j < MT_RUNS; j++)
				runs[j] = bench_mt(ops, w, nthr[k], shared,
						   &fails, &cpus[j]);
			qsort(runs, MT_RUNS, sizeof(runs[0]), cmp_double);
			qsort(cpus, MT_RUNS, sizeof(cpus[0]), cmp_double);
			mt_wall[k][i] = runs[MT_RUNS / 2];
			mt_cpu[k][i] = cpus[MT_RUNS / 2];
			printf(" %8.2f", mt_wall[k][i]);
			if (csv)
				fprintf(csv, "%s-mt,%d,%s,%s,%.3f,%.3f,,,,,,,,,,%llu\n",
					w->name, nthr[k], name,
					shared ? "shared" : "own",
					mt_cpu[k][i], mt_wall[k][i],
					(unsigned long long)fails);
		}
		printf("   |");
		for (k = 0; k < NTHR; k++)
			printf(" %8.2f", mt_cpu[k][i]);
		printf("\n");
		fflush(stdout);
	}
	if (!dat)
		return;
	fprintf(dat, "threads");
	for (i = 0; i < nallocs; i++)
		fprintf(dat, " %s", allocs[i]->name);
	fprintf(dat, " slab-shared\n");
	for (k = 0; k < NTHR; k++) {
		fprintf(dat, "%d", nthr[k]);
		for (i = 0; i <= nallocs; i++)
			fprintf(dat, " %.3f", mt_wall[k][i]);
		fprintf(dat, "\n");
	}
	fclose(dat);
}

/*
 * Plot data, one file per measure (ops/us, p99 ns, fragmentation %): a
 * row per scenario, a column per allocator, peers first; NaN where not
 * measured (gnuplot leaves a gap).
 */
static void write_dat(const char *base, const char *suffix, int what)
{
	char path[512];
	FILE *f;
	int i, sc;

	snprintf(path, sizeof(path), "%s%s", base, suffix);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "scenario");
	for (i = 0; i < nallocs; i++)
		fprintf(f, " %s", allocs[i]->name);
	fprintf(f, "\n");
	for (sc = 0; sc < KA_WL_NR; sc++) {
		fprintf(f, "%s", ka_wl_names[sc]);
		for (i = 0; i < nallocs; i++) {
			const struct res *r = &results[sc][i];

			if (what == 0)
				fprintf(f, " %.3f", r->ops_us);
			else if (what == 1)
				fprintf(f, " %.1f", r->p99);
			else if (r->have_frag)
				fprintf(f, " %.1f", r->frag > 0.1 ? r->frag : 0.1);
			else
				fprintf(f, " NaN");
		}
		fprintf(f, "\n");
	}
	fclose(f);
}

static char *with_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path);
	char *s = malloc(n + strlen(suffix) + 1);

	if (!s)
		abort();
	memcpy(s, path, n);
	if (n > 4 && !strcmp(path + n - 4, ".csv"))
		n -= 4;
	strcpy(s + n, suffix);
	return s;
}

/* Other processes on the machine skew every figure: say how busy it was. */
static void print_load(const char *when)
{
	double l[3];

	if (getloadavg(l, 3) == 3)
		printf("load average %s: %.2f %.2f %.2f (%ld CPUs online)\n",
		       when, l[0], l[1], l[2], sysconf(_SC_NPROCESSORS_ONLN));
}

static void usage(void)
{
	fprintf(stderr, "usage: kabench [-c out.csv] [-i icount.csv] [-n ops] [-T] [-Q] [-p policy,...] [-S scenario,...]\n"
		"       kabench -F allocator -s scenario [-n ops]   (one fresh frag pass)\n");
	exit(2);
}

/* The peers, then the policies (only those named in only, "a,b", if set). */
static void load_allocs(const char *only)
{
	size_t i, len;
	const char *p;

	npeers = bench_peers_load(allocs);
	nallocs = npeers;
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		len = strlen(policies[i]->name);
		p = only ? strstr(only, policies[i]->name) : NULL;
		if (!only || (p && (p == only || p[-1] == ',') &&
			      (!p[len] || p[len] == ',')))
			allocs[nallocs++] = policies[i];
	}
}

int main(int argc, char **argv)
{
	const char *csv_path = NULL, *frag_only = NULL, *frag_sc = "uniform";
	const char *only = NULL, *scn = NULL;
	bool threads = true;
	struct ka_wl w;
	int sc, c, i;

	while ((c = getopt(argc, argv, "c:i:n:TQF:s:S:p:")) != -1) {
		switch (c) {
		case 'c':
			csv_path = optarg;
			break;
		case 'i':
			icount_path = optarg;
			break;
		case 'n':
			nops = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			threads = false;
			break;
		case 'F':
			frag_only = optarg;
			break;
		case 's':
			frag_sc = optarg;
			break;
		case 'p':
			only = optarg;
			break;
		case 'Q':
			tput_only = true;
			break;
		case 'S':
			scn = optarg;
			break;
		default:
			usage();
		}
	}
	bench_peers_tls(argv);
	ka_warn_quiet = true;
	bench_glibc_tune();
	load_allocs(frag_only ? NULL : only);
	if (frag_only)
		return frag_child_main(frag_only, frag_sc);
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv) {
			fprintf(stderr, "Error: cannot write %s\n", csv_path);
			return 1;
		}
		fprintf(csv, "scenario,threads,alloc,kind,ops_per_us_cpu,ops_per_us_wall,vs_best_peer,p50_ns,p99_ns,p999_ns,frag_pct,int_pct,ext_pct,instr_alloc,instr_free,failed_allocs\n");
	}
	print_load("at start");
	calibrate();
	printf("kabench: %d policies beside %d peers:", nallocs - npeers, npeers);
	for (i = 0; i < npeers; i++)
		printf(" %s", allocs[i]->name);
	printf("; TSC %.3f GHz, timer pair overhead %llu cycles (%.1f ns) subtracted per batch\n",
	       tsc_per_ns, (unsigned long long)tsc_overhead,
	       tsc_overhead / tsc_per_ns);
	for (sc = 0; sc < KA_WL_NR; sc++) {
		if (scn && !strstr(scn, ka_wl_names[sc]))
			continue;
		bench_wl_make(&w, sc, nops);
		if (bench_scenario(&w, sc))
			return 1;
		print_table(sc, &w);
		fflush(stdout);
		bench_wl_free(&w);
	}
	if (csv_path) {
		char *base = with_suffix(csv_path, "");

		write_dat(base, "-tput.dat", 0);
		write_dat(base, "-p99.dat", 1);
		write_dat(base, "-frag.dat", 2);
		free(base);
	}
	if (threads) {
		/* A quarter of the ops per thread: 8 threads on 2 cores. */
		bench_wl_make(&w, KA_WL_UNIFORM, nops / 4);
		run_threads(&w, csv_path ? with_suffix(csv_path, "-mt.dat") : NULL);
		bench_wl_free(&w);
	}
	/* The goals need every scenario, measured in full. */
	if (!scn && !tput_only)
		check_goals(threads);
	print_load("at end");
	if (csv)
		fclose(csv);
	return 0;
}
