#!/bin/bash
# Scripted policy switching under load: several processes create, write,
# read back, verify and free buffers (up to ~70 KB, so writes and reads
# take several chunks) while another switches the active policy in a
# loop, every other time with migrate. Nothing is lost: every read during
# the run matches what was written, and at the end every surviving buffer
# holds what was written, per policy allocs - frees = live buffers, and
# once everything is freed every live-bytes counter is 0. (The harness
# checks that dmesg stays clean.)
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

WORKERS=3
ROUNDS=8
W=$T/w

# worker N: ROUNDS buffers wN-1.. of pseudo-random sizes; even ones are
# freed again. Any failure is appended to $W/fail.
worker() {
	local w=$1 i name size file

	for ((i = 1; i <= ROUNDS; i++)); do
		name=w$w-$i
		size=$(((RANDOM * 32768 + RANDOM) % 70000 + 1))
		file=$W/$name
		head -c "$size" /dev/urandom > "$file"
		if ! kallocctl alloc "$name" "$size" owner load 2>> "$W/err"; then
			echo "alloc $name $size" >> "$W/fail"
			return
		fi
		if ! kallocctl write "$name" file "$file" 2>> "$W/err"; then
			echo "write $name" >> "$W/fail"
			return
		fi
		if ! kallocctl read "$name" | cmp -s - "$file"; then
			echo "read $name: contents differ" >> "$W/fail"
			return
		fi
		if ((i % 2 == 0)); then
			kallocctl free "$name" 2>> "$W/err" || echo "free $name" >> "$W/fail"
			rm -f "$file"
		fi
	done
}

# Cycles through the policies until $W/stop exists; odd switches migrate.
switcher() {
	local policies=(kmalloc buddy slab first-fit best-fit tlsf) n=0 p

	while [ ! -e "$W/stop" ]; do
		p=${policies[n % 6]}
		if ((n % 2)); then
			kallocctl -j policy set "$p" migrate >> "$W/switch.json" 2>> "$W/err" ||
				echo "policy set $p migrate" >> "$W/fail"
		else
			kallocctl -j policy set "$p" >> "$W/switch.json" 2>> "$W/err" ||
				echo "policy set $p" >> "$W/fail"
		fi
		n=$((n + 1))
	done
}

stats_add_up() {
	local bad

	bad=$(kallocctl -j stats |
		jq -r '.policies[] | select(.allocs - .frees != .live_buffers) | .policy')
	[ -z "$bad" ] || fail "allocs - frees != live_buffers for: $bad"
}

fresh_module
mkdir -p "$W"

step "$WORKERS workers of $ROUNDS rounds each, while the policy keeps switching"
switcher &
sw=$!
pids=()
for ((w = 1; w <= WORKERS; w++)); do
	worker "$w" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p"
done
touch "$W/stop"
wait "$sw"
[ -s "$W/err" ] && prefix stderr: < "$W/err"
[ ! -s "$W/fail" ] || fail "under load: $(cat "$W/fail")"
switches=$(jq -s length "$W/switch.json")
migrated=$(jq -s 'map(.migrated) | add' "$W/switch.json")
unmoved=$(jq -s 'map(.unmoved) | add' "$W/switch.json")
echo "switches: $switches, buffers migrated: $migrated, unmoved: $unmoved"
[ "$switches" -ge 4 ] || fail "expected several switches during the run, got $switches"
[ "$migrated" -gt 0 ] || fail "no buffer was migrated during the run"

step "every surviving buffer holds what was written"
expected=$((WORKERS * (ROUNDS - ROUNDS / 2)))
assert_eq "$(kallocctl -j list | jq 'length')" "$expected" "buffers left"
for f in "$W"/w*-*; do
	name=${f##*/}
	kallocctl read "$name" | cmp -s - "$f" || fail "$name: contents differ"
done
expect_ok kallocctl check
assert_eq "$out" "$expected buffers checked, all guards intact" "check"

step "the statistics add up, per policy"
stats_add_up
expect_ok kallocctl -j stats
assert_eq "$(jq '[.policies[].live_buffers] | add' <<< "$out")" "$expected" "live buffers in all"
assert_eq "$(jq '[.policies[].live_bytes] | add' <<< "$out")" \
	"$(jq '.budget_used' <<< "$out")" "live bytes in all against the budget used"

step "after freeing everything every live-bytes counter is 0"
expect_ok kallocctl flush owner load
assert_eq "$out" "flushed $expected buffers with owner load" "flush"
expect_ok kallocctl -j stats
assert_eq "$(jq -c '[.policies[].live_bytes] | unique' <<< "$out")" "[0]" "live bytes"
assert_eq "$(jq -c '[.policies[].live_buffers] | unique' <<< "$out")" "[0]" "live buffers"
stats_add_up
