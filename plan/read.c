// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * read.c - plan files and directories, read as hostile input.
 *
 * A plan directory's entries named *.plan (not starting with '.', so that
 * editors' swap files stay out) are the plan. Each must be a readable
 * regular file, or the load fails with an error that names it: a
 * dangling symlink, a FIFO, a directory or an unreadable file skipped
 * silently would make its buffers look unplanned, and kallocd would
 * delete them. Files are opened with O_NONBLOCK, so that a FIFO that
 * appears between the listing and the open cannot hang the daemon, and
 * checked again with fstat() once open. A file is read whole, up to
 * KALLOC_PLAN_FILE_MAX bytes; more is an error, not a truncation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan_priv.h"

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

/* Why path cannot be opened: a dangling symlink is named as such. */
static void open_error(struct loader *ld, const char *path, int err)
{
	struct stat st;

	if (err == ENOENT && !lstat(path, &st) && S_ISLNK(st.st_mode))
		plan_file_error(ld, path, "dangling symbolic link");
	else
		plan_file_error(ld, path, "cannot read: %s", strerror(err));
}

/* Reads all of fd (a regular file of size bytes) into *textp. */
static int read_all(int fd, off_t size, char **textp, size_t *lenp)
{
	size_t cap = (size_t)size + 1, len = 0;
	char *text = malloc(cap + 1);
	ssize_t got;

	if (!text)
		return -ENOMEM;
	/* Read one byte more than stat said: a file that grew is caught. */
	while (len < cap) {
		got = read(fd, text + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(text);
			return -errno;
		}
		if (!got)
			break;
		len += got;
	}
	if (len > KALLOC_PLAN_FILE_MAX) {
		free(text);
		return -EFBIG;
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	return 0;
}

static void read_file(struct loader *ld, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (fd < 0) {
		open_error(ld, path, errno);
		return;
	}
	if (fstat(fd, &st)) {
		plan_file_error(ld, path, "cannot read: %s", strerror(errno));
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		plan_file_error(ld, path, "%s, not a plan file",
				kind_of(st.st_mode));
		goto close_fd;
	}
	if (st.st_size > KALLOC_PLAN_FILE_MAX) {
		plan_file_error(ld, path, "larger than %u bytes",
				KALLOC_PLAN_FILE_MAX);
		goto close_fd;
	}
	rc = read_all(fd, st.st_size, &text, &len);
	if (rc == -ENOMEM)
		ld->oom = true;
	else if (rc == -EFBIG)
		plan_file_error(ld, path, "larger than %u bytes",
				KALLOC_PLAN_FILE_MAX);
	else if (rc)
		plan_file_error(ld, path, "cannot read: %s", strerror(-rc));
	else
		plan_add_source(ld, path, text, len);
close_fd:
	close(fd);
}

static bool is_plan_name(const char *name)
{
	size_t len = strlen(name), slen = strlen(KALLOC_PLAN_SUFFIX);

	return name[0] != '.' && len > slen &&
	       !strcmp(name + len - slen, KALLOC_PLAN_SUFFIX);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* dir/name of every plan entry of dir, unsorted; at most FILES_MAX. */
static int list_dir(DIR *d, const char *dir, char ***namesp, size_t *np)
{
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
	char **names = NULL, **v;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(d))) {
		if (!is_plan_name(de->d_name))
			continue;
		if (n == KALLOC_PLAN_FILES_MAX) {
			free_names(names, n);
			return -E2BIG;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(names, cap * sizeof(*v));
			if (!v)
				goto oom;
			names = v;
		}
		if (asprintf(&names[n], "%s%s%s", dir, sep, de->d_name) < 0)
			goto oom;
		n++;
	}
	*namesp = names;
	*np = n;
	return 0;
oom:
	free_names(names, n);
	return -ENOMEM;
}

static void read_dir(struct loader *ld, const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	if (!d) {
		plan_file_error(ld, dir, "cannot read plan directory: %s",
				strerror(errno));
		return;
	}
	rc = list_dir(d, dir, &names, &n);
	closedir(d);
	if (rc == -ENOMEM) {
		ld->oom = true;
		return;
	}
	if (rc) {
		plan_file_error(ld, dir, "more than %d plan files",
				KALLOC_PLAN_FILES_MAX);
		return;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !ld->oom && !ld->too_many; i++)
		read_file(ld, names[i]);
	free_names(names, n);
}

void plan_read_path(struct loader *ld, const char *path)
{
	struct stat st;

	if (!path[0]) {
		plan_file_error(ld, "\"\"", "empty path");
		return;
	}
	if (stat(path, &st)) {
		open_error(ld, path, errno);
		return;
	}
	if (S_ISDIR(st.st_mode))
		read_dir(ld, path);
	else
		read_file(ld, path);
}
