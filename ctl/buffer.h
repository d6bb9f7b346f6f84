/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * buffer.h - the buffer object of kallocctl (buffer.c): its verbs'
 * argument parsers, pure up to their usage messages, for the unit tests,
 * and the hexdump of "read ... hex".
 */
#ifndef KALLOC_CTL_BUFFER_H
#define KALLOC_CTL_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

#define CTL_ALLOC_ARGS	"NAME SIZE [policy P] [owner TAG] [hold]"
#define CTL_READ_ARGS	"NAME [offset N] [length N] [hex]"
#define CTL_WRITE_ARGS	"NAME [offset N] (data STRING | file PATH | -)"
#define CTL_FLUSH_ARGS	"owner TAG"
#define CTL_SET_ARGS	"NAME [size SIZE] [policy P]"

/* The owner tag of a buffer made with "kallocctl alloc" without "owner". */
#define CTL_DEFAULT_OWNER	"user"

struct ctl_alloc_args {
	const char *name;
	uint64_t size;
	bool has_policy;
	uint32_t policy;
	const char *owner;	/* CTL_DEFAULT_OWNER unless given */
	bool hold;
};

struct ctl_read_args {
	const char *name;
	uint64_t offset;
	bool has_length;
	uint64_t length;
	bool hex;
};

struct ctl_set_args {
	const char *name;
	bool has_size;
	uint64_t size;
	bool has_policy;
	uint32_t policy;
};

enum ctl_write_src { CTL_SRC_DATA, CTL_SRC_FILE, CTL_SRC_STDIN };

struct ctl_write_args {
	const char *name;
	uint64_t offset;
	enum ctl_write_src src;
	const char *value;	/* the data, or the file's path */
};

/* argv[0] is the verb; each returns EXIT_OK or EXIT_USAGE (printed). */
int ctl_alloc_parse(int argc, char **argv, struct ctl_alloc_args *a);
int ctl_read_parse(int argc, char **argv, struct ctl_read_args *a);
int ctl_write_parse(int argc, char **argv, struct ctl_write_args *a);
int ctl_flush_parse(int argc, char **argv, const char **owner);
int ctl_set_parse(int argc, char **argv, struct ctl_set_args *a);

/*
 * One hexdump -C line of up to 16 bytes at offset into out (at least
 * CTL_HEXDUMP_LINE bytes, room for a 64-bit offset):
 * "00000010  68 65 ... 6f  |hello...|".
 */
#define CTL_HEXDUMP_LINE	96
const char *ctl_hexdump_line(uint64_t offset, const unsigned char *p,
			     size_t n, char *out);

#endif /* KALLOC_CTL_BUFFER_H */
