#!/usr/bin/env bash
# Usage: cli_test.sh MVDM MVDMD VERSION GETKEY_COM HELLO_COM
# The conventions every command keeps (README "Exit status", mvdm(1)):
# --help on stdout with status 0 for every command, --version from the
# project's version, unknown commands and options named (status 2), the
# one exit-status table (126 for a load error from run and start alike,
# 130 for Ctrl+C), one spelling of the DOS version. The server commands
# run against an mvdmd of their own on a temporary socket.
set -u
MVDM=$(realpath "$1") MVDMD=$(realpath "$2") VERSION=$3 GETKEY=$(realpath "$4") HELLO=$(realpath "$5")
tmp=$(mktemp -d)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
# expect STATUS CMD...: runs CMD with stdout and stderr in files.
expect() {
	local want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local got=$?
	[ "$got" -eq "$want" ] || fail "$* exited with $got, not $want (stderr: $(head -c 300 "$tmp/err"))"
}
export MVDM_SOCKET=$tmp/mvdmd.sock
cd "$tmp" || exit 1
cp "$GETKEY" GETKEY.COM
cp "$HELLO" HELLO.COM

# --help: stdout, status 0, for mvdm, every command and mvdmd.
for c in "" run shell settings disasm start ps status wait kill pause resume rm screen keys output attach \
	shutdown help version; do
	expect 0 "$MVDM" $c --help
	[ -s "$tmp/out" ] || fail "mvdm $c --help printed nothing on stdout"
	[ -s "$tmp/err" ] && fail "mvdm $c --help wrote on stderr"
	grep -q "^usage: mvdm" "$tmp/out" || fail "mvdm $c --help: no usage line"
done
expect 0 "$MVDM" help wait
grep -q "^usage: mvdm wait" "$tmp/out" || fail "mvdm help wait is not wait's help"
expect 0 "$MVDM" shell --help
grep -q "^usage: mvdm shell" "$tmp/out" || fail "mvdm shell --help is not the shell's help"
expect 0 "$MVDMD" --help
grep -q "^usage: mvdmd" "$tmp/out" || fail "mvdmd --help: no usage line"

# --version: the project's version, one place.
for v in "$MVDM --version" "$MVDM version" "$MVDMD --version"; do
	expect 0 $v
	grep -qx "mvdmd\? $VERSION" "$tmp/out" || fail "$v printed '$(cat "$tmp/out")', not version $VERSION"
done

# Unknown commands and options are named; status 2.
expect 2 "$MVDM" frobnicate
grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "unknown command not named: $(cat "$tmp/err")"
expect 2 "$MVDM" run --frob HELLO.COM
grep -q "unknown option '--frob'" "$tmp/err" || fail "unknown option not named: $(cat "$tmp/err")"
expect 2 "$MVDM" ps -x
grep -q "unknown option '-x'" "$tmp/err" || fail "unknown short option not named: $(cat "$tmp/err")"
expect 2 "$MVDM" run --timeout
grep -q "option '--timeout' needs a value" "$tmp/err" || fail "missing value not named: $(cat "$tmp/err")"
expect 2 "$MVDMD" --frob
grep -q "unknown option '--frob'" "$tmp/err" || fail "mvdmd: unknown option not named"
expect 2 "$MVDM" wait
expect 2 "$MVDM" run
expect 2 "$MVDM" shell HELLO.COM

# One spelling of the DOS version: 7, 7.0, 700 and 3.3, 3.30, 330 alike,
# as an option and as a setting; a bad one is refused the same way.
for v in 7 7.0 7.00 700; do
	expect 42 "$MVDM" run --dos-version "$v" HELLO.COM
	grep -q "^ver:7.00" "$tmp/out" || fail "--dos-version $v: $(grep ver: "$tmp/out")"
	expect 42 "$MVDM" run --set "DOS_VERSION=$v" HELLO.COM
	grep -q "^ver:7.00" "$tmp/out" || fail "DOS_VERSION=$v: $(grep ver: "$tmp/out")"
done
for v in 3.3 3.30 330; do
	expect 42 "$MVDM" run --dos-version "$v" HELLO.COM
	grep -q "^ver:3.30" "$tmp/out" || fail "--dos-version $v: $(grep ver: "$tmp/out")"
done
expect 126 "$MVDM" run --dos-version 3.x HELLO.COM
a=$(sed 's/^[^:]*: //' "$tmp/err")
expect 126 "$MVDM" run --set DOS_VERSION=3.x HELLO.COM
grep -q "setting DOS_VERSION takes a DOS version" "$tmp/err" || fail "DOS_VERSION=3.x: $(cat "$tmp/err")"
case $a in *"setting DOS_VERSION takes a DOS version"*) ;; *) fail "--dos-version 3.x: $a" ;; esac
expect 0 "$MVDM" settings --dos-version 3.3 HELLO.COM
grep -q "^DOS_VERSION  *3.30 " "$tmp/out" || fail "mvdm settings shows $(grep DOS_VERSION "$tmp/out")"

# Ctrl+C (Ctrl+Break) ending the program: 130, not its DOS code 0.
printf '\003' | "$MVDM" run GETKEY.COM >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 130 ] || fail "a program ended by Ctrl+C: exit $rc, not 130"
grep -q "ended by Ctrl+C" "$tmp/err" || fail "no word about Ctrl+C: $(cat "$tmp/err")"
printf 'x' | "$MVDM" run GETKEY.COM >/dev/null 2>&1
rc=$?
[ $rc -eq 5 ] || fail "GETKEY.COM with a key: exit $rc, not 5"

# Profiles: drives, environment, settings and start-up commands; -d, -e
# and --set win; named ones live in $XDG_CONFIG_HOME/mvdm/profiles.
mkdir -p cfg/mvdm/profiles box
cp HELLO.COM box/HELLO.COM
cat >cfg/mvdm/profiles/demo.profile <<'PROFILE'
# the test's profile
DOS_VERSION=3.3
[drives]
D=box
[env]
MVDMTEST=from-profile
[autoexec]
SET MVDMTEST=%MVDMTEST%+autoexec
D:
PROFILE
sed -i "s|^D=box|D=$tmp/box|" cfg/mvdm/profiles/demo.profile
export XDG_CONFIG_HOME=$tmp/cfg
expect 42 "$MVDM" run --profile demo 'D:\HELLO.COM'
grep -q "^ver:3.30" "$tmp/out" || fail "profile setting: $(cat "$tmp/out")"
grep -q "^env:\[from-profile+autoexec\]" "$tmp/out" || fail "profile env + autoexec: $(cat "$tmp/out")"
expect 42 "$MVDM" run --profile demo -e MVDMTEST=cmdline --dos-version 6.22 HELLO
grep -q "^ver:6.22" "$tmp/out" || fail "--dos-version over the profile: $(cat "$tmp/out")"
grep -q "^env:\[cmdline+autoexec\]" "$tmp/out" || fail "-e over the profile: $(cat "$tmp/out")"
expect 42 "$MVDM" run --profile "$tmp/cfg/mvdm/profiles/demo.profile" HELLO
expect 0 "$MVDM" settings --profile demo HELLO.COM
grep -q "^DOS_VERSION .*profile:.*demo.profile" "$tmp/out" || fail "settings --profile: $(grep DOS_VERSION "$tmp/out")"
printf 'echo in the shell\r\n' | "$MVDM" shell --profile demo >"$tmp/out" 2>&1
grep -qF 'D:\>echo in the shell' "$tmp/out" || fail "shell --profile (the prompt after the autoexec's D:): $(cat "$tmp/out")"
printf '[drives]\nC=/no/such/dir\n' >bad.profile
expect 126 "$MVDM" run --profile ./bad.profile HELLO.COM
grep -q "bad.profile:2: drive C: /no/such/dir" "$tmp/err" || fail "a bad profile: $(cat "$tmp/err")"
expect 126 "$MVDM" run --profile nosuch HELLO.COM
grep -q "nosuch.profile" "$tmp/err" || fail "a missing profile: $(cat "$tmp/err")"
# Per-program settings by contents: this HELLO.COM, not another of its name.
mkdir -p cfg/mvdm/programs other
hash=$(sha256sum HELLO.COM | cut -c1-16)
echo "DOS_VERSION=4.01" >"cfg/mvdm/programs/HELLO.COM.$hash.mvdm"
expect 42 "$MVDM" run HELLO.COM
grep -q "^ver:4.01" "$tmp/out" || fail "settings by contents: $(grep ver: "$tmp/out")"
{ cat HELLO.COM; printf 'x'; } >other/HELLO.COM
expect 42 "$MVDM" run other/HELLO.COM
grep -q "^ver:5.00" "$tmp/out" || fail "another HELLO.COM took this one's settings: $(grep ver: "$tmp/out")"
expect 0 "$MVDM" settings --files HELLO.COM
grep -q "^found  *$tmp/cfg/mvdm/programs/HELLO.COM.$hash.mvdm" "$tmp/out" || fail "settings --files: $(cat "$tmp/out")"
rm "cfg/mvdm/programs/HELLO.COM.$hash.mvdm"

# The server's commands: a load error is 126 for start as for run.
"$MVDMD" --foreground --socket "$MVDM_SOCKET" --workers 1 2>"$tmp/mvdmd.log" &
server=$!
for _ in $(seq 50); do [ -S "$MVDM_SOCKET" ] && break; sleep 0.1; done
expect 126 "$MVDM" run NOPE.EXE
expect 126 "$MVDM" start NOPE.EXE
grep -q "NOPE.EXE" "$tmp/err" || fail "start NOPE.EXE does not name the program: $(cat "$tmp/err")"
expect 126 "$MVDM" start --dos-version 3.x HELLO.COM
expect 0 "$MVDM" start --name greeter HELLO.COM
id=$(cat "$tmp/out")
expect 42 "$MVDM" wait "$id"
expect 0 "$MVDM" ps --json
python3 -c '
import json, sys
vms = json.load(open(sys.argv[1]))
v = [v for v in vms if v["name"] == "greeter"]
assert len(v) == 1 and v[0]["state"] == "exited" and v[0]["exit_code"] == 42 and v[0]["program"], vms
' "$tmp/out" || fail "ps --json: $(cat "$tmp/out")"
# A VM by its name wherever an id goes; an unknown one is the server's "no".
expect 0 "$MVDM" status greeter
grep -q "^id: *$id\$" "$tmp/out" || fail "status greeter: $(cat "$tmp/out")"
expect 42 "$MVDM" wait greeter
expect 0 "$MVDM" output greeter
grep -q "hello from mvdm" "$tmp/out" || fail "output greeter: $(cat "$tmp/out")"
expect 1 "$MVDM" start --name greeter HELLO.COM
grep -q "already called" "$tmp/err" || fail "a second VM called greeter: $(cat "$tmp/err")"
expect 0 "$MVDM" rm greeter
expect 1 "$MVDM" wait greeter
grep -q 'no VM is called "greeter"' "$tmp/err" || fail "wait for a removed name: $(cat "$tmp/err")"
expect 1 "$MVDM" wait 9999
expect 0 "$MVDM" start --name sleeper --paused HELLO.COM
for c in status screen "keys sleeper x" resume; do
	set -- $c
	[ $# -eq 1 ] && set -- "$1" sleeper
	expect 0 "$MVDM" "$@"
done
expect 42 "$MVDM" wait sleeper
# start --profile: the server reads the same profile.
expect 0 "$MVDM" start --profile demo --name profiled HELLO
expect 42 "$MVDM" wait profiled
expect 0 "$MVDM" output profiled
grep -q "^env:\[from-profile+autoexec\]" "$tmp/out" || fail "start --profile: $(cat "$tmp/out")"
grep -q "^ver:3.30" "$tmp/out" || fail "start --profile (setting): $(cat "$tmp/out")"
expect 0 "$MVDM" shutdown
wait "$server"
server=

# A batch loop of internal commands runs until it is stopped, as on DOS
# (the shell used to leave after 100,000 lines): 124 when --timeout ends
# it. A loop that ends by itself still ends where it should.
printf '@ECHO OFF\r\n:A\r\nGOTO A\r\n' >LOOP.BAT
expect 124 "$MVDM" run --timeout 1 LOOP.BAT
printf '@ECHO OFF\r\nSET N=\r\n:A\r\nSET N=%%N%%x\r\nIF "%%N%%"=="xxxxxxxxxxxxxxxxxxxx" GOTO E\r\nGOTO A\r\n:E\r\nECHO done %%N%%\r\n' >COUNT.BAT
expect 0 "$MVDM" run COUNT.BAT
[ "$(tr -d '\r' <"$tmp/out")" = "done xxxxxxxxxxxxxxxxxxxx" ] || fail "COUNT.BAT printed: $(cat "$tmp/out")"

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "cli conventions: ok"
