/*
 * corpus_driver.c - runs a fuzz target (tests/fuzz/fuzz_NAME.c, the
 * libFuzzer entry LLVMFuzzerTestOneInput) without libFuzzer.
 *
 *   fuzzdrv-NAME [--seconds N] [--seed S] [--max-len L] [--no-prefixes]
 *                [--save DIR] CORPUSDIR...
 *
 * First it replays every file of the corpus directories: each whole, each
 * prefix (a parser must survive input cut anywhere; --no-prefixes leaves
 * them out) and each with one byte at a time replaced by a few values that
 * break parsers (NUL, CR, LF, quote, backslash, 0x80, 0xFF). Then, for
 * --seconds N, it mutates corpus entries at random (bit flips, random and
 * boundary bytes, inserted, deleted and repeated runs, splices of two
 * entries; at most --max-len bytes) and runs each. Nothing is learnt
 * from a run (no coverage feedback: that is libFuzzer's, which
 * scripts/fuzz.sh uses when clang is there), so this finds shallower bugs
 * than libFuzzer does. A target aborts on a
 * broken invariant; the sanitizer builds catch the rest. When the process
 * dies of a signal, the input it was running is written to DIR/crash-PID
 * (--save, default the current directory) and named on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { DRIVER_MAX_INPUT = 1 << 17, MAX_SEEDS = 4096 };

static unsigned long runs;
/* The input being run, for the crash handler (this is a test driver: its
 * process holds one run at a time). */
static uint8_t *current;
static size_t current_len;
static char crash_path[4200];

static void on_crash(int sig)
{
	int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (current && write(fd, current, current_len) < 0) {
			/* nothing more to do in a signal handler */
		}
		close(fd);
	}
	static const char msg[] = "corpus_driver: the input that was running is in ";
	if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, crash_path, strlen(crash_path)) < 0 || write(2, "\n", 1) < 0) {
		/* ignored */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void run(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	current = copy;
	current_len = size;
	LLVMFuzzerTestOneInput(copy, size);
	current = NULL;
	free(copy);
	runs++;
}

struct seed {
	uint8_t *data;
	size_t len;
};
static struct seed seeds[MAX_SEEDS];
static size_t nseeds;

static void one_file(const char *path, int prefixes)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	static uint8_t buf[DRIVER_MAX_INPUT];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (nseeds < MAX_SEEDS && (seeds[nseeds].data = malloc(n ? n : 1)) != NULL) {
		memcpy(seeds[nseeds].data, buf, n);
		seeds[nseeds++].len = n;
	}
	if (prefixes)
		for (size_t k = 0; k < n; k++)
			run(buf, k);
	run(buf, n);
	static const uint8_t breakers[] = { 0x00, '\r', '\n', '"', '\\', 0x80, 0xFF };
	for (size_t k = 0; k < n; k++) {
		uint8_t was = buf[k];
		for (size_t b = 0; b < sizeof(breakers); b++) {
			buf[k] = breakers[b];
			run(buf, n);
		}
		buf[k] = was;
	}
}

/* xorshift64*: reproducible with --seed. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}
static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* One random change of buf[0..*len) (capacity max). */
static void mutate(uint8_t *buf, size_t *len, size_t max)
{
	static const uint8_t interesting[] = { 0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x0D, 0x0A, 0x1A, '=', '\\', ':',
					       '.', '*', '?', 0xCD, 0x21, 0xCC, 0xF4, 0xFE, 'M', 'Z' };
	size_t n = *len;
	switch (below(8)) {
	case 0: /* flip a bit */
		if (n)
			buf[below(n)] ^= (uint8_t)(1u << below(8));
		break;
	case 1: /* a random byte */
		if (n)
			buf[below(n)] = (uint8_t)rnd();
		break;
	case 2: /* a boundary byte */
		if (n)
			buf[below(n)] = interesting[below(sizeof(interesting))];
		break;
	case 3: { /* insert random bytes */
		size_t k = 1 + below(8), at = below(n + 1);
		if (n + k > max)
			break;
		memmove(buf + at + k, buf + at, n - at);
		for (size_t i = 0; i < k; i++)
			buf[at + i] = (uint8_t)rnd();
		*len = n + k;
		break;
	}
	case 4: { /* delete a run */
		if (!n)
			break;
		size_t at = below(n), k = 1 + below(n - at < 16 ? n - at : 16);
		memmove(buf + at, buf + at + k, n - at - k);
		*len = n - k;
		break;
	}
	case 5: { /* repeat a run */
		if (!n)
			break;
		size_t at = below(n), k = 1 + below(n - at < 32 ? n - at : 32);
		if (n + k > max)
			break;
		memmove(buf + at + k, buf + at, n - at);
		*len = n + k;
		break;
	}
	case 6: { /* splice: the tail of another entry */
		if (!nseeds)
			break;
		const struct seed *s = &seeds[below(nseeds)];
		size_t at = below(n + 1), from = below(s->len + 1), k = s->len - from;
		if (at + k > max)
			k = max - at;
		memcpy(buf + at, s->data + from, k);
		*len = at + k;
		break;
	}
	default: { /* a 16-bit little-endian boundary value */
		static const uint16_t words[] = { 0, 1, 0x7FFF, 0x8000, 0xFFFF, 0xFF00, 0x0100, 0x4000 };
		if (n < 2)
			break;
		size_t at = below(n - 1);
		uint16_t w = words[below(sizeof(words) / sizeof(words[0]))];
		buf[at] = (uint8_t)w;
		buf[at + 1] = (uint8_t)(w >> 8);
		break;
	}
	}
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = 0;
	size_t max_len = 4096;
	int prefixes = 1;
	const char *save = ".";
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--no-prefixes") == 0)
			prefixes = 0;
		else if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
			rng_state = strtoull(argv[++i], NULL, 0) | 1;
		else if (i + 1 < argc && strcmp(argv[i], "--max-len") == 0)
			max_len = (size_t)strtoul(argv[++i], NULL, 0);
		else if (i + 1 < argc && strcmp(argv[i], "--save") == 0)
			save = argv[++i];
		else {
			fprintf(stderr, "corpus_driver: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (max_len == 0 || max_len > DRIVER_MAX_INPUT)
		max_len = DRIVER_MAX_INPUT;
	snprintf(crash_path, sizeof(crash_path), "%s/crash-%ld", save, (long)getpid());
	signal(SIGABRT, on_crash);
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGFPE, on_crash);
	signal(SIGILL, on_crash);
	for (; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			fprintf(stderr, "corpus_driver: no corpus directory %s\n", argv[i]);
			return 1;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			one_file(path, prefixes);
		}
		closedir(d);
	}
	unsigned long replayed = runs;
	double t0 = now();
	static uint8_t buf[DRIVER_MAX_INPUT];
	while (seconds > 0 && now() - t0 < seconds) {
		size_t len = 0;
		if (nseeds) {
			const struct seed *s = &seeds[below(nseeds)];
			len = s->len < max_len ? s->len : max_len;
			memcpy(buf, s->data, len);
		}
		for (size_t k = 1 + below(4); k > 0; k--)
			mutate(buf, &len, max_len);
		run(buf, len);
	}
	printf("%lu inputs (%lu replayed, %lu mutated in %.0f s), no invariant broken\n", runs, replayed,
	       runs - replayed, seconds > 0 ? now() - t0 : 0.0);
	for (size_t k = 0; k < nseeds; k++)
		free(seeds[k].data);
	return 0;
}
