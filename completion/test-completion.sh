#!/bin/bash
# Drives _kallocctl (completion/kallocctl) the way bash does: COMP_WORDS,
# COMP_CWORD in, COMPREPLY out. Usage: test-completion.sh KALLOCCTL
#
# Offline: a stub kallocctl first on PATH answers "-j list", "-j vdev
# show" and "-j policy show" with canned JSON, so live names are tested
# without the module; the VM (tests/vm/scenarios/77-completion.sh) does the
# same against the real one. KALLOCCTL (the built binary) is asked for
# each object's help, so the completion's verb tables cannot drift from
# the CLI's.
set -u
real=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

cat > "$tmp/kallocctl" <<'STUB'
#!/bin/sh
case "$*" in
"-j list") echo '[{"id":1,"name":"alpha","size":4096,"owner":"web"},{"id":2,"name":"beta","size":1024,"owner":"db"},{"id":3,"name":"gamma","size":1,"owner":"web"}]' ;;
"-j vdev show") echo '[{"name":"dev0","owner":""},{"name":"dev1","owner":"x"}]' ;;
"-j policy show") echo '[{"policy_id":1,"policy":"kmalloc"},{"policy_id":9,"policy":"newpol"}]' ;;
*) exit 3 ;;
esac
STUB
chmod +x "$tmp/kallocctl"
PATH=$tmp:$PATH

# shellcheck source=kallocctl
. "$here/kallocctl"

# completes WORDS... -- WANT...: the last word before -- is the one being
# completed; COMPREPLY, sorted, must be WANT.
completes() {
	local words=() want got

	while [ "$1" != -- ]; do
		words+=("$1")
		shift
	done
	shift
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#words[@]} - 1))
	COMPREPLY=()
	_kallocctl kallocctl "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]:-}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: [${words[*]}]: got [$got], want [$want]"
		fail=$((fail + 1))
	fi
}

# Top level: commands, objects, options.
completes kallocctl '' -- alloc free list show set read write check flush \
	monitor meminfo buffer policy stats bench plan vdev help
completes kallocctl a -- alloc
completes kallocctl -j '' -- alloc free list show set read write check flush \
	monitor meminfo buffer policy stats bench plan vdev help
completes kallocctl -j -p s -- show set stats
completes kallocctl --j -- --json
completes kallocctl -t -- -t
completes kallocctl -t m -- monitor meminfo
completes kallocctl -b -- -b -batch
completes kallocctl -batch '' -- $(compgen -f -- '')
completes kallocctl -batch f -force l -- list

# Objects and their verbs.
completes kallocctl buffer '' -- alloc free list show set read write check \
	flush help
completes kallocctl policy '' -- show set help
completes kallocctl vdev '' -- show add del set irq ack dma help
completes kallocctl bench '' -- run netlink help scenario ops perf
completes kallocctl stats '' -- show interval help kmalloc buddy slab first-fit \
	best-fit tlsf newpol

# Live buffer names, from kallocctl -j list.
completes kallocctl free '' -- alpha beta gamma
completes kallocctl show a -- alpha
completes kallocctl buffer show '' -- alpha beta gamma
completes kallocctl -j read g -- gamma
completes kallocctl show alpha '' --
completes kallocctl vdev dma dev0 from-device '' -- alpha beta gamma

# Keywords, used ones left out, and their values.
completes kallocctl alloc x 4K '' -- policy owner hold
completes kallocctl alloc x 4K hold '' -- policy owner
completes kallocctl alloc x 4K policy '' -- kmalloc buddy slab first-fit \
	best-fit tlsf newpol
completes kallocctl alloc x 4K policy t -- tlsf
completes kallocctl alloc x 4K owner '' -- web db
completes kallocctl alloc x '' --
completes kallocctl read alpha '' -- offset length hex
completes kallocctl read alpha offset '' --
completes kallocctl write alpha '' -- offset data file -
completes kallocctl set alpha '' -- size policy
completes kallocctl flush '' -- owner
completes kallocctl flush owner '' -- db web
completes kallocctl policy set s -- slab
completes kallocctl policy set slab '' -- migrate
completes kallocctl policy set slab migrate '' -- from
completes kallocctl policy set slab migrate from b -- buddy best-fit
completes kallocctl bench run '' -- scenario ops perf
completes kallocctl bench run perf '' -- scenario ops
completes kallocctl bench run scenario '' -- uniform kernel phase \
	fragstress pages
completes kallocctl bench netlink '' -- count

# Telemetry: monitor's sources and keywords, meminfo's nothing.
completes kallocctl monitor '' -- events perf stats count duration rcvbuf \
	-t help
completes kallocctl monitor perf '' -- events stats count duration rcvbuf -t
completes kallocctl monitor duration '' --
completes kallocctl -j monitor events count 5 '' -- perf stats duration \
	rcvbuf -t
completes kallocctl meminfo '' -- help
completes kallocctl meminfo help '' --

# Plans: files, and apply's dry-run once.
completes kallocctl plan '' -- check diff apply status help
completes kallocctl plan apply dry -- dry-run
completes kallocctl plan apply dry-run dry --
completes kallocctl plan status '' --

# Devices.
completes kallocctl vdev show '' -- dev0 dev1
completes kallocctl vdev ack d -- dev0 dev1
completes kallocctl vdev set dev0 '' -- enable disable irq-enable \
	irq-disable timer reset
completes kallocctl vdev set dev0 timer '' -- off
completes kallocctl vdev dma dev1 '' -- to-device from-device
completes kallocctl vdev dma dev1 to-device alpha '' -- offset \
	device-offset length nowait
completes kallocctl vdev add d0 '' -- size timer owner

# Without the module (the stub fails) live lists are empty, nothing breaks.
mv "$tmp/kallocctl" "$tmp/kallocctl.off"
printf '#!/bin/sh\nexit 3\n' > "$tmp/kallocctl"
chmod +x "$tmp/kallocctl"
completes kallocctl free '' --
completes kallocctl policy show '' -- kmalloc buddy slab first-fit best-fit tlsf

# The verb tables are the CLI's: each object's help lists the same verbs.
for obj in buffer policy stats bench plan vdev; do
	help=$("$real" "$obj" help | sed -n '/^Verbs/,/^$/p' |
		awk '/^  [a-z]/ { print $1 }' | sort | tr '\n' ' ')
	mine=$(printf '%s\n' $(_kallocctl_verbs "$obj") | sort | tr '\n' ' ')
	if [ "$help" = "$mine" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: $obj verbs: help says [$help], completion [$mine]"
		fail=$((fail + 1))
	fi
done

echo "completion: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
