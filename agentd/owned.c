// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * owned.c - the names of the buffers kallocd owns, kept across restarts.
 *
 * Ownership is what lets kallocd delete a buffer that left the plan
 * without ever touching buffers someone made with kallocctl. It lives in
 * memory and, after every reconcile, in a state file (default
 * /run/kallocd/owned, one name per line), so that a daemon restarted by
 * systemd (Restart=on-failure) still knows what it made. /run is a tmpfs:
 * after a reboot the module's buffers are gone as well, so the two agree.
 * The file is replaced atomically (write a temporary file, rename).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kalloc.h"
#include "owned.h"

void kd_owned_clear(struct kd_owned *o)
{
	while (o->n)
		free(o->names[--o->n]);
	free(o->names);
	o->names = NULL;
}

static int owned_add(struct kd_owned *o, const char *name)
{
	char **v = realloc(o->names, (o->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	o->names = v;
	v[o->n] = strdup(name);
	if (!v[o->n])
		return -ENOMEM;
	o->n++;
	return 0;
}

/* A missing file is an empty set. Lines that are not valid names are skipped. */
int kd_owned_load(struct kd_owned *o, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[KALLOC_NAME_MAX + 2];
	const char *why;
	int rc = 0;

	kd_owned_clear(o);
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!kalloc_check_name(line, &why))
			rc = owned_add(o, line);
	}
	fclose(f);
	return rc;
}

/* For --once outside systemd, where no RuntimeDirectory= made it. */
static int make_parent(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return -ENOENT;
	*slash = '\0';
	return mkdir(dir, 0755) ? -errno : 0;
}

int kd_owned_save(const struct kd_owned *o, const char *path)
{
	char tmp[4096];
	FILE *f;
	size_t i;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f && errno == ENOENT && !make_parent(path))
		f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (i = 0; i < o->n; i++)
		fprintf(f, "%s\n", o->names[i]);
	if (fflush(f) || ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		remove(tmp);
	return rc;
}
