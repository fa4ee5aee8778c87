/* bench/cmandel.c - the "cmandel" workload (bench/README.md): a
 * double-precision Mandelbrot as a DOS C compiler's floating point looks,
 * compiled by the corpus's Microsoft C 5.1 (CL -Ox, the default emulator
 * library: its fixups leave NOP or FWAIT before every ESC and the 8087 is
 * used when there is one). 20 frames of 64 x 32 points, at most 200
 * iterations each; the result is the number of points inside the set.
 * Written for the benchmark; run by bench/run.sh on mvdm and DOSBox. */
int printf(const char *fmt, ...);

int main(void)
{
	int i, n, it, f;
	double cr, ci, zr, zi, t;

	n = 0;
	for (f = 0; f < 20; f++)
		for (i = 0; i < 2048; i++) {
			cr = -2.0 + (i % 64) * 0.0390625;
			ci = -1.0 + (i / 64) * 0.0625;
			zr = zi = 0.0;
			for (it = 0; it < 200 && zr * zr + zi * zi <= 4.0; it++) {
				t = zr * zr - zi * zi + cr;
				zi = 2.0 * zr * zi + ci;
				zr = t;
			}
			if (it == 200)
				n++;
		}
	printf("cmandel inside = %d\n", n);
	return 0;
}
