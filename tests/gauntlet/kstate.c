// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kstate: prints the kalloc module's state, one fact a line, in an order
 * that does not depend on timing, so that two states compare with diff:
 * the active policy, the budget in use, each policy's buffers and arena,
 * every buffer (id, name, size, policy, owner, flags, guards) and, with
 * --contents (root), a hash of its bytes.
 *
 *   kstate [--contents] [--no-arena]
 *
 * Exit status: 0, 1 if the state cannot be read, 3 if there is no family.
 */
#include <stdio.h>
#include <string.h>

#include "kmodel.h"

int main(int argc, char **argv)
{
	bool contents = false, arena = true;
	struct kc_state st;
	struct kc c;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--contents"))
			contents = true;
		else if (!strcmp(argv[i], "--no-arena"))
			arena = false;
		else {
			fprintf(stderr, "usage: kstate [--contents] [--no-arena]\n");
			return 2;
		}
	}
	err = kc_open(&c, 30000);
	if (err) {
		fprintf(stderr, "kstate: no kalloc family: %s\n", gnl_errname(err));
		return 3;
	}
	err = kc_snapshot(&c, &st, contents);
	if (err) {
		fprintf(stderr, "kstate: %s\n", gnl_errname(err));
		return 1;
	}
	if (!arena)
		for (i = 0; i <= KALLOC_POLICY_MAX; i++)
			st.policy[i].arena_bytes = 0;
	kc_state_print(&st, stdout);
	kc_state_free(&st);
	kc_close(&c);
	return 0;
}
