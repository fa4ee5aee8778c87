#!/bin/bash
# dpmi_test.sh MVDM - the DJGPP programs of ../shared/corpus/dpmi run as a
# user runs them, with CWSDPMI.EXE next to them: the go32 stub loads
# CWSDPMI, which (with no XMS or VCPI host) enters protected mode through
# its raw path, pages, and calls DOS from there. With an x87 both programs
# must print "NO PACKET DRIVER FOUND." and end with exit status 3 (Watt-32's
# sock_init failure) as they do on DOSBox 0.74 (checked with IF ERRORLEVEL
# there). Without one
# they must end in DJGPP's own SIGNOFP report (printed from protected mode
# through CWSDPMI, with the program's segments at base 10000000h): the
# whole path but the coprocessor. Skipped (77) without the corpus.
set -u
MVDM=$(realpath "$1")
SRC=$(realpath -m "$(dirname "$0")/../../../shared/corpus/dpmi")
[ -f "$SRC/CWSDPMI.EXE" ] || { echo "corpus not found at $SRC"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC"/*.EXE "$WORK"/
cd "$WORK"
export XDG_CONFIG_HOME="$WORK/.no-config"
if "$MVDM" settings LISTER.EXE 2>/dev/null | grep -q '^FPU '; then
	fpu=1
else
	fpu=0
fi
fail=0
for prog in LISTER.EXE TCPTALK.EXE; do
	out=$("$MVDM" run --timeout 60 "$prog" 2>&1)
	rc=$?
	if [ $fpu = 1 ]; then
		if ! grep -q '^NO PACKET DRIVER FOUND\.' <<<"$out" || [ $rc -ne 3 ]; then
			echo "FAIL $prog (exit $rc):"; echo "$out"; fail=1
			continue
		fi
	elif ! grep -q '^Exiting due to signal SIGNOFP' <<<"$out" ||
	     ! grep -q '^cs: sel=00a7  base=10000000' <<<"$out"; then
		echo "FAIL $prog (exit $rc, no x87):"; echo "$out"; fail=1
		continue
	fi
	echo "PASS $prog"
done
exit $fail
