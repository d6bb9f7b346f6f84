/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kcov: which basic blocks of one module a task's requests reached.
 *
 * Method. The debug kernel is built with CONFIG_KCOV and
 * CONFIG_KCOV_INSTRUMENT_ALL, so kalloc.ko built against it calls
 * __sanitizer_cov_trace_pc() at the start of every basic block, and KCOV
 * (/sys/kernel/debug/kcov, KCOV_TRACE_PC) records the return address of
 * each such call made in the calling task's context, netlink handlers
 * included: generic netlink runs them in the sender's sendmsg(). We keep
 * the addresses inside the module's .text, whose base is
 * /sys/module/NAME/sections/.text, and subtract the base.
 *
 * The denominator comes from the module file itself: every call to
 * __sanitizer_cov_trace_pc in its .text is a relocation in .rela.text, and
 * the address KCOV reports for it is the end of the 5-byte call, r_offset
 * + 4. Blocks are named by the function (FUNC symbol of .text) that holds
 * them, so a report can say where coverage is missing.
 *
 * Limits: only the task's own context is seen. Work items (telemetry,
 * the perf drain) and interrupts are not; .init.text and .exit.text are
 * not in .text and are not counted.
 */
#ifndef GAUNTLET_KCOV_H
#define GAUNTLET_KCOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ko_func {
	char name[64];
	uint64_t start, end;	/* offsets in .text */
	int first_block, nblocks;
};

/* The module's basic blocks: sorted offsets in .text, and its functions. */
struct ko_map {
	uint64_t text_size;
	int nblocks;
	uint64_t *block;	/* return addresses of the KCOV calls */
	int nfuncs;
	struct ko_func *func;
};

int ko_map_load(struct ko_map *m, const char *ko_path, char *err, size_t errlen);
void ko_map_free(struct ko_map *m);
int ko_map_block_index(const struct ko_map *m, uint64_t off);

struct kcov {
	int fd;
	unsigned long *area;
	size_t entries;
	uint64_t text_base;	/* as KCOV reports addresses */
	struct ko_map map;
	uint8_t *hit;		/* [map.nblocks]: where the bits are kept */
	bool hit_shared;	/* hit lives in a MAP_SHARED mapping */
	uint64_t overflows;	/* traces that filled the buffer */
	/* A second handle for children: mapped here, enabled by the child. */
	int child_fd;
	unsigned long *child_area;
};

/*
 * Opens KCOV for this thread and maps module's .text. hit may be shared
 * with children (MAP_SHARED) so that a forked child's blocks count too.
 * Returns 0, or -1 with why in err.
 */
int kcov_open(struct kcov *k, const char *module, const char *ko_path,
	      bool shared, char *err, size_t errlen);
/*
 * Children: kcov_child_prepare() (parent, once) opens and maps a second
 * handle; a forked child calls kcov_child_enable() and traces into it; the
 * parent reads what the child traced with kcov_child_collect(), also after
 * it killed the child.
 */
int kcov_child_prepare(struct kcov *k);
int kcov_child_enable(struct kcov *k);
int kcov_child_collect(struct kcov *k);
/* The blocks reached, as hex (one bit a block, block 0 first): for merging. */
void kcov_json_bitmap(const struct kcov *k, FILE *f);
void kcov_start(struct kcov *k);
/* Stops recording and adds the blocks reached; returns how many were new. */
int kcov_collect(struct kcov *k);
/* The same, also marking the blocks in extra[map.nblocks] (may be NULL). */
int kcov_collect_into(struct kcov *k, uint8_t *extra);
/* The module moved (reloaded): reads its .text base again. */
int kcov_rebase(struct kcov *k, const char *module);
/*
 * The last trace, raw: for callers that look for kernel functions in it
 * (valid until the next kcov_start). Returns the number of PCs.
 */
unsigned long kcov_raw(struct kcov *k, const unsigned long **pcs);
/* How many PCs a trace holds (default 1M); before kcov_open(). */
void kcov_set_entries(size_t entries);
/* KCOV on this thread without a module map (only kcov_raw then). */
int kcov_open_raw(struct kcov *k, size_t entries);
/* A signature of the last trace's module blocks (for fault paths). */
uint64_t kcov_last_signature(void);
int kcov_last_blocks(void);
void kcov_close(struct kcov *k);
int kcov_covered(const struct kcov *k);
/* Writes "blocks": {...} JSON members: totals and per function. */
void kcov_json(const struct kcov *k, FILE *f, const char *indent);

#endif /* GAUNTLET_KCOV_H */
