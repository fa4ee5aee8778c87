#!/usr/bin/env bash
# Usage: hostpath_test.sh MVDM HELLO_COM
# A host path to the program (tools/hostpath.c) maps no directory the user
# did not name: a symbolic link whose target lies outside the drive it is
# on is refused with a message naming both (defect 2 of issue 15: it used
# to map the target's whole directory read-write as another drive); a link
# inside the drive runs; a plain file in an unmapped directory gets that
# directory as D:. HELLO_COM prints "hello" and ends with status 42.
set -u
MVDM=$(realpath "$1") HELLO=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
cd "$tmp" || exit 1
export XDG_CONFIG_HOME=$tmp/.no-config
mkdir -p box/sub else
cp "$HELLO" else/GAME.COM
cp "$HELLO" box/sub/REAL.COM
ln -s ../else/GAME.COM box/GAME.COM
ln -s sub/REAL.COM box/INSIDE.COM

# The link out of box/ is refused, whether C: is box or box is new.
for args in "-d C=box box/GAME.COM" "box/GAME.COM" "-d C=box $tmp/box/GAME.COM"; do
	# shellcheck disable=SC2086
	"$MVDM" run --timeout 20 $args >out 2>err </dev/null
	rc=$?
	[ $rc -eq 126 ] || fail "run $args: exit $rc, not 126 (stdout: $(head -c 200 out))"
	grep -q "symbolic link to $tmp/else/GAME.COM, outside drive" err ||
		fail "run $args: no clear message: $(head -c 300 err)"
done
"$MVDM" settings -d C=box box/GAME.COM >out 2>err
grep -q "symbolic link" err || fail "settings: the link out of box/ was not refused: $(head -c 300 err)"

# A link inside the drive runs, under its own name.
"$MVDM" run --timeout 20 -d C=box box/INSIDE.COM >out 2>err </dev/null
rc=$?
[ $rc -eq 42 ] || fail "run of a link inside the drive: exit $rc ($(head -c 300 err))"
grep -qi hello out || fail "run of a link inside the drive printed '$(head -c 200 out)'"

# A plain file elsewhere gets its own directory as a drive, as before.
"$MVDM" run --timeout 20 -d C=box else/GAME.COM >out 2>err </dev/null
rc=$?
[ $rc -eq 42 ] && grep -qi hello out || fail "run else/GAME.COM: exit $rc, '$(head -c 200 out)' $(head -c 200 err)"

[ $fails -eq 0 ] && echo "ok: host paths" && exit 0
exit 1
