#!/bin/sh
# Usage: hide_dir=DIR; . tests/build/hide_test_packages.sh
# (a variable, not an argument: POSIX sh's `.` takes no arguments, and
# dash would see the caller's $1 instead)
# Makes the test suite's packages (cmocka, unicorn) invisible to a
# build configured in this shell, as on a machine where only
# `scripts/deps.sh build` ran: pkg-config sees every system .pc file but
# theirs (PKG_CONFIG_LIBDIR, a directory of links made in DIR), and meson's
# CMake fallback, which would find cmocka's CMake files, finds no cmake.
: "${hide_dir:?set hide_dir before sourcing}"
mkdir -p "$hide_dir/pkgconfig" "$hide_dir/bin"
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
	[ -d "$d" ] || continue
	for pc in "$d"/*.pc; do
		[ -e "$pc" ] || continue
		case $(basename "$pc") in
		cmocka.pc | unicorn.pc) ;; # zlib is libpng's, a build dependency
		*) [ -e "$hide_dir/pkgconfig/$(basename "$pc")" ] || ln -s "$pc" "$hide_dir/pkgconfig/" ;;
		esac
	done
done
printf '#!/bin/sh\nexit 1\n' >"$hide_dir/bin/cmake"
chmod +x "$hide_dir/bin/cmake"
PKG_CONFIG_LIBDIR=$hide_dir/pkgconfig
PATH=$hide_dir/bin:$PATH
export PKG_CONFIG_LIBDIR PATH
