# kalloc: top-level build.
#
#   make            build kernel/kalloc.ko, ctl/kallocctl, agentd/kallocd,
#                   examples/vdev-demo
#   make deps       install every Debian package the project needs (root)
#   make demo       deps + build + boot Debian's kernel in QEMU and show kalloc
#   make check      deps + build + every test (unit, allocator, spec, man
#                   pages, packages, the VM scenarios on Debian's kernel and
#                   on the debug kernel), then docs/reliability.md from the
#                   VM runs (what CI runs; mk/check)
#   make debug-kernel  build the debug kernel (KASAN, lockdep, kmemleak, UBSAN,
#                   KCOV, fault injection) once per machine, cached outside
#                   the clone (tests/debug/)
#   make check-debug   the VM scenarios on that kernel, module built against it
#   make bench      allocator benchmark beside glibc (docs/benchmarks.md)
#   make fuzz       libFuzzer over every allocator policy and the plan
#                   language's front end (FUZZ_SECONDS=)
#   make fuzz-kernel  the policy-aware netlink fuzzer against kalloc.ko on
#                   the debug kernel for SECONDS= (default 600) per caller, SEED=
#   make reliability  docs/reliability.md from the last VM runs (make check
#                   writes it at the end)
#   make lint       checkpatch --strict, sparse and W=1 over kernel/
#   make spec-check spec/kalloc.yaml (YNL) against the uapi headers and
#                   the kernel's YNL library (linux-source-6.12)
#   make man-lint   every page in man/ under mandoc -Tlint and man --warnings
#   make install    DESTDIR= PREFIX= honoured
#   make dkms       register the tree with DKMS (development hosts)
#   make deb        the Debian packages kalloc-dkms, kalloc-tools (build/deb/)
#
# KDIR= and KVER= select the kernel to build against; by default the newest
# Debian kernel whose headers are installed under /lib/modules.

TOP := $(CURDIR)
export TOP

KVER ?= $(shell $(TOP)/tests/vm/kver 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

# Debian's python3 (python3-yaml), whatever else is first in PATH.
PYTHON3 ?= /usr/bin/python3

PREFIX ?= /usr/local
DESTDIR ?=
export PREFIX DESTDIR

USER_DIRS := lib plan ctl agentd examples

.PHONY: all kernel user $(USER_DIRS) deps install install-kernel \
	install-tools install-headers install-dkms-src dkms dkms-remove \
	dkms-check-unpackaged deb pkg-check uninstall check unit \
	alloc-check fuzz fuzz-smoke bench lint spec-check man-lint vm-check demo \
	clean clean-user gauntlet install-gauntlet fuzz-kernel reliability \
	debug-kernel check-debug check-all

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

# install = install-kernel + install-tools. The Debian packaging (debian/
# rules) uses install-tools and install-dkms-src on their own: the module
# there is built by DKMS on the target, not here.
install: all install-kernel install-tools install-headers install-gauntlet

# The gauntlet's programs go with a hand install (not into the packages):
# the VM harness stages what `make install` writes.
install-gauntlet: gauntlet
	$(MAKE) -C tests/gauntlet install

install-kernel: kernel
	$(MAKE) -C kernel install KDIR=$(KDIR) KVER=$(KVER)

# UNITDIR and MODULESLOADDIR: /etc/modules-load.d is the admin's
# directory, right for a hand install; a package ships its file in
# /usr/lib/modules-load.d instead and leaves /etc to the admin.
UNITDIR ?= /lib/systemd/system
MODULESLOADDIR ?= /etc/modules-load.d
# Every page in man/, so a new page is installed without editing this.
MAN_PAGES := $(wildcard man/*.[1-9])
# The bash completion, if the tree has one (issue 11 §4), where
# bash-completion loads completions from, whatever PREFIX is.
BASH_COMPLETION := $(wildcard completion/kallocctl)
BASHCOMPDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || \
	echo /usr/share/bash-completion/completions)

install-tools: user
	$(MAKE) -C ctl install
	$(MAKE) -C agentd install
	$(MAKE) -C examples install
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MODULESLOADDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' systemd/kallocd.service.in > $(DESTDIR)$(UNITDIR)/kallocd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/kallocd.service
	install -m 0644 systemd/kalloc.conf $(DESTDIR)$(MODULESLOADDIR)/
	for p in $(MAN_PAGES); do \
		s=$${p##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
		install -m 0644 $$p $(DESTDIR)$(PREFIX)/share/man/man$$s/ || exit 1; \
	done
	$(if $(BASH_COMPLETION),install -d $(DESTDIR)$(BASHCOMPDIR))
	$(if $(BASH_COMPLETION),install -m 0644 $(BASH_COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/kallocctl)
	install -d $(DESTDIR)$(PREFIX)/share/kalloc
	install -m 0644 spec/kalloc.yaml $(DESTDIR)$(PREFIX)/share/kalloc/
	install -d $(DESTDIR)/etc/default
	[ -e $(DESTDIR)/etc/default/kallocd ] || \
		install -m 0644 systemd/kallocd.default $(DESTDIR)/etc/default/kallocd
	install -d $(DESTDIR)$(PREFIX)/share/doc/kalloc/examples
	install -m 0644 examples/*.plan examples/kallocd-http.conf \
		$(DESTDIR)$(PREFIX)/share/doc/kalloc/examples/

# The uapi headers, for programs built against kalloc (examples/ shows
# how). Not in the packages: /usr/include/linux belongs to linux-libc-dev.
install-headers:
	install -d $(DESTDIR)$(PREFIX)/include/linux
	install -m 0644 include/uapi/linux/kalloc.h \
		include/uapi/linux/kalloc_vdev.h $(DESTDIR)$(PREFIX)/include/linux/

# --- DKMS and Debian packages (debian/, docs in debian/README.source) ---
#
# install-dkms-src  the module's source as DKMS wants it,
#                   $(DESTDIR)$(DKMS_SRCDIR)/kalloc-VERSION with dkms.conf
# dkms              that tree in /usr/src, added to DKMS and installed for
#                   $(KVER) (development hosts; DKMS rebuilds it for every
#                   kernel installed later). dkms-remove undoes it.
# deb               kalloc-dkms and kalloc-tools in build/deb/, through
#                   dpkg-buildpackage -us -uc -b, then lintian
# pkg-check         deb, then the packages' contents and a DKMS build of
#                   kalloc-dkms's source against the installed headers
VERSION := $(shell cat $(TOP)/VERSION)
DKMS ?= dkms
DKMS_SRCDIR ?= /usr/src
DKMS_TREE = $(DESTDIR)$(DKMS_SRCDIR)/kalloc-$(VERSION)
# What kbuild compiles into kalloc.ko (kernel/Kbuild, alloc/Kbuild.inc)
# and the headers it includes; nothing built, nothing userspace-only.
DKMS_SRC := kernel/Kbuild kernel/Makefile \
	$(filter-out %.mod.c,$(wildcard kernel/*.[ch])) \
	alloc/Kbuild.inc $(filter-out alloc/ka_platform_user.h,$(wildcard alloc/ka_*.[ch])) \
	$(wildcard include/uapi/linux/*.h include/kalloc/*.h)

install-dkms-src:
	rm -rf $(DKMS_TREE)
	for f in $(DKMS_SRC); do \
		install -D -m 0644 $$f $(DKMS_TREE)/$$f || exit 1; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_TREE)/dkms.conf
	chmod 0644 $(DKMS_TREE)/dkms.conf

# A packaged kalloc-dkms owns /usr/src/kalloc-VERSION: never overwrite it.
dkms-check-unpackaged:
	@if dpkg-query -W -f='$${db:Status-Status}' kalloc-dkms 2>/dev/null | grep -qx installed; then \
		echo "Error: kalloc-dkms is installed; remove it before make dkms" >&2; exit 1; \
	fi

dkms: dkms-remove
	$(MAKE) install-dkms-src DESTDIR=
	$(DKMS) add kalloc/$(VERSION)
	$(DKMS) install kalloc/$(VERSION) -k $(KVER)

dkms-remove: dkms-check-unpackaged
	if [ -n "$$($(DKMS) status kalloc/$(VERSION))" ]; then \
		$(DKMS) remove kalloc/$(VERSION) --all; \
	fi
	rm -rf $(DKMS_SRCDIR)/kalloc-$(VERSION)

deb:
	$(TOP)/mk/deb

pkg-check: deb
	KVER=$(KVER) $(TOP)/tests/pkg/check-debs $(TOP)/build/deb

# The README's test command: every test there is, both VM lanes (stock
# Debian kernel, then the debug kernel), one step after another, with the
# debug kernel built beside them at nice 19 on a machine that has not got it
# cached; mk/check times each step (build/check-times.txt).
check:
	$(TOP)/mk/check

# The old name of make check, from when the debug lane was not in it.
check-all: check

unit: lib plan ctl agentd
	$(MAKE) -C tests/unit check
	completion/test-completion.sh ctl/kallocctl
	tests/schema-check.sh ctl/kallocctl

alloc-check:
	$(MAKE) -C alloc check

fuzz:
	$(MAKE) -C alloc fuzz
	$(MAKE) -C plan fuzz

fuzz-smoke:
	$(MAKE) -C alloc fuzz-smoke
	$(MAKE) -C plan fuzz-smoke

bench:
	$(MAKE) -C alloc bench

lint:
	$(MAKE) -C kernel lint KDIR=$(KDIR)

# The spec against the headers, and as the kernel's YNL library reads it;
# then that both checks catch a broken spec or header.
spec-check:
	$(PYTHON3) spec/check-header.py
	tree=$$(spec/ynl-tree) && $(PYTHON3) spec/check-ynl.py "$$tree" && \
		PYTHON3=$(PYTHON3) spec/test-checks.sh "$$tree"

man-lint:
	tests/man-lint

# VM_SELECT=--check: only what make check runs in that lane (tests/vm/run,
# "Lanes"); by default every scenario the lane can run.
VM_SELECT ?=

vm-check: all
	tests/vm/run $(VM_SELECT) --scenarios

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
	tests/vm/run $(VM_SELECT) --lane debug --scenarios

# The README's main job.
demo: deps
	$(MAKE) all
	tests/vm/run --demo

clean: clean-user
	$(MAKE) -C kernel clean KDIR=$(KDIR)
	$(MAKE) -C alloc clean
	rm -rf tests/vm/out build/deb spec/.ynl-*

# What the userspace build leaves (also debian/rules clean's job).
clean-user:
	for d in $(USER_DIRS) tests/unit tests/gauntlet; do $(MAKE) -C $$d clean; done
