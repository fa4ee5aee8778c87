#!/usr/bin/env bash
# syscalls_test.sh MVDM PROGDIR - the host system calls behind DOS file
# calls (docs/cpu-speed.md, "Session 18 (issue 13): the nmake build's
# system calls"), counted by strace on FILELOOP.COM (progs/fileloop.asm:
# a create, 300 one-byte writes, 20 opens for writing with IOCTL 4400h, 20
# creates over the file, a delete):
#  - a write asks for no file size without a DISK_QUOTA (no fstat), a
#    create or open for writing takes the lookup's own stat of the file
#    (no stat or lstat of its own), a delete no lstat: at most 200
#    newfstatat in all (529 before);
#  - IOCTL 4400h asks for the position only of an empty file: at most 305
#    lseek (one per write, and a few; 321 before).
# Skipped (77) without strace, or where it may not trace (ptrace denied,
# as in some containers).
set -euo pipefail
mvdm=$(realpath "${1:?usage: syscalls_test.sh MVDM PROGDIR}")
progs=${2:?}
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "SKIP: strace may not trace here"; exit 77; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp "$progs/fileloop.com" "$w/FILELOOP.COM"
# LeakSanitizer cannot run under ptrace (an ASan build): the other tests
# look for leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
(cd "$w" && strace -f -o "$w/trace" "$mvdm" run FILELOOP.COM 2>"$w/err") ||
	{ echo "FAIL: FILELOOP.COM exited with $?"; cat "$w/err"; exit 1; }
count() { grep -cE "^[0-9]+ +$1\(" "$w/trace" || true; } # "PID  call(" (the PID padded)
stats=$(count newfstatat) seeks=$(count lseek)
echo "FILELOOP.COM: $stats newfstatat, $seeks lseek"
fail=0
# The count reads the trace: it holds the 300 writes (else it is not read right).
[ "$(count write)" -ge 300 ] || { echo "FAIL: $(count write) writes in the trace, not 300"; fail=1; }
[ "$stats" -le 200 ] || { echo "FAIL: $stats newfstatat, more than 200"; fail=1; }
[ "$seeks" -le 305 ] || { echo "FAIL: $seeks lseek, more than 305"; fail=1; }
[ -e "$w/file.tmp" ] && { echo "FAIL: FILE.TMP is left"; fail=1; }
exit $fail
