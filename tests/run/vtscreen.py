"""vtscreen.py - a pseudo-terminal for the tests of `mvdm run` (run_test.py):
runs a command on a pty of a given size as its controlling terminal, and
models what the terminal would show (the sequences mvdm's terminal console
sends: CUP, ED 2, SGR, DECTCEM, the alternate screen; text with autowrap),
recording what the tests check: moves outside the terminal, scrolling of
the alternate screen, the switches between the screens."""
import os, re, select, signal, struct, subprocess, fcntl, termios, time, codecs

class Screen:
    """A small VT100/xterm model: what mvdm's terminal console sends (CUP,
    ED 2, SGR, DECTCEM, the alternate screen), printable text with
    autowrap, CR/LF. Records what a test checks: moves outside the
    terminal, scrolling of the alternate screen, the switches."""
    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.main = self.blank()
        self.alt = self.blank()
        self.on_alt = False
        self.r = self.c = 0
        self.wrap = False
        self.cursor_visible = True
        self.events = []          # ('alt', True/False), ('clear'), ...
        self.violations = []
        self.dec = codecs.getincrementaldecoder('utf-8')('replace')
        self.pending = ''
    def blank(self):
        return [[' '] * self.cols for _ in range(self.rows)]
    def resize(self, rows, cols):
        def fit(buf):
            nb = [[' '] * cols for _ in range(rows)]
            for r in range(min(rows, self.rows)):
                for c in range(min(cols, self.cols)):
                    nb[r][c] = buf[r][c]
            return nb
        self.main, self.alt = fit(self.main), fit(self.alt)
        self.rows, self.cols = rows, cols
        self.r, self.c = min(self.r, rows - 1), min(self.c, cols - 1)
    @property
    def buf(self):
        return self.alt if self.on_alt else self.main
    def text(self, alt=None):
        b = self.alt if (self.on_alt if alt is None else alt) else self.main
        return [''.join(row).rstrip() for row in b]
    def scroll(self):
        if self.on_alt:
            self.violations.append('the alternate screen scrolled')
        b = self.buf
        del b[0]
        b.append([' '] * self.cols)
    def put(self, ch):
        if self.wrap:
            self.wrap = False
            self.c = 0
            if self.r == self.rows - 1:
                self.scroll()
            else:
                self.r += 1
        self.buf[self.r][self.c] = ch
        if self.c == self.cols - 1:
            self.wrap = True
        else:
            self.c += 1
    def csi(self, params, final):
        priv = params.startswith('?')
        p = params.lstrip('?')
        nums = [int(x) if x else 0 for x in p.split(';')] if p else []
        if final == 'H':
            row = nums[0] if nums and nums[0] else 1
            col = nums[1] if len(nums) > 1 and nums[1] else 1
            if row > self.rows or col > self.cols:
                self.violations.append('cursor moved to %d;%d on a %dx%d terminal' % (row, col, self.cols, self.rows))
            self.r, self.c = min(row, self.rows) - 1, min(col, self.cols) - 1
            self.wrap = False
        elif final == 'J' and nums and nums[0] == 2:
            b = self.buf
            for row in b:
                for k in range(self.cols):
                    row[k] = ' '
            self.events.append('clear')
        elif final in 'hl' and priv:
            on = final == 'h'
            for n in nums:
                if n == 1049:
                    self.events.append(('alt', on))
                    if on:
                        self.saved = (self.r, self.c)
                        self.on_alt = True
                        self.alt = self.blank()
                    else:
                        self.on_alt = False
                        self.r, self.c = getattr(self, 'saved', (0, 0))
                    self.wrap = False
                elif n == 25:
                    self.cursor_visible = on
    def feed(self, data):
        s = self.pending + self.dec.decode(data)
        self.pending = ''
        i = 0
        while i < len(s):
            ch = s[i]
            if ch == '\x1b':
                m = re.match(r'\x1b\[([0-9;?]*)([@-~])', s[i:])
                if not m:
                    if len(s) - i < 16:
                        self.pending = s[i:]
                        return
                    i += 1
                    continue
                self.csi(m.group(1), m.group(2))
                i += m.end()
                continue
            if ch == '\r':
                self.c = 0
                self.wrap = False
            elif ch == '\n':
                self.wrap = False
                if self.r == self.rows - 1:
                    self.scroll()
                else:
                    self.r += 1
            elif ch == '\b':
                self.c = max(0, self.c - 1)
            elif ch >= ' ':
                self.put(ch)
            i += 1


class PtyRun:
    """`mvdm ARGS` on a pseudo-terminal of rows x cols (its controlling
    terminal, so a resize sends it SIGWINCH)."""
    def __init__(self, mvdm, args, cwd, env, rows=25, cols=80):
        self.master, self.slave = os.openpty()
        self.setsize(rows, cols)
        self.before = termios.tcgetattr(self.slave)
        self.screen = Screen(rows, cols)
        self.raw = b''
        self.errpath = os.path.join(cwd, '.stderr')
        self.err = open(self.errpath, 'wb')
        def ctty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        self.proc = subprocess.Popen([mvdm] + args, stdin=self.slave, stdout=self.slave, stderr=self.err,
                                     cwd=cwd, env=env, start_new_session=True, preexec_fn=ctty)
    def setsize(self, rows, cols):
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    def resize(self, rows, cols):
        self.pump(0.05)
        self.setsize(rows, cols)
        self.screen.resize(rows, cols)
    def pump(self, secs):
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.master], [], [], left)
            if not r:
                return
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.raw += data
            self.screen.feed(data)
    def wait_for(self, pred, secs=10.0, what='the screen'):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if pred(self):
                return True
            self.pump(0.05)
        return pred(self)
    def send(self, data):
        os.write(self.master, data)
    def finish(self, secs=10.0):
        end = time.monotonic() + secs
        while self.proc.poll() is None and time.monotonic() < end:
            self.pump(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            return None
        self.pump(0.1)
        return self.proc.returncode
    def after(self):
        return termios.tcgetattr(self.slave)
    def stderr(self):
        self.err.flush()
        with open(self.errpath, 'rb') as f:
            return f.read().decode(errors='replace')
    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.err.close()
