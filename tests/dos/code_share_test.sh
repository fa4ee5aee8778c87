#!/usr/bin/env bash
# code_share_test.sh MVDM PROGDIR - decoded code that outlives a program
# (docs/cpu-speed.md, "Translations that outlive a program"), through
# `mvdm run --stats` on batch files:
#  - CODESHR run twice: the second load writes the bytes that are there, so
#    none of its blocks is dropped or decoded again;
#  - CODESHR, then DOSV (ver.com) loaded over it, then CODESHR again: the blocks DOSV
#    overwrote were parked by its load (over part of their page) and are
#    revived, with or without CODE_SHARING, not decoded again
#    (docs/cpu-speed.md, "Parked blocks"); CODE_SHARING=off takes
#    nothing from a store;
#  - every run prints the same checksum.
set -euo pipefail
mvdm=$(realpath "${1:?usage: code_share_test.sh MVDM PROGDIR}")
progs=${2:?}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp "$progs/codeshr.com" "$w/CODESHR.COM"
cp "$progs/ver.com" "$w/DOSV.COM"
printf 'CODESHR\r\n' >"$w/ONCE.BAT"
printf 'CODESHR\r\nCODESHR\r\n' >"$w/TWICE.BAT"
printf 'CODESHR\r\nDOSV\r\nCODESHR\r\n' >"$w/OVER.BAT"
fail=0
stat() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$w/$2.err"; }
run() { # NAME BAT [mvdm options]
	local name=$1 bat=$2
	shift 2
	(cd "$w" && "$mvdm" run --stats "$@" "$bat" >"$w/$name.out" 2>"$w/$name.err") || {
		echo "FAIL: $name: mvdm run exited with $?"; cat "$w/$name.err"; fail=1; }
}
run once ONCE.BAT
run twice TWICE.BAT
run over OVER.BAT
run over_off OVER.BAT --set CODE_SHARING=off
sum=$(tr -d '\r' <"$w/once.out" | grep -E '^[0-9A-F]{4}$' || true)
[ -n "$sum" ] || { echo "FAIL: no checksum from CODESHR: $(cat "$w/once.out")"; fail=1; }
for r in twice over over_off; do
	n=$(tr -d '\r' <"$w/$r.out" | grep -cx "$sum" || true)
	[ "$n" = 2 ] || { echo "FAIL: $r printed the checksum $n times, not 2"; fail=1; }
done
echo "once:     $(tr '\n' ' ' <"$w/once.err")"
echo "twice:    $(tr '\n' ' ' <"$w/twice.err")"
echo "over:     $(tr '\n' ' ' <"$w/over.err")"
echo "over_off: $(tr '\n' ' ' <"$w/over_off.err")"
# Twice: the second CODESHR decodes nothing (at most a few blocks of the
# shell's own that its run touches differently) and drops none of its blocks.
r1=$(stat blocks_recorded once) r2=$(stat blocks_recorded twice)
if [ $((r2 - r1)) -ge 20 ]; then
	echo "FAIL: running CODESHR again decoded $((r2 - r1)) blocks more (once $r1, twice $r2)"; fail=1
fi
# Over: DOSV (about 100 bytes) overwrote CODESHR's first dozen blocks;
# its load parked them, and CODESHR's load again revives them, with or
# without sharing (sharing decodes no more).
v=$(stat revived over) voff=$(stat revived over_off)
ro=$(stat blocks_recorded over) roff=$(stat blocks_recorded over_off)
if [ "$v" -lt 8 ] || [ "$voff" -lt 8 ] || [ "$ro" -gt "$roff" ]; then
	echo "FAIL: CODESHR loaded over DOSV: $v blocks revived, $ro decoded ($voff and $roff without sharing)"; fail=1
fi
hoff=$(stat store_hits over_off)
[ "$hoff" = 0 ] || { echo "FAIL: CODE_SHARING=off took $hoff blocks from a store"; fail=1; }
[ $fail = 0 ] && echo "ok: code sharing"
exit $fail
