// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kfault: fails the Nth allocation inside every kalloc command, for every N
 * until the command runs untouched (issue 10 §3).
 *
 *   kfault --ko PATH [--json FILE] [--only NAME[,NAME...]] [--max-n N]
 *          [--list]
 *
 * Method. Generic netlink runs a request's handler in the sender's task,
 * inside sendmsg() (a dump's later passes inside recvmsg()), so a thread
 * that writes N to /proc/thread-self/fail-nth just before it sends makes
 * the Nth fault point of that request fail: a slab allocation (failslab)
 * or a page allocation of order 1 or more (fail_page_alloc), both told not
 * to skip sleeping allocations (ignore-gfp-wait N), quietly (verbose 0).
 * The thread then receives with a blocking recv() and nothing else, reads
 * fail-nth back (0: the fault was injected; N left: the request passed
 * fewer than N fault points) and disarms it. N walks from 1 until a
 * request succeeds with the fault not injected: every fault point of the
 * command has failed once.
 *
 * Left out on purpose, and said so in the report: order-0 pages and
 * highmem pages (fail_page_alloc's defaults min-order 1 and
 * ignore-gfp-highmem): the page allocator does not fail order-0 GFP_KERNEL
 * allocations in practice, and vmalloc's data pages, page tables and
 * KASAN's shadow are thousands of them per megabyte, which would make the
 * walk of a benchmark run take hours under TCG. vmalloc still fails, and
 * its callers' error paths still run, through its slab allocations.
 *
 * Every command is an exemplar: a setup that brings the module to a known
 * state S0, the request, what success must leave (S1) and an undo back to
 * S0. For each N:
 *   - the answer is clean: ACK, a reply, or an error that is ENOMEM (or
 *     ENOBUFS from the netlink core); an error the handler produced (KCOV
 *     shows kalloc.ko ran) carries an extended ACK message; a lost ACK
 *     (ENOBUFS on the socket) is allowed, a missing answer is not;
 *   - an error leaves the state exactly S0 (kstate: buffers, contents,
 *     policies, budget, virtual devices; arenas, which a policy keeps once
 *     taken, aside);
 *     a success leaves S1, checked by the exemplar;
 *   - nothing is printed that the VM's dmesg check would call a splat (the
 *     scenario checks dmesg; the harness panics on a WARN).
 * Module load with names= is walked the same way through finit_module(2),
 * and so is module unload, which must never fail. The module loader's own
 * fault points come before kalloc's init; they are the kernel's (and some
 * report their failure with a stack dump, e.g. module_alloc()), so the walk
 * starts after them: a load with the same parameters but one that
 * kalloc_init() refuses before it allocates anything counts them.
 *
 * The number of error paths exercised is reported as the distinct outcomes
 * (the errno and the set of kalloc.ko basic blocks KCOV saw) among the
 * runs where a fault was injected, and the blocks reached only under
 * injection.
 *
 * Exit status: 0 no finding, 1 findings, 2 setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kcov.h"
#include "kmodel.h"

#define MAX_SIGS	4096

static struct {
	const char *ko;
	const char *json;
	const char *only;
	int max_n;
	bool list;
} opt = {
	.max_n = 2000,
};

static struct kc c;		/* requests under test: blocking, recv() only */
static struct kc q;		/* setup, snapshots, undo */
static struct kcov kc;
static bool kcov_on;
static int nth_fd = -1;
static uint8_t *clean_map, *fault_map;	/* blocks seen without / with a fault */
static int nfindings;
static FILE *jf;
static bool jf_first_ex = true;

/* ---- findings --------------------------------------------------------------- */

struct ex_result {
	const char *name;
	int points;		/* fault points walked (the last N that hit) */
	int skipped;		/* fault points before kalloc's code (module load) */
	int injected, errors, successes, acks_lost, sends_failed;
	int nsigs;
	uint64_t sigs[MAX_SIGS];
	int findings;
	bool capped;
	double seconds;
	char first_finding[300];
};

static struct ex_result *cur;

static void finding(const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("FINDING %s: %s\n", cur ? cur->name : "setup", msg);
	nfindings++;
	if (cur) {
		if (!cur->findings)
			snprintf(cur->first_finding, sizeof(cur->first_finding), "%s", msg);
		cur->findings++;
	}
	fflush(stdout);
}

static void add_sig(uint64_t sig)
{
	int i;

	for (i = 0; i < cur->nsigs; i++)
		if (cur->sigs[i] == sig)
			return;
	if (cur->nsigs < MAX_SIGS)
		cur->sigs[cur->nsigs++] = sig;
}

/* ---- fault injection knobs ---------------------------------------------------- */

static int write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int setup_knobs(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/failslab/task-filter", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/task-filter", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "Y" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "1" },
	};
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		err = write_file(knobs[i][0], knobs[i][1]);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", knobs[i][0], strerror(-err));
			return err;
		}
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		fprintf(stderr, "kfault: /proc/thread-self/fail-nth: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

static void arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		fprintf(stderr, "kfault: fail-nth: %s\n", strerror(errno));
}

/* Reads what is left and disarms: 0 means the fault was injected. */
static int disarm(void)
{
	char buf[16] = "";
	int left = -1;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) > 0)
		left = atoi(buf);
	pwrite(nth_fd, "0", 1, 0);
	return left;
}

/* ---- one request under fail-nth ------------------------------------------------ */

struct outcome {
	int n;			/* the fault armed (0: none) */
	bool injected;
	bool send_failed, ack_lost, timed_out;
	bool reply_lost;	/* an ACK lost: the socket's error hides any reply */
	int error;		/* the kernel's -errno, or 0 */
	bool has_msg;
	char msg[256];
	int kalloc_blocks;	/* kalloc.ko blocks the request ran */
	uint64_t sig;
	struct gnl_reply r;	/* replies, for the exemplar */
};

static void outcome_free(struct outcome *o)
{
	gnl_reply_free(&o->r);
}

/* Sends m with the Nth fault point armed; the reply stays in o->r. */
static void request(struct gnl_msg *m, int n, struct outcome *o)
{
	struct nlmsghdr *h = gnl_msg_hdr(m);
	int err, left;
	ssize_t sent;

	memset(o, 0, sizeof(*o));
	gnl_reply_init(&o->r);
	o->n = n;
	h->nlmsg_seq = gnl_next_seq(&c.s);
	gnl_msg_finish(m);
	if (kcov_on)
		kcov_start(&kc);
	if (n)
		arm(n);
	sent = send(c.s.fd, m->buf, m->len, 0);
	if (sent < 0) {
		err = -errno;
		left = n ? disarm() : -1;
		o->send_failed = true;
		o->error = err;
	} else {
		err = gnl_collect(&c.s, h->nlmsg_seq, 1, true, 0, &o->r);
		left = n ? disarm() : -1;
		if (err == -ENOBUFS)
			o->ack_lost = o->reply_lost = true;
		else if (err == -ETIMEDOUT)
			o->timed_out = true;
		else
			o->error = o->r.error;
	}
	o->injected = n && left == 0;
	o->has_msg = o->r.has_msg;
	snprintf(o->msg, sizeof(o->msg), "%s", o->r.msg);
	if (kcov_on) {
		kcov_collect_into(&kc, n ? (o->injected ? fault_map : NULL) : clean_map);
		o->kalloc_blocks = kcov_last_blocks();
		o->sig = kcov_last_signature();
	}
	/* A lost ACK leaves the socket's error set: clear it for the next one. */
	if (o->ack_lost) {
		int e;
		socklen_t l = sizeof(e);

		getsockopt(c.s.fd, SOL_SOCKET, SO_ERROR, &e, &l);
	}
}

/* ---- state ------------------------------------------------------------------------ */

static int snap(struct kc_state *st)
{
	int err = kc_snapshot(&q, st, true);

	if (err)
		finding("cannot read the module's state: %s", gnl_errname(err));
	return err;
}

static bool same_state(const struct kc_state *a, const struct kc_state *b, char *why,
		       size_t n)
{
	return kc_state_cmp(a, b, true, why, n) == 0;
}

/* ---- exemplars ----------------------------------------------------------------------- */

struct exemplar {
	const char *name;
	const char *what;
	uint8_t cmd;			/* the command it covers; 0: module load/unload */
	bool dump;
	int (*setup)(void);		/* to S0; 0 or -errno */
	void (*build)(struct gnl_msg *m);
	/* Success: checks S1 (and the reply); returns 0 or writes why. */
	int (*verify)(const struct kc_state *s0, const struct kc_state *s1,
		      const struct outcome *o, char *why, size_t n);
	int (*undo)(void);		/* after a success: back to S0 */
	bool reload_each;		/* a fresh module for every N */
	const char *params;		/* module parameters of that reload */
};

static const char *module_params = "arena_bytes=262144";

static int reload(const char *params);

static struct kc_buf *find_buf(const struct kc_state *st, const char *name)
{
	int i;

	for (i = 0; i < st->nbuf; i++)
		if (!strcmp(st->buf[i].name, name))
			return &st->buf[i];
	return NULL;
}

static int ensure(const char *name, uint64_t size, uint32_t policy, const char *owner,
		  uint8_t fill)
{
	struct kc_buf b;
	int err;
	uint64_t off;
	static uint8_t data[4096];

	err = kc_buffer_new(&q, name, size, policy, owner, 0, &b, NULL);
	if (err == -EEXIST) {
		struct kc_buf *list;
		int n, i;
		bool same = false;

		/*
		 * It must be what S0 says, not what a failed iteration left
		 * (a finding already): else it is made again.
		 */
		if (kc_buffers(&q, &list, &n))
			return -EIO;
		for (i = 0; i < n; i++)
			if (!strcmp(list[i].name, name))
				same = list[i].size == size &&
				       (!policy || list[i].policy == policy);
		free(list);
		if (same)
			return 0;
		err = kc_buffer_del(&q, 0, name, NULL);
		if (!err)
			err = kc_buffer_new(&q, name, size, policy, owner, 0, &b, NULL);
	}
	if (err)
		return err;
	memset(data, fill, sizeof(data));
	for (off = 0; off < size && fill; off += sizeof(data)) {
		uint32_t len = size - off > sizeof(data) ? sizeof(data) : (uint32_t)(size - off);

		err = kc_buffer_write(&q, b.id, off, data, len, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int gone(const char *name)
{
	int err = kc_buffer_del(&q, 0, name, NULL);

	return err == -ENOENT ? 0 : err;
}

/* The buffers every exemplar sees around it, so that "unchanged" means something. */
static int base_setup(void)
{
	int err = ensure("fi_keep_k", 300, KALLOC_POLICY_KMALLOC, "keep", 0x11);

	if (!err)
		err = ensure("fi_keep_b", 5000, KALLOC_POLICY_BUDDY, "keep", 0x22);
	return err;
}

/* h, then size bytes of fill. */
static uint64_t hash_more(uint64_t h, uint8_t fill, uint64_t size)
{
	uint64_t i;

	for (i = 0; i < size; i++)
		h = kc_fnv(&fill, 1, h);
	return h;
}

static uint64_t hash_of(uint8_t fill, uint64_t size)
{
	return hash_more(1469598103934665603ULL, fill, size);
}

/* Success of a create: S0 plus exactly one zeroed buffer. */
static int verify_new(const struct kc_state *s0, const struct kc_state *s1,
		      const char *name, uint64_t size, uint32_t policy, char *why, size_t n)
{
	struct kc_buf *b = find_buf(s1, name);
	struct kc_state t = *s1;
	int i, j = 0;

	if (!b || b->size != size || (policy && b->policy != policy) ||
	    b->hash != hash_of(0, size)) {
		snprintf(why, n, "after success: buffer %s %s", name,
			 b ? "has the wrong size, policy or contents" : "is missing");
		return 1;
	}
	/* Without it, the rest is S0. */
	t.buf = calloc(s1->nbuf, sizeof(*t.buf));
	for (i = 0; i < s1->nbuf; i++)
		if (&s1->buf[i] != b)
			t.buf[j++] = s1->buf[i];
	t.nbuf = j;
	t.budget_used -= size;
	t.buffers--;
	t.policy[b->policy].buffers--;
	i = kc_state_cmp(s0, &t, true, why, n);
	free(t.buf);
	return i;
}

/* -- BUFFER_NEW in kmalloc, small and large (kvmalloc's vmalloc fallback) -- */

static int setup_new(void)
{
	int err = base_setup();

	return err ? err : gone("fi_new");
}

static void build_new_small(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_NEW, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_new");
	gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, 1000);
	gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_KMALLOC);
	gnl_put_str(m, KALLOC_BUFFER_A_OWNER, "fi");
}

static int verify_new_small(const struct kc_state *s0, const struct kc_state *s1,
			    const struct outcome *o, char *why, size_t n)
{
	(void)o;
	return verify_new(s0, s1, "fi_new", 1000, KALLOC_POLICY_KMALLOC, why, n);
}

static void build_new_large(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_NEW, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_new");
	gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, 300000);
	gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_KMALLOC);
}

static int verify_new_large(const struct kc_state *s0, const struct kc_state *s1,
			    const struct outcome *o, char *why, size_t n)
{
	(void)o;
	return verify_new(s0, s1, "fi_new", 300000, KALLOC_POLICY_KMALLOC, why, n);
}

static void build_new_arena(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_NEW, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_new");
	gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, 2000);
	gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_TLSF);
	gnl_put_u32(m, KALLOC_BUFFER_A_FLAGS, KALLOC_BUFFER_F_SOCKET);
}

static int verify_new_arena(const struct kc_state *s0, const struct kc_state *s1,
			    const struct outcome *o, char *why, size_t n)
{
	(void)o;
	return verify_new(s0, s1, "fi_new", 2000, KALLOC_POLICY_TLSF, why, n);
}

static int undo_new(void)
{
	return gone("fi_new");
}

/* The first buffer of a policy: its arena is created (fresh module each time). */
static int setup_first_arena(void)
{
	return 0;	/* the reload is the setup: no buffer, no arena */
}

static void build_first_arena(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_NEW, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_new");
	gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, 3000);
	gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_BEST_FIT);
}

static int verify_first_arena(const struct kc_state *s0, const struct kc_state *s1,
			      const struct outcome *o, char *why, size_t n)
{
	(void)o;
	return verify_new(s0, s1, "fi_new", 3000, KALLOC_POLICY_BEST_FIT, why, n);
}

/* -- BUFFER_DEL -- */

static int setup_del(void)
{
	int err = base_setup();

	return err ? err : ensure("fi_del", 700, KALLOC_POLICY_FIRST_FIT, "fi", 0x33);
}

static void build_del(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_DEL, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_del");
}

static int verify_del(const struct kc_state *s0, const struct kc_state *s1,
		      const struct outcome *o, char *why, size_t n)
{
	(void)o;
	if (find_buf(s1, "fi_del") || s1->nbuf != s0->nbuf - 1) {
		snprintf(why, n, "after success: fi_del %s", find_buf(s1, "fi_del") ?
			 "still exists" : "is gone, but so is another buffer");
		return 1;
	}
	return 0;
}

static int undo_del(void)
{
	return ensure("fi_del", 700, KALLOC_POLICY_FIRST_FIT, "fi", 0x33);
}

/* -- BUFFER_SET: grow and move in place, contents kept -- */

static int setup_set(void)
{
	int err = base_setup();

	return err ? err : ensure("fi_set", 4000, KALLOC_POLICY_KMALLOC, "fi", 0x77);
}

static void build_set(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_SET, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_set");
	gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, 9000);
	gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_BUDDY);
}

static int verify_set(const struct kc_state *s0, const struct kc_state *s1,
		      const struct outcome *o, char *why, size_t n)
{
	const struct kc_buf *x = find_buf(s0, "fi_set"), *y = find_buf(s1, "fi_set");
	uint64_t h = 1469598103934665603ULL;
	uint8_t v;
	int i;

	(void)o;
	for (i = 0; i < 9000; i++) {
		v = i < 4000 ? 0x77 : 0;
		h = kc_fnv(&v, 1, h);
	}
	if (!x || !y || y->id != x->id || y->size != 9000 ||
	    y->policy != KALLOC_POLICY_BUDDY || y->hash != h) {
		snprintf(why, n, "after a successful BUFFER_SET fi_set is not 9000 bytes in buddy, same id, contents kept");
		return 1;
	}
	if (s1->nbuf != s0->nbuf || s1->budget_used != s0->budget_used + 5000) {
		snprintf(why, n, "after a successful BUFFER_SET: %d buffers, budget %llu (was %d, %llu)",
			 s1->nbuf, (unsigned long long)s1->budget_used, s0->nbuf,
			 (unsigned long long)s0->budget_used);
		return 1;
	}
	return 0;
}

static int undo_set(void)
{
	return gone("fi_set") ?: setup_set();
}

/* -- BUFFER_READ, BUFFER_WRITE -- */

static int setup_io(void)
{
	int err = base_setup();

	return err ? err : ensure("fi_io", 40000, KALLOC_POLICY_SLAB, "fi", 0x44);
}

static uint32_t id_of(const char *name)
{
	struct kc_buf *list;
	uint32_t id = 0;
	int n, i;

	if (kc_buffers(&q, &list, &n))
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			id = list[i].id;
	free(list);
	return id;
}

static void build_read(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_READ, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_io");
	gnl_put_u64(m, KALLOC_BUFFER_A_OFFSET, 1000);
	gnl_put_u32(m, KALLOC_BUFFER_A_LENGTH, KALLOC_IO_MAX);
}

static int verify_read(const struct kc_state *s0, const struct kc_state *s1,
		       const struct outcome *o, char *why, size_t n)
{
	struct nlmsghdr *h = gnl_reply_next(&o->r, NULL);
	struct nlattr *tb[KALLOC_BUFFER_A_MAX + 1], *a;
	int alen, i;

	if (o->reply_lost)
		return kc_state_cmp(s0, s1, true, why, n);
	if (!h) {
		snprintf(why, n, "a successful read without a reply");
		return 1;
	}
	a = gnl_msg_attrs(h, 0, &alen);
	gnl_parse(tb, KALLOC_BUFFER_A_MAX, a, alen);
	a = tb[KALLOC_BUFFER_A_DATA];
	if (!a || gnl_attr_len(a) != KALLOC_IO_MAX) {
		snprintf(why, n, "the read's reply has %d bytes of data", a ? gnl_attr_len(a) : -1);
		return 1;
	}
	for (i = 0; i < KALLOC_IO_MAX; i++)
		if (((uint8_t *)gnl_attr_data(a))[i] != 0x44) {
			snprintf(why, n, "the read returned byte %d = 0x%02x, not 0x44", i,
				 ((uint8_t *)gnl_attr_data(a))[i]);
			return 1;
		}
	return kc_state_cmp(s0, s1, true, why, n);
}

/*
 * 3000 bytes: a request over NLMSG_GOODSIZE is copied by netlink into a
 * vmalloc()ed skb, whose failure the core reports with a stack dump; that
 * is the netlink core's, not kalloc's, and BUFFER_WRITE itself allocates
 * nothing.
 */
#define FI_WRITE 3000

static void build_write(struct gnl_msg *m)
{
	static uint8_t data[FI_WRITE];

	memset(data, 0x55, sizeof(data));
	kc_msg(&c, m, KALLOC_CMD_BUFFER_WRITE, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_io");
	gnl_put(m, KALLOC_BUFFER_A_DATA, data, sizeof(data));
}

static int verify_write(const struct kc_state *s0, const struct kc_state *s1,
			const struct outcome *o, char *why, size_t n)
{
	struct kc_buf *b = find_buf(s1, "fi_io");
	uint64_t h = 1469598103934665603ULL;
	uint8_t v;
	int i;

	(void)o;
	(void)s0;
	for (i = 0; i < 40000; i++) {
		v = i < FI_WRITE ? 0x55 : 0x44;
		h = kc_fnv(&v, 1, h);
	}
	if (!b || b->hash != h) {
		snprintf(why, n, "after a successful write, fi_io does not hold what was written");
		return 1;
	}
	return 0;
}

static int undo_write(void)
{
	static uint8_t data[FI_WRITE];
	uint32_t id = id_of("fi_io");

	memset(data, 0x44, sizeof(data));
	return id ? kc_buffer_write(&q, id, 0, data, sizeof(data), NULL) : -ENOENT;
}

/* -- read-only commands: GET, CHECK (do and dump), POLICY_GET, STATS_GET, MEMINFO -- */

static int verify_unchanged(const struct kc_state *s0, const struct kc_state *s1,
			    const struct outcome *o, char *why, size_t n)
{
	(void)o;
	return kc_state_cmp(s0, s1, true, why, n);
}

static int setup_many(void)
{
	char name[32];
	int i, err = base_setup();

	/* Enough buffers that a dump takes several passes (and recvmsg()s). */
	for (i = 0; !err && i < 40; i++) {
		snprintf(name, sizeof(name), "fi_many_%02d_abcdefghijklmn", i);
		err = ensure(name, 16 + i, 0, "many", 0);
	}
	return err;
}

static void build_get(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_GET, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_keep_b");
}

static void build_get_dump(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_GET, NLM_F_DUMP);
}

static void build_check(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_CHECK, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, "fi_keep_k");
}

static void build_check_dump(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_CHECK, NLM_F_DUMP);
}

static void build_policy_get(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_POLICY_GET, 0);
	gnl_put_u32(m, KALLOC_POLICY_A_ID, KALLOC_POLICY_BUDDY);
}

static void build_policy_dump(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_POLICY_GET, NLM_F_DUMP);
}

static void build_stats(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_STATS_GET, 0);
	gnl_put_flag(m, KALLOC_STATS_A_PERF_FLUSH);
}

static void build_meminfo(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_MEMINFO_GET, 0);
}

static void build_stats_set(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_STATS_SET, 0);
	gnl_put_u32(m, KALLOC_STATS_A_INTERVAL_MS, 1000);
}

/* -- BUFFER_FLUSH -- */

static int setup_flush(void)
{
	int err = base_setup();

	if (!err)
		err = ensure("fi_fl0", 100, KALLOC_POLICY_KMALLOC, "fiflush", 0x66);
	if (!err)
		err = ensure("fi_fl1", 9000, KALLOC_POLICY_BUDDY, "fiflush", 0x67);
	return err;
}

static void build_flush(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BUFFER_FLUSH, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_OWNER, "fiflush");
}

static int verify_flush(const struct kc_state *s0, const struct kc_state *s1,
			const struct outcome *o, char *why, size_t n)
{
	struct nlmsghdr *h = gnl_reply_next(&o->r, NULL);
	struct nlattr *tb[KALLOC_BUFFER_A_MAX + 1], *a;
	int alen;

	if (find_buf(s1, "fi_fl0") || find_buf(s1, "fi_fl1") || s1->nbuf != s0->nbuf - 2) {
		snprintf(why, n, "after a successful flush the owner's buffers are not (only) gone");
		return 1;
	}
	if (o->reply_lost)
		return 0;
	if (!h) {
		snprintf(why, n, "a successful flush without its reply");
		return 1;
	}
	a = gnl_msg_attrs(h, 0, &alen);
	gnl_parse(tb, KALLOC_BUFFER_A_MAX, a, alen);
	if (!tb[KALLOC_BUFFER_A_COUNT] || gnl_get_uint(tb[KALLOC_BUFFER_A_COUNT]) != 2) {
		snprintf(why, n, "the flush reply's count is not 2");
		return 1;
	}
	return 0;
}

static int undo_flush(void)
{
	return setup_flush();
}

/* -- POLICY_SET with migration: three buffers out of buddy into kmalloc -- */

static int setup_migrate(void)
{
	int err = base_setup();

	if (!err)
		err = ensure("fi_mig0", 5000, KALLOC_POLICY_BUDDY, "mig", 0x70);
	if (!err)
		err = ensure("fi_mig1", 70000, KALLOC_POLICY_BUDDY, "mig", 0x71);
	if (!err)
		err = ensure("fi_mig2", 10, KALLOC_POLICY_BUDDY, "mig", 0x72);
	/* Everything but those in buddy, and buddy active. */
	if (!err)
		err = kc_policy_set(&q, KALLOC_POLICY_BUDDY, false, 0, NULL, NULL);
	return err;
}

static void build_migrate(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_POLICY_SET, 0);
	gnl_put_u32(m, KALLOC_POLICY_A_ID, KALLOC_POLICY_KMALLOC);
	gnl_put_flag(m, KALLOC_POLICY_A_MIGRATE);
	gnl_put_u32(m, KALLOC_POLICY_A_FROM, KALLOC_POLICY_BUDDY);
}

static int verify_migrate(const struct kc_state *s0, const struct kc_state *s1,
			  const struct outcome *o, char *why, size_t n)
{
	struct nlmsghdr *h = gnl_reply_next(&o->r, NULL);
	struct nlattr *tb[KALLOC_POLICY_A_MAX + 1], *a;
	uint32_t migrated, unmoved, moved = 0, stayed = 0;
	int alen, i;

	if (s1->active != KALLOC_POLICY_KMALLOC) {
		snprintf(why, n, "after success the active policy is %u", s1->active);
		return 1;
	}
	if (!h && !o->reply_lost) {
		snprintf(why, n, "a successful POLICY_SET without its reply");
		return 1;
	}
	migrated = unmoved = ~0U;
	if (h) {
		a = gnl_msg_attrs(h, 0, &alen);
		gnl_parse(tb, KALLOC_POLICY_A_MAX, a, alen);
		if (tb[KALLOC_POLICY_A_MIGRATED])
			migrated = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_MIGRATED]);
		if (tb[KALLOC_POLICY_A_UNMOVED])
			unmoved = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_UNMOVED]);
	}
	/* Every buffer of buddy before is in kmalloc (moved) or buddy (stayed), intact. */
	for (i = 0; i < s0->nbuf; i++) {
		const struct kc_buf *x = &s0->buf[i], *y = find_buf(s1, x->name);

		if (!y || y->hash != x->hash || y->size != x->size || y->id != x->id) {
			snprintf(why, n, "buffer %s changed in the migration", x->name);
			return 1;
		}
		if (x->policy != KALLOC_POLICY_BUDDY) {
			if (y->policy != x->policy) {
				snprintf(why, n, "buffer %s was not in buddy but moved", x->name);
				return 1;
			}
			continue;
		}
		if (y->policy == KALLOC_POLICY_KMALLOC)
			moved++;
		else if (y->policy == KALLOC_POLICY_BUDDY)
			stayed++;
	}
	if (o->reply_lost) {
		migrated = moved;	/* what the lost reply said cannot be checked */
		unmoved = stayed;
	}
	if (moved != migrated || stayed != unmoved || s1->nbuf != s0->nbuf) {
		snprintf(why, n, "the reply says %u moved and %u stayed; the state shows %u and %u",
			 migrated, unmoved, moved, stayed);
		return 1;
	}
	return 0;
}

static int undo_migrate(void)
{
	return kc_policy_set(&q, KALLOC_POLICY_BUDDY, true, KALLOC_POLICY_KMALLOC, NULL, NULL) ?:
	       setup_migrate();
}

/* -- BENCH_RUN: one scenario, one operation, with perf records -- */

static void build_bench(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_BENCH_RUN, 0);
	gnl_put_u32(m, KALLOC_BENCH_A_SCENARIO, KALLOC_BENCH_UNIFORM);
	gnl_put_u32(m, KALLOC_BENCH_A_OPS, 1);
}

/*
 * -- virtual devices: VDEV_NEW, GET (do and dump), DEL, SET, IRQ, DMA --
 *
 * What a failed request may change, read from kernel/nl_vdev.c and
 * vdev.c: nothing a VDEV_GET shows. VDEV_SET and VDEV_DMA take their
 * reply's memory before they touch the device; VDEV_NEW deletes the
 * device it made if it cannot reply (its id is then spent: a later device
 * gets the next one, so ids are compared only for devices that exist in
 * both states); VDEV_IRQ and VDEV_DEL allocate nothing but their events,
 * whose failure does not fail them. So every register and counter is
 * compared, interrupt counts included: no exemplar device has a timer,
 * and every transfer is waited for (DMA_WAIT), so nothing changes on its
 * own between two snapshots.
 */

#define FI_WINDOW	8192
#define FI_PERIOD_NS	1000000ULL
#define FI_VBUF		6000
#define FI_DMA_OFF	1000
#define FI_DMA_DEV_OFF	100
#define FI_DMA_LEN	3000
#define FI_CONTROL	(KALLOC_VDEV_CONTROL_ENABLE | KALLOC_VDEV_CONTROL_IRQ_ENABLE)

static struct kc_vdev *find_vdev(const struct kc_state *st, const char *name)
{
	int i;

	for (i = 0; i < st->nvdev; i++)
		if (!strcmp(st->vdev[i].name, name))
			return &st->vdev[i];
	return NULL;
}

/* What a setup may keep: the size, control at power-on, no timer, idle. */
static bool vdev_fresh(const struct kc_vdev *v, uint32_t size)
{
	return v->size == size && v->control == FI_CONTROL && !v->timer_ns &&
	       !(v->status & KALLOC_VDEV_STATUS_BUSY);
}

/* As ensure() for buffers: a device that is not what S0 says is made again. */
static int vdev_ensure(const char *name, uint32_t size)
{
	struct kc_vdev *list;
	bool same = false;
	int err, n, i;

	err = kc_vdev_new(&q, name, size, "fi", NULL);
	if (err != -EEXIST)
		return err;
	if (kc_vdevs(&q, &list, &n))
		return -EIO;
	for (i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			same = vdev_fresh(&list[i], size);
	free(list);
	if (same)
		return 0;
	err = kc_vdev_del(&q, name, NULL);
	return err ? err : kc_vdev_new(&q, name, size, "fi", NULL);
}

static int vdev_gone(const char *name)
{
	int err = kc_vdev_del(&q, name, NULL);

	return err == -ENOENT ? 0 : err;
}

/* The buffers around, and a device around. */
static int vdev_base(void)
{
	int err = base_setup();

	return err ? err : vdev_ensure("fi_keep_v", 4096);
}

/*
 * What S1 must be: a copy t of s0 (freed by expect_cmp()) and in it the
 * device name, appended zeroed if s0 has none, for the caller to change.
 */
static struct kc_vdev *expect_vdev(const struct kc_state *s0, struct kc_state *t,
				   const char *name)
{
	struct kc_vdev *v;

	*t = *s0;
	t->buf = calloc(s0->nbuf + 1, sizeof(*t->buf));
	t->vdev = calloc(s0->nvdev + 1, sizeof(*t->vdev));
	memcpy(t->buf, s0->buf, s0->nbuf * sizeof(*t->buf));
	memcpy(t->vdev, s0->vdev, s0->nvdev * sizeof(*t->vdev));
	v = find_vdev(t, name);
	if (!v) {
		v = &t->vdev[t->nvdev++];
		snprintf(v->name, sizeof(v->name), "%s", name);
	}
	return v;
}

static int expect_cmp(struct kc_state *t, const struct kc_state *s1, char *why, size_t n)
{
	int err = kc_state_cmp(t, s1, true, why, n);

	free(t->buf);
	free(t->vdev);
	return err;
}

/* The device in the reply, unless the reply was lost, is the device in S1. */
static int vdev_reply(const struct outcome *o, const struct kc_state *s1, const char *name,
		      char *why, size_t n)
{
	struct nlmsghdr *h = gnl_reply_next(&o->r, NULL);
	struct kc_vdev r, *v = find_vdev(s1, name);

	if (o->reply_lost)
		return 0;
	if (!h || !v) {
		snprintf(why, n, "after success: no reply, or no device %s", name);
		return 1;
	}
	kc_parse_vdev(h, &r);
	if (strcmp(r.name, v->name) || r.id != v->id || r.control != v->control ||
	    r.timer_ns != v->timer_ns || r.irq_count != v->irq_count ||
	    r.dma_seq != v->dma_seq || r.dma_bytes != v->dma_bytes) {
		snprintf(why, n, "the reply's device %s (id %u) is not the device in the state", r.name,
			 r.id);
		return 1;
	}
	return 0;
}

static void build_vname(struct gnl_msg *m, uint8_t cmd, const char *name)
{
	kc_msg(&c, m, cmd, 0);
	gnl_put_str(m, KALLOC_VDEV_A_NAME, name);
}

/* -- VDEV_NEW: kzalloc, the window (vmalloc), the id, misc_register() -- */

static int setup_vnew(void)
{
	int err = vdev_base();

	return err ? err : vdev_gone("fi_vnew");
}

static void build_vnew(struct gnl_msg *m)
{
	build_vname(m, KALLOC_CMD_VDEV_NEW, "fi_vnew");
	gnl_put_u32(m, KALLOC_VDEV_A_SIZE, FI_WINDOW);
	gnl_put_str(m, KALLOC_VDEV_A_OWNER, "fi");
}

static int verify_vnew(const struct kc_state *s0, const struct kc_state *s1,
		       const struct outcome *o, char *why, size_t n)
{
	const struct kc_vdev *got = find_vdev(s1, "fi_vnew");
	struct kc_state t;
	struct kc_vdev *v = expect_vdev(s0, &t, "fi_vnew");

	v->id = got ? got->id : 0;
	snprintf(v->owner, sizeof(v->owner), "fi");
	v->size = FI_WINDOW;
	v->status = KALLOC_VDEV_STATUS_READY;
	v->control = FI_CONTROL;
	return expect_cmp(&t, s1, why, n) || vdev_reply(o, s1, "fi_vnew", why, n);
}

static int undo_vnew(void)
{
	return vdev_gone("fi_vnew");
}

/* -- VDEV_GET, do and dump -- */

static void build_vget(struct gnl_msg *m)
{
	build_vname(m, KALLOC_CMD_VDEV_GET, "fi_keep_v");
}

static int setup_vdump(void)
{
	int err = vdev_base();

	if (!err)
		err = vdev_ensure("fi_vdump_a", 4096);
	if (!err)
		err = vdev_ensure("fi_vdump_b", 100);
	if (!err)
		err = vdev_ensure("fi_vdump_c", FI_WINDOW);
	return err;
}

static void build_vget_dump(struct gnl_msg *m)
{
	kc_msg(&c, m, KALLOC_CMD_VDEV_GET, NLM_F_DUMP);
}

/* -- VDEV_DEL: misc_deregister(); it never fails -- */

static int setup_vdel(void)
{
	int err = vdev_base();

	return err ? err : vdev_ensure("fi_vdel", 4096);
}

static void build_vdel(struct gnl_msg *m)
{
	build_vname(m, KALLOC_CMD_VDEV_DEL, "fi_vdel");
}

static int verify_vdel(const struct kc_state *s0, const struct kc_state *s1,
		       const struct outcome *o, char *why, size_t n)
{
	struct kc_state t;
	struct kc_vdev *v = expect_vdev(s0, &t, "fi_vdel");

	(void)o;
	*v = t.vdev[--t.nvdev];		/* S0 without it */
	return expect_cmp(&t, s1, why, n);
}

/* -- VDEV_SET: IRQ_ENABLE cleared and a period set, the timer left off -- */

static int setup_vset(void)
{
	int err = vdev_base();

	return err ? err : vdev_ensure("fi_vset", 4096);
}

static void build_vset(struct gnl_msg *m)
{
	build_vname(m, KALLOC_CMD_VDEV_SET, "fi_vset");
	gnl_put_u32(m, KALLOC_VDEV_A_CONTROL, KALLOC_VDEV_CONTROL_ENABLE);
	gnl_put_u32(m, KALLOC_VDEV_A_CONTROL_MASK, FI_CONTROL);
	gnl_put_u64(m, KALLOC_VDEV_A_TIMER_NS, FI_PERIOD_NS);
}

static int verify_vset(const struct kc_state *s0, const struct kc_state *s1,
		       const struct outcome *o, char *why, size_t n)
{
	struct kc_state t;
	struct kc_vdev *v = expect_vdev(s0, &t, "fi_vset");

	v->control = KALLOC_VDEV_CONTROL_ENABLE;
	v->timer_ns = FI_PERIOD_NS;
	return expect_cmp(&t, s1, why, n) || vdev_reply(o, s1, "fi_vset", why, n);
}

/* -- VDEV_IRQ: one interrupt raised -- */

static int setup_virq(void)
{
	int err = vdev_base();

	return err ? err : vdev_ensure("fi_virq", 4096);
}

static void build_virq(struct gnl_msg *m)
{
	build_vname(m, KALLOC_CMD_VDEV_IRQ, "fi_virq");
}

/* Success of a raise: the counters up by one, the interrupt pending. */
static void expect_irq(struct kc_vdev *v)
{
	v->irq_count++;
	v->irq_unacked++;
	v->status |= KALLOC_VDEV_STATUS_IRQ_PENDING;
}

static int verify_virq(const struct kc_state *s0, const struct kc_state *s1,
		       const struct outcome *o, char *why, size_t n)
{
	struct kc_state t;

	(void)o;
	expect_irq(expect_vdev(s0, &t, "fi_virq"));
	return expect_cmp(&t, s1, why, n);
}

/*
 * -- VDEV_DMA with DMA_WAIT, both ways: fi_vdma only ever moves its zeroed
 * window into fi_vbuf (0x5a), fi_vdto only fi_vbuf into its window --
 */

static int setup_vdma(void)
{
	int err = vdev_base();

	if (!err)
		err = vdev_ensure("fi_vdma", FI_WINDOW);
	if (!err)
		err = vdev_ensure("fi_vdto", FI_WINDOW);
	return err ? err : ensure("fi_vbuf", FI_VBUF, KALLOC_POLICY_SLAB, "fi", 0x5a);
}

static void build_vdma(struct gnl_msg *m, const char *name, uint32_t dir)
{
	build_vname(m, KALLOC_CMD_VDEV_DMA, name);
	gnl_put_u32(m, KALLOC_VDEV_A_DMA_DIRECTION, dir);
	gnl_put_str(m, KALLOC_VDEV_A_DMA_BUFFER_NAME, "fi_vbuf");
	gnl_put_u64(m, KALLOC_VDEV_A_DMA_OFFSET, FI_DMA_OFF);
	gnl_put_u32(m, KALLOC_VDEV_A_DMA_DEV_OFFSET, FI_DMA_DEV_OFF);
	gnl_put_u32(m, KALLOC_VDEV_A_DMA_LENGTH, FI_DMA_LEN);
	gnl_put_flag(m, KALLOC_VDEV_A_DMA_WAIT);
}

static void build_vdma_from(struct gnl_msg *m)
{
	build_vdma(m, "fi_vdma", KALLOC_VDEV_DMA_FROM_DEVICE);
}

static void build_vdma_to(struct gnl_msg *m)
{
	build_vdma(m, "fi_vdto", KALLOC_VDEV_DMA_TO_DEVICE);
}

/* Success of a transfer: it ended, moved FI_DMA_LEN bytes, and raised one interrupt. */
static int verify_vdma(const struct kc_state *s0, const struct kc_state *s1,
		       const struct outcome *o, const char *name, uint32_t dir, char *why,
		       size_t n)
{
	struct kc_state t;
	struct kc_vdev *v = expect_vdev(s0, &t, name);
	struct kc_buf *b = find_buf(&t, "fi_vbuf");

	v->dma_completed++;
	v->dma_seq++;
	v->dma_direction = dir;
	v->dma_length = v->dma_bytes = FI_DMA_LEN;
	v->dma_error = 0;
	v->status &= ~KALLOC_VDEV_STATUS_DMA_ERROR;
	expect_irq(v);
	if (b && dir == KALLOC_VDEV_DMA_FROM_DEVICE)
		b->hash = hash_more(hash_more(hash_of(0x5a, FI_DMA_OFF), 0, FI_DMA_LEN), 0x5a,
				    FI_VBUF - FI_DMA_OFF - FI_DMA_LEN);
	return expect_cmp(&t, s1, why, n) || vdev_reply(o, s1, name, why, n);
}

static int verify_vdma_from(const struct kc_state *s0, const struct kc_state *s1,
			    const struct outcome *o, char *why, size_t n)
{
	return verify_vdma(s0, s1, o, "fi_vdma", KALLOC_VDEV_DMA_FROM_DEVICE, why, n);
}

static int verify_vdma_to(const struct kc_state *s0, const struct kc_state *s1,
			  const struct outcome *o, char *why, size_t n)
{
	return verify_vdma(s0, s1, o, "fi_vdto", KALLOC_VDEV_DMA_TO_DEVICE, why, n);
}

/* The zeroes of the window back to 0x5a. */
static int undo_vdma_from(void)
{
	static uint8_t data[FI_DMA_LEN];
	uint32_t id = id_of("fi_vbuf");

	memset(data, 0x5a, sizeof(data));
	return id ? kc_buffer_write(&q, id, FI_DMA_OFF, data, sizeof(data), NULL) : -ENOENT;
}

/* -- module load with names= and module unload, by syscall -- */

static int load_fd = -1;
static const char *load_params =
	"names=fa,fb,fc values=100,5000,70000 policy=buddy arena_bytes=262144";

static bool module_loaded(void)
{
	struct stat st;

	return !stat("/sys/module/kalloc", &st);
}

static int unload(void)
{
	int i;

	for (i = 0; i < 100 && module_loaded(); i++) {
		if (!syscall(SYS_delete_module, "kalloc", O_NONBLOCK))
			break;
		usleep(20000);
	}
	return module_loaded() ? -EBUSY : 0;
}

static void close_sockets(void)
{
	if (c.s.rx)
		kc_close(&c);
	if (q.s.rx)
		kc_close(&q);
	memset(&c, 0, sizeof(c));
	memset(&q, 0, sizeof(q));
}

/* The request socket again: after a lost answer it may hold a broken dump. */
static int reopen_request_socket(void)
{
	int err;

	if (c.s.rx)
		kc_close(&c);
	memset(&c, 0, sizeof(c));
	err = kc_open(&c, 30000);
	return err ? err : gnl_set_blocking(&c.s, 30000);
}

/* Loads the module, fresh, and opens both sockets on its family. */
static int reload(const char *params)
{
	int err;

	close_sockets();
	err = unload();
	if (err)
		return err;
	if (syscall(SYS_finit_module, load_fd, params ? params : module_params, 0))
		return -errno;
	err = kc_open(&q, 30000);
	if (!err)
		err = reopen_request_socket();
	if (!err && kcov_on)
		err = kcov_rebase(&kc, "kalloc") ? -ENOENT : 0;
	return err;
}

/* ---- the walk ------------------------------------------------------------------------- */

static bool clean_error(int e)
{
	return e == -ENOMEM || e == -ENOBUFS;
}

static void judge(const struct exemplar *ex, const struct kc_state *s0,
		  const struct kc_state *s1, const struct outcome *o)
{
	char why[300] = "";

	if (o->timed_out) {
		finding("N=%d: no answer within 30 s", o->n);
		return;
	}
	if (o->send_failed) {
		cur->sends_failed++;
		if (!clean_error(o->error))
			finding("N=%d: send() failed with %s", o->n, gnl_errname(o->error));
		if (!same_state(s0, s1, why, sizeof(why)))
			finding("N=%d: the request was never delivered, yet the state changed: %s",
				o->n, why);
		return;
	}
	if (o->ack_lost) {
		/* Either the request did nothing, or it did all of it. */
		cur->acks_lost++;
		if (!same_state(s0, s1, why, sizeof(why)) &&
		    ex->verify(s0, s1, o, why, sizeof(why)))
			finding("N=%d: the ACK was lost and the state is neither before nor after: %s",
				o->n, why);
		return;
	}
	if (o->error) {
		cur->errors++;
		if (!clean_error(o->error))
			finding("N=%d: %s%s%s (ENOMEM expected)", o->n, gnl_errname(o->error),
				o->has_msg ? ": " : "", o->msg);
		/* An ENOMEM of kalloc's own handler says what it could not get. */
		else if (kcov_on && o->kalloc_blocks && !o->has_msg)
			finding("N=%d: %s without an extended ACK message", o->n,
				gnl_errname(o->error));
		if (!same_state(s0, s1, why, sizeof(why)))
			finding("N=%d: %s, but the state changed: %s", o->n,
				gnl_errname(o->error), why);
		return;
	}
	cur->successes++;
	if (ex->verify(s0, s1, o, why, sizeof(why)))
		finding("N=%d: success%s, but %s", o->n, o->injected ? " (fault absorbed)" : "",
			why);
}

static double t0_all;

static void json_exemplar(const struct exemplar *ex, const struct ex_result *r)
{
	if (!jf)
		return;
	fprintf(jf, "%s\n    {\"name\": \"%s\", \"what\": ", jf_first_ex ? "" : ",", ex->name);
	gnl_json_str(jf, ex->what);
	fprintf(jf, ", \"cmd\": %u, \"fault_points\": %d, \"skipped_points\": %d, \"capped\": %s, \"injected\": %d, \"errors\": %d, \"successes\": %d, \"acks_lost\": %d, \"sends_failed\": %d, \"paths\": %d, \"findings\": %d, \"seconds\": %.1f",
		ex->cmd, r->points, r->skipped, r->capped ? "true" : "false", r->injected,
		r->errors, r->successes, r->acks_lost, r->sends_failed, r->nsigs, r->findings,
		r->seconds);
	if (r->findings) {
		fprintf(jf, ", \"first_finding\": ");
		gnl_json_str(jf, r->first_finding);
	}
	fprintf(jf, "}");
	jf_first_ex = false;
}

/* Walks N for one netlink exemplar. */
static void walk(const struct exemplar *ex, struct ex_result *r)
{
	static struct gnl_msg m;
	struct kc_state s0, s1;
	struct outcome o;
	int n, err;
	double t0 = gnl_now();

	cur = r;
	r->name = ex->name;
	err = ex->reload_each ? reload(ex->params) : 0;
	if (!err)
		err = ex->setup();
	if (err) {
		finding("setup: %s", gnl_errname(err));
		return;
	}
	/* The reference: no fault, must succeed and verify. */
	if (snap(&s0))
		return;
	ex->build(&m);
	request(&m, 0, &o);
	if (snap(&s1)) {
		outcome_free(&o);
		kc_state_free(&s0);
		return;
	}
	if (o.error || o.ack_lost || o.timed_out || o.send_failed) {
		finding("without a fault it fails: %s %s", gnl_errname(o.error), o.msg);
	} else {
		char why[300];

		if (ex->verify(&s0, &s1, &o, why, sizeof(why)))
			finding("without a fault: %s", why);
	}
	outcome_free(&o);
	kc_state_free(&s0);
	kc_state_free(&s1);
	if (ex->undo && (err = ex->undo()))
		finding("undo: %s", gnl_errname(err));

	for (n = 1; n <= opt.max_n; n++) {
		err = ex->reload_each ? reload(ex->params) : 0;
		if (!err)
			err = ex->setup();
		if (err) {
			finding("N=%d: setup: %s", n, gnl_errname(err));
			break;
		}
		if (snap(&s0))
			break;
		ex->build(&m);
		request(&m, n, &o);
		if (snap(&s1)) {
			kc_state_free(&s0);
			outcome_free(&o);
			break;
		}
		if (o.injected) {
			r->injected++;
			add_sig(o.sig ^ (uint64_t)(o.error * 7919) ^
				(o.ack_lost ? 0x1000 : 0) ^ (o.send_failed ? 0x2000 : 0));
		}
		judge(ex, &s0, &s1, &o);
		kc_state_free(&s0);
		kc_state_free(&s1);
		if (o.ack_lost || o.timed_out || o.error || o.send_failed) {
			/*
			 * Its socket may hold an error, or a dump the core left
			 * running after a failed pass (the next dump would be
			 * EBUSY): a new one. After the snapshot, so that a buffer
			 * it owned (F_SOCKET) was seen.
			 */
			err = reopen_request_socket();
			if (err)
				finding("N=%d: reopening the socket: %s", n, gnl_errname(err));
		}
		if (!o.error && !o.send_failed && !o.timed_out && ex->undo) {
			err = ex->undo();
			if (err && !o.ack_lost)
				finding("N=%d: undo: %s", n, gnl_errname(err));
		}
		outcome_free(&o);
		if (!o.injected) {
			/* Untouched: the request passed fewer than N fault points. */
			r->points = n - 1;
			break;
		}
	}
	if (n > opt.max_n) {
		r->points = opt.max_n;
		r->capped = true;
	}
	r->seconds = gnl_now() - t0;
	printf("kfault: %-18s %4d fault points, %4d injected: %d errors, %d successes, %d ACKs lost, %d sends failed; %d distinct paths; %d findings (%.1f s)%s\n",
	       ex->name, r->points, r->injected, r->errors, r->successes, r->acks_lost,
	       r->sends_failed, r->nsigs, r->findings, r->seconds,
	       r->capped ? " CAPPED" : "");
	json_exemplar(ex, r);
}

/*
 * Module load under fail-nth: finit_module(2) from this thread, N from the
 * first fault point after the loader's own.
 */
static void walk_load(struct ex_result *r, const struct exemplar *ex)
{
	int n, err, skip = -1;
	double t0 = gnl_now();

	cur = r;
	r->name = ex->name;
	close_sockets();
	if (unload()) {
		finding("the module cannot be unloaded before the walk");
		return;
	}
	{
		/*
		 * The loader's fault points come first. They are counted with a
		 * load that differs only in a parameter kalloc_init() refuses
		 * before it allocates anything (arena_bytes=1): every fault
		 * point of that load is the loader's, or its unwinding's (a
		 * module whose init failed sends no uevent).
		 */
		char bogus[512];
		int left;

		snprintf(bogus, sizeof(bogus), "%s arena_bytes=1", load_params);
		arm(1000000);
		err = syscall(SYS_finit_module, load_fd, bogus, 0) ? -errno : 0;
		left = disarm();
		if (err == -EINVAL && left > 0 && !module_loaded())
			skip = 1000000 - left;
		printf("kfault: module load: %d fault points before kalloc's init (a load refused by kalloc_init: %s)\n",
		       skip, err ? strerror(-err) : "it loaded?");
		if (skip < 0) {
			finding("cannot count the loader's fault points: not walking the load");
			return;
		}
	}
	r->skipped = skip;
	for (n = r->skipped + 1; n <= r->skipped + opt.max_n; n++) {
		bool injected, loaded;
		int left;

		if (unload()) {
			finding("N=%d: the module is stuck loaded", n);
			break;
		}
		arm(n);
		err = syscall(SYS_finit_module, load_fd, load_params, 0) ? -errno : 0;
		left = disarm();
		injected = left == 0;
		loaded = module_loaded();
		if (injected) {
			r->injected++;
			add_sig((uint64_t)err * 31 + loaded);
		}
		if (err) {
			r->errors++;
			if (loaded)
				finding("N=%d: the load failed (%s) but the module is there", n,
					strerror(-err));
			if (err != -ENOMEM && err != -ENOBUFS && err != -EINVAL)
				finding("N=%d: the load failed with %s (ENOMEM expected)", n,
					gnl_errname(err));
		} else {
			struct kc_state st;
			int e;

			r->successes++;
			e = kc_open(&q, 30000);
			if (!e)
				e = kc_snapshot(&q, &st, true);
			if (e) {
				finding("N=%d: loaded, but the family does not answer: %s", n,
					gnl_errname(e));
			} else {
				if (st.nbuf != 3 || !find_buf(&st, "fa") || !find_buf(&st, "fb") ||
				    !find_buf(&st, "fc"))
					finding("N=%d: loaded with %d buffers, not fa fb fc", n, st.nbuf);
				kc_state_free(&st);
			}
			close_sockets();
		}
		if (!injected) {
			r->points = n - 1 - r->skipped;
			break;
		}
	}
	if (n > r->skipped + opt.max_n) {
		r->points = opt.max_n;
		r->capped = true;
	}
	unload();
	r->seconds = gnl_now() - t0;
	printf("kfault: %-18s %4d fault points (after %d of the loader), %4d injected: %d failed loads, %d loads; %d distinct outcomes; %d findings (%.1f s)%s\n",
	       ex->name, r->points, r->skipped, r->injected, r->errors, r->successes,
	       r->nsigs, r->findings, r->seconds, r->capped ? " CAPPED" : "");
	json_exemplar(ex, r);
}

/* Module unload under fail-nth: it must succeed, whatever fails. */
static void walk_unload(struct ex_result *r, const struct exemplar *ex)
{
	int n, err;
	double t0 = gnl_now();

	cur = r;
	r->name = ex->name;
	for (n = 1; n <= opt.max_n; n++) {
		int left;

		err = reload(load_params);
		if (!err) {
			/* Something to free: an owned buffer, a listener, an arena. */
			err = kc_buffer_new(&q, "fu_sock", 100, KALLOC_POLICY_SLAB, NULL,
					    KALLOC_BUFFER_F_SOCKET, NULL, NULL);
		}
		if (err) {
			finding("N=%d: setup: %s", n, gnl_errname(err));
			break;
		}
		arm(n);
		err = syscall(SYS_delete_module, "kalloc", O_NONBLOCK) ? -errno : 0;
		left = disarm();
		if (left == 0) {
			r->injected++;
			add_sig((uint64_t)err);
		}
		if (err || module_loaded()) {
			r->errors++;
			finding("N=%d: unload failed: %s", n, strerror(-err));
		} else {
			r->successes++;
		}
		close_sockets();
		if (left != 0) {
			r->points = n - 1;
			break;
		}
	}
	if (n > opt.max_n) {
		r->points = opt.max_n;
		r->capped = true;
	}
	r->seconds = gnl_now() - t0;
	printf("kfault: %-18s %4d fault points, %4d injected: %d unloads, %d failures; %d findings (%.1f s)%s\n",
	       ex->name, r->points, r->injected, r->successes, r->errors, r->findings,
	       r->seconds, r->capped ? " CAPPED" : "");
	json_exemplar(ex, r);
}

#define EX(...) { __VA_ARGS__ }
static const struct exemplar exemplars[] = {
	EX(.name = "buffer-new", .what = "BUFFER_NEW of 1000 bytes in kmalloc, with an owner", .cmd = KALLOC_CMD_BUFFER_NEW, .dump = false, .setup = setup_new, .build = build_new_small, .verify = verify_new_small, .undo = undo_new),
	EX(.name = "buffer-new-large", .what = "BUFFER_NEW of 300000 bytes in kmalloc (kvmalloc: kmalloc, then vmalloc)", .cmd = KALLOC_CMD_BUFFER_NEW, .dump = false, .setup = setup_new, .build = build_new_large, .verify = verify_new_large, .undo = undo_new),
	EX(.name = "buffer-new-arena", .what = "BUFFER_NEW in tlsf, owned by the socket", .cmd = KALLOC_CMD_BUFFER_NEW, .dump = false, .setup = setup_new, .build = build_new_arena, .verify = verify_new_arena, .undo = undo_new),
	EX(.name = "buffer-new-first", .what = "the first BUFFER_NEW of best-fit: its arena is created (a fresh module each time)", .cmd = KALLOC_CMD_BUFFER_NEW, .dump = false, .setup = setup_first_arena, .build = build_first_arena, .verify = verify_first_arena, .undo = NULL, .reload_each = true, .params = "arena_bytes=65536"),
	EX(.name = "buffer-del", .what = "BUFFER_DEL by name", .cmd = KALLOC_CMD_BUFFER_DEL, .dump = false, .setup = setup_del, .build = build_del, .verify = verify_del, .undo = undo_del),
	EX(.name = "buffer-set", .what = "BUFFER_SET: 4000 bytes in kmalloc grown to 9000 in buddy", .cmd = KALLOC_CMD_BUFFER_SET, .dump = false, .setup = setup_set, .build = build_set, .verify = verify_set, .undo = undo_set),
	EX(.name = "buffer-read", .what = "BUFFER_READ of 32 KiB", .cmd = KALLOC_CMD_BUFFER_READ, .dump = false, .setup = setup_io, .build = build_read, .verify = verify_read, .undo = NULL),
	EX(.name = "buffer-write", .what = "BUFFER_WRITE of 3000 bytes", .cmd = KALLOC_CMD_BUFFER_WRITE, .dump = false, .setup = setup_io, .build = build_write, .verify = verify_write, .undo = undo_write),
	EX(.name = "buffer-get", .what = "BUFFER_GET by name", .cmd = KALLOC_CMD_BUFFER_GET, .dump = false, .setup = base_setup, .build = build_get, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "buffer-get-dump", .what = "BUFFER_GET dump of 42 buffers (several passes)", .cmd = KALLOC_CMD_BUFFER_GET, .dump = true, .setup = setup_many, .build = build_get_dump, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "buffer-check", .what = "BUFFER_CHECK by name", .cmd = KALLOC_CMD_BUFFER_CHECK, .dump = false, .setup = base_setup, .build = build_check, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "buffer-check-dump", .what = "BUFFER_CHECK dump of 42 buffers", .cmd = KALLOC_CMD_BUFFER_CHECK, .dump = true, .setup = setup_many, .build = build_check_dump, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "buffer-flush", .what = "BUFFER_FLUSH of an owner with two buffers", .cmd = KALLOC_CMD_BUFFER_FLUSH, .dump = false, .setup = setup_flush, .build = build_flush, .verify = verify_flush, .undo = undo_flush),
	EX(.name = "policy-get", .what = "POLICY_GET of buddy", .cmd = KALLOC_CMD_POLICY_GET, .dump = false, .setup = base_setup, .build = build_policy_get, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "policy-get-dump", .what = "POLICY_GET dump", .cmd = KALLOC_CMD_POLICY_GET, .dump = true, .setup = base_setup, .build = build_policy_dump, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "policy-set-migrate", .what = "POLICY_SET kmalloc, MIGRATE FROM buddy: three buffers move", .cmd = KALLOC_CMD_POLICY_SET, .dump = false, .setup = setup_migrate, .build = build_migrate, .verify = verify_migrate, .undo = undo_migrate),
	EX(.name = "stats-get", .what = "STATS_GET with PERF_FLUSH", .cmd = KALLOC_CMD_STATS_GET, .dump = false, .setup = base_setup, .build = build_stats, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "stats-set", .what = "STATS_SET 1000 ms", .cmd = KALLOC_CMD_STATS_SET, .dump = false, .setup = base_setup, .build = build_stats_set, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "meminfo-get", .what = "MEMINFO_GET", .cmd = KALLOC_CMD_MEMINFO_GET, .dump = false, .setup = base_setup, .build = build_meminfo, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "bench-run", .what = "BENCH_RUN of the uniform scenario, 1 operation (6 allocators)", .cmd = KALLOC_CMD_BENCH_RUN, .dump = false, .setup = base_setup, .build = build_bench, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "vdev-new", .what = "VDEV_NEW of an 8 KiB window with an owner (a misc device registered)", .cmd = KALLOC_CMD_VDEV_NEW, .dump = false, .setup = setup_vnew, .build = build_vnew, .verify = verify_vnew, .undo = undo_vnew),
	EX(.name = "vdev-get", .what = "VDEV_GET by name", .cmd = KALLOC_CMD_VDEV_GET, .dump = false, .setup = vdev_base, .build = build_vget, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "vdev-get-dump", .what = "VDEV_GET dump of 4 devices", .cmd = KALLOC_CMD_VDEV_GET, .dump = true, .setup = setup_vdump, .build = build_vget_dump, .verify = verify_unchanged, .undo = NULL),
	EX(.name = "vdev-del", .what = "VDEV_DEL by name (the misc device deregistered)", .cmd = KALLOC_CMD_VDEV_DEL, .dump = false, .setup = setup_vdel, .build = build_vdel, .verify = verify_vdel, .undo = NULL),
	EX(.name = "vdev-set", .what = "VDEV_SET: IRQ_ENABLE cleared, a timer period set (the timer left off)", .cmd = KALLOC_CMD_VDEV_SET, .dump = false, .setup = setup_vset, .build = build_vset, .verify = verify_vset, .undo = NULL),
	EX(.name = "vdev-irq", .what = "VDEV_IRQ: one interrupt raised", .cmd = KALLOC_CMD_VDEV_IRQ, .dump = false, .setup = setup_virq, .build = build_virq, .verify = verify_virq, .undo = NULL),
	EX(.name = "vdev-dma-from", .what = "VDEV_DMA from-device, 3000 bytes of the window into a buffer, DMA_WAIT", .cmd = KALLOC_CMD_VDEV_DMA, .dump = false, .setup = setup_vdma, .build = build_vdma_from, .verify = verify_vdma_from, .undo = undo_vdma_from),
	EX(.name = "vdev-dma-to", .what = "VDEV_DMA to-device, 3000 bytes of a buffer into the window, DMA_WAIT", .cmd = KALLOC_CMD_VDEV_DMA, .dump = false, .setup = setup_vdma, .build = build_vdma_to, .verify = verify_vdma_to, .undo = NULL),
	EX(.name = "module-load", .what = "insmod names=fa,fb,fc values=100,5000,70000 policy=buddy (finit_module)", .cmd = 0, .dump = false, .setup = NULL, .build = NULL, .verify = NULL, .undo = NULL),
	EX(.name = "module-unload", .what = "rmmod with buffers, an arena and a socket-owned buffer (delete_module)", .cmd = 0, .dump = false, .setup = NULL, .build = NULL, .verify = NULL, .undo = NULL),
};

#define NEX (int)(sizeof(exemplars) / sizeof(exemplars[0]))

static bool selected(const char *name)
{
	const char *p;
	size_t n = strlen(name);

	if (!opt.only)
		return true;
	for (p = opt.only; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "ko", required_argument, NULL, 'k' },
		{ "json", required_argument, NULL, 'j' },
		{ "only", required_argument, NULL, 'o' },
		{ "max-n", required_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ex_result res[NEX];
	int ch, i, total_points = 0, total_injected = 0, total_paths = 0, covered_cmds = 0;
	int fault_only = 0, clean_blocks = 0;
	char why[256];

	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 'k': opt.ko = optarg; break;
		case 'j': opt.json = optarg; break;
		case 'o': opt.only = optarg; break;
		case 'n': opt.max_n = atoi(optarg); break;
		case 'l': opt.list = true; break;
		default:
			fprintf(stderr, "usage: kfault --ko PATH [--json FILE] [--only NAMES] [--max-n N] [--list]\n");
			return 2;
		}
	}
	if (opt.list) {
		for (i = 0; i < NEX; i++)
			printf("%-20s %s\n", exemplars[i].name, exemplars[i].what);
		return 0;
	}
	if (!opt.ko) {
		fprintf(stderr, "kfault: --ko PATH is needed\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_fd = open(opt.ko, O_RDONLY | O_CLOEXEC);
	if (load_fd < 0) {
		perror(opt.ko);
		return 2;
	}
	if (setup_knobs())
		return 2;
	if (reload(NULL)) {
		fprintf(stderr, "kfault: cannot load %s\n", opt.ko);
		return 2;
	}
	/* The module loader's trace is long: room for 16M PCs. */
	kcov_set_entries(1UL << 24);
	if (!kcov_open(&kc, "kalloc", opt.ko, false, why, sizeof(why))) {
		kcov_on = true;
		clean_map = calloc(kc.map.nblocks, 1);
		fault_map = calloc(kc.map.nblocks, 1);
		printf("kfault: KCOV on (%d blocks in kalloc.ko's .text)\n", kc.map.nblocks);
	} else {
		kc.fd = -1;
		printf("kfault: no KCOV (%s): extended-ACK attribution and path counts are off\n", why);
	}
	if (opt.json) {
		jf = fopen(opt.json, "w");
		if (jf)
			fprintf(jf, "{\n  \"tool\": \"kfault\",\n  \"method\": \"fail-nth of the sending thread over failslab and fail_page_alloc (ignore-gfp-wait N, min-order 1, ignore-gfp-highmem Y, verbose 0); N from 1 until the command runs untouched\",\n  \"exemplars\": [");
	}
	t0_all = gnl_now();
	for (i = 0; i < NEX; i++) {
		const struct exemplar *ex = &exemplars[i];

		if (!selected(ex->name))
			continue;
		if (ex->cmd && (reload(NULL) || !kc_has_cmd(&c, ex->cmd))) {
			printf("kfault: %s: the family has no command %u\n", ex->name, ex->cmd);
			continue;
		}
		if (!strcmp(ex->name, "module-load"))
			walk_load(&res[i], ex);
		else if (!strcmp(ex->name, "module-unload"))
			walk_unload(&res[i], ex);
		else
			walk(ex, &res[i]);
		total_points += res[i].points;
		total_injected += res[i].injected;
		total_paths += res[i].nsigs;
	}
	/* Which commands of the family no exemplar covers (a new command?). */
	if (!reload(NULL)) {
		for (i = 0; i < c.family.nops; i++) {
			int j;
			bool have = false;

			for (j = 0; j < NEX; j++)
				have |= exemplars[j].cmd == c.family.ops[i].cmd;
			if (have)
				covered_cmds++;
			else
				printf("kfault: command %u has no exemplar: not fault-injected\n",
				       c.family.ops[i].cmd);
		}
	}
	for (i = 0; kcov_on && i < kc.map.nblocks; i++) {
		clean_blocks += clean_map[i];
		fault_only += fault_map[i] && !clean_map[i];
	}
	printf("kfault: %d fault points walked, %d faults injected, %d distinct error paths, %d of %d commands; %d kalloc.ko blocks reached only under injection; %d findings (%.0f s)\n",
	       total_points, total_injected, total_paths, covered_cmds, c.family.nops,
	       fault_only, nfindings, gnl_now() - t0_all);
	if (jf) {
		fprintf(jf, "\n  ],\n  \"fault_points\": %d,\n  \"injected\": %d,\n  \"paths\": %d,\n  \"commands\": %d,\n  \"commands_covered\": %d,\n",
			total_points, total_injected, total_paths, c.family.nops, covered_cmds);
		if (kcov_on)
			fprintf(jf, "  \"blocks_total\": %d,\n  \"blocks_clean\": %d,\n  \"blocks_fault_only\": %d,\n",
				kc.map.nblocks, clean_blocks, fault_only);
		if (kcov_on) {
			fprintf(jf, "  \"bitmap\": ");
			kcov_json_bitmap(&kc, jf);
			fprintf(jf, ",\n");
		}
		fprintf(jf, "  \"duration_s\": %.1f,\n  \"findings\": %d\n}\n", gnl_now() - t0_all,
			nfindings);
		fclose(jf);
	}
	unload();
	return nfindings ? 1 : 0;
}
