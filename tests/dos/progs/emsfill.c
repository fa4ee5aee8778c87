/* emsfill.c - a C program (Microsoft C 5.1, small model) that uses EMS as
 * programs of its day did, through int86(): it allocates every free page
 * (at most 256), writes each page's number through the page frame four
 * pages at a time, reads them all back in the other order after
 * remapping, and frees them. Built and run by corpus_test.sh "memory".
 * Sources: LIM EMS 4.0 functions 1-6; MSC 5.1 int86(). */
int printf(const char *, ...);

struct WORDREGS { unsigned int ax, bx, cx, dx, si, di, cflag; };
struct BYTEREGS { unsigned char al, ah, bl, bh, cl, ch, dl, dh; };
union REGS { struct WORDREGS x; struct BYTEREGS h; };
int int86(int, union REGS *, union REGS *);

static union REGS r;

static int ems(unsigned ax, unsigned bx, unsigned dx)
{
	r.x.ax = ax;
	r.x.bx = bx;
	r.x.dx = dx;
	int86(0x67, &r, &r);
	return r.h.ah;
}

/* The word at `off` in physical page `phys` of the frame. */
static unsigned far *cell(unsigned frame, unsigned phys, unsigned off)
{
	return (unsigned far *)(((unsigned long)frame << 16) + phys * 0x4000u + off);
}

int main(void)
{
	unsigned frame, avail, handle, i, off, bad = 0;
	if (ems(0x4100, 0, 0)) {
		printf("no page frame\n");
		return 1;
	}
	frame = r.x.bx;
	ems(0x4200, 0, 0);
	avail = r.x.bx > 256 ? 256 : r.x.bx;
	if (ems(0x4300, avail, 0)) {
		printf("cannot allocate %u pages\n", avail);
		return 1;
	}
	handle = r.x.dx;
	for (i = 0; i < avail; i++) {
		if (ems(0x4400 | (i & 3), i, handle))
			bad++;
		for (off = 0; off < 0x4000; off += 0x400)
			*cell(frame, i & 3, off) = i ^ off;
	}
	for (i = avail; i-- > 0;) {
		ems(0x4400 | (3 - (i & 3)), i, handle);
		for (off = 0; off < 0x4000; off += 0x400)
			if (*cell(frame, 3 - (i & 3), off) != (i ^ off))
				bad++;
	}
	ems(0x4500, 0, handle);
	ems(0x4200, 0, 0);
	printf("emsfill: %u pages (%u KiB) written and read back, %u bad; %u free after\n", avail, avail * 16, bad,
	       r.x.bx);
	return bad != 0;
}
