#!/usr/bin/env python3
"""run_test.py - `mvdm run` as a user meets it: pipes, end of input,
terminals (a real pty), time limits (README "Using it", docs/console.md).

Usage: run_test.py MVDM CASE PROGDIR...

Each case runs `MVDM run ...` in a fresh temporary directory that holds the
guest programs (*.com) of every PROGDIR, upper-cased. Exit status: 0 pass,
1 fail, 77 skip. `run_test.py MVDM list` prints the case names.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from vtscreen import PtyRun

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from server_test import Fail, Skip, check, many_files  # noqa: E402

SKIP = 77
INFO = []


class Env:
    def __init__(self, mvdm, progdirs):
        self.mvdm = os.path.abspath(mvdm)
        self.dir = tempfile.mkdtemp(prefix="mvdm-runtest-")
        for d in progdirs:
            for n in os.listdir(d):
                if n.lower().endswith(".com"):
                    shutil.copy(os.path.join(d, n), os.path.join(self.dir, n.upper()))
        self.env = dict(os.environ)
        self.env["XDG_CONFIG_HOME"] = os.path.join(self.dir, ".no-config")
        self.env.pop("MVDM_SOCKET", None)

    def run(self, args, stdin=b"", timeout=30, env=None, cmd="run"):
        """Runs `mvdm run ARGS` on pipes (stdin: bytes, or None for
        /dev/null); returns (status, stdout, stderr, seconds, cpu seconds)."""
        e = dict(self.env)
        e.update(env or {})
        t0 = time.monotonic()
        p = subprocess.Popen([self.mvdm, cmd] + args, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.dir, env=e)
        try:
            out, err = p.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            raise Fail("mvdm %s %s did not end within %g s: stdout %r stderr %r"
                       % (cmd, " ".join(args), timeout, out[-300:], err[-300:]))
        secs = time.monotonic() - t0
        return p.returncode, out, err.decode(errors="replace"), secs

    def pty(self, args, rows=25, cols=80, env=None, cmd="run"):
        e = dict(self.env)
        e.update(env or {})
        return PtyRun(self.mvdm, [cmd] + args, self.dir, e, rows, cols)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def best_of(what, tries, limit_ms, fn):
    ms = [fn() for _ in range(tries)]
    INFO.append("%s: %s ms" % (what, ", ".join("%.1f" % m for m in ms)))
    check(min(ms) <= limit_ms, "%s: %s ms (best %.1f), more than %.0f ms"
          % (what, ", ".join("%.1f" % m for m in ms), min(ms), limit_ms))


# ---------------------------------------------------------------- cases

def case_timeout(env):
    """--timeout ends the VM within 50 ms of its time whatever the guest
    does: REP string instructions, costly DOS calls, a plain loop."""
    many_files(env.dir)
    # What starting and ending a VM costs here, without a time limit.
    base = min(env.run(["HELLO.COM"])[3] for _ in range(3))
    for mode, what in (("r", "REP LODSB"), ("f", "find over 9,000 files"), ("s", "a plain loop")):
        def once():
            rc, out, err, secs = env.run(["--timeout", "0.4", "HOG.COM", mode])
            check(rc == 124, "a hog (%s) with --timeout 0.4: exit %d, stderr %r" % (what, rc, err))
            check("timed out" in err, "the diagnostic of a timed-out hog (%s): %r" % (what, err))
            check(b"hog: ready" in out, "the hog (%s) printed %r" % (what, out))
            return (secs - 0.4 - base) * 1000.0
        best_of("--timeout 0.4 with " + what + " (ms late)", 3, 50.0, once)


def case_stream_signals(env):
    """SIGINT and SIGTERM end a busy run on pipes promptly (tools/
    run_console.c reads the signalfd at most every 5 ms of host time
    between slices, not after every slice): the median of five runs from
    the signal to the exit is under 100 ms, with the status and message
    of the signal."""
    import select
    for sig, want, says in ((signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")):
        late = []
        for _ in range(5):
            p = subprocess.Popen([env.mvdm, "run", "HOG.COM", "r"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=env.dir, env=env.env)
            try:
                out, deadline = b"", time.monotonic() + 20
                while b"hog: ready" not in out and time.monotonic() < deadline:
                    if select.select([p.stdout], [], [], 0.5)[0]:
                        out += os.read(p.stdout.fileno(), 4096)
                check(b"hog: ready" in out, "HOG.COM r on pipes printed %r" % out)
                time.sleep(0.05)  # busy in its loop
                t0 = time.monotonic()
                p.send_signal(sig)
                rc = p.wait(timeout=20)
                late.append((time.monotonic() - t0) * 1000.0)
                err = p.stderr.read().decode(errors="replace")
                check(rc == want and says in err, "%s to a busy HOG.COM: exit %s, stderr %r" % (says, rc, err))
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stdout.close()
                p.stderr.close()
        late.sort()
        INFO.append("%s to a busy run on pipes: %s ms to its end" % (says, ", ".join("%.1f" % m for m in late)))
        check(late[2] <= 100.0, "%s to a busy run on pipes: %s ms to its end, median over 100 ms"
              % (says, ", ".join("%.1f" % m for m in late)))


UTF8 = {"LC_ALL": "C.UTF-8"}
NOT_UTF8 = {"LC_ALL": "C"}


def cpu_of(env, args, stdin_fd, timeout=20):
    """Runs `mvdm run ARGS` with stdin_fd; (status, stdout, stderr, cpu s)."""
    e = dict(env.env)
    e.update(UTF8)
    p = subprocess.Popen([env.mvdm, "run"] + args, stdin=stdin_fd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=env.dir, env=e)
    deadline = time.monotonic() + timeout
    while p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if p.poll() is None:
        p.kill()
    out, err = p.communicate()
    r = os.times()
    return p.returncode, out, err.decode(errors="replace"), r.children_user + r.children_system


def case_stream_keys(env):
    """stdin feeds BIOS key reads (INT 16h) when it is a pipe: waiting
    reads, a polling loop, a busy program that peeks; text that has no key
    (e) is typed as Alt + its code and arrives whole."""
    for mode in ("", "p", "w"):
        rc, out, err, _ = env.run(["KEYS.COM", mode] if mode else ["KEYS.COM"], b"abc\n", env=UTF8)
        check(rc == 7 and out == b"key? abc\nkeys: done\n",
              "KEYS.COM %r fed 'abc\\n': exit %d, stdout %r, stderr %r" % (mode, rc, out, err))
    rc, out, err, _ = env.run(["KEYS.COM"], "é\r".encode(), env=UTF8)
    check(rc == 7 and out == "key? é\nkeys: done\n".encode(), "KEYS.COM fed 'é': exit %d, %r" % (rc, out))
    # keys and DOS reads share the input in order: the shell reads a line
    # through DOS, then KEYS.COM reads keys through the BIOS.
    rc, out, err, _ = env.run([], b"KEYS\nxy\nexit\n", env=UTF8, cmd="shell")
    check(b"C:\\>KEYS\nkey? xy\nkeys: done\n" in out and b"C:\\>exit" in out,
          "shell then KEYS.COM: exit %d, %r %r" % (rc, out, err))
    # CR LF is one Enter: no stray key is left for the next program.
    rc, out, err, _ = env.run([], b"KEYS\r\na\r\nKEYS\r\nb\r\nexit\r\n", env=UTF8, cmd="shell")
    check(b"key? a\nkeys: done" in out and b"key? b\nkeys: done" in out,
          "KEYS.COM twice with CR LF input: %r %r" % (out, err))


def case_stream_eof(env):
    """At the end of input a program that waits for a key ends with a
    message and status 123, without spinning; one that only peeks while it
    works goes on (its time limit ends it); a DOS read at the end of input
    ends as it did (the shell exits)."""
    for mode in ("", "p"):
        with open(os.devnull, "rb") as null:
            t0 = time.monotonic()
            c0 = os.times()
            rc, out, err, _ = cpu_of(env, ["KEYS.COM"] + ([mode] if mode else []), null)
            c1 = os.times()
            secs = time.monotonic() - t0
        cpu = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)
        check(rc == 123 and out == b"key? " and "input has ended" in err,
              "KEYS.COM %r </dev/null: exit %d, stdout %r, stderr %r" % (mode, rc, out, err))
        check(secs < 5 and cpu < 1.0, "KEYS.COM %r </dev/null took %.2f s (%.2f s of CPU)" % (mode, secs, cpu))
        INFO.append("KEYS.COM %r </dev/null: %.2f s, %.2f s of CPU" % (mode, secs, cpu))
    rc, out, err, secs = env.run(["--timeout", "1", "KEYS.COM", "w"], None)
    check(rc == 124, "a busy program that only peeks, </dev/null: expected the time limit (124), got %d %r" % (rc, err))
    rc, out, err, secs = env.run([], None, cmd="shell")
    check(rc == 0 and secs < 5, "mvdm shell </dev/null: exit %d after %.2f s, %r" % (rc, secs, err))
    rc, out, err, secs = env.run(["KEYS.COM"], b"ab")
    check(rc == 123 and out == b"key? ab", "KEYS.COM fed 'ab' without Enter: exit %d, %r" % (rc, out))


def read_until(fd, needle, secs):
    import select
    got = b""
    end = time.monotonic() + secs
    while needle not in got and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            got += chunk
    return got


def case_stream_flush(env):
    """What a program writes before it waits, or before the process is
    killed, is out: a prompt without a new line before a key wait, a line
    before a busy loop; kill -9 then loses nothing."""
    for args, needle in ((["KEYS.COM"], b"key? "), (["HOG.COM", "s"], b"hog: ready\n")):
        r, w = os.pipe()
        p = subprocess.Popen([env.mvdm, "run"] + args, stdin=subprocess.PIPE, stdout=w, stderr=subprocess.DEVNULL,
                             cwd=env.dir, env=dict(env.env, **UTF8))
        os.close(w)
        got = read_until(r, needle, 5)
        time.sleep(0.2)
        p.kill()
        p.wait()
        os.close(r)
        p.stdin.close()
        check(got == needle, "%s on pipes: before kill -9 stdout held %r, expected %r" % (args[0], got, needle))


def case_exit_complete(env):
    """All that a program did is on the host when `mvdm run` has ended,
    which (but in sanitizer builds) leaves the VM's memory to the process's
    exit instead of tearing the VM down: its standard output, on a pipe and
    on a file; a file it left open (a TSR, or a program that waited for a
    key when input had ended), whole and with the date and time it set,
    which DOS applies when it closes the file at the end; what it printed
    (--printer)."""
    out_path = os.path.join(env.dir, "out.txt")
    left = os.path.join(env.dir, "left.dat")  # DOS makes new host names lower case
    prn = os.path.join(env.dir, "prn.txt")
    lines = b"".join(bytes([65 + k % 26]) * 62 + b"\n" for k in range(1024))
    block = bytes(range(256)) * 16 * 24
    stamp = time.mktime((1999, 12, 31, 23, 58, 0, 0, 0, -1))
    for to_file, args, status in ((False, ["LEAVE.COM"], 3), (True, ["LEAVE.COM"], 3),
                                  (False, ["LEAVE.COM", "k"], 123)):
        for p in (left, prn, out_path):
            if os.path.exists(p):
                os.remove(p)
        args = ["--printer", "prn.txt"] + args
        if to_file:
            with open(out_path, "wb") as f:
                p = subprocess.run([env.mvdm, "run"] + args, stdin=subprocess.DEVNULL, stdout=f,
                                   stderr=subprocess.PIPE, cwd=env.dir, env=env.env, timeout=30)
            rc, err = p.returncode, p.stderr.decode(errors="replace")
            with open(out_path, "rb") as f:
                out = f.read()
        else:
            rc, out, err, _ = env.run(args, None)
        where = "%s, stdout to %s" % (" ".join(args[2:]), "a file" if to_file else "a pipe")
        check(rc == status, "%s: exit %d, stderr %r" % (where, rc, err))
        check(out == lines, "%s: %d bytes of standard output, expected %d%s"
              % (where, len(out), len(lines), "" if len(out) != len(lines) else " (different bytes)"))
        with open(left, "rb") as f:
            data = f.read()
        check(data == block, "%s: LEFT.DAT has %d bytes, expected %d" % (where, len(data), len(block)))
        mtime = os.stat(left).st_mtime
        check(abs(mtime - stamp) < 1, "%s: LEFT.DAT was modified at %s, expected the %s the program set"
              % (where, time.ctime(mtime), time.ctime(stamp)))
        with open(prn, "rb") as f:
            printed = f.read()
        check(printed == b"printed\r\n", "%s: the printer file has %r" % (where, printed))


def case_stream_text(env):
    """UTF-8 in and out under a UTF-8 locale, LF line ends; code page 437
    bytes with --cp437 or under a locale that is not UTF-8; CR LF with
    --crlf."""
    rc, out, err, _ = env.run([], "ECHO café ▒\nexit\n".encode(), env=UTF8, cmd="shell")
    check(rc == 0 and "\ncafé ▒\n".encode() in out and b"\r" not in out,
          "ECHO café ▒ under C.UTF-8: exit %d, %r" % (rc, out))
    rc, out, err, _ = env.run(["HELLO.COM"], None, env=UTF8)
    check(rc == 42 and "cp437:[é╔═╗]\n".encode() in out, "HELLO.COM under C.UTF-8: %r" % out)
    rc, out, err, _ = env.run(["--crlf", "HELLO.COM"], None, env=UTF8)
    check(rc == 42 and "cp437:[é╔═╗]\r\n".encode() in out, "HELLO.COM --crlf: %r" % out)
    for opts, e in ((["--cp437"], UTF8), ([], NOT_UTF8)):
        rc, out, err, _ = env.run(opts + ["HELLO.COM"], None, env=e)
        check(rc == 42 and b"cp437:[\x82\xc9\xcd\xbb]\n" in out, "HELLO.COM %s %s: %r" % (opts, e, out))
        rc, out, err, _ = env.run(opts, b"ECHO caf\x82\nexit\n", env=e, cmd="shell")
        check(rc == 0 and b"\ncaf\x82\n" in out, "ECHO caf<82h> %s %s: %r" % (opts, e, out))
    rc, out, err, _ = env.run(["--utf8", "HELLO.COM"], None, env=NOT_UTF8)
    check(rc == 42 and "cp437:[é╔═╗]\n".encode() in out, "HELLO.COM --utf8 under C: %r" % out)


# ---------------------------------------------------------------- terminal

def term_restored(p, what):
    """The terminal as the run found it: termios, the normal screen, a
    visible cursor, nothing drawn outside it, nothing scrolled."""
    check(p.after() == p.before, "%s: the terminal's termios was not restored" % what)
    alts = [e for e in p.screen.events if isinstance(e, tuple) and e[0] == "alt"]
    check(alts and alts[0] == ("alt", True) and alts[-1] == ("alt", False) and not p.screen.on_alt,
          "%s: the alternate screen was not entered and left: %s" % (what, alts))
    check(p.screen.cursor_visible, "%s: the cursor is left hidden" % what)
    check(not p.screen.violations, "%s: %s" % (what, "; ".join(p.screen.violations[:5])))


def case_term_basic(env):
    """The terminal console: the screen on the alternate screen, the last
    screen's text left on the normal one as the program's output, UTF-8
    keys typed in (é by Alt + keypad), the terminal given back."""
    p = env.pty(["HELLO.COM"], env=UTF8)
    try:
        rc = p.finish()
        check(rc == 42, "HELLO.COM on a terminal: exit %s, stderr %r" % (rc, p.stderr()))
        term_restored(p, "HELLO.COM")
        main = "\n".join(p.screen.text(alt=False))
        check("hello from mvdm" in main and "é╔═╗" in main,
              "the normal screen after HELLO.COM should show its output:\n%s" % main)
    finally:
        p.close()
    p = env.pty(["KEYS.COM"], env=UTF8)
    try:
        check(p.wait_for(lambda p: "key?" in "".join(p.screen.text())), "KEYS.COM drew no prompt")
        p.send("é1\r".encode())
        rc = p.finish()
        check(rc == 7, "KEYS.COM on a terminal: exit %s %r" % (rc, p.stderr()))
        term_restored(p, "KEYS.COM")
        check("key? é1" in p.screen.text(alt=False), "KEYS.COM typed 'é1': %s" % p.screen.text(alt=False)[:3])
    finally:
        p.close()


def case_term_size(env):
    """Terminals smaller and larger than the DOS screen: nothing is drawn
    outside the terminal, the view holds the cursor, a resize (SIGWINCH)
    redraws for the new size."""
    for rows, cols in ((20, 60), (24, 80), (40, 132)):
        p = env.pty(["LINES.COM"], rows, cols, env=UTF8)
        try:
            ok = p.wait_for(lambda p: any(l.startswith("bottom: press a key") for l in p.screen.text()))
            shown = p.screen.text()
            check(ok, "LINES.COM on %dx%d: the cursor's line is not in view:\n%s" % (cols, rows, "\n".join(shown)))
            check("line 30" in shown, "LINES.COM on %dx%d: 'line 30' not in view" % (cols, rows))
            if rows >= 25:
                check(shown[0] == "line 07" and shown[24].startswith("bottom"),
                      "LINES.COM on %dx%d: the screen should be at the top left:\n%s" % (cols, rows, "\n".join(shown[:26])))
            for r2, c2 in ((10, 40), (30, 100)):
                p.resize(r2, c2)
                ok = p.wait_for(lambda p: any(l.startswith("bottom: press a key"[:c2]) for l in p.screen.text()), 5)
                check(ok and not p.screen.violations, "LINES.COM resized to %dx%d:\n%s\n%s"
                      % (c2, r2, "\n".join(p.screen.text()), p.screen.violations))
            p.send(b" ")
            rc = p.finish()
            check(rc == 0, "LINES.COM on %dx%d: exit %s %r" % (cols, rows, rc, p.stderr()))
            term_restored(p, "LINES.COM on %dx%d" % (cols, rows))
        finally:
            p.close()


def case_term_exits(env):
    """Every way out gives the terminal back: the program's end, Ctrl+]
    (130), SIGINT (130), SIGTERM (143), SIGHUP (129), the time limit
    (124), a fault (125); each says why on stderr."""
    def keys_waiting(p):
        return "key?" in "".join(p.screen.text())
    cases = (
        ("Ctrl+]", ["KEYS.COM"], lambda p: p.send(b"\x1d"), 130, "Ctrl+]"),
        ("SIGINT", ["KEYS.COM"], lambda p: p.proc.send_signal(signal.SIGINT), 130, "SIGINT"),
        ("SIGTERM", ["KEYS.COM"], lambda p: p.proc.send_signal(signal.SIGTERM), 143, "SIGTERM"),
        ("SIGHUP", ["KEYS.COM"], lambda p: p.proc.send_signal(signal.SIGHUP), 129, "SIGHUP"),
        ("SIGTERM while busy", ["HOG.COM", "r"], lambda p: p.proc.send_signal(signal.SIGTERM), 143, "SIGTERM"),
        ("the time limit", ["--timeout", "0.5", "HOG.COM", "f"], None, 124, "timed out"),
        ("a fault", ["FAULT.COM"], None, 125, "invalid opcode"),
        ("the program's end", ["KEYS.COM"], lambda p: p.send(b"\r"), 7, ""),
    )
    for what, args, act, want, says in cases:
        p = env.pty(args, env=UTF8)
        try:
            if act:
                check(p.wait_for(lambda p: "key?" in "".join(p.screen.text()) or "hog: ready" in "".join(p.screen.text())),
                      "%s: the program drew nothing: %r" % (what, p.raw[-300:]))
                act(p)
            rc = p.finish()
            check(rc == want, "%s: exit %s, expected %d; stderr %r" % (what, rc, want, p.stderr()))
            term_restored(p, what)
            check(says.lower() in p.stderr().lower(), "%s: stderr should say %r: %r" % (what, says, p.stderr()))
        finally:
            p.close()


def case_console_option(env):
    """--console picks the console: stream on a terminal (text, no screen
    drawn, a line typed reaches BIOS key reads), terminal off a terminal is
    an error, an unknown name is named."""
    p = env.pty(["--console=stream", "KEYS.COM"], env=UTF8)
    try:
        check(p.wait_for(lambda p: b"key? " in p.raw), "KEYS.COM --console=stream on a pty: %r" % p.raw)
        p.send(b"hi\n")
        rc = p.finish()
        check(rc == 7, "KEYS.COM --console=stream on a pty: exit %s %r" % (rc, p.stderr()))
        check(b"\x1b[" not in p.raw, "--console=stream drew on the terminal: %r" % p.raw[:200])
        check(b"keys: done" in p.raw and p.after() == p.before, "--console=stream: %r" % p.raw)
    finally:
        p.close()
    rc, out, err, _ = env.run(["--console=terminal", "HELLO.COM"], None)
    check(rc == 126 and "terminal" in err, "--console=terminal on pipes: exit %d %r" % (rc, err))
    rc, out, err, _ = env.run(["--console=bogus", "HELLO.COM"], None)
    check(rc == 126 and "bogus" in err and "stream" in err, "--console=bogus: exit %d %r" % (rc, err))


def case_term_history(env):
    """The prompt's line editing from the keyboard (src/dos/console.c): up
    and down arrows step through the lines entered, F3 copies the rest of
    the last one (DOS's template), F1 / right arrow one character of it."""
    p = env.pty([], env=UTF8, cmd="shell")
    screen = lambda: "\n".join(p.screen.text())
    try:
        check(p.wait_for(lambda p: "C:\\>" in screen()), "mvdm shell drew no prompt: %r" % screen())
        p.send(b"echo one\r")
        check(p.wait_for(lambda p: screen().count("C:\\>") >= 2), "no prompt after 'echo one'")
        p.send(b"echo two\r")
        check(p.wait_for(lambda p: screen().count("C:\\>") >= 3), "no prompt after 'echo two'")
        # Up twice: "echo one"; Enter runs it again.
        p.send(b"\x1b[A")
        check(p.wait_for(lambda p: screen().rstrip().endswith("C:\\>echo two")), "up: %r" % screen())
        p.send(b"\x1b[A")
        check(p.wait_for(lambda p: screen().rstrip().endswith("C:\\>echo one")), "up, up: %r" % screen())
        p.send(b"\x1b[B")
        check(p.wait_for(lambda p: screen().rstrip().endswith("C:\\>echo two")), "up, up, down: %r" % screen())
        p.send(b"\x1b[A\r")
        check(p.wait_for(lambda p: screen().count("\none") >= 2), "up, Enter did not run 'echo one' again: %r"
              % screen())
        # F3: the whole template; "ec", F3 and the rest comes from it.
        p.send(b"ec\x1bOR\r")
        check(p.wait_for(lambda p: screen().count("\none") >= 3), "F3 did not complete 'echo one': %r" % screen())
        # F1 and the right arrow: one character each.
        p.send(b"\x1bOP\x1b[C\x1bOP\x1bOR")
        check(p.wait_for(lambda p: screen().rstrip().endswith("C:\\>echo one")), "F1, right, F1, F3: %r"
              % screen())
        p.send(b"\rexit\r")
        rc = p.finish()
        check(rc == 0, "mvdm shell: exit %s %r" % (rc, p.stderr()))
    finally:
        p.close()


CASES = {
    "timeout": case_timeout,
    "stream-keys": case_stream_keys,
    "stream-signals": case_stream_signals,
    "stream-eof": case_stream_eof,
    "stream-flush": case_stream_flush,
    "stream-text": case_stream_text,
    "term-basic": case_term_basic,
    "term-size": case_term_size,
    "term-exits": case_term_exits,
    "console-option": case_console_option,
    "term-history": case_term_history,
    "exit-complete": case_exit_complete,
}


def main(argv):
    if len(argv) == 3 and argv[2] == "list":
        print("\n".join(CASES))
        return 0
    if len(argv) < 4 or argv[2] not in CASES:
        sys.stderr.write("usage: run_test.py MVDM CASE PROGDIR...\ncases: %s\n" % " ".join(CASES))
        return 2
    env = Env(argv[1], argv[3:])
    t0 = time.monotonic()
    try:
        CASES[argv[2]](env)
    except Skip as e:
        print("SKIP: %s" % e)
        return SKIP
    except Fail as e:
        print("FAIL: %s" % e)
        for line in INFO:
            print("  " + line)
        return 1
    except Exception as e:  # a bug of the test, or a hang (subprocess timeout)
        import traceback
        print("FAIL (exception): %s\n%s" % (e, traceback.format_exc()))
        return 1
    finally:
        env.cleanup()
    print("PASS: %s (%.1f s)" % (argv[2], time.monotonic() - t0))
    for line in INFO:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
