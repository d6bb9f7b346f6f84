// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * io.c - buffer contents of any length over requests of at most
 * KALLOC_IO_MAX bytes (the uapi's limit of one BUFFER_READ or
 * BUFFER_WRITE).
 *
 * The plan is pure and unit-tested; the transfers go through the one-
 * request calls of obj_buffer.c. A range is cut at multiples of
 * KALLOC_IO_MAX from its start. When the caller's idea of the buffer's
 * size says the range does not fit, the chunk that crosses the end goes
 * first: the kernel then refuses the whole transfer with its own range
 * message and cookie before anything was read or written, instead of
 * after a partial transfer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"

void kalloc_io_plan(uint64_t offset, uint64_t len, uint64_t size,
		    struct kalloc_io_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->offset = offset;
	p->len = len;
	p->nchunks = len ? (size_t)((len - 1) / KALLOC_IO_MAX + 1) : 0;
	if (offset >= size) {
		/* Every chunk is past the end; the first one says so. */
		p->probe = len > 0;
	} else if (len > size - offset) {
		p->probe = true;
		p->probe_chunk = (size_t)((size - offset) / KALLOC_IO_MAX);
	}
}

void kalloc_io_chunk(const struct kalloc_io_plan *p, size_t i,
		     struct kalloc_io_chunk *c)
{
	uint64_t start = (uint64_t)i * KALLOC_IO_MAX;
	uint64_t left = p->len - start;

	c->offset = p->offset + start;
	c->len = left < KALLOC_IO_MAX ? (uint32_t)left : KALLOC_IO_MAX;
}

/* One chunk into buf; a short answer is the kernel's mistake, not ours. */
static int read_chunk(struct kalloc_nl *nl, const char *name,
		      const struct kalloc_io_chunk *c, void *buf,
		      struct kalloc_err *err)
{
	size_t got = 0;
	int ret;

	ret = kalloc_buffer_read(nl, name, c->offset, &c->len, buf,
				 KALLOC_IO_MAX, &got, err);
	if (!ret && got != c->len)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel read %zu bytes where %u were asked",
				     got, c->len);
	return ret;
}

int kalloc_buffer_read_range(struct kalloc_nl *nl, const char *name,
			     uint64_t size, uint64_t offset, uint64_t len,
			     kalloc_io_sink_t sink, void *ctx, uint64_t *done,
			     struct kalloc_err *err)
{
	struct kalloc_io_chunk c;
	struct kalloc_io_plan p;
	void *buf;
	size_t i;
	int ret = 0;

	kalloc_clear_err(err);
	*done = 0;
	buf = malloc(KALLOC_IO_MAX);
	if (!buf)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	kalloc_io_plan(offset, len, size, &p);
	if (p.probe) {
		kalloc_io_chunk(&p, p.probe_chunk, &c);
		ret = read_chunk(nl, name, &c, buf, err);
	}
	for (i = 0; !ret && i < p.nchunks; i++) {
		kalloc_io_chunk(&p, i, &c);
		ret = read_chunk(nl, name, &c, buf, err);
		if (!ret)
			ret = sink(ctx, c.offset, buf, c.len);
		if (!ret)
			*done += c.len;
	}
	free(buf);
	return ret;
}

int kalloc_buffer_write_range(struct kalloc_nl *nl, const char *name,
			      uint64_t size, uint64_t offset, const void *data,
			      uint64_t len, uint64_t *done,
			      struct kalloc_err *err)
{
	const unsigned char *bytes = data;
	struct kalloc_io_chunk c;
	struct kalloc_io_plan p;
	size_t i;
	int ret = 0;

	kalloc_clear_err(err);
	*done = 0;
	kalloc_io_plan(offset, len, size, &p);
	if (p.probe) {
		kalloc_io_chunk(&p, p.probe_chunk, &c);
		ret = kalloc_buffer_write(nl, name, c.offset,
					  bytes + (c.offset - offset), c.len,
					  err);
	}
	for (i = 0; !ret && i < p.nchunks; i++) {
		kalloc_io_chunk(&p, i, &c);
		ret = kalloc_buffer_write(nl, name, c.offset,
					  bytes + (c.offset - offset), c.len,
					  err);
		if (!ret)
			*done += c.len;
	}
	return ret;
}
