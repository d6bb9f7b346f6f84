# Shared settings for the userspace builds (lib/, plan/, ctl/, agentd/,
# alloc/, tests/).
# Included by each directory's Makefile after it sets TOP.

CC      ?= cc
PKG_CONFIG ?= pkg-config
CSTD    := -std=c11
WARN    := -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
# include/ for the rules shared with the kernel (kalloc/name.h,
# kalloc/policy.h), alloc/ for the policy registry policy.h expands.
CPPFLAGS += -D_GNU_SOURCE -I$(TOP)/include/uapi -I$(TOP)/include \
	    -I$(TOP)/alloc -I$(TOP)/lib -I$(TOP)/plan

NL_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0)
NL_LIBS    = $(shell $(PKG_CONFIG) --libs libnl-genl-3.0)
SD_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libsystemd)
SD_LIBS    = $(shell $(PKG_CONFIG) --libs libsystemd)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)

LIBKALLOC := $(TOP)/lib/libkalloc.a
# The plan language; it uses libkalloc's names and sizes: link it first.
LIBKALLOCPLAN := $(TOP)/plan/libkallocplan.a

ALL_CFLAGS = $(CSTD) $(WARN) $(CPPFLAGS) $(CFLAGS)

VERSION := $(shell cat $(TOP)/VERSION 2>/dev/null || echo 0.1.0)
