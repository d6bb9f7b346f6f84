// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - every allocator policy and glibc malloc, side by side, in one
 * process (method and definitions: docs/benchmarks.md).
 *
 * For each scenario of ka_workload.h and each allocator:
 *   throughput  one untimed warm-up pass, then TPUT_RUNS passes each
 *               timed as a whole with clock_gettime; the median pass's
 *               ops/us is reported, an op being one alloc or one free.
 *               The table uses the thread's CPU time (a shared machine
 *               preempts us: that time is not the allocator's); the CSV
 *               has the wall-clock figure too
 *   latency     a third pass timed in batches of LAT_BATCH operations
 *               with rdtsc; the calibrated cost of the rdtsc pair is
 *               subtracted and the rest divided by the batch size, so a
 *               batch gives one per-op figure; p50/p99/p99.9 over batches
 *   frag        a fourth pass on a fresh instance sampling stats() after
 *               every alloc: peak footprint / peak live requested - 1,
 *               split into internal (usable - requested at the peak of
 *               requested bytes) and external (the rest)
 *   instr       read from the callgrind driver's CSV (icount.c), if given
 * Then the uniform scenario with 1, 2, 4, 8 threads: one instance and
 * region per thread, slab also one instance shared by all threads, glibc
 * shared. Goals of the issue and the old reference are checked in the
 * tables. Output: stdout, CSV (-c) and gnuplot data files beside it.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "bench_wl.h"
#include "glibc.h"

#define KA_REG(sym, id, name) &ka_##sym##_ops,
static const struct ka_policy_ops *const bench_pols[] = {
	&bench_glibc_ops,
#include "ka_registry.h"
};

#define NPOLS		(sizeof(bench_pols) / sizeof(bench_pols[0]))
#define LAT_BATCH	32
#define REGION		(128u << 20)
#define MT_REGION	(32u << 20)
#define MT_MAX		8
/* Timed passes per measurement; the median is reported. */
#define TPUT_RUNS	5
#define MT_RUNS		3

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
};

struct ref {
	const char *name;
	double ops_us, frag, p99;
};

/* The old reference (the table): ops/us, frag %, p99 ns. */
static const struct ref refs[] = {
	{ "buddy", 2.14, 12, 450 },
	{ "slab", 8.32, 8, 180 },
	{ "first-fit", 1.87, 47, 890 },
	{ "best-fit", 0.56, 6, 2100 },
};

static double tsc_per_ns;
static u64 tsc_overhead;
static size_t nops = 1000000;
static FILE *csv;
static const char *icount_path;
static struct res results[KA_WL_NR][NPOLS];

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

static int inst_open(struct inst *in, const struct ka_policy_ops *ops,
		     size_t len)
{
	size_t psz = (ops->priv_size + 63) & ~(size_t)63;

	memset(in, 0, sizeof(*in));
	in->ops = ops;
	in->len = len;
	if (posix_memalign(&in->region, 2u << 20, len))
		return -ENOMEM;
	/* Fault every page in now, not inside a timed pass. */
	memset(in->region, 0, len);
	in->priv = aligned_alloc(64, psz ? psz : 64);
	if (!in->priv)
		return -ENOMEM;
	memset(in->priv, 0, psz);
	return ops->init(in->priv, in->region, len);
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

/* Untimed: stats() after every alloc (glibc: every 64th, mallinfo2 is slow). */
static void run_frag(const struct inst *in, const struct ka_wl *w, void **slot,
		     struct res *r)
{
	const struct ka_policy_ops *o = in->ops;
	u64 *usable = calloc(w->nslots, sizeof(*usable));
	u64 req = 0, use = 0, peak_req = 0, use_at_peak = 0, peak_fp = 0;
	bool glibc = o == &bench_glibc_ops;
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
		if (glibc && i % 64)
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

static int bench_one(const struct ka_policy_ops *ops, const struct ka_wl *w,
		     int sc, struct res *r)
{
	void **slot = calloc(w->nslots, sizeof(*slot));
	double runs[TPUT_RUNS], walls[TPUT_RUNS];
	struct inst in;
	u64 t0, t1, c0, c1;
	int rc, i;

	memset(r, 0, sizeof(*r));
	if (!slot)
		abort();
	rc = inst_open(&in, ops, REGION);
	if (rc) {
		fprintf(stderr, "%s: init = %d\n", ops->name, rc);
		return rc;
	}
	run_ops(&in, w, slot);
	for (i = 0; i < TPUT_RUNS; i++) {
		t0 = now_ns();
		c0 = cpu_ns();
		r->fails = run_ops(&in, w, slot);
		c1 = cpu_ns();
		t1 = now_ns();
		runs[i] = (double)w->n * 1000.0 / (double)(c1 - c0);
		walls[i] = (double)w->n * 1000.0 / (double)(t1 - t0);
	}
	qsort(runs, TPUT_RUNS, sizeof(runs[0]), cmp_double);
	qsort(walls, TPUT_RUNS, sizeof(walls[0]), cmp_double);
	r->ops_us = runs[TPUT_RUNS / 2];
	r->ops_us_wall = walls[TPUT_RUNS / 2];
	run_latency(&in, w, slot, r);
	inst_close(&in);
	rc = inst_open(&in, ops, REGION);
	if (rc)
		return rc;
	run_frag(&in, w, slot, r);
	inst_close(&in);
	read_icount(ops->name, ka_wl_names[sc], r);
	free(slot);
	return 0;
}

/* ---- goals ---------------------------------------------------------------- */

struct goal_ctx {
	char miss[160];
	int n, ok;
	bool verbose;
	const char *pol;
};

static void goal(struct goal_ctx *g, const char *what, double v, bool ge,
		 double target)
{
	double margin = !target ? (v ? -1 : 0) :
			ge ? (v - target) / target : (target - v) / target;
	bool ok = ge ? v >= target : v <= target;
	size_t len = strlen(g->miss);

	g->n++;
	g->ok += ok;
	if (g->verbose)
		printf("  %-9s %-16s %10.2f %s %-8.4g %s (%+.0f%%)\n", g->pol,
		       what, v, ge ? ">=" : "<=", target, ok ? "PASS" : "MISS",
		       100 * margin);
	if (!ok && len < sizeof(g->miss) - 40)
		snprintf(g->miss + len, sizeof(g->miss) - len, " %s%+.0f%%",
			 what, 100 * margin);
}

static const struct ref *find_ref(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (!strcmp(refs[i].name, name))
			return &refs[i];
	return NULL;
}

/*
 * The goals. Throughput (and slab's latency and glibc race) in
 * every scenario; fragmentation, instruction counts and the old
 * reference on the uniform 1-4 KB scenario, where they were defined.
 */
static void goals(struct goal_ctx *g, const char *name, int sc,
		  const struct res *r, const struct res *glibc)
{
	static const struct { const char *n; double ops; } tput[] = {
		{ "slab", 100 }, { "buddy", 30 }, { "tlsf", 30 },
		{ "best-fit", 15 }, { "first-fit", 15 },
	};
	const struct ref *ref = find_ref(name);
	size_t i;

	g->pol = name;
	/* A failed alloc is a cheap op: throughput means nothing then. */
	if (strcmp(name, "glibc"))
		goal(g, "failed allocs", (double)r->fails, false, 0);
	for (i = 0; i < sizeof(tput) / sizeof(tput[0]); i++)
		if (!strcmp(tput[i].n, name))
			goal(g, "ops/us", r->ops_us, true, tput[i].ops);
	if (!strcmp(name, "slab")) {
		goal(g, "p99 ns", r->p99, false, 100);
		goal(g, "ops/us vs glibc", r->ops_us, true, glibc->ops_us);
	}
	if (sc != KA_WL_UNIFORM)
		return;
	/*
	 * Everything an operation executes, its lock included: ka_lock is a
	 * spinlock like kalloc.ko's, so this is what the kernel runs.
	 */
	if (!strcmp(name, "tlsf") && r->have_ins) {
		goal(g, "instr/alloc", r->ins_alloc, false, 170);
		goal(g, "instr/free", r->ins_free, false, 120);
	}
	if (!strcmp(name, "best-fit") || !strcmp(name, "first-fit") ||
	    !strcmp(name, "tlsf"))
		goal(g, "frag %", r->frag, false, 10);
	if (ref) {
		goal(g, "ref ops/us", r->ops_us, true, ref->ops_us);
		goal(g, "ref frag %", r->frag, false, ref->frag);
		goal(g, "ref p99 ns", r->p99, false, ref->p99);
	}
}

/* ---- output --------------------------------------------------------------- */

static void fmt_ins(char *buf, size_t n, bool have, double v)
{
	if (have)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "-");
}

static void print_table(int sc, const struct ka_wl *w)
{
	const struct res *glibc = &results[sc][0];
	char ia[16], ifr[16], lk[24], refs_s[32];
	struct goal_ctx g;
	size_t p;

	printf("\n== %s: %u ops, 1 thread; ops/us per CPU time (wall: per wall-clock time), latency per op from batches of %d\n",
	       w->name, w->n, LAT_BATCH);
	printf("%-9s %8s %8s %7s %7s %8s %7s %6s %6s %7s %6s %7s %5s | %-18s | %s\n",
	       "policy", "ops/us", "wall", "p50ns", "p99ns", "p99.9ns", "frag%",
	       "int%", "ext%", "ins/al", "ins/fr", "lock", "fail",
	       "old ref ops/p99/fr", "goals");
	for (p = 0; p < NPOLS; p++) {
		const struct res *r = &results[sc][p];
		const struct ref *ref = find_ref(bench_pols[p]->name);

		memset(&g, 0, sizeof(g));
		goals(&g, bench_pols[p]->name, sc, r, glibc);
		fmt_ins(ia, sizeof(ia), r->have_ins, r->ins_alloc);
		fmt_ins(ifr, sizeof(ifr), r->have_ins, r->ins_free);
		if (r->have_ins)
			snprintf(lk, sizeof(lk), "%.0f/%.0f", r->lock_alloc,
				 r->lock_free);
		else
			snprintf(lk, sizeof(lk), "-");
		if (ref)
			snprintf(refs_s, sizeof(refs_s), "%.2f/%.0f/%.0f%%",
				 ref->ops_us, ref->p99, ref->frag);
		else
			snprintf(refs_s, sizeof(refs_s), "-");
		printf("%-9s %8.2f %8.2f %7.1f %7.1f %8.1f %7.1f %6.1f %6.1f %7s %6s %7s %5llu | %-18s | ",
		       bench_pols[p]->name, r->ops_us, r->ops_us_wall, r->p50,
		       r->p99, r->p999,
		       r->frag, r->fint, r->fext, ia, ifr, lk,
		       (unsigned long long)r->fails, refs_s);
		if (!g.n)
			printf("-\n");
		else if (g.ok == g.n)
			printf("PASS %d/%d\n", g.ok, g.n);
		else
			printf("MISS %d/%d:%s\n", g.ok, g.n, g.miss);
		if (csv)
			fprintf(csv, "%s,1,%s,%.3f,%.3f,%.1f,%.1f,%.1f,%.2f,%.2f,%.2f,%s,%s,%llu,%d,%d\n",
				w->name, bench_pols[p]->name, r->ops_us,
				r->ops_us_wall, r->p50,
				r->p99, r->p999, r->frag, r->fint, r->fext, ia,
				ifr, (unsigned long long)r->fails, g.ok, g.n);
	}
	printf("ins/al, ins/fr: instructions per alloc/free (callgrind), lock: of which the ka_lock+ka_unlock spinlock\n");
	printf("goal checks (margin: positive = headroom; TLSF's instructions include its lock):\n");
	for (p = 0; p < NPOLS; p++) {
		memset(&g, 0, sizeof(g));
		g.verbose = true;
		goals(&g, bench_pols[p]->name, sc, &results[sc][p], glibc);
	}
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
		if (inst_open(&in[i], ops, shared ? MT_REGION * MT_MAX : MT_REGION))
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

static void run_threads(const struct ka_wl *w, const char *datpath)
{
	static const int nthr[] = { 1, 2, 4, 8 };
	double v[4][NPOLS + 1], vc[4][NPOLS + 1];
	FILE *dat = datpath ? fopen(datpath, "w") : NULL;
	size_t p, k;
	u64 fails = 0;

	printf("\n== %s, threads, median of %d (%u ops per thread; own instance per thread, glibc and slab-shared one for all)\n",
	       w->name, MT_RUNS, w->n);
	printf("%-12s %-35s   | %s\n", "", "aggregate ops/us (wall clock)",
	       "ops per us of CPU time, all threads");
	printf("%-12s", "policy");
	for (k = 0; k < 4; k++)
		printf(" %7dT", nthr[k]);
	printf("   |");
	for (k = 0; k < 4; k++)
		printf(" %7dT", nthr[k]);
	printf("\n");
	for (p = 0; p <= NPOLS; p++) {
		const struct ka_policy_ops *ops = bench_pols[p < NPOLS ? p : 0];
		bool shared = p == 0;
		char name[32];

		if (p == NPOLS) {
			/* The extra row: slab shared by all threads. */
			for (k = 0; k < NPOLS; k++)
				if (!strcmp(bench_pols[k]->name, "slab"))
					break;
			if (k == NPOLS)
				continue;
			ops = bench_pols[k];
			shared = true;
		}
		snprintf(name, sizeof(name), "%s%s", ops->name,
			 p == NPOLS ? "-shared" : "");
		printf("%-12s", name);
		for (k = 0; k < 4; k++) {
			double runs[MT_RUNS], cpus[MT_RUNS];
			int i;

			for (i = 0; i < MT_RUNS; i++)
				runs[i] = bench_mt(ops, w, nthr[k], shared,
						   &fails, &cpus[i]);
			qsort(runs, MT_RUNS, sizeof(runs[0]), cmp_double);
			qsort(cpus, MT_RUNS, sizeof(cpus[0]), cmp_double);
			v[k][p] = runs[MT_RUNS / 2];
			vc[k][p] = cpus[MT_RUNS / 2];
			printf(" %8.2f", v[k][p]);
			if (csv)
				fprintf(csv, "%s-mt,%d,%s,%.3f,%.3f,,,,,,,,,%llu,0,0\n",
					w->name, nthr[k], name, vc[k][p],
					v[k][p], (unsigned long long)fails);
		}
		printf("   |");
		for (k = 0; k < 4; k++)
			printf(" %8.2f", vc[k][p]);
		printf("\n");
		fflush(stdout);
	}
	if (!dat)
		return;
	fprintf(dat, "threads");
	for (p = 0; p < NPOLS; p++)
		fprintf(dat, " %s", bench_pols[p]->name);
	fprintf(dat, " slab-shared\n");
	for (k = 0; k < 4; k++) {
		fprintf(dat, "%d", nthr[k]);
		for (p = 0; p <= NPOLS; p++)
			fprintf(dat, " %.3f", v[k][p]);
		fprintf(dat, "\n");
	}
	fclose(dat);
}

static void write_dat(const char *path)
{
	FILE *f = fopen(path, "w");
	size_t p;
	int sc;

	if (!f)
		return;
	fprintf(f, "policy");
	for (sc = 0; sc < KA_WL_NR; sc++)
		fprintf(f, " %s", ka_wl_names[sc]);
	for (sc = 0; sc < KA_WL_NR; sc++)
		fprintf(f, " p99_%s", ka_wl_names[sc]);
	for (sc = 0; sc < KA_WL_NR; sc++)
		fprintf(f, " frag_%s", ka_wl_names[sc]);
	fprintf(f, "\n");
	for (p = 0; p < NPOLS; p++) {
		fprintf(f, "%s", bench_pols[p]->name);
		for (sc = 0; sc < KA_WL_NR; sc++)
			fprintf(f, " %.3f", results[sc][p].ops_us);
		for (sc = 0; sc < KA_WL_NR; sc++)
			fprintf(f, " %.1f", results[sc][p].p99);
		for (sc = 0; sc < KA_WL_NR; sc++)
			fprintf(f, " %.1f", results[sc][p].frag);
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
	fprintf(stderr, "usage: kabench [-c out.csv] [-i icount.csv] [-n ops] [-T]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *csv_path = NULL;
	bool threads = true;
	struct ka_wl w;
	size_t p;
	int sc, c;

	while ((c = getopt(argc, argv, "c:i:n:T")) != -1) {
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
		default:
			usage();
		}
	}
	ka_warn_quiet = true;
	bench_glibc_tune();
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv) {
			fprintf(stderr, "Error: cannot write %s\n", csv_path);
			return 1;
		}
		fprintf(csv, "scenario,threads,policy,ops_per_us_cpu,ops_per_us_wall,p50_ns,p99_ns,p999_ns,frag_pct,int_pct,ext_pct,instr_alloc,instr_free,failed_allocs,goals_ok,goals_n\n");
	}
	print_load("at start");
	calibrate();
	printf("kabench: %zu policies + glibc, TSC %.3f GHz, timer pair overhead %llu cycles (%.1f ns) subtracted per batch\n",
	       NPOLS - 1, tsc_per_ns, (unsigned long long)tsc_overhead,
	       tsc_overhead / tsc_per_ns);
	for (sc = 0; sc < KA_WL_NR; sc++) {
		bench_wl_make(&w, sc, nops);
		for (p = 0; p < NPOLS; p++)
			if (bench_one(bench_pols[p], &w, sc, &results[sc][p]))
				return 1;
		print_table(sc, &w);
		fflush(stdout);
		bench_wl_free(&w);
	}
	if (csv_path)
		write_dat(with_suffix(csv_path, "-ops.dat"));
	if (threads) {
		/* A quarter of the ops per thread: 8 threads on 2 cores. */
		bench_wl_make(&w, KA_WL_UNIFORM, nops / 4);
		run_threads(&w, csv_path ? with_suffix(csv_path, "-mt.dat") : NULL);
		bench_wl_free(&w);
	}
	print_load("at end");
	if (csv)
		fclose(csv);
	return 0;
}
