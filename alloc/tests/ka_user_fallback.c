// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_user_fallback.c - the userspace platform's two globals, built by
 * alloc/Makefile ONLY while alloc/user/*.c (engineer A's real home for
 * them) does not exist yet. Never linked together with alloc/user/.
 */
#include "ka_platform.h"

unsigned long ka_warn_count;
bool ka_warn_quiet;
