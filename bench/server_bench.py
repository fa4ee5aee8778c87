#!/usr/bin/env python3
"""bench/server_bench.py - figures for the MVM server (issue: many VMs).

usage: bench/server_bench.py [-b BUILD_DIR] [--idle N] [--busy N] [--latency N] [--idle-secs S]
                             [--set NAME=VALUE ...]

Starts its own mvdmd (BUILD_DIR/tools/mvdmd, default build-bench, configured
like bench/run.sh) on a private socket with the default worker count (one
per CPU) and measures:

  idle     N VMs (default 1000) at a shell prompt (Z:\\COMMAND.COM waiting
           for a key): host memory per VM (the server's VmRSS growth / N)
           and host CPU while they idle (utime+stime of the server over
           --idle-secs seconds, as % of one core); --set gives these VMs
           DOS settings (XMS_MEMORY_LIMIT=0 EMS_MEMORY_LIMIT=0 against the
           defaults: what configured but unused XMS and EMS cost);
  busy     N VMs (default 100) each running bench/alu.asm at 1/20 size
           (alu.server.com, about 50 million instructions; every VM must
           print what the single VM printed): throughput of
           all at once against one VM alone (the scaling ratio; the ideal
           is the number of cores), and fairness: the spread of their
           completion times;
  latency  N times (default 200): a create request for a hello-world COM
           file -> the program's first instruction (the server's
           first_insn_us) and -> the `wait` answer with its exit code
           (measured here); medians and 90th percentiles.

It prints figures only; it never fails because of speed (exit 1 only if a
VM computed a wrong result or the server misbehaved).
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

HELLO = bytes.fromhex("ba0c01b409cd21b8004ccd21") + b"hello, world\r\n$"   # mov dx,10Ch; mov ah,9; int 21h; mov ax,4C00h; int 21h


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rw")

    def call(self, **req):
        self.f.write(json.dumps(req) + "\n")
        self.f.flush()
        r = json.loads(self.f.readline())
        if not r.get("ok"):
            raise RuntimeError(f"{req.get('op')}: {r['error']['code']}: {r['error']['message']}")
        return r


def proc_rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def proc_cpu_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("-b", "--build-dir", default=os.path.join(root, "build-bench"))
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--idle-secs", type=float, default=10)
    ap.add_argument("--busy", type=int, default=100)
    ap.add_argument("--latency", type=int, default=200)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a DOS setting for the idle VMs (repeatable)")
    a = ap.parse_args()
    mvdmd = os.path.join(a.build_dir, "tools", "mvdmd")
    alu = os.path.join(a.build_dir, "bench", "alu.server.com")
    for f in (mvdmd, alu):
        if not os.path.exists(f):
            sys.exit(f"missing {f}: build first (meson setup {a.build_dir} --buildtype=release && ninja -C {a.build_dir})")
    tmp = tempfile.mkdtemp(prefix="mvdm-sbench-")
    drive = os.path.join(tmp, "c")
    os.mkdir(drive)
    shutil.copy(alu, os.path.join(drive, "ALU.COM"))
    open(os.path.join(drive, "HELLO.COM"), "wb").write(HELLO)
    sock = os.path.join(tmp, "s.sock")
    srv = subprocess.Popen([mvdmd, "--foreground", "--socket", sock])
    ok = True
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        c = Conn(sock)
        workers = c.call(op="hello")["workers"]
        drives = {"C": drive}
        print(f"mvdmd {mvdmd}, {workers} workers, {os.cpu_count()} CPUs")

        # ---- latency ----
        first, done = [], []
        for _ in range(a.latency):
            t0 = time.perf_counter()
            vid = c.call(op="create", program="C:\\HELLO.COM", drives=drives)["id"]
            w = c.call(op="wait", id=vid)
            t1 = time.perf_counter()
            st = c.call(op="status", id=vid)
            if w.get("exit_code") != 0 or c.call(op="output", id=vid)["text"] != "hello, world\r\n":
                print("latency: wrong result", w, file=sys.stderr)
                ok = False
            first.append(st["first_insn_us"])
            done.append((t1 - t0) * 1e6)
            c.call(op="remove", id=vid)
        if first:
            print(f"latency ({a.latency} runs): create -> first instruction median {statistics.median(first):.0f} us"
                  f" (p90 {pct(first, 90):.0f}); create -> exit answered median {statistics.median(done):.0f} us"
                  f" (p90 {pct(done, 90):.0f})")

        # ---- busy ----
        if a.busy:
            expect = []  # the single VM's line: every VM must print the same

            def run_batch(n):
                t0 = time.perf_counter()
                ids = [c.call(op="create", program="C:\\ALU.COM", drives=drives, name=f"alu{k}")["id"] for k in range(n)]
                end = {}
                if n == 1:  # exact: the wait answer, not the polling below
                    c.call(op="wait", id=ids[0])
                    end[ids[0]] = time.perf_counter() - t0
                while len(end) < n:
                    for v in c.call(op="list")["vms"]:
                        if v["id"] in ids and v["id"] not in end and v["state"] not in ("running", "idle", "frozen", "paused"):
                            end[v["id"]] = time.perf_counter() - t0
                    time.sleep(0.005)
                insns = 0
                for vid in ids:
                    st = c.call(op="status", id=vid)
                    out = c.call(op="output", id=vid)["text"].strip()
                    if not expect:
                        expect.append(out)
                    if st["state"] != "exited" or out != expect[0] or not out.startswith("alu "):
                        print(f"busy: VM {vid} {st['state']} printed {out!r}", file=sys.stderr)
                        nonlocal_ok[0] = False
                    insns += st["insns"]
                    c.call(op="remove", id=vid)
                wall = max(end.values())
                return insns, wall, sorted(end.values())
            nonlocal_ok = [True]
            i1, w1, _ = run_batch(1)
            mips1 = i1 / w1 / 1e6
            iN, wN, times = run_batch(a.busy)
            mipsN = iN / wN / 1e6
            med = statistics.median(times)
            print(f"busy: 1 VM {i1/1e6:.1f} M insns in {w1:.3f} s = {mips1:.0f} MIPS; "
                  f"{a.busy} VMs {iN/1e6:.0f} M insns in {wN:.3f} s = {mipsN:.0f} MIPS; "
                  f"scaling {mipsN/mips1:.2f}x on {workers} workers")
            print(f"busy fairness: completion times min {times[0]:.3f} s, median {med:.3f} s, max {times[-1]:.3f} s; "
                  f"spread (max-min)/median {(times[-1]-times[0])/med:.2f}")
            ok &= nonlocal_ok[0]

        # ---- idle ----
        if a.idle:
            rss0 = proc_rss_kib(srv.pid)
            t0 = time.perf_counter()
            settings = dict(kv.split("=", 1) for kv in a.set)
            ids = [c.call(op="create", program="Z:\\COMMAND.COM", drives=drives, settings=settings)["id"]
                   for _ in range(a.idle)]
            tc = time.perf_counter() - t0
            time.sleep(2)
            states = {}
            for v in c.call(op="list")["vms"]:
                states[v["state"]] = states.get(v["state"], 0) + 1
            rss1 = proc_rss_kib(srv.pid)
            cpu0 = proc_cpu_s(srv.pid)
            time.sleep(a.idle_secs)
            cpu1 = proc_cpu_s(srv.pid)
            print(f"idle: {a.idle} shells{' with ' + ' '.join(a.set) if a.set else ''} created in {tc:.2f} s; states {states}; "
                  f"memory {(rss1-rss0)/a.idle:.0f} KiB per VM (VmRSS {rss0} -> {rss1} KiB); "
                  f"host CPU {100*(cpu1-cpu0)/a.idle_secs:.1f}% of one core over {a.idle_secs:g} s "
                  f"({1e6*(cpu1-cpu0)/a.idle_secs/a.idle:.0f} us per VM per second)")
        c.call(op="shutdown")
    finally:
        try:
            srv.wait(timeout=30)
        except subprocess.TimeoutExpired:
            srv.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
