/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Text and JSON output from the same calls, in the style of iproute2's
 * json_print: every print_*() names the JSON key and the text format at
 * once, and the output mode chosen by new_json_obj() decides which one is
 * used. PRINT_FP prints only in text mode, PRINT_JSON only in JSON mode,
 * PRINT_ANY in both:
 *
 *	new_json_obj(stdout, json, pretty);
 *	open_json_object(NULL);
 *	print_string(PRINT_ANY, "name", "%s ", b->name);
 *	print_size(PRINT_ANY, "size", "size %s", b->size);
 *	close_json_object();
 *	print_nl();
 *	delete_json_obj();
 *
 * gives "buffer size 4K\n" or {"name":"buffer","size":4096}.
 *
 * Text formats take exactly one conversion of the value's type ("%s" for
 * print_string and print_size, "%" PRIu64 for print_u64, "%u" for
 * print_uint, "%d" for print_int, "%s" for print_bool). The state is
 * global, as in iproute2: one output stream per process at a time.
 */
#ifndef KALLOC_JSON_PRINT_H
#define KALLOC_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/* Starts output to fp; pretty (indented JSON) implies json. */
void new_json_obj(FILE *fp, bool json, bool pretty);
/* Ends output: in JSON mode, terminates the document with a newline. */
void delete_json_obj(void);
bool is_json_context(void);
/* Whether any JSON went out since new_json_obj(). */
bool json_printed(void);

/* Objects and arrays exist only in JSON mode; name is NULL in an array. */
void open_json_object(const char *name);
void close_json_object(void);
void open_json_array(const char *name);
void close_json_array(void);

void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value);
void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value);
void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned int value);
void print_int(enum output_type type, const char *key, const char *fmt,
	       int value);
/* A signed 64-bit value; the text format takes "%" PRId64. */
void print_s64(enum output_type type, const char *key, const char *fmt,
	       int64_t value);
void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value);
/*
 * Bytes: a size alloc takes back ("4K", "1536K", via kalloc_format_size)
 * as text, or plain bytes after set_size_bytes(true) (kallocctl -b); always
 * the exact integer in JSON.
 */
void set_size_bytes(bool bytes);
/* The text print_size() would show, for measuring table columns. */
const char *size_text(uint64_t bytes, char *buf, size_t len);
/* The same, rounded (kalloc_format_size_approx) unless -b asked for bytes. */
const char *size_text_approx(uint64_t bytes, char *buf, size_t len);
void print_size(enum output_type type, const char *key, const char *fmt,
		uint64_t bytes);
/*
 * A fixed-point number given in hundredths: 1234 prints as 12.34, a JSON
 * number, exactly (no floating point on the way). The text format takes
 * "%s".
 */
void print_hundredths(enum output_type type, const char *key, const char *fmt,
		      uint64_t hundredths);
/* A newline, in text mode only. */
void print_nl(void);

#endif /* KALLOC_JSON_PRINT_H */
