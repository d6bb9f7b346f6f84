#!/bin/bash
# The bash completion where make install put it, against the real module:
# live buffer, device, owner and policy names come from kallocctl -j.
# (completion/test-completion.sh covers the rest offline, with a stub.)
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

COMPLETION=/usr/share/bash-completion/completions/kallocctl
[ -f "$COMPLETION" ] || fail "make install did not put $COMPLETION"
# shellcheck source=../../../completion/kallocctl
. "$COMPLETION"
complete -p kallocctl | grep -q _kallocctl || fail "no completion registered"

# completes WORDS... -- WANT...: as in completion/test-completion.sh.
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
	_kallocctl
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	echo "\$ kallocctl ${words[*]:1}<TAB> -> $got"
	assert_eq "$got" "$want" "completions of '${words[*]}'"
}

fresh_module
step "no buffers, no devices: nothing to complete, the static words still"
completes kallocctl free '' --
completes kallocctl vdev show '' --
completes kallocctl policy show '' -- kmalloc buddy slab first-fit best-fit tlsf

step "live names"
expect_ok kallocctl alloc web-cache 4K owner web
expect_ok kallocctl alloc web-log 8K owner web
expect_ok kallocctl alloc db 4K owner db
expect_ok kallocctl vdev add dev7 size 4K
completes kallocctl free '' -- web-cache web-log db
completes kallocctl show web- -- web-cache web-log
completes kallocctl -j read d -- db
completes kallocctl flush owner '' -- db web
completes kallocctl vdev irq '' -- dev7
completes kallocctl vdev dma dev7 to-device w -- web-cache web-log
completes kallocctl alloc x 4K policy first -- first-fit

expect_ok kallocctl vdev del dev7
expect_ok kallocctl flush owner web
expect_ok kallocctl free db
