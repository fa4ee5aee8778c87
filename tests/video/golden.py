#!/usr/bin/env python3
"""golden.py MVDM BIN_DIR SRC.asm... - graphics tests against golden PNGs.

Each NASM program describes the picture it draws in its comments:

    ; GOLDEN size W H              the frame's native size
    ; GOLDEN fill RRGGBB           the whole picture
    ; GOLDEN rect X0 Y0 X1 Y1 RRGGBB   inclusive corners
    ; GOLDEN pixel X Y RRGGBB
    ; GOLDEN glyph X Y RRGGBB BG H ROW0 ROW1 ...   an 8-wide bitmap (hex rows)
    ; GOLDEN args ...              extra `mvdm run` arguments

From that description (never from mvdm's output) this script builds the
golden PNG (BIN_DIR/NAME.golden.png, pure Python: zlib and struct), runs
`mvdm run --screenshot BIN_DIR/NAME.png BIN_DIR/NAME.com`, decodes the
screenshot (any PNG filter; 8-bit RGB) and compares every pixel. Prints
one line per program and ends with "N passed, N failed".
"""
import os, struct, subprocess, sys, zlib


def png_bytes(w, h, pixels):
    raw = b"".join(b"\0" + bytes(c for px in pixels[y * w:(y + 1) * w] for c in px) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_read(path):
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    p, idat, w = 8, b"", 0
    while p < len(d):
        n, t = struct.unpack(">I4s", d[p:p + 8])
        body = d[p + 8:p + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype != 2 or interlace:
                raise ValueError("expected 8-bit RGB, not interlaced")
        elif t == b"IDAT":
            idat += body
        p += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * 3, [], bytearray(w * 3)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, [tuple(r[3 * x:3 * x + 3]) for r in rows for x in range(w)]


def describe(src):
    w = h = 0
    pixels, args = None, []
    rgb = lambda s: (int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16))
    for line in open(src):
        if not line.startswith("; GOLDEN "):
            continue
        f = line.split()[2:]
        if f[0] == "size":
            w, h = int(f[1]), int(f[2])
            pixels = [(0, 0, 0)] * (w * h)
        elif f[0] == "fill":
            pixels = [rgb(f[1])] * (w * h)
        elif f[0] == "rect":
            x0, y0, x1, y1 = map(int, f[1:5])
            for y in range(y0, y1 + 1):
                for x in range(x0, x1 + 1):
                    pixels[y * w + x] = rgb(f[5])
        elif f[0] == "pixel":
            pixels[int(f[2]) * w + int(f[1])] = rgb(f[3])
        elif f[0] == "glyph":
            x0, y0, fg, bg, gh = int(f[1]), int(f[2]), rgb(f[3]), rgb(f[4]), int(f[5])
            for r in range(gh):
                bits = int(f[6 + r], 16)
                for i in range(8):
                    pixels[(y0 + r) * w + x0 + i] = fg if bits & (0x80 >> i) else bg
        elif f[0] == "args":
            args += f[1:]
    return w, h, pixels, args


def main():
    mvdm, bindir, srcs = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    passed = failed = 0
    for src in srcs:
        name = os.path.splitext(os.path.basename(src))[0]
        w, h, want, args = describe(src)
        golden = os.path.join(bindir, name + ".golden.png")
        open(golden, "wb").write(png_bytes(w, h, want))
        shot = os.path.join(bindir, name + ".png")
        if os.path.exists(shot):
            os.unlink(shot)
        r = subprocess.run([mvdm, "run", "--timeout", "20", "--screenshot", shot] + args +
                           [os.path.join(bindir, name + ".com")], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, errors="replace", cwd=bindir)
        why = None
        if r.returncode != 0:
            why = "exit %d: %s" % (r.returncode, r.stderr.strip())
        else:
            gw, gh, got = png_read(shot)
            if (gw, gh) != (w, h):
                why = "size %dx%d, want %dx%d" % (gw, gh, w, h)
            else:
                bad = [i for i in range(w * h) if got[i] != want[i]]
                if bad:
                    i = bad[0]
                    why = "%d pixels differ; first at (%d,%d): %02X%02X%02X, want %02X%02X%02X" % (
                        (len(bad), i % w, i // w) + got[i] + want[i])
        if why:
            failed += 1
            print("FAIL %s: %s (golden %s, screenshot %s)" % (name, why, golden, shot))
        else:
            passed += 1
            print("ok   %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
