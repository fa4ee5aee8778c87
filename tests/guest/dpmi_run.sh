#!/bin/bash
# dpmi_run.sh MVDM PROGRAM.COM EXPECTED [NAME=VALUE...] - run a DPMI test
# program (dpmi16.asm, dpmi32.asm) through `mvdm run` as a user would, with
# the DOS settings given, and compare what it prints on the DOS console
# (stdout; the monitor's log goes to stderr) with EXPECTED.
set -u
MVDM=$(realpath "$1")
PROG=$(realpath "$2")
EXPECTED=$(realpath "$3")
shift 3
SET=()
for s in "$@"; do SET+=(--set "$s"); done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
NAME=$(basename "$PROG" | tr a-z A-Z)
cp "$PROG" "$WORK/$NAME"
cd "$WORK"
export XDG_CONFIG_HOME="$WORK/.no-config"
"$MVDM" run --timeout 60 --console=stream "${SET[@]}" "$NAME" >out.txt 2>err.txt
rc=$?
tr -d '\r' <out.txt >actual.txt
if ! diff -u "$EXPECTED" actual.txt; then
	echo "FAIL $NAME (exit $rc); stderr:"
	cat err.txt
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "FAIL $NAME: exit status $rc"
	cat err.txt
	exit 1
fi
echo "PASS $NAME"
