// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * family.c - is the "kalloc" family there, and when does it come and go?
 *
 * Two ways to ask the generic netlink controller, with one difference
 * that matters: CTRL_CMD_GETFAMILY by name makes the kernel
 * request_module() the family's alias when it is missing, i.e. it loads
 * kalloc.ko (that is how kalloc_nl_open() autoloads it); a GETFAMILY dump
 * never does. kalloc_family_present() uses the dump, so that a daemon
 * can look without undoing an administrator's rmmod.
 *
 * The controller's "notify" group announces CTRL_CMD_NEWFAMILY and
 * CTRL_CMD_DELFAMILY (module load and unload); struct kalloc_famwatch is
 * a socket joined to it, to sit in an event loop. Its sockets hold no
 * reference on the module: rmmod succeeds while they are open.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "kalloc.h"

struct kalloc_famwatch {
	struct nl_sock *sk;
	int events;		/* KALLOC_FAMILY_* seen by the last read */
};

/* Whether a controller message (NEW/DELFAMILY or a dump reply) is ours. */
static bool is_kalloc(struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return false;
	return !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
		       KALLOC_GENL_NAME);
}

static int on_notify(struct nl_msg *msg, void *arg)
{
	struct kalloc_famwatch *fw = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	uint8_t cmd = genlmsg_hdr(nlh)->cmd;

	if (!is_kalloc(nlh))
		return NL_OK;
	if (cmd == CTRL_CMD_NEWFAMILY)
		fw->events |= KALLOC_FAMILY_NEW;
	else if (cmd == CTRL_CMD_DELFAMILY)
		fw->events |= KALLOC_FAMILY_DEL;
	return NL_OK;
}

static int connect_ctrl(struct nl_sock **skp, struct kalloc_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	ret = genl_connect(sk);
	if (ret < 0) {
		nl_socket_free(sk);
		return kalloc_set_err(err, -EIO,
				      "cannot open a generic netlink socket: %s",
				      nl_geterror(ret));
	}
	*skp = sk;
	return 0;
}

int kalloc_famwatch_open(struct kalloc_famwatch **fwp, struct kalloc_err *err)
{
	struct kalloc_famwatch *fw = calloc(1, sizeof(*fw));
	int grp, ret;

	kalloc_clear_err(err);
	if (!fw)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	ret = connect_ctrl(&fw->sk, err);
	if (ret)
		goto free_fw;
	grp = genl_ctrl_resolve_grp(fw->sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(fw->sk, grp) < 0) {
		ret = kalloc_set_err(err, -EIO,
				     "cannot join the controller's notify group");
		goto free_sock;
	}
	nl_socket_disable_seq_check(fw->sk);
	nl_socket_modify_cb(fw->sk, NL_CB_VALID, NL_CB_CUSTOM, on_notify, fw);
	nl_socket_set_nonblocking(fw->sk);
	*fwp = fw;
	return 0;
free_sock:
	nl_socket_free(fw->sk);
free_fw:
	free(fw);
	return ret;
}

int kalloc_famwatch_fd(const struct kalloc_famwatch *fw)
{
	return nl_socket_get_fd(fw->sk);
}

int kalloc_famwatch_read(struct kalloc_famwatch *fw, int *events,
			 struct kalloc_err *err)
{
	int ret;

	fw->events = 0;
	do {
		ret = nl_recvmsgs_default(fw->sk);
	} while (ret > 0);
	*events = fw->events;
	if (ret == -NLE_AGAIN || ret == 0)
		return 0;
	/* An overrun lost notifications: the caller must look again. */
	if (ret == -NLE_NOMEM) {
		*events |= KALLOC_FAMILY_LOST;
		return 0;
	}
	return kalloc_set_err(err, -EIO, "controller notifications: %s",
			      nl_geterror(ret));
}

void kalloc_famwatch_close(struct kalloc_famwatch *fw)
{
	if (!fw)
		return;
	nl_socket_free(fw->sk);
	free(fw);
}

static int on_dump(struct nl_msg *msg, void *arg)
{
	bool *found = arg;

	if (is_kalloc(nlmsg_hdr(msg)))
		*found = true;
	return NL_OK;
}

int kalloc_family_present(struct kalloc_err *err)
{
	struct nl_sock *sk;
	bool found = false;
	int ret;

	kalloc_clear_err(err);
	ret = connect_ctrl(&sk, err);
	if (ret)
		return ret;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_dump, &found);
	ret = genl_send_simple(sk, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			       NLM_F_DUMP);
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	if (ret < 0)
		return kalloc_set_err(err, -EIO, "cannot list the families: %s",
				      nl_geterror(ret));
	return found;
}
