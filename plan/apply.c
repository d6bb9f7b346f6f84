// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * apply.c - a reconcile's changes over libkalloc (apply.h).
 *
 * New buffers are created with the owner tag KALLOC_PLAN_OWNER and the
 * planned policy (none: the active one), then filled: "fill" writes the
 * byte over the whole buffer, "from" the file's bytes from offset 0 (the
 * rest stays zero, as BUFFER_NEW made it). A fill that fails leaves the
 * buffer in place, reported: deleting it would lose nothing, but a buffer
 * that comes and goes at every reconcile helps nobody.
 *
 * A change of size or policy is one BUFFER_SET, which keeps the contents
 * (up to the smaller size); it is never done as delete + create. A
 * refused BUFFER_SET leaves the buffer as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"

int kalloc_world_read(struct kalloc_nl *nl, struct kalloc_world_buf *wb,
		      struct kalloc_err *err)
{
	struct kalloc_policy_info active;
	struct kalloc_stats *st;
	int rc;

	memset(wb, 0, sizeof(*wb));
	rc = kalloc_buffer_list(nl, &wb->bufs, &wb->w.nbufs, err);
	if (rc)
		return rc;
	wb->w.bufs = wb->bufs;
	rc = kalloc_policy_get(nl, NULL, &active, err);
	if (rc)
		goto free_bufs;
	wb->w.active_policy = active.id;
	st = malloc(sizeof(*st));
	if (!st) {
		rc = kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
		goto free_bufs;
	}
	rc = kalloc_stats_get(nl, NULL, st, err);
	if (!rc && st->telemetry.present)
		wb->w.stats_interval_ms = st->telemetry.interval_ms;
	free(st);
	if (!rc)
		rc = plan_world_vdevs(nl, wb, err);
	if (rc)
		goto free_bufs;
	return 0;
free_bufs:
	kalloc_world_free(wb);
	return rc;
}

void kalloc_world_free(struct kalloc_world_buf *wb)
{
	free(wb->bufs);
	free(wb->vdevs);
	memset(wb, 0, sizeof(*wb));
}

/* Writes the byte over all of a new buffer, one KALLOC_IO_MAX at a time. */
static int fill_byte(struct kalloc_nl *nl, const struct kalloc_change *c,
		     int byte, struct kalloc_err *err)
{
	char *chunk;
	uint64_t done = 0;
	size_t n = c->size < KALLOC_IO_MAX ? c->size : KALLOC_IO_MAX;
	int rc = 0;

	if (byte == 0)
		return 0;	/* BUFFER_NEW zeroes */
	chunk = malloc(n);
	if (!chunk)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	memset(chunk, byte, n);
	while (!rc && done < c->size) {
		n = c->size - done < KALLOC_IO_MAX ? c->size - done : KALLOC_IO_MAX;
		rc = kalloc_buffer_write(nl, c->name, done, chunk, n, err);
		done += n;
	}
	free(chunk);
	return rc;
}

/* Reads path whole (it was checked to fit when the plan was loaded). */
static int fill_from(struct kalloc_nl *nl, const struct kalloc_change *c,
		     const char *path, struct kalloc_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	uint64_t done = 0;
	char *data = NULL;
	ssize_t got;
	int rc;

	if (fd < 0 || fstat(fd, &st))
		return kalloc_set_err(err, -errno, "cannot read %s: %s", path,
				      strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > c->size) {
		rc = kalloc_set_err(err, -EFBIG,
				    "%s is no longer a regular file that fits the buffer",
				    path);
		goto close_fd;
	}
	data = malloc(st.st_size + 1);
	if (!data) {
		rc = kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
		goto close_fd;
	}
	got = read(fd, data, st.st_size);
	if (got < 0) {
		rc = kalloc_set_err(err, -errno, "cannot read %s: %s", path,
				    strerror(errno));
		goto free_data;
	}
	rc = got ? kalloc_buffer_write_range(nl, c->name, c->size, 0, data,
					     (uint64_t)got, &done, err) : 0;
free_data:
	free(data);
close_fd:
	close(fd);
	return rc;
}

static int create_buffer(struct kalloc_nl *nl, const struct kalloc_change *c,
			 struct kalloc_err *err)
{
	const struct kalloc_plan_buffer *b = &c->stmt->u.buffer;
	struct kalloc_buffer_spec spec = {
		.name = c->name, .size = c->size, .owner = KALLOC_PLAN_OWNER,
		.policy = c->policy ? &c->policy : NULL,
	};
	int rc = kalloc_buffer_new(nl, &spec, NULL, err);

	if (rc)
		return rc;
	if (b->fill_byte >= 0)
		rc = fill_byte(nl, c, b->fill_byte, err);
	if (!rc && b->from.text)
		rc = fill_from(nl, c, b->from.text, err);
	return rc;
}

/* Size and policy in place: BUFFER_SET keeps the contents. */
static int change_buffer(struct kalloc_nl *nl, const struct kalloc_change *c,
			 struct kalloc_err *err)
{
	const uint64_t *size = c->what & KALLOC_CH_SIZE ? &c->size : NULL;
	const uint32_t *policy = c->what & KALLOC_CH_POLICY ? &c->policy : NULL;

	return kalloc_buffer_set(nl, c->name, 0, size, policy, NULL, err);
}

static int do_change(struct kalloc_nl *nl, const struct kalloc_change *c,
		     struct kalloc_err *err)
{
	switch (c->obj) {
	case KALLOC_CO_BUFFER:
		if (c->op == KALLOC_CH_CREATE)
			return create_buffer(nl, c, err);
		if (c->op == KALLOC_CH_DELETE)
			return kalloc_buffer_del(nl, c->name, 0, err);
		return change_buffer(nl, c, err);
	case KALLOC_CO_POLICY:
		return kalloc_policy_set(nl, c->value, false, 0, NULL, err);
	case KALLOC_CO_STATS:
		return kalloc_stats_set_interval(nl, c->value, err);
	case KALLOC_CO_VDEV:
		return plan_apply_vdev(nl, c, err);
	}
	return kalloc_set_err(err, -EINVAL, "unknown change");
}

int kalloc_plan_apply(struct kalloc_nl *nl, const struct kalloc_plan *plan,
		      const struct kalloc_changes *c,
		      const struct kalloc_apply_report *rep,
		      struct kalloc_apply_result *res)
{
	struct kalloc_err err;
	size_t i;
	int rc;

	(void)plan;
	memset(res, 0, sizeof(*res));
	for (i = 0; i < c->n; i++) {
		kalloc_clear_err(&err);
		if (c->v[i].op == KALLOC_CH_KEEP) {
			res->kept++;
			continue;
		}
		if (c->v[i].op == KALLOC_CH_CONFLICT) {
			res->conflicts++;
		} else {
			rc = do_change(nl, &c->v[i], &err);
			if (rc && !res->failed++)
				snprintf(res->first_err, sizeof(res->first_err),
					 "%s %s: %.180s",
					 kalloc_change_obj_name(c->v[i].obj),
					 c->v[i].name, err.msg);
			res->done += !rc;
		}
		if (rep && rep->change)
			rep->change(rep->ctx, &c->v[i], &err);
	}
	return res->failed ? -EAGAIN : 0;
}

static int open_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 && errno == ENOENT) {
		/* Only the last component: /run is there on any system. */
		if (mkdir(KALLOC_RUN_DIR, 0755) && errno != EEXIST)
			return -errno;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	}
	return fd < 0 ? -errno : fd;
}

int kalloc_plan_lock_wait(const char *path, unsigned int ms, int *fdp)
{
	struct timespec step = { .tv_nsec = 50 * 1000000 };
	unsigned int waited = 0;
	int fd = open_lock(path);

	if (fd < 0)
		return fd;
	for (;;) {
		if (!flock(fd, ms ? LOCK_EX | LOCK_NB : LOCK_EX))
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || waited >= ms) {
			close(fd);
			return errno == EWOULDBLOCK ? -EBUSY : -errno;
		}
		nanosleep(&step, NULL);
		waited += 50;
	}
	*fdp = fd;
	return 0;
}

int kalloc_plan_lock(const char *path, int *fdp)
{
	return kalloc_plan_lock_wait(path, 0, fdp);
}

void kalloc_plan_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
