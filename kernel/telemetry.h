/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The listener check and the stats group's periodic message. See
 * telemetry.c.
 */
#ifndef KALLOC_TELEMETRY_H
#define KALLOC_TELEMETRY_H

#include <linux/types.h>

int kalloc_telemetry_init(unsigned int interval_ms);
void kalloc_telemetry_start(void);
void kalloc_telemetry_exit(void);
void kalloc_telemetry_set_interval(unsigned int ms);
unsigned int kalloc_telemetry_interval(void);

#endif /* KALLOC_TELEMETRY_H */
