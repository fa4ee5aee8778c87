#!/bin/bash
# dpmi_test.sh MVDM [host|cwsdpmi [NAME=VALUE...]] - the DJGPP programs
# of ../shared/corpus/dpmi run as a user runs them, with those DOS
# settings (FPU=none: the path without an x87).
# cwsdpmi (default): with CWSDPMI.EXE next to them and mvdm's DPMI host
# off (DPMI_MEMORY_LIMIT=0): the go32 stub finds no host at INT 2Fh/1687h
# and loads CWSDPMI, which (with no XMS or VCPI host) enters protected
# mode through its raw path, pages, and calls DOS from there.
# host: the programs alone (no CWSDPMI.EXE): the stub must find mvdm's own
# DPMI host (docs/dpmi.md), or it would stop with "no DPMI".
# With an x87 both programs must print "NO PACKET DRIVER FOUND." and end
# with exit status 3 (Watt-32's sock_init failure) as they do on DOSBox
# 0.74 (checked with IF ERRORLEVEL there). Without one they must end in
# DJGPP's own SIGNOFP report, printed from protected mode (through
# CWSDPMI, the program's segments are at base 10000000h): the whole path
# but the coprocessor. Skipped (77) without the corpus.
set -u
MVDM=$(realpath "$1")
MODE=${2:-cwsdpmi}
shift 2 2>/dev/null || shift $#
SRC=$(realpath -m "$(dirname "$0")/../../../shared/corpus/dpmi")
[ -f "$SRC/CWSDPMI.EXE" ] || { echo "corpus not found at $SRC"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ "$MODE" = host ]; then
	cp "$SRC"/LISTER.EXE "$SRC"/TCPTALK.EXE "$WORK"/
	SET=()
	CS_LINE='^cs: sel=[0-9a-f]{4}  base=10000000  limit='
else
	cp "$SRC"/*.EXE "$WORK"/
	SET=(--set DPMI_MEMORY_LIMIT=0)
	CS_LINE='^cs: sel=00a7  base=10000000'
fi
for s in "$@"; do SET+=(--set "$s"); done
cd "$WORK"
export XDG_CONFIG_HOME="$WORK/.no-config"
case $("$MVDM" settings "${SET[@]}" LISTER.EXE 2>/dev/null | awk '$1 == "FPU" { print $2 }') in
'' | none) fpu=0 ;;
*) fpu=1 ;;
esac
fail=0
for prog in LISTER.EXE TCPTALK.EXE; do
	out=$("$MVDM" run --timeout 60 "${SET[@]}" "$prog" 2>&1)
	rc=$?
	if [ $fpu = 1 ]; then
		if ! grep -q '^NO PACKET DRIVER FOUND\.' <<<"$out" || [ $rc -ne 3 ]; then
			echo "FAIL $prog (exit $rc):"; echo "$out"; fail=1
			continue
		fi
	elif ! grep -q '^Exiting due to signal SIGNOFP' <<<"$out" ||
	     ! grep -Eq "$CS_LINE" <<<"$out"; then
		echo "FAIL $prog (exit $rc, no x87):"; echo "$out"; fail=1
		continue
	fi
	echo "PASS $prog ($MODE)"
done
exit $fail
