// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * units.c - the values of the plan language that libkalloc does not
 * parse already (sizes are kalloc_parse_size(), durations
 * kalloc_parse_duration(), the grammars kallocctl takes): percentages
 * ("30%", "12.5%") and byte values ("0x00", "255"). Each returns 0,
 * -EINVAL for text of another kind, or -ERANGE for a value that does not
 * fit.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "plan_priv.h"

/* Leading decimal digits of s into *v; the rest in *rest. */
static int digits(const char *s, uint64_t *v, const char **rest)
{
	uint64_t n = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (*p - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (*p - '0');
	}
	if (p == s)
		return -EINVAL;
	*v = n;
	*rest = p;
	return 0;
}

int plan_parse_percent(const char *s, uint64_t *hundredths)
{
	const char *rest;
	uint64_t whole, frac = 0;
	int rc = digits(s, &whole, &rest);

	if (rc)
		return rc;
	if (*rest == '.') {
		if (rest[1] < '0' || rest[1] > '9')
			return -EINVAL;
		frac = (rest[1] - '0') * 10;
		rest += 2;
		if (*rest >= '0' && *rest <= '9')
			frac += *rest++ - '0';
	}
	if (strcmp(rest, "%"))
		return -EINVAL;
	if (whole > 1000000)
		return -ERANGE;
	*hundredths = whole * 100 + frac;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int plan_parse_byte(const char *s, int *byte)
{
	const char *rest;
	uint64_t n = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!s[2])
			return -EINVAL;
		for (s += 2; *s; s++) {
			d = hex_digit(*s);
			if (d < 0)
				return -EINVAL;
			n = n * 16 + d;
			if (n > 255)
				return -ERANGE;
		}
	} else if (digits(s, &n, &rest) || *rest) {
		return -EINVAL;
	}
	if (n > 255)
		return -ERANGE;
	*byte = (int)n;
	return 0;
}
