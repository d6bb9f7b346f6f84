// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kmodel: a small kalloc client for the gauntlet's semantic campaigns.
 * See kmodel.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmodel.h"

uint64_t kc_fnv(const void *data, size_t len, uint64_t h)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

int kc_open(struct kc *c, int timeout_ms)
{
	int err;

	memset(c, 0, sizeof(*c));
	err = gnl_open(&c->s, timeout_ms);
	if (err)
		return err;
	err = gnl_learn_family(&c->s, KALLOC_GENL_NAME, &c->family);
	if (err || !c->family.getfamily_ok) {
		gnl_family_free(&c->family);
		gnl_close(&c->s);
		return err ? err : -ENOENT;
	}
	c->fam = c->family.id;
	c->version = c->family.version;
	c->grp_events = gnl_family_group(&c->family, KALLOC_MCGRP_EVENTS);
	c->grp_stats = gnl_family_group(&c->family, KALLOC_MCGRP_STATS);
	c->grp_perf = gnl_family_group(&c->family, KALLOC_MCGRP_PERF);
	return 0;
}

void kc_close(struct kc *c)
{
	gnl_family_free(&c->family);
	gnl_close(&c->s);
}

bool kc_has_cmd(struct kc *c, uint8_t cmd)
{
	return gnl_family_op(&c->family, cmd) != NULL;
}

void kc_msg(const struct kc *c, struct gnl_msg *m, uint8_t cmd, uint16_t flags)
{
	gnl_msg_init(m, c->fam, NLM_F_REQUEST | NLM_F_ACK | flags, cmd,
		     KALLOC_GENL_VERSION);
}

int kc_req(struct kc *c, struct gnl_msg *m, struct gnl_reply *r)
{
	int err = gnl_request(&c->s, m, r);

	return err ? err : r->error;
}

/* One request with its own message and reply when the caller needs none. */
#define WITH_REPLY(r, local)			\
	struct gnl_reply local;			\
	if (!(r)) {				\
		gnl_reply_init(&local);		\
		(r) = &local;			\
	} else {				\
		gnl_reply_free(r);		\
	}

static void str_attr(char *dst, size_t n, const struct nlattr *a)
{
	if (!a) {
		dst[0] = '\0';
		return;
	}
	snprintf(dst, n, "%.*s", gnl_attr_len(a), (const char *)gnl_attr_data(a));
}

void kc_parse_buf(const struct nlmsghdr *n, struct kc_buf *b)
{
	struct nlattr *tb[KALLOC_BUFFER_A_MAX + 1], *a;
	int len;

	memset(b, 0, sizeof(*b));
	a = gnl_msg_attrs(n, 0, &len);
	gnl_parse(tb, KALLOC_BUFFER_A_MAX, a, len);
	if (tb[KALLOC_BUFFER_A_ID])
		b->id = (uint32_t)gnl_get_uint(tb[KALLOC_BUFFER_A_ID]);
	str_attr(b->name, sizeof(b->name), tb[KALLOC_BUFFER_A_NAME]);
	if (tb[KALLOC_BUFFER_A_SIZE])
		b->size = gnl_get_uint(tb[KALLOC_BUFFER_A_SIZE]);
	if (tb[KALLOC_BUFFER_A_POLICY])
		b->policy = (uint32_t)gnl_get_uint(tb[KALLOC_BUFFER_A_POLICY]);
	str_attr(b->owner, sizeof(b->owner), tb[KALLOC_BUFFER_A_OWNER]);
	str_attr(b->allocator, sizeof(b->allocator), tb[KALLOC_BUFFER_A_ALLOCATOR]);
	if (tb[KALLOC_BUFFER_A_FLAGS])
		b->flags = (uint32_t)gnl_get_uint(tb[KALLOC_BUFFER_A_FLAGS]);
	if (tb[KALLOC_BUFFER_A_PORTID])
		b->portid = (uint32_t)gnl_get_uint(tb[KALLOC_BUFFER_A_PORTID]);
	if (tb[KALLOC_BUFFER_A_GUARDS])
		b->guards = (uint32_t)gnl_get_uint(tb[KALLOC_BUFFER_A_GUARDS]);
}

int kc_buffer_new(struct kc *c, const char *name, uint64_t size, uint32_t policy,
		  const char *owner, uint32_t flags, struct kc_buf *out,
		  struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct nlmsghdr *n;
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_BUFFER_NEW, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_NAME, name);
	gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, size);
	if (policy)
		gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, policy);
	if (owner)
		gnl_put_str(m, KALLOC_BUFFER_A_OWNER, owner);
	if (flags)
		gnl_put_u32(m, KALLOC_BUFFER_A_FLAGS, flags);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (!err && out && n)
		kc_parse_buf(n, out);
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

static void put_select(struct gnl_msg *m, uint32_t id, const char *name)
{
	if (id)
		gnl_put_u32(m, KALLOC_BUFFER_A_ID, id);
	else
		gnl_put_str(m, KALLOC_BUFFER_A_NAME, name);
}

int kc_buffer_del(struct kc *c, uint32_t id, const char *name, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_BUFFER_DEL, 0);
	put_select(m, id, name);
	err = kc_req(c, m, r);
	free(m);
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_buffer_set(struct kc *c, uint32_t id, const char *name, uint64_t size,
		  uint32_t policy, struct kc_buf *out, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct nlmsghdr *n;
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_BUFFER_SET, 0);
	put_select(m, id, name);
	if (size)
		gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, size);
	if (policy)
		gnl_put_u32(m, KALLOC_BUFFER_A_POLICY, policy);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (!err && out && n)
		kc_parse_buf(n, out);
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_buffer_write(struct kc *c, uint32_t id, uint64_t off, const void *data,
		    uint32_t len, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_BUFFER_WRITE, 0);
	gnl_put_u32(m, KALLOC_BUFFER_A_ID, id);
	if (off)
		gnl_put_u64(m, KALLOC_BUFFER_A_OFFSET, off);
	gnl_put(m, KALLOC_BUFFER_A_DATA, data, len);
	err = kc_req(c, m, r);
	free(m);
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_buffer_read(struct kc *c, uint32_t id, uint64_t off, uint32_t len,
		   void *out, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct nlmsghdr *n;
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_BUFFER_READ, 0);
	gnl_put_u32(m, KALLOC_BUFFER_A_ID, id);
	if (off)
		gnl_put_u64(m, KALLOC_BUFFER_A_OFFSET, off);
	gnl_put_u32(m, KALLOC_BUFFER_A_LENGTH, len);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (!err) {
		struct nlattr *tb[KALLOC_BUFFER_A_MAX + 1], *a;
		int alen;

		err = -EBADMSG;
		if (n) {
			a = gnl_msg_attrs(n, 0, &alen);
			gnl_parse(tb, KALLOC_BUFFER_A_MAX, a, alen);
			a = tb[KALLOC_BUFFER_A_DATA];
			if (a && gnl_attr_len(a) == (int)len) {
				memcpy(out, gnl_attr_data(a), len);
				err = 0;
			}
		}
	}
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_buffer_flush(struct kc *c, const char *owner, uint32_t *count,
		    struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct nlmsghdr *n;
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_BUFFER_FLUSH, 0);
	gnl_put_str(m, KALLOC_BUFFER_A_OWNER, owner);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (count)
		*count = 0;
	if (!err && n && count) {
		struct nlattr *tb[KALLOC_BUFFER_A_MAX + 1], *a;
		int alen;

		a = gnl_msg_attrs(n, 0, &alen);
		gnl_parse(tb, KALLOC_BUFFER_A_MAX, a, alen);
		if (tb[KALLOC_BUFFER_A_COUNT])
			*count = (uint32_t)gnl_get_uint(tb[KALLOC_BUFFER_A_COUNT]);
	}
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

typedef void (*kc_parse_fn)(const struct nlmsghdr *n, void *out);

/* One dump of cmd, appended to *list; 1 if it was interrupted (DUMP_INTR). */
static int dump_once(struct kc *c, uint8_t cmd, size_t size, kc_parse_fn parse,
		     char **list, int *count)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct gnl_reply r;
	struct nlmsghdr *n;
	int cap = 0, err;

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, cmd, NLM_F_DUMP);
	gnl_reply_init(&r);
	err = kc_req(c, m, &r);
	free(m);
	for (n = NULL; !err && (n = gnl_reply_next(&r, n));) {
		if (*count == cap) {
			char *p = realloc(*list, (cap ? 2 * cap : 64) * size);

			if (!p) {
				err = -ENOMEM;
				break;
			}
			cap = cap ? 2 * cap : 64;
			*list = p;
		}
		parse(n, *list + (size_t)(*count)++ * size);
	}
	if (!err && r.dump_intr)
		err = 1;
	gnl_reply_free(&r);
	return err;
}

/* Every message of a dump of cmd, parsed into elements of size bytes. */
static int kc_dump(struct kc *c, uint8_t cmd, size_t size, kc_parse_fn parse,
		   void **list, int *count)
{
	char *l = NULL;
	int attempt, err = 1;

	for (attempt = 0; attempt < 20 && err == 1; attempt++) {
		free(l);
		l = NULL;
		*count = 0;
		err = dump_once(c, cmd, size, parse, &l, count);
	}
	if (err) {
		free(l);
		l = NULL;
		*count = 0;
	}
	*list = l;
	return err == 1 ? -EAGAIN : err;
}

static void parse_buf(const struct nlmsghdr *n, void *out)
{
	kc_parse_buf(n, out);
}

int kc_buffers(struct kc *c, struct kc_buf **list, int *count)
{
	void *l;
	int err = kc_dump(c, KALLOC_CMD_BUFFER_GET, sizeof(**list), parse_buf, &l, count);

	*list = l;
	return err;
}

void kc_parse_vdev(const struct nlmsghdr *n, struct kc_vdev *v)
{
	struct nlattr *tb[KALLOC_VDEV_A_MAX + 1], *a;
	int len;

	memset(v, 0, sizeof(*v));
	a = gnl_msg_attrs(n, 0, &len);
	gnl_parse(tb, KALLOC_VDEV_A_MAX, a, len);
	str_attr(v->name, sizeof(v->name), tb[KALLOC_VDEV_A_NAME]);
	str_attr(v->owner, sizeof(v->owner), tb[KALLOC_VDEV_A_OWNER]);
#define U(field, attr) if (tb[attr]) v->field = gnl_get_uint(tb[attr])
	U(id, KALLOC_VDEV_A_ID);
	U(size, KALLOC_VDEV_A_SIZE);
	U(open_files, KALLOC_VDEV_A_OPEN_FILES);
	U(status, KALLOC_VDEV_A_STATUS);
	U(control, KALLOC_VDEV_A_CONTROL);
	U(timer_ns, KALLOC_VDEV_A_TIMER_NS);
	U(irq_count, KALLOC_VDEV_A_IRQ_COUNT);
	U(irq_unacked, KALLOC_VDEV_A_IRQ_UNACKED);
	U(dma_completed, KALLOC_VDEV_A_DMA_COMPLETED);
	U(dma_failed, KALLOC_VDEV_A_DMA_FAILED);
	U(dma_seq, KALLOC_VDEV_A_DMA_SEQ);
	U(dma_direction, KALLOC_VDEV_A_DMA_DIRECTION);
	U(dma_length, KALLOC_VDEV_A_DMA_LENGTH);
	U(dma_bytes, KALLOC_VDEV_A_DMA_BYTES);
	U(dma_error, KALLOC_VDEV_A_DMA_ERROR);
	U(dma_buffer, KALLOC_VDEV_A_DMA_BUFFER);
	U(dma_offset, KALLOC_VDEV_A_DMA_OFFSET);
	U(dma_dev_offset, KALLOC_VDEV_A_DMA_DEV_OFFSET);
#undef U
}

static void parse_vdev(const struct nlmsghdr *n, void *out)
{
	kc_parse_vdev(n, out);
}

int kc_vdevs(struct kc *c, struct kc_vdev **list, int *count)
{
	void *l;
	int err = kc_dump(c, KALLOC_CMD_VDEV_GET, sizeof(**list), parse_vdev, &l, count);

	*list = l;
	return err;
}

int kc_vdev_new(struct kc *c, const char *name, uint32_t size, const char *owner,
		struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_VDEV_NEW, 0);
	gnl_put_str(m, KALLOC_VDEV_A_NAME, name);
	gnl_put_u32(m, KALLOC_VDEV_A_SIZE, size);
	if (owner)
		gnl_put_str(m, KALLOC_VDEV_A_OWNER, owner);
	err = kc_req(c, m, r);
	free(m);
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_vdev_del(struct kc *c, const char *name, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_VDEV_DEL, 0);
	gnl_put_str(m, KALLOC_VDEV_A_NAME, name);
	err = kc_req(c, m, r);
	free(m);
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_policy_set(struct kc *c, uint32_t id, bool migrate, uint32_t from,
		  struct kc_policy_set *out, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct nlmsghdr *n;
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_POLICY_SET, 0);
	gnl_put_u32(m, KALLOC_POLICY_A_ID, id);
	if (migrate)
		gnl_put_flag(m, KALLOC_POLICY_A_MIGRATE);
	if (from)
		gnl_put_u32(m, KALLOC_POLICY_A_FROM, from);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (out)
		memset(out, 0, sizeof(*out));
	if (!err && n && out) {
		struct nlattr *tb[KALLOC_POLICY_A_MAX + 1], *a;
		int alen;

		a = gnl_msg_attrs(n, 0, &alen);
		gnl_parse(tb, KALLOC_POLICY_A_MAX, a, alen);
		if (tb[KALLOC_POLICY_A_ID])
			out->active = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_ID]);
		if (tb[KALLOC_POLICY_A_PREVIOUS])
			out->previous = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_PREVIOUS]);
		if (tb[KALLOC_POLICY_A_MIGRATED])
			out->migrated = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_MIGRATED]);
		if (tb[KALLOC_POLICY_A_UNMOVED])
			out->unmoved = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_UNMOVED]);
		if (tb[KALLOC_POLICY_A_CHANGED])
			out->changed = gnl_get_uint(tb[KALLOC_POLICY_A_CHANGED]) != 0;
	}
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_stats(struct kc *c, bool perf_flush, struct kc_stats *st, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct nlmsghdr *n;
	int err;
	WITH_REPLY(r, local)

	if (!m)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	kc_msg(c, m, KALLOC_CMD_STATS_GET, 0);
	if (perf_flush)
		gnl_put_flag(m, KALLOC_STATS_A_PERF_FLUSH);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (!err && n) {
		struct nlattr *tb[KALLOC_STATS_A_MAX + 1], *a, *p;
		int alen, plen;

		a = gnl_msg_attrs(n, 0, &alen);
		gnl_parse(tb, KALLOC_STATS_A_MAX, a, alen);
#define U(field, attr) if (tb[attr]) st->field = gnl_get_uint(tb[attr])
		U(budget_used, KALLOC_STATS_A_BUDGET_USED);
		U(budget_limit, KALLOC_STATS_A_BUDGET_LIMIT);
		U(buffers, KALLOC_STATS_A_BUFFERS);
		U(buffers_max, KALLOC_STATS_A_BUFFERS_MAX);
		U(perf_produced, KALLOC_STATS_A_PERF_PRODUCED);
		U(perf_dropped, KALLOC_STATS_A_PERF_DROPPED);
		U(perf_sent, KALLOC_STATS_A_PERF_SENT);
		U(perf_send_failed, KALLOC_STATS_A_PERF_SEND_FAILED);
		U(events_sent, KALLOC_STATS_A_EVENTS_SENT);
		U(events_failed, KALLOC_STATS_A_EVENTS_SEND_FAILED);
		U(stats_sent, KALLOC_STATS_A_STATS_SENT);
		U(stats_failed, KALLOC_STATS_A_STATS_SEND_FAILED);
#undef U
		a = gnl_msg_attrs(n, 0, &alen);
		gnl_for_each_attr(p, a, alen) {
			struct nlattr *ps[KALLOC_PSTATS_A_MAX + 1];
			struct kc_pstats *s;
			uint32_t id;

			if (gnl_attr_type(p) != KALLOC_STATS_A_POLICY_STATS)
				continue;
			plen = gnl_attr_len(p);
			gnl_parse(ps, KALLOC_PSTATS_A_MAX, gnl_attr_data(p), plen);
			if (!ps[KALLOC_PSTATS_A_POLICY])
				continue;
			id = (uint32_t)gnl_get_uint(ps[KALLOC_PSTATS_A_POLICY]);
			if (id > KALLOC_POLICY_MAX)
				continue;
			s = &st->p[id];
#define P(field, attr) if (ps[attr]) s->field = gnl_get_uint(ps[attr])
			P(allocs, KALLOC_PSTATS_A_ALLOCS);
			P(frees, KALLOC_PSTATS_A_FREES);
			P(failures, KALLOC_PSTATS_A_FAILURES);
			P(live_buffers, KALLOC_PSTATS_A_LIVE_BUFFERS);
			P(live_bytes, KALLOC_PSTATS_A_LIVE_BYTES);
			P(arena_bytes, KALLOC_PSTATS_A_ARENA_BYTES);
			P(canary, KALLOC_PSTATS_A_CANARY_VIOLATIONS);
#undef P
		}
	}
	if (r == &local)
		gnl_reply_free(&local);
	return err;
}

int kc_policies(struct kc *c, struct kc_policy *p)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct gnl_reply r;
	struct nlmsghdr *n;
	int err;

	if (!m)
		return -ENOMEM;
	memset(p, 0, sizeof(*p) * (KALLOC_POLICY_MAX + 1));
	kc_msg(c, m, KALLOC_CMD_POLICY_GET, NLM_F_DUMP);
	gnl_reply_init(&r);
	err = kc_req(c, m, &r);
	free(m);
	for (n = NULL; !err && (n = gnl_reply_next(&r, n));) {
		struct nlattr *tb[KALLOC_POLICY_A_MAX + 1], *a;
		int alen;
		uint32_t id;

		a = gnl_msg_attrs(n, 0, &alen);
		gnl_parse(tb, KALLOC_POLICY_A_MAX, a, alen);
		if (!tb[KALLOC_POLICY_A_ID])
			continue;
		id = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_ID]);
		if (id > KALLOC_POLICY_MAX)
			continue;
		p[id].id = id;
		str_attr(p[id].name, sizeof(p[id].name), tb[KALLOC_POLICY_A_NAME]);
		if (tb[KALLOC_POLICY_A_ACTIVE])
			p[id].active = gnl_get_uint(tb[KALLOC_POLICY_A_ACTIVE]) != 0;
		if (tb[KALLOC_POLICY_A_BUFFERS])
			p[id].buffers = (uint32_t)gnl_get_uint(tb[KALLOC_POLICY_A_BUFFERS]);
		if (tb[KALLOC_POLICY_A_ARENA_BYTES])
			p[id].arena_bytes = gnl_get_uint(tb[KALLOC_POLICY_A_ARENA_BYTES]);
		if (tb[KALLOC_POLICY_A_ARENA_LIMIT])
			p[id].arena_limit = gnl_get_uint(tb[KALLOC_POLICY_A_ARENA_LIMIT]);
	}
	gnl_reply_free(&r);
	return err;
}

int kc_snapshot(struct kc *c, struct kc_state *st, bool contents)
{
	struct kc_stats s;
	int err, i;

	memset(st, 0, sizeof(*st));
	err = kc_buffers(c, &st->buf, &st->nbuf);
	if (err)
		return err;
	err = kc_policies(c, st->policy);
	if (err)
		return err;
	for (i = 1; i <= KALLOC_POLICY_MAX; i++)
		if (st->policy[i].active)
			st->active = i;
	err = kc_stats(c, false, &s, NULL);
	if (err)
		return err;
	st->budget_used = s.budget_used;
	st->buffers = s.buffers;
	err = kc_vdevs(c, &st->vdev, &st->nvdev);
	if (err)
		return err;
	for (i = 0; contents && i < st->nbuf; i++) {
		static uint8_t chunk[KALLOC_IO_MAX];
		struct kc_buf *b = &st->buf[i];
		uint64_t off = 0, h = 1469598103934665603ULL;

		while (off < b->size) {
			uint32_t n = b->size - off > KALLOC_IO_MAX ? KALLOC_IO_MAX :
				     (uint32_t)(b->size - off);

			err = kc_buffer_read(c, b->id, off, n, chunk, NULL);
			if (err)
				break;
			h = kc_fnv(chunk, n, h);
			off += n;
		}
		/* A corrupt buffer cannot be read (EIO): its guards say so. */
		b->hash = err ? (uint64_t)err : h;
		err = 0;
	}
	return 0;
}

void kc_state_free(struct kc_state *st)
{
	free(st->buf);
	free(st->vdev);
	memset(st, 0, sizeof(*st));
}

/*
 * A device as one line, without what changes on its own in ref's state
 * (see kmodel.h): so that two devices compare as strings.
 */
static void vdev_str(const struct kc_vdev *v, const struct kc_vdev *ref, char *s, size_t n)
{
	bool busy = ref->status & KALLOC_VDEV_STATUS_BUSY;
	bool ticks = busy || (ref->control & KALLOC_VDEV_CONTROL_TIMER_ENABLE);
	uint32_t status = v->status;
	size_t len;

	if (ticks)
		status &= ~KALLOC_VDEV_STATUS_IRQ_PENDING;
	if (busy)
		status &= ~(KALLOC_VDEV_STATUS_BUSY | KALLOC_VDEV_STATUS_READY |
			    KALLOC_VDEV_STATUS_DMA_ERROR);
	snprintf(s, n, "vdev %u %s size %u owner '%s' files %u status %#x control %#x timer %llu",
		 v->id, v->name, v->size, v->owner, v->open_files, status, v->control,
		 (unsigned long long)v->timer_ns);
	len = strlen(s);
	if (!ticks)
		snprintf(s + len, n - len, " irqs %llu unacked %llu",
			 (unsigned long long)v->irq_count, (unsigned long long)v->irq_unacked);
	len = strlen(s);
	if (!busy)
		snprintf(s + len, n - len, " dma completed %llu failed %llu seq %llu dir %u length %u bytes %u error %u",
			 (unsigned long long)v->dma_completed, (unsigned long long)v->dma_failed,
			 (unsigned long long)v->dma_seq, v->dma_direction, v->dma_length,
			 v->dma_bytes, v->dma_error);
}

/* The devices of a and b: the same names, each as a says (see vdev_str). */
static int vdev_cmp(const struct kc_state *a, const struct kc_state *b, char *why,
		    size_t whylen)
{
	char x[400], y[400];
	int i, j, k, w = (int)whylen / 2 - 24;

	if (a->nvdev != b->nvdev) {
		snprintf(why, whylen, "%d devices, then %d", a->nvdev, b->nvdev);
		return 1;
	}
	for (i = 0; i < a->nvdev; i++) {
		for (j = 0; j < b->nvdev && strcmp(a->vdev[i].name, b->vdev[j].name); j++)
			;
		if (j == b->nvdev) {
			snprintf(why, whylen, "device '%s' is gone", a->vdev[i].name);
			return 1;
		}
		vdev_str(&a->vdev[i], &a->vdev[i], x, sizeof(x));
		vdev_str(&b->vdev[j], &a->vdev[i], y, sizeof(y));
		if (strcmp(x, y)) {
			/* From the first word that differs. */
			for (k = 0; x[k] && x[k] == y[k]; k++)
				;
			while (k > 0 && x[k - 1] != ' ')
				k--;
			snprintf(why, whylen, "device %s: %.*s, then %.*s", a->vdev[i].name, w,
				 x + k, w, y + k);
			return 1;
		}
	}
	return 0;
}

int kc_state_cmp(const struct kc_state *a, const struct kc_state *b,
		 bool ignore_arena, char *why, size_t whylen)
{
	int i, j;

	if (a->active != b->active) {
		snprintf(why, whylen, "active policy %u, then %u", a->active, b->active);
		return 1;
	}
	if (a->nbuf != b->nbuf) {
		snprintf(why, whylen, "%d buffers, then %d", a->nbuf, b->nbuf);
		return 1;
	}
	if (a->budget_used != b->budget_used || a->buffers != b->buffers) {
		snprintf(why, whylen, "budget used %llu (%u buffers), then %llu (%u)",
			 (unsigned long long)a->budget_used, a->buffers,
			 (unsigned long long)b->budget_used, b->buffers);
		return 1;
	}
	for (i = 0; i < a->nbuf; i++) {
		const struct kc_buf *x = &a->buf[i], *y = NULL;

		for (j = 0; j < b->nbuf; j++)
			if (!strcmp(b->buf[j].name, x->name))
				y = &b->buf[j];
		if (!y) {
			snprintf(why, whylen, "buffer '%s' is gone", x->name);
			return 1;
		}
		if (x->id != y->id || x->size != y->size || x->policy != y->policy ||
		    strcmp(x->owner, y->owner) || x->flags != y->flags ||
		    x->guards != y->guards || x->hash != y->hash) {
			snprintf(why, whylen,
				 "buffer '%s': id %u size %llu policy %u owner '%s' flags %u guards %u hash %016llx, then id %u size %llu policy %u owner '%s' flags %u guards %u hash %016llx",
				 x->name, x->id, (unsigned long long)x->size, x->policy,
				 x->owner, x->flags, x->guards, (unsigned long long)x->hash,
				 y->id, (unsigned long long)y->size, y->policy, y->owner,
				 y->flags, y->guards, (unsigned long long)y->hash);
			return 1;
		}
	}
	for (i = 1; i <= KALLOC_POLICY_MAX; i++) {
		const struct kc_policy *x = &a->policy[i], *y = &b->policy[i];

		if (x->buffers != y->buffers || x->active != y->active ||
		    (!ignore_arena && x->arena_bytes != y->arena_bytes)) {
			snprintf(why, whylen, "policy %u: %u buffers arena %llu, then %u buffers arena %llu",
				 i, x->buffers, (unsigned long long)x->arena_bytes,
				 y->buffers, (unsigned long long)y->arena_bytes);
			return 1;
		}
	}
	return vdev_cmp(a, b, why, whylen);
}

void kc_state_print(const struct kc_state *st, FILE *f)
{
	int i;

	fprintf(f, "active %u budget_used %llu buffers %u\n", st->active,
		(unsigned long long)st->budget_used, st->buffers);
	for (i = 1; i <= KALLOC_POLICY_MAX; i++)
		fprintf(f, "policy %u %s buffers %u arena %llu\n", i, st->policy[i].name,
			st->policy[i].buffers,
			(unsigned long long)st->policy[i].arena_bytes);
	for (i = 0; i < st->nbuf; i++) {
		const struct kc_buf *b = &st->buf[i];

		fprintf(f, "buffer %u %s size %llu policy %u owner '%s' flags %u guards %u hash %016llx\n",
			b->id, b->name, (unsigned long long)b->size, b->policy, b->owner,
			b->flags, b->guards, (unsigned long long)b->hash);
	}
	for (i = 0; i < st->nvdev; i++) {
		char line[400];

		vdev_str(&st->vdev[i], &st->vdev[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}
