#!/usr/bin/env bash
# Installs every Debian package kalloc needs, idempotently. Run as root on
# Debian 12; a no-op (no apt-get at all) when everything is present.
set -euo pipefail

pkgs=(
	build-essential pkg-config git
	linux-headers-amd64 linux-image-amd64 linux-source-6.1 kmod
	qemu-system-x86 busybox-static cpio xz-utils
	libnl-3-dev libnl-genl-3-dev libnl-utils libsystemd-dev check
	sparse clang libclang-rt-14-dev valgrind gnuplot-nox mandoc man-db
	python3 python3-yaml python3-jsonschema linux-source-6.12
	libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4
	python3-jsonschema jq bash-completion strace
	debhelper dh-dkms dkms lintian man-db
	# the kernel gauntlet (tests/gauntlet): unshare and setpriv for its
	# callers, python3 for the scorecard (docs/reliability.md)
	util-linux python3
	# building the debug lane's kernel from linux-source (tests/debug/)
	flex bison bc libelf-dev
	# kallocd: the metrics endpoint, and promtool to check what it serves
	libmicrohttpd-dev prometheus curl
)

# prometheus is here for promtool only: its server must not start at boot,
# least of all in the test VM, which boots this machine's root.
quiet_prometheus() {
	if [ -e /etc/systemd/system/multi-user.target.wants/prometheus.service ]; then
		systemctl disable prometheus.service > /dev/null 2>&1 ||
			rm -f /etc/systemd/system/multi-user.target.wants/prometheus.service
	fi
}

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	[ "$(id -u)" -ne 0 ] || quiet_prometheus
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "Error: missing packages (${missing[*]}); run 'make deps' as root" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
quiet_prometheus
