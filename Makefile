# kalloc: top-level build.
#
#   make            build kernel/kalloc.ko, ctl/kallocctl, agentd/kallocd,
#                   examples/vdev-demo
#   make deps       install every Debian package the project needs (root)
#   make demo       deps + build + boot Debian's kernel in QEMU and show kalloc
#   make check      deps + build + every test (unit, allocator, VM scenarios
#                   on Debian's kernel and on the debug kernel), then
#                   docs/reliability.md from those VM runs
#   make debug-kernel  build the debug kernel (KASAN, lockdep, kmemleak, UBSAN,
#                   KCOV, fault injection) once per machine, cached outside
#                   the clone (tests/debug/)
#   make check-debug   the VM scenarios on that kernel, module built against it
#   make bench      allocator benchmark beside glibc (docs/benchmarks.md)
#   make fuzz       libFuzzer over every allocator policy (FUZZ_SECONDS=)
#   make fuzz-kernel  the policy-aware netlink fuzzer against kalloc.ko on
#                   the debug kernel for SECONDS= (default 600) per caller, SEED=
#   make reliability  docs/reliability.md from the last VM runs (make check
#                   writes it at the end)
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

USER_DIRS := lib plan ctl agentd examples

.PHONY: all kernel user $(USER_DIRS) deps install uninstall check unit \
	alloc-check fuzz fuzz-smoke bench lint vm-check demo clean \
	gauntlet fuzz-kernel reliability debug-kernel check-debug

all: kernel user

kernel:
	$(MAKE) -C kernel KDIR=$(KDIR)

user: $(USER_DIRS)

lib plan:
	$(MAKE) -C $@

ctl agentd: lib plan
	$(MAKE) -C $@

# The kernel gauntlet's programs (tests/gauntlet): fuzzer, fault
# injection, stress, lifecycle. Installed with the rest (below) as
# installed tests, because the VM harness stages what `make install` writes.
gauntlet:
	$(MAKE) -C tests/gauntlet

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
	$(MAKE) -C tests/gauntlet install
	install -d $(DESTDIR)$(PREFIX)/share/man/man4
	install -m 0644 man/kalloc-vdev.4 $(DESTDIR)$(PREFIX)/share/man/man4/

# The README's test command: every test there is.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) alloc-check
	$(MAKE) fuzz-smoke
	$(MAKE) lint
	$(MAKE) vm-check
	$(MAKE) check-debug
	$(MAKE) reliability

unit: lib plan ctl
	$(MAKE) -C tests/unit check

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

# The fuzzer for as long as asked: SECONDS per caller (root, unprivileged,
# user namespace, user+network namespace), in the debug lane's VM, where
# KASAN and the other detectors see what it does (tests/gauntlet/).
SECONDS ?= 600
SEED ?= 1
fuzz-kernel: all debug-kernel
	KALLOC_FUZZ_SECONDS=$(SECONDS) KALLOC_FUZZ_SEED=$(SEED) \
	KALLOC_VM_SCENARIO_TIMEOUT=$$(( $(SECONDS) * 5 + 600 )) \
	KALLOC_VM_TIMEOUT=$$(( $(SECONDS) * 5 + 900 )) \
		tests/vm/run --lane debug --scenarios 30-fuzz

# The scorecard, from the results the last VM runs left in tests/vm/out.
reliability:
	tests/gauntlet/scorecard > docs/reliability.md.tmp
	mv docs/reliability.md.tmp docs/reliability.md

# The debug-kernel lane (tests/debug/README.md). The kernel is cached in
# /var/cache/kalloc/debug-kernel (KALLOC_DEBUG_CACHE=): cold, it takes
# minutes to build; warm, this is a no-op.
debug-kernel:
	@tests/debug/build-kernel > /dev/null

check-debug: all debug-kernel
	tests/vm/run --lane debug --scenarios

# The README's main job.
demo: deps
	$(MAKE) all
	tests/vm/run --demo

clean:
	$(MAKE) -C kernel clean KDIR=$(KDIR)
	for d in $(USER_DIRS) alloc tests/unit tests/gauntlet; do $(MAKE) -C $$d clean; done
	rm -rf tests/vm/out
