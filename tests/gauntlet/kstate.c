// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kstate: prints the kalloc module's state, one fact a line, in an order
 * that does not depend on timing, so that two states compare with diff:
 * the active policy, the budget in use, each policy's buffers and arena,
 * every buffer (id, name, size, policy, owner, flags, guards) and, with
 * --contents (root), a hash of its bytes, then every virtual device (its
 * registers and counters, but those a running timer or transfer changes).
 *
 *   kstate [--contents] [--no-arena]
 *   kstate --meminfo     MEMINFO_GET: "kaslr K addresses A", then one line
 *                        "segment NAME START END SIZE" per segment (hex
 *                        addresses, only if the caller may see them)
 *
 * Exit status: 0, 1 if the state cannot be read, 3 if there is no family.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmodel.h"

static int meminfo(struct kc *c)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct gnl_reply r;
	struct nlmsghdr *n;
	struct nlattr *tb[KALLOC_MEMINFO_A_MAX + 1], *a;
	int len, err;

	kc_msg(c, m, KALLOC_CMD_MEMINFO_GET, 0);
	gnl_reply_init(&r);
	err = kc_req(c, m, &r);
	free(m);
	n = gnl_reply_next(&r, NULL);
	if (err || !n) {
		fprintf(stderr, "kstate: MEMINFO_GET: %s\n", gnl_errname(err));
		return 1;
	}
	a = gnl_msg_attrs(n, 0, &len);
	gnl_parse(tb, KALLOC_MEMINFO_A_MAX, a, len);
	printf("kaslr %llu addresses %llu\n",
	       tb[KALLOC_MEMINFO_A_KASLR] ? (unsigned long long)gnl_get_uint(tb[KALLOC_MEMINFO_A_KASLR]) : 0ULL,
	       tb[KALLOC_MEMINFO_A_ADDRESSES] ? (unsigned long long)gnl_get_uint(tb[KALLOC_MEMINFO_A_ADDRESSES]) : 0ULL);
	a = gnl_msg_attrs(n, 0, &len);
	gnl_for_each_attr(a, a, len) {
		struct nlattr *sg[KALLOC_SEGMENT_A_MAX + 1];

		if (gnl_attr_type(a) != KALLOC_MEMINFO_A_SEGMENT)
			continue;
		gnl_parse_nested(sg, KALLOC_SEGMENT_A_MAX, a);
		printf("segment %.*s %llx %llx %llx\n",
		       sg[KALLOC_SEGMENT_A_NAME] ? gnl_attr_len(sg[KALLOC_SEGMENT_A_NAME]) : 1,
		       sg[KALLOC_SEGMENT_A_NAME] ? (char *)gnl_attr_data(sg[KALLOC_SEGMENT_A_NAME]) : "?",
		       sg[KALLOC_SEGMENT_A_START] ? (unsigned long long)gnl_get_uint(sg[KALLOC_SEGMENT_A_START]) : 0ULL,
		       sg[KALLOC_SEGMENT_A_END] ? (unsigned long long)gnl_get_uint(sg[KALLOC_SEGMENT_A_END]) : 0ULL,
		       sg[KALLOC_SEGMENT_A_SIZE] ? (unsigned long long)gnl_get_uint(sg[KALLOC_SEGMENT_A_SIZE]) : 0ULL);
	}
	gnl_reply_free(&r);
	return 0;
}

int main(int argc, char **argv)
{
	bool contents = false, arena = true, mem = false;
	struct kc_state st;
	struct kc c;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--contents"))
			contents = true;
		else if (!strcmp(argv[i], "--no-arena"))
			arena = false;
		else if (!strcmp(argv[i], "--meminfo"))
			mem = true;
		else {
			fprintf(stderr, "usage: kstate [--contents] [--no-arena] | --meminfo\n");
			return 2;
		}
	}
	err = kc_open(&c, 30000);
	if (err) {
		fprintf(stderr, "kstate: no kalloc family: %s\n", gnl_errname(err));
		return 3;
	}
	if (mem)
		return meminfo(&c);
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
