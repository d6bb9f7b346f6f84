// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vdev.c - "kallocctl vdev": the virtual devices /dev/kalloc/NAME
 * (kalloc-vdev(4)): create, describe, configure and delete them, raise and
 * acknowledge interrupts, and run DMA transfers to kalloc buffers.
 *
 *   kallocctl vdev add NAME [size N] [timer PERIOD] [owner TAG]
 *   kallocctl vdev del NAME
 *   kallocctl vdev [show [NAME]]
 *   kallocctl vdev set NAME SETTING...
 *   kallocctl vdev irq NAME
 *   kallocctl vdev ack NAME
 *   kallocctl vdev dma NAME (to-device|from-device) BUFFER [offset N]
 *                  [device-offset N] [length N] [nowait]
 *
 * Everything goes over netlink but "ack": acknowledging is the driver's
 * act, so it is the ACK_IRQ ioctl on the device file. JSON gives numbers
 * in base units (bytes, nanoseconds) and the registers both as numbers
 * and as words.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "buffer.h"
#include "json_print.h"
#include "vdev.h"

/* ---- words --------------------------------------------------------------- */

struct bit_word {
	uint32_t bit;
	const char *word;
};

static const struct bit_word status_words[] = {
	{ KALLOC_VDEV_STATUS_READY, "ready" },
	{ KALLOC_VDEV_STATUS_BUSY, "busy" },
	{ KALLOC_VDEV_STATUS_IRQ_PENDING, "irq-pending" },
	{ KALLOC_VDEV_STATUS_DMA_ERROR, "dma-error" },
};

static const struct bit_word control_words[] = {
	{ KALLOC_VDEV_CONTROL_ENABLE, "enable" },
	{ KALLOC_VDEV_CONTROL_IRQ_ENABLE, "irq-enable" },
	{ KALLOC_VDEV_CONTROL_TIMER_ENABLE, "timer" },
};

static const char *words(const struct bit_word *w, size_t n, uint32_t bits,
			 char *buf, size_t len)
{
	size_t i, used = 0;

	snprintf(buf, len, "-");
	for (i = 0; i < n; i++)
		if (bits & w[i].bit)
			used += snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", used ? "," : "", w[i].word);
	return buf;
}

const char *ctl_vdev_status_words(uint32_t status, char *buf, size_t len)
{
	return words(status_words, ARRAY_SIZE(status_words), status, buf, len);
}

const char *ctl_vdev_control_words(uint32_t control, char *buf, size_t len)
{
	return words(control_words, ARRAY_SIZE(control_words), control, buf,
		     len);
}

static const char *direction_word(uint32_t dir)
{
	return dir == KALLOC_VDEV_DMA_TO_DEVICE ? "to-device" :
	       dir == KALLOC_VDEV_DMA_FROM_DEVICE ? "from-device" : "-";
}

/* "1ms", "100us", "1.5s" is not taken: periods are whole units. */
const char *ctl_vdev_period_text(uint64_t ns, char *buf, size_t len)
{
	if (ns && ns % 1000000000 == 0)
		snprintf(buf, len, "%" PRIu64 "s", ns / 1000000000);
	else if (ns && ns % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
	else if (ns && ns % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	return buf;
}

/* ---- arguments ----------------------------------------------------------- */

int ctl_parse_period(const char *s, uint64_t *ns)
{
	int ret = kalloc_parse_duration_ns(s, ns);

	if (!ret)
		return EXIT_OK;
	if (ret == -ERANGE)
		ctl_error("invalid period \"%s\": too long", s);
	else
		ctl_error("invalid period \"%s\": expected a duration such as 100us, 1ms or 1.5s",
			  s);
	return EXIT_USAGE;
}

static int parse_u32_size(const char *what, const char *s, uint32_t *out)
{
	uint64_t v;

	if (ctl_parse_size(what, s, &v))
		return EXIT_USAGE;
	if (v > UINT32_MAX) {
		ctl_error("invalid %s \"%s\": too large", what, s);
		return EXIT_USAGE;
	}
	*out = (uint32_t)v;
	return EXIT_OK;
}

int ctl_vdev_add_parse(int argc, char **argv, struct kalloc_vdev_spec *spec)
{
	struct ctl_kw kws[] = {
		{ .word = "size", .takes_value = true },
		{ .word = "timer", .takes_value = true },
		{ .word = "owner", .takes_value = true },
	};
	int ret;

	memset(spec, 0, sizeof(*spec));
	if (argc < 2)
		return ctl_usage(CTL_VDEV_ADD_ARGS);
	ret = ctl_parse_keywords(argc - 2, argv + 2, kws, ARRAY_SIZE(kws),
				 CTL_VDEV_ADD_ARGS);
	if (ret)
		return ret;
	spec->name = argv[1];
	if (kws[0].seen)
		ret = parse_u32_size("size", kws[0].value, &spec->size);
	if (!ret && kws[0].seen && !spec->size) {
		ctl_error("invalid size \"%s\": a window has at least 1 byte",
			  kws[0].value);
		ret = EXIT_USAGE;
	}
	if (!ret && kws[1].seen)
		ret = ctl_parse_period(kws[1].value, &spec->timer_ns);
	spec->owner = kws[2].seen ? kws[2].value : CTL_DEFAULT_OWNER;
	return ret;
}

static void set_bit(struct kalloc_vdev_settings *s, uint32_t bit, bool on)
{
	s->has_control = true;
	s->mask |= bit;
	if (on)
		s->control |= bit;
	else
		s->control &= ~bit;
}

/* One setting at argv[*i]; moves *i past it. */
static int parse_setting(int argc, char **argv, int *i,
			 struct kalloc_vdev_settings *s)
{
	const char *w = argv[*i];

	if (!strcmp(w, "enable") || !strcmp(w, "disable"))
		set_bit(s, KALLOC_VDEV_CONTROL_ENABLE, w[0] == 'e');
	else if (!strcmp(w, "irq-enable") || !strcmp(w, "irq-disable"))
		set_bit(s, KALLOC_VDEV_CONTROL_IRQ_ENABLE, w[4] == 'e');
	else if (!strcmp(w, "reset"))
		set_bit(s, KALLOC_VDEV_CONTROL_RESET, true);
	else if (strcmp(w, "timer"))
		return ctl_usage_because(CTL_VDEV_SET_ARGS,
					 "unknown setting \"%s\"", w);
	else if (++*i >= argc)
		return ctl_usage_because(CTL_VDEV_SET_ARGS,
					 "\"timer\" needs a period or \"off\"");
	else if (!strcmp(argv[*i], "off"))
		set_bit(s, KALLOC_VDEV_CONTROL_TIMER_ENABLE, false);
	else if (ctl_parse_period(argv[*i], &s->timer_ns))
		return EXIT_USAGE;
	else
		set_bit(s, KALLOC_VDEV_CONTROL_TIMER_ENABLE, true);
	++*i;
	return EXIT_OK;
}

int ctl_vdev_set_parse(int argc, char **argv, struct ctl_vdev_set_args *a)
{
	int i = 2, ret;

	memset(a, 0, sizeof(*a));
	if (argc < 3)
		return ctl_usage(CTL_VDEV_SET_ARGS);
	a->name = argv[1];
	while (i < argc) {
		ret = parse_setting(argc, argv, &i, &a->s);
		if (ret)
			return ret;
	}
	return EXIT_OK;
}

int ctl_vdev_dma_parse(int argc, char **argv, struct kalloc_vdev_dma_spec *d)
{
	struct ctl_kw kws[] = {
		{ .word = "offset", .takes_value = true },
		{ .word = "device-offset", .takes_value = true },
		{ .word = "length", .takes_value = true },
		{ .word = "nowait" },
	};
	int ret;

	memset(d, 0, sizeof(*d));
	if (argc < 4)
		return ctl_usage(CTL_VDEV_DMA_ARGS);
	if (!strcmp(argv[2], "to-device"))
		d->direction = KALLOC_VDEV_DMA_TO_DEVICE;
	else if (!strcmp(argv[2], "from-device"))
		d->direction = KALLOC_VDEV_DMA_FROM_DEVICE;
	else
		return ctl_usage_because(CTL_VDEV_DMA_ARGS,
					 "unknown direction \"%s\"", argv[2]);
	ret = ctl_parse_keywords(argc - 4, argv + 4, kws, ARRAY_SIZE(kws),
				 CTL_VDEV_DMA_ARGS);
	if (ret)
		return ret;
	d->device = argv[1];
	d->buffer = argv[3];
	if (kws[0].seen)
		ret = ctl_parse_size("offset", kws[0].value, &d->offset);
	if (!ret && kws[1].seen)
		ret = parse_u32_size("device offset", kws[1].value,
				     &d->dev_offset);
	if (!ret && kws[2].seen)
		ret = parse_u32_size("length", kws[2].value, &d->length);
	if (!ret && kws[2].seen && !d->length) {
		ctl_error("invalid length \"%s\": leave it out to move as much as fits",
			  kws[2].value);
		ret = EXIT_USAGE;
	}
	d->wait = !kws[3].seen;
	return ret;
}

/* ---- show ---------------------------------------------------------------- */

enum { COL_NAME, COL_MINOR, COL_WINDOW, COL_STATUS, COL_CONTROL, COL_TIMER,
       COL_IRQS, COL_DMA, COL_FILES, COL_OWNER, NCOLS };

struct vdev_cells {
	char minor[16], window[24], status[64], control[64], timer[24];
	char irqs[24], dma[48], files[16];
};

static void cells_of(const struct kalloc_vdev_info *v, struct vdev_cells *c)
{
	snprintf(c->minor, sizeof(c->minor), "%" PRIu32, v->minor);
	size_text(v->size, c->window, sizeof(c->window));
	ctl_vdev_status_words(v->status, c->status, sizeof(c->status));
	ctl_vdev_control_words(v->control, c->control, sizeof(c->control));
	if (v->control & KALLOC_VDEV_CONTROL_TIMER_ENABLE)
		ctl_vdev_period_text(v->timer_ns, c->timer, sizeof(c->timer));
	else
		snprintf(c->timer, sizeof(c->timer), "-");
	snprintf(c->irqs, sizeof(c->irqs), "%" PRIu64, v->irq_count);
	snprintf(c->dma, sizeof(c->dma), "%" PRIu64 "/%" PRIu64,
		 v->dma_completed, v->dma_failed);
	snprintf(c->files, sizeof(c->files), "%" PRIu32, v->open_files);
}

static void fit_row(struct ctl_col *col, const struct kalloc_vdev_info *v)
{
	struct vdev_cells c;

	cells_of(v, &c);
	ctl_col_fit(&col[COL_NAME], v->name);
	ctl_col_fit(&col[COL_MINOR], c.minor);
	ctl_col_fit(&col[COL_WINDOW], c.window);
	ctl_col_fit(&col[COL_STATUS], c.status);
	ctl_col_fit(&col[COL_CONTROL], c.control);
	ctl_col_fit(&col[COL_TIMER], c.timer);
	ctl_col_fit(&col[COL_IRQS], c.irqs);
	ctl_col_fit(&col[COL_DMA], c.dma);
	ctl_col_fit(&col[COL_FILES], c.files);
}

static void print_last_dma(const struct kalloc_vdev_info *v)
{
	if (!v->dma_seq)
		return;
	open_json_object("last_dma");
	print_u64(PRINT_JSON, "seq", NULL, v->dma_seq);
	print_string(PRINT_JSON, "direction", NULL,
		     direction_word(v->dma_direction));
	print_uint(PRINT_JSON, "buffer_id", NULL, v->dma_buffer);
	print_u64(PRINT_JSON, "offset", NULL, v->dma_offset);
	print_uint(PRINT_JSON, "device_offset", NULL, v->dma_dev_offset);
	print_uint(PRINT_JSON, "length", NULL, v->dma_length);
	print_uint(PRINT_JSON, "bytes", NULL, v->dma_bytes);
	print_uint(PRINT_JSON, "error", NULL, v->dma_error);
	close_json_object();
}

/* JSON: every field, in bytes and nanoseconds; text: the row's cells. */
static void print_json_fields(const struct kalloc_vdev_info *v,
			      const struct vdev_cells *c)
{
	print_uint(PRINT_JSON, "id", NULL, v->id);
	print_uint(PRINT_JSON, "minor", NULL, v->minor);
	print_uint(PRINT_JSON, "window_bytes", NULL, v->size);
	print_uint(PRINT_JSON, "status", NULL, v->status);
	print_string(PRINT_JSON, "status_flags", NULL, c->status);
	print_uint(PRINT_JSON, "control", NULL, v->control);
	print_string(PRINT_JSON, "control_flags", NULL, c->control);
	print_u64(PRINT_JSON, "timer_ns", NULL, v->timer_ns);
	print_u64(PRINT_JSON, "irq_count", NULL, v->irq_count);
	print_u64(PRINT_JSON, "irq_unacked", NULL, v->irq_unacked);
	print_u64(PRINT_JSON, "dma_completed", NULL, v->dma_completed);
	print_u64(PRINT_JSON, "dma_failed", NULL, v->dma_failed);
	print_uint(PRINT_JSON, "open_files", NULL, v->open_files);
	print_string(PRINT_JSON, "owner", NULL, v->owner);
	print_last_dma(v);
}

static void print_vdev(const struct kalloc_vdev_info *v,
		       const struct ctl_col *col)
{
	static const int order[] = { COL_MINOR, COL_WINDOW, COL_STATUS,
				     COL_CONTROL, COL_TIMER, COL_IRQS,
				     COL_DMA, COL_FILES };
	struct vdev_cells c;
	const char *cell[NCOLS];
	char fmt[16];
	size_t i;

	cells_of(v, &c);
	cell[COL_MINOR] = c.minor;
	cell[COL_WINDOW] = c.window;
	cell[COL_STATUS] = c.status;
	cell[COL_CONTROL] = c.control;
	cell[COL_TIMER] = c.timer;
	cell[COL_IRQS] = c.irqs;
	cell[COL_DMA] = c.dma;
	cell[COL_FILES] = c.files;
	open_json_object(NULL);
	print_string(PRINT_ANY, "name",
		     ctl_col_fmt(&col[COL_NAME], "s", false, fmt, sizeof(fmt)),
		     v->name);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		print_string(PRINT_FP, NULL,
			     ctl_col_fmt(&col[order[i]], "s", false, fmt,
					 sizeof(fmt)), cell[order[i]]);
	print_string(PRINT_FP, NULL, "%s", v->owner[0] ? v->owner : "-");
	print_json_fields(v, &c);
	close_json_object();
	print_nl();
}

static void print_vdevs(const struct kalloc_vdev_info *v, size_t n)
{
	struct ctl_col c[NCOLS] = {
		{ .head = "NAME" }, { .head = "MINOR" }, { .head = "WINDOW" },
		{ .head = "STATUS" }, { .head = "CONTROL" },
		{ .head = "TIMER" }, { .head = "IRQS" },
		{ .head = "DMA OK/FAIL" }, { .head = "FILES" },
		{ .head = "OWNER" },
	};
	size_t i;

	ctl_cols_init(c, NCOLS);
	for (i = 0; i < n; i++)
		fit_row(c, &v[i]);
	ctl_cols_header(c, NCOLS);
	open_json_array(NULL);
	for (i = 0; i < n; i++)
		print_vdev(&v[i], c);
	close_json_array();
}

static int do_show(int argc, char **argv)
{
	struct kalloc_vdev_info *v = NULL;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	size_t n = 0;
	int ret;

	if (argc > 2)
		return ctl_usage("[NAME]");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	if (argc == 2) {
		v = malloc(sizeof(*v));
		n = 1;
		ret = v ? kalloc_vdev_get(nl, argv[1], v, &err) :
			  kalloc_set_err(&err, -ENOMEM, "%s", strerror(ENOMEM));
	} else {
		ret = kalloc_vdev_list(nl, &v, &n, &err);
	}
	ctl_close(nl);
	if (!ret)
		print_vdevs(v, n);
	free(v);
	return ret ? ctl_failed(&err) : EXIT_OK;
}

/* ---- changes ------------------------------------------------------------- */

/* Runs one request that describes the device afterwards, and prints it. */
static int show_result(int ret, const struct kalloc_vdev_info *v,
		       const struct kalloc_err *err)
{
	if (ret)
		return ctl_failed(err);
	print_vdevs(v, 1);
	return EXIT_OK;
}

static int do_add(int argc, char **argv)
{
	struct kalloc_vdev_spec spec;
	struct kalloc_vdev_info v;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	ret = ctl_vdev_add_parse(argc, argv, &spec);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_vdev_new(nl, &spec, &v, &err);
	ctl_close(nl);
	return show_result(ret, &v, &err);
}

static int do_set(int argc, char **argv)
{
	struct ctl_vdev_set_args a;
	struct kalloc_vdev_info v;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	ret = ctl_vdev_set_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_vdev_set(nl, a.name, &a.s, &v, &err);
	ctl_close(nl);
	return show_result(ret, &v, &err);
}

/* del and irq: a name, an ACK, nothing to print. */
static int name_only(int argc, char **argv,
		     int (*fn)(struct kalloc_nl *, const char *,
			       struct kalloc_err *))
{
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	if (argc != 2)
		return ctl_usage("NAME");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = fn(nl, argv[1], &err);
	ctl_close(nl);
	return ret ? ctl_failed(&err) : EXIT_OK;
}

static int do_del(int argc, char **argv)
{
	return name_only(argc, argv, kalloc_vdev_del);
}

static int do_irq(int argc, char **argv)
{
	return name_only(argc, argv, kalloc_vdev_irq);
}

/* ACK_IRQ on /dev/kalloc/NAME: the driver's act, not the control plane's. */
static int do_ack(int argc, char **argv)
{
	struct kalloc_vdev_ack ack;
	char path[64 + KALLOC_NAME_MAX];
	int fd, ret;

	if (argc != 2)
		return ctl_usage("NAME");
	snprintf(path, sizeof(path), "/dev/" KALLOC_VDEV_DIR "/%s", argv[1]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ctl_error("cannot open %s: %s", path, strerror(errno));
		return EXIT_FAILED;
	}
	ret = ioctl(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack);
	if (ret)
		ctl_error("ACK_IRQ on %s: %s", path, strerror(errno));
	close(fd);
	if (ret)
		return EXIT_FAILED;
	open_json_object(NULL);
	print_u64(PRINT_ANY, "acked", "acknowledged %" PRIu64 " interrupts",
		  ack.acked);
	print_u64(PRINT_ANY, "irq_count", " (irq_count %" PRIu64 ")",
		  ack.irq_count);
	close_json_object();
	print_nl();
	return EXIT_OK;
}

/* "transfer 3: 4096 bytes from-device dev0 -> buf" and how it ended. */
static int print_transfer(const struct kalloc_vdev_dma_spec *d,
			  const struct kalloc_vdev_info *v)
{
	bool from = d->direction == KALLOC_VDEV_DMA_FROM_DEVICE;

	open_json_object(NULL);
	print_string(PRINT_JSON, "device", NULL, d->device);
	print_string(PRINT_JSON, "buffer", NULL, d->buffer);
	print_u64(PRINT_ANY, "seq", "transfer %" PRIu64 ": ", v->dma_seq);
	print_uint(PRINT_JSON, "buffer_id", NULL, v->dma_buffer);
	print_string(PRINT_ANY, "direction", "%s ",
		     direction_word(v->dma_direction));
	print_string(PRINT_FP, NULL, "%s", from ? d->device : d->buffer);
	print_string(PRINT_FP, NULL, " -> %s, ", from ? d->buffer : d->device);
	print_u64(PRINT_JSON, "offset", NULL, v->dma_offset);
	print_uint(PRINT_JSON, "device_offset", NULL, v->dma_dev_offset);
	print_uint(PRINT_ANY, "length", "%u bytes", v->dma_length);
	print_bool(PRINT_JSON, "ended", NULL, d->wait);
	if (d->wait) {
		print_uint(PRINT_ANY, "bytes", ", moved %u", v->dma_bytes);
		print_uint(PRINT_JSON, "error", NULL, v->dma_error);
	} else {
		print_string(PRINT_FP, NULL, "%s", ", started");
	}
	close_json_object();
	print_nl();
	if (d->wait && v->dma_error) {
		ctl_error("the transfer failed: %s", strerror(v->dma_error));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int do_dma(int argc, char **argv)
{
	struct kalloc_vdev_dma_spec d;
	struct kalloc_vdev_info v;
	struct kalloc_err err;
	struct kalloc_nl *nl;
	int ret;

	ret = ctl_vdev_dma_parse(argc, argv, &d);
	if (ret)
		return ret;
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	ret = kalloc_vdev_dma(nl, &d, &v, &err);
	ctl_close(nl);
	if (ret)
		return ctl_failed(&err);
	return print_transfer(&d, &v);
}

static int do_help(int argc, char **argv)
{
	(void)argv;
	return ctl_help_verb(&ctl_vdev, argc);
}

static const struct ctl_verb verbs[] = {
	{ "show", do_show, "[NAME]",
	  "list the devices (or NAME): registers, interrupts, transfers" },
	{ "add", do_add, CTL_VDEV_ADD_ARGS,
	  "create /dev/kalloc/NAME; a timer given here starts running" },
	{ "del", do_del, "NAME", "delete the device (open files get ENODEV)" },
	{ "set", do_set, CTL_VDEV_SET_ARGS,
	  "write the control register and the timer period" },
	{ "irq", do_irq, "NAME", "raise one interrupt" },
	{ "ack", do_ack, "NAME",
	  "acknowledge the pending interrupts (ACK_IRQ on the device file)" },
	{ "dma", do_dma, CTL_VDEV_DMA_ARGS,
	  "copy between the window and a buffer; waits unless nowait" },
	{ "help", do_help, "", "show this help" },
};

const struct ctl_object ctl_vdev = {
	.name = "vdev",
	.description = "Virtual devices /dev/kalloc/NAME: registers, interrupts, DMA",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.default_verb = "show",
	.default_takes_args = true,
	.notes =
		"SETTING is enable, disable, irq-enable, irq-disable, timer PERIOD (which\n"
		"also sets TIMER_ENABLE), timer off or reset; one call may take several.\n"
		"PERIOD is a duration, 100us to 60s (ns, us, ms, s, m, h; 1.5ms); N is\n"
		"bytes, with an optional K, M, G or T suffix. from-device copies the\n"
		"window into BUFFER, to-device BUFFER into the window; without a length,\n"
		"as much as fits in both. See kalloc-vdev(4).\n",
};
