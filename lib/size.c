// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sizes as people write them, and back.
 *
 * Grammar (the whole string must match, nothing is skipped):
 *
 *   size   := digits [ unit [ "B" | "iB" ] ] | digits "B"
 *   digits := [0-9]+            (decimal only; leading zeros are decimal)
 *   unit   := K | M | G | T     (either case; powers of 1024)
 *
 * So "1024", "4K", "4k", "4KiB", "4KB", "512B" and "0" are sizes, while
 * "", " 1", "1 ", "1 K", "-1", "+1", "1.5K", "12Q", "4Kib" and "0x10" are
 * not (-EINVAL). Hexadecimal is refused on purpose: "0x10" reads as a typo
 * as often as it reads as 16, and a size is never worth guessing at.
 * Syntax is checked before magnitude, so "99999999999999999999Q" is
 * -EINVAL; a well-formed value that does not fit in 64 bits, digits or
 * digits times unit, is -ERANGE.
 *
 * Formatting goes the other way, exactly: the largest unit that divides
 * the value ("4K", "1536K", "3G"), else plain bytes ("1000", "1537").
 * Never rounded, so whatever kallocctl prints as a size, alloc and set
 * accept back as the same number of bytes (du -h's "1.5M" would not even
 * parse).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kalloc.h"

static const char units[] = "KMGT";

/* Shift for a unit letter, or -1 if c is not one. */
static int unit_shift(char c)
{
	const char *p = strchr(units, toupper((unsigned char)c));

	if (!c || !p)
		return -1;
	return 10 * (int)(p - units + 1);
}

/* Checks the text after the digits; returns the shift it denotes or -1. */
static int parse_suffix(const char *s)
{
	int shift;

	if (!*s)
		return 0;
	if (!strcmp(s, "B"))
		return 0;
	shift = unit_shift(*s);
	if (shift < 0)
		return -1;
	s++;
	if (!*s || !strcmp(s, "B") || !strcmp(s, "iB"))
		return shift;
	return -1;
}

int kalloc_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;
	int shift, range = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (p = s; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			range = 1;
		else
			v = v * 10 + d;
	}
	shift = parse_suffix(p);
	if (shift < 0)
		return -EINVAL;
	if (range || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

const char *kalloc_format_size(uint64_t bytes, char *buf, size_t len)
{
	int i = -1;

	/* The largest unit that divides bytes exactly; none for 0. */
	while (bytes && i + 1 < (int)sizeof(units) - 1 &&
	       bytes % (1ULL << (10 * (i + 2))) == 0)
		i++;
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes >> (10 * (i + 1)),
			 units[i]);
	return buf;
}

const char *kalloc_format_size_approx(uint64_t bytes, char *buf, size_t len)
{
	int i = -1;
	uint64_t unit = 1, tenths;

	while (i + 1 < (int)sizeof(units) - 1 && bytes >= (unit << 10)) {
		unit <<= 10;
		i++;
	}
	if (i < 0) {
		snprintf(buf, len, "%" PRIu64, bytes);
		return buf;
	}
	if (bytes % unit == 0) {
		snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, units[i]);
		return buf;
	}
	/* Rounded tenths of the unit; bytes < 1024 * unit, so no overflow. */
	tenths = (bytes / unit) * 10 + ((bytes % unit) * 10 + unit / 2) / unit;
	if (tenths >= 10240 && i + 1 < (int)sizeof(units) - 1) {
		/* 1023.95K and up round to 1.0M, not "1024K". */
		snprintf(buf, len, "1.0%c", units[i + 1]);
	} else if (tenths < 100) {
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c",
			 tenths / 10, tenths % 10, units[i]);
	} else {
		snprintf(buf, len, "%" PRIu64 "%c", (tenths + 5) / 10, units[i]);
	}
	return buf;
}

int kalloc_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;
	int range = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (p = s; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (max - d) / 10 || v * 10 + d > max)
			range = 1;
		else
			v = v * 10 + d;
	}
	if (*p)
		return -EINVAL;
	if (range)
		return -ERANGE;
	*out = v;
	return 0;
}
