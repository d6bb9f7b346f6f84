// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Buffer names, checked in userspace exactly as the uapi header states
 * them: 1 to KALLOC_NAME_MAX - 1 bytes of [A-Za-z0-9_.-], not starting
 * with '.' or '-' (so a name can never look like an option or a hidden
 * file). The plan parser uses this to report a bad name at its line and
 * column before anything reaches the kernel; kallocctl does not, so that
 * the kernel's own validation is what a user of the CLI sees.
 */
#include <errno.h>
#include <string.h>

#include "kalloc.h"

_Static_assert(KALLOC_NAME_MAX == 32, "update the \"31 bytes\" message");

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int name_fail(const char **why, const char *msg, int code)
{
	if (why)
		*why = msg;
	return code;
}

int kalloc_check_name(const char *name, const char **why)
{
	size_t i;

	if (!name || !*name)
		return name_fail(why, "name is empty", -EINVAL);
	if (strnlen(name, KALLOC_NAME_MAX) >= KALLOC_NAME_MAX)
		return name_fail(why, "name is longer than 31 bytes", -ERANGE);
	if (name[0] == '.' || name[0] == '-')
		return name_fail(why, "name starts with '.' or '-'", -EINVAL);
	for (i = 0; name[i]; i++) {
		if (!name_char_ok(name[i]))
			return name_fail(why,
					 "name has a character outside [A-Za-z0-9_.-]",
					 -EINVAL);
	}
	if (why)
		*why = NULL;
	return 0;
}
