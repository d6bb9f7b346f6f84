#!/bin/bash
# The JSON of bench, bench netlink and the virtual devices (vdev add, show,
# set, dma, ack) against its schemas in docs/schema/, as 75-json-schema
# does for the rest.
# timeout: 300
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
expect_ok kallocctl alloc s 4K policy tlsf

step "bench"
json_valid bench kallocctl -j bench ops 200
json_valid bench kallocctl -j bench run scenario uniform ops 100
json_valid bench-netlink kallocctl -j bench netlink count 3

step "devices"
json_valid vdevs kallocctl -j vdev add js0 size 4K owner tests
json_valid vdevs kallocctl -j vdev show
json_valid vdevs kallocctl -j vdev show js0
json_valid vdevs kallocctl -j vdev set js0 timer off
json_valid vdev-dma kallocctl -j vdev dma js0 from-device s
json_valid vdevs kallocctl -j vdev show js0
assert_eq "$(jq -r '.[0].last_dma.direction' <<< "$out")" from-device "last_dma"
json_valid vdev-dma kallocctl -j vdev dma js0 to-device s length 16 nowait
expect_ok kallocctl vdev irq js0
json_valid vdev-ack kallocctl -j vdev ack js0
expect_ok kallocctl vdev del js0

expect_ok kallocctl free s
