/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vdev.h - the vdev object of kallocctl (vdev.c) and its argument
 * parsers, for the unit tests.
 */
#ifndef KALLOC_CTL_VDEV_H
#define KALLOC_CTL_VDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl.h"

#define CTL_VDEV_ADD_ARGS	"NAME [size N] [timer PERIOD] [owner TAG]"
#define CTL_VDEV_SET_ARGS	"NAME SETTING..."
#define CTL_VDEV_DMA_ARGS \
	"NAME (to-device|from-device) BUFFER [offset N] [device-offset N] [length N] [nowait]"

/*
 * A period: a duration (kalloc_parse_duration_ns(): "100us", "1ms",
 * "1.5s"; a bare number is seconds) in nanoseconds. Returns 0, or prints
 * a usage error.
 */
int ctl_parse_period(const char *s, uint64_t *ns);

/* argv[0] is the verb; EXIT_OK or EXIT_USAGE (printed). */
int ctl_vdev_add_parse(int argc, char **argv, struct kalloc_vdev_spec *spec);
/*
 * Settings: enable, disable, irq-enable, irq-disable, timer PERIOD (sets
 * TIMER_ENABLE too), timer off, reset; several in one call, later ones
 * winning for the same bit.
 */
struct ctl_vdev_set_args {
	const char *name;
	struct kalloc_vdev_settings s;
};

int ctl_vdev_set_parse(int argc, char **argv, struct ctl_vdev_set_args *a);
int ctl_vdev_dma_parse(int argc, char **argv, struct kalloc_vdev_dma_spec *d);

/* A period as whole units: "1ms", "100us", "7ns". */
const char *ctl_vdev_period_text(uint64_t ns, char *buf, size_t len);

/* "ready,irq-pending" or "-"; "enable,irq-enable" or "-". */
const char *ctl_vdev_status_words(uint32_t status, char *buf, size_t len);
const char *ctl_vdev_control_words(uint32_t control, char *buf, size_t len);

#endif /* KALLOC_CTL_VDEV_H */
