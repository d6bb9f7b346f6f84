#!/bin/bash
# unit-security.sh: kallocd.service's hardening, scored the way
# "systemd-analyze security" scores it, offline (systemd 252 has
# --offline=true). Fails above 1.5, the issue's bound.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
max=1.5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's|@SBINDIR@|/usr/local/sbin|g' "$top/systemd/kallocd.service.in" \
	> "$tmp/kallocd.service"
if ! command -v systemd-analyze > /dev/null; then
	echo "unit-security: no systemd-analyze: skipped"
	exit 0
fi
line=$(systemd-analyze security --offline=true --no-pager \
	"$tmp/kallocd.service" 2>&1 | grep 'Overall exposure level')
score=$(sed -E 's/.*: ([0-9.]+) .*/\1/' <<< "$line")
echo "unit-security: kallocd.service exposure $score (at most $max)"
awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }' ||
	{ echo "unit-security: FAIL: $line"; exit 1; }
