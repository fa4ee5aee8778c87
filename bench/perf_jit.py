#!/usr/bin/env python3
"""perf_jit.py - charge a perf profile's samples in compiled code to blocks.

perf 6.1 reads /tmp/perf-<pid>.map only for anonymous mappings, and the
JIT's code is a memfd mapping (memfd:mvdm-jit, W^X: src/cpu/jit_area.c),
so `perf report` shows offsets there. This reads `perf script`'s sample
addresses and the map mvdm writes with MVDM_PERF_MAP=1 (src/cpu/
jit_perf_map.c) and prints the samples per name (a guest block, the link
stub, SH_*), and with --annotate DUMP the hottest blocks' instructions with
their samples, from a dump of the executable view (bench/perf_jit_dump.gdb).

  MVDM_PERF_MAP=1 perf record -F 5000 -o perf.data BUILD/tools/mvdm run ...
  bench/perf_jit.py perf.data [--map /tmp/perf-PID.map] [--top 40]
      [--annotate DUMP --dump-base HEX --blocks 8]

The map's last line naming an address wins (an area flush reuses
addresses, as perf itself does with the map).
"""
import argparse
import bisect
import collections
import re
import subprocess
import sys
import tempfile


def read_samples(data):
    """All samples of the process that ran compiled code (the one with most
    samples in memfd:mvdm-jit: under gdb, not gdb's), and the addresses of
    those in compiled code."""
    out = subprocess.run(['perf', 'script', '-i', data, '-F', 'pid,ip,dso'], capture_output=True, text=True,
                         check=True).stdout
    per_pid = collections.Counter()
    jit = collections.defaultdict(list)
    for line in out.splitlines():
        m = re.match(r'\s*(\d+)\s+([0-9a-f]+)\s+\((.*)\)', line)
        if not m:
            continue
        per_pid[m.group(1)] += 1
        if 'mvdm-jit' in m.group(3):
            jit[m.group(1)].append(int(m.group(2), 16))
    if not jit:
        return 0, [], None
    pid = max(jit, key=lambda p: len(jit[p]))
    return per_pid[pid], jit[pid], pid


def read_map(path):
    spans = {}
    for line in open(path):
        start, size, name = line.rstrip('\n').split(' ', 2)
        spans[int(start, 16)] = (int(size, 16), name)  # (the last line wins)
    starts = sorted(spans)
    return starts, spans


def lookup(starts, spans, ip):
    k = bisect.bisect_right(starts, ip) - 1
    if k < 0:
        return None
    size, name = spans[starts[k]]
    return (starts[k], name) if ip < starts[k] + size else None


def annotate(dump, base, start, size, hits, total):
    with open(dump, 'rb') as f:
        f.seek(start - base)
        code = f.read(size)
    with tempfile.NamedTemporaryFile(suffix='.bin') as t:
        t.write(code)
        t.flush()
        dis = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', '--adjust-vma=%#x' % start,
                              t.name], capture_output=True, text=True, check=True).stdout
    for line in dis.splitlines():
        m = re.match(r'\s*([0-9a-f]+):\t', line)
        if not m or line.count('\t') < 2:
            continue  # (objdump's continuation of a long instruction's bytes)
        n = hits.get(int(m.group(1), 16), 0)
        print('%6.2f%% %5d  +%-4x %s' % (100.0 * n / total, n, int(m.group(1), 16) - start,
                                         line.split('\t', 2)[-1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('data')
    ap.add_argument('--map', help='the perf map (default: /tmp/perf-PID.map of the busiest pid)')
    ap.add_argument('--top', type=int, default=40)
    ap.add_argument('--annotate', metavar='DUMP', help='a dump of the executable view of the mapping')
    ap.add_argument('--dump-base', type=lambda s: int(s, 16), help='its address (hex)')
    ap.add_argument('--blocks', type=int, default=8, help='blocks to annotate')
    a = ap.parse_args()
    total, samples, pid = read_samples(a.data)
    if not samples:
        sys.exit('no samples in memfd:mvdm-jit')
    path = a.map or '/tmp/perf-%s.map' % pid
    starts, spans = read_map(path)
    # (by code address: programs loaded at the same address, C1, C2 and C3
    # of the nmake build, have different blocks of the same name)
    by_code = collections.Counter()
    by_ip = collections.Counter()
    for ip in samples:
        hit = lookup(starts, spans, ip)
        by_code[hit if hit else (0, '(not in the map)')] += 1
        if hit:
            by_ip[ip] += 1
    kinds = collections.Counter()
    for (start, name), n in by_code.items():
        kinds['blocks' if name.startswith('guest') else name] += n
    print('%d samples of pid %s, %d in memfd:mvdm-jit (%.1f%%), map %s' %
          (total, pid, len(samples), 100.0 * len(samples) / total, path))
    for name, n in kinds.most_common():
        print('%6.2f%% %6d  %s' % (100.0 * n / total, n, name))
    print('\nby code (share of all samples):')
    for (start, name), n in by_code.most_common(a.top):
        print('%6.2f%% %6d  %x %s' % (100.0 * n / total, n, start, name))
    if a.annotate:
        shown = 0
        for (start, name), n in by_code.most_common():
            if not name.startswith('guest'):
                continue
            size = spans[start][0]
            print('\n== %s: %d samples (%.2f%%), %d bytes at %x' % (name, n, 100.0 * n / total, size, start))
            annotate(a.annotate, a.dump_base, start, size, by_ip, total)
            shown += 1
            if shown == a.blocks:
                break


if __name__ == '__main__':
    main()
