#!/bin/sh
# The library must keep no writable global state: many VMs share one process
# (DESIGN.md). Fails if any data symbol of the library lies in a writable
# section: .data, .bss, thread-local .tdata/.tbss, common symbols, or
# -fdata-sections' .data.NAME/.bss.NAME. Const tables of pointers in
# position-independent code live in .data.rel.ro, which the loader makes
# read-only once relocated (RELRO): those are constant and allowed.
lib=$1
[ -f "$lib" ] || { echo "no library at $lib"; exit 1; }
# objdump -t: "VALUE FLAGS SECTION\tSIZE NAME", the flags 7 characters in
# fixed columns after the value (the 7th: O for an object, F a function);
# the section is the field before the size. Common and thread-local
# symbols have no O.
# Sanitizer builds add their own bookkeeping symbols (__odr_asan.*, ubsan
# source locations): those are the instrumentation's, not ours.
bad=$(objdump -t "$lib" | awk '
	$1 ~ /^[0-9a-f]+$/ && NF >= 4 {
		flags = substr($0, length($1) + 2, 7)
		sec = $(NF-2)
		if (sec ~ /^\.data\.rel\.ro/) next
		tls = sec ~ /^\.t(data|bss)(\.|$)/ && substr(flags, 6, 1) != "d"   # TLS objects have no O
		if (sec == "*COM*" || tls || (substr(flags, 7, 1) == "O" && sec ~ /^(\.data|\.bss)(\.|$)/))
			print $NF " (" sec ")"
	}' | grep -v -E '^(__odr_asan|__asan|__ubsan|__sancov|\.L)' | sort -u)
if [ -n "$bad" ]; then
	echo "writable global data in $lib:"
	echo "$bad"
	exit 1
fi
echo "no writable globals in $(basename "$lib")"
