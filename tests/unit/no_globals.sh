#!/bin/sh
# The library must keep no writable global state: many VMs share one process
# (DESIGN.md). Fails if `nm` shows any .data/.bss symbol in libmvdm.a.
lib=$1
[ -f "$lib" ] || { echo "no library at $lib"; exit 1; }
# Sanitizer builds add their own bookkeeping symbols (__odr_asan.*, ubsan
# source locations): those are the instrumentation's, not ours.
bad=$(nm -C "$lib" | awk '$2 ~ /^[BbDdGgSs]$/ {print $3}' |
	grep -v -E '^(__odr_asan|__asan|__ubsan|__sancov|\.L)' | sort -u)
if [ -n "$bad" ]; then
	echo "writable global data in $lib:"
	echo "$bad"
	exit 1
fi
echo "no writable globals in $(basename "$lib")"
