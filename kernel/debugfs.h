/* SPDX-License-Identifier: GPL-2.0 */
/* Test knobs under /sys/kernel/debug/kalloc/. See debugfs.c. */
#ifndef KALLOC_DEBUGFS_H
#define KALLOC_DEBUGFS_H

void kalloc_debugfs_init(void);
void kalloc_debugfs_exit(void);
unsigned int kalloc_debugfs_stall_ms(void);

#endif /* KALLOC_DEBUGFS_H */
