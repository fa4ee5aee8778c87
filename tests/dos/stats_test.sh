#!/usr/bin/env bash
# stats_test.sh MVDM PROGDIR - `mvdm run --stats` prints the CPU's figures,
# among them jit_fallbacks (compiled code's inline instructions that
# called their handler): FALLBK's hot loop makes 2,000 such calls with
# the JIT forced on, and none with it off.
set -euo pipefail
mvdm=$(realpath "${1:?usage: stats_test.sh MVDM PROGDIR}")
progs=${2:?}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp "$progs/fallbk.com" "$w/FALLBK.COM"
fail=0
for jit in force off; do
	(cd "$w" && MVDM_JIT=$jit "$mvdm" run --stats FALLBK.COM >"$w/out" 2>"$w/err") || {
		echo "FAIL: MVDM_JIT=$jit: mvdm run exited with $?"; cat "$w/err"; fail=1; continue; }
	grep -q 'fallbk: ok' "$w/out" || { echo "FAIL: MVDM_JIT=$jit: printed $(cat "$w/out")"; fail=1; }
	n=$(sed -n 's/.* jit_fallbacks=\([0-9]*\).*/\1/p' "$w/err")
	echo "MVDM_JIT=$jit: jit_fallbacks=$n"
	case "$jit" in
	force) [ -n "$n" ] && [ "$n" -ge 1900 ] && [ "$n" -le 2000 ] || { echo "FAIL: jit_fallbacks=$n, not 1900-2000"; fail=1; } ;;
	off) [ "$n" = 0 ] || { echo "FAIL: jit_fallbacks=$n with the JIT off"; fail=1; } ;;
	esac
done
exit $fail
