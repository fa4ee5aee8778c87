#!/usr/bin/env bash
# Build mvdm (release) and run the bundled demo program, MANDEL.COM, on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
# The test suite's packages are not needed (-Dtests=disabled: never looked for).
if [ ! -f build-demo/build.ninja ]; then
	meson setup build-demo --buildtype=release -Dtests=disabled >/dev/null
fi
ninja -C build-demo >/dev/null
exec build-demo/tools/mvdm run build-demo/guest/MANDEL.COM
