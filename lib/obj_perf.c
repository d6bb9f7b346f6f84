// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_perf.c - the perf object: KALLOC_CMD_PERF, the messages of the
 * "perf" multicast group, in the attribute space enum kalloc_perf_attr.
 * There is no request: a message only ever arrives (events.c).
 *
 * A message carries COUNT records of RECORD_SIZE bytes, packed, in
 * KALLOC_PERF_A_RECORDS. RECORD_SIZE is the sending kernel's
 * sizeof(struct kalloc_perf_record): a newer kernel may append fields,
 * so a record is read from its start as far as this header's struct goes
 * and the rest is skipped; fields an older, shorter record lacks read as
 * 0. Records sit at 4-byte alignment inside the message, so they are
 * copied, never cast.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const perf_attr_names[KALLOC_PERF_A_MAX + 1] = {
	[KALLOC_PERF_A_CPU]		= "cpu",
	[KALLOC_PERF_A_FIRST_SEQ]	= "first_seq",
	[KALLOC_PERF_A_COUNT]		= "count",
	[KALLOC_PERF_A_LOST]		= "lost",
	[KALLOC_PERF_A_RECORD_SIZE]	= "record_size",
	[KALLOC_PERF_A_RECORDS]		= "records",
	[KALLOC_PERF_A_PAD]		= "pad",
};

static const struct nla_policy perf_policy[KALLOC_PERF_A_MAX + 1] = {
	[KALLOC_PERF_A_CPU]		= { .type = NLA_U32 },
	[KALLOC_PERF_A_FIRST_SEQ]	= { .type = NLA_U64 },
	[KALLOC_PERF_A_COUNT]		= { .type = NLA_U32 },
	[KALLOC_PERF_A_LOST]		= { .type = NLA_U64 },
	[KALLOC_PERF_A_RECORD_SIZE]	= { .type = NLA_U32 },
	[KALLOC_PERF_A_RECORDS]		= { .type = NLA_UNSPEC },
};

/*
 * Everything but LOST is required, and the records must be exactly
 * COUNT * RECORD_SIZE bytes: a message that disagrees with itself is
 * malformed, not something to guess around.
 */
static int parse_perf(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_perf_raw *p = out;

	if (!tb[KALLOC_PERF_A_CPU] || !tb[KALLOC_PERF_A_FIRST_SEQ] ||
	    !tb[KALLOC_PERF_A_COUNT] || !tb[KALLOC_PERF_A_RECORD_SIZE] ||
	    !tb[KALLOC_PERF_A_RECORDS])
		return -EPROTO;
	memset(p, 0, sizeof(*p));
	p->cpu = nla_get_u32(tb[KALLOC_PERF_A_CPU]);
	p->first_seq = nla_get_u64(tb[KALLOC_PERF_A_FIRST_SEQ]);
	p->count = nla_get_u32(tb[KALLOC_PERF_A_COUNT]);
	p->record_size = nla_get_u32(tb[KALLOC_PERF_A_RECORD_SIZE]);
	if (tb[KALLOC_PERF_A_LOST])
		p->lost = nla_get_u64(tb[KALLOC_PERF_A_LOST]);
	if (p->count && !p->record_size)
		return -EPROTO;
	if ((uint64_t)p->count * p->record_size !=
	    (uint64_t)nla_len(tb[KALLOC_PERF_A_RECORDS]))
		return -EPROTO;
	p->records = nla_data(tb[KALLOC_PERF_A_RECORDS]);
	return 0;
}

const struct kalloc_obj_ops kalloc_obj_perf = {
	.name = "perf",
	.attr_prefix = "KALLOC_PERF_A_",
	.maxattr = KALLOC_PERF_A_MAX,
	.attr_names = perf_attr_names,
	.policy = perf_policy,
	.reply_size = sizeof(struct kalloc_perf_raw),
	.parse = parse_perf,
};

void kalloc_perf_record_read(const struct kalloc_perf_raw *p, uint32_t i,
			     struct kalloc_perf_record *rec)
{
	size_t n = p->record_size < sizeof(*rec) ? p->record_size : sizeof(*rec);

	memset(rec, 0, sizeof(*rec));
	memcpy(rec, (const unsigned char *)p->records + (size_t)i * p->record_size,
	       n);
}
