#!/usr/bin/env bash
# window_test.sh MVDM WINMOUSE.COM - the window console under Xvfb with
# real X key and mouse events (xdotool): the program must get the key A
# and a left click in the middle of its picture (winmouse.asm), and the
# window's title must name the program. Skipped (77) without Xvfb or
# xdotool. Prints "N passed, N failed".
set -u
mvdm=$1 prog=$2
command -v Xvfb >/dev/null && command -v xdotool >/dev/null || { echo "Xvfb or xdotool missing: skipped"; exit 77; }
tmp=$(mktemp -d)
disp=
for n in $(seq 90 120); do
	[ -e /tmp/.X$n-lock ] && continue
	Xvfb :$n -screen 0 1024x768x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
	xpid=$!
	for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
	if kill -0 $xpid 2>/dev/null && [ -e /tmp/.X11-unix/X$n ]; then disp=:$n; break; fi
done
[ -n "$disp" ] || { echo "no Xvfb display"; echo "0 passed, 1 failed"; exit 1; }
cleanup() { kill $xpid 2>/dev/null; [ -n "${mpid:-}" ] && kill $mpid 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export DISPLAY=$disp
"$mvdm" run --timeout 30 --console=window "$prog" </dev/null >"$tmp/out" 2>"$tmp/err" &
mpid=$!
win=$(timeout 15 xdotool search --sync --name "mvdm - .*WINMOUSE" 2>/dev/null | head -1)
fail=0
if [ -z "$win" ]; then
	echo "FAIL: no window named 'mvdm - ...WINMOUSE' appeared"; cat "$tmp/err"; fail=1
else
	# Events may come before the program listens (a loaded machine):
	# send them again until it has seen both, at most 20 times.
	for _ in $(seq 20); do
		kill -0 $mpid 2>/dev/null || break
		eval "$(xdotool getwindowgeometry --shell "$win")"
		# XTEST events (as a user's), to the focused window
		xdotool windowfocus --sync "$win" 2>/dev/null || true
		xdotool key a
		sleep 0.3
		xdotool mousemove --window "$win" $((WIDTH / 2)) $((HEIGHT / 2))
		sleep 0.2
		xdotool click 1
		sleep 1
	done
fi
wait $mpid
rc=$?
mpid=
if [ $fail -eq 0 ] && [ $rc -ne 7 ]; then
	echo "FAIL: exit status $rc, want 7 (1 key A, 2 click, 4 click in the middle)"; cat "$tmp/err"; fail=1
fi
[ $fail -eq 0 ] && { echo "ok   window: key A and a click in the middle reached the program"; echo "1 passed, 0 failed"; exit 0; }
echo "0 passed, 1 failed"
exit 1
