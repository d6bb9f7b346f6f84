// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * state.c - kallocd's state file, written by the daemon and read by
 * "kallocctl plan status" (state.h has the format).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

static void write_rule(FILE *f, const struct kalloc_state_rule *r)
{
	fprintf(f, "rule %s %s %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64,
		r->name, r->phase, r->since, r->until, r->fired_at, r->fired);
	if (r->have_value)
		fprintf(f, " %" PRId64 "\n", r->value);
	else
		fprintf(f, " -\n");
}

static void write_all(FILE *f, const struct kalloc_state *s)
{
	size_t i;

	fprintf(f, "kallocd-state 1\npid %ld\nupdated %" PRId64 "\nfamily %s\n",
		s->pid, s->updated, s->family ? "present" : "absent");
	for (i = 0; i < s->ncounters; i++)
		fprintf(f, "counter %s %" PRIu64 "\n", s->counters[i].name,
			s->counters[i].value);
	fprintf(f, "last_reconcile %" PRId64 " %s\n", s->last_reconcile,
		s->last_result[0] ? s->last_result : "none");
	fprintf(f, "status %s\n", s->status);
	for (i = 0; i < s->nrules; i++)
		write_rule(f, &s->rules[i]);
}

int kalloc_state_write(const char *path, const struct kalloc_state *s)
{
	char tmp[4096];
	FILE *f;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	/* For everyone to read, whatever the daemon's umask (UMask=0077). */
	fchmod(fileno(f), 0644);
	write_all(f, s);
	if (fflush(f) || ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

static int read_rule(const char *rest, struct kalloc_state *s)
{
	struct kalloc_state_rule r = { 0 }, *v;
	char value[32];

	if (sscanf(rest, "%31s %15s %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNu64 " %31s",
		   r.name, r.phase, &r.since, &r.until, &r.fired_at, &r.fired,
		   value) != 7)
		return -EINVAL;
	r.have_value = strcmp(value, "-") != 0;
	if (r.have_value && sscanf(value, "%" SCNd64, &r.value) != 1)
		return -EINVAL;
	v = realloc(s->rules, (s->nrules + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->rules = v;
	v[s->nrules++] = r;
	return 0;
}

static int read_counter(const char *rest, struct kalloc_state *s)
{
	size_t i = s->ncounters;

	if (i == KALLOC_STATE_COUNTERS)
		return 0;
	if (sscanf(rest, "%31s %" SCNu64, s->counters[i].name,
		   &s->counters[i].value) != 2)
		return -EINVAL;
	s->ncounters++;
	return 0;
}

static int read_line(char *line, struct kalloc_state *s)
{
	char *rest = strchr(line, ' ');

	if (!rest)
		return -EINVAL;
	*rest++ = '\0';
	if (!strcmp(line, "pid"))
		return sscanf(rest, "%ld", &s->pid) == 1 ? 0 : -EINVAL;
	if (!strcmp(line, "updated"))
		return sscanf(rest, "%" SCNd64, &s->updated) == 1 ? 0 : -EINVAL;
	if (!strcmp(line, "family")) {
		s->family = !strcmp(rest, "present");
		return 0;
	}
	if (!strcmp(line, "counter"))
		return read_counter(rest, s);
	if (!strcmp(line, "last_reconcile"))
		return sscanf(rest, "%" SCNd64 " %31s", &s->last_reconcile,
			      s->last_result) == 2 ? 0 : -EINVAL;
	if (!strcmp(line, "status")) {
		snprintf(s->status, sizeof(s->status), "%s", rest);
		return 0;
	}
	if (!strcmp(line, "rule"))
		return read_rule(rest, s);
	return 0;	/* a newer daemon's record: skipped */
}

int kalloc_state_read(const char *path, struct kalloc_state *s)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) ||
	    strcmp(line, "kallocd-state 1\n"))
		rc = -EINVAL;
	while (!rc && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		rc = read_line(line, s);
	}
	fclose(f);
	if (rc)
		kalloc_state_free(s);
	return rc;
}

void kalloc_state_free(struct kalloc_state *s)
{
	free(s->rules);
	s->rules = NULL;
	s->nrules = 0;
}
