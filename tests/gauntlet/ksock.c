// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ksock: module lifecycle and socket abuse against kalloc (issue 10 §4).
 *
 *   ksock lifecycle --ko PATH [--iterations N]
 *       N times: load the module with 64 buffers (names=/values=), open a
 *       listener on every group, create buffers (one owned by a socket),
 *       write and read them, start a dump and leave it unread; then
 *       delete_module must refuse ("in use": the open dump holds the
 *       module), and once the dump's socket is closed it must succeed
 *       while the listener and the owning socket are still open; those
 *       close after the module is gone. Each load must see the buffers
 *       of names= and nothing else: nothing survives an unload.
 *   ksock flood [--events N]
 *       A listener on "events" with the smallest receive buffer, and N
 *       creates and deletes nobody reads in time: the listener gets
 *       ENOBUFS, the kernel counts every message it could not deliver
 *       (EVENTS_SEND_FAILED) and every one it did, the socket keeps
 *       working afterwards; the same for "perf", whose identity
 *       produced = dropped + sent + send_failed must hold after a flush.
 *   ksock pass
 *       A socket opened by root, handed to a process that dropped to
 *       nobody, by fork (inherited) and by SCM_RIGHTS: every mutation
 *       through it, by send(), sendto() and write(), is EPERM, reads
 *       work, joining "perf" is EPERM, joining "events" works. And the
 *       other way round: a socket nobody opened, used by root with
 *       send(), is EPERM too (netlink checks who opened the socket as well
 *       as who sends, unless the sender names the kernel as destination).
 *   ksock dumphold
 *       Starts a dump of every buffer, reads nothing, prints "holding"
 *       and waits for SIGTERM: a module reference held from userspace.
 *   ksock listen
 *       Joins every group it may, prints "listening", reads until SIGTERM.
 *
 * Every check prints "PASS name: ..." or "FAIL name: ...". Exit status:
 * 0 all passed, 1 a check failed, 2 usage or setup.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kmodel.h"

static int nchecks, nfailed;
static const char *json_path;
static FILE *jf;

static void check(const char *name, bool ok, const char *fmt, ...)
{
	char detail[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name, detail);
	nchecks++;
	nfailed += !ok;
	if (jf) {
		fprintf(jf, "%s\n    {\"name\": ", nchecks > 1 ? "," : "");
		gnl_json_str(jf, name);
		fprintf(jf, ", \"ok\": %s, \"detail\": ", ok ? "true" : "false");
		gnl_json_str(jf, detail);
		fprintf(jf, "}");
	}
	fflush(stdout);
}

static void json_open(const char *tool, const char *mode)
{
	if (!json_path)
		return;
	jf = fopen(json_path, "w");
	if (jf)
		fprintf(jf, "{\n  \"tool\": \"%s\",\n  \"mode\": \"%s\",\n  \"checks\": [", tool, mode);
}

static void json_close(double dt, const char *extra)
{
	if (!jf)
		return;
	fprintf(jf, "\n  ],\n  \"duration_s\": %.1f,\n%s  \"failed\": %d\n}\n", dt,
		extra ? extra : "", nfailed);
	fclose(jf);
}

static int finit_module(int fd, const char *params)
{
	return (int)syscall(SYS_finit_module, fd, params, 0);
}

static int delete_module(const char *name)
{
	return (int)syscall(SYS_delete_module, name, O_NONBLOCK);
}

static bool module_loaded(void)
{
	struct stat st;

	return !stat("/sys/module/kalloc", &st);
}

/* A request built by kc_msg() with one u32 attribute, sent on fd as asked. */
enum how { BY_SEND, BY_SENDTO, BY_WRITE };

static int raw_request(int fd, uint16_t fam, uint8_t cmd, uint16_t flags,
		       int attr, const void *data, size_t len, enum how how,
		       char *msg, size_t msglen)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct gnl_sock s = { .fd = fd, .timeout_ms = 20000 };
	struct gnl_reply r;
	struct nlmsghdr *n;
	ssize_t sent;
	int err;

	if (!m)
		return -ENOMEM;
	gnl_msg_init(m, fam, NLM_F_REQUEST | NLM_F_ACK | flags, cmd, KALLOC_GENL_VERSION);
	if (attr)
		gnl_put(m, (uint16_t)attr, data, len);
	gnl_msg_finish(m);
	n = gnl_msg_hdr(m);
	n->nlmsg_seq = (uint32_t)rand();
	switch (how) {
	case BY_SENDTO:
		sent = sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&kernel,
			      sizeof(kernel));
		break;
	case BY_WRITE:
		sent = write(fd, m->buf, m->len);
		break;
	default:
		sent = send(fd, m->buf, m->len, 0);
	}
	if (sent < 0) {
		err = -errno;
		free(m);
		return err;
	}
	/* The answer, on the socket whatever its portid. */
	s.rx = malloc(GNL_RX_MAX);
	{
		struct sockaddr_nl sa;
		socklen_t sl = sizeof(sa);

		getsockname(fd, (struct sockaddr *)&sa, &sl);
		s.portid = sa.nl_pid;
	}
	gnl_reply_init(&r);
	err = gnl_collect(&s, n->nlmsg_seq, 1, true, 0, &r);
	if (!err)
		err = r.error;
	gnl_reply_free(&r);
	if (msg)
		snprintf(msg, msglen, "%s", err ? gnl_errname(err) : "OK");
	free(s.rx);
	free(m);
	return err;
}

/* ---- lifecycle ----------------------------------------------------------- */

static int lifecycle(const char *ko, int iterations)
{
	char params[4096];
	int i, k, fd, err;
	double t0 = gnl_now(), t_in_use = 0;
	long loads = 0, in_use = 0, unloads = 0, events = 0;
	char extra[256];

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(ko);
		return 2;
	}
	/* 64 buffers of long names: a dump of them needs several passes. */
	strcpy(params, "names=");
	for (k = 0; k < 64; k++)
		snprintf(params + strlen(params), sizeof(params) - strlen(params),
			 "%slc%02d_abcdefghijklmnopqrstuvwxy", k ? "," : "", k);
	strcat(params, " values=");
	for (k = 0; k < 64; k++)
		snprintf(params + strlen(params), sizeof(params) - strlen(params),
			 "%s%d", k ? "," : "", 64 + 64 * k);
	strcat(params, " arena_bytes=1048576 stats_interval_ms=10");

	if (module_loaded() && delete_module("kalloc")) {
		check("lifecycle-start", false, "kalloc is loaded and cannot be removed: %s",
		      strerror(errno));
		return 1;
	}
	for (i = 0; i < iterations; i++) {
		struct kc c, owner, dumper, lis;
		struct kc_buf b;
		struct kc_state st;
		uint8_t data[512], back[512];
		struct gnl_msg *m = malloc(sizeof(*m));
		double t1;
		bool ok = true;
		char why[256] = "";
		int got;

		if (finit_module(fd, params)) {
			check("load", false, "iteration %d: finit_module: %s", i, strerror(errno));
			free(m);
			break;
		}
		loads++;
		err = kc_open(&c, 20000);
		if (!err)
			err = kc_open(&owner, 20000);
		if (!err)
			err = kc_open(&dumper, 20000);
		if (!err)
			err = kc_open(&lis, 20000);
		if (err) {
			check("resolve", false, "iteration %d: the family: %s", i, gnl_errname(err));
			free(m);
			break;
		}
		/* A listener on every group, as kallocd and a monitor would be. */
		gnl_set_rcvbuf(&lis.s, 1 << 20);
		if (gnl_join(&lis.s, lis.grp_events) || gnl_join(&lis.s, lis.grp_stats) ||
		    gnl_join(&lis.s, lis.grp_perf)) {
			ok = false;
			snprintf(why, sizeof(why), "joining the groups failed");
		}
		/* Only names= buffers after a fresh load: nothing survived the last unload. */
		err = kc_snapshot(&c, &st, true);
		if (err || st.nbuf != 64) {
			ok = false;
			snprintf(why, sizeof(why), "after load: %s, %d buffers (64 expected)",
				 gnl_errname(err), st.nbuf);
		}
		kc_state_free(&st);
		/* Buffers: one owned by a socket, two ordinary, written and read. */
		err = kc_buffer_new(&owner, "lc_owned", 4096, 0, "life",
				    KALLOC_BUFFER_F_SOCKET, NULL, NULL);
		if (!err)
			err = kc_buffer_new(&c, "lc_a", 3000, 1 + i % KALLOC_POLICY_MAX,
					    "life", 0, &b, NULL);
		for (k = 0; k < (int)sizeof(data); k++)
			data[k] = (uint8_t)(i * 31 + k);
		if (!err)
			err = kc_buffer_write(&c, b.id, 100, data, sizeof(data), NULL);
		if (!err)
			err = kc_buffer_read(&c, b.id, 100, sizeof(back), back, NULL);
		if (!err && memcmp(data, back, sizeof(data)))
			err = -EBADMSG;
		if (!err)
			err = kc_buffer_new(&c, "lc_b", 70000, 0, "life", 0, NULL, NULL);
		if (err) {
			ok = false;
			snprintf(why, sizeof(why), "buffers: %s", gnl_errname(err));
		}
		/* A dump sent and left unread: it holds a module reference. */
		kc_msg(&dumper, m, KALLOC_CMD_BUFFER_GET, NLM_F_DUMP);
		gnl_msg_hdr(m)->nlmsg_seq = gnl_next_seq(&dumper.s);
		gnl_msg_finish(m);
		if (send(dumper.s.fd, m->buf, m->len, 0) < 0) {
			ok = false;
			snprintf(why, sizeof(why), "dump: %s", strerror(errno));
		}
		free(m);
		/* Unload while the dump is open: refused, "in use". */
		t1 = gnl_now();
		err = delete_module("kalloc") ? -errno : 0;
		t_in_use += gnl_now() - t1;
		if (err == -EWOULDBLOCK || err == -EBUSY) {
			in_use++;
		} else {
			ok = false;
			snprintf(why, sizeof(why), "delete_module with a dump open: %s (expected in use)",
				 err ? strerror(-err) : "it unloaded");
		}
		/* The events of our buffers reached the listener. */
		for (;;) {
			got = recv(lis.s.fd, lis.s.rx, GNL_RX_MAX, MSG_DONTWAIT);
			if (got <= 0)
				break;
			events++;
		}
		/* Close the dump: now it unloads, listener and owner still open. */
		kc_close(&dumper);
		if (module_loaded()) {
			for (k = 0; k < 50 && delete_module("kalloc"); k++)
				poll(NULL, 0, 20);	/* the dump's reference goes with its socket */
			if (module_loaded()) {
				ok = false;
				snprintf(why, sizeof(why), "delete_module after the dump closed: %s",
					 strerror(errno));
			} else {
				unloads++;
			}
		}
		/* The old family's sockets close after the module is gone. */
		kc_close(&lis);
		kc_close(&owner);
		kc_close(&c);
		if (!ok) {
			check("lifecycle", false, "iteration %d: %s", i, why);
			break;
		}
		if (module_loaded())
			break;
	}
	close(fd);
	snprintf(extra, sizeof(extra),
		 "  \"iterations\": %d,\n  \"loads\": %ld,\n  \"refused_in_use\": %ld,\n  \"unloads\": %ld,\n",
		 iterations, loads, in_use, unloads);
	check("lifecycle", loads == iterations && unloads == iterations && in_use == iterations,
	      "%ld loads with 64 buffers, a listener on every group, a socket-owned buffer and an open dump; %ld unloads refused while the dump was open, %ld unloads after it closed (%ld multicast reads, %.1f s)",
	      loads, in_use, unloads, events, gnl_now() - t0);
	json_close(gnl_now() - t0, extra);
	(void)t_in_use;
	return nfailed ? 1 : 0;
}

/* ---- flood ---------------------------------------------------------------- */

static int flood(int n)
{
	struct kc c, lis;
	struct kc_stats s0, s1;
	long got_msgs = 0, enobufs = 0, after = 0;
	int i, err, rcvbuf = 1;
	socklen_t sl = sizeof(rcvbuf);
	double t0 = gnl_now();
	char name[32];

	if (kc_open(&c, 20000) || kc_open(&lis, 20000)) {
		fprintf(stderr, "ksock: no kalloc family\n");
		return 2;
	}
	/* The smallest receive buffer the kernel allows. */
	gnl_set_rcvbuf(&lis.s, 1);
	getsockopt(lis.s.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl);
	if (gnl_join(&lis.s, lis.grp_events)) {
		check("flood-join", false, "join events: %s", strerror(errno));
		return 1;
	}
	kc_stats(&c, false, &s0, NULL);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "fl%d", i);
		err = kc_buffer_new(&c, name, 64, 0, "flood", 0, NULL, NULL);
		if (!err)
			err = kc_buffer_del(&c, 0, name, NULL);
		if (err) {
			check("flood-requests", false, "%s: %s", name, gnl_errname(err));
			return 1;
		}
	}
	kc_stats(&c, false, &s1, NULL);
	for (;;) {
		int got = recv(lis.s.fd, lis.s.rx, GNL_RX_MAX, MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (got < 0 && errno == ENOBUFS) {
			enobufs++;
			continue;
		}
		if (got <= 0)
			break;
		for (h = (struct nlmsghdr *)lis.s.rx; NLMSG_OK(h, got); h = NLMSG_NEXT(h, got))
			got_msgs++;
	}
	{
		uint64_t sent = s1.events_sent - s0.events_sent;
		uint64_t failed = s1.events_failed - s0.events_failed;

		check("flood-counted", sent + failed == (uint64_t)(2 * n),
		      "%d events made; the kernel counts %llu sent + %llu refused",
		      2 * n, (unsigned long long)sent, (unsigned long long)failed);
		check("flood-overflowed", failed > 0 && enobufs > 0,
		      "rcvbuf %d bytes: %llu messages refused, the listener read ENOBUFS %ld times and got %ld messages",
		      rcvbuf, (unsigned long long)failed, enobufs, got_msgs);
		check("flood-delivered", (uint64_t)got_msgs <= sent,
		      "the listener got %ld of the %llu messages netlink took", got_msgs,
		      (unsigned long long)sent);
	}
	/* The listener still works: a create and a delete arrive. */
	err = kc_buffer_new(&c, "fl_after", 64, 0, "flood", 0, NULL, NULL);
	if (!err)
		err = kc_buffer_del(&c, 0, "fl_after", NULL);
	for (i = 0; i < 50 && after < 2; i++) {
		struct pollfd p = { .fd = lis.s.fd, .events = POLLIN };
		int got;

		if (poll(&p, 1, 100) <= 0)
			continue;
		got = recv(lis.s.fd, lis.s.rx, GNL_RX_MAX, MSG_DONTWAIT);
		if (got > 0) {
			struct nlmsghdr *h;

			for (h = (struct nlmsghdr *)lis.s.rx; NLMSG_OK(h, got);
			     h = NLMSG_NEXT(h, got))
				after++;
		}
	}
	check("flood-recovered", !err && after == 2,
	      "after the flood: %s, the listener got %ld of 2 events", gnl_errname(err), after);
	kc_close(&lis);

	/* The same on "perf": a tiny listener, allocations, a flush. */
	if (!kc_open(&lis, 20000)) {
		struct kc_stats p1;
		long recs = 0;

		gnl_set_rcvbuf(&lis.s, 1);
		err = gnl_join(&lis.s, lis.grp_perf);
		check("perf-join", !err, "root joins perf: %s", err ? strerror(-err) : "ok");
		/* The perf ring starts within a second or two of the join. */
		for (i = 0; i < 40; i++) {
			struct gnl_msg *m = malloc(sizeof(*m));
			struct gnl_reply r;
			bool active = false;

			kc_msg(&c, m, KALLOC_CMD_STATS_GET, 0);
			gnl_reply_init(&r);
			if (!kc_req(&c, m, &r)) {
				struct nlattr *tb[KALLOC_STATS_A_MAX + 1], *a;
				struct nlmsghdr *h = gnl_reply_next(&r, NULL);
				int alen;

				if (h) {
					a = gnl_msg_attrs(h, 0, &alen);
					gnl_parse(tb, KALLOC_STATS_A_MAX, a, alen);
					active = tb[KALLOC_STATS_A_PERF_ACTIVE] &&
						 gnl_get_uint(tb[KALLOC_STATS_A_PERF_ACTIVE]);
				}
			}
			gnl_reply_free(&r);
			free(m);
			if (active)
				break;
			poll(NULL, 0, 100);
		}
		kc_stats(&c, true, &s0, NULL);
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "pf%d", i);
			if (!kc_buffer_new(&c, name, 64, 0, "flood", 0, NULL, NULL))
				kc_buffer_del(&c, 0, name, NULL);
		}
		kc_stats(&c, true, &p1, NULL);
		for (;;) {
			int got = recv(lis.s.fd, lis.s.rx, GNL_RX_MAX, MSG_DONTWAIT);

			if (got < 0 && errno == ENOBUFS)
				continue;
			if (got <= 0)
				break;
			recs++;
		}
		check("perf-identity", p1.perf_produced == p1.perf_dropped + p1.perf_sent +
		      p1.perf_send_failed && p1.perf_produced > s0.perf_produced,
		      "produced %llu = dropped %llu + sent %llu + send_failed %llu (this flood: %llu produced, %llu in refused messages)",
		      (unsigned long long)p1.perf_produced, (unsigned long long)p1.perf_dropped,
		      (unsigned long long)p1.perf_sent, (unsigned long long)p1.perf_send_failed,
		      (unsigned long long)(p1.perf_produced - s0.perf_produced),
		      (unsigned long long)(p1.perf_send_failed - s0.perf_send_failed));
		kc_close(&lis);
	}
	kc_close(&c);
	json_close(gnl_now() - t0, NULL);
	return nfailed ? 1 : 0;
}

/* ---- passing a socket ------------------------------------------------------ */

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

/*
 * What a process without privileges may do with a socket it did not open:
 * read, and join "events"; never mutate, never join "perf". Returns the
 * number of violations, printed.
 */
static int unprivileged_checks(int fd, uint16_t fam, uint32_t grp_perf,
			       uint32_t grp_events, const char *how_name)
{
	static const struct {
		uint8_t cmd;
		const char *what;
		int attr;
		uint32_t v;
	} mutations[] = {
		{ KALLOC_CMD_BUFFER_DEL, "BUFFER_DEL", KALLOC_BUFFER_A_NAME, 0 },
		{ KALLOC_CMD_BUFFER_FLUSH, "BUFFER_FLUSH", KALLOC_BUFFER_A_OWNER, 0 },
		{ KALLOC_CMD_POLICY_SET, "POLICY_SET", KALLOC_POLICY_A_ID, 2 },
		{ KALLOC_CMD_STATS_SET, "STATS_SET", KALLOC_STATS_A_INTERVAL_MS, 500 },
		{ KALLOC_CMD_BENCH_RUN, "BENCH_RUN", KALLOC_BENCH_A_OPS, 1 },
		{ KALLOC_CMD_BUFFER_READ, "BUFFER_READ", KALLOC_BUFFER_A_NAME, 0 },
	};
	static const enum how hows[] = { BY_SEND, BY_SENDTO, BY_WRITE };
	static const char *const how_names[] = { "send", "sendto", "write" };
	int bad = 0, h, i, err;
	char msg[64];
	uint32_t grp;

	for (h = 0; h < 3; h++) {
		/* BUFFER_NEW with its attributes. */
		{
			struct gnl_msg *m = malloc(sizeof(*m));
			struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
			struct gnl_sock s = { .fd = fd, .timeout_ms = 20000 };
			struct gnl_reply r;

			s.rx = malloc(GNL_RX_MAX);
			gnl_msg_init(m, fam, NLM_F_REQUEST | NLM_F_ACK, KALLOC_CMD_BUFFER_NEW,
				     KALLOC_GENL_VERSION);
			gnl_put_str(m, KALLOC_BUFFER_A_NAME, "stolen");
			gnl_put_u64(m, KALLOC_BUFFER_A_SIZE, 64);
			gnl_msg_finish(m);
			gnl_msg_hdr(m)->nlmsg_seq = 77 + h;
			{
				struct sockaddr_nl sa;
				socklen_t sl = sizeof(sa);

				getsockname(fd, (struct sockaddr *)&sa, &sl);
				s.portid = sa.nl_pid;
			}
			gnl_reply_init(&r);
			if (hows[h] == BY_SENDTO) {
				if (sendto(fd, m->buf, m->len, 0, (struct sockaddr *)&kernel,
					   sizeof(kernel)) < 0)
					r.error = -errno;
			} else if (hows[h] == BY_WRITE) {
				if (write(fd, m->buf, m->len) < 0)
					r.error = -errno;
			} else if (send(fd, m->buf, m->len, 0) < 0) {
				r.error = -errno;
			}
			/* The answer: reuse the socket's receive path. */
			err = r.error;
			if (!err)
				err = gnl_collect(&s, 77 + h, 1, true, 0, &r) ?: r.error;
			if (err != -EPERM) {
				printf("  %s: BUFFER_NEW by %s on a socket it did not open: %s (EPERM expected)\n",
				       how_name, how_names[h], gnl_errname(err));
				bad++;
			}
			gnl_reply_free(&r);
			free(s.rx);
			free(m);
		}
		for (i = 0; i < (int)(sizeof(mutations) / sizeof(mutations[0])); i++) {
			const void *data = mutations[i].v ? (const void *)&mutations[i].v :
				(const void *)"victim";
			size_t len = mutations[i].v ? 4 : 7;

			err = raw_request(fd, fam, mutations[i].cmd, 0, mutations[i].attr,
					  data, len, hows[h], msg, sizeof(msg));
			if (err != -EPERM) {
				printf("  %s: %s by %s: %s (EPERM expected)\n", how_name,
				       mutations[i].what, how_names[h], msg);
				bad++;
			}
		}
	}
	/* Reading is open to all. */
	err = raw_request(fd, fam, KALLOC_CMD_BUFFER_GET, 0, KALLOC_BUFFER_A_NAME,
			  "victim", 7, BY_SEND, msg, sizeof(msg));
	if (err) {
		printf("  %s: BUFFER_GET: %s (allowed to all)\n", how_name, msg);
		bad++;
	}
	grp = grp_perf;
	err = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) ?
	      -errno : 0;
	if (err != -EPERM) {
		printf("  %s: joining perf: %s (EPERM expected)\n", how_name, gnl_errname(err));
		bad++;
	}
	grp = grp_events;
	err = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) ?
	      -errno : 0;
	if (err) {
		printf("  %s: joining events: %s (allowed to all)\n", how_name, gnl_errname(err));
		bad++;
	}
	/* Its own socket: perf refused, events allowed, mutations refused. */
	{
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
		int own = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);

		if (own < 0 || bind(own, (struct sockaddr *)&sa, sizeof(sa))) {
			printf("  %s: cannot open a socket of its own\n", how_name);
			return bad + 1;
		}
		grp = grp_perf;
		err = setsockopt(own, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				 sizeof(grp)) ? -errno : 0;
		if (err != -EPERM) {
			printf("  %s: own socket joining perf: %s (EPERM expected)\n", how_name,
			       gnl_errname(err));
			bad++;
		}
		grp = grp_events;
		err = setsockopt(own, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				 sizeof(grp)) ? -errno : 0;
		if (err) {
			printf("  %s: own socket joining events: %s\n", how_name, gnl_errname(err));
			bad++;
		}
		err = raw_request(own, fam, KALLOC_CMD_BUFFER_DEL, 0, KALLOC_BUFFER_A_NAME,
				  "victim", 7, BY_SENDTO, NULL, 0);
		if (err != -EPERM) {
			printf("  %s: own socket BUFFER_DEL: %s (EPERM expected)\n", how_name,
			       gnl_errname(err));
			bad++;
		}
		close(own);
	}
	return bad;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) < 0 ? -errno : 0;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &mh, 0) <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 255;
	return WEXITSTATUS(status);
}

static int pass(void)
{
	struct kc c;
	struct kc_state before, after;
	char why[256];
	int sp[2], rc, err;
	pid_t pid;
	double t0 = gnl_now();

	if (kc_open(&c, 20000)) {
		fprintf(stderr, "ksock: no kalloc family\n");
		return 2;
	}
	err = kc_buffer_new(&c, "victim", 128, 0, "victim", 0, NULL, NULL);
	if (err && err != -EEXIST) {
		check("pass-setup", false, "BUFFER_NEW victim: %s", gnl_errname(err));
		return 1;
	}
	kc_snapshot(&c, &before, true);

	/* fork + setuid: the child keeps root's socket. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (drop_to_nobody())
			_exit(100);
		_exit(unprivileged_checks(c.s.fd, c.fam, c.grp_perf, c.grp_events,
					  "fork+setuid"));
	}
	rc = wait_child(pid);
	check("pass-fork", rc == 0, "a root-opened socket inherited by a process that became nobody: %s",
	      rc == 0 ? "every mutation EPERM by send, sendto and write; reads and events allowed; perf refused" :
	      rc == 100 ? "could not drop privileges" : "violations above");

	/* SCM_RIGHTS: an unprivileged process receives root's socket. */
	{
		struct kc c2;

		if (kc_open(&c2, 20000) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp)) {
			check("pass-scm", false, "setup failed");
		} else {
			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				int fd;

				close(sp[0]);
				if (drop_to_nobody())
					_exit(100);
				fd = recv_fd(sp[1]);
				if (fd < 0)
					_exit(101);
				_exit(unprivileged_checks(fd, c2.fam, c2.grp_perf, c2.grp_events,
							  "SCM_RIGHTS"));
			}
			close(sp[1]);
			send_fd(sp[0], c2.s.fd);
			rc = wait_child(pid);
			close(sp[0]);
			check("pass-scm", rc == 0, "a root-opened socket received over SCM_RIGHTS by nobody: %s",
			      rc == 0 ? "every mutation EPERM; reads and events allowed; perf refused" :
			      rc >= 100 ? "setup failed in the child" : "violations above");
			kc_close(&c2);
		}
	}

	/* The other way: nobody opens, root sends with send(): EPERM too. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0) {
		int fd;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
			int s;

			close(sp[0]);
			if (drop_to_nobody())
				_exit(100);
			s = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
			if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)))
				_exit(101);
			send_fd(sp[1], s);
			_exit(0);
		}
		close(sp[1]);
		fd = recv_fd(sp[0]);
		wait_child(pid);
		close(sp[0]);
		if (fd < 0) {
			check("pass-reverse", false, "no socket from the unprivileged child");
		} else {
			int e1 = raw_request(fd, c.fam, KALLOC_CMD_BUFFER_NEW, 0,
					     KALLOC_BUFFER_A_NAME, "rev", 4, BY_SEND, NULL, 0);
			int e2 = raw_request(fd, c.fam, KALLOC_CMD_BUFFER_DEL, 0,
					     KALLOC_BUFFER_A_NAME, "victim", 7, BY_WRITE, NULL, 0);

			check("pass-reverse", e1 == -EPERM && e2 == -EPERM,
			      "root sending on a socket nobody opened: BUFFER_NEW by send %s, BUFFER_DEL by write %s (EPERM expected: netlink checks the opener too)",
			      gnl_errname(e1), gnl_errname(e2));
			close(fd);
		}
	}
	kc_snapshot(&c, &after, true);
	err = kc_state_cmp(&before, &after, false, why, sizeof(why));
	check("pass-state", !err, "%s", err ? why : "the module's state is exactly as before");
	kc_buffer_del(&c, 0, "victim", NULL);
	kc_state_free(&before);
	kc_state_free(&after);
	kc_close(&c);
	json_close(gnl_now() - t0, NULL);
	return nfailed ? 1 : 0;
}

/* ---- helpers for the scenarios ------------------------------------------------ */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int dumphold(void)
{
	struct kc c;
	struct gnl_msg *m = malloc(sizeof(*m));

	if (!m || kc_open(&c, 20000))
		return 2;
	signal(SIGTERM, on_term);
	kc_msg(&c, m, KALLOC_CMD_BUFFER_GET, NLM_F_DUMP);
	gnl_msg_hdr(m)->nlmsg_seq = 1;
	gnl_msg_finish(m);
	if (send(c.s.fd, m->buf, m->len, 0) < 0)
		return 1;
	printf("holding\n");
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}

static int listen_all(void)
{
	struct kc c;
	long n = 0;
	int i;

	if (kc_open(&c, 20000))
		return 2;
	signal(SIGTERM, on_term);
	for (i = 0; i < c.family.ngroups; i++)
		gnl_join(&c.s, c.family.groups[i].id);
	printf("listening\n");
	fflush(stdout);
	while (!stop) {
		struct pollfd p = { .fd = c.s.fd, .events = POLLIN };

		if (poll(&p, 1, 200) > 0 &&
		    recv(c.s.fd, c.s.rx, GNL_RX_MAX, MSG_DONTWAIT) > 0)
			n++;
	}
	printf("received %ld datagrams\n", n);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ksock [--json FILE] lifecycle --ko PATH [--iterations N]\n"
		"       ksock [--json FILE] flood [--events N]\n"
		"       ksock [--json FILE] pass\n"
		"       ksock dumphold | listen\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ko = NULL;
	int i = 1, iterations = 100, events = 400;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned int)getpid());
	if (i + 1 < argc && !strcmp(argv[i], "--json")) {
		json_path = argv[i + 1];
		i += 2;
	}
	if (i >= argc)
		usage();
	if (!strcmp(argv[i], "lifecycle")) {
		for (i++; i < argc; i++) {
			if (!strcmp(argv[i], "--ko") && i + 1 < argc)
				ko = argv[++i];
			else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
				iterations = atoi(argv[++i]);
			else
				usage();
		}
		if (!ko)
			usage();
		json_open("ksock", "lifecycle");
		return lifecycle(ko, iterations);
	}
	if (!strcmp(argv[i], "flood")) {
		for (i++; i < argc; i++) {
			if (!strcmp(argv[i], "--events") && i + 1 < argc)
				events = atoi(argv[++i]);
			else
				usage();
		}
		json_open("ksock", "flood");
		return flood(events);
	}
	if (!strcmp(argv[i], "pass") && i + 1 == argc) {
		json_open("ksock", "pass");
		return pass();
	}
	if (!strcmp(argv[i], "dumphold") && i + 1 == argc)
		return dumphold();
	if (!strcmp(argv[i], "listen") && i + 1 == argc)
		return listen_all();
	usage();
	return 2;
}
