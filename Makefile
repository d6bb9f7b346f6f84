# kalloc: top-level build.
#
#   make            build kernel/kalloc.ko, ctl/kallocctl, agentd/kallocd,
#                   examples/vdev-demo
#   make deps       install every Debian package the project needs (root)
#   make demo       deps + build + boot Debian's kernel in QEMU and show kalloc
#   make check      deps + build + every test (unit, allocator, VM scenarios)
#   make bench      allocator benchmark beside glibc (docs/benchmarks.md)
#   make fuzz       libFuzzer over every allocator policy (FUZZ_SECONDS=)
#   make lint       checkpatch --strict, sparse and W=1 over kernel/
#   make install    DESTDIR= PREFIX= honoured
#
# KDIR= and KVER= select the kernel to build against; by default the newest
# Debian kernel whose headers are installed under /lib/modules.

TOP := $(CURDIR)
export TOP

KVER ?= $(shell $(TOP)/tests/vm/kver 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

PREFIX ?= /usr/local
DESTDIR ?=
export PREFIX DESTDIR
# Where bash-completion loads completions from, whatever PREFIX is.
BASHCOMPDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || \
	echo /usr/share/bash-completion/completions)

USER_DIRS := lib plan ctl agentd examples

.PHONY: all kernel user $(USER_DIRS) deps install uninstall check unit \
	alloc-check fuzz fuzz-smoke bench lint vm-check demo clean

all: kernel user

kernel:
	$(MAKE) -C kernel KDIR=$(KDIR)

user: $(USER_DIRS)

lib plan:
	$(MAKE) -C $@

ctl agentd: lib plan
	$(MAKE) -C $@

examples:
	$(MAKE) -C examples

deps:
	@$(TOP)/tests/deps.sh

install: all
	$(MAKE) -C kernel install KDIR=$(KDIR) KVER=$(KVER)
	$(MAKE) -C ctl install
	$(MAKE) -C agentd install
	$(MAKE) -C examples install
	install -d $(DESTDIR)$(PREFIX)/include/linux
	install -m 0644 include/uapi/linux/kalloc.h \
		include/uapi/linux/kalloc_vdev.h $(DESTDIR)$(PREFIX)/include/linux/
	install -d $(DESTDIR)/lib/systemd/system $(DESTDIR)/etc/modules-load.d
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' systemd/kallocd.service.in > $(DESTDIR)/lib/systemd/system/kallocd.service
	chmod 0644 $(DESTDIR)/lib/systemd/system/kallocd.service
	install -m 0644 systemd/kalloc.conf $(DESTDIR)/etc/modules-load.d/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 man/kallocctl.8 man/kallocd.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)$(PREFIX)/share/man/man4
	install -m 0644 man/kalloc-vdev.4 $(DESTDIR)$(PREFIX)/share/man/man4/
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 completion/kallocctl $(DESTDIR)$(BASHCOMPDIR)/kallocctl

# The README's test command: every test there is.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) alloc-check
	$(MAKE) fuzz-smoke
	$(MAKE) lint
	$(MAKE) vm-check

unit: lib plan ctl
	$(MAKE) -C tests/unit check
	completion/test-completion.sh ctl/kallocctl
	tests/schema-check.sh ctl/kallocctl

alloc-check:
	$(MAKE) -C alloc check

fuzz:
	$(MAKE) -C alloc fuzz

fuzz-smoke:
	$(MAKE) -C alloc fuzz-smoke

bench:
	$(MAKE) -C alloc bench

lint:
	$(MAKE) -C kernel lint KDIR=$(KDIR)

vm-check: all
	tests/vm/run --scenarios

# The README's main job.
demo: deps
	$(MAKE) all
	tests/vm/run --demo

clean:
	$(MAKE) -C kernel clean KDIR=$(KDIR)
	for d in $(USER_DIRS) alloc tests/unit; do $(MAKE) -C $$d clean; done
	rm -rf tests/vm/out
