// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kfuzz: a generic netlink fuzzer that learns its target from the kernel.
 *
 * It keeps no list of commands or attributes. At start it asks the
 * controller for the family (CTRL_CMD_GETFAMILY: id, ops and their flags,
 * multicast groups) and for every op's attribute policy
 * (CTRL_CMD_GETPOLICY), and generates requests from those policies: mostly
 * valid, with mutations of types, lengths, ranges, masks, strings,
 * nesting, header fields and flags, truncations and batches. It sends them
 * in short programs that build state: values the kernel returns in replies
 * (ids, names) and values of requests that succeeded go into a pool, and
 * later requests draw from it, the last reply first, so that it creates
 * and then acts on what it created. A command added to the family is
 * fuzzed the day it lands.
 *
 * Judging, per request:
 *   - an answer (ACK, error or NLMSG_DONE) within the timeout, except for
 *     messages the netlink core is documented to drop (nlmsg_len past the
 *     datagram or under the header size), which must stay unanswered;
 *   - what the core defines: an unknown command, a dump of a do-only op
 *     and a do of a dump-only op are EOPNOTSUPP; a reserved genl header
 *     byte or nlmsg flag is EINVAL; a request that breaks the op's policy
 *     (length, range, mask, unknown or unsupported attribute, a string
 *     without NUL or too long, trailing bytes) never succeeds and carries
 *     an extended ACK message; for an unprivileged or user-namespace
 *     caller every op flagged GENL_ADMIN_PERM fails with EPERM (never a
 *     reply), and from another network namespace a family that is not
 *     netnsok answers ENOENT to everything;
 *   - well-formed replies: the family's type, our sequence number, TLVs
 *     that fit; dumps end with NLMSG_DONE;
 *   - liveness: every few programs the controller must still resolve the
 *     family and every dump the caller may run must complete.
 * Multicast messages of every group the caller may join are read too and
 * must be well formed.
 *
 * Ops found slow (--heavy-ms) are sent from a forked child that is killed
 * with SIGKILL after --heavy-deadline-ms: the kernel's fatal-signal paths
 * run, the budget holds, and the next request must find the family well.
 *
 * Every datagram sent is logged (--log) and can be sent again in the same
 * order with --replay on a freshly loaded module. A finding prints the
 * requests that led to it.
 *
 * Output: a line per finding, a summary, and with --json the coverage:
 * ops and attributes sent valid and mutated and how the kernel answered,
 * mutations, and with --kcov the basic blocks of the module reached.
 *
 * Exit status: 0 no finding, 1 findings, 2 usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "gnl.h"
#include "kcov.h"

#define MAX_ATTR_TYPE	1024
#define POOL_STR	64
#define POOL_INT	64
#define HISTORY		24
#define MAX_ERRNO	134
#define PAGE		4096ULL
#define MAX_TEMPLATES	8

/* ---- options ------------------------------------------------------------ */

enum caller { CALLER_ROOT, CALLER_USER, CALLER_USERNS, CALLER_NETNS };
static const char *const caller_names[] = { "root", "user", "userns", "netns" };

static struct {
	const char *family;
	uint64_t seed;
	long count;
	double seconds;
	enum caller caller;
	int timeout_ms;
	int heavy_ms;
	int heavy_deadline_ms;
	int probe_every;
	const char *log_path;
	const char *json_path;
	const char *replay_path;
	long replay_upto;
	bool kcov;
	const char *module;
	const char *ko_path;
	bool verbose;
	bool no_groups;
} opt = {
	.family = "kalloc",
	.seed = 1,
	.count = 2000,
	.timeout_ms = 120000,
	.heavy_ms = 1500,
	.heavy_deadline_ms = 4000,
	.probe_every = 8,
	.module = "kalloc",
};

/* ---- randomness: xorshift64*, seeded --------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* ---- what the fuzzer knows ------------------------------------------------- */

static struct gnl_family fam;
static struct gnl_sock sk;	/* requests */
static struct gnl_sock mon;	/* multicast listener */
static bool mon_open;
static FILE *logf;
static struct kcov kc;
static bool kcov_on;

/* Values learned from replies and from requests that succeeded. */
struct pool {
	int nstr, nint;
	char str[POOL_STR][64];
	uint64_t ints[POOL_INT];
	uint8_t int_len[POOL_INT];
};
static struct pool pool[MAX_ATTR_TYPE];
static struct pool recent[MAX_ATTR_TYPE];	/* the last reply that came */
static bool recent_any;

/* ---- statistics ------------------------------------------------------------ */

struct attr_stat {
	uint32_t sent_valid, sent_mutated, in_accepted, in_rejected;
};

struct op_stat {
	uint32_t sent_do, sent_dump, ok, rejected, silent, interrupted;
	uint32_t err[MAX_ERRNO];
	double seconds;
	uint32_t timed;
	bool heavy;	/* slow: sent from a child that is killed at a deadline */
	bool proven;	/* a request of it succeeded fast in this process */
	/* Learned: attributes the kernel said were missing (MISS_TYPE). */
	uint32_t required[MAX_ATTR_TYPE / 32];
	/* Learned: attribute sets of requests that succeeded, do and dump. */
	int ntemplates[2];
	uint32_t tmpl[2][MAX_TEMPLATES][MAX_ATTR_TYPE / 32];
	uint32_t template_used;
	struct attr_stat attr[MAX_ATTR_TYPE];
};

static struct op_stat *opstat;	/* [fam.nops] */
static struct op_stat unknown_stat;

enum mutation {
	M_NONE,
	M_UNKNOWN_CMD, M_DUMP_ON_DO, M_DO_ON_DUMP, M_RESERVED_GENL,
	M_RESERVED_FLAG, M_NO_REQUEST, M_ECHO, M_VERSION,
	M_TRUNC_DECLARED, M_TRUNC_HEADER, M_TRUNC_ATTR, M_TRAILING, M_BATCH,
	M_INT_LEN, M_INT_RANGE, M_MASK, M_STR_NO_NUL, M_STR_EMBEDDED_NUL,
	M_STR_OVERLONG, M_STR_EMPTY, M_STR_ODD, M_FLAG_PAYLOAD, M_BIN_LEN,
	M_UNKNOWN_ATTR, M_NESTED_FLAG, M_ATTR_LEN_LIE, M_DUP_ATTR,
	M_MANY_ATTRS, M_DUMP_ATTRS, M_NEST_GARBAGE,
	M_COUNT
};

static const char *const mutation_names[M_COUNT] = {
	[M_NONE] = "none (valid)",
	[M_UNKNOWN_CMD] = "unknown command",
	[M_DUMP_ON_DO] = "dump of a do-only op",
	[M_DO_ON_DUMP] = "do of a dump-only op",
	[M_RESERVED_GENL] = "genlmsghdr.reserved set",
	[M_RESERVED_FLAG] = "reserved nlmsg_flags bit",
	[M_NO_REQUEST] = "NLM_F_REQUEST missing",
	[M_ECHO] = "NLM_F_ECHO",
	[M_VERSION] = "genl version changed",
	[M_TRUNC_DECLARED] = "nlmsg_len past the datagram",
	[M_TRUNC_HEADER] = "message shorter than its headers",
	[M_TRUNC_ATTR] = "last attribute cut short",
	[M_TRAILING] = "trailing bytes after the attributes",
	[M_BATCH] = "two requests in one datagram",
	[M_INT_LEN] = "integer of the wrong length",
	[M_INT_RANGE] = "integer outside its range",
	[M_MASK] = "bit outside the mask",
	[M_STR_NO_NUL] = "string without NUL",
	[M_STR_EMBEDDED_NUL] = "string with an embedded NUL",
	[M_STR_OVERLONG] = "string over its maximum",
	[M_STR_EMPTY] = "empty payload",
	[M_STR_ODD] = "string of odd characters",
	[M_FLAG_PAYLOAD] = "flag with a payload",
	[M_BIN_LEN] = "binary of a length outside its bounds",
	[M_UNKNOWN_ATTR] = "attribute outside the policy",
	[M_NESTED_FLAG] = "NLA_F_NESTED on a plain attribute",
	[M_ATTR_LEN_LIE] = "nla_len past the message",
	[M_DUP_ATTR] = "attribute given twice",
	[M_MANY_ATTRS] = "hundreds of attributes",
	[M_DUMP_ATTRS] = "dump with attributes",
	[M_NEST_GARBAGE] = "nest of garbage",
};

static uint32_t mutation_sent[M_COUNT], mutation_rejected[M_COUNT];

static long n_sent, n_programs, n_probes, n_interrupted, n_heavy_sent;
static long n_mcast, n_mcast_enobufs;
static int n_findings;
static uint32_t err_total[MAX_ERRNO];
static double t_start;

/* ---- history and findings --------------------------------------------------- */

struct sent {
	long index;
	char desc[240];
	size_t len;
	uint8_t bytes[512];
};
static struct sent history[HISTORY];
static long history_n;

#define MAX_FINDINGS 64
static struct {
	char kind[64];
	char detail[256];
	long index;
} findings[MAX_FINDINGS];

static void print_history(void)
{
	long i, from = history_n > HISTORY ? history_n - HISTORY : 0;

	printf("  the requests that led here (oldest first; all of them: --log, replay with --replay):\n");
	for (i = from; i < history_n; i++) {
		const struct sent *h = &history[i % HISTORY];
		char hex[1025];

		gnl_hex(hex, sizeof(hex), h->bytes, h->len);
		printf("    #%ld %s\n      %s%s\n", h->index, h->desc, hex,
		       h->len > 512 ? "..." : "");
	}
}

static void finding(const char *kind, const char *fmt, ...)
{
	va_list ap;
	char detail[256];

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("FINDING %s: %s (request #%ld, caller %s, seed %llu)\n", kind,
	       detail, n_sent, caller_names[opt.caller],
	       (unsigned long long)opt.seed);
	if (n_findings < MAX_FINDINGS) {
		snprintf(findings[n_findings].kind, sizeof(findings[0].kind), "%s", kind);
		snprintf(findings[n_findings].detail, sizeof(findings[0].detail), "%s",
			 detail);
		findings[n_findings].index = n_sent;
	}
	if (n_findings < 8)
		print_history();
	n_findings++;
	fflush(stdout);
}

/* ---- the value pool --------------------------------------------------------- */

static bool printable_name(const char *s, int len)
{
	int i;

	if (len < 2 || s[len - 1] != '\0')
		return false;
	for (i = 0; i < len - 1; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static void pool_add(struct pool *p, const struct nlattr *a)
{
	int len = gnl_attr_len(a), i;
	const char *d = gnl_attr_data(a);

	if (printable_name(d, len) && len <= 64) {
		for (i = 0; i < p->nstr; i++)
			if (!strcmp(p->str[i], d))
				return;
		snprintf(p->str[p->nstr < POOL_STR ? p->nstr++ : (int)below(POOL_STR)],
			 64, "%s", d);
	} else if (len == 1 || len == 2 || len == 4 || len == 8) {
		uint64_t v = gnl_get_uint(a);
		int slot;

		for (i = 0; i < p->nint; i++)
			if (p->ints[i] == v && p->int_len[i] == len)
				return;
		slot = p->nint < POOL_INT ? p->nint++ : (int)below(POOL_INT);
		p->ints[slot] = v;
		p->int_len[slot] = (uint8_t)len;
	}
}

static void pool_learn_attrs(struct pool *pl, const void *start, int len)
{
	const struct nlattr *a;

	gnl_for_each_attr(a, start, len)
		if (gnl_attr_type(a) < MAX_ATTR_TYPE && !(a->nla_type & NLA_F_NESTED))
			pool_add(&pl[gnl_attr_type(a)], a);
}

static void learn_reply(const struct gnl_reply *r)
{
	struct nlmsghdr *n;
	bool first = true;

	for (n = NULL; (n = gnl_reply_next(r, n));) {
		const struct nlattr *a;
		int len;

		if (n->nlmsg_type != fam.id)
			continue;
		a = gnl_msg_attrs(n, fam.hdrsize, &len);
		pool_learn_attrs(pool, a, len);
		if (first) {
			memset(recent, 0, sizeof(recent));
			recent_any = true;
			first = false;
		}
		pool_learn_attrs(recent, a, len);
	}
}

/* ---- generating values ----------------------------------------------------- */

static const char name_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

static void fresh_name(char *s, int maxlen)
{
	int n = 1 + (int)below(maxlen < 12 ? maxlen : 12), i;

	s[0] = 'f';
	for (i = 1; i < n; i++)
		s[i] = name_chars[below(sizeof(name_chars) - 1)];
	s[n] = '\0';
	if (chance(20) && n > 2)
		s[1 + below(n - 2)] = chance(50) ? '.' : '-';
}

static uint64_t type_max(uint32_t type)
{
	switch (type) {
	case NL_ATTR_TYPE_U8: return 0xff;
	case NL_ATTR_TYPE_U16: return 0xffff;
	case NL_ATTR_TYPE_U32: return 0xffffffffULL;
	default: return ~0ULL;
	}
}

static int type_len(uint32_t type)
{
	switch (type) {
	case NL_ATTR_TYPE_U8: case NL_ATTR_TYPE_S8: return 1;
	case NL_ATTR_TYPE_U16: case NL_ATTR_TYPE_S16: return 2;
	case NL_ATTR_TYPE_U32: case NL_ATTR_TYPE_S32: return 4;
	case NL_ATTR_TYPE_U64: case NL_ATTR_TYPE_S64: return 8;
	case NL_ATTR_TYPE_BITFIELD32: return 8;
	default: return 0;
	}
}

static bool is_uint(uint32_t type)
{
	return type >= NL_ATTR_TYPE_U8 && type <= NL_ATTR_TYPE_U64;
}

static bool is_sint(uint32_t type)
{
	return type >= NL_ATTR_TYPE_S8 && type <= NL_ATTR_TYPE_S64;
}

static void uint_range(const struct gnl_attr_policy *ap, uint64_t *lo, uint64_t *hi)
{
	*lo = ap->has_min_u ? ap->min_u : 0;
	*hi = ap->has_max_u ? ap->max_u : type_max(ap->type);
}

/* The edges every fuzzer tries: 0, 1, PAGE_SIZE +-1, 2^31, 2^32-1, 2^64-1. */
static const uint64_t edges[] = {
	0, 1, 2, PAGE - 1, PAGE, PAGE + 1, 1ULL << 31, (1ULL << 31) - 1,
	0xffffffffULL, 1ULL << 32, ~0ULL, 0xff, 0x100, 0xffff, 0x10000,
};

/* A value inside [lo, hi] (the policy's range), or from the pools. */
static uint64_t valid_uint(const struct gnl_attr_policy *ap, int type, bool *from_pool)
{
	uint64_t lo, hi, v;
	struct pool *cands[2] = { &recent[type], &pool[type] };
	int c;

	*from_pool = false;
	if (ap->has_mask) {
		v = rnd() & ap->mask;
		if (chance(40))
			v = 0;
		return v;
	}
	uint_range(ap, &lo, &hi);
	for (c = 0; c < 2; c++) {
		struct pool *p = cands[c];

		if (type < MAX_ATTR_TYPE && p->nint && chance(c == 0 ? 60 : 45)) {
			v = p->ints[below(p->nint)];
			if (v >= lo && v <= hi) {
				*from_pool = true;
				return v;
			}
		}
	}
	switch (below(6)) {
	case 0:
		return chance(50) ? lo : hi;
	case 1:
		return chance(50) ? (lo < hi ? lo + 1 : lo) : (hi > lo ? hi - 1 : hi);
	case 2:
		v = edges[below(sizeof(edges) / sizeof(edges[0]))];
		if (v >= lo && v <= hi)
			return v;
		return lo;
	default: {
		/* Log-uniform inside the range: small values as often as big. */
		uint64_t span = hi - lo;
		int bits = 0;

		while (bits < 64 && (span >> bits))
			bits++;
		bits = (int)below(bits + 1);
		v = bits >= 64 ? rnd() : rnd() & ((1ULL << bits) - 1);
		if (span != ~0ULL && v > span)
			v %= span + 1;
		return lo + v;
	}
	}
}

/* A value outside the range, or ~0 if the range is the whole type. */
static bool invalid_uint(const struct gnl_attr_policy *ap, uint64_t *v)
{
	uint64_t lo, hi, cands[24];
	unsigned int n = 0, i;

	if (ap->has_mask) {
		uint64_t outside = ~ap->mask & type_max(ap->type);

		if (!outside)
			return false;
		do
			*v = rnd() & outside;
		while (!*v);
		*v |= rnd() & ap->mask;
		return true;
	}
	uint_range(ap, &lo, &hi);
	if (lo > 0)
		cands[n++] = lo - 1;
	if (hi < type_max(ap->type))
		cands[n++] = hi + 1;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		if ((edges[i] < lo || edges[i] > hi) && edges[i] <= type_max(ap->type))
			cands[n++] = edges[i];
	if (!n)
		return false;
	*v = cands[below(n)];
	return true;
}

static void put_uint(struct gnl_msg *m, uint16_t type, uint64_t v, int len)
{
	uint8_t b[8];

	memcpy(b, &v, 8);	/* little endian: the low bytes first */
	gnl_put(m, type, b, len);
}

/* ---- building a request ---------------------------------------------------- */

struct plan {
	int opi;		/* index into fam.ops, or -1 for an unknown cmd */
	uint8_t cmd;
	bool dump;
	enum mutation mut;
	/* What must happen. */
	bool expect_silence;
	bool expect_ack_only;
	bool policy_violation;	/* must fail, with an extack message */
	int expect_err;		/* exactly this -errno, or 0 */
	int nmsgs;		/* messages in the datagram */
	char desc[240];
	int mut_attr;		/* the attribute mutated, or 0 */
};

static int append(char *s, size_t n, const char *fmt, ...)
{
	size_t len = strlen(s);
	va_list ap;
	int r;

	if (len >= n)
		return 0;
	va_start(ap, fmt);
	r = vsnprintf(s + len, n - len, fmt, ap);
	va_end(ap);
	return r;
}

static void gen_attrs(struct gnl_msg *m, struct plan *pl, const struct gnl_policy *pol,
		      int depth, bool top, struct op_stat *st);

/* One attribute, valid unless mut says how to break it. */
static void gen_attr(struct gnl_msg *m, struct plan *pl, const struct gnl_policy *pol,
		     int type, enum mutation mut, int depth, struct op_stat *st)
{
	const struct gnl_attr_policy *ap = &pol->attr[type];
	char s[8192];
	uint64_t v = 0;
	bool from_pool = false;
	int len, i;

	if (st && type < MAX_ATTR_TYPE) {
		if (mut == M_NONE)
			st->attr[type].sent_valid++;
		else
			st->attr[type].sent_mutated++;
	}
	switch (ap->type) {
	case NL_ATTR_TYPE_FLAG:
		if (mut == M_FLAG_PAYLOAD) {
			gnl_put_u32(m, type, (uint32_t)rnd());
			append(pl->desc, sizeof(pl->desc), " %d:flag+payload", type);
			pl->policy_violation = true;
		} else {
			gnl_put_flag(m, type);
			append(pl->desc, sizeof(pl->desc), " %d:flag", type);
		}
		return;
	case NL_ATTR_TYPE_U8: case NL_ATTR_TYPE_U16:
	case NL_ATTR_TYPE_U32: case NL_ATTR_TYPE_U64:
	case NL_ATTR_TYPE_S8: case NL_ATTR_TYPE_S16:
	case NL_ATTR_TYPE_S32: case NL_ATTR_TYPE_S64:
		len = type_len(ap->type);
		if (mut == M_INT_LEN) {
			static const int lens[] = { 0, 1, 2, 3, 5, 7, 9, 16 };

			do
				i = lens[below(sizeof(lens) / sizeof(lens[0]))];
			while (i == len);
			v = rnd();
			memset(s, 0, sizeof(s));
			memcpy(s, &v, 8);
			gnl_put(m, type, s, i);
			append(pl->desc, sizeof(pl->desc), " %d:len%d", type, i);
			pl->policy_violation = true;
			return;
		}
		if ((mut == M_INT_RANGE || mut == M_MASK) && is_uint(ap->type) &&
		    invalid_uint(ap, &v)) {
			put_uint(m, type, v, len);
			append(pl->desc, sizeof(pl->desc), " %d:%llu!", type,
			       (unsigned long long)v);
			pl->policy_violation = true;
			return;
		}
		if (is_sint(ap->type)) {
			int64_t lo = ap->has_min_s ? ap->min_s : INT64_MIN;
			int64_t hi = ap->has_max_s ? ap->max_s : INT64_MAX;
			int64_t sv = chance(30) ? lo : chance(30) ? hi : lo + (int64_t)(rnd() % ((uint64_t)(hi - lo) + 1));

			put_uint(m, type, (uint64_t)sv, len);
			append(pl->desc, sizeof(pl->desc), " %d:%lld", type, (long long)sv);
			return;
		}
		v = valid_uint(ap, type, &from_pool);
		put_uint(m, type, v, len);
		append(pl->desc, sizeof(pl->desc), " %d:%llu%s", type,
		       (unsigned long long)v, from_pool ? "(pool)" : "");
		return;
	case NL_ATTR_TYPE_BITFIELD32: {
		uint32_t bf[2];

		bf[1] = (uint32_t)rnd() & ap->bitfield32_mask;
		bf[0] = (uint32_t)rnd() & bf[1];
		if (mut == M_MASK && ~ap->bitfield32_mask) {
			bf[1] |= ~ap->bitfield32_mask & (uint32_t)rnd();
			bf[1] |= 0x80000000U & ~ap->bitfield32_mask;
			pl->policy_violation = bf[1] & ~ap->bitfield32_mask;
		}
		gnl_put(m, type, bf, sizeof(bf));
		append(pl->desc, sizeof(pl->desc), " %d:bf(%x/%x)", type, bf[0], bf[1]);
		return;
	}
	case NL_ATTR_TYPE_NUL_STRING:
	case NL_ATTR_TYPE_STRING: {
		int max = ap->has_max_len ? (int)ap->max_len : 64;
		bool nul = ap->type == NL_ATTR_TYPE_NUL_STRING;
		struct pool *p = type < MAX_ATTR_TYPE ? &pool[type] : NULL;
		struct pool *rp = type < MAX_ATTR_TYPE ? &recent[type] : NULL;

		if (max > 4000)
			max = 4000;
		s[0] = '\0';
		if (rp && rp->nstr && chance(55))
			snprintf(s, sizeof(s), "%s", rp->str[below(rp->nstr)]);
		else if (p && p->nstr && chance(45))
			snprintf(s, sizeof(s), "%s", p->str[below(p->nstr)]);
		else
			fresh_name(s, max > 0 ? max : 1);
		if ((int)strlen(s) > max)
			s[max] = '\0';
		len = (int)strlen(s) + 1;
		switch (mut) {
		case M_STR_NO_NUL:
			len--;
			if (len == 0) {
				s[0] = 'x';
				len = 1;
			}
			/* NUL_STRING needs a NUL within its maximum: none here. */
			pl->policy_violation = nul;
			break;
		case M_STR_EMBEDDED_NUL:
			if (len + 4 <= max + 1 || !ap->has_max_len) {
				memcpy(s + len, "ab", 3);
				len += 3;
			}
			break;
		case M_STR_OVERLONG: {
			int n = chance(50) ? max + 1 : (chance(50) ? 2 * max + 1 : 4000);

			for (i = 0; i < n; i++)
				s[i] = name_chars[below(sizeof(name_chars) - 1)];
			s[n] = '\0';
			len = n + 1;
			pl->policy_violation = ap->has_max_len && n > max;
			break;
		}
		case M_STR_EMPTY:
			len = 0;
			pl->policy_violation = true;	/* strings need a byte */
			break;
		case M_STR_ODD: {
			static const char *const odd[] = {
				"", ".", "-", "..", "a/b", "a b", "\x7f", "\xff\xfe",
				"%s%n", "a\tb", "\x01", "ab\nc", "\xc3\xa9",
			};

			snprintf(s, sizeof(s), "%s", odd[below(sizeof(odd) / sizeof(odd[0]))]);
			len = (int)strlen(s) + 1;
			break;
		}
		default:
			break;
		}
		gnl_put(m, type, s, len);
		append(pl->desc, sizeof(pl->desc), " %d:\"%.*s\"%s", type,
		       len > 24 ? 24 : (len > 0 ? (int)strnlen(s, len) : 0), s,
		       len > 24 ? "..." : "");
		return;
	}
	case NL_ATTR_TYPE_BINARY: {
		int lo = ap->has_min_len ? (int)ap->min_len : 0;
		int hi = ap->has_max_len ? (int)ap->max_len : 256;

		if (hi > (int)sizeof(s))
			hi = sizeof(s);
		if (hi < lo)
			hi = lo;
		if (mut == M_BIN_LEN) {
			if (ap->has_max_len && ap->max_len < sizeof(s) && chance(60)) {
				len = (int)ap->max_len + 1;
				pl->policy_violation = true;
			} else if (lo > 0) {
				len = (int)below(lo);
				pl->policy_violation = true;
			} else {
				len = 0;
			}
		} else {
			switch (below(4)) {
			case 0: len = lo; break;
			case 1: len = hi; break;
			default: len = lo + (int)below((uint64_t)(hi - lo) + 1);
				if (len > 512 && chance(70))
					len = lo + (int)below(512 > lo ? 512 - lo : 1);
			}
		}
		for (i = 0; i < len; i++)
			s[i] = (char)rnd();
		gnl_put(m, type, s, len);
		append(pl->desc, sizeof(pl->desc), " %d:bin[%d]", type, len);
		return;
	}
	case NL_ATTR_TYPE_NESTED:
	case NL_ATTR_TYPE_NESTED_ARRAY: {
		size_t nest = gnl_nest_start(m, type);
		const struct gnl_policy *inner = NULL;

		if (ap->has_nested && (int)ap->nested_idx < fam.npolicies)
			inner = &fam.policies[ap->nested_idx];
		append(pl->desc, sizeof(pl->desc), " %d:{", type);
		if (mut == M_NEST_GARBAGE || !inner || depth > 3) {
			for (i = 0, len = (int)below(24); i < len; i++)
				s[i] = (char)rnd();
			gnl_put_raw(m, s, len);
			/* Garbage need not parse; a garbage nest can still be empty. */
		} else if (ap->type == NL_ATTR_TYPE_NESTED_ARRAY) {
			int k, n = (int)below(4);

			for (k = 1; k <= n; k++) {
				size_t e = gnl_nest_start(m, k);

				gen_attrs(m, pl, inner, depth + 1, false, NULL);
				gnl_nest_end(m, e);
			}
		} else {
			gen_attrs(m, pl, inner, depth + 1, false, NULL);
		}
		gnl_nest_end(m, nest);
		append(pl->desc, sizeof(pl->desc), " }");
		return;
	}
	default:
		v = rnd();
		gnl_put(m, type, &v, below(9));
		append(pl->desc, sizeof(pl->desc), " %d:?", type);
		return;
	}
}

/* Which mutations can apply to an attribute of this policy. */
static enum mutation pick_attr_mutation(const struct gnl_attr_policy *ap)
{
	enum mutation c[8];
	int n = 0;
	uint64_t v;

	switch (ap->type) {
	case NL_ATTR_TYPE_FLAG:
		c[n++] = M_FLAG_PAYLOAD;
		break;
	case NL_ATTR_TYPE_U8: case NL_ATTR_TYPE_U16:
	case NL_ATTR_TYPE_U32: case NL_ATTR_TYPE_U64:
		c[n++] = M_INT_LEN;
		if (invalid_uint(ap, &v))
			c[n++] = ap->has_mask ? M_MASK : M_INT_RANGE;
		break;
	case NL_ATTR_TYPE_S8: case NL_ATTR_TYPE_S16:
	case NL_ATTR_TYPE_S32: case NL_ATTR_TYPE_S64:
		c[n++] = M_INT_LEN;
		break;
	case NL_ATTR_TYPE_BITFIELD32:
		c[n++] = M_MASK;
		break;
	case NL_ATTR_TYPE_NUL_STRING:
	case NL_ATTR_TYPE_STRING:
		c[n++] = M_STR_NO_NUL;
		c[n++] = M_STR_EMBEDDED_NUL;
		c[n++] = M_STR_OVERLONG;
		c[n++] = M_STR_EMPTY;
		c[n++] = M_STR_ODD;
		break;
	case NL_ATTR_TYPE_BINARY:
		c[n++] = M_BIN_LEN;
		break;
	case NL_ATTR_TYPE_NESTED:
	case NL_ATTR_TYPE_NESTED_ARRAY:
		c[n++] = M_NEST_GARBAGE;
		break;
	}
	return n ? c[below(n)] : M_NONE;
}

/*
 * The attributes of one request: a random subset of the policy's, valid,
 * except that at the top level one of them may be mutated (pl->mut says
 * which kind of mutation the request is).
 */
static void gen_attrs(struct gnl_msg *m, struct plan *pl, const struct gnl_policy *pol,
		      int depth, bool top, struct op_stat *st)
{
	int types[MAX_ATTR_TYPE], n = 0, i, victim = -1;

	if (!pol || !pol->attr)
		return;
	for (i = 1; i <= pol->maxtype && i < MAX_ATTR_TYPE; i++)
		if (pol->attr[i].present)
			types[n++] = i;
	if (!n)
		return;
	if (top && pl->mut == M_NONE && chance(28)) {
		/* Break one attribute of this request. */
		int t = types[below(n)];
		enum mutation mm = pick_attr_mutation(&pol->attr[t]);

		if (mm != M_NONE) {
			pl->mut = mm;
			victim = t;
			pl->mut_attr = t;
		}
	}
	/* Attributes in random order: order must not matter. */
	for (i = n - 1; i > 0; i--) {
		int j = (int)below(i + 1), tmp = types[i];

		types[i] = types[j];
		types[j] = tmp;
	}
	/*
	 * What the kernel taught: at the top level, half the time exactly
	 * the attributes of a request of this op that succeeded (which keeps
	 * constraints no policy states, such as "one of these two"), and
	 * otherwise a random subset that mostly has the attributes the
	 * kernel said were missing.
	 */
	if (top && st && st->ntemplates[pl->dump] && chance(50)) {
		const uint32_t *tm = st->tmpl[pl->dump][below(st->ntemplates[pl->dump])];

		st->template_used++;
		for (i = 0; i < n; i++) {
			int t = types[i];

			if (t != victim && !(tm[t / 32] & (1U << (t % 32))))
				continue;
			gen_attr(m, pl, pol, t, t == victim ? pl->mut : M_NONE, depth, st);
			if (m->overflow)
				return;
		}
		return;
	}
	for (i = 0; i < n; i++) {
		int t = types[i];
		bool req = top && st && (st->required[t / 32] & (1U << (t % 32)));
		bool include = t == victim || chance(req ? 85 : pl->dump && top ? 8 : 50);

		if (!include)
			continue;
		gen_attr(m, pl, pol, t, t == victim ? pl->mut : M_NONE, depth, st);
		if (m->overflow)
			return;
	}
}

/* The request's description: its header, then the attributes built so far. */
static void describe_header(struct plan *pl, const struct nlmsghdr *n)
{
	const struct genlmsghdr *g = NLMSG_DATA(n);
	char attrs[sizeof(pl->desc)];

	memcpy(attrs, pl->desc, sizeof(attrs));
	pl->desc[0] = '\0';
	append(pl->desc, sizeof(pl->desc), "cmd %u %s flags 0x%x%s%s [%s]",
	       g->cmd, pl->dump ? "dump" : "do", n->nlmsg_flags,
	       pl->opi >= 0 && (fam.ops[pl->opi].flags & GENL_ADMIN_PERM) ?
	       " admin" : "", g->reserved ? " reserved" : "",
	       mutation_names[pl->mut]);
	append(pl->desc, sizeof(pl->desc), "%s", attrs);
}

/* Picks an op, weighted against slow ones; -1 for an unknown command. */
static int pick_op(void)
{
	double w[GNL_MAX_OPS], total = 0, x;
	int i;

	bool only_recent;

	if (chance(4) || !fam.nops)
		return -1;
	/*
	 * Half the time only ops that can take a value of the last reply
	 * (act on what was just created); always fewer slow ops: each op's
	 * weight falls with its mean latency.
	 */
	only_recent = recent_any && chance(45);
	for (i = 0; i < fam.nops; i++) {
		struct op_stat *st = &opstat[i];
		double avg = st->timed ? st->seconds / st->timed : 0;

		/* Never starved: a slow op still gets a hundredth of a share. */
		w[i] = 1.0 / (1.0 + avg * 200.0);
		if (w[i] < 0.01)
			w[i] = 0.01;
		if (only_recent) {
			const struct gnl_policy *p = gnl_op_policy(&fam, &fam.ops[i], false);
			bool takes = false;
			int t;

			for (t = 1; p && p->attr && t <= p->maxtype && t < MAX_ATTR_TYPE; t++)
				takes |= p->attr[t].present &&
					 (recent[t].nint || recent[t].nstr);
			if (!takes)
				w[i] = 0;
		}
		total += w[i];
	}
	if (total <= 0) {
		for (i = 0; i < fam.nops; i++)
			w[i] = 1;
		total = fam.nops;
	}
	x = (double)below(1000000) / 1000000.0 * total;
	for (i = 0; i < fam.nops; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return fam.nops - 1;
}

static uint8_t unknown_cmd(void)
{
	for (;;) {
		uint8_t c = chance(30) ? 0 : (uint8_t)below(256);

		if (!gnl_family_op(&fam, c))
			return c;
	}
}

/*
 * Builds one request into m (and, for a batch, a second one after it).
 * Returns the bytes to send: len (may be less than nlmsg_len, on purpose).
 */
static size_t build(struct gnl_msg *m, struct plan *pl)
{
	struct gnl_op *op;
	struct op_stat *st;
	const struct gnl_policy *pol;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	uint8_t version = (uint8_t)fam.version;
	struct nlmsghdr *n;
	struct genlmsghdr *g;
	size_t send_len;
	int r;

	memset(pl, 0, sizeof(*pl));
	pl->nmsgs = 1;
	pl->opi = pick_op();
	if (pl->opi < 0) {
		pl->cmd = unknown_cmd();
		pl->mut = M_UNKNOWN_CMD;
		pl->expect_err = -EOPNOTSUPP;
		pl->dump = chance(30);
		gnl_msg_init(m, fam.id, flags | (pl->dump ? NLM_F_DUMP : 0), pl->cmd,
			     version);
		describe_header(pl, gnl_msg_hdr(m));
		pl->mut_attr = 0;
		unknown_stat.sent_do += !pl->dump;
		unknown_stat.sent_dump += pl->dump;
		return m->len;
	}
	op = &fam.ops[pl->opi];
	st = &opstat[pl->opi];
	pl->cmd = (uint8_t)op->cmd;
	if ((op->flags & GENL_CMD_CAP_DO) && (op->flags & GENL_CMD_CAP_DUMP))
		pl->dump = chance(35);
	else if (op->flags & GENL_CMD_CAP_DUMP)
		pl->dump = !chance(6);
	else
		pl->dump = chance(6);
	if (pl->dump && !(op->flags & GENL_CMD_CAP_DUMP)) {
		pl->mut = M_DUMP_ON_DO;
		pl->expect_err = -EOPNOTSUPP;
	} else if (!pl->dump && !(op->flags & GENL_CMD_CAP_DO)) {
		pl->mut = M_DO_ON_DUMP;
		pl->expect_err = -EOPNOTSUPP;
	}
	if (pl->dump)
		flags |= NLM_F_DUMP;
	pol = gnl_op_policy(&fam, op, pl->dump);
	if (!pol)
		pol = gnl_op_policy(&fam, op, !pl->dump);

	/* Header mutations, now and then. */
	r = (int)below(100);
	if (pl->mut == M_NONE && r < 14) {
		static const enum mutation hm[] = {
			M_RESERVED_GENL, M_RESERVED_FLAG, M_NO_REQUEST, M_ECHO,
			M_VERSION, M_TRUNC_DECLARED, M_TRUNC_HEADER, M_TRUNC_ATTR,
			M_TRAILING, M_BATCH, M_UNKNOWN_ATTR, M_NESTED_FLAG,
			M_ATTR_LEN_LIE, M_DUP_ATTR, M_MANY_ATTRS,
		};

		pl->mut = hm[below(sizeof(hm) / sizeof(hm[0]))];
	}
	if (pl->mut == M_ECHO)
		flags |= NLM_F_ECHO;
	if (pl->mut == M_NO_REQUEST)
		flags &= ~NLM_F_REQUEST;
	if (pl->mut == M_RESERVED_FLAG) {
		static const uint16_t bad[] = { 0x10, 0x20, 0x40, 0x80, 0x1000,
						0x4000, 0x8000 };

		flags |= bad[below(sizeof(bad) / sizeof(bad[0]))];
		if (!pl->dump && chance(30))
			flags |= chance(50) ? NLM_F_ROOT : NLM_F_MATCH;
		pl->expect_err = -EINVAL;
	}
	if (pl->mut == M_VERSION)
		version = (uint8_t)rnd();
	gnl_msg_init(m, fam.id, flags, pl->cmd, version);
	g = NLMSG_DATA(gnl_msg_hdr(m));
	if (pl->mut == M_RESERVED_GENL) {
		g->reserved = (uint16_t)(1 + below(0xfffe));
		pl->expect_err = -EINVAL;
	}
	if (pl->dump)
		st->sent_dump++;
	else
		st->sent_do++;

	if (pl->mut == M_NONE || pl->mut == M_DUMP_ON_DO || pl->mut == M_DO_ON_DUMP ||
	    pl->mut == M_ECHO || pl->mut == M_VERSION || pl->mut == M_RESERVED_GENL ||
	    pl->mut == M_RESERVED_FLAG || pl->mut == M_NO_REQUEST ||
	    pl->mut == M_TRUNC_DECLARED || pl->mut == M_TRUNC_ATTR ||
	    pl->mut == M_TRAILING || pl->mut == M_BATCH || pl->mut == M_DUP_ATTR) {
		gen_attrs(m, pl, pol, 0, true, st);
		if (pl->dump && gnl_msg_hdr(m)->nlmsg_len != m->len && pl->mut == M_NONE)
			pl->mut = M_DUMP_ATTRS;
	}
	switch (pl->mut) {
	case M_UNKNOWN_ATTR: {
		int max = pol && pol->attr ? pol->maxtype : 0, t, i;

		gen_attrs(m, pl, pol, 0, false, st);
		/* A type the policy does not describe: unknown or unsupported. */
		for (i = 0; i < 100; i++) {
			t = (int)below(max + 8);
			if (!pol || !pol->attr || t > pol->maxtype || !pol->attr[t].present)
				break;
		}
		put_uint(m, (uint16_t)t, rnd(), (int)(1 + below(8)));
		append(pl->desc, sizeof(pl->desc), " %d:unknown", t);
		pl->policy_violation = pol != NULL;
		pl->mut_attr = t;
		break;
	}
	case M_NESTED_FLAG: {
		int t;

		gen_attrs(m, pl, pol, 0, false, st);
		for (t = 1; pol && pol->attr && t <= pol->maxtype; t++)
			if (pol->attr[t].present &&
			    pol->attr[t].type != NL_ATTR_TYPE_NESTED &&
			    pol->attr[t].type != NL_ATTR_TYPE_NESTED_ARRAY)
				break;
		if (pol && pol->attr && t <= pol->maxtype) {
			put_uint(m, (uint16_t)(t | NLA_F_NESTED), 0,
				 type_len(pol->attr[t].type) ?: 4);
			append(pl->desc, sizeof(pl->desc), " %d|NESTED", t);
			pl->policy_violation = true;
			pl->mut_attr = t;
		} else {
			pl->mut = M_NONE;
		}
		break;
	}
	case M_ATTR_LEN_LIE: {
		size_t off;

		gen_attrs(m, pl, pol, 0, false, st);
		off = gnl_put_u32(m, (uint16_t)(1 + below(8)), (uint32_t)rnd());
		((struct nlattr *)(m->buf + off))->nla_len = chance(50) ?
			(uint16_t)(8 + 4 + below(64)) : (uint16_t)below(4);
		append(pl->desc, sizeof(pl->desc), " len-lie");
		pl->policy_violation = pol != NULL;
		break;
	}
	case M_MANY_ATTRS: {
		int i, n = 100 + (int)below(400);

		for (i = 0; i < n && !m->overflow; i++)
			gen_attrs(m, pl, pol, 0, false, NULL);
		append(pl->desc, sizeof(pl->desc), " (x%d)", n);
		break;
	}
	case M_DUP_ATTR: {
		/* The last attribute again, with a fresh value. */
		gen_attrs(m, pl, pol, 0, false, NULL);
		break;
	}
	default:
		break;
	}
	gnl_msg_finish(m);
	n = gnl_msg_hdr(m);
	send_len = m->len;

	switch (pl->mut) {
	case M_TRUNC_DECLARED:
		/* The datagram is shorter than nlmsg_len: the core drops it. */
		send_len = m->len > NLMSG_HDRLEN + 4 ? m->len - 1 - below(4) : m->len;
		if (send_len == m->len)
			n->nlmsg_len = m->len + 4;
		pl->expect_silence = true;
		break;
	case M_TRUNC_HEADER:
		/* Under 16 bytes: dropped; 16..19: no genl header, EINVAL. */
		n->nlmsg_len = (uint32_t)(NLMSG_HDRLEN - 4 + below(8));
		send_len = n->nlmsg_len;
		if (n->nlmsg_len < NLMSG_HDRLEN)
			pl->expect_silence = true;
		else
			pl->expect_err = -EINVAL;
		break;
	case M_TRUNC_ATTR: {
		/* End the message inside the last attribute, not in its padding. */
		const struct nlattr *a, *last = NULL;
		int alen = (int)m->len - NLMSG_LENGTH(GENL_HDRLEN);

		gnl_for_each_attr(a, m->buf + NLMSG_LENGTH(GENL_HDRLEN), alen)
			last = a;
		if (last && pol) {
			uint32_t end = (uint32_t)((const uint8_t *)last - m->buf) + last->nla_len;
			uint32_t cut = 1 + (uint32_t)below(last->nla_len - 1 < 3 ?
							  last->nla_len - 1 : 3);

			n->nlmsg_len = end - cut;
			send_len = n->nlmsg_len;
			pl->policy_violation = true;
		} else {
			pl->mut = M_NONE;
		}
		break;
	}
	case M_TRAILING: {
		uint8_t junk[3] = { 0xde, 0xad, 0xbf };
		int k = 1 + (int)below(3);

		gnl_put_raw(m, junk, k);
		gnl_msg_finish(m);
		send_len = m->len;
		/* Only an op with a policy parses (and so refuses) its payload. */
		pl->policy_violation = pol != NULL;
		break;
	}
	case M_NO_REQUEST:
		pl->expect_ack_only = true;
		break;
	default:
		break;
	}
	if (pl->mut == M_BATCH) {
		/* A second, plain copy of the same request after the first. */
		size_t first = NLMSG_ALIGN(m->len);
		uint32_t l = gnl_msg_hdr(m)->nlmsg_len;

		if (first + l <= sizeof(m->buf)) {
			memset(m->buf + m->len, 0, first - m->len);
			memcpy(m->buf + first, m->buf, l);
			send_len = first + l;
			pl->nmsgs = 2;
		}
	}
	describe_header(pl, n);
	return send_len;
}

/* ---- judging ---------------------------------------------------------------- */

/* Ops an unprivileged or user-namespace caller must never run. */
static bool is_admin(const struct plan *pl)
{
	return pl->opi >= 0 &&
	       (fam.ops[pl->opi].flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM));
}

static bool header_valid(const struct plan *pl)
{
	return pl->mut != M_UNKNOWN_CMD && pl->mut != M_RESERVED_GENL &&
	       pl->mut != M_RESERVED_FLAG && pl->mut != M_TRUNC_HEADER &&
	       pl->mut != M_TRUNC_DECLARED;
}

/*
 * What the kernel must answer, from the core's rules, in the order
 * genl_family_rcv_msg() applies them: the family's netns, the length, the
 * header, the command, the permission, then do or dump. 0: no rule applies
 * (the op's policy and handler decide).
 */
static int expected_error(const struct plan *pl)
{
	if (opt.caller == CALLER_NETNS)
		return -ENOENT;
	if (pl->mut == M_TRUNC_HEADER || pl->mut == M_RESERVED_GENL ||
	    pl->mut == M_RESERVED_FLAG)
		return -EINVAL;
	if (pl->mut == M_UNKNOWN_CMD)
		return -EOPNOTSUPP;
	if (opt.caller != CALLER_ROOT && is_admin(pl))
		return -EPERM;
	if (pl->mut == M_DUMP_ON_DO || pl->mut == M_DO_ON_DUMP)
		return -EOPNOTSUPP;
	return 0;
}

static void check_replies(const struct plan *pl, const struct gnl_reply *r)
{
	struct nlmsghdr *n;

	for (n = NULL; (n = gnl_reply_next(r, n));) {
		const struct nlattr *a;
		int len;

		if (n->nlmsg_type != fam.id) {
			finding("reply-type", "reply of type %u, not the family's %u",
				n->nlmsg_type, fam.id);
			continue;
		}
		if (n->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
			finding("reply-short", "reply of %u bytes", n->nlmsg_len);
			continue;
		}
		a = gnl_msg_attrs(n, fam.hdrsize, &len);
		if (gnl_check_tlvs(a, len, 4))
			finding("reply-malformed", "reply to cmd %u has attributes that do not fit",
				pl->cmd);
	}
}

static void count_errno(struct op_stat *st, int err)
{
	int e = err < 0 ? -err : err;

	if (e < MAX_ERRNO) {
		st->err[e]++;
		err_total[e]++;
	}
}

static void judge(const struct plan *pl, const struct gnl_reply *r, int rc,
		  size_t sent_len, double dt)
{
	struct op_stat *st = pl->opi >= 0 ? &opstat[pl->opi] : &unknown_stat;
	int want = expected_error(pl);
	bool ok;

	mutation_sent[pl->mut]++;
	if (pl->expect_silence) {
		/* netlink_rcv_skb() drops it before any family is looked up. */
		st->silent++;
		if (r->answered || r->nmsgs)
			finding("answered-dropped", "%s: the core drops this message, but an answer came (error %d)",
				pl->desc, r->error);
		return;
	}
	if (rc == -ETIMEDOUT || !r->answered) {
		if (r->sys_errno && r->sys_errno != ETIMEDOUT) {
			finding("no-answer", "%s: %s on the request socket",
				pl->desc, gnl_errname(r->sys_errno));
			return;
		}
		finding("no-answer", "%s: no answer within %d ms", pl->desc,
			opt.timeout_ms);
		return;
	}
	st->seconds += dt;
	st->timed++;
	if (r->malformed)
		finding("answer-malformed", "%s: %d malformed messages", pl->desc,
			r->malformed);
	count_errno(st, r->error);
	ok = r->error == 0;
	if (ok)
		st->ok++;
	else {
		st->rejected++;
		mutation_rejected[pl->mut]++;
	}

	if (pl->expect_ack_only) {
		if (r->error || r->nmsgs)
			finding("not-a-request", "%s: a message without NLM_F_REQUEST got error %d and %d replies",
				pl->desc, r->error, r->nmsgs);
		return;
	}
	if (want) {
		if (r->error != want)
			finding(want == -EPERM ? "privilege" : "wrong-error",
				"%s: expected %s, got %s%s%s", pl->desc, gnl_errname(want),
				gnl_errname(r->error), r->has_msg ? " msg: " : "",
				r->has_msg ? r->msg : "");
		if (want == -EPERM && r->nmsgs)
			finding("privilege", "%s: %d replies to an unprivileged mutation",
				pl->desc, r->nmsgs);
		return;
	}
	if (opt.caller != CALLER_ROOT && is_admin(pl) && ok)
		finding("privilege", "%s: an unprivileged caller's mutation succeeded",
			pl->desc);
	if (pl->policy_violation) {
		if (ok)
			finding("policy-not-enforced", "%s: a request that breaks the policy succeeded",
				pl->desc);
		else if (r->error != -EINVAL && r->error != -ERANGE)
			finding("wrong-error", "%s: a policy violation gave %s, not EINVAL or ERANGE",
				pl->desc, gnl_errname(r->error));
		else if (!r->has_msg)
			finding("no-extack", "%s: %s without an extended ACK message",
				pl->desc, gnl_errname(r->error));
		if (r->has_offs && r->offs >= sent_len)
			finding("extack-offset", "%s: NLMSGERR_ATTR_OFFS %u past the request (%zu bytes)",
				pl->desc, r->offs, sent_len);
		return;
	}
	if (!ok && header_valid(pl) && opt.caller == CALLER_ROOT) {
		int e = -r->error;

		/* The uapi: every refusal of a well-formed request says why. */
		if ((e == EINVAL || e == ERANGE || e == ENOENT || e == EEXIST ||
		     e == ENOSPC || e == EIO || e == EBUSY || e == ENOMEM) &&
		    !r->has_msg)
			finding("no-extack", "%s: %s without an extended ACK message",
				pl->desc, gnl_errname(r->error));
	}
	if (r->has_offs && r->offs >= sent_len)
		finding("extack-offset", "%s: NLMSGERR_ATTR_OFFS %u past the request (%zu bytes)",
			pl->desc, r->offs, sent_len);
	if (pl->dump && ok && !r->is_dump_done && pl->opi >= 0 &&
	    (fam.ops[pl->opi].flags & GENL_CMD_CAP_DUMP))
		finding("dump-incomplete", "%s: a dump ended without NLMSG_DONE", pl->desc);
	check_replies(pl, r);
}

/* ---- multicast ---------------------------------------------------------------- */

static void drain_monitor(void)
{
	if (!mon_open)
		return;
	for (;;) {
		int got = recv(mon.fd, mon.rx, GNL_RX_MAX, MSG_DONTWAIT);
		struct nlmsghdr *n;

		if (got < 0) {
			if (errno == ENOBUFS) {
				n_mcast_enobufs++;
				continue;
			}
			return;
		}
		for (n = (struct nlmsghdr *)mon.rx; NLMSG_OK(n, got);
		     n = NLMSG_NEXT(n, got)) {
			const struct nlattr *a;
			int len;

			n_mcast++;
			if (n->nlmsg_type != fam.id) {
				if (n->nlmsg_type != GENL_ID_CTRL)
					finding("mcast-type", "multicast message of type %u",
						n->nlmsg_type);
				continue;
			}
			a = gnl_msg_attrs(n, fam.hdrsize, &len);
			if (gnl_check_tlvs(a, len, 4))
				finding("mcast-malformed", "a multicast message's attributes do not fit");
			pool_learn_attrs(pool, a, len);
		}
		if (got > 0)
			finding("mcast-malformed", "%d bytes of a broken multicast datagram", got);
	}
}

static void open_monitor(FILE *jf_groups)
{
	int i, err;

	(void)jf_groups;
	if (opt.no_groups || !fam.ngroups || gnl_open(&mon, opt.timeout_ms))
		return;
	gnl_set_rcvbuf(&mon, 4 << 20);
	mon_open = true;
	for (i = 0; i < fam.ngroups; i++) {
		err = gnl_join(&mon, fam.groups[i].id);
		printf("kfuzz: join group %s (%u): %s\n", fam.groups[i].name,
		       fam.groups[i].id, err ? gnl_errname(err) : "ok");
	}
}

/* ---- sending ------------------------------------------------------------------- */

static void log_sent(const struct plan *pl, const uint8_t *buf, size_t len, bool child)
{
	struct sent *h = &history[history_n % HISTORY];
	char *hex;

	h->index = n_sent;
	snprintf(h->desc, sizeof(h->desc), "%s", pl->desc);
	h->len = len;
	memcpy(h->bytes, buf, len < sizeof(h->bytes) ? len : sizeof(h->bytes));
	history_n++;
	if (!logf)
		return;
	hex = malloc(2 * len + 2);
	if (!hex)
		return;
	gnl_hex(hex, 2 * len + 2, buf, len);
	/* "[child]": sent from a child killed at the deadline; replayed so. */
	fprintf(logf, "# %ld %s %s%s\n%s\n", n_sent, caller_names[opt.caller], pl->desc,
		child ? " [child]" : "", hex);
	free(hex);
}

/* Result of a request sent from a child: what the parent needs to judge. */
struct child_result {
	double seconds;		/* the request's own time, measured in the child */
	int rc, error, sys_errno, nmsgs, malformed;
	bool answered, timed_out, has_msg, has_offs, is_dump_done;
	uint32_t offs;
	char msg[256];
};

/*
 * Sends a request of a slow op from a child, killed after the deadline:
 * the kernel's fatal-signal path runs, and the parent never waits long.
 * The child measures the request's own time (the fork is not its cost) and
 * says it is done through a pipe. Returns true if the child answered in
 * time (r, *rc and *seconds filled in).
 */
static bool send_heavy(const uint8_t *buf, size_t len, const struct plan *pl,
		       struct gnl_reply *r, int *rc, double *seconds)
{
	struct child_result *res;
	struct nlmsghdr *n = (struct nlmsghdr *)buf;
	struct pollfd pfd;
	int status, pipefd[2];
	bool done;
	pid_t pid;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return false;
	if (pipe(pipefd)) {
		munmap(res, sizeof(*res));
		return false;
	}
	memset(res, 0, sizeof(*res));
	res->rc = 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct gnl_sock cs;
		struct gnl_reply cr;
		double t0;

		close(pipefd[0]);
		if (gnl_open(&cs, opt.timeout_ms))
			_exit(3);
		gnl_reply_init(&cr);
		/* Traced into the parent's second handle: read even if killed. */
		if (kcov_on)
			kcov_child_enable(&kc);
		t0 = gnl_now();
		res->rc = gnl_transact(&cs, buf, len, n->nlmsg_seq, pl->nmsgs,
				       true, 0, &cr);
		res->seconds = gnl_now() - t0;
		res->error = cr.error;
		res->sys_errno = cr.sys_errno;
		res->nmsgs = cr.nmsgs;
		res->malformed = cr.malformed;
		res->answered = cr.answered;
		res->timed_out = cr.timed_out;
		res->has_msg = cr.has_msg;
		res->has_offs = cr.has_offs;
		res->offs = cr.offs;
		res->is_dump_done = cr.is_dump_done;
		snprintf(res->msg, sizeof(res->msg), "%s", cr.msg);
		/* Done: the parent wakes on the pipe, not on a timer. */
		if (write(pipefd[1], "x", 1) < 0)
			_exit(4);
		_exit(0);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		munmap(res, sizeof(*res));
		return false;
	}
	n_heavy_sent++;
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	done = poll(&pfd, 1, opt.heavy_deadline_ms) > 0;
	close(pipefd[0]);
	if (!done)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (kcov_on)
		kcov_child_collect(&kc);
	if (!done || !WIFEXITED(status) || WEXITSTATUS(status)) {
		munmap(res, sizeof(*res));
		return false;
	}
	*rc = res->rc;
	*seconds = res->seconds;
	r->error = res->error;
	r->sys_errno = res->sys_errno;
	r->nmsgs = res->nmsgs;
	r->malformed = res->malformed;
	r->answered = res->answered;
	r->timed_out = res->timed_out;
	r->has_msg = res->has_msg;
	r->has_offs = res->has_offs;
	r->offs = res->offs;
	r->is_dump_done = res->is_dump_done;
	snprintf(r->msg, sizeof(r->msg), "%s", res->msg);
	munmap(res, sizeof(*res));
	return true;
}

/* The attribute set of a request that succeeded, kept if new. */
static void learn_template(struct op_stat *st, bool dump, const struct nlmsghdr *n,
			   size_t len)
{
	uint32_t set[MAX_ATTR_TYPE / 32] = { 0 };
	const struct nlattr *a;
	int alen, i;

	if (n->nlmsg_len > len)
		return;
	a = gnl_msg_attrs(n, fam.hdrsize, &alen);
	for (; alen >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= alen;
	     alen -= NLA_ALIGN(a->nla_len),
	     a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
		if (gnl_attr_type(a) < MAX_ATTR_TYPE)
			set[gnl_attr_type(a) / 32] |= 1U << (gnl_attr_type(a) % 32);
	for (i = 0; i < st->ntemplates[dump]; i++)
		if (!memcmp(st->tmpl[dump][i], set, sizeof(set)))
			return;
	i = st->ntemplates[dump] < MAX_TEMPLATES ? st->ntemplates[dump]++ :
	    (int)below(MAX_TEMPLATES);
	memcpy(st->tmpl[dump][i], set, sizeof(set));
}

/* Sends one generated request and judges the answer. Returns true if it succeeded. */
static bool one_request(void)
{
	static struct gnl_msg m;
	struct plan pl;
	struct gnl_reply r;
	struct nlmsghdr *n;
	size_t len;
	double t0, dt, child_s = 0;
	int rc = 0;
	bool heavy;

	len = build(&m, &pl);
	n = gnl_msg_hdr(&m);
	n->nlmsg_seq = gnl_next_seq(&sk);
	if (pl.nmsgs == 2) {
		struct nlmsghdr *n2 = (struct nlmsghdr *)(m.buf + NLMSG_ALIGN(m.len));

		n2->nlmsg_seq = gnl_next_seq(&sk);
	}
	gnl_reply_init(&r);
	/*
	 * An op whose cost is not known yet (no fast success so far) or that
	 * was slow runs in a child with a deadline: the first request of an
	 * op that may take a minute must not hold the run for a minute.
	 * Unprivileged callers are refused at once and need no child.
	 */
	heavy = pl.opi >= 0 && opt.caller == CALLER_ROOT && !pl.expect_silence &&
		(opstat[pl.opi].heavy || !opstat[pl.opi].proven);
	log_sent(&pl, m.buf, len, heavy);
	n_sent++;
	if (opt.verbose)
		printf("#%ld %s\n", n_sent, pl.desc);
	t0 = gnl_now();
	if (heavy) {
		if (!send_heavy(m.buf, len, &pl, &r, &rc, &child_s)) {
			if (!opstat[pl.opi].heavy)
				printf("kfuzz: cmd %u did not answer within %d ms: sent from a child killed at that deadline from now on\n",
				       pl.cmd, opt.heavy_deadline_ms);
			opstat[pl.opi].heavy = true;
			opstat[pl.opi].interrupted++;
			/* It cost the deadline: that weighs against picking it. */
			opstat[pl.opi].seconds += opt.heavy_deadline_ms / 1000.0;
			opstat[pl.opi].timed++;
			n_interrupted++;
			mutation_sent[pl.mut]++;
			if (opt.verbose)
				printf("  interrupted after %d ms (SIGKILL)\n",
				       opt.heavy_deadline_ms);
			gnl_reply_free(&r);
			return false;
		}
	} else {
		kcov_start(kcov_on ? &kc : NULL);
		rc = gnl_transact(&sk, m.buf, len, n->nlmsg_seq, pl.nmsgs,
				  !pl.expect_silence, 150, &r);
		if (kcov_on)
			kcov_collect(&kc);
	}
	/* A child's own measure: the fork is not the request's cost. */
	dt = heavy ? child_s : gnl_now() - t0;
	if (pl.opi >= 0 && r.answered && r.error == 0 && !opstat[pl.opi].heavy &&
	    !opstat[pl.opi].proven) {
		if (dt * 1000 > opt.heavy_ms) {
			opstat[pl.opi].heavy = true;
			printf("kfuzz: cmd %u took %.1f s: sent from a child killed after %d ms from now on\n",
			       pl.cmd, dt, opt.heavy_deadline_ms);
		} else {
			opstat[pl.opi].proven = true;
		}
	}
	if (opt.verbose)
		printf("  -> %s%s%s (%d msgs, %.1f ms)\n", r.answered ? gnl_errname(r.error) : "(none)",
		       r.has_msg ? ": " : "", r.has_msg ? r.msg : "", r.nmsgs, dt * 1000);
	judge(&pl, &r, rc, len, dt);
	if (r.answered && pl.opi >= 0 && n->nlmsg_len <= len) {
		const struct nlattr *a;
		int alen;

		/* Which attributes were in requests accepted, and refused. */
		a = gnl_msg_attrs(n, fam.hdrsize, &alen);
		for (; alen >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= alen;
		     alen -= NLA_ALIGN(a->nla_len),
		     a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len))) {
			if (gnl_attr_type(a) >= MAX_ATTR_TYPE)
				continue;
			if (r.error == 0)
				opstat[pl.opi].attr[gnl_attr_type(a)].in_accepted++;
			else
				opstat[pl.opi].attr[gnl_attr_type(a)].in_rejected++;
		}
		if (r.error == 0) {
			/* Replies, and what a request that worked sent, feed the pool. */
			learn_reply(&r);
			a = gnl_msg_attrs(n, fam.hdrsize, &alen);
			pool_learn_attrs(pool, a, alen);
			if (pl.mut == M_NONE)
				learn_template(&opstat[pl.opi], pl.dump, n, len);
		}
		if (r.has_miss && r.miss_type < MAX_ATTR_TYPE)
			opstat[pl.opi].required[r.miss_type / 32] |= 1U << (r.miss_type % 32);
	}
	rc = r.answered && r.error == 0;
	gnl_reply_free(&r);
	drain_monitor();
	return rc;
}

/* ---- liveness ------------------------------------------------------------------ */

/* Which attribute-less dumps worked at the start: they must keep working. */
static bool dump_baseline[GNL_MAX_OPS];

static bool may_run(const struct gnl_op *op)
{
	return opt.caller == CALLER_ROOT ||
	       !(op->flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM));
}

static int liveness_dump(const struct gnl_op *op, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	gnl_msg_init(m, fam.id, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		     (uint8_t)op->cmd, (uint8_t)fam.version);
	err = gnl_request(&sk, m, r);
	free(m);
	return err;
}

static void probe_baseline(void)
{
	int i;

	for (i = 0; i < fam.nops && opt.caller != CALLER_NETNS; i++) {
		const struct gnl_op *op = &fam.ops[i];
		struct gnl_reply r;

		if (!(op->flags & GENL_CMD_CAP_DUMP) || !may_run(op))
			continue;
		gnl_reply_init(&r);
		dump_baseline[i] = !liveness_dump(op, &r) && r.is_dump_done && !r.error;
		if (dump_baseline[i])
			learn_reply(&r);
		printf("kfuzz: baseline dump of cmd %u: %s (%d messages)\n", op->cmd,
		       dump_baseline[i] ? "complete" : gnl_errname(r.error), r.nmsgs);
		gnl_reply_free(&r);
	}
}

static void probe(void)
{
	struct gnl_family f2;
	int i, err;

	n_probes++;
	err = gnl_learn_family(&sk, opt.family, &f2);
	if (opt.caller == CALLER_NETNS) {
		if (f2.getfamily_error != -ENOENT)
			finding("liveness", "CTRL_CMD_GETFAMILY from another netns: expected ENOENT, got %s",
				gnl_errname(f2.getfamily_error));
	} else if (err || f2.id != fam.id || f2.nops != fam.nops) {
		finding("liveness", "the family no longer resolves as before (error %s, id %u, %d ops)",
			gnl_errname(err), f2.id, f2.nops);
	}
	gnl_family_free(&f2);
	if (opt.caller == CALLER_NETNS)
		return;
	/* Every dump that worked at the start must still complete. */
	for (i = 0; i < fam.nops; i++) {
		const struct gnl_op *op = &fam.ops[i];
		struct gnl_reply r;

		if (!(op->flags & GENL_CMD_CAP_DUMP) || !may_run(op))
			continue;
		gnl_reply_init(&r);
		err = liveness_dump(op, &r);
		if (err)
			finding("liveness", "dump of cmd %u: %s", op->cmd, gnl_errname(err));
		else if (dump_baseline[i] && (!r.is_dump_done || r.error))
			finding("dump-incomplete", "dump of cmd %u worked at the start, now %s%s%s after %d messages",
				op->cmd, gnl_errname(r.error), r.has_msg ? ": " : "",
				r.has_msg ? r.msg : "", r.nmsgs);
		else if (dump_baseline[i])
			learn_reply(&r);
		check_replies(&(struct plan){ .cmd = (uint8_t)op->cmd }, &r);
		gnl_reply_free(&r);
	}
	drain_monitor();
}

/* ---- replay ---------------------------------------------------------------------- */

/*
 * Sends the datagrams of a --log again, in order (up to --upto of them),
 * and says how each was answered. Returns 0 if every one that the kernel
 * answers (all but the truncated ones it drops) was answered.
 */
static int replay(void)
{
	FILE *f = fopen(opt.replay_path, "r");
	char *line = NULL;
	size_t cap = 0;
	long n = 0, unanswered = 0, killed = 0;
	bool child = false;

	if (!f) {
		perror(opt.replay_path);
		return 2;
	}
	while (getline(&line, &cap, f) > 0) {
		static uint8_t buf[GNL_MSG_MAX + 8];
		struct gnl_reply r;
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		bool answerable;
		int len, rc;

		if (line[0] == '#') {
			child = strstr(line, " [child]\n") != NULL;
			if (opt.verbose)
				printf("%s", line);
			continue;
		}
		if (opt.replay_upto > 0 && n >= opt.replay_upto)
			break;
		line[strcspn(line, "\n")] = '\0';
		len = gnl_hex_decode(buf, sizeof(buf), line);
		n++;
		if (len < (int)NLMSG_HDRLEN) {
			if (send(sk.fd, buf, len, 0) < 0 && opt.verbose)
				printf("  send: %s\n", strerror(errno));
			continue;
		}
		/* What netlink_rcv_skb() drops is not answered, as when fuzzing. */
		answerable = h->nlmsg_len >= NLMSG_HDRLEN && h->nlmsg_len <= (uint32_t)len;
		gnl_reply_init(&r);
		if (child && answerable) {
			struct plan pl = { .nmsgs = 1 };
			double secs;

			/* As it was sent: from a child killed at the deadline. */
			if (!send_heavy(buf, len, &pl, &r, &rc, &secs)) {
				killed++;
				gnl_reply_free(&r);
				continue;
			}
		} else {
			rc = gnl_transact(&sk, buf, len, h->nlmsg_seq, 1, answerable, 150, &r);
		}
		if (answerable && !r.answered)
			unanswered++;
		if (opt.verbose || (answerable && !r.answered))
			printf("  #%ld -> %s %s%s (%d replies)\n", n - 1,
			       rc ? gnl_errname(rc) : "answered", gnl_errname(r.error),
			       r.has_msg ? r.msg : "", r.nmsgs);
		gnl_reply_free(&r);
	}
	free(line);
	fclose(f);
	printf("kfuzz: replayed %ld requests, %ld left unanswered (%ld sent from a child killed at %d ms, as logged)\n",
	       n, unanswered, killed, opt.heavy_deadline_ms);
	return unanswered ? 1 : 0;
}

/* ---- report ------------------------------------------------------------------------ */

static void write_json(double dt)
{
	FILE *f = fopen(opt.json_path, "w");
	int i, t, e, first;
	int ops_ok = 0, ops_rej = 0, attrs_total = 0, attrs_valid = 0, attrs_mut = 0;

	if (!f) {
		perror(opt.json_path);
		return;
	}
	for (i = 0; i < fam.nops; i++) {
		const struct gnl_policy *pols[2] = {
			gnl_op_policy(&fam, &fam.ops[i], false),
			gnl_op_policy(&fam, &fam.ops[i], true),
		};

		ops_ok += opstat[i].ok > 0;
		ops_rej += opstat[i].rejected > 0;
		for (t = 1; t < MAX_ATTR_TYPE; t++) {
			bool in = false;
			int p;

			for (p = 0; p < 2; p++)
				in |= pols[p] && pols[p]->attr && t <= pols[p]->maxtype &&
				      pols[p]->attr[t].present;
			if (!in)
				continue;
			attrs_total++;
			attrs_valid += opstat[i].attr[t].in_accepted > 0;
			attrs_mut += opstat[i].attr[t].sent_mutated > 0;
		}
	}
	fprintf(f, "{\n  \"tool\": \"kfuzz\",\n  \"family\": ");
	gnl_json_str(f, opt.family);
	fprintf(f, ",\n  \"caller\": \"%s\",\n  \"seed\": %llu,\n", caller_names[opt.caller],
		(unsigned long long)opt.seed);
	fprintf(f, "  \"count_asked\": %ld,\n  \"seconds_asked\": %.0f,\n", opt.count, opt.seconds);
	fprintf(f, "  \"requests\": %ld,\n  \"programs\": %ld,\n  \"probes\": %ld,\n",
		n_sent, n_programs, n_probes);
	fprintf(f, "  \"interrupted\": %ld,\n  \"heavy_sent\": %ld,\n", n_interrupted, n_heavy_sent);
	fprintf(f, "  \"multicast_messages\": %ld,\n  \"multicast_enobufs\": %ld,\n",
		n_mcast, n_mcast_enobufs);
	fprintf(f, "  \"duration_s\": %.1f,\n", dt);
	fprintf(f, "  \"learned\": {\"getfamily\": %s, \"getfamily_error\": \"%s\", \"getpolicy\": %s, \"ops\": %d, \"policies\": %d, \"groups\": %d},\n",
		fam.getfamily_ok ? "true" : "false", gnl_errname(fam.getfamily_error),
		fam.getpolicy_ok ? "true" : "false", fam.nops, fam.npolicies, fam.ngroups);
	fprintf(f, "  \"coverage\": {\"ops\": %d, \"ops_accepted\": %d, \"ops_rejected\": %d, \"attrs\": %d, \"attrs_accepted\": %d, \"attrs_mutated\": %d},\n",
		fam.nops, ops_ok, ops_rej, attrs_total, attrs_valid, attrs_mut);
	fprintf(f, "  \"errors\": {");
	for (e = 0, first = 1; e < MAX_ERRNO; e++)
		if (err_total[e]) {
			fprintf(f, "%s\"%s\": %u", first ? "" : ", ", gnl_errname(e), err_total[e]);
			first = 0;
		}
	fprintf(f, "},\n  \"mutations\": [");
	for (i = 0, first = 1; i < M_COUNT; i++) {
		if (!mutation_sent[i])
			continue;
		fprintf(f, "%s\n    {\"name\": \"%s\", \"sent\": %u, \"rejected\": %u}",
			first ? "" : ",", mutation_names[i], mutation_sent[i],
			mutation_rejected[i]);
		first = 0;
	}
	fprintf(f, "\n  ],\n  \"ops\": [");
	for (i = 0; i < fam.nops; i++) {
		const struct gnl_op *op = &fam.ops[i];
		const struct op_stat *st = &opstat[i];
		const struct gnl_policy *pols[2] = {
			gnl_op_policy(&fam, op, false), gnl_op_policy(&fam, op, true),
		};

		fprintf(f, "%s\n    {\"cmd\": %u, \"admin\": %s, \"do\": %s, \"dump\": %s, ",
			i ? "," : "", op->cmd, op->flags & GENL_ADMIN_PERM ? "true" : "false",
			op->flags & GENL_CMD_CAP_DO ? "true" : "false",
			op->flags & GENL_CMD_CAP_DUMP ? "true" : "false");
		fprintf(f, "\"sent_do\": %u, \"sent_dump\": %u, \"ok\": %u, \"rejected\": %u, \"silent\": %u, \"interrupted\": %u, \"heavy\": %s, \"mean_ms\": %.2f,\n",
			st->sent_do, st->sent_dump, st->ok, st->rejected, st->silent,
			st->interrupted, st->heavy ? "true" : "false",
			st->timed ? st->seconds / st->timed * 1000 : 0.0);
		fprintf(f, "     \"learned_required\": [");
		for (t = 1, first = 1; t < MAX_ATTR_TYPE; t++)
			if (st->required[t / 32] & (1U << (t % 32))) {
				fprintf(f, "%s%d", first ? "" : ", ", t);
				first = 0;
			}
		fprintf(f, "], \"learned_templates\": %d, \"template_requests\": %u,\n",
			st->ntemplates[0] + st->ntemplates[1], st->template_used);
		fprintf(f, "     \"errors\": {");
		for (e = 1, first = 1; e < MAX_ERRNO; e++)
			if (st->err[e]) {
				fprintf(f, "%s\"%s\": %u", first ? "" : ", ", gnl_errname(e),
					st->err[e]);
				first = 0;
			}
		fprintf(f, "},\n     \"attrs\": [");
		for (t = 1, first = 1; t < MAX_ATTR_TYPE; t++) {
			const struct gnl_attr_policy *ap = NULL;
			int p;

			for (p = 0; p < 2; p++)
				if (pols[p] && pols[p]->attr && t <= pols[p]->maxtype &&
				    pols[p]->attr[t].present)
					ap = &pols[p]->attr[t];
			if (!ap)
				continue;
			fprintf(f, "%s\n       {\"type\": %d, \"kind\": \"%s\", \"sent_valid\": %u, \"sent_mutated\": %u, \"in_accepted\": %u, \"in_rejected\": %u}",
				first ? "" : ",", t, gnl_attr_type_name(ap->type),
				st->attr[t].sent_valid, st->attr[t].sent_mutated,
				st->attr[t].in_accepted, st->attr[t].in_rejected);
			first = 0;
		}
		fprintf(f, "%s]}", first ? "" : "\n     ");
	}
	fprintf(f, "\n  ],\n  \"unknown_cmds_sent\": %u,\n",
		unknown_stat.sent_do + unknown_stat.sent_dump);
	if (kcov_on) {
		kcov_json(&kc, f, "  ");
		fprintf(f, ",\n");
	}
	fprintf(f, "  \"findings\": [");
	for (i = 0; i < n_findings && i < MAX_FINDINGS; i++) {
		fprintf(f, "%s\n    {\"kind\": ", i ? "," : "");
		gnl_json_str(f, findings[i].kind);
		fprintf(f, ", \"detail\": ");
		gnl_json_str(f, findings[i].detail);
		fprintf(f, ", \"request\": %ld}", findings[i].index);
	}
	fprintf(f, "%s],\n  \"findings_total\": %d\n}\n", n_findings ? "\n  " : "", n_findings);
	fclose(f);
}

static void print_model(void)
{
	int i, t;

	printf("kfuzz: family %s id %u version %u: %d ops, %d policies, %d groups (GETFAMILY %s, GETPOLICY %s)\n",
	       fam.name, fam.id, fam.version, fam.nops, fam.npolicies, fam.ngroups,
	       fam.getfamily_ok ? "ok" : gnl_errname(fam.getfamily_error),
	       fam.getpolicy_ok ? "ok" : gnl_errname(fam.getpolicy_error));
	for (i = 0; i < fam.nops; i++) {
		const struct gnl_op *op = &fam.ops[i];
		const struct gnl_policy *p = gnl_op_policy(&fam, op, false);

		if (!p)
			p = gnl_op_policy(&fam, op, true);
		printf("  cmd %3u%s%s%s:", op->cmd, op->flags & GENL_ADMIN_PERM ? " admin" : "",
		       op->flags & GENL_CMD_CAP_DO ? " do" : "",
		       op->flags & GENL_CMD_CAP_DUMP ? " dump" : "");
		for (t = 1; p && p->attr && t <= p->maxtype; t++) {
			const struct gnl_attr_policy *ap = &p->attr[t];

			if (!ap->present)
				continue;
			printf(" %d=%s", t, gnl_attr_type_name(ap->type));
			if (ap->has_mask)
				printf("&0x%llx", (unsigned long long)ap->mask);
			else if (ap->has_min_u || ap->has_max_u)
				printf("[%llu..%llu]", (unsigned long long)ap->min_u,
				       (unsigned long long)ap->max_u);
			if (ap->has_max_len || ap->has_min_len)
				printf("(%u..%u)", ap->min_len, ap->max_len);
		}
		printf("\n");
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kfuzz [--family NAME] [--seed N] [--count N] [--seconds S]\n"
		"             [--caller root|user|userns|netns] [--timeout-ms N]\n"
		"             [--heavy-ms N] [--heavy-deadline-ms N] [--probe-every N]\n"
		"             [--log FILE] [--json FILE] [--kcov --ko PATH [--module NAME]]\n"
		"             [--no-groups] [--verbose]\n"
		"       kfuzz --replay FILE [--upto N] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "family", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "caller", required_argument, NULL, 'c' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "heavy-ms", required_argument, NULL, 'H' },
		{ "heavy-deadline-ms", required_argument, NULL, 'D' },
		{ "probe-every", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "json", required_argument, NULL, 'j' },
		{ "replay", required_argument, NULL, 'r' },
		{ "upto", required_argument, NULL, 'u' },
		{ "kcov", no_argument, NULL, 'k' },
		{ "ko", required_argument, NULL, 'K' },
		{ "module", required_argument, NULL, 'm' },
		{ "no-groups", no_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i, err;
	double dt;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'f': opt.family = optarg; break;
		case 's': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'n': opt.count = strtol(optarg, NULL, 0); break;
		case 'S': opt.seconds = strtod(optarg, NULL); break;
		case 'c':
			for (i = 0; i < 4 && strcmp(optarg, caller_names[i]); i++)
				;
			if (i == 4)
				usage();
			opt.caller = i;
			break;
		case 't': opt.timeout_ms = atoi(optarg); break;
		case 'H': opt.heavy_ms = atoi(optarg); break;
		case 'D': opt.heavy_deadline_ms = atoi(optarg); break;
		case 'p': opt.probe_every = atoi(optarg); break;
		case 'l': opt.log_path = optarg; break;
		case 'j': opt.json_path = optarg; break;
		case 'r': opt.replay_path = optarg; break;
		case 'u': opt.replay_upto = strtol(optarg, NULL, 0); break;
		case 'k': opt.kcov = true; break;
		case 'K': opt.ko_path = optarg; break;
		case 'm': opt.module = optarg; break;
		case 'G': opt.no_groups = true; break;
		case 'v': opt.verbose = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	rng_state = opt.seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
	if (!rng_state)
		rng_state = 1;

	err = gnl_open(&sk, opt.timeout_ms);
	if (err) {
		fprintf(stderr, "kfuzz: netlink socket: %s\n", strerror(-err));
		return 2;
	}
	if (opt.replay_path)
		return replay();

	err = gnl_learn_family(&sk, opt.family, &fam);
	if (err) {
		fprintf(stderr, "kfuzz: cannot learn family %s: GETFAMILY %s, GETPOLICY %s\n",
			opt.family, gnl_errname(fam.getfamily_error),
			gnl_errname(fam.getpolicy_error));
		return 2;
	}
	if (opt.caller == CALLER_NETNS && fam.getfamily_ok)
		finding("netns", "CTRL_CMD_GETFAMILY resolved %s from another network namespace",
			opt.family);
	if (!fam.getpolicy_ok || !fam.nops) {
		fprintf(stderr, "kfuzz: no op policies for %s (GETPOLICY %s)\n", opt.family,
			gnl_errname(fam.getpolicy_error));
		return 2;
	}
	print_model();
	opstat = calloc(fam.nops, sizeof(*opstat));
	if (!opstat)
		return 2;
	if (opt.log_path) {
		logf = fopen(opt.log_path, "w");
		if (!logf) {
			perror(opt.log_path);
			return 2;
		}
		fprintf(logf, "# kfuzz log: seed %llu caller %s family %s id %u\n",
			(unsigned long long)opt.seed, caller_names[opt.caller], fam.name, fam.id);
	}
	if (opt.kcov) {
		char why[256];

		if (!opt.ko_path ||
		    kcov_open(&kc, opt.module, opt.ko_path, true, why, sizeof(why))) {
			fprintf(stderr, "kfuzz: --kcov: %s\n",
				opt.ko_path ? why : "--ko PATH is needed");
			return 2;
		}
		kcov_on = true;
		if (kcov_child_prepare(&kc))
			printf("kfuzz: KCOV: no second handle, slow requests in children are not traced\n");
		printf("kfuzz: KCOV on: %d basic blocks in %s's .text (%llu bytes)\n",
		       kc.map.nblocks, opt.module, (unsigned long long)kc.map.text_size);
	}
	if (opt.caller != CALLER_NETNS)
		open_monitor(NULL);
	probe_baseline();

	t_start = gnl_now();
	while (n_sent < opt.count || opt.count <= 0) {
		int len = 1 + (int)below(6), k;

		if (opt.seconds > 0 && gnl_now() - t_start >= opt.seconds)
			break;
		if (opt.count <= 0 && opt.seconds <= 0)
			break;
		n_programs++;
		recent_any = false;
		memset(recent, 0, sizeof(recent));
		for (k = 0; k < len && (n_sent < opt.count || opt.count <= 0); k++)
			one_request();
		if (opt.probe_every > 0 && n_programs % opt.probe_every == 0)
			probe();
		if (n_findings >= MAX_FINDINGS) {
			printf("kfuzz: %d findings, stopping\n", n_findings);
			break;
		}
	}
	probe();
	dt = gnl_now() - t_start;
	if (logf)
		fclose(logf);
	printf("kfuzz: %ld requests in %ld programs, %ld probes, %.1f s (%.1f/s), caller %s, seed %llu\n",
	       n_sent, n_programs, n_probes, dt, dt > 0 ? n_sent / dt : 0.0,
	       caller_names[opt.caller], (unsigned long long)opt.seed);
	printf("kfuzz: answers:");
	for (i = 0; i < MAX_ERRNO; i++)
		if (err_total[i])
			printf(" %s=%u", gnl_errname(i), err_total[i]);
	printf("; %ld interrupted (heavy), %ld multicast messages (%ld ENOBUFS)\n",
	       n_interrupted, n_mcast, n_mcast_enobufs);
	if (kcov_on)
		printf("kfuzz: KCOV: %d of %d basic blocks of %s reached\n", kcov_covered(&kc),
		       kc.map.nblocks, opt.module);
	if (opt.json_path)
		write_json(dt);
	printf("kfuzz: %d findings\n", n_findings);
	if (kcov_on)
		kcov_close(&kc);
	gnl_family_free(&fam);
	return n_findings ? 1 : 0;
}
