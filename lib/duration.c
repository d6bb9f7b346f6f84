// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Durations as people write them, and back; kallocctl's "stats interval"
 * and "monitor duration" and the plan language share this one grammar.
 *
 *   duration := number [ unit ]
 *   number   := digits [ "." digits ]    (decimal; at most 9 decimals)
 *   unit     := "ms" | "s" | "m" | "h"   (lower case)
 *
 * A bare number is seconds, as sleep(1) and systemd.time(7) read it. The
 * result is milliseconds and must be whole: "1.5s" is 1500, "0.5ms" is
 * -EINVAL, not a rounding. Syntax is checked before magnitude; a value
 * past 64 bits of milliseconds is -ERANGE. Whether a duration is
 * acceptable (0, or outside the stats interval's range) is for the caller,
 * or the kernel, to say.
 *
 * Formatting picks the largest unit that divides the value exactly, so
 * that the text parses back to the same number: "1h", "90s", "1500ms".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kalloc.h"

#define MAX_DECIMALS	9

static const struct {
	const char *suffix;
	uint64_t ms;
} duration_units[] = {
	{ "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 },
};

/* Milliseconds per unit of suffix ("" is seconds), or 0 if unknown. */
static uint64_t unit_ms(const char *suffix)
{
	size_t i;

	if (!*suffix)
		return 1000;
	for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		if (!strcmp(suffix, duration_units[i].suffix))
			return duration_units[i].ms;
	}
	return 0;
}

/* Digits at *p into *v (saturating: *range set on overflow); count in *n. */
static const char *parse_digits(const char *p, uint64_t *v, int *n,
				bool *range)
{
	for (*v = 0, *n = 0; isdigit((unsigned char)*p); p++, (*n)++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			*range = true;
		else
			*v = *v * 10 + d;
	}
	return p;
}

int kalloc_parse_duration(const char *s, uint64_t *ms)
{
	uint64_t whole, frac = 0, unit, scale = 1, frac_ms;
	bool range = false;
	int nwhole, nfrac = 0, i;
	const char *p;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	p = parse_digits(s, &whole, &nwhole, &range);
	if (*p == '.') {
		p = parse_digits(p + 1, &frac, &nfrac, &range);
		if (!nfrac || nfrac > MAX_DECIMALS)
			return -EINVAL;
	}
	unit = unit_ms(p);
	if (!unit)
		return -EINVAL;
	for (i = 0; i < nfrac; i++)
		scale *= 10;
	/* frac < 10^9 and unit <= 3.6e6: the product fits in 64 bits. */
	if ((frac * unit) % scale)
		return -EINVAL;
	frac_ms = frac * unit / scale;
	if (range || whole > (UINT64_MAX - frac_ms) / unit)
		return -ERANGE;
	*ms = whole * unit + frac_ms;
	return 0;
}

const char *kalloc_format_duration(uint64_t ms, char *buf, size_t len)
{
	size_t i;

	for (i = 0; ms && i + 1 < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		if (ms % duration_units[i].ms == 0)
			break;
	}
	if (!ms)
		i = sizeof(duration_units) / sizeof(duration_units[0]) - 1;
	snprintf(buf, len, "%" PRIu64 "%s", ms / duration_units[i].ms,
		 duration_units[i].suffix);
	return buf;
}
