/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The rule for buffer names and owner tags, written once for the kernel
 * (kernel/nl_buffer.c, the module parameters) and for userspace (lib/,
 * the plan front end), so that both sides refuse exactly the same strings
 * for the same reasons. The uapi header states the rule for clients.
 *
 * Not isalnum(): the kernel's ctype also accepts Latin-1 letters.
 */
#ifndef KALLOC_NAME_H
#define KALLOC_NAME_H

/* What is wrong with a name; 0 for nothing. */
enum kalloc_name_fault {
	KALLOC_NAME_OK,
	KALLOC_NAME_EMPTY,
	KALLOC_NAME_TOO_LONG,
	KALLOC_NAME_LEADING,	/* starts with '.' or '-' */
	KALLOC_NAME_CHARSET,	/* a character outside [A-Za-z0-9_.-] */
	KALLOC_NAME_FAULTS
};

static inline int kalloc_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*
 * Checks the NUL-terminated string s as a name of at most max - 1 bytes
 * (max: KALLOC_NAME_MAX or KALLOC_OWNER_MAX).
 */
static inline enum kalloc_name_fault
kalloc_name_check(const char *s, unsigned int max)
{
	unsigned int i;

	if (!s[0])
		return KALLOC_NAME_EMPTY;
	for (i = 0; s[i]; i++)
		if (i + 1 >= max)
			return KALLOC_NAME_TOO_LONG;
	if (s[0] == '.' || s[0] == '-')
		return KALLOC_NAME_LEADING;
	for (i = 0; s[i]; i++)
		if (!kalloc_name_char_ok(s[i]))
			return KALLOC_NAME_CHARSET;
	return KALLOC_NAME_OK;
}

/*
 * The same as a phrase that follows the word "name" or the attribute's
 * name ("KALLOC_BUFFER_A_NAME is empty"), or NULL if s is valid.
 */
static inline const char *kalloc_name_problem(const char *s, unsigned int max)
{
	static const char *const phrases[KALLOC_NAME_FAULTS] = {
		[KALLOC_NAME_EMPTY] = "is empty",
		[KALLOC_NAME_TOO_LONG] = "is too long",
		[KALLOC_NAME_LEADING] = "starts with '.' or '-'",
		[KALLOC_NAME_CHARSET] = "has a character outside [A-Za-z0-9_.-]",
	};

	return phrases[kalloc_name_check(s, max)];
}

#endif /* KALLOC_NAME_H */
