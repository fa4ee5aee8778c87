#!/usr/bin/env bash
# The README's first command on a clean clone, with the test suite's
# packages hidden (tests/build/hide_test_packages.sh: CI's machine has them
# installed, a fresh one would not): scripts/demo.sh must build mvdm and
# draw the Mandelbrot. Run by .ci/run before the test suite, so CI also
# proves the demo works first, before scripts/test.sh ever ran.
# Ends with "N passed, N failed" (one check).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "fresh demo: $*"
	echo "0 passed, 1 failed"
	exit 1
}
git clone -q --no-hardlinks "$repo" "$tmp/mvdm" || fail "cannot clone $repo"
hide_dir=$tmp/hide
. "$repo/tests/build/hide_test_packages.sh"
cd "$tmp/mvdm" || fail "no clone"
out=$(scripts/demo.sh </dev/null 2>"$tmp/demo.err")
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/demo.err"; fail "scripts/demo.sh exited with $rc"; }
lines=$(printf '%s\n' "$out" | wc -l)
printf '%s\n' "$out" | grep -q '%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%' && [ "$lines" -ge 20 ] ||
	fail "scripts/demo.sh did not draw the Mandelbrot ($lines lines)"
grep -q -E "dependency (cmocka|unicorn)" build-demo/meson-logs/meson-log.txt &&
	fail "the demo's build looked for a test package"
echo "fresh demo: scripts/demo.sh on a clean clone without the test packages drew the Mandelbrot"
echo "1 passed, 0 failed"
