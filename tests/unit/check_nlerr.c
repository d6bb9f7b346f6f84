// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The error decoding of lib/nlerr.c, fed with hand-built kernel answers:
 * an NLMSG_ERROR (capped or not) or an NLMSG_DONE, with or without
 * extended ACK TLVs and error cookies, answering a request built the way
 * the object files build their own.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "kalloc.h"
#include "nl_priv.h"
#include "check_run.h"

/* A KALLOC_CMD_BUFFER_NEW request: name then size. */
static struct nl_msg *req;
static uint32_t off_name, off_size;

/* The answer under construction, 4-byte aligned like a receive buffer. */
static uint32_t abuf[256];
static size_t alen;

static uint32_t attr_off(int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	struct nlattr *a = nlmsg_find_attr(nlh, GENL_HDRLEN, type);

	ck_assert_ptr_nonnull(a);
	return (uint32_t)((char *)a - (char *)nlh);
}

static void setup(void)
{
	req = nlmsg_alloc();
	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_nonnull(genlmsg_put(req, 1234, 7, 0x20, 0, NLM_F_ACK,
					  KALLOC_CMD_BUFFER_NEW, 1));
	ck_assert_int_eq(nla_put_string(req, KALLOC_BUFFER_A_NAME, "buffer"), 0);
	ck_assert_int_eq(nla_put_u64(req, KALLOC_BUFFER_A_SIZE, 0), 0);
	off_name = attr_off(KALLOC_BUFFER_A_NAME);
	off_size = attr_off(KALLOC_BUFFER_A_SIZE);
	ck_assert_uint_gt(off_size, off_name);
}

static void teardown(void)
{
	nlmsg_free(req);
}

static struct nlmsghdr *ans(void)
{
	return (struct nlmsghdr *)abuf;
}

static void put(const void *p, size_t n)
{
	ck_assert_uint_le(alen + NLMSG_ALIGN(n), sizeof(abuf));
	memcpy((char *)abuf + alen, p, n);
	memset((char *)abuf + alen + n, 0, NLMSG_ALIGN(n) - n);
	alen += NLMSG_ALIGN(n);
	ans()->nlmsg_len = (uint32_t)alen;
}

/* NLMSG_ERROR for req; capped: without the echoed request payload. */
static void begin_error(int error, bool capped, bool tlvs)
{
	struct nlmsghdr *r = nlmsg_hdr(req);
	struct nlmsghdr h = {
		.nlmsg_type = NLMSG_ERROR,
		.nlmsg_flags = (capped ? NLM_F_CAPPED : 0) |
			       (tlvs ? NLM_F_ACK_TLVS : 0),
		.nlmsg_seq = r->nlmsg_seq,
	};
	struct nlmsgerr e = { .error = error, .msg = *r };

	alen = 0;
	put(&h, sizeof(h));
	_Static_assert(sizeof(e) % NLMSG_ALIGNTO == 0, "echo follows e");
	put(&e, sizeof(e));
	/* Uncapped, the request's payload follows its echoed header. */
	if (!capped)
		put((char *)r + NLMSG_HDRLEN, r->nlmsg_len - NLMSG_HDRLEN);
}

static void begin_done(int error)
{
	struct nlmsghdr h = {
		.nlmsg_type = NLMSG_DONE,
		.nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS,
	};

	alen = 0;
	put(&h, sizeof(h));
	put(&error, sizeof(error));
}

static void put_tlv(uint16_t type, const void *data, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n),
			    .nla_type = type };
	size_t start = alen;

	put(&a, sizeof(a));
	put(data, n);
	/* put() padded twice; the attribute's own length stays exact. */
	ck_assert_uint_eq(alen - start, NLA_ALIGN(NLA_HDRLEN + n));
}

static void put_msg(const char *s)
{
	put_tlv(NLMSGERR_ATTR_MSG, s, strlen(s) + 1);
}

static void put_u32(uint16_t type, uint32_t v)
{
	put_tlv(type, &v, sizeof(v));
}

static struct kalloc_err decode(int want_code)
{
	struct kalloc_err err = { .code = 1, .msg = "stale" };

	ck_assert_int_eq(kalloc_nl_decode_err(ans(), alen, nlmsg_hdr(req),
					      &err), want_code);
	ck_assert_int_eq(err.code, want_code);
	return err;
}

START_TEST(test_policy_rejects_size)
{
	begin_error(-ERANGE, true, true);
	put_msg("integer out of range");
	put_u32(NLMSGERR_ATTR_OFFS, off_size);
	ck_assert_str_eq(decode(-ERANGE).msg,
			 "integer out of range (attribute size)");
}
END_TEST

START_TEST(test_names_name_attribute)
{
	begin_error(-EINVAL, true, true);
	put_msg("character outside the allowed set");
	put_u32(NLMSGERR_ATTR_OFFS, off_name);
	ck_assert_str_eq(decode(-EINVAL).msg,
			 "character outside the allowed set (attribute name)");
}
END_TEST

START_TEST(test_message_names_attribute_already)
{
	/* kalloc.ko's messages start with the attribute: say it once. */
	begin_error(-EINVAL, true, true);
	put_msg("KALLOC_BUFFER_A_NAME is empty");
	put_u32(NLMSGERR_ATTR_OFFS, off_name);
	ck_assert_str_eq(decode(-EINVAL).msg, "KALLOC_BUFFER_A_NAME is empty");
}
END_TEST

START_TEST(test_offset_inside_attribute)
{
	/* An offset into the attribute's payload still names it. */
	begin_error(-EINVAL, true, true);
	put_msg("bad");
	put_u32(NLMSGERR_ATTR_OFFS, off_size + NLA_HDRLEN + 3);
	ck_assert_str_eq(decode(-EINVAL).msg, "bad (attribute size)");
}
END_TEST

START_TEST(test_uncapped_echo)
{
	begin_error(-ERANGE, false, true);
	put_msg("integer out of range");
	put_u32(NLMSGERR_ATTR_OFFS, off_size);
	ck_assert_str_eq(decode(-ERANGE).msg,
			 "integer out of range (attribute size)");
}
END_TEST

START_TEST(test_eperm_plain)
{
	begin_error(-EPERM, true, false);
	ck_assert_str_eq(decode(-EPERM).msg, "Operation not permitted");
}
END_TEST

START_TEST(test_message_only)
{
	begin_error(-EEXIST, true, true);
	put_msg("a buffer of that name exists");
	ck_assert_str_eq(decode(-EEXIST).msg, "a buffer of that name exists");
}
END_TEST

START_TEST(test_offset_without_message)
{
	begin_error(-EINVAL, true, true);
	put_u32(NLMSGERR_ATTR_OFFS, off_name);
	ck_assert_str_eq(decode(-EINVAL).msg,
			 "Invalid argument (attribute name)");
}
END_TEST

START_TEST(test_offset_outside_attributes)
{
	begin_error(-EINVAL, true, true);
	put_msg("header problem");
	put_u32(NLMSGERR_ATTR_OFFS, 4);		/* in the nlmsghdr */
	ck_assert_str_eq(decode(-EINVAL).msg, "header problem");
	begin_error(-EINVAL, true, true);
	put_msg("past the end");
	put_u32(NLMSGERR_ATTR_OFFS, 4096);
	ck_assert_str_eq(decode(-EINVAL).msg, "past the end");
}
END_TEST

START_TEST(test_missing_attribute)
{
	begin_error(-EINVAL, true, true);
	put_msg("Missing attribute");
	put_u32(NLMSGERR_ATTR_MISS_TYPE, KALLOC_BUFFER_A_SIZE);
	ck_assert_str_eq(decode(-EINVAL).msg,
			 "Missing attribute (attribute size)");
}
END_TEST

START_TEST(test_flag_gates_tlvs)
{
	/* TLVs present but NLM_F_ACK_TLVS clear: they are not there. */
	begin_error(-ENOSPC, true, false);
	put_msg("ignored");
	ck_assert_str_eq(decode(-ENOSPC).msg, "No space left on device");
}
END_TEST

START_TEST(test_unterminated_message)
{
	begin_error(-EINVAL, true, true);
	put_tlv(NLMSGERR_ATTR_MSG, "abcd", 4);
	ck_assert_str_eq(decode(-EINVAL).msg, "Invalid argument");
}
END_TEST

START_TEST(test_message_is_one_line)
{
	begin_error(-EINVAL, true, true);
	put_msg("two\nlines");
	ck_assert_str_eq(decode(-EINVAL).msg, "two lines");
}
END_TEST

START_TEST(test_dump_done)
{
	begin_done(-ENOMEM);
	put_msg("dump failed");
	ck_assert_str_eq(decode(-ENOMEM).msg, "dump failed");
	begin_done(0);
	ck_assert_str_eq(decode(0).msg, "");
}
END_TEST

START_TEST(test_ack_is_no_error)
{
	begin_error(0, true, false);
	ck_assert_str_eq(decode(0).msg, "");
}
END_TEST

START_TEST(test_truncated)
{
	begin_error(-EINVAL, true, false);
	alen = NLMSG_HDRLEN + 2;
	ck_assert_str_eq(decode(-EPROTO).msg,
			 "truncated error message from the kernel");
}
END_TEST

START_TEST(test_no_request)
{
	struct kalloc_err err;

	begin_error(-ERANGE, true, true);
	put_msg("integer out of range");
	put_u32(NLMSGERR_ATTR_OFFS, off_size);
	ck_assert_int_eq(kalloc_nl_decode_err(ans(), alen, NULL, &err), -ERANGE);
	ck_assert_str_eq(err.msg, "integer out of range");
}
END_TEST

static void put_cookie(uint32_t kind, uint64_t a, uint64_t b)
{
	struct kalloc_cookie c = {
		.kind = kind,
		.a_lo = (uint32_t)a, .a_hi = (uint32_t)(a >> 32),
		.b_lo = (uint32_t)b, .b_hi = (uint32_t)(b >> 32),
	};

	_Static_assert(sizeof(c) == 20, "the uapi cookie is 20 bytes");
	put_tlv(NLMSGERR_ATTR_COOKIE, &c, sizeof(c));
}

START_TEST(test_cookie_budget)
{
	begin_error(-ENOSPC, true, true);
	put_msg("KALLOC_BUFFER_A_SIZE exceeds the remaining budget");
	put_u32(NLMSGERR_ATTR_OFFS, off_size);
	put_cookie(KALLOC_COOKIE_BUDGET, 4194304, 67108864);
	ck_assert_str_eq(decode(-ENOSPC).msg,
			 "KALLOC_BUFFER_A_SIZE exceeds the remaining budget (4194304 of 67108864 bytes free)");
}
END_TEST

START_TEST(test_cookie_kinds)
{
	begin_error(-ENOSPC, true, true);
	put_msg("the module holds max_buffers buffers already");
	put_cookie(KALLOC_COOKIE_MAX_BUFFERS, 1024, 0);
	ck_assert_str_eq(decode(-ENOSPC).msg,
			 "the module holds max_buffers buffers already (max_buffers is 1024)");

	/* 64-bit halves: a above 4 GiB comes out whole. */
	begin_error(-ENOSPC, true, true);
	put_msg("KALLOC_BUFFER_A_SIZE is more than the policy can serve");
	put_u32(NLMSGERR_ATTR_OFFS, off_size);
	put_cookie(KALLOC_COOKIE_LARGEST, 0x100000010ULL, 0x200000000ULL);
	ck_assert_str_eq(decode(-ENOSPC).msg,
			 "KALLOC_BUFFER_A_SIZE is more than the policy can serve (largest it can serve now: 4294967312 bytes; arena bound 8589934592 bytes)");

	begin_error(-ERANGE, true, true);
	put_msg("KALLOC_BUFFER_A_OFFSET + length is past the end of the buffer");
	put_cookie(KALLOC_COOKIE_BUFFER_SIZE, 4096, 0);
	ck_assert_str_eq(decode(-ERANGE).msg,
			 "KALLOC_BUFFER_A_OFFSET + length is past the end of the buffer (the buffer holds 4096 bytes)");
}
END_TEST

START_TEST(test_cookie_with_attribute)
{
	/* A message that does not name its attribute gets both parts. */
	begin_error(-ENOSPC, true, true);
	put_msg("over budget");
	put_u32(NLMSGERR_ATTR_OFFS, off_size);
	put_cookie(KALLOC_COOKIE_BUDGET, 0, 1024);
	ck_assert_str_eq(decode(-ENOSPC).msg,
			 "over budget (0 of 1024 bytes free) (attribute size)");
}
END_TEST

START_TEST(test_cookie_unknown)
{
	/* A kind this library does not know, or a foreign cookie: message alone. */
	begin_error(-ENOSPC, true, true);
	put_msg("something new");
	put_cookie(KALLOC_COOKIE_MAX + 1, 1, 2);
	ck_assert_str_eq(decode(-ENOSPC).msg, "something new");
	begin_error(-ENOSPC, true, true);
	put_msg("something new");
	put_cookie(KALLOC_COOKIE_UNSPEC, 1, 2);
	ck_assert_str_eq(decode(-ENOSPC).msg, "something new");
	begin_error(-ENOSPC, true, true);
	put_msg("short cookie");
	put_tlv(NLMSGERR_ATTR_COOKIE, "12345678", 8);
	ck_assert_str_eq(decode(-ENOSPC).msg, "short cookie");
}
END_TEST

START_TEST(test_cookie_format)
{
	struct kalloc_cookie c = { .kind = KALLOC_COOKIE_BUDGET, .a_lo = 1,
				   .a_hi = 1, .b_lo = 0, .b_hi = 2 };
	char buf[128];

	ck_assert_str_eq(kalloc_cookie_format(&c, buf, sizeof(buf)),
			 "4294967297 of 8589934592 bytes free");
	c.kind = 999;
	ck_assert_ptr_null(kalloc_cookie_format(&c, buf, sizeof(buf)));
}
END_TEST

START_TEST(test_named_as_whole_word)
{
	/*
	 * KALLOC_BUFFER_A_POLICY_NAME in a message does not name
	 * KALLOC_BUFFER_A_POLICY; the message "invalid" does not name "id".
	 */
	struct nl_msg *r = nlmsg_alloc();

	ck_assert_ptr_nonnull(genlmsg_put(r, 1234, 8, 0x20, 0, NLM_F_ACK,
					  KALLOC_CMD_BUFFER_NEW, 1));
	ck_assert_int_eq(nla_put_u32(r, KALLOC_BUFFER_A_POLICY, 0), 0);
	nlmsg_free(req);
	req = r;
	begin_error(-ERANGE, true, true);
	put_msg("KALLOC_BUFFER_A_POLICY_NAME is not settable");
	put_u32(NLMSGERR_ATTR_OFFS, attr_off(KALLOC_BUFFER_A_POLICY));
	ck_assert_str_eq(decode(-ERANGE).msg,
			 "KALLOC_BUFFER_A_POLICY_NAME is not settable (attribute policy)");
	begin_error(-ERANGE, true, true);
	put_msg("KALLOC_BUFFER_A_POLICY is 0");
	put_u32(NLMSGERR_ATTR_OFFS, attr_off(KALLOC_BUFFER_A_POLICY));
	ck_assert_str_eq(decode(-ERANGE).msg, "KALLOC_BUFFER_A_POLICY is 0");
}
END_TEST

/* Requests of every object name their attributes from that object's table. */
START_TEST(test_other_objects)
{
	struct nl_msg *r = nlmsg_alloc();

	ck_assert_ptr_nonnull(genlmsg_put(r, 1234, 9, 0x20, 0, NLM_F_ACK,
					  KALLOC_CMD_POLICY_SET, 1));
	ck_assert_int_eq(nla_put_u32(r, KALLOC_POLICY_A_ID, 3), 0);
	ck_assert_int_eq(nla_put_flag(r, KALLOC_POLICY_A_MIGRATE), 0);
	ck_assert_int_eq(nla_put_u32(r, KALLOC_POLICY_A_FROM, 0), 0);
	nlmsg_free(req);
	req = r;
	begin_error(-ERANGE, true, true);
	put_msg("integer out of range");
	put_u32(NLMSGERR_ATTR_OFFS, attr_off(KALLOC_POLICY_A_FROM));
	ck_assert_str_eq(decode(-ERANGE).msg,
			 "integer out of range (attribute from)");
	begin_error(-EINVAL, true, true);
	put_msg("Missing attribute");
	put_u32(NLMSGERR_ATTR_MISS_TYPE, KALLOC_POLICY_A_ID);
	ck_assert_str_eq(decode(-EINVAL).msg, "Missing attribute (attribute id)");
	/* "validation" has "id" in it: only the uapi spelling counts. */
	begin_error(-EINVAL, true, true);
	put_msg("Attribute failed policy validation");
	put_u32(NLMSGERR_ATTR_OFFS, attr_off(KALLOC_POLICY_A_ID));
	ck_assert_str_eq(decode(-EINVAL).msg,
			 "Attribute failed policy validation (attribute id)");
}
END_TEST

START_TEST(test_attr_names)
{
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_NEW,
					     KALLOC_BUFFER_A_SIZE), "size");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_DEL,
					     KALLOC_BUFFER_A_ID), "id");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_GET,
					     KALLOC_BUFFER_A_ALLOCATOR),
			 "allocator");
	ck_assert_ptr_null(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_NEW, 0));
	ck_assert_ptr_null(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_NEW, 999));
	ck_assert_ptr_null(kalloc_nl_attr_name(KALLOC_CMD_UNSPEC,
					       KALLOC_BUFFER_A_SIZE));
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_READ,
					     KALLOC_BUFFER_A_LENGTH), "length");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_WRITE,
					     KALLOC_BUFFER_A_DATA), "data");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BUFFER_FLUSH,
					     KALLOC_BUFFER_A_OWNER), "owner");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_POLICY_GET,
					     KALLOC_POLICY_A_ID), "id");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_POLICY_SET,
					     KALLOC_POLICY_A_MIGRATE), "migrate");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_STATS_GET,
					     KALLOC_STATS_A_POLICY), "policy");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BENCH_RUN,
					     KALLOC_BENCH_A_OPS), "ops");
	ck_assert_str_eq(kalloc_nl_attr_name(KALLOC_CMD_BENCH_RUN,
					     KALLOC_BENCH_A_SCENARIO), "scenario");
	ck_assert_ptr_null(kalloc_nl_attr_name(KALLOC_CMD_BENCH_RUN,
					       KALLOC_BENCH_A_MAX + 1));
	ck_assert_ptr_null(kalloc_nl_attr_name(KALLOC_CMD_MAX + 1, 1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nlerr");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_policy_rejects_size);
	tcase_add_test(tc, test_names_name_attribute);
	tcase_add_test(tc, test_message_names_attribute_already);
	tcase_add_test(tc, test_offset_inside_attribute);
	tcase_add_test(tc, test_uncapped_echo);
	tcase_add_test(tc, test_eperm_plain);
	tcase_add_test(tc, test_message_only);
	tcase_add_test(tc, test_offset_without_message);
	tcase_add_test(tc, test_offset_outside_attributes);
	tcase_add_test(tc, test_missing_attribute);
	tcase_add_test(tc, test_flag_gates_tlvs);
	tcase_add_test(tc, test_unterminated_message);
	tcase_add_test(tc, test_message_is_one_line);
	tcase_add_test(tc, test_dump_done);
	tcase_add_test(tc, test_ack_is_no_error);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_no_request);
	tcase_add_test(tc, test_cookie_budget);
	tcase_add_test(tc, test_cookie_kinds);
	tcase_add_test(tc, test_cookie_with_attribute);
	tcase_add_test(tc, test_cookie_unknown);
	tcase_add_test(tc, test_cookie_format);
	tcase_add_test(tc, test_named_as_whole_word);
	tcase_add_test(tc, test_other_objects);
	tcase_add_test(tc, test_attr_names);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
