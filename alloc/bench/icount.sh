#!/bin/sh
# icount.sh DRIVER OUT.csv [OPS] - instructions per alloc and per free of
# every allocator in every scenario, counted by callgrind.
#
# Collection is toggled on only inside the driver's ic_alloc()/ic_free()
# wrappers (see icount.c). callgrind_annotate gives each wrapper's
# inclusive cost and its own (exclusive) cost; the difference is what the
# allocator's function executed, which divided by the number of calls the
# driver reports is the figure in the table. The "noop" allocator's
# figure is the floor (a function that returns at once).
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

# cost FILE FUNC MODE: the Ir callgrind_annotate attributes to FUNC.
cost() {
	callgrind_annotate --inclusive="$3" "$1" 2>/dev/null |
		awk -v f=":$2 " 'index($0, f) { gsub(",", "", $1); print $1; exit }'
}

echo "policy,scenario,instr_alloc,instr_free" > "$out"
printf '%-10s %-11s %10s %10s\n' policy scenario instr/alloc instr/free
pols=$("$drv" -l | grep -v '^scenario ')
scs=$("$drv" -l | sed -n 's/^scenario //p')
for p in $pols; do
	for s in $scs; do
		f=$tmp/cg.$p.$s
		calls=$(valgrind --tool=callgrind --callgrind-out-file="$f" \
			--collect-atstart=no --toggle-collect=ic_alloc \
			--toggle-collect=ic_free "$drv" "$p" "$s" "$ops" 2>/dev/null)
		na=$(echo "$calls" | sed -n 's/.*alloc=\([0-9]*\).*/\1/p')
		nf=$(echo "$calls" | sed -n 's/.*free=\([0-9]*\).*/\1/p')
		ia=$(( $(cost "$f" ic_alloc yes) - $(cost "$f" ic_alloc no) ))
		if_=$(( $(cost "$f" ic_free yes) - $(cost "$f" ic_free no) ))
		a=$(awk -v c="$ia" -v n="$na" 'BEGIN { printf "%.1f", n ? c / n : 0 }')
		r=$(awk -v c="$if_" -v n="$nf" 'BEGIN { printf "%.1f", n ? c / n : 0 }')
		echo "$p,$s,$a,$r" >> "$out"
		printf '%-10s %-11s %10s %10s\n' "$p" "$s" "$a" "$r"
	done
done
