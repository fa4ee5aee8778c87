#!/bin/sh
# Usage: install_test.sh BUILD_DIR SOURCE_DIR HELLO_COM CC [CFLAGS...]
# `meson install` into a temporary directory, then what an installed mvdm
# must offer: every file in its place, and the examples of examples/ built
# against the installed headers, libraries and pkg-config files alone
# (pkg-config with prefix moved there), as ordinary PIE programs, and run:
# vm_hello on libmvdm, client_hello on libmvdm-client both shared and
# static against the installed mvdmd. CFLAGS: the build's sanitizer flags.
set -eu
build=$1 src=$2 hello=$3 cc=$4
shift 4
tmp=$(mktemp -d)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}
meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "meson install"; }
pc=$(find "$tmp/root" -name mvdm.pc)
[ -n "$pc" ] || fail "no mvdm.pc installed"
pcdir=$(dirname "$pc")
prefix=$tmp/root$(sed -n 's/^prefix=//p' "$pc")
libdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$prefix" --variable=libdir mvdm)
pkgc() {
	PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$prefix" "$@"
}

# Every installed piece, where a Debian tool has it.
for f in bin/mvdm bin/mvdmd include/mvdm/vm16.h include/mvdm/vdd.h include/mvdm/dos.h \
	include/mvdm/progsettings.h include/mvdm/client.h \
	share/man/man1/mvdm.1 share/man/man8/mvdmd.8 share/man/man5/mvdm-settings.5 \
	share/bash-completion/completions/mvdm share/zsh/site-functions/_mvdm \
	share/systemd/user/mvdmd.service share/systemd/user/mvdmd.socket \
	share/doc/mvdm/examples/client_hello.c share/doc/mvdm/examples/vm_hello.c; do
	[ -e "$prefix/$f" ] || fail "$f is not installed"
done
for f in libmvdm.a libmvdm-client.a libmvdm-client.so libmvdm-client.so.0; do
	[ -e "$libdir/$f" ] || fail "$libdir/$f is not installed"
done
grep -q "^ExecStart=${prefix#"$tmp/root"}/bin/mvdmd --foreground" "$prefix/share/systemd/user/mvdmd.service" ||
	fail "mvdmd.service does not start the installed mvdmd"
# The man pages are well-formed, with the project's version.
for m in man1/mvdm.1 man8/mvdmd.8 man5/mvdm-settings.5; do
	warn=$(groff -man -ww -z "$prefix/share/man/$m" 2>&1) || fail "groff on $m"
	[ -z "$warn" ] || fail "$m: $warn"
	grep -q "\"mvdm $(sed -n 's/^Version: //p' "$pc")\"" "$prefix/share/man/$m" || fail "$m lacks the version"
done
# The bash completion offers the commands, and the options of one.
comp=$prefix/share/bash-completion/completions/mvdm
words=$(bash -c '. "$1"; COMP_WORDS=(mvdm st); COMP_CWORD=1; _mvdm; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$words" = "start status" ] || fail "bash completion of 'mvdm st': '$words'"
words=$(bash -c '. "$1"; COMP_WORDS=(mvdm run --dos); COMP_CWORD=2; _mvdm; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$words" = "--dos-version" ] || fail "bash completion of 'mvdm run --dos': '$words'"
if command -v zsh >/dev/null; then
	zsh -n "$prefix/share/zsh/site-functions/_mvdm" || fail "the zsh completion does not parse"
fi
# The shared client library exports its API and nothing else.
others=$(nm -D --defined-only "$libdir/libmvdm-client.so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^mvdm_/')
[ -z "$others" ] || fail "libmvdm-client.so exports more than mvdm_*: $others"
# The installed commands run (--version is the project's version).
version=$(sed -n 's/^Version: //p' "$pc")
"$prefix/bin/mvdm" --version | grep -q "^mvdm $version\$" || fail "installed mvdm --version"
"$prefix/bin/mvdmd" --version | grep -q "^mvdmd $version\$" || fail "installed mvdmd --version"

mkdir "$tmp/c"
cp "$hello" "$tmp/c/HELLO.COM"
ex=$prefix/share/doc/mvdm/examples
is_pie() {
	readelf -h "$1" | grep -q "DYN" || fail "$1 is not a position-independent executable"
}
# vm_hello: libmvdm linked into a PIE program.
# shellcheck disable=SC2046
"$cc" "$@" "$ex/vm_hello.c" $(pkgc --cflags --libs mvdm) -rdynamic -o "$tmp/vm_hello" || fail "building vm_hello"
is_pie "$tmp/vm_hello"
set +e
out=$("$tmp/vm_hello" "$tmp/c" 'C:\HELLO.COM')
rc=$?
set -e
[ $rc -eq 42 ] || fail "vm_hello exited with $rc, not 42"
echo "$out" | grep -q "hello from mvdm" || fail "vm_hello: no greeting in: $out"

# client_hello: libmvdm-client, shared then static, against the installed mvdmd.
sock=$tmp/mvdmd.sock
"$prefix/bin/mvdmd" --foreground --socket "$sock" --workers 1 2>"$tmp/mvdmd.log" &
server=$!
# shellcheck disable=SC2046
"$cc" "$@" "$ex/client_hello.c" $(pkgc --cflags --libs mvdm-client) -o "$tmp/client_shared" ||
	fail "building client_hello (shared)"
# shellcheck disable=SC2046
"$cc" "$@" "$ex/client_hello.c" $(pkgc --cflags mvdm-client) \
	$(pkgc --static --libs mvdm-client | sed 's/-lmvdm-client/-l:libmvdm-client.a/') -o "$tmp/client_static" ||
	fail "building client_hello (static)"
for t in shared static; do
	is_pie "$tmp/client_$t"
	set +e
	out=$(LD_LIBRARY_PATH=$libdir "$tmp/client_$t" "$tmp/c" 'C:\HELLO.COM' "$sock")
	rc=$?
	set -e
	[ $rc -eq 42 ] || fail "client_hello ($t) exited with $rc, not 42: $out"
	echo "$out" | grep -q "hello from mvdm" || fail "client_hello ($t): no greeting in: $out"
done
LD_LIBRARY_PATH=$libdir ldd "$tmp/client_shared" | grep -q "libmvdm-client.so.0 => $libdir" ||
	fail "client_hello (shared) does not use the installed libmvdm-client.so.0"
if ldd "$tmp/client_static" | grep -q libmvdm-client; then
	fail "client_hello (static) needs libmvdm-client.so"
fi
echo "installed: programs, libraries, headers, pkg-config, man pages, completions, units; examples built and ran"
