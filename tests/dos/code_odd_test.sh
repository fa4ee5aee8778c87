#!/usr/bin/env bash
# code_odd_test.sh MVDM PROGDIR - code in odd places (progs/codeodd.asm:
# video memory, the HMA and its wrap with A20 off, overlapping entry points,
# code that rewrites every next instruction, an instruction across a page
# boundary), on every CPU model, with the JIT off and forced on, with
# DOS in the HMA and with the code store off. Every run must pass all its
# checks (exit code 0). The prefetch queue's model is off (CPU_PREFETCH):
# the loop whose every instruction rewrites the next checks that each
# write is seen at once (tests/guest/prefetch.asm checks the queue).
set -euo pipefail
mvdm=$(realpath "${1:?usage: code_odd_test.sh MVDM PROGDIR}")
progs=${2:?}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp "$progs/codeodd.com" "$w/CODEODD.COM"
fail=0 runs=0
run() { # JIT [mvdm run options]
	local jit=$1
	shift
	runs=$((runs + 1))
	local out rc=0
	out=$(cd "$w" && MVDM_JIT=$jit "$mvdm" run --set CPU_PREFETCH=off "$@" CODEODD.COM 2>&1) || rc=$?
	if [ $rc -ne 0 ] || ! grep -q "all [0-9]* checks passed" <<<"$out"; then
		echo "FAIL: MVDM_JIT=$jit mvdm run $* CODEODD.COM (exit $rc):"
		grep -v '^PASS' <<<"$out" | sed 's/^/    /'
		fail=1
	else
		echo "ok: MVDM_JIT=$jit $*: $(tail -n 1 <<<"$out" | tr -d '\r')"
	fi
}
for jit in off force; do
	for cpu in 8086 80186 80286 80386 80486; do
		run "$jit" --cpu "$cpu"
	done
	run "$jit" --set DOS_HIGH=on
	run "$jit" --set CODE_SHARING=off
done
[ $fail -eq 0 ] && echo "all $runs runs passed"
exit $fail
