// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Durations as people write them, and back; kallocctl's "stats interval",
 * "monitor duration" and the device timer's period share this one grammar.
 *
 *   duration := number [ unit ]
 *   number   := digits [ "." digits ]    (decimal; at most 9 decimals)
 *   unit     := "ns" | "us" | "ms" | "s" | "m" | "h"   (lower case)
 *
 * A bare number is seconds, as sleep(1) and systemd.time(7) read it. The
 * result is in the caller's resolution (milliseconds, or nanoseconds for
 * a timer period) and must be whole: as milliseconds "1.5s" is 1500 and
 * "0.5ms" is -EINVAL, not a rounding. Syntax is checked before magnitude;
 * a value past 64 bits of the resolution is -ERANGE. Whether a duration is
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
#define NS_PER_MS	UINT64_C(1000000)

static const struct {
	const char *suffix;
	uint64_t ns;
} duration_units[] = {
	{ "h", 3600000000000ULL }, { "m", 60000000000ULL },
	{ "s", 1000000000ULL }, { "ms", 1000000ULL }, { "us", 1000ULL },
	{ "ns", 1ULL },
};

#define NUNITS	(sizeof(duration_units) / sizeof(duration_units[0]))
/* kalloc_format_duration() writes milliseconds: units down to "ms". */
#define NUNITS_MS	4

/* Nanoseconds per unit of suffix ("" is seconds), or 0 if unknown. */
static uint64_t unit_ns(const char *suffix)
{
	size_t i;

	if (!*suffix)
		return 1000000000ULL;
	for (i = 0; i < NUNITS; i++) {
		if (!strcmp(suffix, duration_units[i].suffix))
			return duration_units[i].ns;
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

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * frac / scale of a unit worth mul, whole: 0 and *out, or -EINVAL. With
 * g = gcd(mul, scale), frac * mul / scale = (frac / (scale / g)) * (mul /
 * g), and frac < scale keeps that product below mul: no overflow.
 */
static int frac_part(uint64_t frac, uint64_t scale, uint64_t mul,
		     uint64_t *out)
{
	uint64_t g = gcd(mul, scale);

	if (frac % (scale / g))
		return -EINVAL;
	*out = frac / (scale / g) * (mul / g);
	return 0;
}

/*
 * s in units of res nanoseconds (1 or NS_PER_MS). A unit is worth mul
 * results, or, finer than the resolution, 1/div of one.
 */
static int parse_duration(const char *s, uint64_t res, uint64_t *out)
{
	uint64_t whole, frac = 0, unit, scale = 1, mul, div = 1, f, v;
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
	unit = unit_ns(p);
	if (!unit)
		return -EINVAL;
	for (i = 0; i < nfrac; i++)
		scale *= 10;
	mul = unit >= res ? unit / res : 1;
	if (unit < res)
		div = res / unit;
	if (frac_part(frac, scale, mul, &f))
		return -EINVAL;
	if (range || whole > (UINT64_MAX - f) / mul)
		return -ERANGE;
	v = whole * mul + f;
	if (v % div)
		return -EINVAL;
	*out = v / div;
	return 0;
}

int kalloc_parse_duration(const char *s, uint64_t *ms)
{
	return parse_duration(s, NS_PER_MS, ms);
}

int kalloc_parse_duration_ns(const char *s, uint64_t *ns)
{
	return parse_duration(s, 1, ns);
}

const char *kalloc_format_duration(uint64_t ms, char *buf, size_t len)
{
	size_t i = NUNITS_MS - 1;	/* "ms", for 0 and the rest */
	size_t u;

	for (u = 0; ms && u < NUNITS_MS; u++) {
		if (ms % (duration_units[u].ns / NS_PER_MS) == 0) {
			i = u;
			break;
		}
	}
	snprintf(buf, len, "%" PRIu64 "%s",
		 ms / (duration_units[i].ns / NS_PER_MS), duration_units[i].suffix);
	return buf;
}
