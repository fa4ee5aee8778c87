#!/usr/bin/env bash
# Install the Debian packages mvdm needs that are missing (Debian 12).
# Usage: scripts/deps.sh [build|test|bench]   (each level includes the previous)
# Needs root (or sudo) only when something is missing.
set -euo pipefail
level=${1:-build}
# libc6-dev: the C library's headers and start files (gcc only recommends it,
# and recommends are not installed here). libcjson-dev: the server
# protocol's JSON lines (mvdmd and the client library).
# console-setup-linux: the console fonts the VGA ROM fonts are built from.
# libpng-dev (with zlib1g-dev): screenshots; libsdl2-dev: the window console.
pkgs=(gcc libc6-dev pkg-config meson ninja-build nasm libcjson-dev console-setup-linux libpng-dev zlib1g-dev libsdl2-dev)
if [ "$level" = test ] || [ "$level" = bench ]; then
	# xvfb, xdotool, xauth: the window console's tests on a virtual X display.
	# groff-base: the man pages' test. strace: counts the DOS kernel's
	# system calls (tests/dos/syscalls_test.sh).
	pkgs+=(libunicorn-dev libcmocka-dev binutils python3 groff-base xvfb xdotool xauth strace)
fi
if [ "$level" = bench ]; then
	pkgs+=(dosbox)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
