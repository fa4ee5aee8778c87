#!/usr/bin/env python3
"""A stand-in for mvdmd in the client library's test of starting a server
on demand: `fake_mvdmd.py --socket PATH` listens on PATH, detaches (the
first process exits once the socket listens, as mvdmd does), answers
`hello` on one connection, and ends when that connection closes or after
10 seconds."""
import os
import socket
import sys

if len(sys.argv) != 3 or sys.argv[1] != "--socket":
    sys.exit(2)
path = sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
if os.fork() > 0:
    os._exit(0)
os.setsid()
s.settimeout(10)
try:
    conn, _ = s.accept()
    conn.settimeout(10)
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            break
        buf += data
        while b"\n" in buf:
            _, buf = buf.split(b"\n", 1)
            conn.sendall(b'{"ok": true, "protocol": 1, "server": "fake mvdmd", "workers": 1, "vms": 0}\n')
except OSError:
    pass
finally:
    try:
        os.unlink(path)
    except OSError:
        pass
    os._exit(0)
