/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * meminfo.h - "kallocctl meminfo" (meminfo.c): the kernel's memory as the
 * module sees it. The diagram and the zone members are exposed for the
 * unit tests and for monitor.c, whose stats lines carry zones too.
 */
#ifndef KALLOC_CTL_MEMINFO_H
#define KALLOC_CTL_MEMINFO_H

#include <stdio.h>

#include "ctl.h"

#define CTL_MEMINFO_ARGS	""

extern const struct ctl_object ctl_meminfo;

/*
 * The virtual layout as text, top down: one box row per segment (its
 * address range when the kernel gave one, its name and size), the
 * kernel/user line, and user space up to TASK_SIZE at the bottom; with
 * "addresses hidden" above the box when the kernel left them out.
 */
void ctl_meminfo_diagram(FILE *fp, const struct kalloc_meminfo *m);

/*
 * One zone's JSON members (inside an open object): node, zone, free, the
 * full view's watermarks and page counts when it has them, free_area.
 */
void ctl_zone_json(const struct kalloc_zone *z);

#endif /* KALLOC_CTL_MEMINFO_H */
