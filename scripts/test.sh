#!/usr/bin/env bash
# Build mvdm twice (optimised, and with ASan+UBSan) and run every test in both;
# also compile the release configuration the demo uses (-O3 warns about
# things the other two do not).
# Ends with one line: "N passed, N failed, N skipped" (meson test cases).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

failed_setup=0
build() { # dir, extra meson args...
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
}
build build-test --buildtype=debugoptimized -Dtests=enabled || failed_setup=1
# The sanitizer build at -O1 (with -g): the sanitizers see the same, and the
# tests that run mvdm's own code take about half their -O0 time (fpu-paths
# 112 -> 51 s, vm-api 41 -> 23 s on the development machine).
build build-asan --buildtype=debug -Doptimization=1 -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false || failed_setup=1
build build-release --buildtype=release -Dtests=enabled || failed_setup=1
if [ $failed_setup -ne 0 ]; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
meson test -C build-test --print-errorlogs --num-processes 2 || rc=1
meson test -C build-asan --print-errorlogs --num-processes 2 || rc=1

python3 - build-test/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
py=$?
[ $py -ne 0 ] && rc=1
exit $rc
