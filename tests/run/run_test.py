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
import subprocess
import sys
import tempfile
import time

SKIP = 77
INFO = []


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


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

    def run(self, args, stdin=b"", timeout=30, env=None):
        """Runs `mvdm run ARGS` on pipes; returns (status, stdout, stderr, seconds)."""
        e = dict(self.env)
        e.update(env or {})
        t0 = time.monotonic()
        p = subprocess.run([self.mvdm, "run"] + args, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=self.dir, env=e, timeout=timeout)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace"), time.monotonic() - t0

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def best_of(what, tries, limit_ms, fn):
    ms = [fn() for _ in range(tries)]
    INFO.append("%s: %s ms" % (what, ", ".join("%.1f" % m for m in ms)))
    check(min(ms) <= limit_ms, "%s: %s ms (best %.1f), more than %.0f ms"
          % (what, ", ".join("%.1f" % m for m in ms), min(ms), limit_ms))


# ---------------------------------------------------------------- cases

def many_files(env, n=9000):
    d = os.path.join(env.dir, "MANY")
    if not os.path.isdir(d):
        os.mkdir(d)
        for k in range(n):
            open(os.path.join(d, "F%05d.TXT" % k), "wb").close()


def case_timeout(env):
    """--timeout ends the VM within 50 ms of its time whatever the guest
    does: REP string instructions, costly DOS calls, a plain loop."""
    many_files(env)
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


CASES = {
    "timeout": case_timeout,
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
