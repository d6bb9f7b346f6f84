#!/bin/sh
# icount.sh DRIVER OUT.csv [OPS] - instructions per alloc and per free of
# every allocator in every scenario, counted by callgrind.
#
# Two runs per allocator and scenario: one collecting only inside the
# driver's ic_alloc() wrapper, one only inside ic_free() (see icount.c).
# callgrind_annotate gives the wrapper's inclusive cost and its own
# (exclusive) cost; the difference is what the allocator executed, which
# divided by the number of calls the driver reports is the figure in the
# table. The "noop" allocator's figure is the floor (a function that
# returns at once).
#
# The part of it spent in ka_lock()/ka_unlock() is reported beside it.
# That lock is a spinlock like kalloc.ko's (ka_platform_user.h): its
# fast path is inlined into the policy, so no function name carries its
# cost. callgrind still attributes every instruction to its source line,
# inlined ones to the header's lines (the "fi=" records of its output),
# so the lock's share is the Ir on the lines of ka_lock() and ka_unlock()
# in ka_platform_user.h plus everything under the out-of-line contended
# path ka_lock_slow() (never taken on this single thread). The figures
# in the table INCLUDE the lock, as the kernel will run it.
set -eu
# Room in glibc's static TLS for jemalloc's, which the driver dlopen()s
# (see bench/peers.h; kabench re-executes itself with the same).
export GLIBC_TUNABLES=glibc.rtld.optional_static_tls=8192
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

# The line ranges "first last" of ka_lock(), ka_trylock() and ka_unlock()
# in the header.
hdr=$(cd "$(dirname "$0")/.." && pwd)/ka_platform_user.h
lock_lines=$(awk '/^static inline (void|bool) ka_(un|try)?lock\(struct ka_lock \*l\)$/ { a = NR }
	a && /^}$/ { print a, NR; a = 0 }' "$hdr")
if [ "$(echo "$lock_lines" | wc -l)" -ne 3 ]; then
	echo "Error: ka_lock()/ka_trylock()/ka_unlock() not found in $hdr" >&2
	exit 1
fi

# lockcost FILE: the self Ir of the lock's lines and of ka_lock_slow in
# an uncompressed callgrind output (--compress-strings=no
# --compress-pos=no: every cost line is "line Ir" in the current file;
# the line after "calls=" is a callee's inclusive cost and is skipped).
lockcost() {
	awk -v hdr="$hdr" -v ranges="$lock_lines" '
		BEGIN { n = split(ranges, r, /[ \n]/) }
		/^fl=/ { fl = substr($0, 4); file = fl; next }
		/^f[ie]=/ { file = substr($0, 4); next }
		/^fn=/ { fn = substr($0, 4); file = fl; next }
		/^calls=/ { skip = 1; next }
		/^[0-9]/ {
			if (skip) { skip = 0; next }
			hit = fn == "ka_lock_slow"
			for (i = 1; !hit && file == hdr && i < n; i += 2)
				hit = $1 >= r[i] && $1 <= r[i + 1]
			if (hit)
				s += $2
		}
		END { print s + 0 }' "$1"
}

# measure FUNC POLICY SCENARIO: prints "calls instr lock_instr".
measure() {
	f=$tmp/cg.$1.$2.$3
	calls=$(valgrind --tool=callgrind --callgrind-out-file="$f" \
		--compress-strings=no --compress-pos=no \
		--collect-atstart=no --toggle-collect="ic_$1" \
		"$drv" "$2" "$3" "$ops" 2>/dev/null |
		sed -n "s/.*$1=\([0-9]*\).*/\1/p")
	incl=$(cost "$f" "ic_$1" yes)
	self=$(cost "$f" "ic_$1" no)
	lock=$(lockcost "$f")
	echo "$calls $((incl - self)) $lock"
}

per() {
	awk -v c="$1" -v n="$2" 'BEGIN { printf "%.1f", n ? c / n : 0 }'
}

echo "policy,scenario,instr_alloc,instr_free,lock_alloc,lock_free" > "$out"
printf '%-10s %-11s %11s %10s   %s\n' policy scenario instr/alloc \
	instr/free "(of which ka_lock+ka_unlock: alloc, free)"
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
