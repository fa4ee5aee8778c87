#!/bin/sh
# Usage: demo_setup.sh SOURCE_DIR
# The demo's configuration (scripts/demo.sh: -Dtests=disabled) must succeed
# with the test suite's packages hidden (hide_test_packages.sh) and must not
# even look for them: meson's log names every dependency it looked for.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hide_dir=$tmp/hide
. "$src/tests/build/hide_test_packages.sh"
if pkg-config --exists cmocka || pkg-config --exists unicorn; then
	echo "FAIL: the test packages are still visible to pkg-config"
	exit 1
fi
if ! meson setup "$tmp/build" "$src" --buildtype=release -Dtests=disabled >"$tmp/setup.log" 2>&1; then
	cat "$tmp/setup.log"
	echo "FAIL: the demo's meson setup failed without the test packages"
	exit 1
fi
looked=$(grep -i -E "dependency (cmocka|unicorn)" "$tmp/build/meson-logs/meson-log.txt" || true)
if [ -n "$looked" ]; then
	echo "$looked"
	echo "FAIL: the demo's meson setup looked for a test package"
	exit 1
fi
# What the demo runs is still built: the mvdm command and MANDEL.COM.
targets=$(meson introspect --targets "$tmp/build")
for t in '"name": "mvdm"' '"name": "MANDEL.COM"'; do
	case $targets in
	*"$t"*) ;;
	*) echo "FAIL: no target $t in the demo's build"; exit 1 ;;
	esac
done
echo "the demo configures without cmocka and unicorn and never looks for them"
