#!/bin/sh
# Usage: hide_test_packages.sh DIR
# Makes DIR (it must be a new or empty scratch directory) a view of the
# system without the test suite's packages (cmocka, unicorn, zlib), as on
# a machine where only `scripts/deps.sh build` ran: DIR/pkgconfig holds a
# link to every system .pc file but theirs, and DIR/bin a `cmake` that
# fails (meson's CMake fallback would find cmocka's CMake files). The
# caller then sets
#   PKG_CONFIG_LIBDIR=DIR/pkgconfig PATH=DIR/bin:$PATH
# (run it, do not source it: POSIX `.` takes no arguments).
set -eu
hide_dir=${1:?usage: hide_test_packages.sh DIR}
mkdir -p "$hide_dir/pkgconfig" "$hide_dir/bin"
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
	[ -d "$d" ] || continue
	for pc in "$d"/*.pc; do
		[ -e "$pc" ] || continue
		case $(basename "$pc") in
		cmocka.pc | unicorn.pc | zlib.pc) ;;
		*) [ -e "$hide_dir/pkgconfig/$(basename "$pc")" ] || ln -s "$pc" "$hide_dir/pkgconfig/" ;;
		esac
	done
done
printf '#!/bin/sh\nexit 1\n' >"$hide_dir/bin/cmake"
chmod +x "$hide_dir/bin/cmake"
