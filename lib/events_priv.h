/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internals of events.c exposed for the unit tests only: a handle without
 * a socket, fed with hand-built datagrams, so that the decoding and the
 * perf accounting are tested as the pure functions they are.
 */
#ifndef KALLOC_EVENTS_PRIV_H
#define KALLOC_EVENTS_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "kalloc.h"

/*
 * A handle that reads nothing but what is fed to it: messages of family
 * are decoded, the others passed over; groups[i] has the multicast group
 * id ids[i]. NULL without memory.
 */
struct kalloc_events *kalloc_events_offline(int family,
					    const char *const *groups,
					    const uint32_t *ids, size_t n);
/*
 * The next datagram, as if it had come to group (0: no NETLINK_PKTINFO);
 * kalloc_events_recv() then hands out its messages and returns 0 once
 * they are used up. dgram NULL feeds an overrun (ENOBUFS) instead.
 */
int kalloc_events_feed(struct kalloc_events *ev, const void *dgram, size_t len,
		       uint32_t group);

#endif /* KALLOC_EVENTS_PRIV_H */
