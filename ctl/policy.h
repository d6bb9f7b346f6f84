/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * policy.h - the policy object of kallocctl (policy.c) and its argument
 * parsers, for the unit tests.
 */
#ifndef KALLOC_CTL_POLICY_H
#define KALLOC_CTL_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl.h"

#define CTL_POLICY_SET_ARGS	"P [migrate [from Q]]"
#define CTL_POLICY_SHOW_ARGS	"[P]"

struct ctl_policy_set_args {
	uint32_t id;
	bool migrate;
	bool has_from;
	uint32_t from;
};

/* argv[0] is the verb; EXIT_OK or EXIT_USAGE (printed). */
int ctl_policy_set_parse(int argc, char **argv, struct ctl_policy_set_args *a);

#endif /* KALLOC_CTL_POLICY_H */
