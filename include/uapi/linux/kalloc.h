/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The kalloc authors.
 *
 * kalloc: the contract between the kernel data plane (kalloc.ko) and the
 * userspace control plane (kallocd, kallocctl).
 *
 * Documentation
 * =============
 *
 * The kalloc module registers the generic netlink family KALLOC_GENL_NAME
 * ("kalloc"), version KALLOC_GENL_VERSION. Resolving the family with
 * CTRL_CMD_GETFAMILY autoloads the module (MODULE_ALIAS_GENL_FAMILY).
 * The family lives in the initial network namespace only.
 *
 * The family numbers its commands and attributes from 1, as new generic
 * netlink families must (Documentation/userspace-api/netlink/intro.rst).
 * Value 0 is never used. The kernel validates strictly: unknown attributes,
 * attributes of the wrong type or length, trailing data, and non-zero
 * reserved header fields are rejected with EINVAL, integers outside their
 * range with ERANGE, each with an extended ACK. A client should set
 * NETLINK_EXT_ACK on its socket and print the NLMSGERR_ATTR_MSG string of
 * every error it receives; where the error is about one attribute,
 * NLMSGERR_ATTR_OFFS gives that attribute's offset in the request, and the
 * message names it ("KALLOC_BUFFER_A_SIZE exceeds the remaining budget").
 *
 * Messages are static strings. Where a refusal has numbers to report (how
 * much budget is left, the largest buffer a policy could serve), they come
 * in the extended ACK's NLMSGERR_ATTR_COOKIE as a struct kalloc_cookie,
 * described under "Error cookies" below, for the client to format.
 *
 * Commands are named object-verb. Each object has its own attribute space,
 * listed with it below; every attribute of a request is optional unless it
 * is marked "required". Commands that change state or read buffer contents
 * ("mutations") need CAP_NET_ADMIN in the initial user namespace
 * (GENL_ADMIN_PERM): a user namespace does not grant it. They fail with
 * EPERM otherwise. Every other command is open to every user.
 *
 * Sizes and limits
 * ----------------
 *
 * - A buffer name is a NUL-terminated string of 1 to KALLOC_NAME_MAX - 1
 *   bytes drawn from [A-Za-z0-9_.-]; it must not start with '.' or '-'.
 *   The NUL must be the attribute's last byte: a string with bytes after
 *   its NUL is refused (EINVAL), never silently cut short.
 * - An owner tag follows the same rule with 1 to KALLOC_OWNER_MAX - 1
 *   bytes.
 * - A buffer size is 1 to KALLOC_BUFFER_SIZE_MAX bytes.
 * - One BUFFER_READ or BUFFER_WRITE moves 1 to KALLOC_IO_MAX bytes. A
 *   client's socket must be able to receive a full READ reply and its ACK
 *   at once: libnl's default 32 KiB receive buffer cannot, 256 KiB can.
 * - The module enforces a byte budget over all of its buffers, whatever
 *   policy serves them (module parameter "budget", in bytes), and a maximum
 *   number of buffers ("max_buffers"). The budget charges the size asked
 *   for; guards and policy overhead are not charged.
 * - Every policy other than kmalloc serves buffers from an arena of at most
 *   "arena_bytes" bytes (module parameter, per policy), taken from the page
 *   allocator (vmalloc) when the policy is first asked for a buffer and
 *   given back at unload.
 * - Module parameters are readable in /sys/module/kalloc/parameters/.
 *   "names" and "values" create buffers at load (names=a,b values=1024,4096,
 *   owner tag "param", served by the policy of the "policy" parameter);
 *   any bad entry fails the load. "policy" names the policy that is active
 *   at load (default kmalloc).
 *
 * Policies
 * --------
 *
 * Every buffer is served by one allocator policy (enum kalloc_policy). One
 * policy is "active": it serves every new buffer whose request names no
 * policy. KALLOC_POLICY_KMALLOC is the baseline: kvmalloc(), i.e. the
 * kernel's own slab allocator (SLUB), or vmalloc when contiguous pages
 * cannot be had. The others are kalloc's own allocators (alloc/ in the
 * source tree), each managing its own arena. Replies carry a policy both
 * as its number and as its name; the names are the strings in the comments
 * of enum kalloc_policy.
 *
 * Guards
 * ------
 *
 * Every buffer has KALLOC_GUARD_BYTES of guard bytes right before and right
 * after its data. Their value derives from a secret drawn at module load and
 * from the buffer's id, so a guard copied from another buffer is not valid.
 * The guards are checked when the buffer is freed, by BUFFER_CHECK, and by
 * every BUFFER_READ and BUFFER_WRITE. A buffer whose guards were ever found
 * damaged is "corrupt": its KALLOC_BUFFER_A_GUARDS is non-zero, reads and
 * writes of it fail with EIO, and deleting it still works. Each detection
 * counts in its policy's KALLOC_PSTATS_A_CANARY_VIOLATIONS, sends a
 * KALLOC_CMD_BUFFER_CHECK notification, and logs one rate-limited line
 * beginning "kalloc: canary violation". Freed memory is overwritten with a
 * poison pattern before its policy gets it back.
 *
 * Test knobs
 * ----------
 *
 * For tests, debugfs has, root only (the netdevsim way of injecting
 * faults):
 *   /sys/kernel/debug/kalloc/corrupt   writing "NAME head" or "NAME tail"
 *                                      flips one byte of that guard of
 *                                      buffer NAME
 *   /sys/kernel/debug/kalloc/stall_ms  every request (not a dump) sleeps
 *                                      this many milliseconds before it is
 *                                      handled; 0 (the default) for none
 *
 * Error cookies
 * -------------
 *
 * A refusal whose message refers to numbers carries them in
 * NLMSGERR_ATTR_COOKIE as struct kalloc_cookie, 20 bytes in host byte order.
 * kind (enum kalloc_cookie_kind) says what a and b mean; each is a u64 split
 * into 32-bit halves so that the struct has no padding (use
 * kalloc_cookie_a() and kalloc_cookie_b()). A client that does not know a
 * kind prints the message alone.
 *
 * KALLOC_CMD_BUFFER_NEW
 * ---------------------
 *
 *   Creates a named buffer and allocates its memory, zeroed. Mutation.
 *   Request flags: NLM_F_REQUEST | NLM_F_ACK.
 *
 *   KALLOC_BUFFER_A_NAME:   string, required, see "Sizes and limits"
 *   KALLOC_BUFFER_A_SIZE:   u64, required, 1 .. KALLOC_BUFFER_SIZE_MAX
 *   KALLOC_BUFFER_A_POLICY: u32, enum kalloc_policy; default: the active one
 *   KALLOC_BUFFER_A_OWNER:  string, an owner tag such as "kallocd" or
 *                           "user" (like a route's protocol); default: none
 *   KALLOC_BUFFER_A_FLAGS:  u32, KALLOC_BUFFER_F_*:
 *     KALLOC_BUFFER_F_SOCKET  the buffer belongs to the requesting netlink
 *                             socket and is deleted when that socket
 *                             closes, however its process ends (the
 *                             deletion is notified with reason
 *                             KALLOC_DEL_SOCKET)
 *
 *   Reply: one KALLOC_CMD_BUFFER_NEW message describing the new buffer
 *   with the attributes of KALLOC_CMD_BUFFER_GET, then the ACK.
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     EINVAL     a required attribute is missing; the name or owner is
 *                empty, has a character outside the allowed set, starts
 *                with '.' or '-', has bytes after its NUL or no NUL within
 *                its maximum length; an unknown flag is set
 *     ERANGE     the size is 0 or above KALLOC_BUFFER_SIZE_MAX; the policy
 *                is 0 or above KALLOC_POLICY_MAX
 *     EEXIST     a buffer of that name exists already
 *     ENOSPC     the buffer would exceed the byte budget (cookie
 *                KALLOC_COOKIE_BUDGET), the module holds max_buffers
 *                buffers already (KALLOC_COOKIE_MAX_BUFFERS), or the policy
 *                cannot serve that size (KALLOC_COOKIE_LARGEST)
 *     ENOMEM     the kernel could not allocate the memory
 *
 * KALLOC_CMD_BUFFER_GET
 * ---------------------
 *
 *   Describes buffers. Open to every user.
 *
 *   As a do (NLM_F_REQUEST): exactly one of
 *     KALLOC_BUFFER_A_ID:   u32, 1 .. U32_MAX
 *     KALLOC_BUFFER_A_NAME: string
 *   selects the buffer. The reply is one KALLOC_CMD_BUFFER_GET message.
 *
 *   As a dump (NLM_F_REQUEST | NLM_F_DUMP): no attributes; a dump request
 *   with KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME fails with EINVAL,
 *   reported in its NLMSG_DONE message (whose extended ACK carries the
 *   message but, in Linux 6.1, no attribute offset). The reply is
 *   one KALLOC_CMD_BUFFER_GET message per buffer, in ascending id order,
 *   possibly over several recvmsg() calls. If buffers are created or
 *   deleted while the dump runs, the kernel sets NLM_F_DUMP_INTR on a
 *   message and the client should retry the whole dump.
 *
 *   Each reply message carries:
 *     KALLOC_BUFFER_A_ID:          u32, the buffer's id (never 0)
 *     KALLOC_BUFFER_A_NAME:        string
 *     KALLOC_BUFFER_A_SIZE:        u64, the size that was asked for
 *     KALLOC_BUFFER_A_ALLOCATOR:   string, how the memory is mapped:
 *                                  "kmalloc" (physically contiguous) or
 *                                  "vmalloc" (arenas are vmalloc memory)
 *     KALLOC_BUFFER_A_POLICY:      u32, the policy that serves it
 *     KALLOC_BUFFER_A_POLICY_NAME: string, that policy's name
 *     KALLOC_BUFFER_A_OWNER:       string, only if the buffer has a tag
 *     KALLOC_BUFFER_A_FLAGS:       u32, KALLOC_BUFFER_F_*
 *     KALLOC_BUFFER_A_PORTID:      u32, the owning socket's port id, only
 *                                  with KALLOC_BUFFER_F_SOCKET
 *     KALLOC_BUFFER_A_GUARDS:      u32, KALLOC_GUARD_* bits of the guards
 *                                  found damaged so far; 0 if none
 *
 *   Errors:
 *     EINVAL     neither or both of id and name were given (do only)
 *     ERANGE     the id is 0
 *     ENOENT     no buffer has that id or name
 *
 * KALLOC_CMD_BUFFER_DEL
 * ---------------------
 *
 *   Frees a buffer, whatever the state of its guards. Mutation.
 *   Request flags: NLM_F_REQUEST | NLM_F_ACK.
 *
 *   Exactly one of KALLOC_BUFFER_A_ID and KALLOC_BUFFER_A_NAME selects the
 *   buffer, as for BUFFER_GET. Reply: the ACK.
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     EINVAL     neither or both of id and name were given
 *     ERANGE     the id is 0
 *     ENOENT     no buffer has that id or name
 *     EBUSY      a virtual device's DMA transfer holds the buffer (see
 *                KALLOC_CMD_VDEV_DMA); it can be deleted once that ends
 *
 * KALLOC_CMD_BUFFER_SET
 * ---------------------
 *
 *   Changes a buffer in place: its size, the policy that serves it, or both,
 *   keeping its name, id, owner and contents (up to the smaller of the two
 *   sizes; bytes added at the end are zero). Mutation.
 *
 *   KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME: selects the buffer
 *   KALLOC_BUFFER_A_SIZE:   u64, the new size, 1 .. KALLOC_BUFFER_SIZE_MAX
 *   KALLOC_BUFFER_A_POLICY: u32, the policy to serve it from now on
 *   At least one of SIZE and POLICY is required.
 *
 *   The buffer gets new memory, with fresh guards, under the same lock
 *   that readers and writers take, so that they see it entirely as it was
 *   or entirely as it is now; the old memory is poisoned and freed. For
 *   the statistics this is a free in the old policy and an allocation in
 *   the new one. A request that changes nothing succeeds and moves nothing.
 *   A virtual device's DMA transfer waiting on the buffer (VDEV_DMA) that
 *   no longer fits it when it runs fails with ERANGE.
 *
 *   Reply: one KALLOC_CMD_BUFFER_SET message with the attributes of
 *   BUFFER_GET, then the ACK; when something changed, the same message goes
 *   to the events group.
 *
 *   Errors:
 *     EPERM, EINVAL, ENOENT  as for BUFFER_DEL; EINVAL also without SIZE
 *                and POLICY
 *     ERANGE     a size of 0 or above KALLOC_BUFFER_SIZE_MAX; a policy of 0
 *                or above KALLOC_POLICY_MAX
 *     ENOSPC     the growth would exceed the byte budget (cookie
 *                KALLOC_COOKIE_BUDGET), or the policy cannot serve the new
 *                size (KALLOC_COOKIE_LARGEST); the buffer is unchanged
 *     ENOMEM     no memory; the buffer is unchanged
 *     EIO        the buffer is corrupt (see "Guards"): its contents are not
 *                to be trusted, so they are not moved
 *
 * KALLOC_CMD_BUFFER_READ
 * ----------------------
 *
 *   Reads a buffer's contents. Mutation (contents are the owner's secret).
 *
 *   KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME: selects the buffer
 *   KALLOC_BUFFER_A_OFFSET: u64, where to start; default 0
 *   KALLOC_BUFFER_A_LENGTH: u32, 1 .. KALLOC_IO_MAX; default: up to the end
 *                           of the buffer, at most KALLOC_IO_MAX bytes
 *
 *   Reply: one KALLOC_CMD_BUFFER_READ message with KALLOC_BUFFER_A_ID,
 *   KALLOC_BUFFER_A_OFFSET and KALLOC_BUFFER_A_DATA (binary, the bytes).
 *
 *   Errors:
 *     EPERM, EINVAL, ENOENT  as for BUFFER_DEL
 *     ERANGE     the length is 0 or above KALLOC_IO_MAX; offset + length
 *                is past the end of the buffer, or wraps (cookie
 *                KALLOC_COOKIE_BUFFER_SIZE); the offset is at or past the
 *                end of the buffer
 *     EIO        the buffer is corrupt (see "Guards"); the message names
 *                the damaged guard
 *
 * KALLOC_CMD_BUFFER_WRITE
 * -----------------------
 *
 *   Writes into a buffer. Mutation.
 *
 *   KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME: selects the buffer
 *   KALLOC_BUFFER_A_OFFSET: u64, where to start; default 0
 *   KALLOC_BUFFER_A_DATA:   binary, required, 1 .. KALLOC_IO_MAX bytes
 *
 *   Reply: the ACK. A client writes larger contents in several requests.
 *
 *   Errors: as for BUFFER_READ; ERANGE also for data of 0 bytes or of more
 *   than KALLOC_IO_MAX bytes, and EINVAL without data.
 *
 * KALLOC_CMD_BUFFER_CHECK
 * -----------------------
 *
 *   Checks guards. Open to every user.
 *
 *   As a do: KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME selects one buffer;
 *   the reply is one KALLOC_CMD_BUFFER_CHECK message with the attributes of
 *   BUFFER_GET, whose KALLOC_BUFFER_A_GUARDS says which guards are damaged.
 *   As a dump: every buffer is checked; one message per buffer, as for the
 *   BUFFER_GET dump. A client reports the buffers whose guards are not 0.
 *
 *   Errors: as for BUFFER_GET.
 *
 * KALLOC_CMD_BUFFER_FLUSH
 * -----------------------
 *
 *   Deletes every buffer with an owner tag. Mutation.
 *
 *   KALLOC_BUFFER_A_OWNER: string, required
 *
 *   Reply: one KALLOC_CMD_BUFFER_FLUSH message with KALLOC_BUFFER_A_OWNER
 *   and KALLOC_BUFFER_A_COUNT (u32, the buffers deleted, possibly 0), then
 *   the ACK. Each deletion is notified with reason KALLOC_DEL_FLUSH. A
 *   buffer that a DMA transfer holds is deleted too: it leaves the table
 *   at once, the transfer fails with ENOENT, and its memory is freed when
 *   the transfer ends (the same happens when the owning socket of a
 *   KALLOC_BUFFER_F_SOCKET buffer closes).
 *
 *   Errors: EPERM; EINVAL for a missing or malformed owner.
 *
 * KALLOC_CMD_POLICY_GET
 * ---------------------
 *
 *   Describes policies. Open to every user.
 *
 *   As a do: KALLOC_POLICY_A_ID (u32) selects one policy; without it, the
 *   reply describes the active policy. As a dump: every policy, in number
 *   order. Each reply message carries:
 *     KALLOC_POLICY_A_ID:          u32, enum kalloc_policy
 *     KALLOC_POLICY_A_NAME:        string
 *     KALLOC_POLICY_A_ACTIVE:      u8, 1 for the active policy, else 0
 *     KALLOC_POLICY_A_BUFFERS:     u32, buffers it serves
 *     KALLOC_POLICY_A_ARENA_BYTES: u64, bytes of its arena (0 until the
 *                                  policy is first asked for a buffer,
 *                                  even one it then refuses, and for
 *                                  kmalloc, which has none)
 *     KALLOC_POLICY_A_ARENA_LIMIT: u64, the arena bound (0 for kmalloc,
 *                                  which only the budget bounds)
 *
 *   Errors: ERANGE for a policy number of 0 or above KALLOC_POLICY_MAX.
 *
 * KALLOC_CMD_POLICY_SET
 * ---------------------
 *
 *   Makes a policy the active one and, on request, moves buffers to it.
 *   Mutation.
 *
 *   KALLOC_POLICY_A_ID:      u32, required, the policy to make active
 *   KALLOC_POLICY_A_MIGRATE: flag, also move buffers to that policy
 *   KALLOC_POLICY_A_FROM:    u32, with MIGRATE: only the buffers of this
 *                            policy; default: the buffers of every other
 *                            policy
 *
 *   A migration moves one buffer at a time: it allocates the buffer's new
 *   memory (with fresh guards), copies the contents, and switches the
 *   buffer to it, all under the lock that readers and writers of the
 *   buffer take, so that they see it entirely old or entirely new. The old
 *   memory is then poisoned and freed. A buffer that cannot be moved (the
 *   new policy cannot serve it, or it is corrupt) stays where it is and is
 *   counted in KALLOC_POLICY_A_UNMOVED; the others are still moved. For the
 *   statistics, a move is a free in the old policy and an allocation in
 *   the new one. Setting the policy that is already active, with nothing to
 *   move, succeeds and reports KALLOC_POLICY_A_CHANGED 0.
 *
 *   Reply: one KALLOC_CMD_POLICY_SET message with the attributes of
 *   POLICY_GET for the now active policy, plus
 *     KALLOC_POLICY_A_PREVIOUS: u32, the policy that was active before
 *     KALLOC_POLICY_A_CHANGED:  u8, 1 if the active policy changed or a
 *                               buffer moved, else 0
 *     KALLOC_POLICY_A_MIGRATED: u32, buffers moved
 *     KALLOC_POLICY_A_UNMOVED:  u32, buffers that had to stay
 *   then the ACK. When KALLOC_POLICY_A_CHANGED is 1, the same message goes
 *   to the events group.
 *
 *   Errors: EPERM; EINVAL without KALLOC_POLICY_A_ID, or FROM without
 *   MIGRATE; ERANGE for a policy number of 0 or above KALLOC_POLICY_MAX.
 *
 * KALLOC_CMD_STATS_GET
 * --------------------
 *
 *   Statistics. Open to every user. A do; KALLOC_STATS_A_POLICY (u32)
 *   limits the per-policy part to that policy, and the flag
 *   KALLOC_STATS_A_PERF_FLUSH first drains the perf rings, so that the
 *   perf counters are final and every record produced so far was sent
 *   before the reply (what a perf listener reads at its end). The reply is one
 *   KALLOC_CMD_STATS_GET message with the module totals
 *     KALLOC_STATS_A_BUDGET_USED:  u64, bytes charged to the budget
 *     KALLOC_STATS_A_BUDGET_LIMIT: u64, the budget
 *     KALLOC_STATS_A_BUFFERS:      u32, buffers held
 *     KALLOC_STATS_A_BUFFERS_MAX:  u32, max_buffers
 *   the telemetry counters (see "The perf ring" and "Notifications"),
 *   each a u64 since load, summed over CPUs:
 *     KALLOC_STATS_A_PERF_PRODUCED     perf records produced
 *     KALLOC_STATS_A_PERF_DROPPED      records dropped: their CPU's ring
 *                                      was full
 *     KALLOC_STATS_A_PERF_SENT         records in messages netlink took
 *     KALLOC_STATS_A_PERF_SEND_FAILED  records in messages netlink refused
 *                                      (a listener's socket was full)
 *     KALLOC_STATS_A_STATS_SENT, _STATS_SEND_FAILED    the same, in
 *     KALLOC_STATS_A_EVENTS_SENT, _EVENTS_SEND_FAILED  messages, for the
 *                                      stats and events groups
 *   and KALLOC_STATS_A_PERF_ACTIVE (u8, 1 while records are produced),
 *   KALLOC_STATS_A_PERF_RING (u32, records per CPU ring) and
 *   KALLOC_STATS_A_INTERVAL_MS (u32, the stats group's interval);
 *   and one nested KALLOC_STATS_A_POLICY_STATS per policy, in number
 *   order, holding enum kalloc_pstats_attr:
 *     KALLOC_PSTATS_A_POLICY, _NAME          which policy
 *     KALLOC_PSTATS_A_ALLOCS                 u64, buffers allocated (moves
 *                                            in included)
 *     KALLOC_PSTATS_A_FREES                  u64, buffers freed (moves out
 *                                            included)
 *     KALLOC_PSTATS_A_FAILURES               u64, allocations it refused
 *     KALLOC_PSTATS_A_LIVE_BUFFERS           u64, allocs - frees
 *     KALLOC_PSTATS_A_LIVE_BYTES             u64, sizes of its live buffers
 *     KALLOC_PSTATS_A_PEAK_BYTES             u64, highest LIVE_BYTES since
 *                                            load
 *     KALLOC_PSTATS_A_FOOTPRINT_BYTES        u64, memory its live buffers
 *                                            occupy with everything the
 *                                            policy keeps around them (see
 *                                            docs/allocators.md)
 *     KALLOC_PSTATS_A_ARENA_BYTES            u64, as KALLOC_POLICY_A_*
 *     KALLOC_PSTATS_A_FRAG_INTERNAL          u32, hundredths of a percent
 *     KALLOC_PSTATS_A_FRAG_EXTERNAL          u32, hundredths of a percent
 *     KALLOC_PSTATS_A_CANARY_VIOLATIONS      u64, guard damage detected
 *     KALLOC_PSTATS_A_ALLOC_LATENCY          nest, the latency histogram
 *     KALLOC_PSTATS_A_FREE_LATENCY           nest, the same for frees
 *   Fragmentation is of the policy's live state, over the bytes asked of it
 *   (each buffer's size plus its two guards): internal = usable / asked - 1,
 *   external = (footprint - usable) / asked; both are 0 with nothing live,
 *   and either may pass 100% (one small buffer in a fresh slab page).
 *   A latency histogram holds KALLOC_LATENCY_BUCKETS u64 attributes whose
 *   type is the bucket number plus one (and, on some architectures,
 *   padding of type KALLOC_LATENCY_PAD): bucket 0 counts operations that
 *   took under 2 ns, bucket i (1 .. KALLOC_LATENCY_BUCKETS - 2) those that
 *   took 2^i to 2^(i+1) - 1 ns, and the last one everything slower. The
 *   latency is the policy's own alloc or free call, without guards,
 *   zeroing or poisoning. Counters are kept per CPU and summed on read, so
 *   they are exact but need not be mutually consistent within one reply
 *   while operations run.
 *
 *   Errors: ERANGE for a policy number of 0 or above KALLOC_POLICY_MAX.
 *
 * KALLOC_CMD_STATS_SET
 * --------------------
 *
 *   Sets the interval of the stats group's messages. Mutation.
 *
 *   KALLOC_STATS_A_INTERVAL_MS: u32, required, KALLOC_STATS_INTERVAL_MIN_MS
 *                               .. KALLOC_STATS_INTERVAL_MAX_MS
 *
 *   The module parameter stats_interval_ms sets it at load (default
 *   KALLOC_STATS_INTERVAL_DEFAULT_MS). Reply: the ACK.
 *
 *   Errors: EPERM; EINVAL without the interval; ERANGE for an interval
 *   outside its range.
 *
 * KALLOC_CMD_MEMINFO_GET
 * ----------------------
 *
 *   The kernel's memory as a live view: physical memory (nodes, zones,
 *   free pages by order) and the virtual address space. Open to every user.
 *   A do, without attributes. The reply is one KALLOC_CMD_MEMINFO_GET
 *   message with enum kalloc_meminfo_attr:
 *     KALLOC_MEMINFO_A_PAGE_SIZE:   u32, bytes
 *     KALLOC_MEMINFO_A_TOTAL_PAGES: u64, pages of RAM the kernel manages
 *     KALLOC_MEMINFO_A_FREE_PAGES:  u64
 *     KALLOC_MEMINFO_A_ZONE:        nest, enum kalloc_zone_attr, one per
 *                                   populated zone of every online node
 *     KALLOC_MEMINFO_A_TASK_SIZE:   u64, bytes of a process's address space
 *                                   (the user/kernel split)
 *     KALLOC_MEMINFO_A_SEGMENT:     nest, enum kalloc_segment_attr, one per
 *                                   kernel segment, from the top of the
 *                                   address space down
 *     KALLOC_MEMINFO_A_ADDRESSES:   u8, 1 if this reply carries addresses
 *     KALLOC_MEMINFO_A_KASLR:       u8, 1 if the kernel's text or memory
 *                                   layout is randomised (only with
 *                                   addresses: it tells them apart from
 *                                   the defaults)
 *     KALLOC_MEMINFO_A_KASLR_OFFSET: u64, how far the kernel text was moved
 *                                   from where it was linked
 *   A zone carries KALLOC_ZONE_A_NODE, _NAME ("DMA", "DMA32", "Normal",
 *   "Movable", ...), _SPANNED, _PRESENT, _MANAGED, _FREE (pages), the
 *   watermarks _WMARK_MIN, _WMARK_LOW, _WMARK_HIGH (pages, boost included)
 *   and _FREE_AREA: a nest of u64 attributes whose type is the order plus
 *   one, counting the free blocks of each order, as /proc/buddyinfo does.
 *   A segment carries KALLOC_SEGMENT_A_NAME ("kernel image", "modules",
 *   "vmemmap", "vmalloc", "direct map"), _SIZE (bytes), and, only with
 *   addresses, _START and _END (exclusive). The kernel image segment is
 *   the kernel's text and data as kallsyms knows them (from _stext to
 *   _end); every other range is the kernel's own layout constant or base.
 *
 *   Addresses are given only to callers to whom "%pK" would show them:
 *   with kptr_restrict at 1, callers with CAP_SYSLOG whose effective ids
 *   are their real ids. Everyone else gets a reply without any address and
 *   KALLOC_MEMINFO_A_ADDRESSES 0: the attributes are left out, never
 *   faked.
 *
 * KALLOC_CMD_BENCH_RUN
 * --------------------
 *
 *   Runs the allocator benchmark inside the kernel, in the calling
 *   process, and replies when it is done. Mutation (it takes CPU time and
 *   memory outside the budget).
 *
 *   KALLOC_BENCH_A_SCENARIO: u32, enum kalloc_bench_scenario; default: all
 *   KALLOC_BENCH_A_OPS:      u32, 1 .. KALLOC_BENCH_OPS_MAX operations per
 *                            allocator and scenario; default
 *                            KALLOC_BENCH_OPS_DEFAULT
 *   KALLOC_BENCH_A_PERF:     flag, run every allocator twice, without and
 *                            with perf records, to measure what the ring
 *                            costs; the results say which with
 *                            KALLOC_BENCH_R_PERF. Records are produced only
 *                            while someone listens to the perf group.
 *
 *   The scenarios are the userspace benchmark's (alloc/bench/), generated
 *   by the same code with the same seeds. Each runs over every policy on a
 *   private instance with its own memory (never the policies' arenas, never
 *   the budget), over kmalloc (SLUB's kmalloc caches), and, for the "pages"
 *   scenario, over alloc_pages(). Time is taken in batches of operations
 *   (ktime_get_ns() and get_cycles() around each batch); percentiles are
 *   per operation over batches. A run checks for a fatal signal and
 *   reschedules between batches, and stops early after
 *   KALLOC_BENCH_SECONDS_MAX seconds; a result then has fewer operations
 *   than asked.
 *
 *   Reply: one KALLOC_CMD_BENCH_RUN message with one nested
 *   KALLOC_BENCH_A_RESULT per scenario and allocator, in run order,
 *   holding enum kalloc_bench_result_attr:
 *     KALLOC_BENCH_R_SCENARIO   u32, enum kalloc_bench_scenario
 *     KALLOC_BENCH_R_ALLOCATOR  string, a policy name or "alloc_pages"
 *     KALLOC_BENCH_R_POLICY     u32, enum kalloc_policy (absent for
 *                               alloc_pages)
 *     KALLOC_BENCH_R_OPS        u64, operations timed (allocs and frees)
 *     KALLOC_BENCH_R_FAILURES   u64, allocations that returned nothing
 *     KALLOC_BENCH_R_NS         u64, nanoseconds over all batches
 *     KALLOC_BENCH_R_CYCLES     u64, get_cycles() over all batches
 *     KALLOC_BENCH_R_P50_PS     u64, median picoseconds per operation
 *     KALLOC_BENCH_R_P99_PS     u64, 99th percentile, picoseconds
 *     KALLOC_BENCH_R_PERF       u8, 1 if the run produced perf records
 *                               (only with KALLOC_BENCH_A_PERF)
 *     KALLOC_BENCH_R_RECORDS    u64, perf records the run produced
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     ERANGE     0 operations, or more than KALLOC_BENCH_OPS_MAX; a
 *                scenario of 0 or above KALLOC_BENCH_MAX
 *     EBUSY      another BENCH_RUN is running
 *     EINTR      the caller got a fatal signal
 *     ENOMEM     no memory for the workload or an instance
 *
 * KALLOC_CMD_VDEV_NEW
 * -------------------
 *
 *   Creates a virtual device: a misc device /dev/kalloc/NAME (mode 0600,
 *   owner root) with registers, a data window, interrupts, a timer and a
 *   DMA channel to kalloc buffers. <linux/kalloc_vdev.h> is its datasheet
 *   and ioctl interface. Mutation.
 *
 *   KALLOC_VDEV_A_NAME:     string, required, the rule of buffer names
 *   KALLOC_VDEV_A_SIZE:     u32, the window in bytes, 1 ..
 *                           KALLOC_VDEV_WINDOW_MAX; default
 *                           KALLOC_VDEV_WINDOW_DEFAULT
 *   KALLOC_VDEV_A_OWNER:    string, an owner tag, as for buffers
 *   KALLOC_VDEV_A_TIMER_NS: u64, a timer period (KALLOC_VDEV_TIMER_MIN_NS
 *                           .. KALLOC_VDEV_TIMER_MAX_NS); the timer starts
 *                           at once (TIMER_ENABLE is set)
 *
 *   The device starts with control ENABLE | IRQ_ENABLE (plus
 *   TIMER_ENABLE with a period), a zeroed window and no interrupt.
 *
 *   Reply: one KALLOC_CMD_VDEV_NEW message with the attributes of
 *   VDEV_GET, then the ACK.
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     EINVAL     no name; a malformed name or owner
 *     ERANGE     a window size of 0 or above KALLOC_VDEV_WINDOW_MAX; a
 *                timer period out of range
 *     EEXIST     a device of that name exists already
 *     ENOSPC     the module holds KALLOC_VDEV_MAX devices already (cookie
 *                KALLOC_COOKIE_MAX_VDEVS), or the kernel has no misc
 *                device minor number left
 *     ENOMEM     the kernel could not allocate the memory
 *
 * KALLOC_CMD_VDEV_GET
 * -------------------
 *
 *   Describes devices. Open to every user. As a do, KALLOC_VDEV_A_NAME
 *   (required) selects the device; as a dump (no attributes), one message
 *   per device, in creation order. Each reply message carries one
 *   consistent snapshot of the device's registers:
 *     KALLOC_VDEV_A_NAME:          string
 *     KALLOC_VDEV_A_ID:            u32, the device's id (never 0, not
 *                                  reused at once), as in perf records
 *     KALLOC_VDEV_A_OWNER:         string, only if the device has a tag
 *     KALLOC_VDEV_A_MINOR:         u32, the misc device's minor number
 *     KALLOC_VDEV_A_SIZE:          u32, the window in bytes
 *     KALLOC_VDEV_A_OPEN_FILES:    u32, files open on the device
 *     KALLOC_VDEV_A_STATUS:        u32, KALLOC_VDEV_STATUS_*
 *     KALLOC_VDEV_A_CONTROL:       u32, KALLOC_VDEV_CONTROL_*
 *     KALLOC_VDEV_A_TIMER_NS:      u64, the timer period; 0: none set
 *     KALLOC_VDEV_A_IRQ_COUNT:     u64, interrupts raised since creation
 *     KALLOC_VDEV_A_IRQ_UNACKED:   u64, interrupts since the last ACK_IRQ
 *     KALLOC_VDEV_A_DMA_COMPLETED: u64, transfers that succeeded
 *     KALLOC_VDEV_A_DMA_FAILED:    u64, transfers that failed
 *   and, once a transfer was submitted (until a RESET), the last one's:
 *     KALLOC_VDEV_A_DMA_SEQ:        u64, its number (1 for the first)
 *     KALLOC_VDEV_A_DMA_DIRECTION:  u32, enum kalloc_vdev_dma_dir
 *     KALLOC_VDEV_A_DMA_BUFFER:     u32, the buffer's id
 *     KALLOC_VDEV_A_DMA_OFFSET:     u64, where in the buffer
 *     KALLOC_VDEV_A_DMA_DEV_OFFSET: u32, where in the window
 *     KALLOC_VDEV_A_DMA_LENGTH:     u32, bytes it was to move
 *     KALLOC_VDEV_A_DMA_BYTES:      u32, bytes it moved (once ended)
 *     KALLOC_VDEV_A_DMA_ERROR:      u32, 0 or the positive errno it
 *                                   failed with
 *
 *   Errors: EINVAL without a name (do) or with one (dump); ENOENT no
 *   device has that name.
 *
 * KALLOC_CMD_VDEV_DEL
 * -------------------
 *
 *   Deletes a device. Mutation. KALLOC_VDEV_A_NAME, required. The device
 *   node and the name go at once, even with files open: later operations
 *   on them fail with ENODEV, pollers wake with EPOLLERR | EPOLLHUP, the
 *   timer stops, a transfer in flight is finished first, and the memory
 *   is freed when the last file closes. Reply: the ACK.
 *
 *   Errors: EPERM; EINVAL without a name; ENOENT no such device.
 *
 * KALLOC_CMD_VDEV_SET
 * -------------------
 *
 *   Writes the control register and the timer period, as the SET_CONTROL
 *   ioctl does. Mutation.
 *
 *   KALLOC_VDEV_A_NAME:         string, required
 *   KALLOC_VDEV_A_CONTROL:      u32, KALLOC_VDEV_CONTROL_* values
 *   KALLOC_VDEV_A_CONTROL_MASK: u32, the bits of CONTROL to write;
 *                               default: every bit
 *   KALLOC_VDEV_A_TIMER_NS:     u64, a new timer period
 *
 *   Reply: one KALLOC_CMD_VDEV_SET message with the attributes of
 *   VDEV_GET (the new state), then the ACK.
 *
 *   Errors: EPERM; EINVAL no name, a MASK without CONTROL, unknown
 *   control bits, TIMER_ENABLE without a period; ERANGE a period out of
 *   range; EBUSY RESET while a transfer is in flight; ENOENT.
 *
 * KALLOC_CMD_VDEV_IRQ
 * -------------------
 *
 *   Raises one interrupt, as the TRIGGER_IRQ ioctl does. Mutation.
 *   KALLOC_VDEV_A_NAME, required. Reply: the ACK.
 *
 *   Errors: EPERM; EINVAL; ENOENT.
 *
 * KALLOC_CMD_VDEV_DMA
 * -------------------
 *
 *   Starts a transfer, as the DMA_SUBMIT ioctl does. Mutation.
 *
 *   KALLOC_VDEV_A_NAME:           string, required
 *   KALLOC_VDEV_A_DMA_DIRECTION:  u32, required, enum kalloc_vdev_dma_dir
 *   KALLOC_VDEV_A_DMA_BUFFER:     u32, the buffer by id, or
 *   KALLOC_VDEV_A_DMA_BUFFER_NAME: string, the buffer by name (exactly
 *                                 one of the two)
 *   KALLOC_VDEV_A_DMA_OFFSET:     u64, where in the buffer; default 0
 *   KALLOC_VDEV_A_DMA_DEV_OFFSET: u32, where in the window; default 0
 *   KALLOC_VDEV_A_DMA_LENGTH:     u32, bytes; default (or 0): as much as
 *                                 fits in both
 *   KALLOC_VDEV_A_DMA_WAIT:       flag, reply only when the transfer has
 *                                 ended (at most 10 seconds)
 *
 *   Reply: one KALLOC_CMD_VDEV_DMA message with the attributes of
 *   VDEV_GET: without WAIT as the transfer started (its DMA_SEQ), with
 *   WAIT as it ended (DMA_BYTES, DMA_ERROR; a transfer started by someone
 *   else in between would show instead: compare DMA_SEQ), then the ACK.
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     EINVAL     no name or direction; both or neither buffer selectors
 *     ERANGE     an unknown direction; an offset at or past the end of
 *                the buffer (cookie KALLOC_COOKIE_BUFFER_SIZE) or the
 *                window (KALLOC_COOKIE_WINDOW_SIZE); offset + length past
 *                the end of either, or wrapping
 *     ENOENT     no such device, or no such buffer
 *     ENXIO      the device is not enabled (control ENABLE is clear)
 *     EBUSY      a transfer is in flight on the device
 *     EIO        the buffer's guards are damaged
 *     ETIMEDOUT  WAIT: the transfer did not end within 10 seconds
 *     EINTR      WAIT: the caller got a fatal signal
 *
 *   BUFFER_DEL of a buffer in a transfer fails with EBUSY ("the buffer is
 *   in a DMA transfer"); see "DMA" in <linux/kalloc_vdev.h> for the
 *   other ways a buffer can go during a transfer.
 *
 * Notifications
 * -------------
 *
 *   Joining "events" or "stats" needs no privilege. Joining "perf" needs
 *   CAP_NET_ADMIN in the initial user namespace (GENL_MCAST_CAP_NET_ADMIN):
 *   while anyone listens to it, every allocation in the module pays for a
 *   record, so an unprivileged user must not be able to slow every
 *   allocation down, nor watch other users' allocation patterns.
 *
 *   KALLOC_MCGRP_EVENTS: the kernel sends
 *   - KALLOC_CMD_BUFFER_NEW after a buffer is created by netlink, with the
 *     attributes of a BUFFER_GET reply;
 *   - KALLOC_CMD_BUFFER_DEL after a buffer is deleted, with the same
 *     attributes plus KALLOC_BUFFER_A_REASON (u32, enum kalloc_del_reason);
 *   - KALLOC_CMD_BUFFER_SET after a buffer changed size or policy, with the
 *     attributes of a BUFFER_GET reply;
 *   - KALLOC_CMD_BUFFER_CHECK when damaged guards are first found on a
 *     buffer, with the attributes of a BUFFER_GET reply;
 *   - KALLOC_CMD_POLICY_SET after a POLICY_SET that changed something, with
 *     the attributes of its reply;
 *   - KALLOC_CMD_VDEV_NEW after a device is created, KALLOC_CMD_VDEV_DEL
 *     after it is deleted, KALLOC_CMD_VDEV_SET after its control register
 *     or timer period is written (by VDEV_SET or the SET_CONTROL ioctl),
 *     KALLOC_CMD_VDEV_IRQ after an interrupt is raised by VDEV_IRQ or the
 *     TRIGGER_IRQ ioctl, and KALLOC_CMD_VDEV_DMA after a transfer ends,
 *     each with the attributes of a VDEV_GET reply. Timer interrupts are
 *     not announced one by one: a timer can raise 10,000 a second, from
 *     hard interrupt context where no message can be allocated. They are
 *     counted in KALLOC_VDEV_A_IRQ_COUNT of every VDEV_GET reply and of
 *     every other device event; a listener that wants them polls the
 *     device. Each other event is the result of one request, one system
 *     call or one transfer, so their rate is the caller's.
 *   Buffers created at load (names=/values=) exist before the family is
 *   registered, so nobody can be listening: they are not announced. Module
 *   unload sends nothing: the family goes away first.
 *
 *   KALLOC_MCGRP_STATS: while anyone listens, one KALLOC_CMD_STATS_GET
 *   message per interval (KALLOC_CMD_STATS_SET), with the attributes of a
 *   STATS_GET reply for every policy plus KALLOC_STATS_A_SYSTEM, a nest of
 *   enum kalloc_system_attr: the vm event counters that matter here (u64
 *   each: _PGFAULT, _PGMAJFAULT, _PGALLOC summed over zones, _PGFREE,
 *   _ALLOCSTALL summed over zones, _COMPACT_STALL, _COMPACT_FAIL,
 *   _COMPACT_SUCCESS) and one KALLOC_SYSTEM_A_ZONE per populated zone
 *   (enum kalloc_zone_attr: _NODE, _NAME, _FREE and _FREE_AREA). With no
 *   listener nothing is sampled or sent.
 *
 *   KALLOC_MCGRP_PERF: the perf ring's records (see "The perf ring").
 *
 *   A module cannot learn at once that a socket joined a group (Linux 6.1's
 *   genl_family has no bind hook), so kalloc checks for listeners once a
 *   second (genl_has_listeners(), one bitmap test): a socket that joins
 *   "stats" or "perf" starts receiving within one interval (the stats
 *   interval, or the perf drain period) plus a second.
 *
 * The perf ring
 * -------------
 *
 *   While anyone listens to "perf", every allocator operation in the
 *   module (buffer allocations, frees, failures, migrations, guard damage,
 *   benchmark operations and, for the virtual device, DMA transfers and
 *   interrupts) produces one struct kalloc_perf_record in its CPU's ring
 *   (module parameter perf_ring_records, a power of two). Each CPU numbers
 *   its records from 0 in KALLOC_PERF record's seq; a record that finds its
 *   ring full is dropped and counted, never blocking and never overwriting
 *   an unread record, but its number is used, so a gap in one CPU's seq is
 *   exactly the records lost there. A worker drains the rings every
 *   KALLOC_PERF_DRAIN_MS and early when a ring passes half full, and sends
 *   KALLOC_CMD_PERF messages on the perf group, each with records of one
 *   CPU (enum kalloc_perf_attr):
 *     KALLOC_PERF_A_CPU:         u32
 *     KALLOC_PERF_A_FIRST_SEQ:   u64, the seq of the first record
 *     KALLOC_PERF_A_COUNT:       u32, records in KALLOC_PERF_A_RECORDS
 *     KALLOC_PERF_A_LOST:        u64, records that CPU dropped (ring full)
 *                                since its previous message
 *     KALLOC_PERF_A_RECORD_SIZE: u32, bytes per record
 *     KALLOC_PERF_A_RECORDS:     binary, COUNT records of RECORD_SIZE bytes,
 *                                in seq order
 *   RECORD_SIZE is sizeof(struct kalloc_perf_record) of the kernel that
 *   sent it: a newer kernel may append fields, and a client reads the
 *   fields it knows from the start of each record and skips the rest.
 *
 *   Loss is exact. Per CPU, the kernel counts the records it produced, the
 *   ones it dropped, and those in messages that netlink took or refused
 *   (STATS_GET's KALLOC_STATS_A_PERF_*). Once the rings are drained,
 *   produced = dropped + sent + send_failed, and a sole listener that
 *   received every message netlink took sees received + lost = produced,
 *   where lost is the gaps in each CPU's seq. A listener whose socket
 *   overflows also gets ENOBUFS from recvmsg().
 *
 * Room to grow
 * ------------
 *
 *   New commands, attributes, policies, kinds and reasons are appended, so
 *   that existing numbers never change.
 */

#ifndef _UAPI_LINUX_KALLOC_H
#define _UAPI_LINUX_KALLOC_H

#include <linux/types.h>

#define KALLOC_GENL_NAME	"kalloc"
#define KALLOC_GENL_VERSION	1

#define KALLOC_MCGRP_EVENTS	"events"
#define KALLOC_MCGRP_STATS	"stats"
#define KALLOC_MCGRP_PERF	"perf"

/* Bytes in a buffer name, including the terminating NUL. */
#define KALLOC_NAME_MAX		32

/* Bytes in an owner tag, including the terminating NUL. */
#define KALLOC_OWNER_MAX	16

/* Largest buffer one request may create: 1 GiB. */
#define KALLOC_BUFFER_SIZE_MAX	0x40000000ULL

/* Most bytes one BUFFER_READ or BUFFER_WRITE moves: 32 KiB. */
#define KALLOC_IO_MAX		32768

/* Guard bytes on each side of a buffer's data. */
#define KALLOC_GUARD_BYTES	16

/* Buckets of a latency histogram (log2 nanoseconds). */
#define KALLOC_LATENCY_BUCKETS	32

/* BENCH_RUN: operations per allocator and scenario. */
#define KALLOC_BENCH_OPS_MAX		10000000
#define KALLOC_BENCH_OPS_DEFAULT	200000
/* BENCH_RUN stops after this long, whatever is left. */
#define KALLOC_BENCH_SECONDS_MAX	60

/* The stats group's interval, in milliseconds. */
#define KALLOC_STATS_INTERVAL_MIN_MS		10
#define KALLOC_STATS_INTERVAL_MAX_MS		3600000
#define KALLOC_STATS_INTERVAL_DEFAULT_MS	1000

/* How often the perf rings are drained, at the latest. */
#define KALLOC_PERF_DRAIN_MS	100

enum kalloc_cmd {
	KALLOC_CMD_UNSPEC,

	KALLOC_CMD_BUFFER_NEW,
	KALLOC_CMD_BUFFER_GET,
	KALLOC_CMD_BUFFER_DEL,
	KALLOC_CMD_BUFFER_READ,
	KALLOC_CMD_BUFFER_WRITE,
	KALLOC_CMD_BUFFER_CHECK,
	KALLOC_CMD_BUFFER_FLUSH,
	KALLOC_CMD_POLICY_GET,
	KALLOC_CMD_POLICY_SET,
	KALLOC_CMD_STATS_GET,
	KALLOC_CMD_BENCH_RUN,
	KALLOC_CMD_STATS_SET,
	KALLOC_CMD_MEMINFO_GET,
	KALLOC_CMD_PERF,		/* perf group messages only */
	KALLOC_CMD_VDEV_NEW,
	KALLOC_CMD_VDEV_GET,
	KALLOC_CMD_VDEV_DEL,
	KALLOC_CMD_VDEV_SET,
	KALLOC_CMD_VDEV_IRQ,
	KALLOC_CMD_VDEV_DMA,
	KALLOC_CMD_BUFFER_SET,

	__KALLOC_CMD_MAX,
	KALLOC_CMD_MAX = __KALLOC_CMD_MAX - 1
};

/* The allocator policies; the names users read and type in comments. */
enum kalloc_policy {
	KALLOC_POLICY_UNSPEC,

	KALLOC_POLICY_KMALLOC,		/* "kmalloc": kvmalloc, the baseline */
	KALLOC_POLICY_BUDDY,		/* "buddy" */
	KALLOC_POLICY_SLAB,		/* "slab" */
	KALLOC_POLICY_FIRST_FIT,	/* "first-fit" */
	KALLOC_POLICY_BEST_FIT,		/* "best-fit" */
	KALLOC_POLICY_TLSF,		/* "tlsf" */

	__KALLOC_POLICY_MAX,
	KALLOC_POLICY_MAX = __KALLOC_POLICY_MAX - 1
};

enum kalloc_buffer_attr {
	KALLOC_BUFFER_A_UNSPEC,

	KALLOC_BUFFER_A_ID,		/* u32 */
	KALLOC_BUFFER_A_NAME,		/* string */
	KALLOC_BUFFER_A_SIZE,		/* u64 */
	KALLOC_BUFFER_A_ALLOCATOR,	/* string, reply only */
	KALLOC_BUFFER_A_PAD,		/* padding for 64-bit attributes */
	KALLOC_BUFFER_A_POLICY,		/* u32, enum kalloc_policy */
	KALLOC_BUFFER_A_POLICY_NAME,	/* string, reply only */
	KALLOC_BUFFER_A_OWNER,		/* string */
	KALLOC_BUFFER_A_FLAGS,		/* u32, KALLOC_BUFFER_F_* */
	KALLOC_BUFFER_A_PORTID,		/* u32, reply only */
	KALLOC_BUFFER_A_GUARDS,		/* u32, KALLOC_GUARD_*, reply only */
	KALLOC_BUFFER_A_OFFSET,		/* u64 */
	KALLOC_BUFFER_A_LENGTH,		/* u32 */
	KALLOC_BUFFER_A_DATA,		/* binary */
	KALLOC_BUFFER_A_COUNT,		/* u32, reply only */
	KALLOC_BUFFER_A_REASON,		/* u32, enum kalloc_del_reason */

	__KALLOC_BUFFER_A_MAX,
	KALLOC_BUFFER_A_MAX = __KALLOC_BUFFER_A_MAX - 1
};

/* KALLOC_BUFFER_A_FLAGS */
#define KALLOC_BUFFER_F_SOCKET	0x1U	/* freed when its socket closes */
#define KALLOC_BUFFER_F_ALL	KALLOC_BUFFER_F_SOCKET

/* KALLOC_BUFFER_A_GUARDS: which guards were found damaged. */
#define KALLOC_GUARD_HEAD	0x1U	/* the bytes before the data */
#define KALLOC_GUARD_TAIL	0x2U	/* the bytes after the data */

/* Why a buffer was deleted: KALLOC_BUFFER_A_REASON of a BUFFER_DEL event. */
enum kalloc_del_reason {
	KALLOC_DEL_UNSPEC,

	KALLOC_DEL_REQUEST,	/* a BUFFER_DEL request */
	KALLOC_DEL_FLUSH,	/* a BUFFER_FLUSH of its owner tag */
	KALLOC_DEL_SOCKET,	/* its owning socket closed */

	__KALLOC_DEL_MAX,
	KALLOC_DEL_MAX = __KALLOC_DEL_MAX - 1
};

enum kalloc_policy_attr {
	KALLOC_POLICY_A_UNSPEC,

	KALLOC_POLICY_A_ID,		/* u32, enum kalloc_policy */
	KALLOC_POLICY_A_NAME,		/* string, reply only */
	KALLOC_POLICY_A_ACTIVE,		/* u8, reply only */
	KALLOC_POLICY_A_BUFFERS,	/* u32, reply only */
	KALLOC_POLICY_A_ARENA_BYTES,	/* u64, reply only */
	KALLOC_POLICY_A_ARENA_LIMIT,	/* u64, reply only */
	KALLOC_POLICY_A_MIGRATE,	/* flag, POLICY_SET */
	KALLOC_POLICY_A_FROM,		/* u32, enum kalloc_policy, POLICY_SET */
	KALLOC_POLICY_A_PREVIOUS,	/* u32, POLICY_SET reply */
	KALLOC_POLICY_A_CHANGED,	/* u8, POLICY_SET reply */
	KALLOC_POLICY_A_MIGRATED,	/* u32, POLICY_SET reply */
	KALLOC_POLICY_A_UNMOVED,	/* u32, POLICY_SET reply */
	KALLOC_POLICY_A_PAD,

	__KALLOC_POLICY_A_MAX,
	KALLOC_POLICY_A_MAX = __KALLOC_POLICY_A_MAX - 1
};

enum kalloc_stats_attr {
	KALLOC_STATS_A_UNSPEC,

	KALLOC_STATS_A_POLICY,		/* u32, request only */
	KALLOC_STATS_A_BUDGET_USED,	/* u64 */
	KALLOC_STATS_A_BUDGET_LIMIT,	/* u64 */
	KALLOC_STATS_A_BUFFERS,		/* u32 */
	KALLOC_STATS_A_BUFFERS_MAX,	/* u32 */
	KALLOC_STATS_A_POLICY_STATS,	/* nest, enum kalloc_pstats_attr */
	KALLOC_STATS_A_PAD,
	KALLOC_STATS_A_INTERVAL_MS,	/* u32 */
	KALLOC_STATS_A_PERF_ACTIVE,	/* u8 */
	KALLOC_STATS_A_PERF_RING,	/* u32 */
	KALLOC_STATS_A_PERF_PRODUCED,	/* u64 */
	KALLOC_STATS_A_PERF_DROPPED,	/* u64 */
	KALLOC_STATS_A_PERF_SENT,	/* u64 */
	KALLOC_STATS_A_PERF_SEND_FAILED,	/* u64 */
	KALLOC_STATS_A_STATS_SENT,	/* u64 */
	KALLOC_STATS_A_STATS_SEND_FAILED,	/* u64 */
	KALLOC_STATS_A_EVENTS_SENT,	/* u64 */
	KALLOC_STATS_A_EVENTS_SEND_FAILED,	/* u64 */
	KALLOC_STATS_A_SYSTEM,		/* nest, enum kalloc_system_attr */
	KALLOC_STATS_A_PERF_FLUSH,	/* flag, request only */

	__KALLOC_STATS_A_MAX,
	KALLOC_STATS_A_MAX = __KALLOC_STATS_A_MAX - 1
};

/* One policy's statistics, nested in KALLOC_STATS_A_POLICY_STATS. */
enum kalloc_pstats_attr {
	KALLOC_PSTATS_A_UNSPEC,

	KALLOC_PSTATS_A_POLICY,			/* u32, enum kalloc_policy */
	KALLOC_PSTATS_A_NAME,			/* string */
	KALLOC_PSTATS_A_ALLOCS,			/* u64 */
	KALLOC_PSTATS_A_FREES,			/* u64 */
	KALLOC_PSTATS_A_FAILURES,		/* u64 */
	KALLOC_PSTATS_A_LIVE_BUFFERS,		/* u64 */
	KALLOC_PSTATS_A_LIVE_BYTES,		/* u64 */
	KALLOC_PSTATS_A_PEAK_BYTES,		/* u64 */
	KALLOC_PSTATS_A_FOOTPRINT_BYTES,	/* u64 */
	KALLOC_PSTATS_A_ARENA_BYTES,		/* u64 */
	KALLOC_PSTATS_A_FRAG_INTERNAL,		/* u32, 1/100 % */
	KALLOC_PSTATS_A_FRAG_EXTERNAL,		/* u32, 1/100 % */
	KALLOC_PSTATS_A_CANARY_VIOLATIONS,	/* u64 */
	KALLOC_PSTATS_A_ALLOC_LATENCY,		/* nest of u64, see above */
	KALLOC_PSTATS_A_FREE_LATENCY,		/* nest of u64, see above */
	KALLOC_PSTATS_A_PAD,

	__KALLOC_PSTATS_A_MAX,
	KALLOC_PSTATS_A_MAX = __KALLOC_PSTATS_A_MAX - 1
};

/* System metrics of a stats group message, nested in KALLOC_STATS_A_SYSTEM. */
enum kalloc_system_attr {
	KALLOC_SYSTEM_A_UNSPEC,

	KALLOC_SYSTEM_A_PGFAULT,		/* u64 */
	KALLOC_SYSTEM_A_PGMAJFAULT,		/* u64 */
	KALLOC_SYSTEM_A_PGALLOC,		/* u64 */
	KALLOC_SYSTEM_A_PGFREE,			/* u64 */
	KALLOC_SYSTEM_A_ALLOCSTALL,		/* u64 */
	KALLOC_SYSTEM_A_COMPACT_STALL,		/* u64 */
	KALLOC_SYSTEM_A_COMPACT_FAIL,		/* u64 */
	KALLOC_SYSTEM_A_COMPACT_SUCCESS,	/* u64 */
	KALLOC_SYSTEM_A_ZONE,			/* nest, enum kalloc_zone_attr */
	KALLOC_SYSTEM_A_PAD,

	__KALLOC_SYSTEM_A_MAX,
	KALLOC_SYSTEM_A_MAX = __KALLOC_SYSTEM_A_MAX - 1
};

/* One zone of one node: in MEMINFO_GET replies and stats group messages. */
enum kalloc_zone_attr {
	KALLOC_ZONE_A_UNSPEC,

	KALLOC_ZONE_A_NODE,		/* u32 */
	KALLOC_ZONE_A_NAME,		/* string */
	KALLOC_ZONE_A_SPANNED,		/* u64, pages */
	KALLOC_ZONE_A_PRESENT,		/* u64, pages */
	KALLOC_ZONE_A_MANAGED,		/* u64, pages */
	KALLOC_ZONE_A_FREE,		/* u64, pages */
	KALLOC_ZONE_A_WMARK_MIN,	/* u64, pages */
	KALLOC_ZONE_A_WMARK_LOW,	/* u64, pages */
	KALLOC_ZONE_A_WMARK_HIGH,	/* u64, pages */
	KALLOC_ZONE_A_FREE_AREA,	/* nest: u64 free blocks, type order + 1 */
	KALLOC_ZONE_A_PAD,

	__KALLOC_ZONE_A_MAX,
	KALLOC_ZONE_A_MAX = __KALLOC_ZONE_A_MAX - 1
};

/* Padding inside KALLOC_ZONE_A_FREE_AREA and the latency histograms. */
#define KALLOC_ZONE_FREE_AREA_PAD	64
#define KALLOC_LATENCY_PAD		(KALLOC_LATENCY_BUCKETS + 1)

enum kalloc_meminfo_attr {
	KALLOC_MEMINFO_A_UNSPEC,

	KALLOC_MEMINFO_A_PAGE_SIZE,	/* u32 */
	KALLOC_MEMINFO_A_TOTAL_PAGES,	/* u64 */
	KALLOC_MEMINFO_A_FREE_PAGES,	/* u64 */
	KALLOC_MEMINFO_A_ZONE,		/* nest, enum kalloc_zone_attr */
	KALLOC_MEMINFO_A_TASK_SIZE,	/* u64 */
	KALLOC_MEMINFO_A_SEGMENT,	/* nest, enum kalloc_segment_attr */
	KALLOC_MEMINFO_A_ADDRESSES,	/* u8 */
	KALLOC_MEMINFO_A_KASLR,		/* u8 */
	KALLOC_MEMINFO_A_KASLR_OFFSET,	/* u64 */
	KALLOC_MEMINFO_A_PAD,

	__KALLOC_MEMINFO_A_MAX,
	KALLOC_MEMINFO_A_MAX = __KALLOC_MEMINFO_A_MAX - 1
};

/* One segment of the kernel's virtual address space. */
enum kalloc_segment_attr {
	KALLOC_SEGMENT_A_UNSPEC,

	KALLOC_SEGMENT_A_NAME,		/* string */
	KALLOC_SEGMENT_A_START,		/* u64, only with addresses */
	KALLOC_SEGMENT_A_END,		/* u64, exclusive, only with addresses */
	KALLOC_SEGMENT_A_SIZE,		/* u64, bytes */
	KALLOC_SEGMENT_A_PAD,

	__KALLOC_SEGMENT_A_MAX,
	KALLOC_SEGMENT_A_MAX = __KALLOC_SEGMENT_A_MAX - 1
};

/* KALLOC_CMD_PERF messages on the perf group. */
enum kalloc_perf_attr {
	KALLOC_PERF_A_UNSPEC,

	KALLOC_PERF_A_CPU,		/* u32 */
	KALLOC_PERF_A_FIRST_SEQ,	/* u64 */
	KALLOC_PERF_A_COUNT,		/* u32 */
	KALLOC_PERF_A_LOST,		/* u64 */
	KALLOC_PERF_A_RECORD_SIZE,	/* u32 */
	KALLOC_PERF_A_RECORDS,		/* binary, struct kalloc_perf_record[] */
	KALLOC_PERF_A_PAD,

	__KALLOC_PERF_A_MAX,
	KALLOC_PERF_A_MAX = __KALLOC_PERF_A_MAX - 1
};

/* What a perf record is about. */
enum kalloc_perf_type {
	KALLOC_PERF_UNSPEC,

	KALLOC_PERF_ALLOC,	/* a buffer's memory was allocated */
	KALLOC_PERF_FREE,	/* a buffer's memory was freed */
	KALLOC_PERF_FAIL,	/* a policy could not allocate */
	KALLOC_PERF_MIGRATE,	/* a buffer moved to policy (from another) */
	KALLOC_PERF_CANARY,	/* damaged guards were found on a buffer */
	KALLOC_PERF_BENCH_ALLOC,	/* a benchmark allocation (no buffer) */
	KALLOC_PERF_BENCH_FREE,	/* a benchmark free (no buffer) */
	KALLOC_PERF_DMA,	/* a virtual device DMA transfer ended; bytes:
				 * moved (0 if it failed); latency: from
				 * submission to the end
				 */
	KALLOC_PERF_IRQ,	/* a virtual device raised interrupts; bytes:
				 * how many (a late timer raises several)
				 */

	__KALLOC_PERF_MAX,
	KALLOC_PERF_MAX = __KALLOC_PERF_MAX - 1
};

/*
 * One perf record, filled field by field (never copied from a kernel
 * struct); 40 bytes, naturally aligned, no padding. Fields a type does not
 * use are 0. A newer kernel may make it longer: see KALLOC_PERF_A_RECORD_SIZE.
 */
struct kalloc_perf_record {
	__u16 size;		/* bytes of this record, as the kernel knows it */
	__u8 type;		/* enum kalloc_perf_type */
	__u8 policy;		/* enum kalloc_policy; 0 for a device */
	__u32 cpu;		/* the CPU that produced it */
	__u64 seq;		/* that CPU's record number, from 0 */
	__u64 time_ns;		/* CLOCK_MONOTONIC, nanoseconds */
	__u64 bytes;		/* the allocation's or transfer's size */
	__u32 id;		/* buffer id (device: the device's id); 0: none */
	__u32 latency_ns;	/* the operation's latency; 0 if not timed */
};

/* The benchmark's scenarios (alloc/ka_workload.h has their definitions). */
enum kalloc_bench_scenario {
	KALLOC_BENCH_UNSPEC,

	KALLOC_BENCH_UNIFORM,		/* "uniform": 1-4 KiB, random frees */
	KALLOC_BENCH_KERNEL,		/* "kernel": 97% 16-256 B, 3% 4-64 KiB */
	KALLOC_BENCH_PHASE,		/* "phase": fill, then free all in order */
	KALLOC_BENCH_FRAGSTRESS,	/* "fragstress": fill, free a random half */
	KALLOC_BENCH_PAGES,		/* "pages": 1-4 pages, random frees */

	__KALLOC_BENCH_MAX,
	KALLOC_BENCH_MAX = __KALLOC_BENCH_MAX - 1
};

enum kalloc_bench_attr {
	KALLOC_BENCH_A_UNSPEC,

	KALLOC_BENCH_A_SCENARIO,	/* u32, request only */
	KALLOC_BENCH_A_OPS,		/* u32, request only */
	KALLOC_BENCH_A_RESULT,		/* nest, enum kalloc_bench_result_attr */
	KALLOC_BENCH_A_PERF,		/* flag, request only */

	__KALLOC_BENCH_A_MAX,
	KALLOC_BENCH_A_MAX = __KALLOC_BENCH_A_MAX - 1
};

/* One allocator's result in one scenario, nested in KALLOC_BENCH_A_RESULT. */
enum kalloc_bench_result_attr {
	KALLOC_BENCH_R_UNSPEC,

	KALLOC_BENCH_R_SCENARIO,	/* u32 */
	KALLOC_BENCH_R_ALLOCATOR,	/* string */
	KALLOC_BENCH_R_POLICY,		/* u32 */
	KALLOC_BENCH_R_OPS,		/* u64 */
	KALLOC_BENCH_R_FAILURES,	/* u64 */
	KALLOC_BENCH_R_NS,		/* u64 */
	KALLOC_BENCH_R_CYCLES,		/* u64 */
	KALLOC_BENCH_R_P50_PS,		/* u64 */
	KALLOC_BENCH_R_P99_PS,		/* u64 */
	KALLOC_BENCH_R_PAD,
	KALLOC_BENCH_R_PERF,		/* u8 */
	KALLOC_BENCH_R_RECORDS,		/* u64 */

	__KALLOC_BENCH_R_MAX,
	KALLOC_BENCH_R_MAX = __KALLOC_BENCH_R_MAX - 1
};

/* Virtual devices (KALLOC_CMD_VDEV_*); registers in <linux/kalloc_vdev.h>. */
enum kalloc_vdev_attr {
	KALLOC_VDEV_A_UNSPEC,

	KALLOC_VDEV_A_NAME,		/* string */
	KALLOC_VDEV_A_OWNER,		/* string */
	KALLOC_VDEV_A_SIZE,		/* u32, window bytes */
	KALLOC_VDEV_A_MINOR,		/* u32, reply only */
	KALLOC_VDEV_A_OPEN_FILES,	/* u32, reply only */
	KALLOC_VDEV_A_STATUS,		/* u32, KALLOC_VDEV_STATUS_*, reply only */
	KALLOC_VDEV_A_CONTROL,		/* u32, KALLOC_VDEV_CONTROL_* */
	KALLOC_VDEV_A_CONTROL_MASK,	/* u32, VDEV_SET only */
	KALLOC_VDEV_A_TIMER_NS,		/* u64 */
	KALLOC_VDEV_A_IRQ_COUNT,	/* u64, reply only */
	KALLOC_VDEV_A_IRQ_UNACKED,	/* u64, reply only */
	KALLOC_VDEV_A_DMA_COMPLETED,	/* u64, reply only */
	KALLOC_VDEV_A_DMA_FAILED,	/* u64, reply only */
	KALLOC_VDEV_A_DMA_SEQ,		/* u64, reply only */
	KALLOC_VDEV_A_DMA_DIRECTION,	/* u32, enum kalloc_vdev_dma_dir */
	KALLOC_VDEV_A_DMA_BUFFER,	/* u32, a buffer id */
	KALLOC_VDEV_A_DMA_BUFFER_NAME,	/* string, VDEV_DMA only */
	KALLOC_VDEV_A_DMA_OFFSET,	/* u64, in the buffer */
	KALLOC_VDEV_A_DMA_DEV_OFFSET,	/* u32, in the window */
	KALLOC_VDEV_A_DMA_LENGTH,	/* u32 */
	KALLOC_VDEV_A_DMA_BYTES,	/* u32, reply only */
	KALLOC_VDEV_A_DMA_ERROR,	/* u32, a positive errno, reply only */
	KALLOC_VDEV_A_DMA_WAIT,		/* flag, VDEV_DMA only */
	KALLOC_VDEV_A_PAD,
	KALLOC_VDEV_A_ID,		/* u32, reply only */

	__KALLOC_VDEV_A_MAX,
	KALLOC_VDEV_A_MAX = __KALLOC_VDEV_A_MAX - 1
};

/* What the numbers of a struct kalloc_cookie mean. */
enum kalloc_cookie_kind {
	KALLOC_COOKIE_UNSPEC,

	/* a: bytes of the budget still free; b: the budget */
	KALLOC_COOKIE_BUDGET,
	/* a: max_buffers */
	KALLOC_COOKIE_MAX_BUFFERS,
	/* a: the largest buffer the policy could serve now; b: its arena bound */
	KALLOC_COOKIE_LARGEST,
	/* a: the buffer's size */
	KALLOC_COOKIE_BUFFER_SIZE,
	/* a: the device's window size */
	KALLOC_COOKIE_WINDOW_SIZE,
	/* a: KALLOC_VDEV_MAX, the most devices the module holds */
	KALLOC_COOKIE_MAX_VDEVS,

	__KALLOC_COOKIE_MAX,
	KALLOC_COOKIE_MAX = __KALLOC_COOKIE_MAX - 1
};

/* NLMSGERR_ATTR_COOKIE of a refusal with numbers: 20 bytes, no padding. */
struct kalloc_cookie {
	__u32 kind;	/* enum kalloc_cookie_kind */
	__u32 a_lo;	/* a = a_hi << 32 | a_lo */
	__u32 a_hi;
	__u32 b_lo;	/* b = b_hi << 32 | b_lo */
	__u32 b_hi;
};

static inline __u64 kalloc_cookie_a(const struct kalloc_cookie *c)
{
	return (__u64)c->a_hi << 32 | c->a_lo;
}

static inline __u64 kalloc_cookie_b(const struct kalloc_cookie *c)
{
	return (__u64)c->b_hi << 32 | c->b_lo;
}

#endif /* _UAPI_LINUX_KALLOC_H */
