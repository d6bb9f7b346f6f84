// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * meminfo.c - "kallocctl meminfo": the kernel's memory as a live view
 * (MEMINFO_GET), the way the seed's memory-internals chapter draws it.
 *
 * Text: the virtual layout as a labelled box, top of the address space
 * down, like the book's kernel-segment demo: each kernel segment with its
 * address range when the kernel gave one, its name and its size; then the
 * kernel/user split and user space up to TASK_SIZE at the bottom. When the
 * kernel left the addresses out (the caller may not see them: kptr_restrict,
 * CAP_SYSLOG), the box has names and sizes only and says "addresses
 * hidden": nothing is made up. Then a zone table like /proc/zoneinfo in
 * brief, with the free blocks per order of /proc/buddyinfo.
 *
 * JSON: the same as numbers, except addresses, which are hex strings
 * ("0xffff888000000000"): a JSON number past 2^53 does not survive most
 * parsers, and an address must not be rounded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_print.h"
#include "meminfo.h"

/* ---- the diagram ---------------------------------------------------- */

/* Notes beside a segment: the kernel's own names for its bases. */
static const char *segment_note(const char *name)
{
	if (!strcmp(name, "direct map"))
		return "PAGE_OFFSET";
	if (!strcmp(name, "vmalloc"))
		return "VMALLOC_START";
	if (!strcmp(name, "vmemmap"))
		return "VMEMMAP_START";
	if (!strcmp(name, "modules"))
		return "MODULES_VADDR";
	return "";
}

struct box_row {
	char range[48];		/* "0x... - 0x..." or "" */
	char name[40];
	char size[24];		/* size_text_approx(): up to 20 digits */
	const char *note;
};

static void row_of_segment(const struct kalloc_segment *s, struct box_row *r)
{
	r->range[0] = '\0';
	if (s->has_range)
		snprintf(r->range, sizeof(r->range), "0x%016" PRIx64 " - 0x%016" PRIx64,
			 s->start, s->end);
	snprintf(r->name, sizeof(r->name), "%s", s->name);
	size_text_approx(s->size, r->size, sizeof(r->size));
	r->note = segment_note(s->name);
}

/* User space: [0, TASK_SIZE), a public constant, shown as a range only with addresses. */
static void row_of_user(const struct kalloc_meminfo *m, struct box_row *r)
{
	r->range[0] = '\0';
	if (m->addresses)
		snprintf(r->range, sizeof(r->range), "0x%016x - 0x%016" PRIx64,
			 0, m->task_size);
	snprintf(r->name, sizeof(r->name), "user space");
	size_text_approx(m->task_size, r->size, sizeof(r->size));
	r->note = "TASK_SIZE";
}

struct box {
	int range, name, size, note;	/* column widths */
};

static void fit(struct box *b, const struct box_row *r)
{
	int n;

	if ((n = (int)strlen(r->range)) > b->range)
		b->range = n;
	if ((n = (int)strlen(r->name)) > b->name)
		b->name = n;
	if ((n = (int)strlen(r->size)) > b->size)
		b->size = n;
	if ((n = (int)strlen(r->note)) > b->note)
		b->note = n;
}

/* Inner width: "| " range "  " name "  " size "  " note " |". */
static int box_inner(const struct box *b)
{
	return (b->range ? b->range + 2 : 0) + b->name + 2 + b->size + 2 +
	       b->note;
}

static void rule(FILE *fp, const struct box *b, const char *label)
{
	int inner = box_inner(b) + 2, len = label ? (int)strlen(label) + 2 : 0;
	int left = (inner - len) / 2, i;

	fputc('+', fp);
	for (i = 0; i < left; i++)
		fputc('-', fp);
	if (label)
		fprintf(fp, " %s ", label);
	for (i = left + len; i < inner; i++)
		fputc('-', fp);
	fputs("+\n", fp);
}

static void row(FILE *fp, const struct box *b, const struct box_row *r)
{
	fputs("| ", fp);
	if (b->range)
		fprintf(fp, "%-*s  ", b->range, r->range);
	fprintf(fp, "%-*s  %*s  %-*s |\n", b->name, r->name, b->size, r->size,
		b->note, r->note);
}

void ctl_meminfo_diagram(FILE *fp, const struct kalloc_meminfo *m)
{
	struct box_row rows[KALLOC_SEGMENTS_MAX], user;
	struct box b = { 0 };
	size_t i;

	for (i = 0; i < m->nsegments; i++) {
		row_of_segment(&m->segments[i], &rows[i]);
		fit(&b, &rows[i]);
	}
	if (m->has_task_size) {
		row_of_user(m, &user);
		fit(&b, &user);
	}
	if (m->addresses)
		fputs("virtual address space, top down:\n", fp);
	else
		fputs("virtual address space, top down (addresses hidden: the kernel shows\n"
		      "them only to callers it would show %pK pointers to)\n", fp);
	if (!m->nsegments)
		fputs("(the kernel did not describe its layout)\n", fp);
	if (box_inner(&b) < 44)
		b.note += 44 - box_inner(&b);	/* room for the split's label */
	rule(fp, &b, NULL);
	for (i = 0; i < m->nsegments; i++)
		row(fp, &b, &rows[i]);
	if (m->has_task_size) {
		rule(fp, &b, "kernel space above, user space below");
		row(fp, &b, &user);
	}
	rule(fp, &b, NULL);
}

/* ---- text ----------------------------------------------------------- */

static void print_totals_text(const struct kalloc_meminfo *m)
{
	char total[24], free[24];

	printf("memory: %u-byte pages, %" PRIu64 " total (%s), %" PRIu64 " free (%s)\n",
	       m->page_size, m->total_pages,
	       size_text_approx(m->total_pages * m->page_size, total, sizeof(total)),
	       m->free_pages,
	       size_text_approx(m->free_pages * m->page_size, free, sizeof(free)));
}

static void print_kaslr_text(const struct kalloc_meminfo *m)
{
	if (!m->has_kaslr)
		return;
	printf("KASLR: %s", m->kaslr ? "on" : "off");
	if (m->has_kaslr_offset)
		printf(", kernel text moved by 0x%" PRIx64, m->kaslr_offset);
	printf("\n");
}

enum { ZC_NODE, ZC_ZONE, ZC_FREE, ZC_MIN, ZC_LOW, ZC_HIGH, ZC_MANAGED,
       ZC_PRESENT, ZC_SPANNED, ZC_ORDERS, NZC };

static void zone_cells(const struct kalloc_zone *z, char cells[NZC][64])
{
	const uint64_t v[] = { z->free, z->wmark_min, z->wmark_low,
			       z->wmark_high, z->managed, z->present,
			       z->spanned };
	size_t i, len = 0;

	snprintf(cells[ZC_NODE], 64, "%u", z->node);
	snprintf(cells[ZC_ZONE], 64, "%s", z->name);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		snprintf(cells[ZC_FREE + i], 64, "%" PRIu64, v[i]);
	cells[ZC_ORDERS][0] = '\0';
	for (i = 0; i < z->norders && len < 60; i++)
		len += (size_t)snprintf(cells[ZC_ORDERS] + len, 64 - len, "%s%" PRIu64,
					i ? " " : "", z->free_area[i]);
}

/* /proc/zoneinfo in brief: pages, and free blocks per order as in buddyinfo. */
static void print_zones_text(const struct kalloc_meminfo *m)
{
	struct ctl_col c[NZC] = {
		{ .head = "NODE" }, { .head = "ZONE" }, { .head = "FREE" },
		{ .head = "MIN" }, { .head = "LOW" }, { .head = "HIGH" },
		{ .head = "MANAGED" }, { .head = "PRESENT" },
		{ .head = "SPANNED" }, { .head = "FREE_BLOCKS_BY_ORDER" },
	};
	char cells[NZC][64], fmt[16];
	size_t i, j;

	printf("\nzones (pages; free blocks of order 0, 1, 2, ...):\n");
	ctl_cols_init(c, NZC);
	for (i = 0; i < m->nzones; i++) {
		zone_cells(&m->zones[i], cells);
		for (j = 0; j < NZC; j++)
			ctl_col_fit(&c[j], cells[j]);
	}
	ctl_cols_header(c, NZC);
	for (i = 0; i < m->nzones; i++) {
		zone_cells(&m->zones[i], cells);
		for (j = 0; j < NZC; j++)
			printf(ctl_col_fmt(&c[j], "s", j + 1 == NZC, fmt,
					   sizeof(fmt)), cells[j]);
		printf("\n");
	}
}

static void print_text(const struct kalloc_meminfo *m)
{
	print_totals_text(m);
	printf("\n");
	ctl_meminfo_diagram(stdout, m);
	print_kaslr_text(m);
	print_zones_text(m);
}

/* ---- JSON ----------------------------------------------------------- */

static void print_hex(const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	print_string(PRINT_JSON, key, NULL, buf);
}

void ctl_zone_json(const struct kalloc_zone *z)
{
	unsigned int o;

	print_uint(PRINT_JSON, "node", NULL, z->node);
	print_string(PRINT_JSON, "zone", NULL, z->name);
	print_u64(PRINT_JSON, "free", NULL, z->free);
	if (z->full) {
		print_u64(PRINT_JSON, "min", NULL, z->wmark_min);
		print_u64(PRINT_JSON, "low", NULL, z->wmark_low);
		print_u64(PRINT_JSON, "high", NULL, z->wmark_high);
		print_u64(PRINT_JSON, "managed", NULL, z->managed);
		print_u64(PRINT_JSON, "present", NULL, z->present);
		print_u64(PRINT_JSON, "spanned", NULL, z->spanned);
	}
	open_json_array("free_area");
	for (o = 0; o < z->norders; o++)
		print_u64(PRINT_JSON, NULL, NULL, z->free_area[o]);
	close_json_array();
}

static void print_segments_json(const struct kalloc_meminfo *m)
{
	const struct kalloc_segment *s;
	size_t i;

	open_json_array("segments");
	for (i = 0; i < m->nsegments; i++) {
		s = &m->segments[i];
		open_json_object(NULL);
		print_string(PRINT_JSON, "name", NULL, s->name);
		print_u64(PRINT_JSON, "size", NULL, s->size);
		if (s->has_range) {
			print_hex("start", s->start);
			print_hex("end", s->end);
		}
		close_json_object();
	}
	close_json_array();
}

static void print_json(const struct kalloc_meminfo *m)
{
	size_t i;

	open_json_object(NULL);
	print_uint(PRINT_JSON, "page_size", NULL, m->page_size);
	print_u64(PRINT_JSON, "total_pages", NULL, m->total_pages);
	print_u64(PRINT_JSON, "free_pages", NULL, m->free_pages);
	if (m->has_task_size)
		print_u64(PRINT_JSON, "task_size", NULL, m->task_size);
	print_bool(PRINT_JSON, "addresses", NULL, m->addresses);
	if (m->has_kaslr)
		print_bool(PRINT_JSON, "kaslr", NULL, m->kaslr);
	if (m->has_kaslr_offset)
		print_hex("kaslr_offset", m->kaslr_offset);
	print_segments_json(m);
	open_json_array("zones");
	for (i = 0; i < m->nzones; i++) {
		open_json_object(NULL);
		ctl_zone_json(&m->zones[i]);
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

/* ---- the command ---------------------------------------------------- */

static int do_meminfo(int argc, char **argv)
{
	static struct kalloc_meminfo m;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "help")) {
		printf("Usage: kallocctl meminfo\n\n%s.\n\n%s",
		       ctl_meminfo.description, ctl_meminfo.notes);
		return EXIT_OK;
	}
	if (argc != 1)
		return ctl_usage(CTL_MEMINFO_ARGS);
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_meminfo_get(nl, &m, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	if (is_json_context())
		print_json(&m);
	else
		print_text(&m);
	return EXIT_OK;
}

static const struct ctl_verb verbs[] = {
	{ "meminfo", do_meminfo, CTL_MEMINFO_ARGS,
	  "the kernel's memory: virtual layout, zones, free blocks" },
};

const struct ctl_object ctl_meminfo = {
	.name = "meminfo",
	.description = "The kernel's memory as kalloc sees it (MEMINFO_GET)",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.notes =
		"The layout runs from the top of the address space down; addresses come\n"
		"only for callers the kernel would show %pK pointers to (kptr_restrict,\n"
		"CAP_SYSLOG), and are left out, never faked, for everyone else. Zone\n"
		"figures are pages, as in /proc/zoneinfo; the last column is free blocks\n"
		"per order, as in /proc/buddyinfo.\n",
};
