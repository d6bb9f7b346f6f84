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

PREFIX ?= /usr/local
DESTDIR ?=
export PREFIX DESTDIR

USER_DIRS := lib plan ctl agentd examples

.PHONY: all kernel user $(USER_DIRS) deps install install-kernel \
	install-tools install-headers install-dkms-src dkms dkms-remove \
	dkms-check-unpackaged deb pkg-check uninstall check unit \
	alloc-check fuzz fuzz-smoke bench lint vm-check demo clean clean-user

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

# install = install-kernel + install-tools. The Debian packaging (debian/
# rules) uses install-tools and install-dkms-src on their own: the module
# there is built by DKMS on the target, not here.
install: all install-kernel install-tools install-headers

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

# The README's test command: every test there is.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) alloc-check
	$(MAKE) fuzz-smoke
	$(MAKE) lint
	$(MAKE) pkg-check
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

clean: clean-user
	$(MAKE) -C kernel clean KDIR=$(KDIR)
	$(MAKE) -C alloc clean
	rm -rf tests/vm/out build/deb

# What the userspace build leaves (also debian/rules clean's job).
clean-user:
	for d in $(USER_DIRS) tests/unit; do $(MAKE) -C $$d clean; done
