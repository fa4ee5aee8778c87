#!/usr/bin/env bash
# Build mvdm (release) and run the bundled demo program, MANDEL.COM, on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
# The test suite's packages are not needed (-Dtests=disabled: never looked for).
# Quiet unless something fails: then what meson or ninja said.
if [ ! -f build-demo/build.ninja ]; then
	rm -rf build-demo
	if ! out=$(meson setup build-demo --buildtype=release -Dtests=disabled 2>&1); then
		printf '%s\n' "$out" | tail -20 >&2
		echo "demo: meson setup failed (full log: build-demo/meson-logs/meson-log.txt)" >&2
		exit 1
	fi
fi
if ! out=$(ninja -C build-demo 2>&1); then
	printf '%s\n' "$out" | tail -40 >&2
	echo "demo: the build failed" >&2
	exit 1
fi
exec build-demo/tools/mvdm run build-demo/guest/MANDEL.COM
