// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A small streaming JSON writer behind the iproute2-style print_*() calls.
 *
 * Nothing is buffered: each value goes to the stream as it is printed, so
 * the writer only keeps a stack of "is this the first member?" flags, one
 * per open object or array, to know where a comma goes. Compact output has
 * no whitespace at all ({"id":1,"name":"a"}); pretty output puts every
 * member on its own line, indented four spaces a level, and an empty
 * container stays "[]" or "{}".
 *
 * Strings are escaped per RFC 8259: quote, backslash and every control
 * character (U+0000 to U+001F, and DEL for good measure); other bytes are
 * copied as they are, since kernel strings are ASCII or UTF-8.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json_print.h"
#include "kalloc.h"

#define JSON_MAX_DEPTH	32

static struct {
	FILE *fp;
	bool json;
	bool pretty;
	bool wrote;			/* anything in JSON mode so far */
	bool bytes;			/* sizes as plain bytes in text */
	int depth;
	bool first[JSON_MAX_DEPTH + 1];	/* no member yet at this level */
} jw = { .first = { true } };

void new_json_obj(FILE *fp, bool json, bool pretty)
{
	jw.fp = fp ? fp : stdout;
	jw.json = json || pretty;
	jw.pretty = pretty;
	jw.wrote = false;
	jw.depth = 0;
	jw.first[0] = true;
}

void delete_json_obj(void)
{
	if (jw.json && jw.wrote)
		fputc('\n', jw.fp);
	fflush(jw.fp);
	jw.wrote = false;
}

bool is_json_context(void)
{
	return jw.json;
}

bool json_printed(void)
{
	return jw.json && jw.wrote;
}

static FILE *out(void)
{
	return jw.fp ? jw.fp : stdout;
}

static void json_indent(void)
{
	int i;

	fputc('\n', out());
	for (i = 0; i < jw.depth; i++)
		fputs("    ", out());
}

static void json_escape(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out());
	for (; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out()); break;
		case '\\': fputs("\\\\", out()); break;
		case '\b': fputs("\\b", out()); break;
		case '\f': fputs("\\f", out()); break;
		case '\n': fputs("\\n", out()); break;
		case '\r': fputs("\\r", out()); break;
		case '\t': fputs("\\t", out()); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out(), "\\u00%c%c", hex[*p >> 4],
					hex[*p & 0xf]);
			else
				fputc(*p, out());
		}
	}
	fputc('"', out());
}

/* Comma, newline and indentation, then the key: all a member needs first. */
static void json_member(const char *key)
{
	if (!jw.first[jw.depth])
		fputc(',', out());
	jw.first[jw.depth] = false;
	if (jw.pretty && jw.depth > 0)
		json_indent();
	if (key && jw.depth > 0) {
		json_escape(key);
		fputs(jw.pretty ? ": " : ":", out());
	}
	jw.wrote = true;
}

static void json_open(const char *key, char c)
{
	json_member(key);
	fputc(c, out());
	/* Deeper nesting is a programming error, not an input error. */
	if (jw.depth == JSON_MAX_DEPTH)
		abort();
	jw.first[++jw.depth] = true;
}

static void json_close(char c)
{
	bool empty = jw.first[jw.depth];

	if (jw.depth == 0)
		abort();
	jw.depth--;
	if (jw.pretty && !empty)
		json_indent();
	fputc(c, out());
}

void open_json_object(const char *name)
{
	if (jw.json)
		json_open(name, '{');
}

void close_json_object(void)
{
	if (jw.json)
		json_close('}');
}

void open_json_array(const char *name)
{
	if (jw.json)
		json_open(name, '[');
}

void close_json_array(void)
{
	if (jw.json)
		json_close(']');
}

/* Whether a print of this type shows up as text, or as JSON. */
static bool want_text(enum output_type type)
{
	return !jw.json && (type & PRINT_FP);
}

static bool want_json(enum output_type type)
{
	return jw.json && (type & PRINT_JSON);
}

void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value)
{
	if (want_json(type)) {
		json_member(key);
		json_escape(value);
	} else if (want_text(type)) {
		fprintf(out(), fmt, value ? value : "");
	}
}

void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value)
{
	if (want_json(type)) {
		json_member(key);
		fprintf(out(), "%" PRIu64, value);
	} else if (want_text(type)) {
		fprintf(out(), fmt, value);
	}
}

void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned int value)
{
	if (want_json(type)) {
		json_member(key);
		fprintf(out(), "%u", value);
	} else if (want_text(type)) {
		fprintf(out(), fmt, value);
	}
}

void print_int(enum output_type type, const char *key, const char *fmt,
	       int value)
{
	if (want_json(type)) {
		json_member(key);
		fprintf(out(), "%d", value);
	} else if (want_text(type)) {
		fprintf(out(), fmt, value);
	}
}

void print_s64(enum output_type type, const char *key, const char *fmt,
	       int64_t value)
{
	if (want_json(type)) {
		json_member(key);
		fprintf(out(), "%" PRId64, value);
	} else if (want_text(type)) {
		fprintf(out(), fmt, value);
	}
}

void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value)
{
	if (want_json(type)) {
		json_member(key);
		fputs(value ? "true" : "false", out());
	} else if (want_text(type)) {
		fprintf(out(), fmt, value ? "true" : "false");
	}
}

void set_size_bytes(bool bytes)
{
	jw.bytes = bytes;
}

const char *size_text(uint64_t bytes, char *buf, size_t len)
{
	if (!jw.bytes)
		return kalloc_format_size(bytes, buf, len);
	snprintf(buf, len, "%" PRIu64, bytes);
	return buf;
}

const char *size_text_approx(uint64_t bytes, char *buf, size_t len)
{
	if (!jw.bytes)
		return kalloc_format_size_approx(bytes, buf, len);
	snprintf(buf, len, "%" PRIu64, bytes);
	return buf;
}

void print_size(enum output_type type, const char *key, const char *fmt,
		uint64_t bytes)
{
	char buf[32];

	if (want_json(type)) {
		json_member(key);
		fprintf(out(), "%" PRIu64, bytes);
	} else if (want_text(type)) {
		fprintf(out(), fmt, size_text(bytes, buf, sizeof(buf)));
	}
}

void print_hundredths(enum output_type type, const char *key, const char *fmt,
		      uint64_t hundredths)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%02u", hundredths / 100,
		 (unsigned int)(hundredths % 100));
	if (want_json(type)) {
		json_member(key);
		fputs(buf, out());
	} else if (want_text(type)) {
		fprintf(out(), fmt, buf);
	}
}

void print_nl(void)
{
	if (!jw.json)
		fputc('\n', out());
}
