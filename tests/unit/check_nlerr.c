// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The error decoding of lib/nl.c, fed with hand-built kernel answers: an
 * NLMSG_ERROR (capped or not) or an NLMSG_DONE, with or without extended
 * ACK TLVs, answering a request built the way nl.c builds its own.
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
	tcase_add_test(tc, test_attr_names);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
