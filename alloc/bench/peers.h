/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * peers.h - the allocators a user would pick instead of ours, behind the
 * policy ops table, in the benchmark's own process: glibc malloc (linked,
 * glibc.h) and, loaded with dlopen() from Debian's packages, jemalloc
 * (libjemalloc2), mimalloc (libmimalloc2.0) and tcmalloc
 * (libtcmalloc-minimal4), each called through its own entry points, not
 * malloc: nothing is preloaded or interposed, so all four live side by
 * side and the benchmark's own allocations stay with glibc.
 *
 *   jemalloc  mallocx / dallocx / sallocx (nm -D: the non-standard API)
 *   mimalloc  mi_malloc / mi_malloc_aligned / mi_free / mi_usable_size
 *   tcmalloc  tc_malloc / tc_memalign / tc_free / tc_malloc_size
 *
 * The adapters add a call and a jump to each operation (a few
 * instructions, counted in their instruction figures).
 *
 * Footprint (for fragmentation), from what each library reports about
 * itself, minus what it held at init():
 *
 *   jemalloc  mallctl "stats.active" after an "epoch" refresh: bytes in
 *             pages holding live (or thread-cached) blocks
 *   mimalloc  mi_heap_visit_blocks() over the default heap, summing each
 *             page's reserved bytes: pages holding blocks
 *   tcmalloc  "generic.heap_size" minus "tcmalloc.pageheap_free_bytes"
 *             and "tcmalloc.pageheap_unmapped_bytes": spans in use,
 *             thread and central caches included
 *
 * jemalloc keeps its thread state in initial-exec TLS, which dlopen()
 * can only place in glibc's surplus static TLS (512 bytes by default,
 * too little): bench_peers_tls() re-executes the program once with
 * GLIBC_TUNABLES=glibc.rtld.optional_static_tls=8192 (icount.sh sets it
 * itself, valgrind not following an exec).
 *
 * These are page counts, where buddy and the fit policies report the
 * highest address handed out; both count every page a hole keeps. A
 * peer that cannot be loaded is left out with a message, never faked.
 */
#ifndef KA_BENCH_PEERS_H
#define KA_BENCH_PEERS_H

#include <dlfcn.h>
#include <unistd.h>
#include "glibc.h"

/* The five leading fields of mimalloc's mi_heap_area_t (stable since 1.x). */
struct mi_area {
	void *blocks;
	size_t reserved;
	size_t committed;
	size_t used;
	size_t block_size;
};

typedef bool (*mi_visit_fn)(const void *heap, const struct mi_area *area,
			    void *block, size_t size, void *arg);

static struct {
	void *(*mallocx)(size_t size, int flags);
	void (*dallocx)(void *p, int flags);
	size_t (*sallocx)(const void *p, int flags);
	int (*mallctl)(const char *name, void *old, size_t *oldlen, void *new,
		       size_t newlen);
	void *(*mi_malloc)(size_t size);
	void *(*mi_malloc_aligned)(size_t size, size_t align);
	void (*mi_free)(void *p);
	size_t (*mi_usable_size)(const void *p);
	void *(*mi_heap_get_default)(void);
	bool (*mi_heap_visit_blocks)(const void *heap, bool all, mi_visit_fn fn,
				     void *arg);
	void *(*tc_malloc)(size_t size);
	void *(*tc_memalign)(size_t align, size_t size);
	void (*tc_free)(void *p);
	size_t (*tc_malloc_size)(void *p);
	int (*tc_prop)(const char *name, size_t *value);
} peer;

struct peer_priv {
	u64 base;	/* footprint at init() */
};

static int peer_nop_check(void *priv)
{
	(void)priv;
	return 0;
}

static void peer_nop_fini(void *priv)
{
	(void)priv;
}

/* ---- jemalloc ------------------------------------------------------------ */

static u64 je_footprint(void)
{
	u64 epoch = 1;
	size_t active = 0, len = sizeof(epoch);

	peer.mallctl("epoch", &epoch, &len, &epoch, sizeof(epoch));
	len = sizeof(active);
	peer.mallctl("stats.active", &active, &len, NULL, 0);
	return active;
}

static void *je_alloc(void *priv, size_t size, size_t align)
{
	(void)priv;
	/* MALLOCX_LG_ALIGN(lg) is lg itself. */
	return peer.mallocx(size, align <= 16 ? 0 : __builtin_ctzl(align));
}

static int je_free(void *priv, void *ptr)
{
	(void)priv;
	peer.dallocx(ptr, 0);
	return 0;
}

static size_t je_usable(void *priv, const void *ptr)
{
	(void)priv;
	return peer.sallocx(ptr, 0);
}

/* ---- mimalloc ------------------------------------------------------------ */

static bool mi_sum_area(const void *heap, const struct mi_area *area,
			void *block, size_t size, void *arg)
{
	(void)heap;
	(void)block;
	(void)size;
	*(u64 *)arg += area->reserved;
	return true;
}

static u64 mi_footprint(void)
{
	u64 sum = 0;

	peer.mi_heap_visit_blocks(peer.mi_heap_get_default(), false,
				  mi_sum_area, &sum);
	return sum;
}

static void *mi_alloc(void *priv, size_t size, size_t align)
{
	(void)priv;
	if (align <= 16)
		return peer.mi_malloc(size);
	return peer.mi_malloc_aligned(size, align);
}

static int mi_free_op(void *priv, void *ptr)
{
	(void)priv;
	peer.mi_free(ptr);
	return 0;
}

static size_t mi_usable(void *priv, const void *ptr)
{
	(void)priv;
	return peer.mi_usable_size(ptr);
}

/* ---- tcmalloc ------------------------------------------------------------ */

static size_t tc_prop(const char *name)
{
	size_t v = 0;

	peer.tc_prop(name, &v);
	return v;
}

static u64 tc_footprint(void)
{
	return tc_prop("generic.heap_size") -
	       tc_prop("tcmalloc.pageheap_free_bytes") -
	       tc_prop("tcmalloc.pageheap_unmapped_bytes");
}

static void *tc_alloc(void *priv, size_t size, size_t align)
{
	(void)priv;
	if (align <= 16)
		return peer.tc_malloc(size);
	return peer.tc_memalign(align, size);
}

static int tc_free_op(void *priv, void *ptr)
{
	(void)priv;
	peer.tc_free(ptr);
	return 0;
}

static size_t tc_usable(void *priv, const void *ptr)
{
	(void)priv;
	return peer.tc_malloc_size((void *)ptr);
}

/* ---- the ops tables ------------------------------------------------------ */

#define PEER_OPS(sym, label, alloc_fn, free_fn, usable_fn, fp)		\
static int sym##_init(void *priv, void *base, size_t len)		\
{									\
	(void)base;							\
	(void)len;							\
	((struct peer_priv *)priv)->base = fp();			\
	return 0;							\
}									\
static void sym##_stats(void *priv, struct ka_stats *st)		\
{									\
	u64 f = fp(), b = ((struct peer_priv *)priv)->base;		\
									\
	memset(st, 0, sizeof(*st));					\
	st->footprint_bytes = f > b ? f - b : 0;			\
}									\
static const struct ka_policy_ops sym##_ops = {				\
	.name = label,							\
	.priv_size = sizeof(struct peer_priv),				\
	.init = sym##_init,						\
	.fini = peer_nop_fini,						\
	.alloc = alloc_fn,						\
	.free = free_fn,						\
	.usable_size = usable_fn,					\
	.stats = sym##_stats,						\
	.check = peer_nop_check,					\
}

PEER_OPS(peer_je, "jemalloc", je_alloc, je_free, je_usable, je_footprint);
PEER_OPS(peer_mi, "mimalloc", mi_alloc, mi_free_op, mi_usable, mi_footprint);
PEER_OPS(peer_tc, "tcmalloc", tc_alloc, tc_free_op, tc_usable, tc_footprint);

#define PEER_TLS_TUNABLE	"glibc.rtld.optional_static_tls=8192"

/* Re-executes argv with room for jemalloc's static TLS, unless set. */
static inline void bench_peers_tls(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");
	char buf[512];

	if (t && strstr(t, "optional_static_tls"))
		return;
	snprintf(buf, sizeof(buf), "%s%s%s", t ? t : "", t ? ":" : "",
		 PEER_TLS_TUNABLE);
	setenv("GLIBC_TUNABLES", buf, 1);
	execv("/proc/self/exe", argv);
	/* Still here: go on, jemalloc will be reported missing. */
}

/* dlsym() every name of a library into the slots given, or fail. */
static bool peer_sym(void *h, const char *lib, const char *name, void *slot)
{
	void *f = dlsym(h, name);

	if (!f) {
		fprintf(stderr, "peers: %s has no %s\n", lib, name);
		return false;
	}
	memcpy(slot, &f, sizeof(f));
	return true;
}

static void *peer_open(const char *lib)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		fprintf(stderr, "peers: %s not loaded (%s): run 'make deps'\n",
			lib, dlerror());
	return h;
}

/*
 * glibc and every peer that loads, in a fixed order; returns how many
 * were written to out (at most 4).
 */
static int bench_peers_load(const struct ka_policy_ops **out)
{
	const char *je = "libjemalloc.so.2", *mi = "libmimalloc.so.2",
		   *tc = "libtcmalloc_minimal.so.4";
	void *h;
	int n = 0;

	out[n++] = &bench_glibc_ops;
	h = peer_open(je);
	if (h && peer_sym(h, je, "mallocx", &peer.mallocx) &&
	    peer_sym(h, je, "dallocx", &peer.dallocx) &&
	    peer_sym(h, je, "sallocx", &peer.sallocx) &&
	    peer_sym(h, je, "mallctl", &peer.mallctl))
		out[n++] = &peer_je_ops;
	h = peer_open(mi);
	if (h && peer_sym(h, mi, "mi_malloc", &peer.mi_malloc) &&
	    peer_sym(h, mi, "mi_malloc_aligned", &peer.mi_malloc_aligned) &&
	    peer_sym(h, mi, "mi_free", &peer.mi_free) &&
	    peer_sym(h, mi, "mi_usable_size", &peer.mi_usable_size) &&
	    peer_sym(h, mi, "mi_heap_get_default", &peer.mi_heap_get_default) &&
	    peer_sym(h, mi, "mi_heap_visit_blocks", &peer.mi_heap_visit_blocks))
		out[n++] = &peer_mi_ops;
	h = peer_open(tc);
	if (h && peer_sym(h, tc, "tc_malloc", &peer.tc_malloc) &&
	    peer_sym(h, tc, "tc_memalign", &peer.tc_memalign) &&
	    peer_sym(h, tc, "tc_free", &peer.tc_free) &&
	    peer_sym(h, tc, "tc_malloc_size", &peer.tc_malloc_size) &&
	    peer_sym(h, tc, "MallocExtension_GetNumericProperty",
		     &peer.tc_prop))
		out[n++] = &peer_tc_ops;
	return n;
}

#endif /* KA_BENCH_PEERS_H */
