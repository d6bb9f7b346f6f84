// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * icount.c - the driver run under callgrind to count instructions per
 * alloc and per free (bench/icount.sh runs it).
 *
 *   kaicount -l                   list the allocators (peers, policies, noop)
 *   kaicount POLICY SCENARIO OPS  replay OPS operations of the scenario
 *
 * Every alloc goes through ic_alloc() and every free through ic_free();
 * they are never inlined and never tail-call (the Makefile builds this
 * file with -fno-inline -fno-optimize-sibling-calls), so callgrind's
 * --toggle-collect=ic_alloc / ic_free collects exactly one policy call
 * plus the wrapper's own few instructions. The "noop" allocator measures
 * those wrapper instructions so icount.sh can subtract them. The driver
 * prints how many calls it made; inclusive cost / calls = instructions
 * per operation.
 */
#include "bench_wl.h"
#include "peers.h"

#define KA_REG(sym, id, name) &ka_##sym##_ops,

static u64 noop_block[2];

static int noop_init(void *priv, void *base, size_t len)
{
	(void)priv;
	(void)base;
	(void)len;
	return 0;
}

static void noop_fini(void *priv)
{
	(void)priv;
}

static void *noop_alloc(void *priv, size_t size, size_t align)
{
	(void)priv;
	(void)size;
	(void)align;
	return noop_block;
}

static int noop_free(void *priv, void *ptr)
{
	(void)priv;
	(void)ptr;
	return 0;
}

static size_t noop_usable(void *priv, const void *ptr)
{
	(void)priv;
	(void)ptr;
	return 8;
}

static void noop_stats(void *priv, struct ka_stats *st)
{
	(void)priv;
	memset(st, 0, sizeof(*st));
}

static int noop_check(void *priv)
{
	(void)priv;
	return 0;
}

static const struct ka_policy_ops noop_ops = {
	"noop", 0, noop_init, noop_fini, noop_alloc, noop_free, noop_usable,
	noop_stats, noop_check,
};

static const struct ka_policy_ops *const ic_policies[] = {
#include "ka_registry.h"
	&noop_ops,
};

/* The peers that load (peers.h), the policies, noop. */
static const struct ka_policy_ops *ic_pols[24];
static size_t ic_npols;

static void ic_load(void)
{
	size_t i;

	ic_npols = bench_peers_load(ic_pols);
	for (i = 0; i < sizeof(ic_policies) / sizeof(ic_policies[0]); i++)
		ic_pols[ic_npols++] = ic_policies[i];
}

void *ic_alloc(const struct ka_policy_ops *o, void *priv, size_t size);
int ic_free(const struct ka_policy_ops *o, void *priv, void *ptr);

void *ic_alloc(const struct ka_policy_ops *o, void *priv, size_t size)
{
	return o->alloc(priv, size, 0);
}

int ic_free(const struct ka_policy_ops *o, void *priv, void *ptr)
{
	return o->free(priv, ptr);
}

static int replay(const struct ka_policy_ops *o, int sc, size_t nops)
{
	size_t len = 128u << 20, psz = (o->priv_size + 63) & ~(size_t)63, i;
	u64 allocs = 0, frees = 0;
	void *region = NULL, *priv, **slot;
	struct ka_wl w;
	int rc;

	bench_wl_make(&w, sc, nops);
	slot = calloc(w.nslots, sizeof(*slot));
	priv = aligned_alloc(64, psz ? psz : 64);
	if (!slot || !priv || posix_memalign(&region, 2u << 20, len))
		return 1;
	memset(priv, 0, psz);
	rc = o->init(priv, region, len);
	if (rc) {
		fprintf(stderr, "Error: %s: init = %d\n", o->name, rc);
		return 1;
	}
	for (i = 0; i < w.n; i++) {
		const struct ka_wl_op *op = &w.op[i];

		if (op->size) {
			slot[op->slot] = ic_alloc(o, priv, op->size);
			allocs++;
		} else if (slot[op->slot]) {
			ic_free(o, priv, slot[op->slot]);
			frees++;
		}
	}
	printf("calls alloc=%llu free=%llu\n", (unsigned long long)allocs,
	       (unsigned long long)frees);
	o->fini(priv);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;
	int sc;

	bench_glibc_tune();
	ka_warn_quiet = true;
	ic_load();
	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (i = 0; i < ic_npols; i++)
			printf("%s\n", ic_pols[i]->name);
		for (sc = 0; sc < KA_WL_NR; sc++)
			printf("scenario %s\n", ka_wl_names[sc]);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: kaicount -l | POLICY SCENARIO OPS\n");
		return 2;
	}
	for (sc = 0; sc < KA_WL_NR; sc++)
		if (!strcmp(argv[2], ka_wl_names[sc]))
			break;
	for (i = 0; i < ic_npols; i++)
		if (!strcmp(argv[1], ic_pols[i]->name))
			break;
	if (i == ic_npols || sc == KA_WL_NR) {
		fprintf(stderr, "Error: unknown policy or scenario\n");
		return 2;
	}
	return replay(ic_pols[i], sc, strtoul(argv[3], NULL, 0));
}
