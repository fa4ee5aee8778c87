#!/usr/bin/env bash
# bench/run.sh - run the benchmark workloads on mvdm and on DOSBox 0.74
# (dynamic and normal cores) and print a MIPS table. See bench/README.md.
#
# usage: bench/run.sh [options] [WORKLOAD...]
#   -r, --runs N        runs per measurement, the best one counts (default 3)
#   -b, --build-dir D   build directory (default build-bench at the top of the
#                       source tree, configured with --buildtype=release)
#   -t, --timeout S     kill a DOSBox run after S seconds (default 300)
#   --no-dosbox         only run mvdm
#   --no-normal         skip DOSBox's normal (interpreter) core
#   --cpu MODEL         mvdm CPU model (default 80386)
#   --update-smoke      run the -DSMOKE binaries under DOSBox (normal core) and
#                       write bench/smoke-expected/NAME.txt, then stop
#   -h, --help
# WORKLOAD defaults to: alu alu32 string callret crc vardata nmake cmandel hello
#   (each a bench/NAME.asm .COM file, run by mvdm-bench, except:
#    nmake  the corpus tools (NMAKE, CL, MASM, LINK) building the project of
#           bench/nmake_project.sh from a clean tree, through `mvdm run`;
#    cmandel  a Microsoft C 5.1 floating-point program (bench/cmandel.c,
#           compiled by the corpus's CL inside mvdm first) through `mvdm run`;
#    hello  `mvdm run HELLO.COM` end to end, the median of --hello-runs runs)
#   --hello-runs N      runs of the hello workload (default 100)
#   --set NAME=VALUE    a DOS setting for the nmake build's `mvdm run`
#                       (repeatable; e.g. CODE_SHARING=off)
#   --cpu-time          time CPU seconds (user + system of the processes)
#                       instead of wall seconds: steadier on a shared machine
#                       (hello stays wall time)
#
# Environment: DOSBOX (default dosbox), DOSBOX_CYCLES (default "fixed 1000000").
# Exit status: 0 when every run finished and DOSBox printed what mvdm printed,
# 1 otherwise (never because of speed), 2 on bad usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

runs=3
builddir="$root/build-bench"
dosbox_timeout=300
use_dosbox=1
cores=(dynamic normal)
cpu=80386
update_smoke=0
workloads=()
hello_runs=100
cpu_time=0
mvdm_sets=()
corpus="$root/../shared/corpus/msdos/v4.0-tools"

die_usage() {
	sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	-r | --runs) runs=${2:?}; shift 2 ;;
	-b | --build-dir) builddir=${2:?}; shift 2 ;;
	-t | --timeout) dosbox_timeout=${2:?}; shift 2 ;;
	--no-dosbox) use_dosbox=0; shift ;;
	--no-normal) cores=(dynamic); shift ;;
	--cpu) cpu=${2:?}; shift 2 ;;
	--update-smoke) update_smoke=1; shift ;;
	--hello-runs) hello_runs=${2:?}; shift 2 ;;
	--cpu-time) cpu_time=1; shift ;;
	--set) mvdm_sets+=(--set "${2:?}"); shift 2 ;;
	-h | --help) die_usage ;;
	-*) echo "run.sh: unknown option $1" >&2; die_usage ;;
	*) workloads+=("$1"); shift ;;
	esac
done
case "$runs" in '' | *[!0-9]* | 0) echo "run.sh: bad --runs '$runs'" >&2; exit 2 ;; esac
case "$dosbox_timeout" in '' | *[!0-9]* | 0) echo "run.sh: bad --timeout" >&2; exit 2 ;; esac
case "$hello_runs" in '' | *[!0-9]* | 0) echo "run.sh: bad --hello-runs" >&2; exit 2 ;; esac
[ ${#workloads[@]} -gt 0 ] || workloads=(alu alu32 string callret crc vardata nmake cmandel hello)
# com: the .COM workloads (mvdm-bench); nmake, cmandel and hello run through
# `mvdm run`.
com=() want_nmake=0 want_cmandel=0 want_hello=0
for w in "${workloads[@]}"; do
	case "$w" in
	nmake) want_nmake=1; continue ;;
	cmandel) want_cmandel=1; continue ;;
	hello) want_hello=1; continue ;;
	esac
	com+=("$w")
	[ -f "$here/$w.asm" ] || { echo "run.sh: no workload $w (bench/$w.asm)" >&2; exit 2; }
	# DOSBox needs 8.3 names.
	[ ${#w} -le 8 ] || { echo "run.sh: workload name $w is longer than 8 characters" >&2; exit 2; }
done

status=0
log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- build
if [ ! -f "$builddir/build.ninja" ]; then
	log "== meson setup $builddir --buildtype=release"
	meson setup "$builddir" "$root" --buildtype=release >&2
fi
targets=(bench/mvdm-bench tools/mvdm)
for w in "${com[@]}"; do
	if [ $update_smoke -eq 1 ]; then targets+=("bench/$w.smoke.com"); else targets+=("bench/$w.com"); fi
done
log "== ninja -C $builddir ${targets[*]}"
ninja -C "$builddir" "${targets[@]}" >&2
bench_bin="$builddir/bench/mvdm-bench"
mvdm_bin="$builddir/tools/mvdm"
if [ $((want_nmake + want_cmandel)) -gt 0 ] && [ ! -f "$corpus/NMAKE.EXE" ]; then
	log "== no corpus at $corpus: the nmake and cmandel workloads are skipped"
	want_nmake=0 want_cmandel=0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvdm-bench.XXXXXX")
dosbox_pid=
# shellcheck disable=SC2317 # invoked by trap
cleanup() {
	if [ -n "$dosbox_pid" ]; then kill -- "$dosbox_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A insns mvdm_s mvdm_mips dyn_s normal_s dyn_mips normal_mips check

# ---------------------------------------------------------------- DOSBox
DOSBOX=${DOSBOX:-dosbox}
DOSBOX_CYCLES=${DOSBOX_CYCLES:-fixed 1000000}

now_ns() { date +%s%N; }
# clock_ns VAR: set VAR to the time a run is measured with: wall
# nanoseconds, or with --cpu-time the user + system time of the waited-for
# children so far (`times` must run in this shell, not in a subshell).
clock_ns() {
	if [ $cpu_time -eq 1 ]; then
		times >"$tmp/times.txt"
		printf -v "$1" '%s' "$(awk 'NR == 2 {
			n = 0
			for (k = 1; k <= 2; k++) { split($k, p, "m"); sub("s", "", p[2]); n += p[1] * 60 + p[2] }
			printf "%.0f", n * 1e9 }' "$tmp/times.txt")"
	else
		printf -v "$1" '%s' "$(now_ns)"
	fi
}

# dosbox_conf CORE PROG: write $tmp/dosbox.conf running PROG (.COM or .EXE)
# > OUT.TXT (NMAKE: the nmake workload in C:\NM, its PROG.EXE's line in
# OUT.TXT).
dosbox_conf() {
	local run="$2 > OUT.TXT"
	if [ "$2" = NMAKE ]; then
		run=$(printf '%s\r\n' "mount t \"$corpus\"" 'set PATH=T:\;Z:\' 'set LIB=T:\LIB' 'set TMP=C:\' \
			'cd NM' 'NMAKE > BUILD.TXT' 'PROG > ..\OUT.TXT' 'cd ..')
	fi
	cat >"$tmp/dosbox.conf" <<EOF
[sdl]
fullscreen=false
fulldouble=false
output=surface
autolock=false
usescancodes=false
waitonerror=false
priority=normal,normal

[dosbox]
machine=svga_s3
memsize=16

[render]
frameskip=0
aspect=false
scaler=none

[cpu]
core=$1
cputype=auto
cycles=$DOSBOX_CYCLES

[mixer]
nosound=true

[midi]
mpu401=none
mididevice=none

[sblaster]
sbtype=none

[gus]
gus=false

[speaker]
pcspeaker=false
tandy=off
disney=false

[joystick]
joysticktype=none

[serial]
serial1=disabled
serial2=disabled
serial3=disabled
serial4=disabled

[dos]
xms=false
ems=false
umb=false

[ipx]
ipx=false

[autoexec]
mount c "$tmp/dos"
c:
$run
exit
EOF
}

# dosbox_run CORE PROG: run it once; sets $elapsed_ns, returns 1 on failure.
dosbox_run() {
	local core=$1 prog=$2 t0 t1 rc
	dosbox_conf "$core" "$prog"
	rm -f "$tmp/dos/OUT.TXT"
	if [ "$prog" = NMAKE ]; then
		rm -rf "$tmp/dos/NM"
		"$here/nmake_project.sh" "$tmp/dos/NM"
	fi
	clock_ns t0
	HOME="$tmp/home" SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
		timeout -k 5 "$dosbox_timeout" "$DOSBOX" -conf "$tmp/dosbox.conf" -exit \
		</dev/null >"$tmp/dosbox.log" 2>&1 &
	dosbox_pid=$!
	set +e
	wait "$dosbox_pid"
	rc=$?
	set -e
	dosbox_pid=
	clock_ns t1
	elapsed_ns=$((t1 - t0))
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		log "   dosbox $core $prog: killed after the ${dosbox_timeout}s timeout"
		return 1
	fi
	if [ $rc -ne 0 ]; then
		log "   dosbox $core $prog: exit status $rc; log:"
		tail -5 "$tmp/dosbox.log" >&2
		return 1
	fi
	if [ ! -f "$tmp/dos/OUT.TXT" ]; then
		log "   dosbox $core $prog: no OUT.TXT, the program did not run; log:"
		tail -5 "$tmp/dosbox.log" >&2
		return 1
	fi
	return 0
}

# fdiv A B: A / B with awk, empty if not computable.
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b + 0 > 0) printf "%.6f", a / b }'; }

if [ $use_dosbox -eq 1 ] && ! command -v "$DOSBOX" >/dev/null 2>&1; then
	if [ "$DOSBOX" = dosbox ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		log "== dosbox missing: apt-get install -y dosbox"
		apt-get install -y dosbox >&2 || true
	fi
	if ! command -v "$DOSBOX" >/dev/null 2>&1; then
		log "== $DOSBOX not found: DOSBox columns are n/a"
		use_dosbox=0
	fi
fi

if [ $update_smoke -eq 1 ]; then
	[ $use_dosbox -eq 1 ] || { echo "run.sh: --update-smoke needs DOSBox" >&2; exit 1; }
	mkdir -p "$tmp/dos" "$tmp/home"
	for w in "${com[@]}"; do
		cp "$builddir/bench/$w.smoke.com" "$tmp/dos/SMOKE.COM"
		dosbox_run normal SMOKE || exit 1
		tr -d '\r' <"$tmp/dos/OUT.TXT" >"$here/smoke-expected/$w.txt"
		log "   bench/smoke-expected/$w.txt: $(cat "$here/smoke-expected/$w.txt")"
	done
	exit 0
fi

# ---------------------------------------------------------------- mvdm
mkdir -p "$tmp/mvdm"
coms=()
for w in "${com[@]}"; do coms+=("$builddir/bench/$w.com"); done
: >"$tmp/mvdm.tsv"
if [ ${#coms[@]} -gt 0 ]; then
	log "== mvdm: $bench_bin --cpu $cpu --repeat $runs --tsv ${coms[*]}"
	set +e
	bench_opts=()
	[ $cpu_time -eq 0 ] || bench_opts=(--cpu-time)
	"$bench_bin" --cpu "$cpu" --repeat "$runs" "${bench_opts[@]}" --tsv --out-dir "$tmp/mvdm" "${coms[@]}" >"$tmp/mvdm.tsv"
	rc=$?
	set -e
	[ $rc -eq 0 ] || status=1
fi
while IFS=$'\t' read -r name n secs mips out; do
	insns[$name]=$n
	if [ "$n" = FAIL ]; then log "   $name: FAILED"; continue; fi
	mvdm_s[$name]=$secs
	mvdm_mips[$name]=$mips
	log "   $name: $n instructions, $secs s, $mips MIPS: $out"
done <"$tmp/mvdm.tsv"

# `mvdm run` end to end: wall time of the whole process, the environment of
# tests/dos/corpus_test.sh, no settings files of whoever runs it.
mkdir -p "$tmp/run"
printf '\270\000\114\315\041' >"$tmp/run/NOP.COM"
# (mov dx,10Ch; mov ah,9; int 21h; mov ax,4C00h; int 21h; the text)
printf '\272\014\001\264\011\315\041\270\000\114\315\041hello, world\r\n$' >"$tmp/run/HELLO.COM"
export XDG_CONFIG_HOME="$tmp/no-config"
# mvdm_run_ns DIR ARGS...: run mvdm in DIR, output to $tmp/run.log; sets
# $elapsed_ns, returns 1 on failure. The run's figures go to
# $tmp/stats.txt (MVDM_STATS, see docs/cpu-speed.md) unless $run_stats is
# empty (hello: a user's run writes no statistics file).
run_stats=$tmp/stats.txt
mvdm_run_ns() {
	local dir=$1 t0 t1 rc
	shift
	rm -f "$tmp/stats.txt"
	pushd "$dir" >/dev/null
	set +e
	# (EPOCHREALTIME, microseconds: no process is started around the timed
	# one; the children's CPU time with --cpu-time)
	[ $cpu_time -eq 0 ] || clock_ns t0
	[ $cpu_time -eq 1 ] || t0=${EPOCHREALTIME/[.,]/}000
	MVDM_STATS=$run_stats "$mvdm_bin" run --cpu "$cpu" --timeout "$dosbox_timeout" "$@" \
		</dev/null >"${run_out:-$tmp/run.log}" 2>&1
	rc=$?
	[ $cpu_time -eq 1 ] || t1=${EPOCHREALTIME/[.,]/}000
	[ $cpu_time -eq 0 ] || clock_ns t1
	set -e
	popd >/dev/null
	elapsed_ns=$((t1 - t0))
	if [ $rc -ne 0 ]; then
		log "   mvdm run $*: exit status $rc; output:"
		[ -n "${run_out:-}" ] || tail -5 "$tmp/run.log" >&2
		return 1
	fi
	return 0
}
mvdm_tools=(-d "T=$corpus" -e 'PATH=T:\' -e 'LIB=T:\LIB' -e 'TMP=C:\' ${mvdm_sets[@]+"${mvdm_sets[@]}"})
# time_program NAME DIR PREPARE CHECK ARGS...: `mvdm run ARGS` in DIR,
# best of $runs, net of the best `mvdm run NOP.COM` (run before each);
# PREPARE (a command) runs before each timed run. The output compared
# with DOSBox's: that of `mvdm run --crlf CHECK` after the run, or with
# CHECK "-" the run's own (ARGS then include --crlf). Sets mvdm_s[NAME],
# insns[NAME] (from --stats) and mvdm_mips[NAME].
time_program() {
	local name=$1 dir=$2 prepare=$3 check_prog=$4 r nop_best= best=
	shift 4
	for ((r = 1; r <= runs; r++)); do
		mvdm_run_ns "$tmp/run" NOP.COM || status=1
		if [ -z "$nop_best" ] || [ "$elapsed_ns" -lt "$nop_best" ]; then nop_best=$elapsed_ns; fi
		$prepare
		if ! mvdm_run_ns "$dir" "$@"; then
			status=1
			continue
		fi
		cp "$tmp/run.log" "$tmp/$name.run.log"
		[ -f "$tmp/stats.txt" ] && cp "$tmp/stats.txt" "$tmp/$name.stats" && log "   $(tr '\n' ' ' <"$tmp/stats.txt")"
		if [ -z "$best" ] || [ "$elapsed_ns" -lt "$best" ]; then best=$elapsed_ns; fi
		log "   mvdm run $r $name: $(awk -v n="$elapsed_ns" 'BEGIN { printf "%.3f", n / 1e9 }') s (NOP.COM $(awk -v n="$nop_best" 'BEGIN { printf "%.3f", n / 1e9 }') s)"
		if [ "$check_prog" != - ]; then
			mvdm_run_ns "$dir" --crlf "$check_prog" || status=1
		fi
		cp "$tmp/run.log" "$tmp/mvdm/$name.out"
	done
	if [ -n "$best" ]; then
		mvdm_s[$name]=$(awk -v a="$best" -v b="$nop_best" 'BEGIN { printf "%.6f", (a - b) / 1e9 }')
		# The program's instructions (the same every run): from --stats.
		insns[$name]=
		[ ! -f "$tmp/$name.stats" ] || insns[$name]=$(sed -n 's/.* insns=\([0-9]*\) .*/\1/p' "$tmp/$name.stats")
		[ -z "${insns[$name]}" ] || mvdm_mips[$name]=$(awk -v n="${insns[$name]}" -v s="${mvdm_s[$name]}" 'BEGIN { printf "%.2f", n / s / 1e6 }')
		log "   $name: $(tr -d '\r' <"$tmp/mvdm/$name.out")"
	else
		insns[$name]=FAIL
	fi
}
fresh_nmake_tree() {
	rm -rf "$tmp/nm"
	"$here/nmake_project.sh" "$tmp/nm"
}
if [ $want_nmake -eq 1 ]; then
	log "== mvdm: $mvdm_bin run ${mvdm_tools[*]} NMAKE (a fresh bench/nmake_project.sh tree each run), net of NOP.COM, best of $runs"
	time_program nmake "$tmp/nm" fresh_nmake_tree PROG.EXE "${mvdm_tools[@]}" NMAKE
fi
if [ $want_cmandel -eq 1 ]; then
	# Compiled once, by the corpus's CL inside mvdm (not timed); DOSBox
	# runs the same CMANDEL.EXE.
	mkdir -p "$tmp/cm"
	sed 's/$/\r/' "$here/cmandel.c" >"$tmp/cm/CMANDEL.C"
	log "== mvdm: CL -Ox CMANDEL.C (the corpus's Microsoft C 5.1, inside mvdm)"
	exe=
	if mvdm_run_ns "$tmp/cm" "${mvdm_tools[@]}" CL -Ox CMANDEL.C; then
		# (mvdm creates new files in lower case: DOS names are
		# case-insensitive; DOSBox gets CMANDEL.EXE.)
		exe=$(find "$tmp/cm" -maxdepth 1 -iname CMANDEL.EXE | head -1)
		[ -z "$exe" ] || [ "$exe" = "$tmp/cm/CMANDEL.EXE" ] || mv "$exe" "$tmp/cm/CMANDEL.EXE"
	fi
	if [ -n "$exe" ]; then
		log "== mvdm: $mvdm_bin run --crlf CMANDEL.EXE, net of NOP.COM, best of $runs"
		time_program cmandel "$tmp/cm" : - --crlf CMANDEL.EXE
	else
		log "   CL did not build CMANDEL.EXE: $(tail -3 "$tmp/run.log" | tr '\n' ' ')"
		insns[cmandel]=FAIL
		status=1
	fi
fi
# median_ms FILE: the median of FILE's lines (nanoseconds), in milliseconds.
median_ms() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1e6 }'
}
hello_median= true_median=
if [ $want_hello -eq 1 ]; then
	log "== mvdm: $mvdm_bin run HELLO.COM, $hello_runs times"
	: >"$tmp/hello.ns"
	# Always wall time: CPU time is accounted in scheduler ticks. The
	# timed runs write to /dev/null, as /bin/true's below: a write to a
	# file that the redirection has just truncated makes ext4 start that
	# file's writeback when it is closed (its auto_da_alloc heuristic),
	# about 0.15-0.2 ms of the kernel's time that a run on a terminal or
	# a pipe does not pay. One more run checks the output.
	saved_cpu_time=$cpu_time cpu_time=0 run_stats= run_out=/dev/null
	for ((r = 1; r <= hello_runs; r++)); do
		mvdm_run_ns "$tmp/run" HELLO.COM || { status=1; break; }
		echo "$elapsed_ns" >>"$tmp/hello.ns"
	done
	run_out=
	mvdm_run_ns "$tmp/run" HELLO.COM || status=1
	run_stats=$tmp/stats.txt
	# The floor: the host's /bin/true started and timed the same way (same
	# directory and redirections), so the figure can be read against what
	# starting any process costs on this machine.
	: >"$tmp/true.ns"
	for ((r = 1; r <= hello_runs; r++)); do
		pushd "$tmp/run" >/dev/null
		t0=${EPOCHREALTIME/[.,]/}000
		/bin/true </dev/null >/dev/null 2>&1
		t1=${EPOCHREALTIME/[.,]/}000
		popd >/dev/null
		echo $((t1 - t0)) >>"$tmp/true.ns"
	done
	cpu_time=$saved_cpu_time
	[ "$(cat "$tmp/run.log")" = "hello, world" ] || { log "   HELLO.COM printed: $(cat "$tmp/run.log")"; status=1; }
	hello_median=$(median_ms "$tmp/hello.ns")
	true_median=$(median_ms "$tmp/true.ns")
	log "   hello: median $hello_median ms over $(wc -l <"$tmp/hello.ns") runs (/bin/true: $true_median ms)"
fi

if [ $use_dosbox -eq 1 ]; then
	mkdir -p "$tmp/dos" "$tmp/home"
	# The baseline: a program that exits at once (MOV AX,4C00h; INT 21h).
	printf '\270\000\114\315\041' >"$tmp/dos/NOP.COM"
	for w in "${com[@]}"; do
		cp "$builddir/bench/$w.com" "$tmp/dos/${w^^}.COM"
	done
	dos_progs=("${com[@]}")
	[ $want_nmake -eq 1 ] && dos_progs+=(nmake)
	if [ $want_cmandel -eq 1 ] && [ -f "$tmp/cm/CMANDEL.EXE" ]; then
		cp "$tmp/cm/CMANDEL.EXE" "$tmp/dos/CMANDEL.EXE"
		dos_progs+=(cmandel)
	fi
	log "== $(SDL_VIDEODRIVER=dummy HOME="$tmp/home" "$DOSBOX" -version 2>/dev/null | grep -m1 -i version || echo "$DOSBOX"), cycles=$DOSBOX_CYCLES, best of $runs"
	# The speed cap in million cycles per second, for "fixed N".
	cap=$(printf '%s\n' "$DOSBOX_CYCLES" | awk '$1 == "fixed" && $2 ~ /^[0-9]+$/ { printf "%d", $2 / 1000 }')
	for core in "${cores[@]}"; do
		declare -A best=()
		# Interleave the programs so that slow drifts in machine load hit all alike.
		for ((r = 1; r <= runs; r++)); do
			for prog in NOP "${dos_progs[@]}"; do
				P=${prog^^}
				if ! dosbox_run "$core" "$P"; then
					status=1
					continue
				fi
				if [ "$prog" != NOP ]; then
					if cmp -s "$tmp/dos/OUT.TXT" "$tmp/mvdm/$prog.out"; then
						[ "${check[$prog]:-}" = MISMATCH ] || check[$prog]=ok
					else
						check[$prog]=MISMATCH
						status=1
						log "   MISMATCH: $prog under dosbox $core printed: $(tr -d '\r' <"$tmp/dos/OUT.TXT")"
						log "             mvdm printed:                 $(tr -d '\r' <"$tmp/mvdm/$prog.out" 2>/dev/null || echo '(nothing)')"
					fi
				fi
				if [ -z "${best[$prog]:-}" ] || [ "$elapsed_ns" -lt "${best[$prog]}" ]; then
					best[$prog]=$elapsed_ns
				fi
				log "   dosbox $core run $r $P: $(awk -v n="$elapsed_ns" 'BEGIN { printf "%.3f", n / 1e9 }') s"
			done
		done
		base=${best[NOP]:-}
		if [ -n "$base" ]; then
			log "   dosbox $core startup+shutdown (NOP.COM, best): $(awk -v n="$base" 'BEGIN { printf "%.3f", n / 1e9 }') s"
		else
			log "   dosbox $core: NOP.COM never ran, no DOSBox figures"
		fi
		for w in "${workloads[@]}"; do
			if [ -z "$base" ] || [ -z "${best[$w]:-}" ]; then continue; fi
			net=$(awk -v a="${best[$w]}" -v b="$base" 'BEGIN { d = (a - b) / 1e9; if (d > 0) printf "%.6f", d }')
			[ -n "$net" ] || { log "   dosbox $core $w: not slower than NOP.COM, no figure"; continue; }
			mips=$(awk -v n="${insns[$w]:-}" -v s="$net" 'BEGIN { if (n ~ /^[0-9]+$/) printf "%.2f", n / s / 1e6 }')
			if [ "$core" = dynamic ]; then dyn_s[$w]=$net; dyn_mips[$w]=$mips; else normal_s[$w]=$net; normal_mips[$w]=$mips; fi
			# DOSBox runs about one cycle per instruction (one per iteration of a REP
			# string instruction): near cycles/1000 MIPS it is throttled, not flat out.
			if [ -n "$cap" ] && [ -n "$mips" ] && awk -v m="$mips" -v c="$cap" 'BEGIN { exit !(m > 0.85 * c) }'; then
				log "   WARNING: dosbox $core $w ran at $mips MIPS, close to the ${cap} M cycles/s that cycles=$DOSBOX_CYCLES allows: raise DOSBOX_CYCLES"
			fi
		done
		unset best
	done
fi

# ---------------------------------------------------------------- table
fmt() { if [ -n "${1:-}" ]; then printf '%s' "$1"; else printf 'n/a'; fi; }
ratio() { local r; r=$(fdiv "${1:-}" "${2:-}"); if [ -n "$r" ]; then awk -v r="$r" 'BEGIN { printf "%.2f", r }'; else printf 'n/a'; fi; }
secs() { if [ -n "${1:-}" ]; then awk -v s="$1" 'BEGIN { printf "%.3f", s }'; else printf 'n/a'; fi; }

echo
[ $cpu_time -eq 0 ] || echo "(--cpu-time: every figure is CPU seconds, user + system)"
echo "mvdm: $cpu, $(basename "$builddir") ($(grep -m1 -o "buildtype=[a-z]*" "$builddir/meson-logs/meson-log.txt" 2>/dev/null || echo "buildtype ?")); DOSBox: cycles=$DOSBOX_CYCLES; best of $runs; DOSBox seconds are net of NOP.COM"
printf '%-8s %12s %8s %8s %8s %8s %8s %8s %8s %8s  %s\n' \
	workload instructions mvdm_s mvdm dyn_s dynamic norm_s normal mvdm/dyn mvdm/norm output
printf '%-8s %12s %8s %8s %8s %8s %8s %8s\n' '' '' '' MIPS '' MIPS '' MIPS
for w in "${workloads[@]}"; do
	[ "$w" != hello ] || continue
	c=${check[$w]:-}
	if [ -z "$c" ]; then
		if [ $use_dosbox -eq 1 ]; then c="no DOSBox output"; else c=-; fi
	fi
	[ -n "${mvdm_s[$w]:-}" ] && [ "${insns[$w]:-}" != FAIL ] || c="mvdm FAILED"
	printf '%-8s %12s %8s %8s %8s %8s %8s %8s %8s %8s  %s\n' "$w" \
		"$(fmt "${insns[$w]:-}")" "$(secs "${mvdm_s[$w]:-}")" "$(fmt "${mvdm_mips[$w]:-}")" \
		"$(secs "${dyn_s[$w]:-}")" "$(fmt "${dyn_mips[$w]:-}")" \
		"$(secs "${normal_s[$w]:-}")" "$(fmt "${normal_mips[$w]:-}")" \
		"$(ratio "${dyn_s[$w]:-}" "${mvdm_s[$w]:-}")" \
		"$(ratio "${normal_s[$w]:-}" "${mvdm_s[$w]:-}")" "$c"
done
if [ -n "$hello_median" ]; then
	echo "hello: mvdm run HELLO.COM end to end, median of $hello_runs: $hello_median ms (/bin/true started the same way: $true_median ms)"
fi
exit $status
