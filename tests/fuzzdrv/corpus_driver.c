/*
 * corpus_driver.c - runs a fuzz target (tests/fuzz/fuzz_NAME.c, the
 * libFuzzer entry LLVMFuzzerTestOneInput) without libFuzzer: on every file
 * of the corpus directories named on the command line, on every prefix of
 * each (a parser must survive input cut anywhere), and on each with one
 * byte at a time replaced by a few values that break parsers (NUL, CR, LF,
 * quote, backslash, 0x80, 0xFF). A target aborts on a broken invariant;
 * the sanitizer builds catch the rest. Until the fuzzing infrastructure of
 * tests/fuzz/ (replay.c, libFuzzer builds) is in this tree, this is how
 * the server's request decoder and the profile parser are fuzzed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { DRIVER_MAX_INPUT = 1 << 17 };

static unsigned long runs;

static void run(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	runs++;
}

static void one_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	static uint8_t buf[DRIVER_MAX_INPUT];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t k = 0; k <= n; k++)
		run(buf, k);
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

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
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
			one_file(path);
		}
		closedir(d);
	}
	printf("%lu inputs, no invariant broken\n", runs);
	return 0;
}
