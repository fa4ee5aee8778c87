/* floats.c - floating point of Microsoft C 5.1 (default /FPi: the
 * emulator library, which uses the coprocessor when its probe finds one):
 * the same output with FPU=80387 (mvdm's x87) and FPU=none (Microsoft's
 * software emulator, an independent reference). The values are the IEEE
 * doubles Python's math module prints to 15 decimals, except tan(0.5):
 * MSC's library (FPTAN, then a division, in both paths) lands one ulp
 * above the correctly rounded 0.546302489843790. */
/* The corpus has the libraries but no headers: the declarations here. */
int printf(const char *fmt, ...);
double sqrt(double), sin(double), cos(double), tan(double), atan(double);
double exp(double), log(double), pow(double, double), floor(double);

int main(void)
{
	int i, n, it;
	double cr, ci, zr, zi, t;
	printf("sqrt(2)    = %.15f\n", sqrt(2.0));
	printf("sin(1)     = %.15f\n", sin(1.0));
	printf("cos(1)     = %.15f\n", cos(1.0));
	printf("tan(0.5)   = %.15f\n", tan(0.5));
	printf("4*atan(1)  = %.15f\n", 4.0 * atan(1.0));
	printf("exp(1)     = %.15f\n", exp(1.0));
	printf("log(10)    = %.15f\n", log(10.0));
	printf("pow(2,0.5) = %.15f\n", pow(2.0, 0.5));
	printf("1/3        = %.15f\n", 1.0 / 3.0);
	printf("floor(-2.5)= %.1f\n", floor(-2.5));
	/* A small Mandelbrot: points of a 16 x 8 grid that stay bounded. */
	n = 0;
	for (i = 0; i < 128; i++) {
		cr = -2.0 + (i % 16) * 0.1875;
		ci = -1.0 + (i / 16) * 0.25;
		zr = zi = 0.0;
		for (it = 0; it < 50 && zr * zr + zi * zi <= 4.0; it++) {
			t = zr * zr - zi * zi + cr;
			zi = 2.0 * zr * zi + ci;
			zr = t;
		}
		if (it == 50)
			n++;
	}
	printf("mandelbrot inside = %d\n", n);
	return 0;
}
