#!/bin/bash
# The JSON of bench, bench netlink and the virtual devices (vdev add, show,
# set, dma, ack) against its schemas in docs/schema/, as 75-json-schema
# does for the rest.
# timeout: 300
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

CHECK=$(dirname "$KALLOC_VM_LIB")/json-check

# valid SCHEMA CMD...: CMD succeeds, its stdout validates against SCHEMA.
valid() {
	local schema=$1

	shift
	expect_ok "$@"
	"$CHECK" "$schema" <<< "$out" || fail "'$*' does not match $schema.json"
}

fresh_module
expect_ok kallocctl alloc s 4K policy tlsf

step "bench"
valid bench kallocctl -j bench ops 200
valid bench kallocctl -j bench run scenario uniform ops 100
valid bench-netlink kallocctl -j bench netlink count 3

step "devices"
valid vdevs kallocctl -j vdev add js0 size 4K owner tests
valid vdevs kallocctl -j vdev show
valid vdevs kallocctl -j vdev show js0
valid vdevs kallocctl -j vdev set js0 timer off
valid vdev-dma kallocctl -j vdev dma js0 from-device s
valid vdevs kallocctl -j vdev show js0
assert_eq "$(jq -r '.[0].last_dma.direction' <<< "$out")" from-device "last_dma"
valid vdev-dma kallocctl -j vdev dma js0 to-device s length 16 nowait
expect_ok kallocctl vdev irq js0
valid vdev-ack kallocctl -j vdev ack js0
expect_ok kallocctl vdev del js0

expect_ok kallocctl free s
