#!/usr/bin/env bash
# bench/dpmi/run.sh - the cost of DPMI mode switches and reflected
# interrupts: dpmibnch.com (a 32-bit DPMI client) on mvdm with its own
# DPMI host, on mvdm with CWSDPMI (DPMI_MEMORY_LIMIT=0, CWSDPMI -p) and on
# DOSBox 0.74 with CWSDPMI (DOSBox has no host of its own), in one run;
# then the resident memory of idle VMs with the host configured and off.
# See bench/README.md ("DPMI").
#
# usage: bench/dpmi/run.sh [-r RUNS] [-b BUILD_DIR] [--no-dosbox]
# Prints per system the microseconds of one raw mode switch round trip
# (protected -> real -> protected, 0306h) and of one INT 21h/30h from
# protected mode (reflected to DOS and back): (time(mode) - time(0)) /
# 300000, each time the best of RUNS whole-program runs (start-up, the
# switch into protected mode and the exit are in the baseline "0"); the
# time is the process's CPU time (user + system, GNU time), which the
# machine's load disturbs less than wall time; the runs of all systems are
# interleaved.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=3
builddir="$root/build-bench"
use_dosbox=1
while [ $# -gt 0 ]; do
	case "$1" in
	-r) runs=${2:?}; shift 2 ;;
	-b) builddir=${2:?}; shift 2 ;;
	--no-dosbox) use_dosbox=0; shift ;;
	*) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
COUNT=300000
CWSDPMI="$root/../shared/corpus/dpmi/CWSDPMI.EXE"
log() { printf '%s\n' "$*" >&2; }

if [ ! -f "$builddir/build.ninja" ]; then
	meson setup "$builddir" "$root" --buildtype=release >&2
fi
ninja -C "$builddir" tools/mvdm bench/mvdm-vmcost bench/dpmibnch.com >&2
MVDM="$builddir/tools/mvdm"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvdm-dpmibench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dos" "$tmp/home"
cp "$builddir/bench/dpmibnch.com" "$tmp/dos/DPMIBNCH.COM"
have_cws=0
if [ -f "$CWSDPMI" ]; then
	cp "$CWSDPMI" "$tmp/dos/CWSDPMI.EXE"
	have_cws=1
	for m in 0 S I; do printf 'CWSDPMI -p\r\nDPMIBNCH %s\r\n' "$m" >"$tmp/dos/CWS$m.BAT"; done
fi
export XDG_CONFIG_HOME="$tmp/home"
TIME=(/usr/bin/time -f "%U %S" -o "$tmp/time.txt")
[ -x /usr/bin/time ] || { echo "run.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }

# best SYSTEM MODE: the best wall time (ns) of RUNS runs; checks the output.
run_once() {
	local sys=$1 m=$2
	case "$sys" in
	mvdm) (cd "$tmp/dos" && "${TIME[@]}" "$MVDM" run --console=stream DPMIBNCH.COM "$m" 2>/dev/null) ;;
	mvdm+cwsdpmi) (cd "$tmp/dos" && "${TIME[@]}" "$MVDM" run --console=stream --set DPMI_MEMORY_LIMIT=0 "CWS$m.BAT" 2>/dev/null) ;;
	dosbox+cwsdpmi)
		cat >"$tmp/dosbox.conf" <<CONF
[sdl]
output=surface
usescancodes=false
waitonerror=false
priority=normal,normal
[cpu]
core=dynamic
cycles=max
[mixer]
nosound=true
[sblaster]
sbtype=none
[speaker]
pcspeaker=false
[autoexec]
mount c "$tmp/dos"
c:
CWSDPMI -p
DPMIBNCH $m > OUT.TXT
exit
CONF
		rm -f "$tmp/dos/OUT.TXT"
		HOME="$tmp/home" SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy "${TIME[@]}" timeout -k 5 120 dosbox \
			-conf "$tmp/dosbox.conf" -exit </dev/null >"$tmp/dosbox.log" 2>&1
		cat "$tmp/dos/OUT.TXT" 2>/dev/null ;;
	esac
}
declare -A best_ns
# measure SYSTEM MODE: one run; keeps the best wall time (ns) in best_ns.
measure() {
	local t0 t1 out key="$1 $2"
	out=$(run_once "$1" "$2" | tr -d '\r')
	t0=0
	t1=$(awk '{ printf "%d", ($1 + $2) * 1e9 }' "$tmp/time.txt")
	if ! grep -q "^dpmibnch $2 done" <<<"$out"; then
		log "   $1 $2: FAILED: $out"
		best_ns[$key]=FAIL
		return
	fi
	[ "${best_ns[$key]:-}" = FAIL ] && return
	if [ -z "${best_ns[$key]:-}" ] || [ $((t1 - t0)) -lt "${best_ns[$key]}" ]; then best_ns[$key]=$((t1 - t0)); fi
}
us() { awk -v a="$1" -v z="$2" -v n=$COUNT 'BEGIN { if (a != "" && z != "") printf "%.2f", (a - z) / n / 1000; else printf "n/a" }'; }

systems=(mvdm)
[ $have_cws -eq 1 ] && systems+=(mvdm+cwsdpmi)
if [ $use_dosbox -eq 1 ] && [ $have_cws -eq 1 ] && command -v dosbox >/dev/null; then systems+=(dosbox+cwsdpmi); fi
# Interleaved: a change in the machine's load hits every system alike.
for ((r = 0; r < runs; r++)); do
	for sys in "${systems[@]}"; do
		for m in 0 S I; do measure "$sys" "$m"; done
	done
done
val() { local v=${best_ns["$1 $2"]:-}; [ "$v" = FAIL ] && v=""; echo "$v"; }
printf '%-16s %14s %14s %12s\n' system switch_us int21_us baseline_s
for sys in "${systems[@]}"; do
	z=$(val "$sys" 0)
	printf '%-16s %14s %14s %12s\n' "$sys" "$(us "$(val "$sys" S)" "$z")" "$(us "$(val "$sys" I)" "$z")" \
		"$(awk -v z="$z" 'BEGIN { if (z != "") printf "%.3f", z / 1e9; else printf "n/a" }')"
done

# Resident memory of idle VMs: the host configured (16 MiB) but unused, and off.
echo
for setting in DPMI_MEMORY_LIMIT=16 DPMI_MEMORY_LIMIT=0; do
	printf '%-22s ' "$setting"
	"$builddir/bench/mvdm-vmcost" 1000 "$setting" | tr '\n' ' '
	echo
done
