#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [TARGET...] - fuzz the targets of tests/fuzz/
# (request, profile, loader, dosname, settings, cpu; all by default) for
# SECONDS each (default 600). With clang (Debian's clang package) they
# are libFuzzer programs built in build-fuzz/ with ASan and UBSan and
# coverage feedback; without it (or with FUZZ_DRIVER=1) the corpus
# driver of tests/fuzzdrv/ mutates at random in build-fuzzdrv/ (ASan and
# UBSan, GCC). Work (new corpus entries, crash inputs) goes to
# fuzz-work/TARGET/. Ends with one line per target and exit status 1 if
# any target crashed or broke an invariant. docs/fuzzing.md.
set -u
cd "$(dirname "$0")/.."
secs=${1:-600}
shift 2>/dev/null
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(request profile loader dosname settings cpu)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mode=driver
if [ -z "${FUZZ_DRIVER:-}" ] && command -v clang >/dev/null; then
	mode=libfuzzer
	dir=build-fuzz
	if [ ! -f $dir/build.ninja ]; then
		CC=clang meson setup $dir --buildtype=debugoptimized -Dtests=enabled -Dlibfuzzer=true \
			-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link \
			>$dir.setup.log 2>&1 || { echo "fuzz.sh: clang set-up failed ($dir.setup.log): using the driver"; mode=driver; }
	fi
	if [ $mode = libfuzzer ]; then
		ninja -C $dir "${targets[@]/#/tests/fuzzdrv/fuzz-}" >$dir.build.log 2>&1 ||
			{ echo "fuzz.sh: clang build failed ($dir.build.log): using the driver"; mode=driver; }
	fi
fi
if [ $mode = driver ]; then
	dir=build-fuzzdrv
	if [ ! -f $dir/build.ninja ]; then
		meson setup $dir --buildtype=debugoptimized -Dtests=enabled -Db_sanitize=address,undefined \
			-Db_lundef=false >$dir.setup.log 2>&1 || { cat $dir.setup.log; exit 1; }
	fi
	ninja -C $dir "${targets[@]/#/tests/fuzzdrv/fuzzdrv-}" >$dir.build.log 2>&1 || { tail -30 $dir.build.log; exit 1; }
fi
rc=0
summary=()
for t in "${targets[@]}"; do
	work=fuzz-work/$t
	mkdir -p "$work/corpus"
	log=$work/log.txt
	start=$(date +%s)
	if [ $mode = libfuzzer ]; then
		extra=()
		[ "$t" = cpu ] && extra=(-max_len=512 -timeout=20)
		"$dir/tests/fuzzdrv/fuzz-$t" -max_total_time="$secs" -artifact_prefix="$work/" -print_final_stats=1 \
			"${extra[@]}" "$work/corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
		st=$?
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	else
		extra=()
		[ "$t" = cpu ] && extra=(--no-prefixes --max-len 512)
		"$dir/tests/fuzzdrv/fuzzdrv-$t" --seconds "$secs" --seed "$(date +%s)" --save "$work" "${extra[@]}" \
			"tests/fuzz/corpus/$t" >"$log" 2>&1
		st=$?
		runs=$(grep -o '^[0-9]* inputs' "$log" | grep -o '[0-9]*')
	fi
	took=$(($(date +%s) - start))
	crashes=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	if [ $st -ne 0 ]; then
		rc=1
		summary+=("$t: FAILED after ${took} s ($mode, ${runs:-?} runs): $(grep -m1 -E 'ERROR|fuzz:|runtime error|Segmentation' "$log" | cut -c1-160); inputs in $work ($crashes)")
	else
		summary+=("$t: ok, ${runs:-?} runs in ${took} s ($mode)")
	fi
done
printf '%s\n' "${summary[@]}"
exit $rc
