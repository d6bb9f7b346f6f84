// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * buffer.c - "kallocctl buffer": alloc, free, list, show, set, read,
 * write, check, flush (each also a top-level command: "kallocctl alloc").
 *
 * list, show and alloc print one description per buffer through the same
 * print calls, text or JSON. read and write move contents of any length
 * in requests of at most KALLOC_IO_MAX bytes (lib/io.c), after a GET that
 * tells the buffer's size. check reports only damaged buffers in text,
 * every checked buffer in JSON, and exits 1 when any is damaged.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "json_print.h"

/* ---- printing --------------------------------------------------------- */

enum { COL_ID, COL_NAME, COL_SIZE, COL_ALLOCATOR, COL_POLICY, COL_OWNER,
       COL_FLAGS, NCOLS };

static const char *policy_of(const struct kalloc_buffer_info *b)
{
	const char *name = kalloc_policy_name_of(b->policy);

	if (b->policy_name[0])
		return b->policy_name;
	return name ? name : "-";
}

/* The FLAGS column: "socket", "corrupt", both, or "-". */
static const char *flag_words(const struct kalloc_buffer_info *b, char *buf,
			      size_t len)
{
	bool sock = b->flags & KALLOC_BUFFER_F_SOCKET;

	snprintf(buf, len, "%s%s%s", sock ? "socket" : "",
		 sock && b->guards ? "," : "", b->guards ? "corrupt" : "");
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static void fit_row(struct ctl_col *c, const struct kalloc_buffer_info *b)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu32, b->id);
	ctl_col_fit(&c[COL_ID], buf);
	ctl_col_fit(&c[COL_NAME], b->name);
	ctl_col_fit(&c[COL_SIZE], size_text(b->size, buf, sizeof(buf)));
	ctl_col_fit(&c[COL_ALLOCATOR], b->allocator);
	ctl_col_fit(&c[COL_POLICY], policy_of(b));
	ctl_col_fit(&c[COL_OWNER], b->owner[0] ? b->owner : "-");
}

/* "damaged": ["head", "tail"], JSON only. */
static void print_damaged(uint32_t guards)
{
	open_json_array("damaged");
	if (guards & KALLOC_GUARD_HEAD)
		print_string(PRINT_JSON, NULL, NULL, "head");
	if (guards & KALLOC_GUARD_TAIL)
		print_string(PRINT_JSON, NULL, NULL, "tail");
	close_json_array();
}

/* One buffer: a table row in text (c gives the widths), an object in JSON. */
static void print_buffer(const struct kalloc_buffer_info *b,
			 const struct ctl_col *c, bool damaged)
{
	bool sock = b->flags & KALLOC_BUFFER_F_SOCKET;
	char fmt[16], buf[32];

	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", ctl_col_fmt(&c[COL_ID], "u", false, fmt,
						 sizeof(fmt)), b->id);
	print_string(PRINT_ANY, "name", ctl_col_fmt(&c[COL_NAME], "s", false,
						     fmt, sizeof(fmt)), b->name);
	print_u64(PRINT_JSON, "size", NULL, b->size);
	print_size(PRINT_FP, NULL, ctl_col_fmt(&c[COL_SIZE], "s", false, fmt,
					       sizeof(fmt)), b->size);
	print_string(PRINT_ANY, "allocator",
		     ctl_col_fmt(&c[COL_ALLOCATOR], "s", false, fmt, sizeof(fmt)),
		     b->allocator);
	print_string(PRINT_ANY, "policy",
		     ctl_col_fmt(&c[COL_POLICY], "s", false, fmt, sizeof(fmt)),
		     policy_of(b));
	print_uint(PRINT_JSON, "policy_id", NULL, b->policy);
	print_string(PRINT_FP, NULL,
		     ctl_col_fmt(&c[COL_OWNER], "s", false, fmt, sizeof(fmt)),
		     b->owner[0] ? b->owner : "-");
	if (b->owner[0])
		print_string(PRINT_JSON, "owner", NULL, b->owner);
	print_uint(PRINT_JSON, "flags", NULL, b->flags);
	print_bool(PRINT_JSON, "socket", NULL, sock);
	if (sock)
		print_uint(PRINT_JSON, "portid", NULL, b->portid);
	print_uint(PRINT_JSON, "guards", NULL, b->guards);
	print_bool(PRINT_JSON, "corrupt", NULL, b->guards != 0);
	if (damaged)
		print_damaged(b->guards);
	print_string(PRINT_FP, NULL, "%s", flag_words(b, buf, sizeof(buf)));
	close_json_object();
	print_nl();
}

static void init_cols(struct ctl_col *c)
{
	static const char *const heads[NCOLS] = {
		"ID", "NAME", "SIZE", "ALLOCATOR", "POLICY", "OWNER", "FLAGS",
	};
	size_t i;

	for (i = 0; i < NCOLS; i++)
		c[i].head = heads[i];
	ctl_cols_init(c, NCOLS);
}

/* The text header and rows, or a JSON array. */
static void print_buffers(const struct kalloc_buffer_info *b, size_t n)
{
	struct ctl_col c[NCOLS];
	size_t i;

	init_cols(c);
	for (i = 0; i < n; i++)
		fit_row(c, &b[i]);
	ctl_cols_header(c, NCOLS);
	open_json_array(NULL);
	for (i = 0; i < n; i++)
		print_buffer(&b[i], c, false);
	close_json_array();
}

/*
 * One buffer in JSON (alloc -j, show -j, set -j): an array of one, as
 * "ip -j addr show dev lo" is, so a script reads every buffer command's
 * output the same way.
 */
static void print_buffer_json(const struct kalloc_buffer_info *b)
{
	struct ctl_col c[NCOLS];

	init_cols(c);
	open_json_array(NULL);
	print_buffer(b, c, false);
	close_json_array();
}

/* ---- alloc ------------------------------------------------------------ */

int ctl_alloc_parse(int argc, char **argv, struct ctl_alloc_args *a)
{
	struct ctl_kw kws[] = {
		{ .word = "policy", .takes_value = true },
		{ .word = "owner", .takes_value = true },
		{ .word = "hold" },
	};
	int ret;

	memset(a, 0, sizeof(*a));
	if (argc < 3)
		return ctl_usage(CTL_ALLOC_ARGS);
	ret = ctl_parse_keywords(argc - 3, argv + 3, kws, ARRAY_SIZE(kws),
				 CTL_ALLOC_ARGS);
	if (ret)
		return ret;
	a->name = argv[1];
	ret = ctl_parse_size("size", argv[2], &a->size);
	if (!ret && kws[0].seen) {
		a->has_policy = true;
		ret = ctl_parse_policy(kws[0].value, &a->policy);
	}
	a->owner = kws[1].seen ? kws[1].value : CTL_DEFAULT_OWNER;
	a->hold = kws[2].seen;
	return ret;
}

/*
 * A shell starts background commands with SIGINT ignored; "alloc ... hold
 * &" must still end on it, so both signals get their default back before
 * they are blocked for sigwait().
 */
static void block_stop_signals(sigset_t *set)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/*
 * Keeps the socket, and so the buffer, until SIGINT or SIGTERM. The
 * signals were blocked before the buffer existed, so one that came early
 * ends the wait at once instead of killing us between create and wait.
 */
static int hold(const sigset_t *set)
{
	int sig;

	delete_json_obj();	/* the JSON so far, whole, before we wait */
	return sigwait(set, &sig) ? EXIT_FAILED : EXIT_OK;
}

static int do_alloc(int argc, char **argv)
{
	struct kalloc_buffer_spec spec = { .name = NULL };
	struct ctl_alloc_args a;
	struct kalloc_buffer_info b;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	sigset_t set;
	int ret;

	ret = ctl_alloc_parse(argc, argv, &a);
	if (ret)
		return ret;
	/* It would wait for a signal in the middle of the batch. */
	if (a.hold && ctl_in_batch()) {
		ctl_error("hold cannot be used in a batch");
		return EXIT_USAGE;
	}
	spec.name = a.name;
	spec.size = a.size;
	spec.policy = a.has_policy ? &a.policy : NULL;
	spec.owner = a.owner;
	spec.flags = a.hold ? KALLOC_BUFFER_F_SOCKET : 0;
	if (a.hold)
		block_stop_signals(&set);
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	if (kalloc_buffer_new(nl, &spec, &b, &err)) {
		ret = ctl_failed(&err);
		goto close_nl;
	}
	if (is_json_context())
		print_buffer_json(&b);
	if (a.hold)
		ret = hold(&set);
close_nl:
	ctl_close(nl);
	return ret;
}

/* ---- free, list, show ------------------------------------------------- */

static int do_free(int argc, char **argv)
{
	struct kalloc_nl *nl;
	struct kalloc_err err;
	int ret;

	if (argc != 2)
		return ctl_usage("NAME");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_del(nl, argv[1], 0, &err);
	ctl_close(nl);
	return ret ? ctl_failed(&err) : EXIT_OK;
}

static int do_list(int argc, char **argv)
{
	struct kalloc_buffer_info *bufs = NULL;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	size_t n = 0;
	int ret;

	(void)argv;
	if (argc != 1)
		return ctl_usage("");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_list(nl, &bufs, &n, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	print_buffers(bufs, n);
	free(bufs);
	return EXIT_OK;
}

static int do_show(int argc, char **argv)
{
	struct kalloc_buffer_info b;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	int ret;

	if (argc != 2)
		return ctl_usage("NAME");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_get(nl, argv[1], 0, &b, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	if (is_json_context())
		print_buffer_json(&b);
	else
		print_buffers(&b, 1);
	return EXIT_OK;
}

/* ---- set -------------------------------------------------------------- */

int ctl_set_parse(int argc, char **argv, struct ctl_set_args *a)
{
	struct ctl_kw kws[] = {
		{ .word = "size", .takes_value = true },
		{ .word = "policy", .takes_value = true },
	};
	int ret;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return ctl_usage(CTL_SET_ARGS);
	ret = ctl_parse_keywords(argc - 2, argv + 2, kws, ARRAY_SIZE(kws),
				 CTL_SET_ARGS);
	if (ret)
		return ret;
	if (!kws[0].seen && !kws[1].seen)
		return ctl_usage(CTL_SET_ARGS);
	a->name = argv[1];
	a->has_size = kws[0].seen;
	if (a->has_size)
		ret = ctl_parse_size("size", kws[0].value, &a->size);
	a->has_policy = kws[1].seen;
	if (!ret && a->has_policy)
		ret = ctl_parse_policy(kws[1].value, &a->policy);
	return ret;
}

/* A new size or policy in place (BUFFER_SET); prints the buffer after. */
static int do_set(int argc, char **argv)
{
	struct kalloc_buffer_info b;
	struct ctl_set_args a;
	struct kalloc_nl *nl;
	struct kalloc_err err;
	int ret;

	ret = ctl_set_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_set(nl, a.name, 0, a.has_size ? &a.size : NULL,
				a.has_policy ? &a.policy : NULL, &b, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	if (is_json_context())
		print_buffer_json(&b);
	else
		print_buffers(&b, 1);
	return EXIT_OK;
}

/* ---- read ------------------------------------------------------------- */

int ctl_read_parse(int argc, char **argv, struct ctl_read_args *a)
{
	struct ctl_kw kws[] = {
		{ .word = "offset", .takes_value = true },
		{ .word = "length", .takes_value = true },
		{ .word = "hex" },
	};
	int ret;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return ctl_usage(CTL_READ_ARGS);
	ret = ctl_parse_keywords(argc - 2, argv + 2, kws, ARRAY_SIZE(kws),
				 CTL_READ_ARGS);
	if (ret)
		return ret;
	a->name = argv[1];
	if (kws[0].seen)
		ret = ctl_parse_size("offset", kws[0].value, &a->offset);
	if (!ret && kws[1].seen) {
		a->has_length = true;
		ret = ctl_parse_size("length", kws[1].value, &a->length);
	}
	a->hex = kws[2].seen;
	return ret;
}

const char *ctl_hexdump_line(uint64_t offset, const unsigned char *p,
			     size_t n, char *out)
{
	size_t i, o;

	o = (size_t)sprintf(out, "%08" PRIx64 " ", offset);
	for (i = 0; i < 16; i++) {
		if (i == 8)
			out[o++] = ' ';
		if (i < n)
			o += (size_t)sprintf(out + o, " %02x", p[i]);
		else
			o += (size_t)sprintf(out + o, "   ");
	}
	o += (size_t)sprintf(out + o, "  |");
	for (i = 0; i < n && i < 16; i++)
		out[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	sprintf(out + o, "|");
	return out;
}

/* Where the bytes of a read go: raw, hexdump, or a JSON hex string. */
struct read_out {
	bool hex;
	char *json;		/* JSON: the hex digits so far */
	size_t json_len;
};

static int sink_raw(const void *data, size_t len)
{
	return fwrite(data, 1, len, stdout) == len ? 0 : -EIO;
}

static int sink_hexdump(uint64_t offset, const unsigned char *p, size_t len)
{
	char line[CTL_HEXDUMP_LINE];
	size_t i, n;

	for (i = 0; i < len; i += 16) {
		n = len - i < 16 ? len - i : 16;
		if (puts(ctl_hexdump_line(offset + i, p + i, n, line)) < 0)
			return -EIO;
	}
	return 0;
}

static int sink_json(struct read_out *o, const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = realloc(o->json, o->json_len + 2 * len + 1);
	size_t i;

	if (!s)
		return -ENOMEM;
	o->json = s;
	for (i = 0; i < len; i++) {
		s[o->json_len++] = digits[p[i] >> 4];
		s[o->json_len++] = digits[p[i] & 0xf];
	}
	s[o->json_len] = '\0';
	return 0;
}

static int read_sink(void *ctx, uint64_t offset, const void *data, size_t len)
{
	struct read_out *o = ctx;

	if (is_json_context())
		return sink_json(o, data, len);
	if (o->hex)
		return sink_hexdump(offset, data, len);
	return sink_raw(data, len);
}

/*
 * A read the kernel must judge alone: length 0, or (without a length) an
 * offset at or past the end. One request, as asked, for its refusal.
 */
static int read_as_asked(struct kalloc_nl *nl, const struct ctl_read_args *a,
			 struct read_out *o, struct kalloc_err *err)
{
	uint32_t len = (uint32_t)a->length;
	unsigned char buf[64];
	size_t got = 0;
	int ret;

	ret = kalloc_buffer_read(nl, a->name, a->offset,
				 a->has_length ? &len : NULL, buf, sizeof(buf),
				 &got, err);
	if (!ret)
		ret = read_sink(o, a->offset, buf, got);
	return ret;
}

static int read_contents(struct kalloc_nl *nl, const struct ctl_read_args *a,
			 struct read_out *o, struct kalloc_err *err)
{
	struct kalloc_buffer_info b;
	uint64_t len, done;
	int ret;

	ret = kalloc_buffer_get(nl, a->name, 0, &b, err);
	if (ret)
		return ret;
	if (a->has_length && !a->length)
		return read_as_asked(nl, a, o, err);
	if (!a->has_length && a->offset >= b.size)
		return read_as_asked(nl, a, o, err);
	len = a->has_length ? a->length : b.size - a->offset;
	return kalloc_buffer_read_range(nl, a->name, b.size, a->offset, len,
					read_sink, o, &done, err);
}

static void print_read_json(const struct ctl_read_args *a,
			    const struct read_out *o)
{
	open_json_object(NULL);
	print_string(PRINT_JSON, "name", NULL, a->name);
	print_u64(PRINT_JSON, "offset", NULL, a->offset);
	print_u64(PRINT_JSON, "length", NULL, o->json_len / 2);
	print_string(PRINT_JSON, "hex", NULL, o->json ? o->json : "");
	close_json_object();
}

static int do_read(int argc, char **argv)
{
	struct read_out o = { .hex = false };
	struct ctl_read_args a;
	struct kalloc_err err = { 0 };
	struct kalloc_nl *nl;
	int ret;

	ret = ctl_read_parse(argc, argv, &a);
	if (ret)
		return ret;
	o.hex = a.hex;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = read_contents(nl, &a, &o, &err);
	ctl_close(nl);
	if (ret && err.msg[0]) {
		ret = ctl_failed(&err);
	} else if (ret) {
		/* Not the kernel: the sink failed. */
		ctl_error("cannot write the output: %s", strerror(-ret));
		ret = EXIT_FAILED;
	} else if (is_json_context()) {
		print_read_json(&a, &o);
	}
	free(o.json);
	return ret;
}

/* ---- write ------------------------------------------------------------ */

int ctl_write_parse(int argc, char **argv, struct ctl_write_args *a)
{
	struct ctl_kw kws[] = {
		{ .word = "offset", .takes_value = true },
		{ .word = "data", .takes_value = true },
		{ .word = "file", .takes_value = true },
		{ .word = "-" },
	};
	int ret, sources;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return ctl_usage(CTL_WRITE_ARGS);
	ret = ctl_parse_keywords(argc - 2, argv + 2, kws, ARRAY_SIZE(kws),
				 CTL_WRITE_ARGS);
	if (ret)
		return ret;
	sources = kws[1].seen + kws[2].seen + kws[3].seen;
	if (sources != 1)
		return ctl_usage_because(CTL_WRITE_ARGS,
					 "give exactly one of data, file and -");
	a->name = argv[1];
	if (kws[1].seen) {
		a->src = CTL_SRC_DATA;
		a->value = kws[1].value;
	} else if (kws[2].seen) {
		a->src = CTL_SRC_FILE;
		a->value = kws[2].value;
	} else {
		a->src = CTL_SRC_STDIN;
	}
	if (kws[0].seen)
		ret = ctl_parse_size("offset", kws[0].value, &a->offset);
	return ret;
}

/*
 * Reads fd to its end, or until it gave more than max bytes: what a
 * buffer cannot hold is refused by the kernel whatever its length, so
 * there is no point in reading further.
 */
static int slurp_fd(int fd, uint64_t max, unsigned char **bufp, size_t *lenp)
{
	unsigned char *buf = NULL, *p;
	size_t len = 0, cap = 0;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : KALLOC_IO_MAX;
			p = realloc(buf, cap);
			if (!p)
				goto fail_errno;
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_errno;
		if (n == 0 || (len += (size_t)n) > max)
			break;
	}
	*bufp = buf;
	*lenp = len;
	return 0;

fail_errno:
	free(buf);
	return -errno;
}

/* The bytes to write, at most room + 1 of them; *owned says free() them. */
static int load_input(const struct ctl_write_args *a, uint64_t room,
		      const unsigned char **data, size_t *len,
		      unsigned char **owned)
{
	int fd = STDIN_FILENO, ret;

	*owned = NULL;
	if (a->src == CTL_SRC_DATA) {
		*data = (const unsigned char *)a->value;
		*len = strlen(a->value);
		return 0;
	}
	if (a->src == CTL_SRC_FILE) {
		fd = open(a->value, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	ret = slurp_fd(fd, room, owned, len);
	if (a->src == CTL_SRC_FILE)
		close(fd);
	*data = *owned;
	return ret;
}

static int write_contents(struct kalloc_nl *nl, const struct ctl_write_args *a,
			  uint64_t *done, struct kalloc_err *err)
{
	const unsigned char *data = NULL;
	struct kalloc_buffer_info b;
	unsigned char *owned;
	uint64_t room;
	size_t len = 0;
	int ret;

	ret = kalloc_buffer_get(nl, a->name, 0, &b, err);
	if (ret)
		return ret;
	room = b.size > a->offset ? b.size - a->offset : 0;
	ret = load_input(a, room, &data, &len, &owned);
	if (ret) {
		kalloc_set_err(err, ret, "cannot read %s: %s",
			       a->src == CTL_SRC_FILE ? a->value : "standard input",
			       strerror(-ret));
		return ret;
	}
	/* Empty data: one request, for the kernel's own refusal. */
	if (!len)
		ret = kalloc_buffer_write(nl, a->name, a->offset, "", 0, err);
	else
		ret = kalloc_buffer_write_range(nl, a->name, b.size, a->offset,
						data, len, done, err);
	free(owned);
	return ret;
}

static int do_write(int argc, char **argv)
{
	struct kalloc_err err = { 0 };
	struct ctl_write_args a;
	struct kalloc_nl *nl;
	uint64_t done = 0;
	int ret;

	ret = ctl_write_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = write_contents(nl, &a, &done, &err);
	ctl_close(nl);
	if (ret && done)
		ctl_error("%s (after %" PRIu64 " bytes written)", err.msg, done);
	else if (ret)
		ctl_error("%s", err.msg);
	if (ret)
		return EXIT_FAILED;
	open_json_object(NULL);
	print_string(PRINT_JSON, "name", NULL, a.name);
	print_u64(PRINT_JSON, "offset", NULL, a.offset);
	print_u64(PRINT_JSON, "length", NULL, done);
	close_json_object();
	return EXIT_OK;
}

/* ---- check ------------------------------------------------------------ */

static size_t count_damaged(const struct kalloc_buffer_info *b, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += b[i].guards != 0;
	return bad;
}

static const char *damage_words(uint32_t guards)
{
	if ((guards & KALLOC_GUARD_HEAD) && (guards & KALLOC_GUARD_TAIL))
		return "head and tail guards damaged";
	if (guards & KALLOC_GUARD_HEAD)
		return "head guard damaged";
	if (guards & KALLOC_GUARD_TAIL)
		return "tail guard damaged";
	return "guards intact";
}

/* Text: a line per damaged buffer, or one saying all is well. JSON: all. */
static void print_check(const struct kalloc_buffer_info *b, size_t n,
			const char *name)
{
	struct ctl_col c[NCOLS];
	size_t i;

	init_cols(c);
	open_json_array(NULL);
	for (i = 0; i < n; i++) {
		if (is_json_context())
			print_buffer(&b[i], c, true);
		else if (b[i].guards)
			printf("%s: %s (policy %s)\n", b[i].name,
			       damage_words(b[i].guards), policy_of(&b[i]));
	}
	close_json_array();
	if (is_json_context() || count_damaged(b, n))
		return;
	if (name)
		printf("%s: guards intact\n", name);
	else
		printf("%zu buffer%s checked, all guards intact\n", n,
		       n == 1 ? "" : "s");
}

static int check_buffers(struct kalloc_nl *nl, const char *name,
			 struct kalloc_buffer_info **b, size_t *n,
			 struct kalloc_err *err)
{
	if (!name)
		return kalloc_buffer_check_all(nl, b, n, err);
	*b = malloc(sizeof(**b));
	if (!*b)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	*n = 1;
	return kalloc_buffer_check(nl, name, 0, *b, err);
}

static int do_check(int argc, char **argv)
{
	struct kalloc_buffer_info *b = NULL;
	const char *name = argc == 2 ? argv[1] : NULL;
	struct kalloc_err err = { 0 };
	struct kalloc_nl *nl;
	size_t n = 0, bad;
	int ret;

	if (argc > 2)
		return ctl_usage("[NAME]");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = check_buffers(nl, name, &b, &n, &err);
	ctl_close(nl);
	if (ret) {
		free(b);
		return ctl_failed(&err);
	}
	print_check(b, n, name);
	bad = count_damaged(b, n);
	free(b);
	if (!bad)
		return EXIT_OK;
	if (name)
		ctl_error("buffer %s is corrupt", name);
	else
		ctl_error("%zu of %zu buffers are corrupt", bad, n);
	return EXIT_FAILED;
}

/* ---- flush ------------------------------------------------------------ */

int ctl_flush_parse(int argc, char **argv, const char **owner)
{
	if (argc != 3 || strcmp(argv[1], "owner"))
		return ctl_usage(CTL_FLUSH_ARGS);
	*owner = argv[2];
	return EXIT_OK;
}

static int do_flush(int argc, char **argv)
{
	struct kalloc_err err;
	struct kalloc_nl *nl;
	const char *owner = NULL;
	uint32_t count = 0;
	int ret;

	ret = ctl_flush_parse(argc, argv, &owner);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_buffer_flush(nl, owner, &count, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	open_json_object(NULL);
	print_string(PRINT_JSON, "owner", NULL, owner);
	print_uint(PRINT_ANY, "count", "flushed %u buffer", count);
	print_string(PRINT_FP, NULL, "%s", count == 1 ? "" : "s");
	print_string(PRINT_FP, NULL, " with owner %s", owner);
	close_json_object();
	print_nl();
	return EXIT_OK;
}

/* ---- the object ------------------------------------------------------- */

static int do_help(int argc, char **argv)
{
	(void)argv;
	return ctl_help_verb(&ctl_buffer, argc);
}

static const struct ctl_verb verbs[] = {
	{ "alloc", do_alloc, CTL_ALLOC_ARGS,
	  "create buffer NAME of SIZE bytes; hold: until SIGINT/SIGTERM" },
	{ "free", do_free, "NAME", "free buffer NAME" },
	{ "list", do_list, "", "list every buffer" },
	{ "show", do_show, "NAME", "show buffer NAME" },
	{ "set", do_set, CTL_SET_ARGS,
	  "resize NAME or move it to policy P, keeping its contents" },
	{ "read", do_read, CTL_READ_ARGS, "print the contents of NAME" },
	{ "write", do_write, CTL_WRITE_ARGS, "write into NAME" },
	{ "check", do_check, "[NAME]", "check the guards of NAME, or of all" },
	{ "flush", do_flush, CTL_FLUSH_ARGS, "free every buffer tagged TAG" },
	{ "help", do_help, "", "show this help" },
};

const struct ctl_object ctl_buffer = {
	.name = "buffer",
	.description = "Named kernel buffers, each served by an allocator policy",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.default_verb = "list",
	.default_takes_args = false,
	.notes =
		"SIZE, offsets and lengths are bytes, or a number with a K, M, G or T\n"
		"suffix (powers of 1024). P is a policy name or number (see\n"
		"\"kallocctl policy\"). alloc tags the buffer with owner \"user\" unless\n"
		"owner TAG is given. read prints raw bytes, or a hexdump with hex;\n"
		"write takes the bytes of STRING, of file PATH, or of standard input.\n"
		"Every verb is also a command: \"kallocctl alloc\" is \"kallocctl buffer alloc\".\n",
};
