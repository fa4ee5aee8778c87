/* small.c - small-model test program for CL (v4.0 tools): integer
 * arithmetic, arrays, strings and printf from SLIBCE. */
int printf(const char *, ...);
int strlen(const char *);

static int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
	int primes[20], n = 0, i, k;
	for (i = 2; n < 20; i++) {
		for (k = 0; k < n && i % primes[k]; k++)
			;
		if (k == n)
			primes[n++] = i;
	}
	printf("primes:");
	for (i = 0; i < n; i++)
		printf(" %d", primes[i]);
	printf("\nfib(20) = %d\n", fib(20));
	printf("argc = %d, argv[1] = %s (%d chars)\n", argc, argc > 1 ? argv[1] : "-", argc > 1 ? strlen(argv[1]) : 0);
	return 3;
}
