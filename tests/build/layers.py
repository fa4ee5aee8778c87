#!/usr/bin/env python3
"""layers.py - which layer may include which header (docs/architecture.md
"Layers"). Reads every #include "DIR/NAME.h" of src/*/ and tools/ and
checks it against the allowed graph below: a lower layer never includes an
upper one, devices see the machine only through include/mvdm/vdd.h, and
the tools and the server use the library's public headers (include/mvdm)
plus the console and server parts meant for them.

Usage: layers.py SOURCE_ROOT     (exit 0: every include allowed)
       layers.py --self-test SOURCE_ROOT
The self-test copies the tree's src/ into a temporary directory, adds one
forbidden include at a time (the DOS kernel including the shell, a device
including the monitor's internals) and checks that each is reported.
"""
import os
import re
import shutil
import sys
import tempfile

# Layer of each directory under src/ (and tools/), and the layers each may
# include (its own always). "mvdm" is include/mvdm, the public API; a
# layer given as "mvdm:NAME" may include only that public header.
ALLOWED = {
    "common": set(),
    "cpu": {"common"},
    # The machine: the monitor (vm) with its ROM BIOS and memory services
    # and the board that wires the devices in. They call one another.
    "vm": {"common", "cpu", "bios", "mem", "mvdm"},
    "bios": {"common", "vm", "mvdm"},
    "mem": {"common", "vm", "mvdm"},
    "board": {"common", "vm", "bios", "mem", "dev", "mvdm"},
    # Devices: the public VDD interface only.
    "dev": {"common", "mvdm:vdd.h", "mvdm:vm16.h"},
    # The DPMI host: a VDD like the devices (docs/dpmi.md).
    "dpmi": {"common", "mvdm:vdd.h"},
    # The DOS kernel: the machine below it; never the shell above it.
    "dos": {"common", "vm", "bios", "mvdm"},
    "shell": {"common", "dos", "vm", "mvdm"},
    "profile": {"common", "mvdm"},
    "console": {"common", "mvdm"},
    "client": {"common", "mvdm"},
    "server": {"common", "console", "mvdm"},
    "tools": {"common", "console", "server", "cpu", "mvdm"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)/([A-Za-z0-9_.]+)"', re.M)


def violations(root):
    found = []
    dirs = [(os.path.join(root, "src", d), d) for d in sorted(os.listdir(os.path.join(root, "src")))
            if os.path.isdir(os.path.join(root, "src", d))]
    dirs.append((os.path.join(root, "tools"), "tools"))
    for path, layer in dirs:
        if layer not in ALLOWED:
            found.append("%s: a directory no layer rule covers (add it to tests/build/layers.py)" % path)
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith((".c", ".h", ".def")):
                continue
            text = open(os.path.join(path, name), encoding="utf-8", errors="replace").read()
            for m in INCLUDE.finditer(text):
                target, header = m.group(1), m.group(2)
                line = text.count("\n", 0, m.start()) + 1
                allowed = ALLOWED[layer]
                if target == layer or target in allowed or "%s:%s" % (target, header) in allowed:
                    continue
                found.append("%s/%s:%d: layer %s includes %s/%s" % (os.path.relpath(path, root), name, line, layer,
                                                                  target, header))
    return found


def self_test(root):
    baits = [("src/dos/kernel.c", '#include "shell/shell.h"'), ("src/dev/pic.c", '#include "vm/vm_internal.h"'),
             ("src/cpu/cpu.c", '#include "dos/dos_internal.h"'), ("tools/run.c", '#include "dos/dos_internal.h"')]
    ok = True
    for rel, line in baits:
        tmp = tempfile.mkdtemp(prefix="mvdm-layers-")
        try:
            shutil.copytree(os.path.join(root, "src"), os.path.join(tmp, "src"))
            shutil.copytree(os.path.join(root, "tools"), os.path.join(tmp, "tools"))
            with open(os.path.join(tmp, rel), "a") as f:
                f.write("\n" + line + "\n")
            v = violations(tmp)
            if not any(rel.split("/")[-1] in x and line.split('"')[1] in x for x in v):
                print("FAIL: the bait %s in %s was not reported" % (line, rel))
                ok = False
        finally:
            shutil.rmtree(tmp)
    return ok


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        if not self_test(argv[2]):
            return 1
        print("ok: every bait reported")
        return 0
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    v = violations(argv[1])
    for x in v:
        print(x)
    if v:
        print("%d include(s) across layers that the graph does not allow" % len(v))
        return 1
    print("ok: every include within the layer graph")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
