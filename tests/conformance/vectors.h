/*
 * vectors.h - reading single-step CPU test vectors (*.json.gz).
 *
 * The format is the one of /work/shared/cpu-tests/README.md (SingleStepTests):
 * a gzipped JSON array of test objects. The fast path reads one test object
 * per line (gzgets + cJSON_Parse); a file in any other layout (for example a
 * pretty-printed upstream file) is read whole and parsed as one array.
 */
#ifndef MVDM_CONFORMANCE_VECTORS_H
#define MVDM_CONFORMANCE_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The 14 registers of a vector, in the order of the JSON records. */
enum vec_reg {
	VR_AX, VR_BX, VR_CX, VR_DX, VR_CS, VR_SS, VR_DS, VR_ES,
	VR_SP, VR_BP, VR_SI, VR_DI, VR_IP, VR_FLAGS, VR_COUNT
};

extern const char *const vec_reg_names[VR_COUNT];

struct vec_ram {
	uint32_t addr;   /* linear address */
	uint8_t value;
};

struct vec_ram_list {
	struct vec_ram *v;
	size_t n, cap;
};

#define VEC_MAX_BYTES 32

struct vec_test {
	char name[128];          /* disassembly, informational (truncated) */
	char hash[80];           /* upstream id; "" if absent */
	uint8_t bytes[VEC_MAX_BYTES];
	unsigned nbytes;         /* as listed, capped at VEC_MAX_BYTES */
	uint16_t init[VR_COUNT]; /* initial.regs (all required) */
	uint16_t fin[VR_COUNT];  /* final.regs where present, else initial */
	uint32_t fin_present;    /* bit r set: final.regs lists register r */
	struct vec_ram_list init_ram, final_ram;
	bool has_exception;      /* "exception" key present */
	unsigned exception_number;
	uint32_t flag_address;
	long index;              /* 0-based position of the test in its file */
};

struct vec_file;

/* Open a vector file. Returns 0, or -1 with a message in err. */
int vec_open(struct vec_file **out, const char *path, char *err, size_t errlen);

/*
 * Read the next test into *t (its RAM lists are reused between calls).
 * Returns 1 for a test, 0 at the end of the file, -1 for a malformed test
 * (message in err; reading can go on) and -2 for an unrecoverable read error.
 */
int vec_next(struct vec_file *f, struct vec_test *t, char *err, size_t errlen);

void vec_close(struct vec_file *f);

/* Release the RAM lists of a test. */
void vec_test_free(struct vec_test *t);

#endif
