/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* check_run.h - the one way every unit test binary runs its Check suite. */
#ifndef KALLOC_CHECK_RUN_H
#define KALLOC_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Runs s (and frees it); the exit status a test binary returns. */
static inline int kalloc_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* KALLOC_CHECK_RUN_H */
