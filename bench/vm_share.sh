#!/usr/bin/env bash
# bench/vm_share.sh [-b BUILD_DIR] [-n N] - N VMs of one host (default 100)
# compiling the same C module with the corpus's CL (CL /c /Ox C1.C of the
# nmake workload, each VM in its own directory), through mvdm-vmshare
# (bench/vm_share.c): without sharing decoded code (CODE_SHARING=off), with
# it, and with it and a 1 MiB cache per VM (CODE_CACHE_SIZE=1024); then one
# VM alone. Prints mvdm-vmshare's line for each. See bench/README.md,
# "Shared translations".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
builddir="$here/../build-bench"
n=100
while [ $# -gt 0 ]; do
	case "$1" in
	-b) builddir=${2:?}; shift 2 ;;
	-n) n=${2:?}; shift 2 ;;
	*) echo "usage: vm_share.sh [-b BUILD_DIR] [-n N]" >&2; exit 2 ;;
	esac
done
corpus="$here/../../shared/corpus/msdos/v4.0-tools"
[ -f "$corpus/CL.EXE" ] || { echo "vm_share.sh: no corpus at $corpus" >&2; exit 2; }
tool="$builddir/bench/mvdm-vmshare"
[ -x "$tool" ] || { echo "vm_share.sh: build $tool first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/nmake_project.sh" "$tmp/src" >/dev/null
for ((k = 0; k < n; k++)); do
	mkdir "$tmp/$k"
	cp "$tmp/src/C1.C" "$tmp/src/PROJ.H" "$tmp/$k/"
done
args=(-d "T=$corpus" -e 'PATH=T:\' -e 'LIB=T:\LIB' -e 'TMP=C:\' -c "$tmp" CL "/c /Ox C1.C")
"$tool" -n "$n" --set CODE_SHARING=off "${args[@]}"
"$tool" -n "$n" "${args[@]}"
"$tool" -n "$n" --set CODE_CACHE_SIZE=1024 "${args[@]}"
"$tool" -n 1 "${args[@]}"
