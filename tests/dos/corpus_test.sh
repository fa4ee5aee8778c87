#!/bin/bash
# corpus_test.sh MVDM SRCDIR CASE [BUILTDIR] - run one end-to-end case through the
# `mvdm` command line, as a user would, and compare what it prints (CR
# removed) with tests/dos/golden/CASE.out. Real DOS programs come from
# ../shared/corpus/msdos (skipped, exit 77, when it is not there); our own
# sources from tests/dos/progs. Each case works in a fresh directory.
set -u
MVDM=$(realpath "$1")
SRC=$(realpath "$2")
CASE=$3
BUILT=${4:-}
CORPUS=$(realpath -m "$SRC/../../../shared/corpus/msdos")
[ -d "$CORPUS/v2.0" ] || { echo "corpus not found at $CORPUS"; exit 77; }
V2=$CORPUS/v2.0
V4=$CORPUS/v4.0-tools
WORK=$(mktemp -d)
OUT=$(mktemp -d)
trap 'rm -rf "$WORK" "$OUT"' EXIT
cp "$SRC"/progs/* "$WORK"/
[ -n "$BUILT" ] && cp "$BUILT"/*.com "$BUILT"/*.exe "$WORK"/ 2>/dev/null
cd "$WORK"
# No user settings files of whoever runs the tests (case_settings makes its own).
export XDG_CONFIG_HOME="$WORK/.no-config"
TOOLS4=(-d "T=$V4" -e 'PATH=T:\' -e 'LIB=T:\LIB' -e 'TMP=C:\')
run() { "$MVDM" run --timeout 120 "$@"; echo "[exit $?]"; }

case_masm2() {
	run --dos-version 2.0 "$V2/MASM.EXE" 'hello;'
	run --dos-version 2.0 "$V2/LINK.EXE" 'hello;'
	run hello.exe
}

case_masm4() {
	run "${TOOLS4[@]}" MASM 'hello;'
	run "${TOOLS4[@]}" LINK 'hello;'
	run hello.exe
}

case_cl_small() {
	run "${TOOLS4[@]}" CL -AS small.c
	run small.exe hello
}

case_cl_large() {
	run "${TOOLS4[@]}" CL -AL large.c
	run large.exe
}

case_nmake() {
	run "${TOOLS4[@]}" NMAKE
	run prog.exe
	tr -d '\r' < built.txt
	echo "-- nothing to do the second time:"
	run "${TOOLS4[@]}" NMAKE
}

case_filters() {
	echo "-- SORT with host redirection"
	run --dos-version 2.0 "$V2/SORT.EXE" < fruit.txt
	echo "-- SORT /R"
	run --dos-version 2.0 "$V2/SORT.EXE" /R < fruit.txt
	echo "-- FIND"
	run --dos-version 2.0 "$V2/FIND.EXE" '"an"' fruit.txt
	echo "-- FIND /C /V"
	run --dos-version 2.0 "$V2/FIND.EXE" /C /V '"an"' fruit.txt
	echo "-- FC"
	run --dos-version 2.0 "$V2/FC.EXE" fruit.txt fruit2.txt
	echo "-- MORE"
	run --dos-version 2.0 "$V2/MORE.COM" < fruit.txt
	echo "-- pipes and redirection inside DOS"
	run --dos-version 2.0 -d "T=$V2" -e 'PATH=T:\' pipes.bat
	tr -d '\r' < sorted.txt
}

case_edlin() {
	run --dos-version 2.0 "$V2/EDLIN.COM" notes.txt < edits.txt
	tr -d '\r' < notes.txt
	echo "-- backup:"
	tr -d '\r' < notes.bak
}

case_debug() {
	run --dos-version 2.0 "$V2/DEBUG.COM" < debug.txt
	run greet.com
}

case_command20() {
	# COMMAND.COM reloads its transient part from COMSPEC.
	run --timeout 30 --dos-version 2.0 -d "T=$V2" -e 'PATH=T:\' -e 'COMSPEC=T:\COMMAND.COM' \
		'T:\COMMAND.COM' /C dos2.bat
	tr -d '\r' < out2.txt
}

case_shell() {
	run shell.bat one two three
	echo "-- text files:"
	ls *.txt newdir 2>&1 | sort
}

# The shell's later points (issue 15): REN with a path in the new name,
# DIR /W rows, /? and HELP.
case_shell2() {
	run shell2.bat | sed -e 's/Volume in drive C is .*/Volume in drive C is X/' -e 's/[0-9]* bytes free/N bytes free/'
	echo "-- host side:"
	find rdir r?.txt | sort
}

case_fcb() {
	run fcbtest.com
}

case_kernel() {
	# kerneltest.com runs CHILD.COM (EXEC 4B00h/01h/03h); the kernel's
	# note about the unknown function it tries goes to stderr.
	run kerneltest.com 2>kernel.err
	echo "-- stderr:"
	cat kernel.err
	echo "-- left behind:"
	ls | grep -iv -e '\.com$' -e '\.exe$' -e '\.asm$' -e '\.txt$' -e '\.c$' -e '\.inc$' -e '\.bat$' -e '^makefile$' -e '^kernel\.err$'
}

# The command line's end-of-VM behaviour: the exit status and one line on
# stderr for a fault (125), a timeout (124), a missing program (126).
case_fault_file() {
	"$MVDM" run --timeout 120 --cpu 80286 writefault.com 2>fault.err
	echo "[exit $?]"
	echo "-- diagnostic:"
	sed 's/ at [0-9A-F]\{4\}:/ at SEG:/' fault.err
	echo "-- the host file:"
	cat "$(ls | grep -i '^fault\.txt$')"
	echo
}

case_timeout() {
	"$MVDM" run --timeout 1 loop.com 2>timeout.err
	echo "[exit $?]"
	cat timeout.err
	echo "-- a program waiting on a pipe that stays open:"
	(sleep 4) | "$MVDM" run --timeout 1 --dos-version 2.0 "$V2/SORT.EXE" 2>timeout.err
	echo "[exit ${PIPESTATUS[1]}]"
	cat timeout.err
}

# DOS settings: the file next to the program, the user's file, --set and
# the old options, each over the one before; `mvdm settings`; errors.
case_settings() {
	local W
	W=$(realpath "$WORK")
	echo "-- defaults:"
	run ver.com
	"$MVDM" settings --set cpu_speed=50 --set VIDEO_MODE_RESTRICTION=color ver.com; echo "[exit $?]"
	echo "-- a settings file next to the program (any case):"
	printf '# DOS 3.3 for this one\r\n DOS_VERSION = 330 \r\n; DOS_MEMORY=64\r\n' > VER.COM.mvdm
	run ver.com
	echo "-- the user's file wins over it:"
	mkdir -p cfg/mvdm/programs
	printf 'dos_memory=512\nDOS_VERSION=400\n' > cfg/mvdm/programs/ver.com.MVDM
	XDG_CONFIG_HOME="$WORK/cfg" run ver.com
	echo "-- the command line wins over both (later options over earlier):"
	XDG_CONFIG_HOME="$WORK/cfg" run --set DOS_VERSION=620 --mem 256 ver.com
	XDG_CONFIG_HOME="$WORK/cfg" run --set DOS_VERSION=620 --dos-version 3.1 ver.com
	echo "-- found along the PATH from another drive:"
	mkdir -p bin && mv ver.com VER.COM.mvdm bin/
	run -d "T=$WORK/bin" -e 'PATH=T:\' VER
	echo "-- mvdm settings (spaces squeezed: the width of a path varies):"
	XDG_CONFIG_HOME="$WORK/cfg" "$MVDM" settings --set CPU_MODEL=8088 bin/ver.com | sed -e "s|$W|WORK|g" -e 's/  */ /g'
	echo "[exit ${PIPESTATUS[0]}]"
	echo "-- errors:"
	"$MVDM" settings --set VIDEO_MODE_RESTRICTION=CGA bin/ver.com; echo "[exit $?]"
	"$MVDM" run --set NO_SUCH=1 bin/ver.com; echo "[exit $?]"
	printf 'DOS_VERSION=330\nDOS_MEMORY=130\n' > bin/VER.COM.mvdm
	"$MVDM" run bin/ver.com 2>&1 | sed "s|$W|WORK|g"; echo "[exit ${PIPESTATUS[0]}]"
	printf 'DOS_VERSION=330\n\nVIDEO_COLS=40\n' > bin/VER.COM.mvdm
	"$MVDM" settings -d "T=$WORK/bin" 'T:\VER' 2>&1 | sed "s|$W|WORK|g"; echo "[exit ${PIPESTATUS[0]}]"
	"$MVDM" settings 'C:\NOSUCH'; echo "[exit $?]"
}

# The program loader: MZ images with data after the load module (a 2 MiB
# file), a 40-byte EXE, loading high, a truncated image, and files it must
# refuse with a reason.
le16() { printf "$(printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8)))"; }
# mz LAST PAGES NRELOC HDRPARAS MIN MAX [ITEM_SEG]: a 32-byte MZ header with
# CS:IP = SS:SP = 0:0 and its relocation table at 1Ch: one item 0:ITEM_SEG
# (or 4 zero bytes).
mz() {
	printf 'MZ'
	for v in "${@:1:6}" 0 0 0 0 0 $((0x1C)) 0 0; do le16 "$v"; done
	le16 "${7:-0}"
}
case_loader() {
	local code
	code=$(tail -c 8 tinyexe.exe | od -An -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
	echo "-- data appended after the load module:"
	run appended.exe
	cp appended.exe big.exe
	truncate -s 2M big.exe
	printf TAIL >> big.exe
	echo "-- the same grown to 2 MiB:"
	run big.exe
	echo "-- 40 bytes:"
	run tinyexe.exe
	echo "-- minimum and maximum allocation 0 (load high):"
	run highexe.exe
	echo "-- a header that declares more pages than the file has:"
	{ mz 40 8 0 2 16 65535; printf "$code"; } > short.exe
	run short.exe
	echo "-- refused:"
	{ mz 0 1 0 64 0 65535; printf "$code"; } > hdrbig.exe
	run hdrbig.exe
	{ mz 40 1 5 2 16 65535; printf "$code"; } > reltab.exe
	run reltab.exe
	{ mz 40 1 1 2 16 65535 $((0xF000)); printf "$code"; } > relout.exe
	run relout.exe
	{ mz 40 1 0 2 65535 65535; printf "$code"; } > nomem.exe
	run nomem.exe
	head -c 65281 /dev/zero > big.com
	run big.com
	echo "-- EXEC from DOS: the refusals as DOS error codes, the reason on stderr:"
	printf '@ECHO OFF\r\nhdrbig\r\nnomem\r\nbig\r\ntinyexe\r\nIF ERRORLEVEL 42 ECHO tinyexe ran\r\n' > refuse.bat
	run refuse.bat
}

# The memory services (src/mem, docs/memory.md): XMS, EMS, UMBs and
# DOS=HIGH with their settings, and VMs a bad setting cannot make.
case_memory() {
	echo "-- XMS:"
	run xmstest.com
	run --set XMS_MEMORY_LIMIT=0 xmstest.com N
	run --set XMS_MINIMUM_HMA=63 xmstest.com M
	echo "-- EMS:"
	run emstest.com
	run --set EMS_MEMORY_LIMIT=0 emstest.com N
	echo "-- EMS from a C program (Microsoft C 5.1, int86):"
	run "${TOOLS4[@]}" CL -AS emsfill.c >/dev/null
	run emsfill.exe
	run --set EMS_MEMORY_LIMIT=1024 --set EMS_FRAME_LOCATION=C400 emsfill.exe
	echo "-- UMBs (DOS_UMB) and LOADHIGH:"
	run --set DOS_UMB=on umbtest.com
	run --set DOS_UMB=on lh.bat
	run lh.bat
	echo "-- DOS_HIGH:"
	run --set DOS_HIGH=on hmatest.com
	run hmatest.com O
	echo "-- settings that cannot be:"
	"$MVDM" run --set EMS_FRAME_LOCATION=8000 ver.com; echo "[exit $?]"
	"$MVDM" run --set EMS_MEMORY_LIMIT=100 ver.com; echo "[exit $?]"
}

# Corpus programs with every combination of XMS, EMS, DOS_UMB and
# DOS_HIGH: each prints what it printed with the defaults (the free
# memory MASM reports aside). CL (C1, C2, C3 and LINK through EXEC, the
# heaviest) runs with everything on and everything off only, to keep the
# case short. MASM 1.10 (masm2) runs with DOS_HIGH off only: its MS Pascal
# runtime sizes its stack with a signed compare of the free paragraphs
# and works only by luck of where DOS loads it (it loops with DOS_HIGH's
# lower arena, as it would under a real DOS of that size).
combo_run() { # dir, high (on/off), cl (yes/no), mvdm options...
	local dir=$1 high=$2 cl=$3
	shift 3
	rm -rf "$dir" && mkdir -p "$dir" && cp "$WORK"/hello.asm "$WORK"/small.c "$WORK"/fruit.txt "$dir"/
	(
		cd "$dir" || exit 1
		run "${TOOLS4[@]}" "$@" MASM 'hello;'
		run "${TOOLS4[@]}" "$@" LINK 'hello;'
		run "$@" hello.exe
		if [ "$cl" = yes ]; then
			run "${TOOLS4[@]}" "$@" CL -AS small.c
			run "$@" small.exe combo
		fi
		run --dos-version 2.0 "$@" "$V2/SORT.EXE" < fruit.txt
		run --dos-version 2.0 "$@" "$V2/FIND.EXE" '"an"' fruit.txt
		[ "$high" = off ] && run --dos-version 2.0 "$@" "$V2/MASM.EXE" 'hello;'
	) 2>&1 | sed 's/[0-9]* Bytes symbol space free/N Bytes symbol space free/'
}

case_memcombos() {
	local -A ref
	for high in on off; do for cl in yes no; do
		ref[$high$cl]=$(combo_run "$OUT/ref" $high $cl)
	done; done
	echo "${ref[offyes]}" | grep -c 'exit 0' | sed 's/^/runs that ended with exit 0 (defaults): /'
	for xms in 16384 0; do for ems in 4096 0; do for umb in on off; do for high in on off; do
		local cl=no got tag=""
		[ "$xms$ems$umb$high" = 163844096onon ] || [ "$xms$ems$umb$high" = 00offoff ] && cl=yes tag=" (and CL)"
		got=$(combo_run "$OUT/c" $high $cl --set XMS_MEMORY_LIMIT=$xms --set EMS_MEMORY_LIMIT=$ems \
			--set DOS_UMB=$umb --set DOS_HIGH=$high)
		if [ "$got" = "${ref[$high$cl]}" ]; then
			echo "XMS=$xms EMS=$ems UMB=$umb HIGH=$high$tag: same"
		else
			echo "XMS=$xms EMS=$ems UMB=$umb HIGH=$high$tag: differs"
			diff <(echo "${ref[$high$cl]}") <(echo "$got") | head -20
		fi
	done; done; done; done
}

# EXEC nested as deep as DOS keeps parents: the one too many fails with
# error 8 (the program goes on and ends normally), the reason on stderr.
case_nesting() {
	run nest.com 2>nest.err
	echo "-- stderr:"
	cat nest.err
}

# What DOS may write (src/dos/disk.c, defect 4): no file passes 4 GiB - 1
# (a seek past it is refused), and DISK_QUOTA cuts writes short as a full
# disk does, net of what is deleted.
case_disk() {
	run disktest.com
	echo "-- with DISK_QUOTA=64 (KiB):"
	run --set DISK_QUOTA=64 disktest.com
	echo "-- left behind:"
	ls | grep -i '\.dat$'
	"$MVDM" run --set DISK_QUOTA=-1 disktest.com; echo "[exit $?]"
}

# Programs that want the disk under the files (a DPB, sectors) end with a
# message saying so once they spin without calling DOS, not at the time
# limit (issue 15: CHKDSK hanging silently). A program that asks and goes
# on normally is left alone; CHKDSK 2.0 checks and says so itself.
case_diskprogs() {
	"$MVDM" run --timeout 120 dpbspin.com 2>spin.err; echo "[exit $?]"
	sed 's/ at [0-9A-F]\{4\}:.*//' spin.err
	run dpbspin.com x
	# RECOVER 2.0 does what dpbspin does, then runs code from the DPB
	# pointer it never got: what that code does depends on memory it never
	# set (timer ticks among it), so it is no test: run by hand, it ends
	# with a message (this rule, or an invalid opcode), or spins on in
	# other DOS calls until a time limit (docs/dos.md).
	echo "-- CHKDSK 2.0:"
	run --dos-version 2.0 "$V2/CHKDSK.COM" </dev/null
}

# The printer (src/dos/printer.c): without --printer what DOS prints is
# discarded with a note; with it, appended to the file as written.
case_printer() {
	printf 'echo from the shell > PRN\r\necho to lpt1 > LPT1\r\necho to lpt2 > LPT2\r\n' > prn.bat
	run prn.com
	echo "-- --printer out.prn:"
	run --printer out.prn prn.com
	run --printer out.prn prn.bat
	echo "-- out.prn:"
	cat out.prn
	echo "-- a printer file that cannot be written:"
	run --printer /nonexistent/dir/out.prn prn.com
}

case_x87() {
	echo "-- the coprocessor of the 386 (80387), and FPU=none:"
	run fpuirq.com
	run --set FPU=none fpuirq.com
	run --set CPU_MODEL=80286 fpuirq.com
	echo "-- Microsoft C 5.1 floating point (emulator library: the x87 when found):"
	run "${TOOLS4[@]}" CL -AS floats.c >/dev/null
	run floats.exe
	run --set FPU=none floats.exe
}

# A program's files are closed when it ends: 120 children each leave one
# open, more than DOS's 100 system file table entries (leaveopn.asm).
case_leaveopen() {
	run leaveopn.com
}

case_exitcode() {
	run exit5.com
	run nosuch.com
}

case_sandbox() {
	mkdir -p inner/sub
	echo secret > "$WORK/../mvdm-outside-$$.txt" 2>/dev/null || true
	ln -s /etc inner/etc
	ln -s "$WORK/fruit.txt" inner/fruitlink
	run -d "C=$WORK/inner" "$WORK/escape.com"
	echo "-- host side: inner/ holds"
	ls inner | sort
	[ -e "$WORK/MADE.TXT" ] || [ -e "$WORK/made.txt" ] && echo "ESCAPED: made.txt outside the drive"
	rm -f "$WORK/../mvdm-outside-$$.txt"
}

"case_${CASE//-/_}" 2>&1 | head -c 200000 > "$OUT/actual.txt"
tr -d '\r' < "$OUT/actual.txt" > "$OUT/actual.lf"
if [ -n "${MVDM_GOLDEN_UPDATE:-}" ]; then
	cp "$OUT/actual.lf" "$SRC/golden/$CASE.out"
	echo "updated $SRC/golden/$CASE.out"
	exit 0
fi
if diff -u "$SRC/golden/$CASE.out" "$OUT/actual.lf"; then
	echo "ok $CASE"
	exit 0
fi
echo "FAIL $CASE (output differs from golden/$CASE.out)"
exit 1
