#!/bin/sh
# icount.sh DRIVER OUT.csv [OPS] - instructions per alloc and per free of
# every allocator in every scenario, counted by callgrind.
#
# Two runs per allocator and scenario: one collecting only inside the
# driver's ic_alloc() wrapper, one only inside ic_free() (see icount.c).
# callgrind_annotate gives the wrapper's inclusive cost and its own
# (exclusive) cost; the difference is what the allocator executed, which
# divided by the number of calls the driver reports is the figure in the
# table. The part of it spent in pthread_mutex_lock/unlock (the
# userspace platform's ka_lock; kalloc.ko takes a spinlock instead) is
# reported beside it. The "noop" allocator's figure is the floor (a
# function that returns at once).
set -eu
drv=$1
out=$2
ops=${3:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v valgrind >/dev/null; then
	echo "Error: valgrind not installed, no instruction counts" >&2
	exit 1
fi

# cost FILE REGEX MODE: the Ir callgrind_annotate attributes to the
# functions whose name matches REGEX (summed), inclusive or not.
cost() {
	callgrind_annotate --auto=no --inclusive="$3" --threshold=100 "$1" 2>/dev/null |
		awk -v re=":($2)(@@[^ ]*)? " '
			$0 !~ /=>/ && $0 ~ re { gsub(",", "", $1); s += $1 }
			END { print s + 0 }'
}

# measure FUNC POLICY SCENARIO: prints "calls instr lock_instr".
measure() {
	f=$tmp/cg.$1.$2.$3
	calls=$(valgrind --tool=callgrind --callgrind-out-file="$f" \
		--collect-atstart=no --toggle-collect="ic_$1" \
		"$drv" "$2" "$3" "$ops" 2>/dev/null |
		sed -n "s/.*$1=\([0-9]*\).*/\1/p")
	incl=$(cost "$f" "ic_$1" yes)
	self=$(cost "$f" "ic_$1" no)
	lock=$(cost "$f" "pthread_mutex_lock|pthread_mutex_unlock" yes)
	echo "$calls $((incl - self)) $lock"
}

per() {
	awk -v c="$1" -v n="$2" 'BEGIN { printf "%.1f", n ? c / n : 0 }'
}

echo "policy,scenario,instr_alloc,instr_free,lock_alloc,lock_free" > "$out"
printf '%-10s %-11s %11s %10s   %s\n' policy scenario instr/alloc \
	instr/free "(of which pthread lock+unlock: alloc, free)"
pols=$("$drv" -l | grep -v '^scenario ')
scs=$("$drv" -l | sed -n 's/^scenario //p')
for p in $pols; do
	for s in $scs; do
		set -- $(measure alloc "$p" "$s")
		a=$(per "$2" "$1")
		la=$(per "$3" "$1")
		set -- $(measure free "$p" "$s")
		r=$(per "$2" "$1")
		lr=$(per "$3" "$1")
		echo "$p,$s,$a,$r,$la,$lr" >> "$out"
		printf '%-10s %-11s %11s %10s   %s, %s\n' "$p" "$s" "$a" "$r" \
			"$la" "$lr"
	done
done
