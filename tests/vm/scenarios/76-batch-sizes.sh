#!/bin/bash
# kallocctl -batch against the module: many commands over one netlink
# socket (counted with strace), FILE:LINE for the first failure and a stop
# there, -force going on, "-batch -" from a pipe, JSON lines, plan diff's
# status 4 not stopping a batch; then the
# exact sizes of issue 11: what list prints in SIZE, alloc takes back as
# the same bytes, and -b prints the bytes themselves. The cost of a batch
# against one process per command is 78-batch-bench.
# timeout: 300
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module

step "a batch: every line, one netlink socket"
cat > "$T/ok" <<'B'
# buffers for the batch test
alloc b1 4K
alloc "b2" 1536K policy kmalloc   # a comment after a command
write b1 data "two words"
set b2 size 2M
list
B
expect_ok strace -f -qq -e trace=socket -o "$T/strace" kallocctl -batch "$T/ok"
assert_eq "$(grep -c 'AF_NETLINK' "$T/strace")" 1 "netlink sockets opened by the batch"
assert_eq "$(awk '$2 ~ /^b[12]$/ { print $2, $3 }' <<< "$out" | tail -n 2 | tr '\n' ' ')" \
	"b1 4K b2 2M " "list's rows at the end of the batch output"
assert_eq "$(kallocctl read b1 length 9)" "two words" "b1's contents"
assert_eq "$(buffer_field b2 size)" 2097152 "b2's size after set"

step "the first failure stops the batch, named FILE:LINE"
printf 'alloc c1 1K\nalloc c1 1K\nalloc c2 1K\n' > "$T/dup"
expect_fail_with "$T/dup:2: " 1 kallocctl -batch "$T/dup"
assert_eq "$(kallocctl -j list | jq -r '[.[].name] | sort | join(" ")')" "b1 b2 c1" \
	"buffers after the stopped batch"
expect_ok kallocctl free c1

step "-force goes on; the status is the first failure's"
printf 'alloc c1 1K\nalloc c1 1K\nalloc c2 1K\nfree nosuch\n' > "$T/dup"
run kallocctl -force -batch "$T/dup"
assert_eq "$rc" 1 "exit status of the forced batch"
assert_eq "$(grep -c '^Error: ' <<< "$err")" 2 "error lines of the forced batch"
assert_contains "$err" "Error: $T/dup:2: "
assert_contains "$err" "Error: $T/dup:4: "
assert_eq "$(kallocctl -j list | jq -r '[.[].name] | sort | join(" ")')" "b1 b2 c1 c2" \
	"buffers after the forced batch"

step "-batch - reads standard input; JSON: one document per command"
run sh -c 'printf "show b1\nfree c1\nshow b2\nfree c2\n" | kallocctl -j -batch -'
assert_eq "$rc" 0 "exit status"
assert_eq "$(jq -sc '[.[] | .[0].name]' <<< "$out")" '["b1","b2"]' "JSON lines"

step "-j: the error object of the failed line names FILE and LINE (docs/schema)"
printf 'list\nfree nosuch\nlist\n' > "$T/batch"
run kallocctl -j -batch "$T/batch"
assert_eq "$rc" 1 "exit status of the failed batch"
"$JSON_CHECK" --lines buffers <<< "$(head -n 1 <<< "$out")" || fail "batch: list"
"$JSON_CHECK" error <<< "$(tail -n 1 <<< "$out")" || fail "batch: the error object"
assert_eq "$(tail -n 1 <<< "$out" | jq -c '[.file, .line]')" "[\"$T/batch\",2]" \
	"the failed line in the error object"
assert_eq "$(wc -l <<< "$out")" 2 "batch output lines (stopped at line 2)"

step "plan diff's status 4 (changes) is a report: the batch goes on, exits 4"
mkdir -p "$T/plan"
echo 'buffer pd1 size 4K' > "$T/plan/pd.plan"
printf 'plan diff %s\nalloc pd2 1K\n' "$T/plan" > "$T/diff"
run kallocctl -batch "$T/diff"
assert_eq "$rc" 4 "exit status of a batch whose plan diff found changes"
assert_contains "$out" "pd1"
assert_eq "$(kallocctl -j list | jq -r '[.[].name | select(startswith("pd"))] | join(" ")')" \
	pd2 "the line after the diff ran"
printf 'plan diff %s\nfree nosuch\nalloc pd3 1K\n' "$T/plan" > "$T/diff"
run kallocctl -batch "$T/diff"
assert_eq "$rc" 1 "a failure after a diff with changes: its status wins"
expect_ok kallocctl free pd2


step "exact sizes: list's SIZE column is what alloc takes back"
for s in 1000 1536 1536K 1025K 4097 2049K; do
	expect_ok kallocctl alloc "s$s" "$s"
done
expect_ok kallocctl list
while read -r name size; do
	expect_ok kallocctl alloc "r$name" "$size"
	assert_eq "$(buffer_field "r$name" size)" "$(buffer_field "$name" size)" \
		"bytes of $name printed as $size and allocated back"
done < <(awk 'NR > 1 && $2 ~ /^s/ { print $2, $3 }' <<< "$out")
expect_ok kallocctl list
assert_eq "$(awk '$2 == "s1536K" { print $3 }' <<< "$out")" 1536K "1536K in list"
assert_eq "$(awk '$2 == "s1536" { print $3 }' <<< "$out")" 1536 "1536 in list"
expect_ok kallocctl -b list
assert_eq "$(awk '$2 == "s1536K" { print $3 }' <<< "$out")" 1572864 "-b list"
expect_ok kallocctl --bytes policy show
expect_ok kallocctl -b stats
assert_contains "$out" "budget: "
