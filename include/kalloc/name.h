/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The rule for buffer names and owner tags, written once for the kernel
 * (kernel/nl_buffer.c, the module parameters) and for userspace (lib/,
 * the plan front end), so that both sides refuse exactly the same strings
 * with the same words. The uapi header states the rule for clients.
 *
 * Not isalnum(): the kernel's ctype also accepts Latin-1 letters.
 */
#ifndef KALLOC_NAME_H
#define KALLOC_NAME_H

static inline int kalloc_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*
 * NULL if the NUL-terminated string s is a valid name of at most max - 1
 * bytes (max: KALLOC_NAME_MAX or KALLOC_OWNER_MAX), else what is wrong
 * with it, as a phrase that follows the attribute's name
 * ("KALLOC_BUFFER_A_NAME is empty"). The length message comes from the
 * caller, which knows the limit it applies.
 */
static inline const char *kalloc_name_problem(const char *s, unsigned int max)
{
	unsigned int i;

	if (!s[0])
		return "is empty";
	if (s[0] == '.' || s[0] == '-')
		return "starts with '.' or '-'";
	for (i = 0; s[i]; i++) {
		if (i + 1 >= max)
			return "is too long";
		if (!kalloc_name_char_ok(s[i]))
			return "has a character outside [A-Za-z0-9_.-]";
	}
	return (const char *)0;
}

#endif /* KALLOC_NAME_H */
